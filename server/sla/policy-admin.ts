/**
 * Administrators edit the SLA policies: their name in each language (FR/NL/EN labels, shown on the
 * deadlines panel and the policies list in the reader's language), their targets (first response, next response, resolution,
 * acceptance per tier, in business minutes), warning thresholds, what they apply to (categories,
 * priorities, tiers, offices; none = any) and the order they are tried in. A policy is never deleted
 * — tickets' deadlines and their explanations name it — only deactivated. Every change is audited
 * (fields before → after) and the SLA engine's cache is cleared at once on this instance (others
 * within 5 s); open tickets keep their stored deadlines until the administrator recomputes them
 * (recompute.ts, cause `policy`), which the page offers after each change, as the calendars do.
 *
 * A policy has no calendar of its own: its minutes are counted in the calendar of the ticket's
 * office (calendar-admin.ts), so one policy serves offices with different opening hours.
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { CategoryModel } from '../catalog/category.model.js';
import { BadRequestError, NotFoundError } from '../lib/errors.js';
import { OfficeModel } from '../offices/office.model.js';
import { priorities, tiers, type Priority } from '../lib/ticket.vocabulary.js';
import { addBusinessMinutes } from './calendar.js';
import { SlaCalendarModel, calendarForOffice, type SlaCalendarData } from './calendar.model.js';
import { clearSlaCache } from './engine.js';
import { SlaPolicyModel, choosePolicy, type AcceptanceBreachAction, type ResolutionBreachAction, type SlaPolicyData } from './policy.js';

export { acceptanceBreachActions, resolutionBreachActions } from './policy.js';

interface Meta {
  ip?: string;
}

const objectId = /^[0-9a-f]{24}$/i;

export interface PolicyLabels {
  fr: string | null;
  nl: string | null;
  en: string | null;
}

export interface PolicyInput {
  name: string;
  /** Left out: unchanged (a new policy has none: its name is shown in every language). */
  labels?: PolicyLabels;
  order: number;
  active: boolean;
  match: { categories: string[]; priorities: Priority[]; tiers: Array<1 | 2 | 3>; offices: string[] };
  targets: {
    firstResponseMinutes: number | null;
    nextResponseMinutes: number | null;
    resolutionMinutes: number | null;
    acceptanceMinutes: { 1: number | null; 2: number | null; 3: number | null };
  };
  warnings: { percents: number[]; minutesBefore: number[] };
  onBreach: { acceptance: AcceptanceBreachAction; resolution: ResolutionBreachAction };
}

export interface PolicyView extends PolicyInput {
  id: string;
  labels: PolicyLabels;
}

type StoredPolicy = SlaPolicyData & { _id: Types.ObjectId };

const minutes = (v: number | null | undefined): number | null => (typeof v === 'number' ? v : null);

/** A stored policy as plain data (ids as strings, every field present): the API, pages and audit read this. */
export function presentPolicy(p: StoredPolicy): PolicyView {
  const acceptance = (p.targets?.acceptanceMinutes ?? {}) as Partial<Record<1 | 2 | 3, number | null>>;
  return {
    id: String(p._id),
    name: p.name,
    labels: { fr: p.labels?.fr ?? null, nl: p.labels?.nl ?? null, en: p.labels?.en ?? null },
    order: p.order,
    active: p.active !== false,
    match: {
      categories: [...(p.match?.categories ?? [])],
      priorities: [...(p.match?.priorities ?? [])],
      tiers: [...(p.match?.tiers ?? [])] as Array<1 | 2 | 3>,
      offices: (p.match?.offices ?? []).map(String),
    },
    targets: {
      firstResponseMinutes: minutes(p.targets?.firstResponseMinutes),
      nextResponseMinutes: minutes(p.targets?.nextResponseMinutes),
      resolutionMinutes: minutes(p.targets?.resolutionMinutes),
      acceptanceMinutes: { 1: minutes(acceptance[1]), 2: minutes(acceptance[2]), 3: minutes(acceptance[3]) },
    },
    warnings: { percents: [...(p.warnings?.percents ?? [])], minutesBefore: [...(p.warnings?.minutesBefore ?? [])] },
    onBreach: { acceptance: p.onBreach?.acceptance ?? 'none', resolution: p.onBreach?.resolution ?? 'none' },
  };
}

/** Every policy, in the order they are tried (a small collection, read whole). */
export async function policyViews(): Promise<PolicyView[]> {
  const policies = await SlaPolicyModel.find({}).lean<StoredPolicy[]>();
  return policies.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name)).map(presentPolicy);
}

async function storedPolicy(id: string): Promise<StoredPolicy> {
  const doc = objectId.test(id) ? await SlaPolicyModel.findById(id).lean<StoredPolicy>() : null;
  if (!doc) throw new NotFoundError('No such SLA policy.');
  return doc;
}

export async function policyView(id: string): Promise<PolicyView> {
  return presentPolicy(await storedPolicy(id));
}

/** Refuses criteria naming categories or offices that do not exist (a typo would silently match nothing). */
async function checkReferences(input: PolicyInput): Promise<void> {
  const fields: Array<{ path: string; message: string }> = [];
  if (input.match.categories.length > 0) {
    const known = new Set((await CategoryModel.find({}, { code: 1 }).lean<Array<{ code: string }>>()).map((c) => c.code));
    for (const code of input.match.categories) if (!known.has(code)) fields.push({ path: 'match.categories', message: `unknown category ${code}` });
  }
  if (input.match.offices.length > 0) {
    const known = new Set((await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => String(o._id)));
    for (const id of input.match.offices) if (!known.has(id)) fields.push({ path: 'match.offices', message: 'unknown office' });
  }
  if (fields.length > 0) throw new BadRequestError('The policy names what does not exist.', fields);
}

function stored(input: PolicyInput): Omit<SlaPolicyData, '_id'> {
  const { labels, ...rest } = input;
  return {
    ...rest,
    ...(labels ? { labels } : {}),
    match: { ...input.match, offices: input.match.offices.map((o) => new Types.ObjectId(o)) },
    warnings: {
      percents: [...new Set(input.warnings.percents)].sort((a, b) => a - b),
      minutesBefore: [...new Set(input.warnings.minutesBefore)].sort((a, b) => b - a),
    },
  };
}

/** What the audit keeps of a policy: its presented fields but the id (the entry's target names it). */
function audited(view: PolicyView): Record<string, unknown> {
  const { id: _id, ...fields } = view;
  return fields;
}

/** Creates a policy (audited); the SLA engine sees it at once here, within 5 s elsewhere. */
export async function createPolicy(actor: StaffActor, input: PolicyInput, meta: Meta = {}): Promise<PolicyView> {
  assertAdministrator(actor);
  await checkReferences(input);
  const doc = await SlaPolicyModel.create(stored(input));
  clearSlaCache();
  const view = presentPolicy(doc.toObject() as StoredPolicy);
  await recordAudit(actor, { action: 'sla_policy.create', target: { kind: 'sla_policy', id: view.id, label: view.name }, after: audited(view), ip: meta.ip });
  return view;
}

/** Changes a policy (the whole editable record; deactivating is `active: false`). Audited, changed fields only. */
export async function updatePolicy(actor: StaffActor, id: string, input: PolicyInput, meta: Meta = {}): Promise<PolicyView> {
  assertAdministrator(actor);
  const before = presentPolicy(await storedPolicy(id));
  await checkReferences(input);
  // Validated like a new one (enums, minimums), then written by `_id`.
  const model = await SlaPolicyModel.findById(id);
  if (!model) throw new NotFoundError('This SLA policy was just removed.');
  model.set(stored(input));
  await model.save();
  clearSlaCache();
  const after = presentPolicy(model.toObject() as StoredPolicy);
  await recordAudit(actor, {
    action: before.active && !after.active ? 'sla_policy.deactivate' : 'sla_policy.update',
    target: { kind: 'sla_policy', id, label: after.name },
    before: audited(before),
    after: audited(after),
    ip: meta.ip,
  });
  return after;
}

export interface PolicyPreview {
  office: { id: string; name: string };
  /** The calendar the minutes are counted in (the office's own, or the default one). */
  calendar: string;
  /** Which active policy a ticket of this policy's first priority would get there now (it may be another one, tried earlier). */
  chosen: string | null;
  firstResponseDue: Date | null;
  nextResponseDue: Date | null;
  resolutionDue: Date | null;
}

/**
 * "A ticket arriving now would be due …" under this policy's targets, in the calendar of `officeId`
 * (else the policy's first office, else the default office), and which policy such a ticket would
 * really get (an earlier one may win, or this one may be inactive).
 */
export async function policyPreview(id: string, now: Date, officeId?: string | null): Promise<PolicyPreview> {
  const policy = presentPolicy(await storedPolicy(id));
  const wanted = officeId ?? policy.match.offices[0] ?? null;
  if (wanted !== null && !objectId.test(wanted)) throw new BadRequestError('No such office.', [{ path: 'office', message: 'unknown office' }]);
  const office = wanted ? await OfficeModel.findById(wanted, { name: 1 }).lean() : await OfficeModel.findOne({ isDefault: true }, { name: 1 }).lean();
  if (!office) throw new NotFoundError('No such office.');
  const [calendars, policies] = await Promise.all([
    SlaCalendarModel.find({}).lean<SlaCalendarData[]>(),
    SlaPolicyModel.find({ active: true }).lean<SlaPolicyData[]>(),
  ]);
  const calendar = calendarForOffice(calendars, office._id);
  const due = (m: number | null) => (m === null ? null : addBusinessMinutes(now, m, calendar));
  const choice = choosePolicy(policies, {
    category: policy.match.categories[0] ?? null,
    priority: policy.match.priorities[0] ?? 'normal',
    tier: policy.match.tiers[0] ?? 1,
    office: office._id,
  });
  return {
    office: { id: String(office._id), name: office.name },
    calendar: calendar.name,
    chosen: choice?.policy.name ?? null,
    firstResponseDue: due(policy.targets.firstResponseMinutes),
    nextResponseDue: due(policy.targets.nextResponseMinutes),
    resolutionDue: due(policy.targets.resolutionMinutes),
  };
}

/**
 * Whether an active policy can ever apply: every ticket it matches (each category, none included
 * when it names none; each priority, tier and active office it allows) is tried against the active
 * policies in order. Null when some ticket gets it; else the names of the policies tried before it
 * that take all its tickets (QA: four priority policies ordered 10–40 leave a new one at 50 nothing).
 */
export async function shadowingPolicies(id: string): Promise<string[] | null> {
  const policy = presentPolicy(await storedPolicy(id));
  if (!policy.active) return null;
  const [policies, categories, offices] = await Promise.all([
    SlaPolicyModel.find({ active: true }).lean<SlaPolicyData[]>(),
    // Every category and office, deactivated ones too: open tickets may still carry them.
    CategoryModel.find({}, { code: 1 }).lean(),
    OfficeModel.find({}, { _id: 1 }).lean(),
  ]);
  const m = policy.match;
  const each = <T>(listed: readonly T[], all: readonly T[]): readonly T[] => (listed.length > 0 ? listed : all);
  const winners = new Set<string>();
  for (const category of each<string | null>(m.categories, [null, ...categories.map((c) => c.code)]))
    for (const priority of each(m.priorities, priorities))
      for (const tier of each<number>(m.tiers, tiers))
        for (const office of each(
          m.offices,
          offices.map((o) => String(o._id)),
        )) {
          const chosen = choosePolicy(policies, { category, priority, tier, office })?.policy;
          if (!chosen || String(chosen._id) === policy.id) return null;
          winners.add(chosen.name);
        }
  return winners.size > 0 ? [...winners] : null;
}
