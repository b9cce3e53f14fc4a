/**
 * The tickets done on each day, as a report's backlog at a past date reads them (load.ts
 * `loadBacklog`: open at a past date = open now, or done since). Reading them is one read by `_id`
 * per key and per ticket: the comparison page's default (this month against the same days of the
 * month before) would read every ticket done in the past month, about 8,000 at Smart's volume, on
 * each view.
 *
 * A day that ended gets no new "done" key (a key is noted under the day its ticket was done), and
 * where a done ticket was before it was done does not change. So the tickets of each ended day are
 * read once and kept (`keepMs`, three hours, like the board forecast's history; a few thousand brief
 * tickets a month); today, and a day that ended less than `settleMs` ago, are read on each view. The
 * reader's scope is applied on every use (load.ts), on the ticket as it was read: a ticket moved to
 * another office after it was done counts in its old office's backlog figures for up to three hours.
 * Those are counts only; no ticket of a backlog is listed.
 */
import { dayOf, ticketIdsOfDays } from '../tickets/ticket.keys.js';
import type { ReportEvent } from './compute.js';
import { eventsOf, readReportTickets, type RawTicket } from './ticket-source.js';

const DAY = 24 * 3_600_000;
/** How long the tickets of an ended day are kept. */
const keepMs = 3 * 3_600_000;
/** A day is read again until this long after it ended (a commit under way at midnight notes its key just after). */
const settleMs = 10 * 60_000;
/** Ended days kept at most (about three months). */
const maxDays = 100;

/** A done ticket as a backlog reads it: its fields and its events (from its trail, or its journal). */
export interface DoneTicket {
  raw: RawTicket;
  events: ReportEvent[];
}

const kept = new Map<string, { at: number; tickets: DoneTicket[] }>();

/** Forgets the kept days (tests, or after loading data). */
export function clearDoneDays(): void {
  kept.clear();
}

async function readDay(day: Date): Promise<DoneTicket[]> {
  const ids = await ticketIdsOfDays({ kind: 'done' }, day, day);
  const raws = await readReportTickets(ids);
  const events = await eventsOf(raws);
  return raws.map((raw) => ({ raw, events: events.get(String(raw._id)) ?? [] }));
}

/** The tickets done from the UTC day of `from` to `now` (a ticket done on several days appears once). */
export async function doneTicketsSince(from: Date, now: Date): Promise<DoneTicket[]> {
  const days: Date[] = [];
  for (let d = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); d <= now.getTime(); d += DAY) days.push(new Date(d));
  const clock = Date.now();
  const perDay = await Promise.all(
    days.map(async (day) => {
      const ended = day.getTime() + DAY + settleMs <= clock;
      const key = dayOf(day);
      const hit = kept.get(key);
      if (ended && hit && clock - hit.at < keepMs) return hit.tickets;
      const tickets = await readDay(day);
      if (ended) {
        kept.delete(key);
        kept.set(key, { at: clock, tickets });
        // The oldest read goes first when too many days are kept.
        if (kept.size > maxDays) kept.delete(kept.keys().next().value as string);
      }
      return tickets;
    }),
  );
  const seen = new Set<string>();
  return perDay.flat().filter((t) => !seen.has(String(t.raw._id)) && Boolean(seen.add(String(t.raw._id))));
}

/** Reads the ended days a view of the comparison page reads by default (the month before and this one) ahead of it. */
export async function warmDoneDays(now = new Date()): Promise<number> {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return (await doneTicketsSince(from, now)).length;
}
