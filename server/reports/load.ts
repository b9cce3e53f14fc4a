/**
 * Reads what a report needs (FerretDB has no `$lookup` and pushes down only `_id`
 * filters, so nothing is aggregated in the database): the tickets created in the
 * period, with a projection; their journal events, each read by `_id` without the
 * heavy parts (`patch`, `writes`); the tickets open at the end of the period; the
 * business calendars. compute.ts does the rest.
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { calendarForOffice, SlaCalendarModel, type SlaCalendarData } from '../sla/calendar.model.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { TicketEventModel, eventId } from '../tickets/ticket-event.model.js';
import { readByIds } from '../db/point-reads.js';
import { TicketModel } from '../tickets/ticket.model.js';
import { reportScope } from './access.js';
import { isOpenStatus, openStatuses } from '../tickets/ticket.vocabulary.js';
import { backlogAt, placeAt, ticketFacts, visiting, type BacklogItem, type ReportEvent, type ReportPlace, type ReportTicket, type TicketFacts } from './compute.js';
import type { ReportFilters } from './period.js';

/** Beyond this many tickets in one report, the rest is left out and the page says so. */
export const maxReportTickets = 50_000;

const ticketProjection = {
  version: 1, number: 1, office: 1, tier: 1, team: 1, status: 1, createdAt: 1, updatedAt: 1,
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

async function findTickets(query: Record<string, unknown>, limit: number): Promise<{ tickets: Array<ReportTicket & { updatedAt: Date; version: number }>; truncated: boolean }> {
  const tickets: Array<ReportTicket & { updatedAt: Date; version: number }> = [];
  const cursor = TicketModel.find(query, ticketProjection).sort({ createdAt: 1 }).lean<RawTicket[]>().cursor({ batchSize: 500 });
  let truncated = false;
  for await (const raw of cursor) {
    if (tickets.length >= limit) {
      truncated = true;
      break;
    }
    tickets.push(toReportTicket(raw as unknown as RawTicket));
  }
  await cursor.close();
  return { tickets, truncated };
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

function and(...parts: Record<string, unknown>[]): Record<string, unknown> {
  const kept = parts.filter((p) => Object.keys(p).length > 0);
  return kept.length === 0 ? {} : { $and: kept };
}

function matches(place: ReportPlace, f: Pick<ReportFilters, 'office' | 'tier' | 'team'>): boolean {
  return (!f.office || place.office === f.office) && (!f.tier || place.tier === f.tier) && (!f.team || place.team === f.team);
}

/**
 * The open tickets at `at` (the end of a period) with where they were then: those open
 * now and created before `at`, plus those changed since `at` (their events say whether
 * they were open then). With `at` = now, just the tickets open now. Filters apply to
 * where each ticket was at `at`, in the caller.
 */
async function loadBacklog(scope: Record<string, unknown>, at: Date, now: Date, known: Map<string, ReportEvent[]>): Promise<{ items: BacklogItem[]; truncated: boolean }> {
  if (at.getTime() >= now.getTime()) {
    const { tickets, truncated } = await findTickets(and(scope, { status: { $in: openStatuses } }), maxReportTickets);
    return { items: backlogAt(tickets, () => undefined, now), truncated };
  }
  const { tickets, truncated } = await findTickets(
    and(scope, { createdAt: { $lt: at } }, { $or: [{ status: { $in: openStatuses } }, { updatedAt: { $gte: at } }] }),
    maxReportTickets,
  );
  const changed = (t: { updatedAt: Date }) => t.updatedAt.getTime() >= at.getTime();
  const missing = tickets.filter((t) => changed(t) && !known.has(t.id));
  const loaded = missing.length > 0 ? await loadEvents(missing) : new Map<string, ReportEvent[]>();
  // Tickets unchanged since `at` are where they are now (no events needed).
  return {
    items: tickets.flatMap((t) => {
      const place = placeAt(t, changed(t) ? (known.get(t.id) ?? loaded.get(t.id) ?? []) : undefined, at);
      return place && isOpenStatus(place.status) ? [{ id: t.id, place }] : [];
    }),
    truncated,
  };
}

/**
 * Everything one or more reports (the two sides of a comparison) are computed from,
 * reading the journal once for all of them.
 */
export async function loadReports(actor: StaffActor, list: readonly ReportFilters[], now: Date): Promise<ReportDataset[]> {
  const scope = reportScope(actor);
  const cohorts: Array<Awaited<ReturnType<typeof findTickets>>> = [];
  for (const f of list) {
    const office = f.office ? { office: new Types.ObjectId(f.office) } : {};
    cohorts.push(await findTickets(and(scope, office, { createdAt: { $gte: f.period.from, $lt: f.period.to } }), maxReportTickets));
  }
  const unique = new Map(cohorts.flatMap((c) => c.tickets.map((t) => [t.id, t] as const)));
  const [events, calendarOf] = await Promise.all([loadEvents([...unique.values()]), loadCalendars()]);
  const ctx = { calendarOf, now };
  // One backlog per distinct end of period (the two sides of an office comparison share theirs).
  const ends = list.map((f) => new Date(Math.min(f.period.to.getTime(), now.getTime())));
  const backlogs = new Map<number, { items: BacklogItem[]; truncated: boolean }>();
  for (const end of ends) if (!backlogs.has(end.getTime())) backlogs.set(end.getTime(), await loadBacklog(scope, end, now, events));
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
