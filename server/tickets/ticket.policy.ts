/**
 * Who may do what to which ticket. One module, fail-closed: `authorize` throws
 * unless a rule below explicitly allows the action. HTTP routes, socket events and
 * views all call it. Reading is checked first: someone who may not read a ticket
 * gets 404 (its existence is not revealed); someone who may read but not act, 403.
 */
import type { Types } from 'mongoose';
import { hasRole, sameId, type Actor, type StaffActor } from '../auth/actor.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { PolicyRefusalCode } from '../lib/error-reasons.js';
import { isPolyvalentOffice, polyvalentOfficeIds } from '../routing/office-models.js';
import { stateAllows, ticketActions, type TicketAction } from './ticket.lifecycle.js';
import { tiers as allTiers, type Tier } from '../lib/ticket.vocabulary.js';
import type { Place } from './working-rule.js';

export { ticketActions, type TicketAction } from './ticket.lifecycle.js';

/** The fields of a ticket that policy decisions look at. */
export interface PolicyTicket {
  tier: number;
  team: Types.ObjectId;
  office: Types.ObjectId;
  assignee?: Types.ObjectId | null;
  member: Types.ObjectId;
  status: string;
  /** Staff who worked on it (kept by the journal, ticket.workers.ts): they may keep reading it. Absent on older tickets. */
  workers?: readonly Types.ObjectId[] | null;
  /** The member's office when the ticket was filed: its advisors may read it. Absent on older tickets. */
  memberOffice?: Types.ObjectId | null;
}

const roleTier = { advisor: 1, support: 2, administrative: 3 } as const;

// The same actor's roles are asked about for every ticket of a list: computed once per roles array.
const tiersOfRoles = new WeakMap<readonly string[], readonly Tier[]>();

/** The tiers a staff member works in (claims and answers tickets of), from their roles. */
/** Whether these roles work some tier's queue (a supervisor or an administrator alone works none). */
export function worksAnyTier(roles: readonly string[]): boolean {
  return roles.some((role) => role in roleTier);
}

export function tiersWorkedBy(actor: Pick<StaffActor, 'roles'>): Tier[] {
  let tiers = tiersOfRoles.get(actor.roles);
  if (!tiers) {
    const set = new Set<Tier>();
    for (const role of actor.roles) if (role in roleTier) set.add(roleTier[role as keyof typeof roleTier]);
    tiers = Object.freeze([...set].sort());
    tiersOfRoles.set(actor.roles, tiers);
  }
  return [...tiers];
}

/** Where a ticket is: all the work scope looks at. */
export type PolicyPlace = Pick<PolicyTicket, 'tier' | 'team' | 'office' | 'assignee'>;

function isSupervisorOf(actor: StaffActor, ticket: PolicyPlace): boolean {
  // Supervisors: everything in their office, plus every escalated ticket.
  return hasRole(actor, 'supervisor') && (sameId(actor.office, ticket.office) || ticket.tier > 1);
}

function worksTier(actor: StaffActor, tier: number): boolean {
  tiersWorkedBy(actor); // fills the cache
  return (tiersOfRoles.get(actor.roles) as readonly number[]).includes(tier);
}

function worksQueueOf(actor: StaffActor, ticket: PolicyPlace): boolean {
  // A polyvalent office's tier 1 is worked by its advisors and the support team together.
  if (ticket.tier === 1 && hasRole(actor, 'support') && isPolyvalentOffice(ticket.office)) return true;
  if (!worksTier(actor, ticket.tier)) return false;
  // Tier 1 is per office: advisors see their team's and their office's queue.
  if (ticket.tier === 1) return sameId(actor.team, ticket.team) || sameId(actor.office, ticket.office);
  return true; // tier 2 and tier 3 teams serve every office
}

function isHolder(actor: StaffActor, ticket: PolicyPlace): boolean {
  return sameId(actor.id, ticket.assignee);
}

/**
 * Whether the ticket is part of this person's work: they hold it, it is in a queue they work, or they
 * supervise it. Queues, counts, the board, reports and the queue rooms list exactly these; every
 * action but reading needs it.
 */
export function inWorkScope(actor: StaffActor, ticket: PolicyPlace): boolean {
  return isHolder(actor, ticket) || worksQueueOf(actor, ticket) || isSupervisorOf(actor, ticket);
}

/**
 * The places of the working set (working-set.ts) that hold all of this person's work — and, with
 * `handedOn`, the tickets they worked on — so a queue reads those instead of every working ticket.
 * Kept next to the rules it mirrors: every ticket `inWorkScope` accepts is in one of them (the
 * property test in working-set.places.test.ts holds the two together); callers still apply the rule.
 */
export function workPlaces(actor: StaffActor, options: { handedOn?: boolean } = {}): Place[] {
  if (options.handedOn) return [{ worker: actor.id }];
  const places: Place[] = [{ assignee: actor.id }];
  const tierOne = (): void => {
    if (actor.team) places.push({ tier: 1, team: actor.team });
    if (actor.office) places.push({ tier: 1, office: actor.office });
  };
  if (hasRole(actor, 'support')) for (const office of polyvalentOfficeIds()) places.push({ tier: 1, office });
  for (const tier of tiersWorkedBy(actor)) {
    if (tier === 1) tierOne();
    else places.push({ tier });
  }
  if (hasRole(actor, 'supervisor')) {
    if (actor.office) places.push({ tier: 1, office: actor.office });
    for (const tier of allTiers) if (tier > 1) places.push({ tier });
  }
  return places;
}

/** Whether the staff member may follow the ticket they worked on or that their office's member filed. */
export function followsTicket(actor: StaffActor, ticket: PolicyTicket): boolean {
  if (ticket.workers?.some((w) => sameId(w, actor.id))) return true;
  // When a member phones their office back, its advisors see where their request is, wherever it went.
  return Boolean(ticket.memberOffice) && sameId(actor.office, ticket.memberOffice) && (hasRole(actor, 'advisor') || hasRole(actor, 'supervisor'));
}

/**
 * Why a viewer may only follow the ticket — they worked on it, or it is their office's member's —
 * or null when it is in their work (or they may not read it at all).
 */
export function followReason(actor: Actor, ticket: PolicyTicket): 'worked' | 'member' | null {
  if (actor.kind !== 'staff' || inWorkScope(actor, ticket) || !followsTicket(actor, ticket)) return null;
  return ticket.workers?.some((w) => sameId(w, actor.id)) ? 'worked' : 'member';
}

/**
 * Whether `actor` may read the ticket: everything in their work scope, and — read-only — tickets they
 * worked on and tickets of their office's members (`followsTicket`).
 */
export function canRead(actor: Actor, ticket: PolicyTicket): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'member') return sameId(actor.id, ticket.member);
  return inWorkScope(actor, ticket) || followsTicket(actor, ticket);
}

/**
 * Whether `actor` may perform `action` on `ticket` — who, not when: whether the ticket's state
 * allows it is `stateAllows` (ticket.lifecycle.ts). Unknown combinations are refused.
 */
export function can(actor: Actor, action: TicketAction, ticket: PolicyTicket): boolean {
  if (!canRead(actor, ticket)) return false;
  if (actor.kind === 'system') return true;
  // Members act on their own tickets only (canRead above): follow, answer, close, reopen, rate.
  if (actor.kind === 'member') return action === 'read' || action === 'reply' || action === 'reopen' || action === 'close' || action === 'rate';
  if (action === 'read') return true;
  // Following a ticket (worked on it, or a member of one's office) is reading it, nothing more: not even a note.
  if (!inWorkScope(actor, ticket)) return false;
  const holder = isHolder(actor, ticket);
  const supervisor = isSupervisorOf(actor, ticket);
  switch (action) {
    case 'note': // internal notes: anyone whose work includes the ticket may leave one for colleagues
    case 'link': // a related ticket is a note for colleagues too (the other ticket must be readable: ticket.links.ts)
      return true;
    case 'spam':
      // Junk waits unclaimed in a queue: whoever could take it may throw it out, never from a colleague's hands.
      return holder || supervisor || (!ticket.assignee && worksQueueOf(actor, ticket));
    case 'merge':
      return holder || supervisor;
    case 'claim':
      return worksQueueOf(actor, ticket);
    case 'release':
    case 'resolve':
    case 'update':
    case 'reply':
    case 'escalate':
    case 'return':
      return holder || supervisor;
    case 'reassign':
      return supervisor;
    case 'reopen':
      return holder || supervisor || worksQueueOf(actor, ticket);
    default:
      return false;
  }
}

/**
 * What `actor` may do to `ticket` now: the policy (who) and the lifecycle (when) together. Pages,
 * dialogs and the JSON `allowedActions` offer exactly this; commands refuse everything else.
 */
export function allowedActions(actor: Actor, ticket: PolicyTicket & { rating?: unknown }): TicketAction[] {
  const party = actor.kind === 'member' ? 'member' : 'staff';
  return ticketActions.filter((a) => can(actor, a, ticket) && stateAllows(a, ticket, party));
}

/**
 * Throws unless `actor` may do `action`: 404 when they may not even read the
 * ticket, 403 when they may read it but not do this.
 */
export function authorize(actor: Actor, action: TicketAction, ticket: PolicyTicket): void {
  if (!canRead(actor, ticket)) throw new NotFoundError('No such ticket.');
  if (can(actor, action, ticket)) return;
  if (actor.kind === 'staff' && !inWorkScope(actor, ticket))
    throw new ForbiddenError('You can follow this ticket (read only): it is not in your work, so you cannot act on it.', { reason: 'read_only' });
  // The reason code lets a page (the bulk bar) say why in the person's language (QA: "you cannot act on this ticket" for every case).
  const { message, reason } = forbidden(action);
  throw new ForbiddenError(message, reason ? { reason } : undefined);
}

/** Why a person who may read the ticket may not do this to it: the server's sentence and the code a page words. */
function forbidden(action: TicketAction): { message: string; reason?: PolicyRefusalCode } {
  switch (action) {
    case 'claim':
      return { message: "Only staff working in this ticket's tier and queue can take it.", reason: 'not_your_queue' };
    case 'reassign':
      return { message: 'Only a supervisor can reassign a ticket.', reason: 'supervisor_only' };
    case 'reply':
    case 'escalate':
    case 'return':
    case 'resolve':
    case 'release':
    case 'update':
    case 'merge':
      return { message: 'Take the ticket first: only the person holding it (or a supervisor) can do this.', reason: 'hold_first' };
    case 'spam':
      return { message: 'Someone else holds this ticket: only they (or a supervisor) can mark it as spam.', reason: 'held_by_other' };
    default:
      return { message: 'You are not allowed to do this on this ticket.' };
  }
}
