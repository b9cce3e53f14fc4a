/**
 * Reading lists of tickets: the queue list (filters, keyset pagination, due date then age or the
 * queue order), an actor's work, and the working-set reads of workload and automatic assignment
 * (held counts, waiting tickets). Separate from ticket.queries.ts (one ticket at a time): lists read
 * the working set in memory and page through history, a different cost and a different set of callers.
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { BadRequestError } from '../lib/errors.js';
import { TicketModel, type Ticket } from './ticket.model.js';
import { canRead, inWorkScope, readableFilter } from './ticket.policy.js';
import { handedOnBy } from './ticket.workers.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';
import { workingSet, type WorkSelection } from './working-set.js';
import { defaultQueueOrder, firstInOrder, type QueueOrder } from './queue-order.js';
import { isOpenStatus, openStatuses } from '../lib/ticket.vocabulary.js';
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
  /** The order of work lists (the working set); history lists keep the due-date order. */
  order?: QueueOrder;
}

interface Cursor {
  d: string;
  c: string;
  i: string;
}

function encodeCursor(t: Ticket): string {
  return Buffer.from(JSON.stringify({ d: new Date(t.dueAt).toISOString(), c: new Date(t.createdAt).toISOString(), i: String(t._id) })).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.d === 'string' && typeof parsed.c === 'string' && typeof parsed.i === 'string' && Types.ObjectId.isValid(parsed.i))
      return parsed as Cursor;
  } catch {
    // fall through
  }
  throw new BadRequestError('The cursor is not valid: use the nextCursor value of a previous page.', [{ path: 'cursor', message: 'invalid cursor' }]);
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

/** The part of the working set a list with these statuses (and tier) can come from. */
export function workSelection(statuses: readonly string[], tier?: number): WorkSelection {
  return statuses.every(isOpenStatus) ? { openOnly: true, ...(tier ? { tiers: [tier] } : {}) } : { openOnly: false };
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
  // `where` (field tests) runs before the policy: at a year of data the work is thousands of tickets.
  return (await workingSet.select(selection)).filter((t) => where(t) && inWorkScope(actor, t));
}

/**
 * The tickets an actor may see, filtered and sorted (by due date then age unless `order` says
 * otherwise: queue-order.ts), one page at a time. Work
 * (open and recently resolved tickets) comes from the working set in memory; only a list of closed
 * or older history asks the database (an index on MongoDB).
 */
export async function listTickets(actor: StaffActor, filters: ListFilters): Promise<{ tickets: TicketView[]; nextCursor: string | null }> {
  // Without a status filter, the queue shows work still to do.
  const statuses = filters.status?.length ? filters.status : [...openStatuses];
  let rows: Ticket[];
  let cursorOf: (t: Ticket) => string = encodeCursor;
  if (servedByWorkingSet(statuses)) {
    // The list's own filters first (cheap field tests), then the policy, then the page.
    const inList = filters.handedOn ? (t: Ticket) => handedOnBy(actor.id, t) && canRead(actor, t) : (t: Ticket) => inWorkScope(actor, t);
    const matching = (await workingSet.select(workSelection(statuses, filters.tier))).filter((t) => matchesFilters(t, actor, filters, statuses) && inList(t));
    const ordered = await firstInOrder(matching, filters.order ?? defaultQueueOrder, filters.limit + 1, filters.cursor);
    rows = ordered.rows;
    cursorOf = ordered.cursorOf;
  } else {
    rows = await historyPage(actor, filters, statuses, filters.cursor ? decodeCursor(filters.cursor) : null);
  }
  const page = rows.slice(0, filters.limit);
  const names = await nameBook(page.map((t) => t.assignee));
  const last = page.at(-1);
  return {
    tickets: page.map((t) => presentTicket(t, actor, names)),
    nextCursor: rows.length > filters.limit && last ? cursorOf(last) : null,
  };
}

async function historyPage(actor: StaffActor, filters: ListFilters, statuses: readonly string[], cursor: Cursor | null): Promise<Ticket[]> {
  // Handed on: the tickets' `workers` say who worked on them (an index on MongoDB); the policy checks each after.
  const and: Record<string, unknown>[] = [filters.handedOn ? { workers: actor.id, assignee: { $ne: actor.id } } : readableFilter(actor)];
  if (filters.tier) and.push({ tier: filters.tier });
  if (filters.office) and.push({ office: new Types.ObjectId(filters.office) });
  if (filters.team) and.push({ team: new Types.ObjectId(filters.team) });
  and.push({ status: { $in: statuses } });
  if (filters.language) and.push({ language: filters.language });
  if (filters.category !== undefined) and.push({ category: filters.category });
  if (filters.assignee === 'me') and.push({ assignee: actor.id });
  else if (filters.assignee === 'none') and.push({ assignee: null });
  else if (filters.assignee) and.push({ assignee: new Types.ObjectId(filters.assignee) });
  if (cursor) {
    const d = new Date(cursor.d);
    const created = new Date(cursor.c);
    const i = new Types.ObjectId(cursor.i);
    and.push({ $or: [{ dueAt: { $gt: d } }, { dueAt: d, createdAt: { $gt: created } }, { dueAt: d, createdAt: created, _id: { $gt: i } }] });
  }
  const rows = await TicketModel.find({ $and: and })
    .sort({ dueAt: 1, createdAt: 1, _id: 1 })
    .limit(filters.limit + 1)
    .lean<Ticket[]>();
  return filters.handedOn ? rows.filter((t) => canRead(actor, t)) : rows;
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
  return (await workingSet.select({ openOnly: true })).filter((t) => String(t.assignee) === String(person));
}

/** Open unassigned tickets waiting in these teams, most urgent first (automatic assignment's sweep). */
export async function waitingInTeams(teams: Iterable<Types.ObjectId | string>, limit: number): Promise<Ticket[]> {
  const wanted = new Set([...teams].map(String));
  const waiting = (await workingSet.select({ openOnly: true })).filter((t) => !t.assignee && wanted.has(String(t.team)));
  return (await firstInOrder(waiting, defaultQueueOrder, limit, undefined)).rows;
}
