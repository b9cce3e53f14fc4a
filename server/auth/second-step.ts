/**
 * The "second step" of a sign-in with TOTP: after the right password, the person gets a short-lived
 * signed token (not a session: it opens nothing and reaches no route but the code's) naming them and
 * their tokenVersion; the code then opens the session. The form keeps it in an httpOnly cookie scoped
 * to the sign-in path; the API returns it in the body.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from '../config.js';
import { usesSecureCookies } from './auth.middleware.js';

export const secondStepTtlSeconds = 5 * 60;
const algorithm = 'HS256';
const audience = 'relais-staff-second-step';
const cookie = 'relais_2fa';
/** The sign-in pages only: the cookie is sent nowhere else. */
const cookiePath = '/staff/login';

type Settings = Pick<Config, 'publicUrl'> & { jwt: Pick<Config['jwt'], 'secret' | 'issuer'> };

const keyOf = (settings: Settings): Buffer => createHmac('sha256', settings.jwt.secret).update('relais:staff-second-step').digest();

export interface SecondStepClaims {
  staffId: string;
  tokenVersion: number;
  /** Where the form goes after the code (a safe `/staff…` path), if anywhere. */
  next: string | null;
  id: string;
}

/** Signs a second-step token for a person whose password was right. */
export function signSecondStep(settings: Settings, claims: Omit<SecondStepClaims, 'id'>, now = new Date()): { token: string; expiresAt: Date } {
  const iat = Math.floor(now.getTime() / 1000);
  const token = jwt.sign({ tv: claims.tokenVersion, nx: claims.next, iat }, keyOf(settings), {
    algorithm,
    subject: claims.staffId,
    issuer: settings.jwt.issuer,
    audience,
    expiresIn: secondStepTtlSeconds,
    jwtid: randomBytes(16).toString('base64url'),
  });
  return { token, expiresAt: new Date((iat + secondStepTtlSeconds) * 1000) };
}

const schema = z.object({
  sub: z.string().regex(/^[a-f0-9]{24}$/),
  tv: z.number().int().min(0),
  nx: z.string().max(1000).nullable().optional(),
  jti: z.string().min(16).max(64),
});

/** Verifies a second-step token; null when it is forged, for someone else's purpose, or expired. */
export function verifySecondStep(settings: Settings, token: string | undefined): SecondStepClaims | null {
  if (!token || token.length > 2000) return null;
  try {
    const parsed = schema.safeParse(jwt.verify(token, keyOf(settings), { algorithms: [algorithm], issuer: settings.jwt.issuer, audience }));
    if (!parsed.success) return null;
    return { staffId: parsed.data.sub, tokenVersion: parsed.data.tv, next: parsed.data.nx ?? null, id: parsed.data.jti };
  } catch {
    return null;
  }
}

function options(settings: Settings): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: usesSecureCookies(settings), path: cookiePath };
}

export function setSecondStepCookie(res: Response, settings: Settings, token: string): void {
  res.cookie(cookie, token, { ...options(settings), maxAge: secondStepTtlSeconds * 1000 });
}

export function secondStepCookie(req: Request): string | undefined {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[cookie];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function clearSecondStepCookie(res: Response, settings: Settings): void {
  res.clearCookie(cookie, options(settings));
}

/** The throttle key of codes: its own per person, so a right password never resets the count of wrong codes. */
export const secondFactorKey = (staffId: string): string => `totp:${staffId}`;
