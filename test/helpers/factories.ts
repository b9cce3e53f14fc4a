/**
 * Factories: each test builds the data it needs on its own database.
 * `buildOrg()` makes a small cooperative: two offices with tier-1 teams, the
 * tier-2 support and tier-3 administrative teams, reason codes, categories and
 * one staff member of each kind (all with the password `testPassword`).
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { toStaffActor, type StaffActor } from '../../server/auth/actor.js';
import { hashPassword } from '../../server/auth/password.js';
import { CategoryModel, ReasonCodeModel } from '../../server/catalog/category.model.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { StaffModel, type StaffRole } from '../../server/staff/staff.model.js';
import { TeamModel, type Tier } from '../../server/teams/team.model.js';
import { createTicket, type CreateTicketProps } from '../../server/tickets/ticket.create.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import type { TicketView } from '../../server/tickets/ticket.presenter.js';

export const testPassword = 'correct horse battery staple';
let cachedHash: string | undefined;

export interface Org {
  offices: { liege: Types.ObjectId; charleroi: Types.ObjectId };
  teams: { liege: Types.ObjectId; charleroi: Types.ObjectId; support: Types.ObjectId; admin: Types.ObjectId };
  staff: {
    advisorLiege: StaffActor;
    advisorLiege2: StaffActor;
    advisorCharleroi: StaffActor;
    support: StaffActor;
    administrative: StaffActor;
    supervisorLiege: StaffActor;
    supervisorCharleroi: StaffActor;
    administrator: StaffActor;
  };
}

export async function buildStaff(props: {
  name: string;
  roles: StaffRole[];
  team?: Types.ObjectId | null;
  tier?: Tier | null;
  office?: Types.ObjectId | null;
  email?: string;
  languages?: ('fr' | 'nl' | 'en')[];
}): Promise<StaffActor> {
  cachedHash ??= await hashPassword(testPassword);
  const doc = await StaffModel.create({
    name: props.name,
    email: props.email ?? `${props.name.toLowerCase().replace(/[^a-z]+/g, '.')}.${randomBytes(3).toString('hex')}@test.relais`,
    roles: props.roles,
    team: props.team ?? null,
    office: props.office ?? null,
    languages: props.languages ?? ['fr'],
    passwordHash: cachedHash,
  });
  return toStaffActor(doc.toObject(), props.tier ?? null);
}

export async function buildOrg(): Promise<Org> {
  const liege = await OfficeModel.create({ code: 'liege', name: 'Liège' });
  const charleroi = await OfficeModel.create({ code: 'charleroi', name: 'Charleroi', isDefault: true });
  const tLiege = await TeamModel.create({ code: 'conseil-liege', name: 'Conseil Liège', tier: 1, office: liege._id });
  const tCharleroi = await TeamModel.create({ code: 'conseil-charleroi', name: 'Conseil Charleroi', tier: 1, office: charleroi._id });
  const tSupport = await TeamModel.create({ code: 'soutien', name: 'Équipe de soutien', tier: 2 });
  const tAdmin = await TeamModel.create({ code: 'administratif', name: 'Équipe administrative', tier: 3 });
  await ReasonCodeModel.create([
    { code: 'needs_contract_change', label: { fr: 'Modification de contrat', nl: 'Contractwijziging', en: 'Contract change' }, appliesTo: ['escalate'] },
    { code: 'payroll_correction', label: { fr: 'Correction de paie', nl: 'Looncorrectie', en: 'Payroll correction' }, appliesTo: ['escalate'] },
    { code: 'missing_information', label: { fr: 'Informations manquantes', nl: 'Ontbrekende informatie', en: 'Missing information' }, appliesTo: ['return'] },
  ]);
  await CategoryModel.create([
    { code: 'contracts', label: { fr: 'Contrats', nl: 'Contracten', en: 'Contracts' } },
    { code: 'invoices', label: { fr: 'Factures', nl: 'Facturen', en: 'Invoices' } },
  ]);
  return {
    offices: { liege: liege._id, charleroi: charleroi._id },
    teams: { liege: tLiege._id, charleroi: tCharleroi._id, support: tSupport._id, admin: tAdmin._id },
    staff: {
      advisorLiege: await buildStaff({ name: 'Julie Lambert', roles: ['advisor'], team: tLiege._id, tier: 1, office: liege._id }),
      advisorLiege2: await buildStaff({ name: 'Nadia El Amrani', roles: ['advisor'], team: tLiege._id, tier: 1, office: liege._id }),
      advisorCharleroi: await buildStaff({ name: 'Karim Benali', roles: ['advisor'], team: tCharleroi._id, tier: 1, office: charleroi._id }),
      support: await buildStaff({ name: 'Amélie Renard', roles: ['support'], team: tSupport._id, tier: 2 }),
      administrative: await buildStaff({ name: 'Marc Dumont', roles: ['administrative'], team: tAdmin._id, tier: 3 }),
      supervisorLiege: await buildStaff({ name: 'Isabelle Collard', roles: ['supervisor'], office: liege._id }),
      supervisorCharleroi: await buildStaff({ name: 'Paul Henrard', roles: ['supervisor'], office: charleroi._id }),
      administrator: await buildStaff({ name: 'Thomas Lejeune', roles: ['administrator'] }),
    },
  };
}

/** A ticket filed by a member of the given office (Liège by default), on tier 1 there. */
export async function buildTicket(org: Org, overrides: Partial<CreateTicketProps> = {}): Promise<Ticket> {
  return createTicket({
    actor: org.staff.advisorLiege,
    subject: 'Fiche de paie de mars incorrecte',
    body: 'Bonjour, le montant net de ma fiche de paie de mars ne correspond pas à mes factures.',
    member: { name: 'Claire Martin', email: `claire.${randomBytes(3).toString('hex')}@example.be` },
    channel: 'phone',
    office: org.offices.liege,
    ...overrides,
  });
}

/** A Liège ticket taken by Julie Lambert and escalated by her to tier 2: the ticket as made, and as escalated. */
export async function buildEscalatedTicket(
  org: Org,
  props: { subject?: string; reason?: string; handoff?: string } = {},
): Promise<{ ticket: Ticket; escalated: TicketView }> {
  const ticket = await buildTicket(org, props.subject ? { subject: props.subject } : {});
  const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
  const escalated = await escalateTicket({
    actor: org.staff.advisorLiege,
    ticketId: String(ticket._id),
    version: claimed.version,
    reason: props.reason ?? 'needs_contract_change',
    handoff: props.handoff ?? 'Le membre a envoyé son avenant.',
  });
  return { ticket, escalated };
}
