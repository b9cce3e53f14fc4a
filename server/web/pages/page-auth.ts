/**
 * Who may see a staff page. A page asked for without a session sends the person to
 * the sign-in form, remembering where they were going (`next`); a fragment asked
 * for by a page's script (JSON) answers 401, and the script does the same redirect.
 */
import type { NextFunction, Request, Response } from 'express';
import type { StaffActor } from '../../auth/actor.js';
import { UnauthorizedError } from '../../lib/errors.js';
import { worksAnyTier } from '../../tickets/ticket.policy.js';
import { wantsJson } from '../render.js';

export const loginPath = '/staff/login';
export const logoutPath = '/staff/logout';
export const queuePath = '/staff/queue';
export const adminPath = '/staff/admin';

export const boardPath = '/staff/board';

/**
 * Where a person lands after signing in: administrators work no queue, so the administration; a
 * supervisor who works no tier, the supervision board (their Monday starts there, not in a queue).
 */
export function homePathFor(actor: { roles: readonly string[] }): string {
  if (actor.roles.includes('administrator')) return adminPath;
  return actor.roles.includes('supervisor') && !worksAnyTier(actor.roles) ? boardPath : queuePath;
}

/**
 * A path inside the staff area to come back to after signing in, or undefined.
 * Only local `/staff…` paths: an open redirect to another site is never possible.
 */
export function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 1000) return undefined;
  if (!/^\/staff(?:[/?#]|$)/.test(value)) return undefined;
  // Control characters and backslashes: some browsers read "\" as "/", making "//host".
  if (value.includes('//') || value.includes('\\') || /\p{Cc}/u.test(value)) return undefined;
  if (value.startsWith(loginPath) || value.startsWith(logoutPath)) return undefined;
  return value;
}

/** The sign-in address, with where to return and why the person is sent there. */
export function loginUrl(next?: string, notice?: 'expired' | 'signed_out'): string {
  const params = new URLSearchParams();
  const back = safeNext(next);
  if (back) params.set('next', back);
  if (notice) params.set(notice, '1');
  const query = params.toString();
  return query ? `${loginPath}?${query}` : loginPath;
}

/** Staff pages are personal and change every minute: never cached, by anyone. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}

/** Lets signed-in staff through; pages redirect to sign-in, JSON fragments answer 401. */
export function requirePageActor(req: Request, res: Response, next: NextFunction): void {
  if (req.actor) {
    next();
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && !wantsJson(req)) {
    // Cookies that were sent but refused mean the session ended: say so on the form.
    res.redirect(303, loginUrl(req.originalUrl, req.authFailure ? 'expired' : undefined));
    return;
  }
  throw new UnauthorizedError(req.authFailure);
}

/** The signed-in staff member of a request that passed `requirePageActor`. */
export function pageActor(req: Request): StaffActor {
  if (!req.actor) throw new UnauthorizedError();
  return req.actor;
}
