/**
 * Reading lists of tickets: the queue list (filters, keyset pagination, due date then age or the
 * queue order), an actor's work, and the working-set reads of workload and automatic assignment
 * (held counts, waiting tickets). Separate from ticket.queries.ts (one ticket at a time): lists read
 * the working set in memory or walk the history's keys, a different cost and a different set of callers.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { BadRequestError } from '../lib/errors.js';
import type { Ticket } from './ticket.model.js';
import { canRead, inWorkScope, workPlaces } from './ticket.policy.js';
import { historyPage } from './ticket-history.queries.js';
import type { DonePlace } from './ticket.keys.js';
import { handedOnBy } from './ticket.workers.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';
import { workingSet, type Place, type WorkSelection } from './working-set.js';
import { defaultQueueOrder, firstInOrder, type QueueOrder } from './queue-order.js';
import { doneStatuses, isDoneStatus, isOpenStatus, openStatuses, tiers } from '../lib/ticket.vocabulary.js';
import { nameBook } from './ticket.queries.js';

export interface ListFilters {
  tier?: number;
  office?: string;
  team?: string;
  status?: string[];
  assignee?: 'me' | 'none' | string;
  language?: string;
  /** A category code, or null for tickets without one. */
  category?: string | null;
  /** "Tickets I handed on": tickets the actor worked on and no longer holds (read only), instead of their work. */
  handedOn?: boolean;
  limit: number;
  cursor?: string;
  /** The order of work lists (the working set); history lists are most recently done first. */
  order?: QueueOrder;
  /** History: every resolved or closed ticket of any age (the statuses narrow it), not the work. */
  history?: boolean;
}

/** The statuses the working set answers for (open work, and tickets resolved recently). */
function servedByWorkingSet(statuses: readonly string[]): boolean {
  return statuses.every((s) => isOpenStatus(s) || s === 'resolved');
}

/** Whether a ticket passes a list's filters (policy aside). */
export function matchesFilters(t: Ticket, actor: StaffActor, filters: Omit<ListFilters, 'limit' | 'cursor'>, statuses: readonly string[]): boolean {
  if (!statuses.includes(t.status)) return false;
  if (filters.tier && t.tier !== filters.tier) return false;
  if (filters.office && String(t.office) !== filters.office) return false;
  if (filters.team && String(t.team) !== filters.team) return false;
  if (filters.language && t.language !== filters.language) return false;
  if (filters.category !== undefined && (t.category ?? null) !== filters.category) return false;
  if (filters.assignee === 'me') return String(t.assignee) === String(actor.id);
  if (filters.assignee === 'none') return !t.assignee;
  if (filters.assignee) return String(t.assignee) === filters.assignee;
  return true;
}

/**
 * The list's filters on what a done key says of its ticket (ticket.keys.ts `DonePlace`), for history
 * lists: fields the key does not carry (older keys) pass, and the ticket is tested when read.
 */
function matchesPlace(place: DonePlace, actor: StaffActor, filters: Omit<ListFilters, 'limit' | 'cursor'>): boolean {
  if (filters.tier && place.tier !== filters.tier) return false;
  if (filters.office && String(place.office) !== filters.office) return false;
  if (filters.team && String(place.team) !== filters.team) return false;
  if (filters.language && place.language !== undefined && place.language !== filters.language) return false;
  if (filters.category !== undefined && place.category !== undefined && place.category !== filters.category) return false;
  if (filters.assignee === 'me') return String(place.assignee) === String(actor.id);
  if (filters.assignee === 'none') return !place.assignee;
  if (filters.assignee) return String(place.assignee) === filters.assignee;
  return true;
}

/** The part of the working set a list with these statuses (and tier), in these places, can come from. */
export function workSelection(statuses: readonly string[], tier?: number, places?: readonly Place[]): WorkSelection {
  const where = places ? { places } : {};
  return statuses.every(isOpenStatus) ? { openOnly: true, ...(tier ? { tiers: [tier] } : {}), ...where } : { openOnly: false, ...where };
}

/**
 * The working tickets in an actor's work scope that `where` keeps (the queues, counts and board are
 * built from these). Tickets they only follow (read only) are not work: see `handedOnBy`.
 */
export async function readableWork(
  actor: StaffActor,
  where: (t: Ticket) => boolean = () => true,
  selection: WorkSelection = { openOnly: false },
): Promise<Ticket[]> {
  // Only the person's places are read (at a year of data the working set is thousands of tickets);
  // `where` (field tests) runs before the policy.
  return (await workingSet.select({ ...selection, places: workPlaces(actor) })).filter((t) => where(t) && inWorkScope(actor, t));
}

/**
 * The tickets an actor may see, filtered and sorted (by due date then age unless `order` says
 * otherwise: queue-order.ts), one page at a time. Work (open and recently resolved tickets) comes
 * from the working set in memory. History — closed tickets, or with `history` every resolved or
 * closed ticket of any age — is listed most recently done first from the done-day keys
 * (ticket-history.queries.ts).
 */
export async function listTickets(actor: StaffActor, filters: ListFilters): Promise<{ tickets: TicketView[]; nextCursor: string | null }> {
  // Without a status filter, the queue shows work still to do (or, for history, everything done).
  const statuses = filters.status?.length ? filters.status : filters.history ? [...doneStatuses] : [...openStatuses];
  let page: Ticket[];
  let nextCursor: string | null;
  if (filters.history || !servedByWorkingSet(statuses)) {
    if (!statuses.every(isDoneStatus)) {
      throw new BadRequestError('History lists resolved and closed tickets: list open work and history separately.', [
        { path: 'status', message: 'open statuses cannot be mixed with history (closed, or history=true)' },
      ]);
    }
    const history = await historyPage(actor, {
      statuses,
      matches: (t) => matchesFilters(t, actor, filters, statuses),
      matchesPlace: (place) => matchesPlace(place, actor, filters),
      handedOn: filters.handedOn,
      limit: filters.limit,
      cursor: filters.cursor,
    });
    page = history.tickets;
    nextCursor = history.nextCursor;
  } else {
    // The list's own filters first (cheap field tests), then the policy, then the page.
    const inList = filters.handedOn ? (t: Ticket) => handedOnBy(actor.id, t) && canRead(actor, t) : (t: Ticket) => inWorkScope(actor, t);
    // The person's places only: "mine" is what they hold; otherwise their queues (or what they worked on).
    const places = filters.assignee === 'me' && !filters.handedOn ? [{ assignee: actor.id }] : workPlaces(actor, { handedOn: filters.handedOn });
    const selection = workSelection(statuses, filters.tier, places);
    const matching = (await workingSet.select(selection)).filter((t) => matchesFilters(t, actor, filters, statuses) && inList(t));
    const ordered = await firstInOrder(matching, filters.order ?? defaultQueueOrder, filters.limit + 1, filters.cursor);
    page = ordered.rows.slice(0, filters.limit);
    const last = page.at(-1);
    nextCursor = ordered.rows.length > filters.limit && last ? ordered.cursorOf(last) : null;
  }
  const names = await nameBook(page.map((t) => t.assignee));
  return { tickets: page.map((t) => presentTicket(t, actor, names)), nextCursor };
}

/** Open tickets held by each of these people (workload, automatic assignment), from the working set. */
export async function heldCounts(people: Iterable<Types.ObjectId | string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const person of people) {
    const n = await workingSet.heldBy(person);
    if (n > 0) counts.set(String(person), n);
  }
  return counts;
}

/** The open tickets one person holds, from the working set. */
export async function heldTickets(person: Types.ObjectId | string): Promise<Ticket[]> {
  return workingSet.select({ openOnly: true, places: [{ assignee: person }] });
}

/** Open unassigned tickets waiting in these teams, most urgent first (automatic assignment's sweep). */
export async function waitingInTeams(teams: Iterable<Types.ObjectId | string>, limit: number): Promise<Ticket[]> {
  const places = [...teams].flatMap((team) => tiers.map((tier) => ({ tier, team })));
  const waiting = (await workingSet.select({ openOnly: true, places })).filter((t) => !t.assignee);
  return (await firstInOrder(waiting, defaultQueueOrder, limit, undefined)).rows;
}
