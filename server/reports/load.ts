/**
 * Reads what a report needs without asking the database "which tickets…?" (FerretDB has no
 * `$lookup` and pushes down only `_id` filters): the tickets created in the period are found through
 * the day keys (`ticket_days`, ticket.keys.ts) and read by `_id`; what happened to each is its
 * `trail` (each event in brief, kept on the ticket by the journal), or for tickets older than the trail
 * its events read by `_id`; the tickets open at the end of the period come from the working set and
 * the keys of the days they were done. compute.ts does the rest.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { calendarForOffice, SlaCalendarModel, type SlaCalendarData } from '../sla/calendar.model.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { TicketEventModel, eventId } from '../tickets/ticket-event.model.js';
import { readByIds } from '../db/point-reads.js';
import { TicketModel, type TrailEntry } from '../tickets/ticket.model.js';
import { isOpenStatus } from '../tickets/ticket.vocabulary.js';
import { hasRole } from '../auth/actor.js';
import { OfficeModel } from '../offices/office.model.js';
import { ticketIdsOfDays } from '../tickets/ticket.keys.js';
import { canRead } from '../tickets/ticket.policy.js';
import { workingSet } from '../tickets/working-set.js';
import { backlogAt, placeAt, ticketFacts, visiting, type BacklogItem, type ReportEvent, type ReportPlace, type ReportTicket, type TicketFacts } from './compute.js';
import type { ReportFilters } from './period.js';

/** Beyond this many tickets in one report, the rest is left out and the page says so. */
export const maxReportTickets = 50_000;

const ticketProjection = {
  version: 1, trail: 1, assignee: 1, member: 1, number: 1, office: 1, tier: 1, team: 1, status: 1, createdAt: 1, updatedAt: 1,
  firstResponseAt: 1, resolvedAt: 1, closedAt: 1, rating: 1, 'sla.deadlines': 1,
} as const;

interface RawPlace {
  tier?: number;
  team?: Types.ObjectId | null;
  office?: Types.ObjectId | null;
  status?: string;
}

interface RawTicket {
  _id: Types.ObjectId;
  version: number;
  trail?: TrailEntry[];
  assignee?: Types.ObjectId | null;
  member: Types.ObjectId;
  number: string;
  office: Types.ObjectId;
  tier: number;
  team: Types.ObjectId;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt?: Date | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  rating?: { score: number; tier: number; team: Types.ObjectId; office: Types.ObjectId } | null;
  /** Set by the SLA engine once it is wired in; read only when present. */
  sla?: { deadlines?: Array<{ kind?: string; breached?: boolean; metAt?: Date | null; state?: string }> } | null;
}

interface RawEvent {
  ticket: Types.ObjectId;
  seq: number;
  type: string;
  at: Date;
  from?: RawPlace | null;
  to: RawPlace;
  data?: { escalation?: Types.ObjectId | string | null } | null;
}

function toPlace(p: RawPlace): ReportPlace {
  return { tier: p.tier ?? 1, team: String(p.team ?? ''), office: String(p.office ?? ''), status: p.status ?? 'open' };
}

export function toReportTicket(t: RawTicket): ReportTicket & { updatedAt: Date; version: number } {
  const deadlines = t.sla?.deadlines;
  return {
    id: String(t._id),
    version: t.version ?? 0,
    number: t.number,
    office: String(t.office),
    tier: t.tier,
    team: String(t.team),
    status: t.status,
    createdAt: new Date(t.createdAt),
    updatedAt: new Date(t.updatedAt),
    firstResponseAt: t.firstResponseAt ? new Date(t.firstResponseAt) : null,
    resolvedAt: t.resolvedAt ? new Date(t.resolvedAt) : null,
    closedAt: t.closedAt ? new Date(t.closedAt) : null,
    rating: t.rating ? { score: t.rating.score, tier: t.rating.tier, team: String(t.rating.team), office: String(t.rating.office) } : null,
    deadlines: Array.isArray(deadlines)
      ? deadlines.map((d) => ({ kind: String(d.kind ?? ''), breached: Boolean(d.breached), metAt: d.metAt ? new Date(d.metAt) : null, state: String(d.state ?? '') }))
      : null,
  };
}

function toReportEvent(e: RawEvent): ReportEvent {
  const escalation = e.type === 'returned' && e.data?.escalation ? String(e.data.escalation) : null;
  return { ticket: String(e.ticket), seq: e.seq, type: e.type, at: new Date(e.at), from: e.from ? toPlace(e.from) : null, to: toPlace(e.to), escalation };
}

/**
 * The events of these tickets, grouped by ticket: each read by `_id` (`<ticket>:<seq>` for seq
 * 1…version), never a query on the events collection (which the embedded FerretDB would scan).
 */
export async function loadEvents(tickets: ReadonlyArray<{ id: string; version: number }>): Promise<Map<string, ReportEvent[]>> {
  const ids = tickets.flatMap((t) => Array.from({ length: t.version }, (_, i) => eventId(t.id, i + 1)));
  const events = await readByIds(ids, (id) => TicketEventModel.collection.findOne({ _id: id } as never, { projection: { ticket: 1, seq: 1, type: 1, at: 1, from: 1, to: 1, 'data.escalation': 1, pending: 1 } }) as Promise<(RawEvent & { pending?: boolean }) | null>, 32);
  const byTicket = new Map<string, ReportEvent[]>();
  for (const raw of events) {
    if (raw.pending) continue;
    const e = toReportEvent(raw);
    const list = byTicket.get(e.ticket) ?? [];
    list.push(e);
    byTicket.set(e.ticket, list);
  }
  for (const list of byTicket.values()) list.sort((a, b) => a.seq - b.seq);
  return byTicket;
}

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

function fromTrail(t: RawTicket): ReportEvent[] {
  return (t.trail ?? []).map((e) => ({
    ticket: String(t._id), seq: e.seq, type: e.type, at: new Date(e.at), from: e.from ? toPlace(e.from) : null, to: toPlace(e.to), escalation: e.escalation ? String(e.escalation) : null,
  }));
}

/** Reads tickets by `_id` and keeps those the actor may see in a report. */
async function readTickets(actor: StaffActor, ids: readonly Types.ObjectId[]): Promise<Loaded[]> {
  const admin = hasRole(actor, 'administrator');
  const raws = await readByIds(ids, (id) => TicketModel.collection.findOne({ _id: id as Types.ObjectId }, { projection: ticketProjection }) as Promise<RawTicket | null>, 32);
  return raws.filter((t) => admin || canRead(actor, t as never)).map((t) => ({ ...toReportTicket(t), raw: t }));
}

/** Each ticket's events: its trail, or (tickets older than the trail) its events read by `_id`. */
async function eventsOf(tickets: readonly Loaded[]): Promise<Map<string, ReportEvent[]>> {
  const byTicket = new Map<string, ReportEvent[]>();
  const legacy: Loaded[] = [];
  for (const t of tickets) {
    if (Array.isArray(t.raw.trail)) byTicket.set(t.id, fromTrail(t.raw));
    else legacy.push(t);
  }
  for (const [id, events] of await loadEvents(legacy)) byTicket.set(id, events);
  return byTicket;
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
  const events = await eventsOf(candidates.filter((t) => !known.has(t.id)));
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
  const [events, calendarOf] = await Promise.all([eventsOf([...unique.values()]), loadCalendars()]);
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
