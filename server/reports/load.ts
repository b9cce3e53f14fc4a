/**
 * Reads what a report needs without asking the database "which tickets…?" (FerretDB has no
 * `$lookup` and pushes down only `_id` filters). The tickets created in the period come from the day
 * documents of their offices (day-facts.ts: each day's tickets in brief, kept up to date by reading
 * only the keys and tickets that changed since); the tickets open at the end of the period come from
 * the working set and the keys of the days they were done. compute.ts does the rest.
 *
 * The way reports were read before — the day keys, then each ticket by `_id` and its `trail` (or its
 * events) — is kept as `source: 'tickets'`: the reference the tests compare the day documents with.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { calendarForOffice, SlaCalendarModel, type SlaCalendarData } from '../sla/calendar.model.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';
import { hasRole } from '../auth/actor.js';
import { OfficeModel } from '../offices/office.model.js';
import { ticketIdsOfDays } from '../tickets/ticket.keys.js';
import { inWorkScope, workPlaces } from '../tickets/ticket.policy.js';
import { workingSet } from '../tickets/working-set.js';
import {
  backlogAt,
  HoursMemo,
  placeAt,
  ticketFacts,
  visiting,
  type BacklogItem,
  type ReportEvent,
  type ReportPlace,
  type ReportTicket,
  type TicketFacts,
} from './compute.js';
import { roomToRemember, ticketsOfDays } from './day-facts.js';
import { doneTicketsSince } from './done-days.js';
import type { ReportFilters } from './period.js';
import { eventsOf, readReportTickets, toReportTicket, type RawTicket } from './ticket-source.js';

/** Beyond this many tickets in one report, the rest is left out and the page says so. */
export const maxReportTickets = 50_000;

/** The business hours of ended intervals, kept between reports (compute.ts, `HoursMemo`). */
const hoursMemo = new HoursMemo();

/** The business calendar of each office (its own, the stored default, or the built-in one). */
export async function loadCalendars(): Promise<(office: string) => BusinessCalendar> {
  const calendars = await SlaCalendarModel.find({}).lean<SlaCalendarData[]>();
  return (office) => calendarForOffice(calendars, office);
}

export interface ReportDataset {
  facts: TicketFacts[];
  backlog: BacklogItem[];
  /** When the backlog was taken: the end of the period, or now if it has not ended. */
  backlogAt: Date;
  truncated: boolean;
}

function matches(place: ReportPlace, f: Pick<ReportFilters, 'office' | 'tier' | 'team'>): boolean {
  return (!f.office || place.office === f.office) && (!f.tier || place.tier === f.tier) && (!f.team || place.team === f.team);
}

type Loaded = ReportTicket & { updatedAt: Date; version: number; raw: RawTicket };

/** A ticket of a report's cohort: its fields and its events. */
interface CohortTicket {
  ticket: ReportTicket & { version: number };
  events: ReportEvent[];
}

interface Cohort {
  tickets: CohortTicket[];
  truncated: boolean;
}

/** How a report finds the tickets created in its period (see the top of this file). */
export type ReportSource = 'days' | 'tickets';

/** Reads tickets by `_id` and keeps those the actor may see in a report. */
async function readTickets(actor: StaffActor, ids: readonly Types.ObjectId[]): Promise<Loaded[]> {
  const admin = hasRole(actor, 'administrator');
  const raws = await readReportTickets(ids);
  return raws.filter((t) => admin || inWorkScope(actor, t as never)).map((t) => ({ ...toReportTicket(t), raw: t }));
}

/** The cohort in creation order (the keys' order among tickets created at the same instant), cut at the limit. */
function cohortOf<T extends { ticket: ReportTicket }>(tickets: T[], from: Date, to: Date): { tickets: T[]; truncated: boolean } {
  const within = tickets
    .filter((t) => t.ticket.createdAt.getTime() >= from.getTime() && t.ticket.createdAt.getTime() < to.getTime())
    .sort((a, b) => a.ticket.createdAt.getTime() - b.ticket.createdAt.getTime());
  return { tickets: within.slice(0, maxReportTickets), truncated: within.length > maxReportTickets };
}

/** The tickets created in a period in these offices: the day documents (day-facts.ts). */
async function createdInDays(actor: StaffActor, offices: readonly string[], from: Date, to: Date): Promise<Cohort> {
  const admin = hasRole(actor, 'administrator');
  const wanted = new Set(offices);
  const seen = new Set<string>();
  const readable = (await ticketsOfDays(offices, from, new Date(to.getTime() - 1))).filter(
    (t) => wanted.has(t.ticket.office) && !seen.has(t.ticket.id) && Boolean(seen.add(t.ticket.id)) && (admin || inWorkScope(actor, t.access as never)),
  );
  return cohortOf(readable, from, to);
}

/** The tickets created in a period in these offices: the day keys, then each ticket and its events by `_id`. */
async function createdInTickets(actor: StaffActor, offices: readonly string[], from: Date, to: Date): Promise<Cohort> {
  const last = new Date(to.getTime() - 1);
  const keyed = (await Promise.all(offices.map((office) => ticketIdsOfDays({ kind: 'created', office }, from, last)))).flat();
  // A ticket moved to another office has a created key in each: it is read (and counted) once.
  const ids = [...new Map(keyed.map((id) => [String(id), id])).values()];
  const wanted = new Set(offices);
  const cohort = cohortOf(
    (await readTickets(actor, ids)).filter((t) => wanted.has(t.office)).map((t) => ({ ticket: t, raw: t.raw })),
    from,
    to,
  );
  const events = await eventsOf(cohort.tickets.map((t) => t.raw));
  return { tickets: cohort.tickets.map((t) => ({ ticket: t.ticket, events: events.get(t.ticket.id) ?? [] })), truncated: cohort.truncated };
}

/**
 * The tickets open at `at` (the end of a period) with where they were then. Open at `at` means
 * created before it and not done then: such a ticket is open now (the working set), or was done
 * since `at` (the keys of the days since). Filters apply to where each ticket was at `at`, in the caller.
 */
async function loadBacklog(actor: StaffActor, at: Date, now: Date, known: Map<string, ReportEvent[]>): Promise<{ items: BacklogItem[]; truncated: boolean }> {
  const admin = hasRole(actor, 'administrator');
  const working = admin
    ? await workingSet.all()
    : (await workingSet.select({ openOnly: false, places: workPlaces(actor) })).filter((t) => inWorkScope(actor, t));
  if (at.getTime() >= now.getTime()) {
    const open = working.filter((t) => isOpenStatus(t.status)).map((t) => toReportTicket(t as unknown as RawTicket));
    return { items: backlogAt(open, () => undefined, now).slice(0, maxReportTickets), truncated: open.length > maxReportTickets };
  }
  // The tickets done since (done-days.ts keeps those of ended days), in the reader's scope; the working set's copy wins.
  const seen = new Set(working.map((t) => String(t._id)));
  const done = (await doneTicketsSince(at, now)).filter((d) => !seen.has(String(d.raw._id)) && (admin || inWorkScope(actor, d.raw as never)));
  const doneEvents = new Map(done.map((d) => [String(d.raw._id), d.events]));
  const candidates: Loaded[] = [
    ...working.map((t) => ({ ...toReportTicket(t as unknown as RawTicket), raw: t as unknown as RawTicket })),
    ...done.map((d) => ({ ...toReportTicket(d.raw), raw: d.raw })),
  ].filter((t) => t.createdAt.getTime() < at.getTime());
  const events = await eventsOf(candidates.filter((t) => !known.has(t.id) && !doneEvents.has(t.id)).map((t) => t.raw));
  const items = candidates.flatMap((t) => {
    const place = placeAt(t, known.get(t.id) ?? doneEvents.get(t.id) ?? events.get(t.id) ?? [], at);
    return place && isOpenStatus(place.status) ? [{ id: t.id, place }] : [];
  });
  return { items: items.slice(0, maxReportTickets), truncated: items.length > maxReportTickets };
}

/**
 * Everything one or more reports (the two sides of a comparison) are computed from, each side's
 * tickets found the same way (`source`: the day documents, or the reference read of every ticket).
 */
export async function loadReports(actor: StaffActor, list: readonly ReportFilters[], now: Date, source: ReportSource = 'days'): Promise<ReportDataset[]> {
  const allOffices = (await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => String(o._id));
  const createdIn = source === 'days' ? createdInDays : createdInTickets;
  const [calendarOf, ...cohorts] = await Promise.all([
    loadCalendars(),
    ...list.map((f) => createdIn(actor, f.office ? [f.office] : allOffices, f.period.from, f.period.to)),
  ]);
  const events = new Map(cohorts.flatMap((c) => c.tickets.map((t) => [t.ticket.id, t.events] as const)));
  const ctx = { calendarOf, now, memo: hoursMemo };
  // One backlog per distinct end of period (the two sides of an office comparison share theirs).
  const ends = list.map((f) => new Date(Math.min(f.period.to.getTime(), now.getTime())));
  const backlogs = new Map<number, { items: BacklogItem[]; truncated: boolean }>();
  for (const end of ends) if (!backlogs.has(end.getTime())) backlogs.set(end.getTime(), await loadBacklog(actor, end, now, events));
  return list.map((f, i) => {
    const cohort = cohorts[i] ?? { tickets: [], truncated: false };
    const end = ends[i] ?? now;
    const backlog = backlogs.get(end.getTime()) ?? { items: [], truncated: false };
    return {
      facts: visiting(
        cohort.tickets.map((t) => ticketFacts(t.ticket, t.events, ctx)),
        f,
      ),
      backlog: backlog.items.filter((b) => matches(b.place, f)),
      backlogAt: end,
      truncated: cohort.truncated || backlog.truncated,
    };
  });
}

/** Everything one report is computed from. */
export async function loadReport(actor: StaffActor, filters: ReportFilters, now: Date, source: ReportSource = 'days'): Promise<ReportDataset> {
  const [data] = await loadReports(actor, [filters], now, source);
  if (!data) throw new Error('no report');
  return data;
}

/**
 * Folds, ahead of the first views, the day documents the default report and comparison read: every
 * office, from the day before the start of last month (a month begins in Brussels an hour or two
 * before UTC), a week at a time from the most recent, while the instance has room to keep them
 * decoded (day-facts.ts). Returns how many tickets.
 */
export async function warmReportDays(now = new Date()): Promise<number> {
  const offices = (await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => String(o._id));
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 0));
  const week = 7 * 24 * 3_600_000;
  let tickets = 0;
  for (let end = now.getTime(); end >= from.getTime() && roomToRemember(); end -= week) {
    const start = new Date(Math.max(from.getTime(), end - week + 24 * 3_600_000));
    tickets += (await ticketsOfDays(offices, start, new Date(end))).length;
  }
  return tickets;
}
