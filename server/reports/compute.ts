/**
 * The supervisors' report figures, as pure functions over plain arrays: tickets,
 * their journal events and business calendars in, numbers out. Nothing here reads
 * the database (that is load.ts), so every figure is checked in
 * test/unit/reports.compute.test.ts against tickets counted by hand.
 *
 * The population is a cohort: the tickets created in the period, followed up to
 * now (a ticket created on the last day and answered the next morning counts with
 * its answer). Durations are business hours in the calendar of the ticket's office.
 * The backlog is the exception: it is a stock, the tickets open at the end of the
 * period whatever their creation date (see `backlogAt`).
 */
import { businessMinutesBetween, type BusinessCalendar } from '../sla/calendar.js';
import { mean, ratio, spread, type Spread } from './stats.js';
import { isOpenStatus } from '../tickets/ticket.vocabulary.js';

export const reportTiers = [1, 2, 3] as const;
export { deadlineKinds as slaKinds, type DeadlineKind as SlaKind } from '../sla/sla.vocabulary.js';
import { deadlineKinds as slaKinds, type DeadlineKind as SlaKind } from '../sla/sla.vocabulary.js';

const isDone = (status: string): boolean => status === 'resolved' || status === 'closed';

/** Where a ticket is: a journal event's `from`/`to`, ids as strings. */
export interface ReportPlace {
  tier: number;
  team: string;
  office: string;
  status: string;
}

export interface ReportEvent {
  ticket: string;
  seq: number;
  type: string;
  at: Date;
  from: ReportPlace | null;
  to: ReportPlace;
  /** `returned` events: the escalation sent back (null when none was open). */
  escalation: string | null;
}

/**
 * One SLA deadline as stored on the ticket (server/tickets/ticket-sla.ts: kind, state, due,
 * breached): met in time is `state: 'met'` and not breached; `stopped` (no longer
 * applicable, never met nor missed) is not counted. `metAt` is read when present.
 */
export interface ReportDeadline {
  kind: string;
  breached: boolean;
  metAt: Date | null;
  state?: string;
}

export interface ReportRating {
  score: number;
  tier: number;
  team: string;
  office: string;
}

export interface ReportTicket {
  id: string;
  number: string;
  office: string;
  tier: number;
  team: string;
  status: string;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  rating: ReportRating | null;
  /** The SLA deadlines; null when the ticket carries no SLA data. */
  deadlines: ReportDeadline[] | null;
}

export interface ReportContext {
  calendarOf(office: string): BusinessCalendar;
  /** Intervals still running (an open ticket's current tier) are counted up to here. */
  now: Date;
  /** Remembers the business hours of intervals that end before now (optional: a cache, see `HoursMemo`). */
  memo?: HoursMemo;
}

/** What one ticket contributes to the figures, worked out once. */
export interface TicketFacts {
  ticket: ReportTicket;
  /** In journal order. */
  events: ReportEvent[];
  firstResponseHours: number | null;
  resolutionHours: number | null;
  /** When it was resolved (or closed), while it still is. */
  doneAt: Date | null;
  escalations: number;
  /** Escalations sent back down (each counted once). */
  bounces: number;
  reassignments: number;
  /** Business hours spent at each tier and team while open (a tier visited only resolved counts 0). */
  tierHours: Map<number, number>;
  teamHours: Map<string, number>;
  /** Where it was when last resolved or closed (null while open). */
  resolvedPlace: ReportPlace | null;
}

const hoursBetween = (a: Date, b: Date, cal: BusinessCalendar): number => businessMinutesBetween(a, b, cal) / 60;

/**
 * Business hours between two instants, remembered per calendar: the same calendar (compared by its
 * content) and the same two instants always give the same hours, so a report computed again (a CSV
 * after its page, the other side of a comparison) skips the calendar arithmetic for every interval
 * that has ended. Forgets everything beyond `limit` entries.
 */
export class HoursMemo {
  private readonly calendarIds = new WeakMap<BusinessCalendar, number>();
  private readonly contents = new Map<string, number>();
  private readonly hours = new Map<string, number>();

  constructor(private readonly limit = 300_000) {}

  between(a: Date, b: Date, cal: BusinessCalendar): number {
    let id = this.calendarIds.get(cal);
    if (id === undefined) {
      const content = JSON.stringify(cal);
      id = this.contents.get(content) ?? this.contents.size;
      this.contents.set(content, id);
      this.calendarIds.set(cal, id);
    }
    const key = `${id}:${a.getTime()}:${b.getTime()}`;
    const known = this.hours.get(key);
    if (known !== undefined) return known;
    const hours = hoursBetween(a, b, cal);
    if (this.hours.size >= this.limit) this.hours.clear();
    this.hours.set(key, hours);
    return hours;
  }
}

function currentPlace(t: ReportTicket): ReportPlace {
  return { tier: t.tier, team: t.team, office: t.office, status: t.status };
}

/** The facts of one ticket from its events (sorted here by seq). */
export function ticketFacts(ticket: ReportTicket, events: readonly ReportEvent[], ctx: ReportContext): TicketFacts {
  const cal = ctx.calendarOf(ticket.office);
  // Intervals running until now are worked out each time; the others may be remembered.
  const hoursTo = (a: Date, b: Date): number => (ctx.memo && b !== ctx.now ? ctx.memo.between(a, b, cal) : hoursBetween(a, b, cal));
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const done = isDone(ticket.status);
  const doneAt = done ? (ticket.resolvedAt ?? ticket.closedAt) : null;

  // Time at each place: from the event that put the ticket there to the next event.
  const spans: Array<[ReportPlace, Date]> = sorted.length > 0 ? sorted.map((e) => [e.to, e.at]) : [[currentPlace(ticket), ticket.createdAt]];
  const tierHours = new Map<number, number>();
  const teamHours = new Map<string, number>();
  spans.forEach(([place, start], i) => {
    const end = spans[i + 1]?.[1] ?? ctx.now;
    const hours = isOpenStatus(place.status) ? hoursTo(start, end) : 0;
    tierHours.set(place.tier, (tierHours.get(place.tier) ?? 0) + hours);
    teamHours.set(place.team, (teamHours.get(place.team) ?? 0) + hours);
  });

  const lastDone = sorted.filter((e) => isDone(e.to.status)).at(-1);
  return {
    ticket,
    events: sorted,
    firstResponseHours: ticket.firstResponseAt ? hoursTo(ticket.createdAt, ticket.firstResponseAt) : null,
    resolutionHours: doneAt ? hoursTo(ticket.createdAt, doneAt) : null,
    doneAt,
    escalations: sorted.filter((e) => e.type === 'escalated').length,
    bounces: new Set(sorted.filter((e) => e.type === 'returned' && e.escalation).map((e) => e.escalation)).size,
    reassignments: sorted.filter((e) => e.type === 'reassigned').length,
    tierHours,
    teamHours,
    resolvedPlace: done ? (lastDone?.to ?? currentPlace(ticket)) : null,
  };
}

/** The tickets that passed through a tier and/or team (a filter on the cohort). */
export function visiting(facts: readonly TicketFacts[], filter: { tier?: number | null; team?: string | null }): TicketFacts[] {
  const { tier, team } = filter;
  return facts.filter((f) => (tier === null || tier === undefined || f.tierHours.has(tier)) && (team === null || team === undefined || f.teamHours.has(team)));
}

// ---------- backlog ----------

export interface BacklogItem {
  id: string;
  place: ReportPlace;
}

/**
 * Where a ticket was at instant `at`: the `to` of its last event at or before it.
 * Without events, its current place (the caller knows nothing changed since).
 * null when it did not exist yet.
 */
export function placeAt(ticket: ReportTicket, events: readonly ReportEvent[] | undefined, at: Date): ReportPlace | null {
  if (ticket.createdAt.getTime() > at.getTime()) return null;
  if (!events || events.length === 0) return currentPlace(ticket);
  let place: ReportPlace | null = null;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.at.getTime() > at.getTime()) break;
    place = e.to;
  }
  return place;
}

/** The tickets open (new, open or waiting on the member) at instant `at`, with where they were. */
export function backlogAt(tickets: readonly ReportTicket[], eventsOf: (id: string) => readonly ReportEvent[] | undefined, at: Date): BacklogItem[] {
  const items: BacklogItem[] = [];
  for (const t of tickets) {
    const place = placeAt(t, eventsOf(t.id), at);
    if (place && isOpenStatus(place.status)) items.push({ id: t.id, place });
  }
  return items;
}

// ---------- figures of a group of tickets ----------

export interface SlaTally {
  /** Deadlines met in time. */
  met: number;
  /** Deadlines missed (met late, or overdue now). */
  breached: number;
  /** Still running (or paused), not missed yet: not counted in the rate. */
  pending: number;
  /** met / (met + breached); null when none was decided. */
  rate: number | null;
}

export interface Satisfaction {
  count: number;
  average: number | null;
  /** How many ratings of 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
}

export interface Figures {
  volume: number;
  answered: number;
  resolved: number;
  firstResponse: Spread;
  resolution: Spread;
  /** Per deadline kind; null when no ticket of the group carries SLA data. */
  sla: Record<SlaKind, SlaTally> | null;
  /** Tickets escalated at least once, and their share of the volume. */
  escalated: number;
  escalationRate: number | null;
  escalations: number;
  bounces: number;
  /** Escalations sent back down / escalations. */
  bounceRate: number | null;
  reassignments: number;
  backlog: number;
  satisfaction: Satisfaction;
  /** Business hours at each tier, over the tickets that passed through it. */
  tierTime: Record<(typeof reportTiers)[number], Spread>;
}

export function satisfactionOf(scores: readonly number[]): Satisfaction {
  const counts = [1, 2, 3, 4, 5].map((score) => scores.filter((s) => Math.round(s) === score).length);
  const distribution: Satisfaction['distribution'] = [counts[0] ?? 0, counts[1] ?? 0, counts[2] ?? 0, counts[3] ?? 0, counts[4] ?? 0];
  return { count: scores.length, average: mean(scores), distribution };
}

export function slaTallies(tickets: readonly ReportTicket[]): Record<SlaKind, SlaTally> | null {
  const withSla = tickets.filter((t) => t.deadlines !== null);
  if (withSla.length === 0) return null;
  const tallies = Object.fromEntries(slaKinds.map((k) => [k, { met: 0, breached: 0, pending: 0, rate: null }])) as Record<SlaKind, SlaTally>;
  for (const t of withSla) {
    for (const d of t.deadlines ?? []) {
      const tally = tallies[d.kind as SlaKind] as SlaTally | undefined;
      if (!tally) continue;
      if (d.breached) tally.breached += 1;
      else if (d.state === 'met' || d.metAt) tally.met += 1;
      else if (d.state !== 'stopped') tally.pending += 1;
    }
  }
  for (const tally of Object.values(tallies)) tally.rate = ratio(tally.met, tally.met + tally.breached);
  return tallies;
}

/** Every figure of a group of tickets; `backlog` is counted apart (it is not a cohort figure). */
export function summarize(facts: readonly TicketFacts[], backlog: number): Figures {
  const escalated = facts.filter((f) => f.escalations > 0).length;
  const escalations = facts.reduce((n, f) => n + f.escalations, 0);
  const bounces = facts.reduce((n, f) => n + f.bounces, 0);
  const tierTime = Object.fromEntries(
    reportTiers.map((tier) => [tier, spread(facts.flatMap((f) => (f.tierHours.has(tier) ? [f.tierHours.get(tier) ?? 0] : [])))]),
  ) as Figures['tierTime'];
  return {
    volume: facts.length,
    answered: facts.filter((f) => f.firstResponseHours !== null).length,
    resolved: facts.filter((f) => f.resolutionHours !== null).length,
    firstResponse: spread(facts.flatMap((f) => (f.firstResponseHours === null ? [] : [f.firstResponseHours]))),
    resolution: spread(facts.flatMap((f) => (f.resolutionHours === null ? [] : [f.resolutionHours]))),
    sla: slaTallies(facts.map((f) => f.ticket)),
    escalated,
    escalationRate: ratio(escalated, facts.length),
    escalations,
    bounces,
    bounceRate: ratio(bounces, escalations),
    reassignments: facts.reduce((n, f) => n + f.reassignments, 0),
    backlog,
    satisfaction: satisfactionOf(facts.flatMap((f) => (f.ticket.rating ? [f.ticket.rating.score] : []))),
    tierTime,
  };
}

export interface OfficeRow {
  office: string;
  figures: Figures;
}

/** One row per office (the ticket's office; for the backlog, where it was at the end), plus the total. */
export function byOffice(facts: readonly TicketFacts[], backlog: readonly BacklogItem[]): { rows: OfficeRow[]; total: Figures } {
  const offices = new Set<string>([...facts.map((f) => f.ticket.office), ...backlog.map((b) => b.place.office)]);
  const rows = [...offices].map((office) => ({
    office,
    figures: summarize(
      facts.filter((f) => f.ticket.office === office),
      backlog.filter((b) => b.place.office === office).length,
    ),
  }));
  return { rows, total: summarize(facts, backlog.length) };
}

// ---------- per tier, per team ----------

export type Dimension = 'tier' | 'team';

export interface PlacementRow {
  /** The tier number as a string, or the team id. */
  key: string;
  /** Tickets that passed through it. */
  tickets: number;
  /** Business hours spent there while open, per ticket that passed through. */
  time: Spread;
  /** Tickets whose (last) resolution happened there. */
  resolvedHere: number;
  /** Tickets escalated out of it at least once, and their share of the tickets that passed through. */
  escalatedOut: number;
  escalationRate: number | null;
  /** Escalations into it, and how many of them were sent back down. */
  escalationsIn: number;
  bounces: number;
  bounceRate: number | null;
  /** Supervisor moves of tickets that were there. */
  reassignedOut: number;
  backlog: number;
  /** Ratings of tickets resolved there. */
  satisfaction: Satisfaction;
}

const keyOf = (place: { tier: number; team: string }, dimension: Dimension): string => (dimension === 'tier' ? String(place.tier) : place.team);

/** One row per tier (always 1, 2 and 3) or per team that appears in the tickets or the backlog. */
export function byPlacement(facts: readonly TicketFacts[], backlog: readonly BacklogItem[], dimension: Dimension): PlacementRow[] {
  const keys = new Set<string>(dimension === 'tier' ? reportTiers.map(String) : []);
  for (const f of facts) for (const k of dimension === 'tier' ? [...f.tierHours.keys()].map(String) : f.teamHours.keys()) keys.add(k);
  for (const b of backlog) keys.add(keyOf(b.place, dimension));
  const hoursAt = (f: TicketFacts, key: string): number | undefined => (dimension === 'tier' ? f.tierHours.get(Number(key)) : f.teamHours.get(key));
  const events = facts.flatMap((f) => f.events);
  return [...keys].map((key) => {
    const here = facts.filter((f) => hoursAt(f, key) !== undefined);
    const escalatedOut = here.filter((f) => f.events.some((e) => e.type === 'escalated' && e.from && keyOf(e.from, dimension) === key)).length;
    const escalationsIn = events.filter((e) => e.type === 'escalated' && keyOf(e.to, dimension) === key).length;
    const bounces = new Set(events.filter((e) => e.type === 'returned' && e.escalation && e.from && keyOf(e.from, dimension) === key).map((e) => e.escalation))
      .size;
    return {
      key,
      tickets: here.length,
      time: spread(here.map((f) => hoursAt(f, key) ?? 0)),
      resolvedHere: facts.filter((f) => f.resolvedPlace && keyOf(f.resolvedPlace, dimension) === key).length,
      escalatedOut,
      escalationRate: ratio(escalatedOut, here.length),
      escalationsIn,
      bounces,
      bounceRate: ratio(bounces, escalationsIn),
      reassignedOut: events.filter((e) => e.type === 'reassigned' && e.from && keyOf(e.from, dimension) === key).length,
      backlog: backlog.filter((b) => keyOf(b.place, dimension) === key).length,
      satisfaction: satisfactionOf(facts.flatMap((f) => (f.ticket.rating && keyOf(f.ticket.rating, dimension) === key ? [f.ticket.rating.score] : []))),
    };
  });
}

// ---------- over time ----------

export interface Bucket {
  /** Local date of its first day, `YYYY-MM-DD`. */
  key: string;
  start: Date;
  end: Date;
}

export interface PeriodRow {
  key: string;
  created: number;
  /** Resolutions (moves to resolved or closed) of the cohort's tickets during the bucket, kept even if reopened later. */
  resolved: number;
  /** Escalations of the cohort's tickets during the bucket. */
  escalations: number;
  /** Of the tickets created during the bucket. */
  firstResponse: Spread;
  resolution: Spread;
}

const within = (at: Date | null, b: Bucket): boolean => at !== null && at.getTime() >= b.start.getTime() && at.getTime() < b.end.getTime();

export function byPeriod(facts: readonly TicketFacts[], buckets: readonly Bucket[]): PeriodRow[] {
  return buckets.map((b) => {
    const created = facts.filter((f) => within(f.ticket.createdAt, b));
    return {
      key: b.key,
      created: created.length,
      resolved: facts.reduce((n, f) => n + f.events.filter((e) => isDone(e.to.status) && !(e.from && isDone(e.from.status)) && within(e.at, b)).length, 0),
      escalations: facts.reduce((n, f) => n + f.events.filter((e) => e.type === 'escalated' && within(e.at, b)).length, 0),
      firstResponse: spread(created.flatMap((f) => (f.firstResponseHours === null ? [] : [f.firstResponseHours]))),
      resolution: spread(created.flatMap((f) => (f.resolutionHours === null ? [] : [f.resolutionHours]))),
    };
  });
}
