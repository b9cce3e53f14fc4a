/**
 * The SLA engine: recomputes a ticket's deadlines for the event about to be committed and
 * returns what to store with it (`sla`, `dueAt`). FerretDB loses one of two concurrent updates
 * of the same document, and the ticket document is written only by the journal, so the SLA
 * state is part of each event's patch, never a separate update (ticket.journal.ts).
 *
 * Inputs: the ticket's past events (read by `_id` = `<ticket>:<seq>`, the only filter FerretDB's
 * SQLite storage pushes down, and kept in memory: events never change once written), the active
 * policies and the calendars (small collections, read at most every few seconds per process;
 * `clearSlaCache()` forgets them). No policy matching the ticket means no SLA: `sla` null and
 * `dueAt` NO_DUE_DATE.
 *
 * Alerts: each running deadline has warning times (policy percentages, minutes before) and its
 * breach (warningTimes in deadlines.ts). The one to fire next is, per deadline, the latest time
 * already passed when it was not fired yet (earlier ones are stale: after a stop, only the most
 * recent news is sent), else the first one to come; the earliest over all deadlines wins. Keys
 * are `<kind>:<deadline start>:<label>`, so a recompute finds the same alert. An alert is fired
 * by a journal event carrying its key (`sla_alert`, or an automatic `escalated` with
 * `data.alert.key`), so the journal says which were fired and one is never next again.
 */
import { clearConfigCaches } from '../lib/ttl-cache.js';
import mongoose from 'mongoose';
import type { BusinessCalendar } from './calendar.js';
import { SlaCalendarModel, calendarForOffice, type SlaCalendarData } from './calendar.model.js';
import { computeDeadlines, warningTimes } from './deadlines.js';
import type { Deadline, DeadlineSet, SlaEvent } from './deadline.types.js';
import { SlaPolicyModel, choosePolicy, type SlaPolicyData } from './policy.js';
import type { SlaAlert, TicketSla } from '../tickets/ticket-sla.js';
import { placementOf, registerEnricher, type CommitInput } from '../tickets/ticket.journal.js';
import { NO_DUE_DATE, type Ticket } from '../tickets/ticket.model.js';
import { TicketEventModel, eventId, type EventType, type Placement } from '../tickets/ticket-event.model.js';

/** A change made by an administrator is seen within this time. */
const CONFIG_TTL_MS = 5_000;
/** Tickets whose event facts stay in memory (least recently used go first). */
const EVENT_CACHE_TICKETS = 5_000;

interface SlaConfig {
  policies: SlaPolicyData[];
  calendars: SlaCalendarData[];
}

let configEntry: { db: string; at: number; value: Promise<SlaConfig> } | undefined;
/** A past event as the recompute needs it, with the key of the alert it fired, if any. */
type PastEvent = SlaEvent & { alertKey?: string };
const eventCache = new Map<string, PastEvent[]>();

/** Forgets the policies, calendars and event facts read so far (tests, administration screens). */
export function clearSlaCache(): void {
  configEntry = undefined;
  eventCache.clear();
  // The names pages show (sla-names.ts) are cached with the other configuration lists.
  clearConfigCaches();
}

function slaConfig(): Promise<SlaConfig> {
  // Keyed by database too, so a test file on a fresh database never sees another file's policies.
  const db = mongoose.connection.db?.databaseName ?? '';
  const now = Date.now();
  if (!configEntry || configEntry.db !== db || now - configEntry.at > CONFIG_TTL_MS) {
    const value = Promise.all([SlaPolicyModel.find({ active: true }).lean<SlaPolicyData[]>(), SlaCalendarModel.find({}).lean<SlaCalendarData[]>()]).then(
      ([policies, calendars]) => ({ policies, calendars }),
    );
    const entry = { db, at: now, value };
    configEntry = entry;
    value.catch(() => {
      if (configEntry === entry) configEntry = undefined;
    });
  }
  return configEntry.value;
}

interface StoredEvent {
  type: EventType;
  at: Date;
  from: Placement | null;
  to: Placement;
  data?: { from?: unknown; to?: unknown; key?: unknown; alert?: { key?: unknown } };
}

/** An event the caller has already read whole (any event type: only the SLA facts are taken). */
export type KnownEvent = Omit<StoredEvent, 'data'> & { seq: number; data?: object };

const eventProjection = { type: 1, at: 1, from: 1, to: 1, 'data.from': 1, 'data.to': 1, 'data.key': 1, 'data.alert.key': 1 };

/** The alert an event fired: `sla_alert` carries `data.key`, an automatic escalation `data.alert.key`. */
function firedKeyOf(type: EventType, data: StoredEvent['data'] | undefined): string | undefined {
  const key = type === 'sla_alert' ? data?.key : data?.alert?.key;
  return typeof key === 'string' ? key : undefined;
}

/** Only what the recompute reads: priority and category changes carry `data.from` / `data.to`. */
function slaData(data: StoredEvent['data'] | undefined): SlaEvent['data'] {
  if (!data || !('from' in data || 'to' in data)) return {};
  return { from: data.from, to: data.to };
}

/**
 * Events 1…version of a ticket, as SLA facts, in order; a missing one ends the list. `known` are
 * events the caller has read already (the ticket page reads them all for its thread): they are not
 * read again.
 */
async function pastEvents(ticket: Pick<Ticket, '_id' | 'version'>, known: readonly KnownEvent[] = []): Promise<PastEvent[]> {
  const id = String(ticket._id);
  const cached = eventCache.get(id) ?? [];
  const seqs: number[] = [];
  for (let seq = cached.length + 1; seq <= ticket.version; seq += 1) seqs.push(seq);
  const bySeq = new Map(known.map((e) => [e.seq, e as StoredEvent]));
  const loaded = await Promise.all(
    seqs.map((seq) => bySeq.get(seq) ?? TicketEventModel.collection.findOne<StoredEvent>({ _id: eventId(id, seq) } as never, { projection: eventProjection })),
  );
  const events = [...cached];
  for (const doc of loaded) {
    if (!doc) break;
    const alertKey = firedKeyOf(doc.type, doc.data);
    events.push({ type: doc.type, at: new Date(doc.at), from: doc.from ?? null, to: doc.to, data: slaData(doc.data), ...(alertKey ? { alertKey } : {}) });
  }
  eventCache.delete(id);
  eventCache.set(id, events);
  if (eventCache.size > EVENT_CACHE_TICKETS) {
    const oldest = eventCache.keys().next().value;
    if (oldest !== undefined) eventCache.delete(oldest);
  }
  return events.slice(0, ticket.version);
}

interface Evaluation {
  set: DeadlineSet;
  policy: SlaPolicyData;
  calendar: BusinessCalendar;
}

type SlaState = Pick<Ticket, 'createdAt' | 'status' | 'priority' | 'category' | 'tier' | 'office' | 'team' | 'assignee' | 'firstResponseAt' | 'resolvedAt'>;

async function evaluate(state: SlaState, events: readonly SlaEvent[], now: Date): Promise<Evaluation | null> {
  const { policies, calendars } = await slaConfig();
  const choice = choosePolicy(policies, { category: state.category ?? null, priority: state.priority, tier: state.tier, office: state.office });
  if (!choice) return null;
  const calendar = calendarForOffice(calendars, state.office);
  const set = computeDeadlines({
    ticket: {
      createdAt: new Date(state.createdAt),
      status: state.status,
      priority: state.priority,
      category: state.category ?? null,
      tier: state.tier,
      office: state.office,
      team: state.team,
      assignee: state.assignee ?? null,
      firstResponseAt: state.firstResponseAt ?? null,
      resolvedAt: state.resolvedAt ?? null,
    },
    // None moves the ticket: an alert only reports, a recompute only applies a new calendar or policy,
    // an erasure only removes personal data.
    events: events.filter((e) => e.type !== 'sla_alert' && e.type !== 'sla_recomputed' && e.type !== 'member_erased'),
    policy: choice.policy,
    policyReason: choice.reason,
    calendar,
    now,
    policyFor: (facts) => choosePolicy(policies, facts)?.policy ?? null,
    calendarFor: (office) => calendarForOffice(calendars, office),
  });
  return { set, policy: choice.policy, calendar };
}

interface Candidate {
  at: Date;
  alert: SlaAlert;
  deadline: Deadline;
}

export function alertKey(deadline: Pick<Deadline, 'kind' | 'start'>, label: string): string {
  return `${deadline.kind}:${deadline.start.toISOString()}:${label}`;
}

/** Per running deadline, the alert to fire next (see the header); earliest first. */
function candidates(ev: Evaluation, fired: ReadonlySet<string>, now: Date): Candidate[] {
  const warnings = { percents: ev.policy.warnings?.percents ?? [], minutesBefore: ev.policy.warnings?.minutesBefore ?? [] };
  const list: Candidate[] = [];
  for (const deadline of ev.set.deadlines) {
    const times = warningTimes(deadline, warnings, ev.calendar);
    const past = times.filter((w) => w.at.getTime() <= now.getTime());
    const latest = past[past.length - 1];
    const pick =
      latest && !fired.has(alertKey(deadline, latest.label))
        ? latest
        : times.find((w) => w.at.getTime() > now.getTime() && !fired.has(alertKey(deadline, w.label)));
    if (!pick) continue;
    list.push({
      at: pick.at,
      deadline,
      alert: { key: alertKey(deadline, pick.label), kind: pick.kind, deadline: deadline.kind, label: pick.label, dueAt: deadline.due },
    });
  }
  return list.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The keys of the alerts a history fired, plus `fire` (the alert the pending event fires). */
function firedKeys(events: readonly PastEvent[], fire?: string | null): Set<string> {
  const keys = new Set<string>();
  for (const e of events) if (e.alertKey) keys.add(e.alertKey);
  if (fire) keys.add(fire);
  return keys;
}

function buildSla(ev: Evaluation, fired: ReadonlySet<string>, now: Date): TicketSla {
  const [next] = candidates(ev, fired, now);
  return {
    policy: ev.set.policy.name,
    paused: ev.set.paused,
    deadlines: ev.set.deadlines.map((d) => ({ kind: d.kind, state: d.state, due: d.due, breached: d.breached })),
    nextAlertAt: next?.at ?? null,
  };
}

/** The event about to be committed. */
export interface PendingEvent {
  type: EventType;
  at: Date;
  data?: StoredEvent['data'];
}

export interface SlaPatchInput {
  /** The ticket before the event (for a creation: the new ticket document). */
  ticket: Ticket;
  /** The patch about to be committed with the event. */
  next: Partial<Ticket>;
  event: PendingEvent;
  /** The instant to compute at; default: the event's. */
  now?: Date;
  /** The key of an alert this event fires: recorded in `firedAlerts`. */
  fire?: string | null;
}

export interface SlaPatch {
  sla: TicketSla | null;
  /** The earliest running deadline, or NO_DUE_DATE. */
  dueAt: Date;
}

/** The ticket's SLA state once the pending event is applied: to merge into that event's patch. */
export async function slaPatch(input: SlaPatchInput): Promise<SlaPatch> {
  const { ticket, event } = input;
  const state = { ...ticket, ...input.next } as Ticket;
  const creation = event.type === 'created';
  // No policy for the ticket as it will be: no history to read (the common case without SLA policies).
  const { policies } = await slaConfig();
  if (!choosePolicy(policies, { category: state.category ?? null, priority: state.priority, tier: state.tier, office: state.office }))
    return { sla: null, dueAt: NO_DUE_DATE };
  const pending: SlaEvent = { type: event.type, at: event.at, from: creation ? null : placementOf(ticket), to: placementOf(state), data: slaData(event.data) };
  const history = creation ? [] : await pastEvents(ticket);
  const now = input.now ?? event.at;
  const ev = await evaluate(state, [...history, pending], now);
  if (!ev) return { sla: null, dueAt: NO_DUE_DATE };
  return { sla: buildSla(ev, firedKeys(history, input.fire), now), dueAt: ev.set.earliestDue ?? NO_DUE_DATE };
}

/**
 * A command's commit input with the SLA recomputed into its patch (and its time fixed, so the
 * event and its deadlines agree). A ticket that has no SLA and gets none is left as it is.
 */
export async function withSla(input: CommitInput): Promise<CommitInput> {
  const at = input.at ?? new Date();
  // An alert fired by this very event (an `sla_alert`, an automatic escalation) counts as fired.
  const fire = firedKeyOf(input.type, input.data as StoredEvent['data']);
  const result = await slaPatch({ ticket: input.ticket, next: input.patch, event: { type: input.type, at, data: input.data as StoredEvent['data'] }, fire });
  if (result.sla === null && !input.ticket.sla) return { ...input, at };
  return { ...input, at, patch: { ...input.patch, sla: result.sla, dueAt: result.dueAt } };
}

export interface DueAlert {
  alert: SlaAlert;
  /** The deadline it is about, as of `now`. */
  deadline: Deadline;
  policy: SlaPolicyData;
  calendar: BusinessCalendar;
  /** The ticket's SLA once this alert is fired (the next alert chosen). */
  sla: TicketSla;
  dueAt: Date;
}

/** The alert a ticket must fire at `now`, recomputed from its history; null when none is due. */
export async function dueAlert(ticket: Ticket, now: Date): Promise<DueAlert | null> {
  if (!ticket.sla) return null;
  const history = await pastEvents(ticket);
  const ev = await evaluate(ticket, history, now);
  if (!ev) return null;
  const fired = firedKeys(history);
  const [first] = candidates(ev, fired, now);
  if (!first || first.at.getTime() > now.getTime()) return null;
  return {
    alert: first.alert,
    deadline: first.deadline,
    policy: ev.policy,
    calendar: ev.calendar,
    sla: buildSla(ev, firedKeys(history, first.alert.key), now),
    dueAt: ev.set.earliestDue ?? NO_DUE_DATE,
  };
}

export interface CurrentDeadlines {
  set: DeadlineSet;
  policy: SlaPolicyData;
  calendar: BusinessCalendar;
  /** The keys of the alerts fired so far. */
  fired: string[];
}

/**
 * Every deadline of a ticket as of `now`, with their explanations, pauses and changes,
 * recomputed from its journal (what the stored `sla` leaves out); null when no policy applies.
 */
export async function currentDeadlines(ticket: Ticket, now = new Date(), known: readonly KnownEvent[] = []): Promise<CurrentDeadlines | null> {
  const history = await pastEvents(ticket, known);
  const ev = await evaluate(ticket, history, now);
  return ev ? { ...ev, fired: [...firedKeys(history)] } : null;
}

/** Makes every commit recompute the SLA with its change (ticket.journal.ts, enrichers); returns the way to stop. */
export function registerSlaRecompute(): () => void {
  return registerEnricher(withSla);
}
