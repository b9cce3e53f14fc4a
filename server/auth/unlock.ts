/**
 * Unlocking a staff account that reached its sign-in ceiling (login-throttle.ts) for its owner:
 *
 * 1. Someone asks for an unlock link for an address: the request is stored as it is for any
 *    address (`queueUnlockRequest`) and answered at once; a worker of the mail layer looks the
 *    address up afterwards and, for an active staff member, mails a link.
 * 2. The link carries a signed token (its own key derived from JWT_SECRET, pinned algorithm,
 *    issuer and audience) naming the staff member and their address, with an id and a lifetime of
 *    15 minutes. Following it (a confirmation button, so a mail scanner fetching the link does not
 *    spend it) records its id once in `staff_unlock_uses` (`useUnlockLink`).
 * 3. That browser gets an unlock grant: an httpOnly cookie, signed, naming the address, valid
 *    15 minutes. With it, sign-ins for that address pass the account's ceiling (not the IP's limit
 *    nor the pair's delay); a successful sign-in clears it. Everyone else stays locked out.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { usesSecureCookies } from './auth.middleware.js';
import { UnlockRequestModel, UnlockUseModel, type UnlockRequest } from './unlock.model.js';

export type { UnlockRequest } from './unlock.model.js';

/** How long a mailed link works. */
export const unlockLinkTtlSeconds = 15 * 60;
/** How long the browser that followed it may pass the ceiling. */
export const unlockGrantTtlSeconds = 15 * 60;
/** Where links lead (the staff pages serve it). */
export const unlockPath = '/staff/login/unlock';

const algorithm = 'HS256';
const objectIdHex = /^[a-f0-9]{24}$/;
const linkAudience = 'relais-staff-unlock';
const grantAudience = 'relais-staff-unlock-grant';
const grantCookie = 'relais_unlock';

type Settings = Pick<Config, 'publicUrl'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

function keyFor(settings: Settings, purpose: string): Buffer {
  return createHmac('sha256', settings.jwt.secret).update(`relais:${purpose}`).digest();
}

const normal = (email: string): string => email.trim().toLowerCase();

export interface UnlockClaims {
  staffId: string;
  email: string;
}

/** The address of a fresh unlock link for a staff member. */
export function unlockLinkUrl(settings: Settings, claims: UnlockClaims, now = new Date()): string {
  const token = jwt.sign({ em: normal(claims.email), iat: Math.floor(now.getTime() / 1000) }, keyFor(settings, 'staff-unlock-link'), {
    algorithm,
    jwtid: randomBytes(16).toString('base64url'),
    subject: claims.staffId,
    issuer: settings.jwt.issuer,
    audience: linkAudience,
    expiresIn: unlockLinkTtlSeconds,
  });
  return `${settings.publicUrl}${unlockPath}/${token}`;
}

const linkSchema = z.object({ sub: z.string().regex(objectIdHex), em: z.string().min(3).max(254), jti: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

export type UnlockCheck = { ok: true; claims: UnlockClaims; useKey: string } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies a link's token without spending it; says whether a refused one had merely expired. */
export function verifyUnlockLink(settings: Settings, token: string): UnlockCheck {
  if (token.length > 2000) return { ok: false, reason: 'invalid' };
  try {
    const payload = jwt.verify(token, keyFor(settings, 'staff-unlock-link'), { algorithms: [algorithm], issuer: settings.jwt.issuer, audience: linkAudience });
    const parsed = linkSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { staffId: parsed.data.sub, email: parsed.data.em }, useKey: parsed.data.jti };
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}

/** Records that the link `useKey` unlocked; false when it already had (on this instance or another). */
export async function useUnlockLink(useKey: string, staffId: string, now = new Date()): Promise<boolean> {
  try {
    await UnlockUseModel.collection.insertOne({ _id: useKey, staff: new Types.ObjectId(staffId), at: now } as never);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

function grantCookieName(config: Pick<Config, 'publicUrl'>): string {
  return usesSecureCookies(config) ? `__Host-${grantCookie}` : grantCookie;
}

function grantCookieOptions(config: Pick<Config, 'publicUrl'>): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: usesSecureCookies(config), path: '/' };
}

/** Gives this browser the unlock grant for `email` (after a link was used). */
export function setUnlockGrant(res: Response, settings: Settings, email: string): void {
  const token = jwt.sign({}, keyFor(settings, 'staff-unlock-grant'), {
    algorithm,
    subject: normal(email),
    issuer: settings.jwt.issuer,
    audience: grantAudience,
    expiresIn: unlockGrantTtlSeconds,
  });
  res.cookie(grantCookieName(settings), token, { ...grantCookieOptions(settings), maxAge: unlockGrantTtlSeconds * 1000 });
}

/** Whether this browser holds a valid unlock grant for `email`. */
export function hasUnlockGrant(req: Request, settings: Settings, email: string): boolean {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[grantCookieName(settings)];
  if (typeof value !== 'string' || value === '' || value.length > 2000) return false;
  try {
    const payload = jwt.verify(value, keyFor(settings, 'staff-unlock-grant'), {
      algorithms: [algorithm],
      issuer: settings.jwt.issuer,
      audience: grantAudience,
    });
    return typeof payload === 'object' && payload.sub === normal(email);
  } catch {
    return false;
  }
}

export function clearUnlockGrant(res: Response, settings: Settings): void {
  res.clearCookie(grantCookieName(settings), grantCookieOptions(settings));
}

/** Stores a request for `email` (the same work whether or not the address is known); a waiting one for the address stands. */
export async function queueUnlockRequest(email: string, locale: string, now = new Date()): Promise<void> {
  try {
    const request: UnlockRequest = { _id: normal(email), mail: new Types.ObjectId(), locale, at: now };
    await UnlockRequestModel.collection.insertOne(request as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** The requests waiting, oldest first (a small collection: bounded by the request limits). */
export async function waitingUnlockRequests(limit = 200): Promise<UnlockRequest[]> {
  const rows = await UnlockRequestModel.collection.find<UnlockRequest>({}).limit(limit).toArray();
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Removes a request once it is worked; a newer request for the same address, stored since, stays. */
export async function dropUnlockRequest(request: Pick<UnlockRequest, '_id' | 'mail'>): Promise<void> {
  await UnlockRequestModel.collection.deleteOne({ _id: request._id, mail: request.mail } as never);
}
