/**
 * CSRF protection for the sign-in form, before there is a session to bind a token
 * to. A random pre-session identifier lives in its own httpOnly cookie; the form's
 * token is an HMAC over it (csrf-csrf, double submit). A cross-site page can neither
 * read the token nor set these cookies (`__Host-` on https), so it cannot sign a
 * browser into someone else's account ("login CSRF").
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../../config.js';
import { usesSecureCookies } from '../../auth/auth.middleware.js';

export interface LoginCsrf {
  /** A token for the form (sets the pre-session and token cookies when needed). */
  tokenFor(req: Request, res: Response): string;
  /** Whether the posted `_csrf` matches this browser's cookies. */
  validate(req: Request): boolean;
  /** Forgets both cookies (after a successful sign-in). */
  clear(res: Response): void;
}

function readCookie(req: Request, name: string): string | undefined {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[name];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

export function createLoginCsrf(config: Config): LoginCsrf {
  return createFormCsrf(config, { purpose: 'staff-login-form', preCookie: 'relais_pre', tokenCookie: 'relais_login_csrf' });
}

/**
 * The same protection for any form used without a staff session (the public help form, the
 * member pages): each purpose has its own secret and cookies, so a token never crosses over.
 */
export function createFormCsrf(config: Config, names: { purpose: string; preCookie: string; tokenCookie: string }): LoginCsrf {
  const secure = usesSecureCookies(config);
  const preCookie = secure ? `__Host-${names.preCookie}` : names.preCookie;
  const tokenCookie = secure ? `__Host-${names.tokenCookie}` : names.tokenCookie;
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure, path: '/' };
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    // A distinct secret: a sign-in token can never pass for a session's token.
    getSecret: () => `${config.csrfSecret}:${names.purpose}`,
    getSessionIdentifier: (req) => readCookie(req, preCookie) ?? '',
    cookieName: tokenCookie,
    cookieOptions,
    getCsrfTokenFromRequest: (req) => {
      const body: unknown = req.body;
      return typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string' ? body._csrf : undefined;
    },
  });
  return {
    tokenFor(req, res) {
      if (!readCookie(req, preCookie)) {
        const id = randomBytes(24).toString('base64url');
        res.cookie(preCookie, id, { ...cookieOptions, maxAge: 2 * 3600_000 });
        // The token below must be bound to the identifier the browser will send back.
        (req.cookies as Record<string, string>)[preCookie] = id;
      }
      return generateCsrfToken(req, res, { cookieOptions: { ...cookieOptions, maxAge: 2 * 3600_000 } });
    },
    validate: (req) => readCookie(req, preCookie) !== undefined && validateRequest(req),
    clear(res) {
      res.clearCookie(preCookie, cookieOptions);
      res.clearCookie(tokenCookie, cookieOptions);
    },
  };
}
