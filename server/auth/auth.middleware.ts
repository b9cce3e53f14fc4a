/**
 * Who is calling: a Bearer access token (API clients) or the `relais_at` cookie
 * (the web app), and CSRF protection for the cookie case. A browser sends cookies
 * on its own, so only cookie-authenticated unsafe requests need a CSRF token; a
 * cross-site page cannot set an Authorization header.
 */
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config.js';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import type { StaffActor } from './actor.js';
import { createAuthService, type AuthService, type IssuedTokens } from './auth.service.js';
import { AccessTokenExpiredError } from './tokens.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in staff member, set by `authenticate`. */
    actor?: StaffActor;
    /** How the caller proved who they are: only `cookie` requests need a CSRF token. */
    authVia?: 'bearer' | 'cookie';
    /** The session the access token belongs to (logout, CSRF binding). */
    authSessionId?: string;
    /** Why the auth cookies were refused; `requireStaff` answers 401 with it. */
    authFailure?: string;
  }
}

export const accessCookieName = 'relais_at';
export const refreshCookieName = 'relais_rt';

/** Secure cookies when the public address is https (a plain-http dev server would never get them back). */
export function usesSecureCookies(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl.startsWith('https:');
}

function authCookieOptions(config: Config, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: usesSecureCookies(config), path: '/', ...(expires ? { expires } : {}) };
}

/**
 * Puts freshly issued tokens in the auth cookies. Both live as long as the session:
 * an expired access cookie is refreshed from the refresh cookie on the next request.
 */
export function setAuthCookies(res: Response, config: Config, tokens: IssuedTokens): void {
  res.cookie(accessCookieName, tokens.accessToken, authCookieOptions(config, tokens.sessionExpiresAt));
  // Null: a racing request already rotated the refresh token and set its cookie.
  if (tokens.refreshToken) res.cookie(refreshCookieName, tokens.refreshToken, authCookieOptions(config, tokens.sessionExpiresAt));
}

export function clearAuthCookies(res: Response, config: Config): void {
  res.clearCookie(accessCookieName, authCookieOptions(config));
  res.clearCookie(refreshCookieName, authCookieOptions(config));
}

function cookie(req: Request, name: string): string | undefined {
  const cookies: unknown = req.cookies;
  if (typeof cookies !== 'object' || cookies === null) return undefined;
  const value: unknown = (cookies as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const bearerPattern = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * Sets `req.actor` from a Bearer token or the auth cookies (needs cookie-parser).
 * - A Bearer header that is malformed, forged, expired or revoked answers 401.
 * - Cookies: an expired (or missing) access cookie with a valid refresh cookie is
 *   refreshed transparently. Refused cookies are cleared and the request goes on
 *   without an actor, so public pages (the sign-in form) still work, while
 *   `requireStaff` answers 401 with the reason.
 */
export function authenticate(config: Config, service: AuthService = createAuthService(config.jwt)): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = bearerPattern.exec(header)?.[1];
      if (!token) throw new UnauthorizedError('The Authorization header must read "Bearer <access token>".');
      const found = await service.resolveAccessToken(token);
      req.actor = found.actor;
      req.authVia = 'bearer';
      req.authSessionId = found.sessionId;
      next();
      return;
    }

    const accessToken = cookie(req, accessCookieName);
    const refreshToken = cookie(req, refreshCookieName);
    if (!accessToken && !refreshToken) {
      next();
      return;
    }
    try {
      let found = accessToken
        ? await service.resolveAccessToken(accessToken).catch((error: unknown) => {
            if (error instanceof AccessTokenExpiredError && refreshToken) return undefined;
            throw error;
          })
        : undefined;
      if (!found) {
        if (!refreshToken) throw new UnauthorizedError();
        const tokens = await service.refresh(refreshToken);
        setAuthCookies(res, config, tokens);
        found = await service.resolveAccessToken(tokens.accessToken);
      }
      req.actor = found.actor;
      req.authVia = 'cookie';
      req.authSessionId = found.sessionId;
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      clearAuthCookies(res, config);
      req.authFailure = error.message;
    }
    next();
  };
}

/** 401 unless `authenticate` found a signed-in staff member. */
export function requireStaff(req: Request, _res: Response, next: NextFunction): void {
  if (!req.actor) throw new UnauthorizedError(req.authFailure);
  next();
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfTools {
  /** Middleware: cookie-authenticated requests other than GET/HEAD/OPTIONS need a valid token (403 otherwise). */
  protect: RequestHandler;
  /** A token for this request's session (sets the CSRF cookie); put it in forms (`_csrf`) or the `x-csrf-token` header. */
  tokenFor: (req: Request, res: Response) => string;
}

function submittedCsrfToken(req: Request): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string' && header !== '') return header;
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string') return body._csrf;
  return undefined;
}

/**
 * Double-submit CSRF tokens (csrf-csrf), HMAC-bound to the session id: a token
 * stays valid across access-token refreshes and dies with the session.
 */
export function createCsrf(config: Config): CsrfTools {
  const secure = usesSecureCookies(config);
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => config.csrfSecret,
    getSessionIdentifier: (req) => req.authSessionId ?? '',
    // `__Host-` requires Secure; a plain-http development server gets the plain name.
    cookieName: secure ? '__Host-relais_csrf' : 'relais_csrf',
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure, path: '/' },
    getCsrfTokenFromRequest: submittedCsrfToken,
  });
  const protect: RequestHandler = (req, _res, next) => {
    if (req.authVia === 'cookie' && !safeMethods.has(req.method) && !validateRequest(req)) {
      throw new ForbiddenError('The security token (CSRF) of this request is missing or out of date. Reload the page and try again.', {
        reason: 'csrf_invalid',
      });
    }
    next();
  };
  return { protect, tokenFor: (req, res) => generateCsrfToken(req, res) };
}

/** The CSRF middleware alone; mount it after `authenticate` (app-wide is fine: it only acts on cookie requests). */
export function csrfProtection(config: Config): RequestHandler {
  return createCsrf(config).protect;
}
