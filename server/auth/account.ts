/**
 * "My account": what a signed-in person does to their own account — change their password, turn the
 * TOTP second factor on or off, renew recovery codes. Each change is audited with the person as actor
 * (never a secret: the audit sees only what changed in the presented record). Sessions are in sessions.ts.
 */
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.js';
import { BadRequestError, UnauthorizedError } from '../lib/errors.js';
import { domainEvents } from '../lib/domain-events.js';
import { StaffModel, type StaffDoc } from '../staff/staff.model.js';
import type { StaffActor } from './actor.js';
import { hashPassword, verifyPassword } from './password.js';
import { endOtherSessions } from './sessions.js';
import { checkSecondFactor, confirmEnrolment, disableTotp, renewRecoveryCodes, startEnrolment, totpState, type Enrolment, type TotpSettings } from './totp.js';

const wrongProof = 'The password or code is not correct.';

async function own(actor: StaffActor): Promise<StaffDoc> {
  const staff = await StaffModel.findById(actor.id);
  if (!staff || !staff.active) throw new UnauthorizedError();
  return staff;
}

const target = (staff: StaffDoc) => ({ kind: 'staff', id: String(staff._id), label: staff.name });

/** Changes the password after checking the current one; every other session of the person ends. */
export async function changeOwnPassword(actor: StaffActor, keepSession: string | undefined, current: string, next: string, ip?: string): Promise<void> {
  const staff = await own(actor);
  if (!(await verifyPassword(staff.passwordHash, current))) throw new UnauthorizedError(wrongProof);
  if (next === current)
    throw new BadRequestError('The new password must differ from the current one.', [{ path: 'newPassword', message: 'same as the current one' }]);
  await StaffModel.updateOne({ _id: staff._id }, { $set: { passwordHash: await hashPassword(next), passwordSetAt: new Date() } });
  await endOtherSessions(staff._id, keepSession);
  domainEvents.publish('staff.password_changed', { staffId: String(staff._id), at: new Date().toISOString(), how: 'changed' });
  await recordAudit(actor, { action: 'account.password.change', target: target(staff), ip });
}

/**
 * Checks that the person asking is the account's owner, not just someone at an unlocked screen:
 * the password, or a current TOTP code (or recovery code) when TOTP is on.
 */
export async function proveOwner(
  settings: TotpSettings,
  actor: StaffActor,
  proof: { password?: string | undefined; code?: string | undefined },
): Promise<StaffDoc> {
  const staff = await own(actor);
  if (proof.password !== undefined && (await verifyPassword(staff.passwordHash, proof.password))) return staff;
  if (proof.code !== undefined && staff.totp?.enabledAt && (await checkSecondFactor(settings, staff._id, proof.code)).ok) return staff;
  if (proof.password === undefined && proof.code === undefined)
    throw new BadRequestError('Give your password or a code.', [{ path: 'password', message: 'required' }]);
  throw new UnauthorizedError(wrongProof);
}

/** The person's TOTP state (never the secret). */
export async function ownTotpState(actor: StaffActor): Promise<ReturnType<typeof totpState>> {
  return totpState(await own(actor));
}

/** Starts TOTP enrolment: a new secret to scan, kept pending until confirmed. */
export async function beginTotp(settings: TotpSettings, actor: StaffActor): Promise<Enrolment> {
  const staff = await own(actor);
  if (staff.totp?.enabledAt) throw new BadRequestError('The second factor is already on: turn it off first to enrol another app.');
  return startEnrolment(settings, staff);
}

/** Confirms enrolment with a code; returns the recovery codes to show once, or throws when the code is wrong. */
export async function finishTotp(settings: TotpSettings, actor: StaffActor, code: string, ip?: string): Promise<string[]> {
  const staff = await own(actor);
  const codes = await confirmEnrolment(settings, staff._id, code);
  if (!codes) throw new BadRequestError('The code is not correct: type the 6 digits your app shows now.', [{ path: 'code', message: 'not correct' }]);
  await recordAudit(actor, { action: 'account.totp.enable', target: target(staff), before: { totp: false }, after: { totp: true }, ip });
  return codes;
}

/** Turns TOTP off (after `proveOwner`). */
export async function turnTotpOff(actor: StaffActor, staffId: Types.ObjectId, ip?: string): Promise<void> {
  await disableTotp(staffId);
  await recordAudit(actor, {
    action: 'account.totp.disable',
    target: { kind: 'staff', id: String(staffId), label: actor.name },
    before: { totp: true },
    after: { totp: false },
    ip,
  });
}

/** New recovery codes (after `proveOwner`); the old ones stop working. */
export async function renewCodes(actor: StaffActor, staff: StaffDoc, ip?: string): Promise<string[]> {
  if (!staff.totp?.enabledAt) throw new BadRequestError('The second factor is off: there are no recovery codes to renew.');
  const codes = await renewRecoveryCodes(staff._id);
  await recordAudit(actor, { action: 'account.recovery_codes.renew', target: target(staff), ip });
  return codes;
}
