/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"). The advisors of an
 * office sign in from one public address; the per-network limit of the login throttle, there against
 * password spraying, would let one colleague's stale password manager lock the whole office out for a
 * quarter of an hour (QA). So a browser that signed in to an account receives a signed, httpOnly
 * cookie naming that account and a random device id; its next attempts for that account are not held
 * by the network's limit nor the account's ceiling, only by their own delay and by the device's own
 * budget of failures (a stolen cookie buys a few guesses, not many). A shared office computer knows
 * the last five accounts signed in on it, each with its own device id (so its own budget), in one
 * signed cookie.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Config } from '../config.js';
import { usesSecureCookies } from './auth.middleware.js';

/** How long a browser stays known to the account it signed in to. */
export const deviceCookieTtlSeconds = 180 * 24 * 3600;

const algorithm = 'HS256';
const audience = 'relais-staff-device';
const cookie = 'relais_device';

type Settings = Pick<Config, 'publicUrl'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

function key(settings: Settings): Buffer {
  return createHmac('sha256', settings.jwt.secret).update('relais:staff-device').digest();
}

/**
 * How the cookie names an account: a keyed digest of the address, not the address (the cookie is
 * signed, not encrypted, and a shared computer's cookie would otherwise list five colleagues).
 */
function accountOf(settings: Settings, email: string): string {
  return createHmac('sha256', key(settings)).update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

function cookieName(settings: Settings): string {
  return usesSecureCookies(settings) ? `__Host-${cookie}` : cookie;
}

function cookieOptions(settings: Settings): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: usesSecureCookies(settings), path: '/' };
}

/** A shared computer in a regional office: a few advisors take turns on it. */
const maxAccounts = 5;

/** One account this browser signed in to: its digest (`accountOf`), the device id (its failure budget's key), when (epoch s). */
interface Known {
  s: string;
  d: string;
  t: number;
}

/** The accounts this browser's cookie names and still vouches for (signature, issuer, age), oldest first. */
function knownAccounts(req: Request, settings: Settings): Known[] {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[cookieName(settings)];
  if (typeof value !== 'string' || value === '' || value.length > 4000) return [];
  try {
    const payload = jwt.verify(value, key(settings), { algorithms: [algorithm], issuer: settings.jwt.issuer, audience });
    if (typeof payload !== 'object') return [];
    const since = Date.now() / 1000 - deviceCookieTtlSeconds;
    // A cookie from before several accounts were kept names one, by its address: its subject and id.
    const listed: unknown = payload.acc ?? [{ s: typeof payload.sub === 'string' ? accountOf(settings, payload.sub) : null, d: payload.jti, t: payload.iat }];
    if (!Array.isArray(listed)) return [];
    return listed
      .filter((k): k is Known => typeof k === 'object' && k !== null && typeof k.s === 'string' && typeof k.d === 'string' && typeof k.t === 'number')
      .filter((k) => k.t > since)
      .slice(-maxAccounts);
  } catch {
    return [];
  }
}

/**
 * Adds `email` to the accounts this browser is known to (after the right password for it), with a
 * new device id; the oldest account goes when there are more than five.
 */
export function setDeviceCookie(req: Request, res: Response, settings: Settings, email: string): void {
  const account = accountOf(settings, email);
  const accounts = [
    ...knownAccounts(req, settings).filter((k) => k.s !== account),
    { s: account, d: randomBytes(12).toString('base64url'), t: Math.floor(Date.now() / 1000) },
  ].slice(-maxAccounts);
  const token = jwt.sign({ acc: accounts }, key(settings), { algorithm, issuer: settings.jwt.issuer, audience, expiresIn: deviceCookieTtlSeconds });
  res.cookie(cookieName(settings), token, { ...cookieOptions(settings), maxAge: deviceCookieTtlSeconds * 1000 });
}

/** The device id this browser holds for `email`, or null when it never signed in to it here (or long ago). */
export function deviceFor(req: Request, settings: Settings, email: string): string | null {
  const account = accountOf(settings, email);
  return knownAccounts(req, settings).find((k) => k.s === account)?.d ?? null;
}
