/**
 * What a report reads of a ticket, and how it becomes the plain values compute.ts works on: the
 * ticket's fields (`toReportTicket`) and its events, from its `trail` (each event in brief, kept on
 * the ticket by the journal) or, for tickets written before the trail existed, from its events read
 * by `_id`. Both ways of finding a report's tickets (load.ts, day-facts.ts) convert through here.
 */
import type { Types } from 'mongoose';
import { readByIds } from '../db/point-reads.js';
import { TicketEventModel, eventId } from '../tickets/ticket-event.model.js';
import { TicketModel, trailFrom, type TrailEntry } from '../tickets/ticket.model.js';
import type { ReportEvent, ReportPlace, ReportTicket } from './compute.js';

/** The fields a report reads (a projection for reads by `_id`). */
export const ticketProjection = {
  version: 1,
  trail: 1,
  assignee: 1,
  member: 1,
  number: 1,
  office: 1,
  tier: 1,
  team: 1,
  status: 1,
  createdAt: 1,
  updatedAt: 1,
  firstResponseAt: 1,
  resolvedAt: 1,
  closedAt: 1,
  rating: 1,
  'sla.deadlines': 1,
} as const;

interface RawPlace {
  tier?: number;
  team?: Types.ObjectId | null;
  office?: Types.ObjectId | null;
  status?: string;
}

/** A ticket document as a report reads it (a read by `_id`, or a working-set row). */
export interface RawTicket {
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

/** These tickets as a report reads them, each by `_id` (`ticketProjection`); missing ones are left out. */
export function readReportTickets(ids: readonly Types.ObjectId[]): Promise<RawTicket[]> {
  return readByIds(
    ids,
    (id) => TicketModel.collection.findOne({ _id: id as Types.ObjectId }, { projection: ticketProjection }) as Promise<RawTicket | null>,
    32,
  );
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
      ? deadlines.map((d) => ({
          kind: String(d.kind ?? ''),
          breached: Boolean(d.breached),
          metAt: d.metAt ? new Date(d.metAt) : null,
          state: String(d.state ?? ''),
        }))
      : null,
  };
}

function toReportEvent(e: RawEvent): ReportEvent {
  const escalation = e.type === 'returned' && e.data?.escalation ? String(e.data.escalation) : null;
  return { ticket: String(e.ticket), seq: e.seq, type: e.type, at: new Date(e.at), from: e.from ? toPlace(e.from) : null, to: toPlace(e.to), escalation };
}

/** A ticket's events from its trail (null when it has none: written before the trail existed). */
export function fromTrail(t: Pick<RawTicket, '_id' | 'trail'>): ReportEvent[] | null {
  if (!Array.isArray(t.trail)) return null;
  const trail = t.trail;
  return trail.map((e, i) => {
    const from = trailFrom(trail, i);
    return {
      ticket: String(t._id),
      seq: e.seq,
      type: e.type,
      at: new Date(e.at),
      from: from ? toPlace(from) : null,
      to: toPlace(e.to),
      escalation: e.escalation ? String(e.escalation) : null,
    };
  });
}

/**
 * The events of these tickets, grouped by ticket: each read by `_id` (`<ticket>:<seq>` for seq
 * 1…version), never a query on the events collection (which the embedded FerretDB would scan).
 */
export async function loadEvents(tickets: ReadonlyArray<{ id: string; version: number }>): Promise<Map<string, ReportEvent[]>> {
  const ids = tickets.flatMap((t) => Array.from({ length: t.version }, (_, i) => eventId(t.id, i + 1)));
  const events = await readByIds(
    ids,
    (id) =>
      TicketEventModel.collection.findOne({ _id: id } as never, {
        projection: { ticket: 1, seq: 1, type: 1, at: 1, from: 1, to: 1, 'data.escalation': 1, pending: 1 },
      }) as Promise<(RawEvent & { pending?: boolean }) | null>,
    32,
  );
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

/** Each ticket's events: its trail, or (tickets older than the trail) its events read by `_id`. */
export async function eventsOf(tickets: readonly RawTicket[]): Promise<Map<string, ReportEvent[]>> {
  const byTicket = new Map<string, ReportEvent[]>();
  const legacy: Array<{ id: string; version: number }> = [];
  for (const t of tickets) {
    const events = fromTrail(t);
    if (events) byTicket.set(String(t._id), events);
    else legacy.push({ id: String(t._id), version: t.version ?? 0 });
  }
  for (const [id, events] of await loadEvents(legacy)) byTicket.set(id, events);
  return byTicket;
}
