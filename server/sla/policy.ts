/**
 * SLA policies: the targets a ticket must meet, chosen by category, priority, tier and
 * office. Policies are tried in `order` (lower first); the first active one whose every
 * given criterion holds wins, and the choice comes with a sentence saying why, to be
 * stored with the ticket's deadlines. All targets are in business minutes of the
 * office's calendar (see calendar.ts).
 */
import { Schema, model, type Types } from 'mongoose';
import { labelsField, type NameLabels } from '../lib/labels.js';
import { priorities, type Priority } from '../tickets/ticket.model.js';
import { tiers, type Tier } from '../teams/team.model.js';

export const acceptanceBreachActions = ['none', 'escalate', 'alert_supervisors'] as const;
export type AcceptanceBreachAction = (typeof acceptanceBreachActions)[number];
export const resolutionBreachActions = ['none', 'alert_supervisors'] as const;
export type ResolutionBreachAction = (typeof resolutionBreachActions)[number];

/** A policy as stored (lean) or as plain seed data (no `_id` yet). */
export interface SlaPolicyData {
  _id?: Types.ObjectId | string;
  name: string;
  labels?: NameLabels | null;
  /** Lower is tried first. */
  order: number;
  active: boolean;
  /** Empty list = any value. */
  match: {
    categories: string[];
    priorities: Priority[];
    tiers: Tier[];
    offices: Array<Types.ObjectId | string>;
  };
  /** Business minutes; null = no such deadline. */
  targets: {
    firstResponseMinutes: number | null;
    /** After each member message that follows a staff reply. */
    nextResponseMinutes: number | null;
    resolutionMinutes: number | null;
    /** Per tier: from landing unassigned in the tier until someone takes the ticket. */
    acceptanceMinutes: Partial<Record<Tier, number | null>>;
  };
  warnings: {
    /** Percentages of the target, e.g. [75]. */
    percents: number[];
    /** Business minutes before the deadline, e.g. [15]. */
    minutesBefore: number[];
  };
  onBreach: {
    acceptance?: AcceptanceBreachAction;
    resolution?: ResolutionBreachAction;
  };
}

/** What a policy is matched against: the ticket as it is now. */
export interface PolicyFacts {
  category: string | null;
  priority: Priority;
  tier: number;
  office: Types.ObjectId | string;
}

export interface PolicyChoice {
  policy: SlaPolicyData;
  /** Why it applies, e.g. `"Urgent" (order 10): priority urgent; any category, tier and office`. */
  reason: string;
}

const positiveMinutes = { type: Number, min: 0, default: null };

const slaPolicySchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** The name in each language (pages fall back to `name`). */
    labels: labelsField,
    order: { type: Number, required: true },
    active: { type: Boolean, default: true },
    match: {
      categories: { type: [String], default: [] },
      priorities: { type: [{ type: String, enum: priorities }], default: [] },
      tiers: { type: [{ type: Number, enum: tiers }], default: [] },
      offices: { type: [{ type: Schema.Types.ObjectId, ref: 'Office' }], default: [] },
    },
    targets: {
      firstResponseMinutes: positiveMinutes,
      nextResponseMinutes: positiveMinutes,
      resolutionMinutes: positiveMinutes,
      acceptanceMinutes: { 1: positiveMinutes, 2: positiveMinutes, 3: positiveMinutes },
    },
    warnings: {
      percents: { type: [{ type: Number, min: 1, max: 99 }], default: [75] },
      minutesBefore: { type: [{ type: Number, min: 1 }], default: [15] },
    },
    onBreach: {
      acceptance: { type: String, enum: acceptanceBreachActions, default: 'none' },
      resolution: { type: String, enum: resolutionBreachActions, default: 'none' },
    },
  },
  { timestamps: true, collection: 'sla_policies' },
);
slaPolicySchema.index({ active: 1, order: 1 });

export const SlaPolicyModel = model('SlaPolicy', slaPolicySchema);

/** The criteria of `match` that hold for the ticket, or null when one given criterion does not. */
function matchedCriteria(match: SlaPolicyData['match'], facts: PolicyFacts): string[] | null {
  const said: string[] = [];
  if (match.categories.length > 0) {
    if (facts.category === null || !match.categories.includes(facts.category)) return null;
    said.push(`category ${facts.category}`);
  }
  if (match.priorities.length > 0) {
    if (!match.priorities.includes(facts.priority)) return null;
    said.push(`priority ${facts.priority}`);
  }
  if (match.tiers.length > 0) {
    if (!match.tiers.some((t) => t === facts.tier)) return null;
    said.push(`tier ${facts.tier}`);
  }
  if (match.offices.length > 0) {
    if (!match.offices.some((o) => String(o) === String(facts.office))) return null;
    said.push('office listed');
  }
  return said;
}

function anyOf(match: SlaPolicyData['match']): string[] {
  const open: string[] = [];
  if (match.categories.length === 0) open.push('category');
  if (match.priorities.length === 0) open.push('priority');
  if (match.tiers.length === 0) open.push('tier');
  if (match.offices.length === 0) open.push('office');
  return open;
}

function listed(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The first active policy, in `order` (then name), whose criteria all hold; null when none
 * does. Pure: the caller loads the policies (a small collection) and stores the choice.
 */
export function choosePolicy(policies: readonly SlaPolicyData[], ticket: PolicyFacts): PolicyChoice | null {
  const candidates = policies.filter((p) => p.active).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  for (const policy of candidates) {
    const said = matchedCriteria(policy.match, ticket);
    if (!said) continue;
    const open = anyOf(policy.match);
    const parts = [said.join(', '), open.length === 4 ? 'applies to every ticket' : open.length > 0 ? `any ${listed(open)}` : ''].filter(Boolean);
    return { policy, reason: `"${policy.name}" (order ${policy.order}): ${parts.join('; ')}` };
  }
  return null;
}

/** A stable id for a policy, also for seed data without `_id`. */
export function policyId(policy: SlaPolicyData): string {
  return policy._id ? String(policy._id) : `default:${policy.name}`;
}

const HOUR = 60;

/**
 * Starting policies for a member cooperative, one per priority (named in French, the default
 * language; administrators rename them), as plain objects the demo
 * seeder (or an administrator's "reset") can insert. Targets in business hours: urgent 1/8,
 * high 2/16, normal 4/24 (three business days), low 8/40; the next response has the first
 * response's target; an escalated ticket should be taken within 4 business hours on tier 2
 * and 8 on tier 3, and a ticket left unclaimed 2 business hours on tier 1 alerts supervisors.
 */
export function defaultPolicies(): SlaPolicyData[] {
  const rows: Array<[Priority, string, string, string, number, number, number]> = [
    ['urgent', 'Priorité urgente', 'Prioriteit dringend', 'Urgent priority', 10, 1, 8],
    ['high', 'Priorité haute', 'Prioriteit hoog', 'High priority', 20, 2, 16],
    ['normal', 'Priorité normale', 'Prioriteit normaal', 'Normal priority', 30, 4, 24],
    ['low', 'Priorité basse', 'Prioriteit laag', 'Low priority', 40, 8, 40],
  ];
  return rows.map(([priority, name, nl, en, order, response, resolution]) => ({
    name,
    labels: { fr: name, nl, en },
    order,
    active: true,
    match: { categories: [], priorities: [priority], tiers: [], offices: [] },
    targets: {
      firstResponseMinutes: response * HOUR,
      nextResponseMinutes: response * HOUR,
      resolutionMinutes: resolution * HOUR,
      acceptanceMinutes: { 1: 2 * HOUR, 2: 4 * HOUR, 3: 8 * HOUR },
    },
    warnings: { percents: [75], minutesBefore: [15] },
    onBreach: { acceptance: 'alert_supervisors', resolution: 'alert_supervisors' },
  }));
}
