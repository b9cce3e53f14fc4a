/**
 * What one ticket contributes to the reports, worked out once from the ticket and its journal
 * events: durations in business hours of its office's calendar, escalations, bounces, time at each
 * tier and team, and whether it was done — resolved or closed, but not thrown out as spam (a ticket
 * closed as spam is junk, not an answered request: counted apart, never as a resolution).
 */
import { businessMinutesBetween, type BusinessCalendar } from '../sla/calendar.js';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';

export const reportTiers = [1, 2, 3] as const;

/** Whether a status ends the work (resolved or closed), spam or not. */
export const isDone = (status: string): boolean => status === 'resolved' || status === 'closed';

/** The journal event that closes a ticket as spam (tickets/ticket.spam.ts). */
export const spamEventType = 'marked_spam';

/** A move into resolved or closed that is a real resolution: not from done to done, not a spam closing. */
export function isResolution(e: Pick<ReportEvent, 'type' | 'from' | 'to'>): boolean {
  return isDone(e.to.status) && !(e.from && isDone(e.from.status)) && e.type !== spamEventType;
}

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
  /** Null when open, and when it was closed as spam (`spam`): junk is not a resolution. */
  resolutionHours: number | null;
  /** When it was resolved (or closed), while it still is; null for spam. */
  doneAt: Date | null;
  /** Closed as spam, and still closed. */
  spam: boolean;
  escalations: number;
  /** Escalations sent back down (each counted once). */
  bounces: number;
  reassignments: number;
  /** Business hours spent at each tier and team while open (a tier visited only resolved counts 0). */
  tierHours: Map<number, number>;
  teamHours: Map<string, number>;
  /** Where it was when last resolved or closed (null while open, and for spam). */
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

export function currentPlace(t: ReportTicket): ReportPlace {
  return { tier: t.tier, team: t.team, office: t.office, status: t.status };
}

/** The facts of one ticket from its events (sorted here by seq). */
export function ticketFacts(ticket: ReportTicket, events: readonly ReportEvent[], ctx: ReportContext): TicketFacts {
  const cal = ctx.calendarOf(ticket.office);
  // Intervals running until now are worked out each time; the others may be remembered.
  const hoursTo = (a: Date, b: Date): number => (ctx.memo && b !== ctx.now ? ctx.memo.between(a, b, cal) : hoursBetween(a, b, cal));
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const lastDone = sorted.filter((e) => isDone(e.to.status)).at(-1);
  const spam = isDone(ticket.status) && lastDone?.type === spamEventType;
  const done = isDone(ticket.status) && !spam;
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

  return {
    ticket,
    events: sorted,
    firstResponseHours: ticket.firstResponseAt ? hoursTo(ticket.createdAt, ticket.firstResponseAt) : null,
    resolutionHours: doneAt ? hoursTo(ticket.createdAt, doneAt) : null,
    doneAt,
    spam,
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
