/**
 * Who worked on a ticket, and the "returned to you" flag: ticket fields the journal keeps with every
 * commit (ticket.journal.ts), in the same patch as the change, so a replay after a crash writes them
 * too and the working set, the policy and the queues read them with the ticket, at no extra read.
 *
 * Worked on = held it (claimed, accepted, was given it) or acted on it as staff (answered, noted,
 * escalated, returned, resolved, released, reopened, changed it, reassigned it as a supervisor: a
 * supervisor who moved a ticket to another office can still check and explain the move). Such a person may follow the ticket
 * afterwards, read only (ticket.policy.ts `followsTicket`), and it appears in their "Tickets I handed on".
 */
import type { Types } from 'mongoose';
import type { Ticket } from './ticket.model.js';
import { sameId } from '../auth/actor.js';

/** Event types whose staff actor has worked on the ticket. */
const workTypes: ReadonlySet<string> = new Set([
  'claimed',
  'accepted',
  'released',
  'replied',
  'noted',
  'escalated',
  'returned',
  'reassigned',
  'resolved',
  'reopened',
  'priority_changed',
  'category_changed',
  'language_changed',
]);

interface Change {
  type: string;
  actorStaff: Types.ObjectId | null;
}

/** The ticket's `workers` after a change, or null when the change adds nobody. */
export function workersAfter(before: Pick<Ticket, 'workers'>, after: Pick<Ticket, 'assignee'>, change: Change): Types.ObjectId[] | null {
  const list = [...(before.workers ?? [])];
  const has = (id: Types.ObjectId) => list.some((w) => String(w) === String(id));
  const added: Types.ObjectId[] = [];
  if (change.actorStaff && workTypes.has(change.type) && !has(change.actorStaff)) added.push(change.actorStaff);
  if (after.assignee && !has(after.assignee) && !added.some((a) => String(a) === String(after.assignee))) added.push(after.assignee);
  return added.length > 0 ? [...list, ...added] : null;
}

/**
 * Whether the "returned to you" flag goes away with this change: its person acted on the ticket, or
 * the ticket left them. (The return that sets it is not such a change.)
 */
export function clearsReturnedFlag(before: Pick<Ticket, 'returned'>, after: Pick<Ticket, 'assignee' | 'returned'>, change: Change): boolean {
  const flag = before.returned;
  if (!flag || after.returned !== before.returned) return false;
  return String(after.assignee) !== String(flag.to) || (change.actorStaff !== null && String(change.actorStaff) === String(flag.to));
}

/** Whether `staff` worked on the ticket and no longer holds it: a row of their "Tickets I handed on". */
export function handedOnBy(staff: Types.ObjectId | string, ticket: Pick<Ticket, 'workers' | 'assignee'>): boolean {
  // Most working tickets were never touched by this person: the list first, the holder after. Ids are
  // compared as numbers (sameId): the queue's counts ask this of every working ticket, and writing each
  // worker out in hex took 7 ms a view at 6,700 working tickets.
  return (ticket.workers ?? []).some((w) => sameId(w, staff)) && !sameId(ticket.assignee, staff);
}
