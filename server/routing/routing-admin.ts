/**
 * Administrators edit offices and teams and try the arrival routing. Office and team names are
 * staff-facing (members never see them: their pages and mail name no office or team): one name,
 * plus optional labels per language (Liège / Luik; pages fall back to the name). A team's tier, office and assignment mode change here; a tier-1 team needs an office (the
 * arrival routing only picks a tier-1 team that has one). Every change is audited and the routing
 * caches are cleared. The tester asks `routeNewTicket` exactly what ticket creation asks (the
 * member's office found by address, the office a staff member would choose), so its answer and
 * explanation are the ones a real ticket would get.
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { BadRequestError, ConflictError, NotFoundError, isDuplicateKeyError } from '../lib/errors.js';
import type { NameLabels } from '../lib/labels.js';
import { findMemberByEmail } from '../members/member-lookup.js';
import { OfficeModel } from '../offices/office.model.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import type { AssignmentMode, OfficeRoutingModel, Tier } from '../lib/ticket.vocabulary.js';
import { refreshOfficeModels } from './office-models.js';
import { RoutingRuleModel } from './routing-rule.model.js';
import { clearRoutingCache, routeNewTicket, type RoutingFacts } from './routing.service.js';

interface Meta {
  ip?: string;
}

const objectId = /^[0-9a-f]{24}$/i;

export interface OfficeView {
  id: string;
  code: string;
  name: string;
  labels: Labels;
  routingModel: string;
  isDefault: boolean;
  active: boolean;
}

export interface TeamView {
  id: string;
  code: string;
  name: string;
  labels: Labels;
  tier: number;
  office: string | null;
  assignmentMode: string;
  active: boolean;
}

type Labels = { fr: string | null; nl: string | null; en: string | null };
const labelsOf = (l: NameLabels | null | undefined): Labels => ({ fr: l?.fr ?? null, nl: l?.nl ?? null, en: l?.en ?? null });

type OfficeDoc = {
  _id: Types.ObjectId;
  code: string;
  name: string;
  labels?: NameLabels | null;
  routingModel?: string | null;
  isDefault?: boolean | null;
  active?: boolean | null;
};
type TeamDoc = {
  _id: Types.ObjectId;
  code: string;
  name: string;
  labels?: NameLabels | null;
  tier: number;
  office?: Types.ObjectId | null;
  assignmentMode?: string | null;
  active?: boolean | null;
};

function presentOffice(o: OfficeDoc): OfficeView {
  return {
    id: String(o._id),
    code: o.code,
    name: o.name,
    labels: labelsOf(o.labels),
    routingModel: o.routingModel ?? 'tiered',
    isDefault: !!o.isDefault,
    active: o.active !== false,
  };
}

function presentTeam(t: TeamDoc): TeamView {
  return {
    id: String(t._id),
    code: t.code,
    name: t.name,
    labels: labelsOf(t.labels),
    tier: t.tier,
    office: t.office ? String(t.office) : null,
    assignmentMode: t.assignmentMode ?? 'manual',
    active: t.active !== false,
  };
}

/** Every office and team (small collections, read whole). */
export async function officesAndTeams(): Promise<{ offices: OfficeView[]; teams: TeamView[] }> {
  const [offices, teams] = await Promise.all([
    OfficeModel.find({}).sort({ name: 1 }).lean<OfficeDoc[]>(),
    TeamModel.find({}).sort({ tier: 1, name: 1 }).lean<TeamDoc[]>(),
  ]);
  return { offices: offices.map(presentOffice), teams: teams.map(presentTeam) };
}

/**
 * Opens an office (a new region of the cooperative). Until a tier-1 team serves it, its members'
 * requests go to the default office's team, and their routing says so (routing.service.ts).
 */
export async function createOffice(
  actor: StaffActor,
  props: { code: string; name: string; labels?: Labels; routingModel?: OfficeRoutingModel },
  meta: Meta = {},
): Promise<OfficeView> {
  assertAdministrator(actor);
  let doc: OfficeDoc;
  try {
    doc = (await OfficeModel.create({ code: props.code, name: props.name, labels: props.labels, routingModel: props.routingModel ?? 'tiered' })).toObject();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError(`An office with the code "${props.code}" already exists.`, { reason: 'code_taken' });
    throw error;
  }
  const view = presentOffice(doc);
  clearRoutingCache();
  await refreshOfficeModels();
  await recordAudit(actor, { action: 'office.create', target: { kind: 'office', id: view.id, label: view.name }, after: { ...view }, ip: meta.ip });
  return view;
}

/** Forms a team: a tier-1 team serves an office; tiers 2 and 3 may serve one or every office. */
export async function createTeam(
  actor: StaffActor,
  props: { code: string; name: string; labels?: Labels; tier: Tier; office: string | null; assignmentMode?: AssignmentMode },
  meta: Meta = {},
): Promise<TeamView> {
  assertAdministrator(actor);
  if (props.office !== null && !(objectId.test(props.office) && (await OfficeModel.exists({ _id: props.office, active: { $ne: false } }))))
    throw new BadRequestError('No such office.', [{ path: 'office', message: 'unknown office', reason: { code: 'choice' } }]);
  if (props.tier === 1 && props.office === null)
    throw new BadRequestError('A tier-1 team serves an office: choose one.', [
      { path: 'office', message: 'required for tier 1', reason: { code: 'required' } },
    ]);
  let doc: TeamDoc;
  try {
    const created = await TeamModel.create({
      code: props.code,
      name: props.name,
      labels: props.labels,
      tier: props.tier,
      office: props.office === null ? null : new Types.ObjectId(props.office),
      assignmentMode: props.assignmentMode ?? 'manual',
    });
    doc = created.toObject();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError(`A team with the code "${props.code}" already exists.`, { reason: 'code_taken' });
    throw error;
  }
  const view = presentTeam(doc);
  clearRoutingCache();
  await recordAudit(actor, { action: 'team.create', target: { kind: 'team', id: view.id, label: view.name }, after: { ...view }, ip: meta.ip });
  return view;
}

/** How many open tickets an office holds, at any tier: given from above (tickets/working-set.ts). */
export type OpenTicketsOfOffice = (office: { id: Types.ObjectId }) => Promise<number>;

/** What an office's closing counts, given from above (tickets/working-set.ts). */
export interface OpenWork {
  ofOffice: OpenTicketsOfOffice;
  ofTeam: OpenTicketsOfTeam;
}

/**
 * An office closes (is deactivated) with its teams, once nothing depends on it: it is not the default
 * office (which takes the requests no other office does), no active staff member belongs to it or to
 * one of its teams (move them first: the page says so), no active arrival rule sends tickets to one of
 * its teams, and no open request belongs to it or waits in one of its teams' queues (one moved there
 * from another office included; an escalated one would come back to a tier 1 that no longer exists).
 * Its members' next requests go to the default office unless a rule takes them first, and their
 * routing says why (routing.service.ts). Its history stays: reports, tickets and events keep naming
 * it. Returns the teams that close with it. (Counted, then written, as for teams.)
 */
async function assertCanClose(office: OfficeDoc, work: OpenWork | undefined): Promise<TeamDoc[]> {
  if (!work) throw new Error('Closing an office needs the count of its open tickets.');
  if (office.isDefault) throw new ConflictError('This is the default office, which takes the requests no other office does.', { reason: 'office_is_default' });
  // Teams are few: read whole (no query by office alone needs an index of its own).
  const teams = (await TeamModel.find({}).lean<TeamDoc[]>()).filter((t) => t.active !== false && String(t.office) === String(office._id));
  const ids = teams.map((t) => t._id);
  const staff =
    (await StaffModel.countDocuments({ office: office._id, active: true })) +
    (ids.length > 0 ? await StaffModel.countDocuments({ team: { $in: ids }, active: true, office: { $ne: office._id } }) : 0);
  if (staff > 0)
    throw new ConflictError(`${staff} active staff member(s) belong to this office or its teams: move them first.`, { reason: 'office_has_staff' });
  const rules = ids.length > 0 ? await RoutingRuleModel.countDocuments({ team: { $in: ids }, active: { $ne: false } }) : 0;
  if (rules > 0)
    throw new ConflictError(`${rules} active arrival rule(s) send tickets to this office's teams: change them first.`, { reason: 'office_in_rules' });
  let open = await work.ofOffice({ id: office._id });
  for (const team of teams) if (open === 0) open += await work.ofTeam({ id: team._id });
  if (open > 0)
    throw new ConflictError('Open requests belong to this office or wait in its teams: move or resolve them first.', { reason: 'office_has_tickets' });
  return teams;
}

export async function updateOffice(
  actor: StaffActor,
  id: string,
  props: { name?: string; labels?: Labels; routingModel?: OfficeRoutingModel; active?: boolean },
  meta: Meta = {},
  openWork?: OpenWork,
): Promise<OfficeView> {
  assertAdministrator(actor);
  const doc = objectId.test(id) ? await OfficeModel.findById(id).lean<OfficeDoc>() : null;
  if (!doc) throw new NotFoundError('No such office.');
  const before = presentOffice(doc);
  const set: Record<string, unknown> = {};
  if (props.name !== undefined) set.name = props.name;
  if (props.labels !== undefined) set.labels = props.labels;
  if (props.routingModel !== undefined) set.routingModel = props.routingModel;
  if (props.active !== undefined) set.active = props.active;
  const closing = set.active === false && doc.active !== false ? await assertCanClose(doc, openWork) : [];
  for (const team of closing) await TeamModel.updateOne({ _id: team._id }, { $set: { active: false } });
  if (Object.keys(set).length > 0) await OfficeModel.updateOne({ _id: doc._id }, { $set: set });
  const after = { ...before, ...set } as OfficeView;
  clearRoutingCache();
  await refreshOfficeModels();
  await recordAudit(actor, {
    action: 'office.update',
    target: { kind: 'office', id, label: after.name },
    before: { ...before },
    after: { ...after },
    ip: meta.ip,
  });
  for (const team of closing) {
    const view = presentTeam(team);
    await recordAudit(actor, {
      action: 'team.update',
      target: { kind: 'team', id: view.id, label: view.name },
      before: { ...view },
      after: { ...view, active: false },
      ip: meta.ip,
    });
  }
  return after;
}

/**
 * A team that stops serving its tier where it does (moved to another tier or office, or deactivated)
 * must leave that tier served: a tier-1 team its office (new requests of the office would have nowhere
 * to go: the help form would refuse them), a tier-2 or tier-3 team its offices (an escalation there
 * would find no team), and no arrival rule may still send tickets to it (routing skips such a rule
 * without a word). Refused with a reason the page words; nothing is changed. (Counted, then written:
 * two administrators changing two teams at the same moment could still pass both; see ARCHITECTURE.)
 */
async function assertCanLeaveTier(team: TeamDoc): Promise<void> {
  if (team.active === false) return;
  if (team.tier === 1 && team.office) {
    const rules = await RoutingRuleModel.countDocuments({ team: team._id, active: { $ne: false } });
    if (rules > 0) throw new ConflictError(`${rules} active arrival rule(s) send tickets to this team: change them first.`, { reason: 'team_in_rules' });
  }
  const others = await TeamModel.find({ _id: { $ne: team._id }, tier: team.tier as Tier, active: { $ne: false } }, { office: 1 }).lean();
  const servesOffice = others.some((t) => team.office && String(t.office) === String(team.office));
  // Tier 1 is its office's own; tiers 2 and 3 fall back to a team of every office (routing.service.ts `teamForTier`).
  const stillServed = team.tier === 1 ? servesOffice : team.office ? servesOffice || others.some((t) => !t.office) : others.some((t) => !t.office);
  if (!stillServed) {
    const reason = team.tier === 1 ? 'last_tier_one_team' : 'last_team_of_tier';
    throw new ConflictError(`This is the last active tier-${team.tier} team where it serves: give that tier another team first.`, { reason });
  }
}

/** How many open tickets a team's queue holds: given from above (the tickets layer's working set, tickets/working-set.ts). */
export type OpenTicketsOfTeam = (team: { id: Types.ObjectId }) => Promise<number>;

/** A team is deactivated once its queue is empty: its open requests would otherwise be no one's. */
async function assertNoOpenWork(team: TeamDoc, openTickets: OpenTicketsOfTeam | undefined): Promise<void> {
  if (!openTickets) throw new Error('Deactivating a team needs the count of its open tickets.');
  const open = await openTickets({ id: team._id });
  if (open > 0) throw new ConflictError(`${open} open request(s) are in this team's queue: move them first.`, { reason: 'team_has_tickets' });
}

export async function updateTeam(
  actor: StaffActor,
  id: string,
  props: { name?: string; labels?: Labels; tier?: Tier; office?: string | null; assignmentMode?: AssignmentMode; active?: boolean },
  meta: Meta = {},
  openTickets?: OpenTicketsOfTeam,
): Promise<TeamView> {
  assertAdministrator(actor);
  const doc = objectId.test(id) ? await TeamModel.findById(id).lean<TeamDoc>() : null;
  if (!doc) throw new NotFoundError('No such team.');
  const before = presentTeam(doc);
  const set: Record<string, unknown> = {};
  if (props.name !== undefined) set.name = props.name;
  if (props.labels !== undefined) set.labels = props.labels;
  if (props.tier !== undefined) set.tier = props.tier;
  if (props.assignmentMode !== undefined) set.assignmentMode = props.assignmentMode;
  if (props.active !== undefined) set.active = props.active;
  if (props.office !== undefined) {
    const office = props.office !== null && objectId.test(props.office) ? await OfficeModel.findById(props.office, { active: 1 }).lean() : null;
    if (props.office !== null && !office) throw new BadRequestError('No such office.', [{ path: 'office', message: 'unknown office' }]);
    // A team moves into an open office only (its own, closed, it may keep while it stays closed too).
    if (office?.active === false && String(props.office) !== String(doc.office ?? null))
      throw new BadRequestError('This office is closed.', [{ path: 'office', message: 'this office is closed', reason: { code: 'office_closed' } }]);
    set.office = props.office === null ? null : new Types.ObjectId(props.office);
  }
  const tier = (set.tier as number | undefined) ?? doc.tier;
  const office = set.office !== undefined ? set.office : (doc.office ?? null);
  if (tier === 1 && office === null)
    throw new BadRequestError('A tier-1 team serves an office: choose one.', [{ path: 'office', message: 'required for tier 1' }]);
  const stillServes = tier === doc.tier && String(office) === String(doc.office ?? null) && (set.active ?? doc.active) !== false;
  if (!stillServes) await assertCanLeaveTier(doc);
  if (set.active === false && doc.active !== false) await assertNoOpenWork(doc, openTickets);
  // Reopened in a closed office, a team would take requests no one routes there: the office first
  // (moving into a closed office is refused above; an active team in one cannot be: closing closes it).
  if (set.active === true && doc.active === false && office && !(await OfficeModel.exists({ _id: office, active: { $ne: false } })))
    throw new ConflictError('Its office is closed: reopen the office first, or move the team.', { reason: 'office_closed' });
  if (Object.keys(set).length > 0) await TeamModel.updateOne({ _id: doc._id }, { $set: set });
  const after = presentTeam({ ...doc, ...set } as TeamDoc);
  clearRoutingCache();
  await recordAudit(actor, { action: 'team.update', target: { kind: 'team', id, label: after.name }, before: { ...before }, after: { ...after }, ip: meta.ip });
  return after;
}

export interface RoutingTrial {
  category?: string | null;
  channel: string;
  mailbox?: string | null;
  language: string;
  /** The member's address: their office is looked up as ticket creation does. */
  email?: string | null;
  /** An office a staff member would choose. */
  office?: string | null;
}

export interface RoutingAnswer {
  team: { id: string; name: string };
  office: { id: string; name: string };
  rule: string;
  explanation: string;
  facts: RoutingFacts;
  memberFound: boolean;
}

/** "Which team would this ticket go to?": the routing decision a ticket with these facts would get, and why. */
export async function tryRouting(actor: StaffActor, trial: RoutingTrial): Promise<RoutingAnswer> {
  assertAdministrator(actor);
  const member = trial.email ? await findMemberByEmail<{ office?: Types.ObjectId | null }>(trial.email, { office: 1 }) : null;
  if (trial.office && !objectId.test(trial.office)) throw new BadRequestError('No such office.', [{ path: 'office', message: 'unknown office' }]);
  const decision = await routeNewTicket({
    category: trial.category ?? null,
    channel: trial.channel,
    mailbox: trial.mailbox ?? null,
    language: trial.language,
    memberOffice: member?.office ?? null,
    requestedOffice: trial.office ? new Types.ObjectId(trial.office) : null,
    requestedBy: actor.name,
  });
  const [team, office] = await Promise.all([TeamModel.findById(decision.team, { name: 1 }).lean(), OfficeModel.findById(decision.office, { name: 1 }).lean()]);
  return {
    team: { id: String(decision.team), name: team?.name ?? '' },
    office: { id: String(decision.office), name: office?.name ?? '' },
    rule: decision.rule,
    explanation: decision.explanation,
    facts: decision.facts,
    memberFound: !!member,
  };
}
