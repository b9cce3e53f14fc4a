/**
 * The links that let a person set their own password: an administrator's invitation and "forgot
 * password". One mechanism for both:
 *
 * 1. A request is stored (`queuePasswordReset` for any address typed, before anyone looks it up;
 *    `queueInvitation` by the invite command) and announced; the worker (mail/password-link-mail.ts)
 *    looks the person up afterwards and mails a link, so the answer's content and time say nothing
 *    about which addresses are staff's.
 * 2. The link is a JWT with its own key derived from JWT_SECRET (pinned algorithm, issuer, audience),
 *    naming the person, the kind and a fingerprint of their password hash and tokenVersion: setting a
 *    password, "sign out everywhere" or a deactivation kills every link already sent. An invitation
 *    lives 24 hours (an administrator can send another), a reset 30 minutes.
 * 3. Opening it shows a form (a GET spends nothing: mail scanners fetch links); the POST records the
 *    link's id once in `staff_password_link_uses` (a duplicate key means used, on any instance), sets
 *    the password, activates an invited account and ends every session of the person.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { domainEvents } from '../lib/domain-events.js';
import { StaffModel, type StaffDoc } from '../staff/staff.model.js';
import { hashPassword } from './password.js';
import { PasswordLinkRequestModel, PasswordLinkUseModel, passwordLinkKinds, type PasswordLinkKind, type PasswordLinkRequest } from './password-links.model.js';
import { endAllSessions } from './sessions.js';

export type { PasswordLinkKind, PasswordLinkRequest } from './password-links.model.js';

/** How long each kind of link works (seconds). */
export const passwordLinkTtlSeconds: Readonly<Record<PasswordLinkKind, number>> = Object.freeze({ invite: 24 * 3600, reset: 30 * 60 });
/** Where links lead (the staff pages serve it). */
export const passwordLinkPath = '/staff/password';

const algorithm = 'HS256';
const audience = 'relais-staff-password';
const objectIdHex = /^[a-f0-9]{24}$/;

export type PasswordLinkSettings = Pick<Config, 'publicUrl'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

const linkKey = (settings: PasswordLinkSettings): Buffer => createHmac('sha256', settings.jwt.secret).update('relais:staff-password-link').digest();
const normal = (email: string): string => email.trim().toLowerCase();

/** Changes whenever the password is set or every session is ended: links sent before stop working. */
export function accountFingerprint(staff: { passwordHash: string; tokenVersion: number }): string {
  return createHash('sha256').update(`${staff.passwordHash}\n${staff.tokenVersion}`).digest('base64url').slice(0, 22);
}

/** The address of a fresh link for a person. */
export function passwordLinkUrl(
  settings: PasswordLinkSettings,
  staff: { _id: Types.ObjectId | string; passwordHash: string; tokenVersion: number },
  kind: PasswordLinkKind,
  now = new Date(),
): string {
  const token = jwt.sign({ k: kind, fp: accountFingerprint(staff), iat: Math.floor(now.getTime() / 1000) }, linkKey(settings), {
    algorithm,
    jwtid: randomBytes(16).toString('base64url'),
    subject: String(staff._id),
    issuer: settings.jwt.issuer,
    audience,
    expiresIn: passwordLinkTtlSeconds[kind],
  });
  return `${settings.publicUrl}${passwordLinkPath}/${token}`;
}

const claimsSchema = z.object({
  sub: z.string().regex(objectIdHex),
  k: z.enum(passwordLinkKinds),
  fp: z.string().min(10).max(64),
  jti: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

export type PasswordLinkProblem = 'expired' | 'invalid' | 'used';
export type PasswordLinkCheck = { ok: true; kind: PasswordLinkKind; staff: StaffDoc; useKey: string } | { ok: false; reason: PasswordLinkProblem };

function usable(kind: PasswordLinkKind, staff: StaffDoc): boolean {
  // An invitation sets the first password of an account still waiting; a reset, the password of an active one.
  if (kind === 'invite') return !staff.active && !staff.deactivatedAt && !staff.passwordSetAt && Boolean(staff.invitedAt);
  return staff.active;
}

/** Checks a link without spending it: signature, lifetime, and that the account is still as it was when it was sent. */
export async function checkPasswordLink(settings: PasswordLinkSettings, token: string): Promise<PasswordLinkCheck> {
  if (token.length > 2000) return { ok: false, reason: 'invalid' };
  let claims: z.infer<typeof claimsSchema>;
  try {
    const parsed = claimsSchema.safeParse(jwt.verify(token, linkKey(settings), { algorithms: [algorithm], issuer: settings.jwt.issuer, audience }));
    if (!parsed.success) return { ok: false, reason: 'invalid' };
    claims = parsed.data;
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
  const staff = await StaffModel.findById(claims.sub);
  if (!staff || !usable(claims.k, staff)) return { ok: false, reason: 'used' };
  // A password set since (by this link or another), or every session ended since: this link is spent.
  if (accountFingerprint(staff) !== claims.fp) return { ok: false, reason: 'used' };
  return { ok: true, kind: claims.k, staff, useKey: claims.jti };
}

/**
 * Spends a link and sets the password: once per link across instances (the insert is the lock). An
 * invited account becomes active; every session of the person ends (a new password means whoever
 * held the old one is out).
 */
export async function usePasswordLink(settings: PasswordLinkSettings, token: string, password: string): Promise<PasswordLinkCheck> {
  const check = await checkPasswordLink(settings, token);
  if (!check.ok) return check;
  try {
    await PasswordLinkUseModel.collection.insertOne({ _id: check.useKey, staff: check.staff._id, at: new Date() } as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) return { ok: false, reason: 'used' };
    throw error;
  }
  await setPassword(check.staff._id, password, check.kind === 'invite' ? { activate: true } : {});
  return check;
}

/** Sets a person's password (argon2id) and ends all their sessions; `activate` completes an invitation. */
export async function setPassword(staffId: Types.ObjectId, password: string, options: { activate?: boolean } = {}): Promise<void> {
  const now = new Date();
  await StaffModel.updateOne(
    { _id: staffId },
    { $set: { passwordHash: await hashPassword(password), passwordSetAt: now, ...(options.activate ? { active: true } : {}) } },
  );
  await endAllSessions(staffId);
  // An invitation's first password is not a change; a reset is, and the person is told (mail/password-changed-mail.ts).
  if (!options.activate) domainEvents.publish('staff.password_changed', { staffId: String(staffId), at: now.toISOString(), how: 'reset' });
}

async function store(request: PasswordLinkRequest): Promise<void> {
  try {
    await PasswordLinkRequestModel.collection.insertOne(request as never);
  } catch (error) {
    // One waiting request per address (or invitee) is enough: a second one is the same request.
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Stores a "forgot password" request for the address as typed: the same work whether or not it is a staff member's. */
export async function queuePasswordReset(email: string, locale: string, now = new Date()): Promise<void> {
  await store({ _id: `reset:${normal(email)}`, kind: 'reset', email: normal(email), staff: null, mail: new Types.ObjectId(), locale, at: now });
}

/** Stores the invitation mail of a person an administrator invited (or invites again). */
export async function queueInvitation(staff: { _id: Types.ObjectId; email: string }, locale: string, by: string, now = new Date()): Promise<void> {
  // A fresh `_id` each time: "send the invitation again" must send again, not merge with a waiting one.
  await store({
    _id: `invite:${String(staff._id)}:${now.getTime()}`,
    kind: 'invite',
    email: staff.email,
    staff: staff._id,
    mail: new Types.ObjectId(),
    locale,
    by,
    at: now,
  });
}

/** The requests waiting, oldest first (a small collection: bounded by the request limits). */
export async function waitingPasswordRequests(limit = 200): Promise<PasswordLinkRequest[]> {
  const rows = await PasswordLinkRequestModel.collection.find<PasswordLinkRequest>({}).limit(limit).toArray();
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Removes a request once it is worked; a newer request for the same address, stored since, stays. */
export async function dropPasswordRequest(request: Pick<PasswordLinkRequest, '_id' | 'mail'>): Promise<void> {
  await PasswordLinkRequestModel.collection.deleteOne({ _id: request._id, mail: request.mail } as never);
}
