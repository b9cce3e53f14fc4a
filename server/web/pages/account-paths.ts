/**
 * Where the account pages live, where a person lands after signing in, and the check that sends an
 * administrator without a second factor to enrolment when TOTP_REQUIRED_FOR_ADMINS is set.
 */
import type { NextFunction, Request, Response } from 'express';
import { hasRole } from '../../auth/actor.js';
import { hasTotp } from '../../auth/totp.js';
import type { Config } from '../../config.js';
import { ForbiddenError } from '../../lib/errors.js';
import { homePathFor } from './page-auth.js';

export const codePath = '/staff/login/code';
export const forgotPath = '/staff/login/forgot';
export const accountPath = '/staff/account';
export const totpPath = '/staff/account/totp';
export const staffAdminPath = '/staff/admin/staff';

/** Pages an administrator who must enrol may still open: their account, signing in and out. */
const openWithoutTotp = [accountPath, '/staff/login', '/staff/logout', '/staff/password'];

function mustEnrol(config: Pick<Config, 'totpRequiredForAdmins'>, staff: { roles: readonly string[] }): boolean {
  return config.totpRequiredForAdmins && staff.roles.includes('administrator');
}

/** Where the sign-in form sends a person: to enrolment when their second factor is required and missing. */
export function afterSignIn(
  config: Pick<Config, 'totpRequiredForAdmins'>,
  staff: { roles: readonly string[]; totp?: { enabledAt?: Date | null } | null },
  next: string | undefined,
): string {
  if (mustEnrol(config, staff) && !staff.totp?.enabledAt) return `${totpPath}?required=1`;
  return next ?? homePathFor(staff);
}

/** What the API leaves open to an administrator who must enrol: signing in and out, and their own account (enrolment). */
export const apiOpenWithoutTotp = ['/api/v1/auth', '/api/v1/me'];

/**
 * An administrator required to have TOTP and without it is sent to enrolment (pages, GET) or refused
 * with 403 `totp_required` (everything else, the API included), except on `open` paths.
 */
export function requireTotpEnrolment(config: Pick<Config, 'totpRequiredForAdmins'>, open: readonly string[] = openWithoutTotp, redirect = true) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const actor = req.actor;
    const path = req.originalUrl.split('?')[0] ?? '';
    if (!actor || !config.totpRequiredForAdmins || !hasRole(actor, 'administrator') || open.some((p) => path === p || path.startsWith(`${p}/`))) {
      next();
      return;
    }
    if (await hasTotp(actor.id)) {
      next();
      return;
    }
    if (redirect && (req.method === 'GET' || req.method === 'HEAD')) {
      res.redirect(303, `${totpPath}?required=1`);
      return;
    }
    throw new ForbiddenError('Turn on the second factor first (My account, or /api/v1/me/totp/enrolment).', { reason: 'totp_required' });
  };
}
