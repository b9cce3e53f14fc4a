/**
 * The ticket's lifecycle, in one table: which action the ticket's state allows (status, holder,
 * tier, rating), and where each move goes (escalation and return targets) in each office model.
 *
 * Who may act is the policy's business (ticket.policy.ts); whether the ticket's state makes the
 * action possible is decided here, once, and read by everyone:
 *  - the presenter's `allowedActions` (what pages and dialogs offer) is `can && stateAllows`;
 *  - every command calls `assertStateAllows` after the policy and the version check, so the API
 *    refuses exactly what the page does not offer (409 with a stable reason code);
 *  - the escalate dialog, `escalateTicket` and the SLA automatic escalation all ask
 *    `escalationTarget` where an escalation goes.
 * test/integration/lifecycle-matrix.test.ts walks every action × status × tier × office model
 * over HTTP and checks the page and the API agree.
 */
import type { RefusalCode } from '../lib/error-reasons.js';
import { ConflictError } from '../lib/errors.js';
import { doneStatuses, openStatuses, ticketStatuses, type OfficeRoutingModel, type Tier, type TicketStatus } from '../lib/ticket.vocabulary.js';

export const ticketActions = [
  'read',
  'claim',
  'release',
  'reply',
  'note',
  'escalate',
  'return',
  'reassign',
  'resolve',
  'reopen',
  'update',
  'close',
  'rate',
  'spam',
  'merge',
  'link',
] as const;
export type TicketAction = (typeof ticketActions)[number];

/** Who acts: staff (and Relais itself for them) or the member (and the mail intake for them). */
export type Party = 'staff' | 'member';

/** The fields of a ticket the lifecycle looks at. */
export interface LifecycleTicket {
  status: string;
  tier: number;
  assignee?: unknown;
  rating?: unknown;
  /** Set when the ticket was merged into another: it is kept for the record, read and noted only. */
  merged?: unknown;
}

export { refusalCodes, type RefusalCode } from '../lib/error-reasons.js';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

interface Rule {
  /** The statuses in which the action is possible. */
  statuses: readonly TicketStatus[];
  /** Must someone hold the ticket (true), nobody (false), or either (absent)? */
  held?: boolean;
  /** The tiers the ticket may be on. */
  tiers?: readonly Tier[];
  /** Only while the member has not rated it. */
  unrated?: boolean;
}

const all = ticketStatuses;
const active = openStatuses;
const done = doneStatuses;

/**
 * The table. A missing entry for a party means that party never does this action (the policy
 * refuses it first). Reading and internal notes are possible in every status.
 */
export const lifecycle: Record<TicketAction, Partial<Record<Party, Rule>>> = {
  read: { staff: { statuses: all }, member: { statuses: all } },
  note: { staff: { statuses: all } },
  claim: { staff: { statuses: active, held: false } },
  release: { staff: { statuses: active, held: true } },
  // A member's answer wakes a ticket that waited on them and reopens a resolved one; staff reopen first.
  reply: { staff: { statuses: active }, member: { statuses: ['new', 'open', 'pending_member', 'resolved'] } },
  escalate: { staff: { statuses: active, tiers: [1, 2] } },
  return: { staff: { statuses: active, tiers: [2, 3] } },
  reassign: { staff: { statuses: active } },
  resolve: { staff: { statuses: active } },
  update: { staff: { statuses: active } },
  reopen: { staff: { statuses: done }, member: { statuses: done } },
  close: { member: { statuses: ['new', 'open', 'pending_member', 'resolved'] } },
  rate: { member: { statuses: done, unrated: true } },
  // Spam closes without a word to the sender; a merge closes the duplicate into another ticket.
  spam: { staff: { statuses: active } },
  merge: { staff: { statuses: active } },
  link: { staff: { statuses: all } },
};

/** What a merged ticket still allows: it stays readable, and colleagues may leave a note on it. */
const afterMerge: ReadonlySet<TicketAction> = new Set(['read', 'note']);

/** Why the ticket's state refuses `action` by `party`; null when it allows it. */
export function refusal(action: TicketAction, ticket: LifecycleTicket, party: Party = 'staff'): Refusal | null {
  const rule = lifecycle[action][party];
  if (!rule) return { code: 'not_allowed_now', message: 'This action is not possible on a ticket.' };
  if (ticket.merged && !afterMerge.has(action)) return { code: 'ticket_merged', message: 'This ticket was merged into another: act on that one.' };
  const status = ticket.status as TicketStatus;
  if (!rule.statuses.includes(status)) {
    if (status === 'closed')
      return {
        code: 'ticket_closed',
        message: party === 'member' ? 'This request is closed. Please file a new request.' : 'This ticket is closed: reopen it first.',
      };
    if (status === 'resolved')
      return { code: 'ticket_resolved', message: action === 'resolve' ? 'This ticket is already resolved.' : 'This ticket is resolved: reopen it first.' };
    return {
      code: 'ticket_not_done',
      message: action === 'rate' ? 'A request can be rated once it has been resolved.' : 'Only a resolved or closed ticket can be reopened.',
    };
  }
  if (rule.held === false && ticket.assignee) return { code: 'already_held', message: 'Someone else already holds this ticket.' };
  if (rule.held === true && !ticket.assignee) return { code: 'not_held', message: 'Nobody holds this ticket.' };
  if (rule.tiers && !rule.tiers.includes(ticket.tier as Tier)) {
    return ticket.tier >= 3
      ? { code: 'last_tier', message: 'This ticket is already with the administrative team (tier 3), the last tier: it cannot be escalated further.' }
      : { code: 'first_tier', message: 'This ticket is on tier 1 already: there is no lower tier to return it to.' };
  }
  if (rule.unrated && ticket.rating) return { code: 'already_rated', message: 'This request has already been rated. Thank you!' };
  return null;
}

/** Whether the ticket's state makes `action` possible (who may do it is the policy's business). */
export function stateAllows(action: TicketAction, ticket: LifecycleTicket, party: Party = 'staff'): boolean {
  return refusal(action, ticket, party) === null;
}

/** Throws 409 with the refusal's code and sentence unless the ticket's state allows `action`. */
export function assertStateAllows(action: TicketAction, ticket: LifecycleTicket, party: Party = 'staff', details: Record<string, unknown> = {}): void {
  const refused = refusal(action, ticket, party);
  if (refused) throw new ConflictError(refused.message, { reason: refused.code, ...details });
}

/**
 * Where an escalation goes: the next tier, except from a polyvalent office's tier 1, which has no
 * separate support tier (support works it) and goes straight to the administrative team.
 * Null on the last tier.
 */
export function escalationTarget(ticket: { tier: number }, model: OfficeRoutingModel): Tier | null {
  if (ticket.tier >= 3) return null;
  if (ticket.tier === 1 && model === 'polyvalent') return 3;
  return (ticket.tier + 1) as Tier;
}

/**
 * Where a return goes: back to the tier the escalation into this tier came from (a polyvalent
 * office's tier 3 returns to tier 1), else one tier down. Null on tier 1.
 */
export function returnTarget(ticket: { tier: number }, origin: { fromTier: number } | null): Tier | null {
  if (ticket.tier <= 1) return null;
  return (origin && origin.fromTier < ticket.tier ? origin.fromTier : ticket.tier - 1) as Tier;
}
