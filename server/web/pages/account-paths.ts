/**
 * Where the account pages live, where a person lands after signing in, and the check that sends an
 * administrator without a second factor to enrolment when TOTP_REQUIRED_FOR_ADMINS is set.
 */
import type { NextFunction, Request, Response } from 'express';
import { hasRole } from '../../auth/actor.js';
import { hasTotp } from '../../auth/totp.js';
import type { Config } from '../../config.js';
import { ForbiddenError } from '../../lib/errors.js';
import { queuePath } from './page-auth.js';

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
  return next ?? queuePath;
}

/** Middleware for `/staff`: an administrator required to have TOTP and without it is sent to enrolment. */
export function requireTotpEnrolment(config: Pick<Config, 'totpRequiredForAdmins'>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const actor = req.actor;
    const path = req.originalUrl.split('?')[0] ?? '';
    if (!actor || !config.totpRequiredForAdmins || !hasRole(actor, 'administrator') || openWithoutTotp.some((p) => path === p || path.startsWith(`${p}/`))) {
      next();
      return;
    }
    if (await hasTotp(actor.id)) {
      next();
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.redirect(303, `${totpPath}?required=1`);
      return;
    }
    throw new ForbiddenError('Turn on the second factor first (My account).', { reason: 'totp_required' });
  };
}
