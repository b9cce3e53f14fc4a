/**
 * Access tokens (short-lived JWTs) and refresh tokens (random, stored hashed).
 * Verification pins the algorithm, the issuer and the audience: a token signed
 * with `none`, RS256, HS512 or for another audience is refused before its claims
 * are read.
 */
import { createHash, createSecretKey, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from '../config.js';
import { UnauthorizedError } from '../lib/errors.js';

export type JwtSettings = Config['jwt'];

const algorithm = 'HS256';

const keys = new Map<string, KeyObject>();

/**
 * The secret as a key object, made once: given a string, jsonwebtoken first tries to read it as a
 * public key and only then as a secret — a thrown parse error on every request, about 1 ms of CPU
 * (profiled: the largest part of an authenticated API request's own time). Same bytes, same tokens.
 */
export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}
const objectIdHex = /^[a-f0-9]{24}$/;

/** What an access token asserts, once verified. */
export interface AccessClaims {
  /** Staff id. */
  sub: string;
  /** Session id. */
  sid: string;
  /** The staff member's tokenVersion when the token was issued. */
  tv: number;
  jti: string;
  iat: number;
  exp: number;
}

const claimsSchema = z.object({
  sub: z.string().regex(objectIdHex),
  sid: z.string().regex(objectIdHex),
  tv: z.number().int().min(0),
  jti: z.string().min(1).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});

/** The token was genuine but its time is up: a refresh may still be possible. */
export class AccessTokenExpiredError extends UnauthorizedError {
  constructor() {
    super('The access token has expired: refresh it or sign in again.');
  }
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
  jti: string;
}

/**
 * Signs an access token for one session. `ttlSeconds` defaults to the configured
 * lifetime; callers shorten it so a token never outlives its session.
 */
export function signAccessToken(
  settings: JwtSettings,
  subject: { staffId: string; sessionId: string; tokenVersion: number },
  ttlSeconds: number = settings.accessTtl,
  now: Date = new Date(),
): IssuedAccessToken {
  const iat = Math.floor(now.getTime() / 1000);
  const ttl = Math.max(1, Math.floor(ttlSeconds));
  const jti = randomUUID();
  const token = jwt.sign({ sid: subject.sessionId, tv: subject.tokenVersion, iat }, hmacKey(settings.secret), {
    algorithm,
    subject: subject.staffId,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: ttl,
    jwtid: jti,
  });
  return { token, expiresAt: new Date((iat + ttl) * 1000), jti };
}

/**
 * Verifies signature (HS256 only), issuer, audience and expiry, then the shape of
 * the claims. Throws AccessTokenExpiredError or UnauthorizedError.
 */
export function verifyAccessToken(settings: JwtSettings, token: string): AccessClaims {
  let payload: unknown;
  try {
    payload = jwt.verify(token, hmacKey(settings.secret), {
      algorithms: [algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new AccessTokenExpiredError();
    throw new UnauthorizedError('The access token is not valid.');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new UnauthorizedError('The access token is not valid.');
  const { sub, sid, tv, jti, iat, exp } = claims.data;
  return { sub, sid, tv, jti, iat, exp };
}

/** SHA-256 (hex) of a secret: what the database keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string | null | undefined): boolean {
  if (typeof b !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface NewRefreshToken {
  /** Given to the client once: `<sessionId>.<32 random bytes, base64url>`. */
  token: string;
  /** Stored on the session. */
  hash: string;
}

/** A fresh refresh token for a session. */
export function createRefreshToken(sessionId: string): NewRefreshToken {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${sessionId}.${secret}`, hash: hashSecret(secret) };
}

const refreshTokenPattern = /^([a-f0-9]{24})\.([A-Za-z0-9_-]{43})$/;

/** Splits a refresh token into its session id and the hash of its secret, or null when malformed. */
export function parseRefreshToken(token: string): { sessionId: string; hash: string } | null {
  const match = refreshTokenPattern.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { sessionId: match[1], hash: hashSecret(match[2]) };
}
