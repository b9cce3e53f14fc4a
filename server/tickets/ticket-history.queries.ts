/**
 * History lists: done tickets (resolved or closed) of any age, most recently done first, filtered
 * and paged like the queues. The working set holds only open and recently resolved tickets, and on
 * the embedded engine any other query on the tickets reads the whole collection (a minute at
 * 100,000 tickets), so a history list walks the `d:<day>:<n>` keys (ticket.keys.ts) back from today
 * and reads each ticket by `_id`: the same point reads on MongoDB.
 *
 * A ticket has a key for each time it became done; it is listed at its last one (`doneAt`), so once.
 * A day's keys are listed by the instant on each (`latestFirst`), which is the date the page shows.
 * Tickets resolved in the last two weeks come from the working set (working-set.ts), the others by
 * `_id`. A request reads at most `walkBudget` tickets from the database, or days: a page that the
 * budget cut short holds fewer tickets than asked (perhaps none) and a cursor to go on from there;
 * the list ends (no cursor) past the first day that has a key.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { readByIds } from '../db/point-reads.js';
import { isDoneStatus } from '../lib/ticket.vocabulary.js';
import { TicketModel, type Ticket } from './ticket.model.js';
import { canRead, inWorkScope } from './ticket.policy.js';
import { handedOnBy } from './ticket.workers.js';
import { dayOf, doneAt, doneKeysOfDay, firstDoneDay, type DoneKey, type DonePlace } from './ticket.keys.js';
import { workingSet } from './working-set.js';
import { invalidCursor } from './queue-order.js';

/** Where a history page stops: the UTC day and its keys after the one in slot `s`, in the list's order (`s` 0: the whole day). */
interface HistoryCursor {
  h: 1;
  d: string;
  s: number;
}

/** How much one request reads at most before answering with what it found and a cursor. */
export const walkBudget = { tickets: 500, days: 400 };

const dayMs = 24 * 3600 * 1000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

function previousDay(day: string): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) - dayMs));
}

function encode(at: Omit<HistoryCursor, 'h'>): string {
  return Buffer.from(JSON.stringify({ h: 1, ...at })).toString('base64url');
}

function decode(cursor: string): HistoryCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<HistoryCursor>;
    if (parsed.h === 1 && typeof parsed.d === 'string' && dayPattern.test(parsed.d) && Number.isInteger(parsed.s) && (parsed.s ?? -1) >= 0)
      return parsed as HistoryCursor;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

/**
 * A day's keys, most recently done first: by the instant on each key (`DoneKey.at`), the date the
 * list shows, when every key of the day has one; the slots (the order of the commits) otherwise, for
 * days written before keys said when. Slots alone put a back-dated resolution (an import, the demo's
 * stories) among the day's latest. Ties (and equal instants) go by slot, so the order is the same at
 * every read and a cursor's slot says where a page stopped.
 */
function latestFirst(keys: readonly DoneKey[]): DoneKey[] {
  const timed = keys.every((k) => k.at);
  return [...keys].sort((x, y) => (timed ? (y.at?.getTime() ?? 0) - (x.at?.getTime() ?? 0) : 0) || y.slot - x.slot);
}

/** The keys after the one in `slot` (the last a page listed or read; 0: all). A cursor from before the order by instant: the lower slots. */
function after(ordered: DoneKey[], slot: number): DoneKey[] {
  if (slot === 0) return ordered;
  const at = ordered.findIndex((k) => k.slot === slot);
  return at < 0 ? ordered.filter((k) => k.slot < slot) : ordered.slice(at + 1);
}

/** How far back a list has been read when it stops at this cursor: the earliest day (UTC, `YYYY-MM-DD`) it read, whole or in part. Null for another kind of cursor. */
export function historyReadBackTo(cursor: string): string | null {
  try {
    const at = decode(cursor);
    // `s` 0: the cursor's day is still to read, the day after it was the last one read.
    return at.s > 0 ? at.d : dayOf(new Date(Date.parse(`${at.d}T00:00:00Z`) + dayMs));
  } catch {
    return null;
  }
}

export interface HistoryQuery {
  /** Done statuses only (resolved, closed). */
  statuses: readonly string[];
  /** The list's other filters (status aside), tested on each ticket. */
  matches: (ticket: Ticket) => boolean;
  /** The same filters on what a key says of its ticket (`DonePlace`; a field the key lacks passes): keys that fail are not read. */
  matchesPlace?: (place: DonePlace) => boolean;
  /** "Tickets I handed on": worked on and no longer held, instead of every ticket the actor may read. */
  handedOn?: boolean;
  limit: number;
  cursor?: string | undefined;
}

/** One page of a history list; `nextCursor` is null at the end of the history. */
export async function historyPage(actor: StaffActor, query: HistoryQuery, now = new Date()): Promise<{ tickets: Ticket[]; nextCursor: string | null }> {
  if (!query.statuses.every(isDoneStatus)) throw new Error('historyPage lists done tickets only');
  const [first] = await Promise.all([firstDoneDay(), workingSet.ready()]);
  const start = query.cursor ? decode(query.cursor) : { d: dayOf(now), s: 0 };
  const accepts = (ticket: Ticket, day: string, at: Date | undefined): boolean => {
    if (!query.statuses.includes(ticket.status)) return false;
    const done = doneAt(ticket);
    // Listed at its last key, not this one (a key that says when: done again later the same day).
    if (!done || dayOf(done) !== day || (at && at.getTime() !== done.getTime())) return false;
    if (!query.matches(ticket)) return false;
    // The work scope, as the queues; handed on: what the actor worked on and may still read.
    return query.handedOn ? handedOnBy(actor.id, ticket) && canRead(actor, ticket) : inWorkScope(actor, ticket);
  };
  // Where the ticket was when it became done, and its category and language, on its key (keys written
  // before it have none): a ticket outside the work scope there, or failing the filters, is not read.
  // Handed-on lists follow the workers, not the place: only the filters are tested on the key.
  const maybe = ({ place }: { place?: DonePlace }): boolean =>
    !place || ((query.handedOn || inWorkScope(actor, place)) && (query.matchesPlace?.(place) ?? true));
  const found: Array<{ ticket: Ticket; day: string; slot: number }> = [];
  const page = (next: Omit<HistoryCursor, 'h'> | null) => ({ tickets: found.map((f) => f.ticket), nextCursor: next ? encode(next) : null });
  let read = 0;
  let days = 0;
  // Days are read `span` at a time, as many as should hold the tickets still wanted at the pace of the
  // days just read, at most twice as many as last time (today is only begun), up to 32 (a year of
  // 100,000 tickets: a day or two at a time; a small office's: up to 32 at once). The keys of ended
  // days are kept in memory (ticket.keys.ts), so a second list reads only today's and the tickets.
  let span = 1;
  for (let day = start.d, below = start.s; first !== null && day >= first; below = 0) {
    if (read >= walkBudget.tickets || days >= walkBudget.days) return page({ d: day, s: 0 });
    const batch: string[] = [];
    for (let d = day; batch.length < Math.min(span, walkBudget.days - days) && d >= first; d = previousDay(d)) batch.push(d);
    days += batch.length;
    const keys = (await Promise.all(batch.map((d) => doneKeysOfDay(d)))).flatMap((ofDay, i) =>
      after(latestFirst(ofDay), i === 0 ? below : 0).map((k) => ({ ...k, day: batch[i] as string })),
    );
    const perDay = Math.max(keys.filter(maybe).length, 0.5) / batch.length;
    span = Math.min(32, span * 2, Math.max(1, Math.ceil((query.limit + 1 - found.length) / perDay)));
    for (let i = 0; i < keys.length; i += 32) {
      const chunk = keys.slice(i, i + 32);
      // Resolved in the last two weeks: in the working set, newest version, in memory; older ones by `_id`.
      const unknown = chunk.filter((k) => !workingSet.get(String(k.ticket)) && maybe(k)).map((k) => k.ticket);
      const tickets = new Map((await readByIds(unknown, readTicket)).map((t) => [String(t._id), t]));
      read += unknown.length;
      for (const key of chunk) {
        const ticket = workingSet.get(String(key.ticket)) ?? tickets.get(String(key.ticket));
        if (!ticket || !maybe(key) || !accepts(ticket, key.day, key.at)) continue;
        found.push({ ticket, day: key.day, slot: key.slot });
        if (found.length > query.limit) {
          found.length = query.limit;
          const last = found.at(-1);
          return page(last ? { d: last.day, s: last.slot } : null);
        }
      }
      const lastKey = chunk.at(-1);
      if (read >= walkBudget.tickets && lastKey && i + 32 < keys.length) return page({ d: lastKey.day, s: lastKey.slot });
    }
    day = previousDay(batch.at(-1) ?? day);
  }
  return page(null);
}

function readTicket(id: Types.ObjectId): Promise<Ticket | null> {
  return TicketModel.findById(id).lean<Ticket>();
}
