/**
 * The TOTP second factor (RFC 6238: 6 digits, 30 s, SHA-1, as every authenticator app reads it) and
 * its recovery codes. Optional per person; required for administrators when TOTP_REQUIRED_FOR_ADMINS
 * is set (the pages send them to enrolment).
 *
 * - The secret is stored encrypted (AES-256-GCM, key derived from JWT_SECRET for this purpose only)
 *   and never presented after enrolment; enrolment keeps it as `pendingSecret` until a code proves
 *   the app has it.
 * - A code is accepted one step either side of now (clock drift), and each step once per person
 *   (`staff_totp_uses`), so a code seen over a shoulder or replayed is refused within its window.
 * - Ten recovery codes are made at enrolment, shown once, stored as SHA-256 (they are random, 50 bits
 *   each: a slow hash adds nothing), each usable once.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Types } from 'mongoose';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { StaffModel } from '../staff/staff.model.js';
import { TotpUseModel } from './totp.model.js';

export type TotpSettings = { jwt: Pick<Config['jwt'], 'secret'> };

export const recoveryCodeCount = 10;
const period = 30;
const window = 1;
const issuer = 'Relais';

function key(settings: TotpSettings): Buffer {
  return createHmac('sha256', settings.jwt.secret).update('relais:totp-secret').digest();
}

/** Encrypts a base32 secret for storage: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealSecret(settings: TotpSettings, base32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(settings), iv);
  const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Decrypts a stored secret; null when it was not sealed with this key (JWT_SECRET changed) or is damaged. */
export function openSecret(settings: TotpSettings, sealed: string | null | undefined): string | null {
  const [version, iv, tag, body] = (sealed ?? '').split('.');
  if (version !== 'v1' || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(settings), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function totpFor(base32: string, label: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period, secret: Secret.fromBase32(base32) });
}

export interface Enrolment {
  /** Base32, grouped by four for typing by hand. */
  secret: string;
  uri: string;
  /** The `otpauth://` URI as an SVG QR code, as a data URL (the CSP allows `data:` images only). */
  qrDataUrl: string;
}

/** Starts (or restarts) enrolment: a new secret kept pending until `confirmEnrolment`. */
export async function startEnrolment(settings: TotpSettings, staff: { _id: Types.ObjectId; email: string }): Promise<Enrolment> {
  const secret = new Secret({ size: 20 }).base32;
  await StaffModel.updateOne({ _id: staff._id }, { $set: { 'totp.pendingSecret': sealSecret(settings, secret) } });
  return enrolmentView(secret, staff.email);
}

/** The QR code and secret of an enrolment already started (the page shown again). */
export async function pendingEnrolment(
  settings: TotpSettings,
  staff: { email: string; totp?: { pendingSecret?: string | null } | null },
): Promise<Enrolment | null> {
  const secret = openSecret(settings, staff.totp?.pendingSecret);
  return secret ? enrolmentView(secret, staff.email) : null;
}

async function enrolmentView(secret: string, email: string): Promise<Enrolment> {
  const uri = totpFor(secret, email).toString();
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret: secret.replace(/(.{4})(?=.)/g, '$1 '), uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

async function once(id: string, staff: Types.ObjectId): Promise<boolean> {
  try {
    await TotpUseModel.collection.insertOne({ _id: id, staff, at: new Date() } as never);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Whether `code` is right for `base32` now and its step was not used by this person before (the step is spent). */
async function acceptCode(staffId: Types.ObjectId, base32: string, code: string, now: number): Promise<boolean> {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return false;
  const totp = totpFor(base32, 'x');
  const delta = totp.validate({ token: digits, timestamp: now, window });
  if (delta === null) return false;
  const step = TOTP.counter({ period, timestamp: now }) + delta;
  return once(`${String(staffId)}:${step}`, staffId);
}

const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');
/** Recovery codes are typed by hand: case, spaces and dashes do not matter. */
const normalCode = (code: string): string => code.toUpperCase().replace(/[\s-]+/g, '');
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => {
    const chars = Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)] ?? 'A').join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/**
 * Confirms enrolment with a code from the app: the pending secret becomes the secret, and ten new
 * recovery codes are returned (to show once). Null when the code is wrong or there is nothing pending.
 */
export async function confirmEnrolment(settings: TotpSettings, staffId: Types.ObjectId, code: string, now = Date.now()): Promise<string[] | null> {
  const staff = await StaffModel.findById(staffId, { totp: 1 }).lean();
  const secret = openSecret(settings, staff?.totp?.pendingSecret);
  if (!staff || !secret || !(await acceptCode(staffId, secret, code, now))) return null;
  const codes = newRecoveryCodes();
  await StaffModel.updateOne(
    { _id: staffId },
    {
      $set: {
        'totp.secret': sealSecret(settings, secret),
        'totp.pendingSecret': null,
        'totp.enabledAt': new Date(now),
        recoveryCodes: codes.map((c) => ({ hash: hashCode(normalCode(c)), usedAt: null })),
      },
    },
  );
  return codes;
}

/** Replaces the recovery codes (the old ones stop working); returns the new ones to show once. */
export async function renewRecoveryCodes(staffId: Types.ObjectId): Promise<string[]> {
  const codes = newRecoveryCodes();
  await StaffModel.updateOne({ _id: staffId }, { $set: { recoveryCodes: codes.map((c) => ({ hash: hashCode(normalCode(c)), usedAt: null })) } });
  return codes;
}

export type SecondFactorResult = { ok: true; via: 'totp' | 'recovery'; recoveryCodesLeft: number } | { ok: false };

/**
 * Checks a second factor for a person with TOTP on: six digits are a TOTP code (each step once), anything
 * else a recovery code (each once). A right answer is spent before this returns.
 */
export async function checkSecondFactor(settings: TotpSettings, staffId: Types.ObjectId, code: string, now = Date.now()): Promise<SecondFactorResult> {
  const staff = await StaffModel.findById(staffId, { totp: 1, recoveryCodes: 1 }).lean();
  const secret = openSecret(settings, staff?.totp?.secret);
  if (!staff || !secret || !staff.totp?.enabledAt) return { ok: false };
  const left = (staff.recoveryCodes ?? []).filter((c) => !c.usedAt);
  if (/^\s*\d{3}\s?\d{3}\s*$/.test(code)) {
    return (await acceptCode(staffId, secret, code, now)) ? { ok: true, via: 'totp', recoveryCodesLeft: left.length } : { ok: false };
  }
  const hash = hashCode(normalCode(code));
  if (!left.some((c) => c.hash === hash)) return { ok: false };
  if (!(await once(`${String(staffId)}:rc:${hash}`, staffId))) return { ok: false };
  const marked = (staff.recoveryCodes ?? []).map((c) =>
    c.hash === hash ? { hash: c.hash, usedAt: new Date(now) } : { hash: c.hash, usedAt: c.usedAt ?? null },
  );
  await StaffModel.updateOne({ _id: staffId }, { $set: { recoveryCodes: marked } });
  return { ok: true, via: 'recovery', recoveryCodesLeft: left.length - 1 };
}

/** Spends a second-step token's id once (a token that already opened a session opens no other). */
export function spendSecondStep(staffId: Types.ObjectId, tokenId: string): Promise<boolean> {
  return once(`${String(staffId)}:ss:${tokenId}`, staffId);
}

/** Turns TOTP off: the secret, any pending enrolment and the recovery codes are removed. */
export async function disableTotp(staffId: Types.ObjectId): Promise<void> {
  await StaffModel.updateOne({ _id: staffId }, { $set: { 'totp.secret': null, 'totp.pendingSecret': null, 'totp.enabledAt': null, recoveryCodes: [] } });
}

/** Whether a person has TOTP on, and how many recovery codes are left (never the secret). */
export function totpState(staff: {
  totp?: { enabledAt?: Date | null; pendingSecret?: string | null } | null;
  recoveryCodes?: { usedAt?: Date | null }[] | null;
}): {
  enabled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
} {
  const enabled = Boolean(staff.totp?.enabledAt);
  return {
    enabled,
    pending: !enabled && Boolean(staff.totp?.pendingSecret),
    recoveryCodesLeft: enabled ? (staff.recoveryCodes ?? []).filter((c) => !c.usedAt).length : 0,
  };
}

/** Whether a person has confirmed a second factor (one `_id` read: the pages' enrolment check). */
export async function hasTotp(staffId: Types.ObjectId): Promise<boolean> {
  const staff = await StaffModel.findById(staffId, { 'totp.enabledAt': 1 }).lean();
  return Boolean(staff?.totp?.enabledAt);
}

/** The pending enrolment of a person, to show again (the page is reloaded, or the code was wrong). */
export async function pendingTotpEnrolment(settings: TotpSettings, staffId: Types.ObjectId): Promise<Enrolment | null> {
  const staff = await StaffModel.findById(staffId, { email: 1, totp: 1 }).lean();
  return staff ? pendingEnrolment(settings, staff) : null;
}
