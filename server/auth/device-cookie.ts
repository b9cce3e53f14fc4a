/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"). The advisors of an
 * office sign in from one public address; the per-network limit of the login throttle, there against
 * password spraying, would let one colleague's stale password manager lock the whole office out for a
 * quarter of an hour (QA). So a browser that signed in to an account receives a signed, httpOnly
 * cookie naming that account and a random device id; its next attempts for that account are not held
 * by the network's limit nor the account's ceiling, only by their own delay and by the device's own
 * budget of failures (a stolen cookie buys a few guesses, not many). One account per browser: the
 * last one signed in.
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

const normal = (email: string): string => email.trim().toLowerCase();

function cookieName(settings: Settings): string {
  return usesSecureCookies(settings) ? `__Host-${cookie}` : cookie;
}

function cookieOptions(settings: Settings): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: usesSecureCookies(settings), path: '/' };
}

/** Gives this browser the device cookie of `email` (after the right password for it). */
export function setDeviceCookie(res: Response, settings: Settings, email: string): void {
  const token = jwt.sign({}, key(settings), {
    algorithm,
    subject: normal(email),
    issuer: settings.jwt.issuer,
    audience,
    jwtid: randomBytes(12).toString('base64url'),
    expiresIn: deviceCookieTtlSeconds,
  });
  res.cookie(cookieName(settings), token, { ...cookieOptions(settings), maxAge: deviceCookieTtlSeconds * 1000 });
}

/** The device id of this browser's cookie when it names `email`, else null. */
export function deviceFor(req: Request, settings: Settings, email: string): string | null {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[cookieName(settings)];
  if (typeof value !== 'string' || value === '' || value.length > 2000) return null;
  try {
    const payload = jwt.verify(value, key(settings), { algorithms: [algorithm], issuer: settings.jwt.issuer, audience });
    if (typeof payload !== 'object' || payload.sub !== normal(email) || typeof payload.jti !== 'string') return null;
    return payload.jti;
  } catch {
    return null;
  }
}
