/**
 * Failed sign-ins are limited per IP and per account, counted together whether they
 * come through the JSON API or the staff sign-in form: one throttle per app holds the
 * two counters, and each route builds its limiters on them. Counters are in memory,
 * per process.
 */
import type { Request, RequestHandler } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from '../lib/errors.js';

export interface RateLimitRule {
  /** Failed attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export interface LoginRateLimits {
  perIp: RateLimitRule;
  /** Keyed by the lower-cased email, whether or not an account has it. */
  perAccount: RateLimitRule;
}

export const defaultLoginRateLimits: LoginRateLimits = Object.freeze({
  perIp: { limit: 20, windowMs: 15 * 60_000 },
  perAccount: { limit: 5, windowMs: 15 * 60_000 },
});

export interface LoginThrottle {
  /** Both limiters, for a route that reads the email with `emailOf`. */
  limiters(emailOf: (req: Request) => string, message?: string): { perIp: RequestHandler; perAccount: RequestHandler };
}

export function createLoginThrottle(overrides: Partial<LoginRateLimits> = {}): LoginThrottle {
  const limits: LoginRateLimits = { ...defaultLoginRateLimits, ...overrides };
  const stores = { perIp: new MemoryStore(), perAccount: new MemoryStore() };
  let made = 0;
  const limiter = (rule: RateLimitRule, store: MemoryStore, message: string | undefined, keyGenerator?: (req: Request) => string): RequestHandler => {
    made += 1;
    return rateLimit({
      windowMs: rule.windowMs,
      limit: rule.limit,
      // Only failures count: a successful sign-in gives the attempt back.
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store,
      // Sharing the store between the API and the form is the point: each request passes one of them.
      validate: { unsharedStore: false },
      identifier: `login-${made}`,
      requestPropertyName: `rateLimit_login_${made}`,
      ...(keyGenerator ? { keyGenerator } : {}),
      // Retry-After is set by the limiter before this runs; the central handler writes the body.
      handler: (_req, _res, next) => next(new TooManyRequestsError(message)),
    });
  };
  return {
    limiters(emailOf, message) {
      return {
        perIp: limiter(limits.perIp, stores.perIp, message),
        perAccount: limiter(limits.perAccount, stores.perAccount, message, (req) => `account:${emailOf(req).trim().toLowerCase()}`),
      };
    },
  };
}
