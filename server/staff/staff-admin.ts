/**
 * Staff administration (administrators only): list, invite, edit, deactivate, reactivate, send an
 * invitation again. Every change is audited with the presented record before and after (never a
 * hash or a secret). An invited account is inactive until its person sets a password through the
 * mailed link (auth/password-links.ts); deactivation signs the person out everywhere at once (their
 * tokens, refresh tokens, mailed links and live sockets: `auth.revoked`).
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.js';
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';
import { hashPassword } from '../auth/password.js';
import { queueInvitation } from '../auth/password-links.js';
import { endAllSessions } from '../auth/sessions.js';
import { domainEvents } from '../lib/domain-events.js';
import { clearConfigCaches } from '../lib/ttl-cache.js';
import { BadRequestError, ConflictError, ForbiddenError, isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import { OfficeModel } from '../offices/office.model.js';
import { TeamModel } from '../teams/team.model.js';
import { replyLanguage as uiLocaleFor } from '../lib/ticket.vocabulary.js';
import type { InviteInput, UpdateInput } from './staff-admin.schemas.js';
import { staffRecordChanged } from './staff-records.js';
import { StaffModel, type StaffDoc } from './staff.model.js';
import { presentStaffAdmin, type PresentedStaffAdmin } from './staff.presenter.js';

const objectId = /^[0-9a-f]{24}$/i;

/** Fail-closed: only administrators manage staff. */
export function assertStaffAdmin(actor: StaffActor): void {
  if (!hasRole(actor, 'administrator')) throw new ForbiddenError('Only administrators manage staff.');
}

interface Context {
  actor: StaffActor;
  ip?: string | undefined;
}

async function load(id: string): Promise<StaffDoc> {
  const staff = objectId.test(id) ? await StaffModel.findById(id) : null;
  if (!staff) throw new NotFoundError('No such staff member.');
  return staff;
}

/**
 * Checks the team and office a person will have. A team of one office (tier 1) takes only people of
 * that office: "Conseil Liège" with the office Mons put them in Liège's queue and Mons's board at once.
 */
async function checkPlace(team: string | Types.ObjectId | null | undefined, office: string | Types.ObjectId | null | undefined): Promise<void> {
  const teamDoc = team ? await TeamModel.findById(team, { office: 1, name: 1 }).lean() : null;
  if (team && !teamDoc) throw new BadRequestError('No such team.', [{ path: 'team', message: 'unknown team' }]);
  const officeDoc = office ? await OfficeModel.findById(office, { active: 1 }).lean() : null;
  if (office && !officeDoc) throw new BadRequestError('No such office.', [{ path: 'office', message: 'unknown office' }]);
  // A closed office has no one (routing-admin.ts closes it only then): no one joins it.
  if (officeDoc?.active === false)
    throw new BadRequestError('This office is closed.', [{ path: 'office', message: 'this office is closed', reason: { code: 'office_closed' } }]);
  if (teamDoc?.office && office && String(teamDoc.office) !== String(office)) {
    throw new ConflictError(`The team "${teamDoc.name}" belongs to another office than the one chosen.`, { reason: 'team_office_mismatch' });
  }
}

const label = (s: { name: string; email: string }): string => `${s.name} <${s.email}>`;

/** Everyone, by name (an organisation's size: read whole). */
export async function listStaff(actor: StaffActor): Promise<PresentedStaffAdmin[]> {
  assertStaffAdmin(actor);
  const rows = await StaffModel.find({}).lean();
  return rows.map(presentStaffAdmin).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

export async function getStaff(actor: StaffActor, id: string): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(actor);
  return presentStaffAdmin(await load(id));
}

/**
 * Invites a person: the account is created inactive (a random password nobody knows) and a mail with a
 * link to set their own password is queued in their language.
 */
export async function inviteStaff(ctx: Context, input: InviteInput): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(ctx.actor);
  await checkPlace(input.team, input.office);
  let staff: StaffDoc;
  try {
    staff = await StaffModel.create({
      name: input.name,
      email: input.email,
      roles: [...new Set(input.roles)],
      team: input.team,
      office: input.office,
      languages: [...new Set(input.languages)],
      capacity: input.capacity,
      active: false,
      invitedAt: new Date(),
      // A real argon2 hash of random bytes: a sign-in attempt on an invited account costs what any other does.
      passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError('A staff member already has this address.', { reason: 'email_taken' });
    throw error;
  }
  await queueInvitation(staff, input.locale ?? uiLocaleFor(staff.languages[0] ?? 'fr'), ctx.actor.name);
  domainEvents.publish('staff.password_link_requested', {});
  const presented = presentStaffAdmin(staff);
  await recordAudit(ctx.actor, {
    action: 'staff.invite',
    target: { kind: 'staff', id: presented.id, label: label(staff) },
    after: { ...presented },
    ip: ctx.ip,
  });
  return presented;
}

/**
 * Changes roles, team, office, languages, capacity or name. An administrator cannot drop their own
 * administrator role. The address changes only while the person is invited (a typo caught before
 * they signed in): the links sent to the old one stop working and a new invitation goes out.
 */
export async function updateStaff(ctx: Context, id: string, input: UpdateInput): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(ctx.actor);
  const staff = await load(id);
  const newEmail = input.email !== undefined && input.email !== staff.email ? input.email : null;
  if (newEmail && presentStaffAdmin(staff).status !== 'invited')
    throw new ConflictError('An address changes only while the person is invited: they sign in with it.', { reason: 'not_invited' });
  if (input.roles && sameId(staff._id, ctx.actor.id) && !input.roles.includes('administrator')) {
    throw new ConflictError('You cannot remove your own administrator role: ask another administrator.', { reason: 'own_admin_role' });
  }
  await checkPlace(input.team !== undefined ? input.team : staff.team, input.office !== undefined ? input.office : staff.office);
  const before = presentStaffAdmin(staff);
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.roles !== undefined) set.roles = [...new Set(input.roles)];
  if (input.team !== undefined) set.team = input.team;
  if (input.office !== undefined) set.office = input.office;
  if (input.languages !== undefined) set.languages = [...new Set(input.languages)];
  if (input.capacity !== undefined) set.capacity = input.capacity;
  if (newEmail) set.email = newEmail;
  if (Object.keys(set).length > 0) {
    // An address changes only while still invited, checked by the write itself (the person may set a password meanwhile).
    const stillInvited = newEmail ? { active: false, deactivatedAt: null, passwordSetAt: null } : {};
    try {
      const written = await StaffModel.updateOne({ _id: staff._id, ...stillInvited }, { $set: set }, { runValidators: true });
      if (newEmail && written.matchedCount === 0)
        throw new ConflictError('An address changes only while the person is invited: they sign in with it.', { reason: 'not_invited' });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictError('A staff member already has this address.', { reason: 'email_taken' });
      throw error;
    }
    staffRecordChanged(staff._id);
  }
  if (newEmail) {
    // The links sent to the mistyped address die with the account's fingerprint; the new one goes to the right one.
    await endAllSessions(staff._id);
    const languages = (set.languages as string[] | undefined) ?? staff.languages;
    await invite(staff._id, newEmail, languages, ctx.actor.name);
  }
  if (set.name !== undefined) clearConfigCaches(); // the lists name holders from a memo (ticket.queries.ts)
  const after = presentStaffAdmin(await load(id));
  await recordAudit(ctx.actor, {
    action: 'staff.update',
    target: { kind: 'staff', id, label: label(after) },
    before: { ...before },
    after: { ...after },
    ip: ctx.ip,
  });
  return after;
}

/** Deactivates a person and signs them out everywhere at once. Not oneself: the last door must stay open. */
export async function deactivateStaff(ctx: Context, id: string): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(ctx.actor);
  const staff = await load(id);
  if (sameId(staff._id, ctx.actor.id)) throw new ConflictError('You cannot deactivate your own account.', { reason: 'own_account' });
  const before = presentStaffAdmin(staff);
  await StaffModel.updateOne({ _id: staff._id }, { $set: { active: false, deactivatedAt: new Date() } });
  await endAllSessions(staff._id); // it also forgets the record on every instance (staffRecordChanged)
  const after = presentStaffAdmin(await load(id));
  await recordAudit(ctx.actor, {
    action: 'staff.deactivate',
    target: { kind: 'staff', id, label: label(after) },
    before: { ...before },
    after: { ...after },
    ip: ctx.ip,
  });
  return after;
}

/**
 * Reactivates a deactivated person. One who never set a password goes back to "invited" and gets a
 * new invitation (the old link died with the deactivation).
 */
export async function reactivateStaff(ctx: Context, id: string): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(ctx.actor);
  const staff = await load(id);
  if (staff.active) throw new ConflictError('This person is active already.', { reason: 'already_active' });
  const before = presentStaffAdmin(staff);
  const setUp = Boolean(staff.passwordSetAt) || !staff.invitedAt;
  await StaffModel.updateOne({ _id: staff._id }, { $set: { active: setUp, deactivatedAt: null, ...(setUp ? {} : { invitedAt: new Date() }) } });
  staffRecordChanged(staff._id);
  if (!setUp) await invite(staff._id, staff.email, staff.languages, ctx.actor.name);
  const after = presentStaffAdmin(await load(id));
  await recordAudit(ctx.actor, {
    action: 'staff.reactivate',
    target: { kind: 'staff', id, label: label(after) },
    before: { ...before },
    after: { ...after },
    ip: ctx.ip,
  });
  return after;
}

/** Sends an invited person a new invitation (a fresh link; the older ones keep working until used or expired). */
export async function resendInvitation(ctx: Context, id: string): Promise<PresentedStaffAdmin> {
  assertStaffAdmin(ctx.actor);
  const staff = await load(id);
  const presented = presentStaffAdmin(staff);
  if (presented.status !== 'invited')
    throw new ConflictError('Only an invited person who has not set a password yet can be invited again.', { reason: 'not_invited' });
  await invite(staff._id, staff.email, staff.languages, ctx.actor.name);
  await recordAudit(ctx.actor, { action: 'staff.invite.resend', target: { kind: 'staff', id, label: label(staff) }, ip: ctx.ip });
  return presented;
}

async function invite(id: Types.ObjectId, email: string, languages: readonly string[], by: string): Promise<void> {
  await queueInvitation({ _id: id, email }, uiLocaleFor(languages[0] ?? 'fr'), by);
  domainEvents.publish('staff.password_link_requested', {});
}
