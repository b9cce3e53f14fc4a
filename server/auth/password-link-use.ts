/** Spending a mailed password link (API and form alike), audited with the person as actor. */
import { recordAudit } from '../audit/audit.js';
import { toStaffActor } from './actor.js';
import { usePasswordLink, type PasswordLinkCheck, type PasswordLinkSettings } from './password-links.js';

/**
 * The throttle key of "forgot password" requests: the unlock requests' limits (per IP shared, per
 * address its own), so one address gets at most three links a quarter of an hour.
 */
export const resetRequestKey = (email: string): string => `reset:${email.trim().toLowerCase()}`;

/** Sets the password with a link; on success the change is in the audit trail (never the password). */
export async function spendPasswordLink(settings: PasswordLinkSettings, token: string, password: string, ip?: string): Promise<PasswordLinkCheck> {
  const used = await usePasswordLink(settings, token, password);
  if (used.ok) {
    const staff = used.staff;
    await recordAudit(toStaffActor(staff, null), {
      action: used.kind === 'invite' ? 'account.invitation.accept' : 'account.password.reset',
      target: { kind: 'staff', id: String(staff._id), label: staff.name },
      ...(used.kind === 'invite' ? { before: { status: 'invited' }, after: { status: 'active' } } : {}),
      ip: ip ?? '',
    });
  }
  return used;
}
