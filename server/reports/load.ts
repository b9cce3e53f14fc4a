/**
 * Reads what a report needs without asking the database "which tickets…?" (FerretDB has no
 * `$lookup` and pushes down only `_id` filters): the tickets created in the period are found through
 * the day keys (`ticket_days`, ticket.keys.ts) and read by `_id`; what happened to each is its
 * `trail` (each event in brief, kept on the ticket by the journal), or for tickets older than the trail
 * its events read by `_id` (ticket-source.ts); the tickets open at the end of the period come from the
 * working set and the keys of the days they were done. compute.ts does the rest.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { calendarForOffice, SlaCalendarModel, type SlaCalendarData } from '../sla/calendar.model.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { readByIds } from '../db/point-reads.js';
import { TicketModel } from '../tickets/ticket.model.js';
import { isOpenStatus } from '../tickets/ticket.vocabulary.js';
import { hasRole } from '../auth/actor.js';
import { OfficeModel } from '../offices/office.model.js';
import { ticketIdsOfDays } from '../tickets/ticket.keys.js';
import { canRead } from '../tickets/ticket.policy.js';
import { workingSet } from '../tickets/working-set.js';
import { backlogAt, placeAt, ticketFacts, visiting, type BacklogItem, type ReportEvent, type ReportPlace, type ReportTicket, type TicketFacts } from './compute.js';
import type { ReportFilters } from './period.js';
import { eventsOf, ticketProjection, toReportTicket, type RawTicket } from './ticket-source.js';

/** Beyond this many tickets in one report, the rest is left out and the page says so. */
export const maxReportTickets = 50_000;

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

/** Reads tickets by `_id` and keeps those the actor may see in a report. */
async function readTickets(actor: StaffActor, ids: readonly Types.ObjectId[]): Promise<Loaded[]> {
  const admin = hasRole(actor, 'administrator');
  const raws = await readByIds(ids, (id) => TicketModel.collection.findOne({ _id: id as Types.ObjectId }, { projection: ticketProjection }) as Promise<RawTicket | null>, 32);
  return raws.filter((t) => admin || canRead(actor, t as never)).map((t) => ({ ...toReportTicket(t), raw: t }));
}

/** The tickets created in a period in these offices, through the day keys. */
async function createdIn(actor: StaffActor, offices: readonly string[], from: Date, to: Date): Promise<{ tickets: Loaded[]; truncated: boolean }> {
  const last = new Date(to.getTime() - 1);
  const keyed = (await Promise.all(offices.map((office) => ticketIdsOfDays({ kind: 'created', office }, from, last)))).flat();
  // A ticket moved to another office has a created key in each: it is read (and counted) once.
  const ids = [...new Map(keyed.map((id) => [String(id), id])).values()];
  const wanted = new Set(offices);
  const tickets = (await readTickets(actor, ids))
    .filter((t) => t.createdAt.getTime() >= from.getTime() && t.createdAt.getTime() < to.getTime() && wanted.has(t.office))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return { tickets: tickets.slice(0, maxReportTickets), truncated: tickets.length > maxReportTickets };
}

/**
 * The tickets open at `at` (the end of a period) with where they were then. Open at `at` means
 * created before it and not done then: such a ticket is open now (the working set), or was done
 * since `at` (the keys of the days since). Filters apply to where each ticket was at `at`, in the caller.
 */
async function loadBacklog(actor: StaffActor, at: Date, now: Date, known: Map<string, ReportEvent[]>): Promise<{ items: BacklogItem[]; truncated: boolean }> {
  const admin = hasRole(actor, 'administrator');
  const working = (await workingSet.all()).filter((t) => admin || canRead(actor, t));
  if (at.getTime() >= now.getTime()) {
    const open = working.filter((t) => isOpenStatus(t.status)).map((t) => toReportTicket(t as unknown as RawTicket));
    return { items: backlogAt(open, () => undefined, now).slice(0, maxReportTickets), truncated: open.length > maxReportTickets };
  }
  const doneSince = await ticketIdsOfDays({ kind: 'done' }, at, now);
  const seen = new Set(working.map((t) => String(t._id)));
  const candidates: Loaded[] = [
    ...working.map((t) => ({ ...toReportTicket(t as unknown as RawTicket), raw: t as unknown as RawTicket })),
    ...(await readTickets(actor, doneSince.filter((id) => !seen.has(String(id))))),
  ].filter((t) => t.createdAt.getTime() < at.getTime());
  const events = await eventsOf(candidates.filter((t) => !known.has(t.id)).map((t) => t.raw));
  const items = candidates.flatMap((t) => {
    const place = placeAt(t, known.get(t.id) ?? events.get(t.id) ?? [], at);
    return place && isOpenStatus(place.status) ? [{ id: t.id, place }] : [];
  });
  return { items: items.slice(0, maxReportTickets), truncated: items.length > maxReportTickets };
}

/**
 * Everything one or more reports (the two sides of a comparison) are computed from,
 * reading each ticket once for all of them.
 */
export async function loadReports(actor: StaffActor, list: readonly ReportFilters[], now: Date): Promise<ReportDataset[]> {
  const allOffices = (await OfficeModel.find({}, { _id: 1 }).lean()).map((o) => String(o._id));
  const cohorts: Array<{ tickets: Loaded[]; truncated: boolean }> = [];
  for (const f of list) cohorts.push(await createdIn(actor, f.office ? [f.office] : allOffices, f.period.from, f.period.to));
  const unique = new Map(cohorts.flatMap((c) => c.tickets.map((t) => [t.id, t] as const)));
  const [events, calendarOf] = await Promise.all([eventsOf([...unique.values()].map((t) => t.raw)), loadCalendars()]);
  const ctx = { calendarOf, now };
  // One backlog per distinct end of period (the two sides of an office comparison share theirs).
  const ends = list.map((f) => new Date(Math.min(f.period.to.getTime(), now.getTime())));
  const backlogs = new Map<number, { items: BacklogItem[]; truncated: boolean }>();
  for (const end of ends) if (!backlogs.has(end.getTime())) backlogs.set(end.getTime(), await loadBacklog(actor, end, now, events));
  return list.map((f, i) => {
    const cohort = cohorts[i] ?? { tickets: [], truncated: false };
    const end = ends[i] ?? now;
    const backlog = backlogs.get(end.getTime()) ?? { items: [], truncated: false };
    return {
      facts: visiting(cohort.tickets.map((t) => ticketFacts(t, events.get(t.id) ?? [], ctx)), f),
      backlog: backlog.items.filter((b) => matches(b.place, f)),
      backlogAt: end,
      truncated: cohort.truncated || backlog.truncated,
    };
  });
}

/** Everything one report is computed from. */
export async function loadReport(actor: StaffActor, filters: ReportFilters, now: Date): Promise<ReportDataset> {
  const [data] = await loadReports(actor, [filters], now);
  if (!data) throw new Error('no report');
  return data;
}
