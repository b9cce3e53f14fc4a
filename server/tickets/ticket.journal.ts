/**
 * How a command changes a ticket, safely on MongoDB and on FerretDB (which has no
 * transactions and no atomic conditional update):
 *
 *  1. insert the ticket's next event with `_id = <ticket>:<seq>`; the unique `_id`
 *     is the point of serialization: a duplicate key means someone acted first (409);
 *  2. apply the event's other writes (messages, escalations), each idempotent;
 *  3. set the ticket's fields and `version = seq`, conditioned on the old version.
 *
 * The event carries everything needed to replay steps 2–3, so a crash between them
 * leaves a consistent ticket plus an event that `loadTicket` replays on next read.
 * The change is announced at step 1 (the commit point), while steps 2–3 run; readers in this
 * process wait for them (`applied`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { databaseFlavor } from '../db/connection.js';
import { domainEvents } from '../lib/domain-events.js';
import { ConflictError, isDuplicateKeyError } from '../lib/errors.js';
import { isWorking } from './working-rule.js';
import { markWorking, rememberDone, rememberTicketDay } from './ticket.keys.js';
import { applyWrites } from './journal-writes.js';
import { TicketModel, type Ticket, type TrailEntry, type TrailPlace } from './ticket.model.js';
import { isDoneStatus } from '../lib/ticket.vocabulary.js';
import { clearsReturnedFlag, workersAfter } from './ticket.workers.js';
import { TicketEventModel, eventId, type EventData, type EventType, type JournalWrite, type Placement, type TicketEvent } from './ticket-event.model.js';

export function placementOf(t: Pick<Ticket, 'tier' | 'team' | 'office' | 'assignee' | 'status'>): Placement {
  return { tier: t.tier, team: t.team, office: t.office, assignee: t.assignee ?? null, status: t.status };
}

export function actorRef(actor: Actor): TicketEvent['actor'] {
  if (actor.kind === 'staff') return { kind: 'staff', staff: actor.id, member: null, name: actor.name };
  if (actor.kind === 'member') return { kind: 'member', staff: null, member: actor.id, name: actor.name };
  return { kind: 'system', staff: null, member: null, name: actor.name };
}

/** An event in brief, as the ticket's `trail` keeps it (reports and the forecast read it instead of the events). */
export function trailEntry(event: TicketEvent): TrailEntry {
  const place = (p: Placement): TrailPlace => ({ tier: p.tier, team: p.team, office: p.office, status: p.status });
  const escalation = event.type === 'returned' && event.data.escalation ? new Types.ObjectId(String(event.data.escalation)) : null;
  // No `from` (the previous entry's `to`) and no null fields: see TrailEntry.
  return {
    seq: event.seq,
    type: event.type,
    at: event.at,
    to: place(event.to),
    ...(event.actor.staff ? { staff: event.actor.staff } : {}),
    ...(escalation ? { escalation } : {}),
  };
}

/**
 * Applies an event's writes and ticket fields; safe to run twice, and a no-op once a later event
 * applied. Says whether it wrote the ticket (false: the ticket was not at the version before it).
 */
export async function applyEvent(event: TicketEvent): Promise<boolean> {
  await applyWrites(event.writes);
  // The event in brief is set at its place in the trail, not appended: applying twice (a replay racing
  // the commit on FerretDB, whose version check below is not atomic) writes the same element again.
  const set = event.trailIndex === undefined ? event.patch : { ...event.patch, [`trail.${event.trailIndex}`]: trailEntry(event) };
  if (databaseFlavor() === 'ferretdb') {
    // FerretDB pushes only an exact `{ _id }` filter down to SQLite and runs any
    // conditional update as read-then-write anyway (docs/FERRETDB.md): checking the version
    // on an `_id` read and writing by `_id` gives the same guarantee without a scan.
    const current = await TicketModel.collection.findOne({ _id: event.ticket }, { projection: { version: 1 } });
    if (current?.version !== event.seq - 1) return false;
    await TicketModel.collection.updateOne({ _id: event.ticket }, { $set: set });
    return true;
  }
  return (await TicketModel.collection.updateOne({ _id: event.ticket, version: event.seq - 1 }, { $set: set })).matchedCount === 1;
}

/**
 * What this process already holds of a ticket, newest version (the working set registers itself:
 * it cannot be imported here, it imports the journal). See `loadTicket`.
 */
type KnownTicket = (id: string) => Ticket | undefined;
let knownTicket: KnownTicket = () => undefined;
export function knowTicketsFrom(source: KnownTicket): void {
  knownTicket = source;
}

/** The applies this process is running, by ticket (see `commit`). */
const inFlight = new Map<string, Promise<void>>();
/**
 * Tickets whose document may be behind what this process announced: its apply of a commit failed
 * (or found the ticket at another version). A command on one reads the ticket, which replays what
 * is pending, instead of starting from the announced copy; that read clears the mark.
 */
const unsure = new Map<string, number>();
let unsureMarks = 0;
/** An unapplied event younger than this is being applied by its writer (an apply takes milliseconds)… */
const freshMs = 2_000;
/** …so a reader gives it up to this long before replaying it itself. */
const freshWaitMs = 375;

/**
 * Reads a ticket, first replaying any event that was journaled but not applied.
 * Returns null when there is no such ticket (or the id is malformed). Given the version the caller
 * expects (a command's), the slot of the event after it is read together with the ticket instead of
 * after it: a command waits for one round trip less. Whatever commits in between, the answer is what
 * reading one after the other could have given (a later insert at that slot still fails the command's
 * own insert, as it would have). And when this process holds the ticket at that version, only the
 * slot is read (below).
 */
export async function loadTicket(id: string | Types.ObjectId, expectedVersion?: number): Promise<Ticket | null> {
  if (!Types.ObjectId.isValid(id) || String(new Types.ObjectId(String(id))) !== String(id).toLowerCase()) return null;
  await applied(id);
  // A command on a ticket this process holds at the version the caller saw (the working set: what
  // this process committed and applied, or re-read once another instance had applied it). If no event
  // follows that version, the database holds that very version: only the slot is read, not the
  // ticket (a 2.6 KB document, the slowest read of a command on the embedded engine). Otherwise (a
  // newer version elsewhere, an event left to replay, an apply of this process that failed, a
  // change here meanwhile) the ticket is read as below.
  const key = String(id);
  if (expectedVersion !== undefined && !inFlight.has(key) && !unsure.has(key)) {
    const known = knownTicket(key);
    if (known?.version === expectedVersion) {
      const next = await TicketEventModel.findById(eventId(id, expectedVersion + 1), { _id: 1 }).lean();
      // Still the same copy: no commit here meanwhile (each one files a new copy when it is announced).
      if (!next && knownTicket(key) === known) return known;
    }
  }
  // Cleared below once the read is caught up, unless an apply failed again meanwhile (a new mark).
  const mark = unsure.get(key);
  const [first, next] = await Promise.all([
    TicketModel.findById(id).lean<Ticket>(),
    expectedVersion === undefined ? undefined : TicketEventModel.findById(eventId(id, expectedVersion + 1)).lean<TicketEvent>(),
  ]);
  let ticket = first;
  let waitedMs = 0;
  for (let replays = 0, round = 0; ticket && replays < 10 && round < 50; round += 1) {
    const pending =
      round === 0 && next !== undefined && ticket.version === expectedVersion
        ? next
        : await TicketEventModel.findById(eventId(ticket._id, ticket.version + 1)).lean<TicketEvent>();
    if (!pending) {
      if (mark !== undefined && unsure.get(key) === mark) unsure.delete(key);
      break;
    }
    // Its writer is applying it now — here (committed since the wait above), or another instance
    // that announced it moments ago — so wait for that apply rather than replay beside it: this
    // process's apply itself, another's for a growing pause (25, 50, 100, 200 ms), then replay.
    if (inFlight.has(String(ticket._id))) {
      await applied(ticket._id);
    } else if (waitedMs < freshWaitMs && Date.now() - new Date(pending.at).getTime() < freshMs) {
      const pause = Math.min(25 + waitedMs, freshWaitMs - waitedMs);
      await new Promise((resolve) => setTimeout(resolve, pause));
      waitedMs += pause;
    } else {
      await applyEvent(pending);
      replays += 1;
    }
    ticket = await TicketModel.findById(id).lean<Ticket>();
  }
  return ticket;
}

interface CommitBase {
  ticket: Ticket;
  actor: Actor;
  patch: Partial<Omit<Ticket, '_id' | 'version' | 'number'>>;
  reason?: string | null;
  note?: string | null;
  writes?: JournalWrite[];
  at?: Date;
}

type DataOf<T extends EventType> = EventData[T] extends Record<string, never> ? { data?: EventData[T] } : { data: EventData[T] };

/** One change to commit: its `type` says which `data` it carries (ticket-event.model.ts). */
export type CommitInput<K extends EventType = EventType> = { [T in K]: CommitBase & { type: T } & DataOf<T> }[K];

/** An ordered list of hooks; adding one returns the way to remove it (the same hook is listed once). */
function hookList<T>(): { items: readonly T[]; add(item: T): () => void } {
  const items: T[] = [];
  return {
    items,
    add(item) {
      if (!items.includes(item)) items.push(item);
      return () => {
        const i = items.indexOf(item);
        if (i >= 0) items.splice(i, 1);
      };
    },
  };
}

/**
 * Adds to a change what must be durable with it, before its event is written: the SLA recompute
 * and the mail the change sends, registered once by the composition root (`server/enrichers.ts`).
 * Every commit passes through every enricher, whoever commits (staff and member commands, the SLA
 * timers).
 */
export type Enricher = (input: CommitInput) => Promise<CommitInput>;
const enrichers = hookList<Enricher>();

export function registerEnricher(enricher: Enricher): () => void {
  return enrichers.add(enricher);
}

/** Passes a change through every enricher, in the order they were registered (creation uses it too). */
export async function enrich(input: CommitInput): Promise<CommitInput> {
  let result = input;
  for (const enricher of enrichers.items) result = await enricher(result);
  return result;
}

/**
 * Adds what a new ticket writes once it has its number (the acknowledgement): called with the
 * creation event and the number, when the creation finishes and again if a crash interrupted it,
 * so it must give the same writes (fixed ids) each time.
 */
export type CreationEnricher = (event: TicketEvent<'created'>, number: string) => Promise<JournalWrite[]>;
const creationEnrichers = hookList<CreationEnricher>();

export function registerCreationEnricher(enricher: CreationEnricher): () => void {
  return creationEnrichers.add(enricher);
}

/** The writes the creation enrichers add to a finished creation. */
export async function creationWrites(event: TicketEvent<'created'>, number: string): Promise<JournalWrite[]> {
  const writes: JournalWrite[] = [];
  for (const enrich of creationEnrichers.items) writes.push(...(await enrich(event, number)));
  return writes;
}

const quiet = new AsyncLocalStorage<true>();

/** Runs `fn` with changes that notify nobody (demo data, imports): enrichers that send mail skip them. */
export function withoutNotifications<T>(fn: () => Promise<T>): Promise<T> {
  return quiet.run(true, fn);
}

/** Whether the change being made here notifies nobody (see `withoutNotifications`). */
export function notificationsSuppressed(): boolean {
  return quiet.getStore() === true;
}

/** Sees every new state of a ticket, synchronously, before the command that made it returns. */
export type CommitObserver = (ticket: Ticket, event: TicketEvent) => void;
const observers = new Set<CommitObserver>();

/** Registers a read model (the working set) on the journal; returns the way to unregister it. */
export function observeCommits(observer: CommitObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/**
 * The one place a ticket's change is announced: read models first (synchronously, so the request
 * that made the change reads it back), then `ticket.created` / `ticket.changed` to the subscribers
 * (live layer, SLA scheduler, automatic assignment).
 */
export function announce(ticket: Ticket, event: TicketEvent): void {
  for (const observer of observers) observer(ticket, event);
  const ticketId = String(ticket._id);
  if (event.type === 'created') domainEvents.publish('ticket.created', { ticketId });
  else
    domainEvents.publish('ticket.changed', {
      ticketId,
      type: event.type,
      seq: event.seq,
      actorId: event.actor.staff ? String(event.actor.staff) : event.actor.member ? String(event.actor.member) : null,
    });
}

export interface CommitResult {
  ticket: Ticket;
  event: TicketEvent;
}

/**
 * The only way a ticket changes: records one event, applies it, and announces the new state.
 * Throws ConflictError (409) when someone acted first.
 */
export async function commit(raw: CommitInput): Promise<CommitResult> {
  const input = await enrich(raw);
  const { ticket } = input;
  const at = input.at ?? new Date();
  const seq = ticket.version + 1;
  const patch: Record<string, unknown> = { ...input.patch, version: seq, updatedAt: at };
  // Who worked on it, and the "returned to you" flag, change with the ticket, in the same patch (ticket.workers.ts).
  const change = { type: input.type, actorStaff: input.actor.kind === 'staff' ? input.actor.id : null };
  const workers = workersAfter(ticket, { ...ticket, ...patch } as Ticket, change);
  if (workers) patch.workers = workers;
  if (clearsReturnedFlag(ticket, { ...ticket, ...patch } as Ticket, change)) patch.returned = null;
  const after = { ...ticket, ...patch } as Ticket;
  // The one place the union is put together: `input.type` and `input.data` agree by CommitInput's type.
  const event = {
    _id: eventId(ticket._id, seq),
    ticket: ticket._id,
    seq,
    type: input.type,
    actor: actorRef(input.actor),
    at,
    from: placementOf(ticket),
    to: placementOf(after),
    reason: input.reason ?? null,
    note: input.note ?? null,
    data: input.data ?? {},
    patch,
    ...(Array.isArray(ticket.trail) ? { trailIndex: ticket.trail.length } : {}),
    writes: input.writes ?? [],
  } as TicketEvent;
  // The event in brief joins the ticket's trail (tickets written before the trail existed keep none);
  // the stored event says only where (`trailIndex`), applyEvent writes that one element.
  const next = { ...ticket, ...patch, ...(Array.isArray(ticket.trail) ? { trail: [...ticket.trail, trailEntry(event)] } : {}) } as Ticket;
  // A ticket done now is noted under the day (reports' backlog and throughput, ticket.keys.ts).
  if (isDoneStatus(next.status) && !isDoneStatus(ticket.status)) await rememberDone(at, next);
  // Moved to another office: noted under its creation day there too (readers check the current office).
  // The key carries the move's version: a ticket moved back to an office it left gets a new key there
  // (the same key twice is taken as one write replayed), while a replay of this move writes none.
  if (String(next.office) !== String(ticket.office))
    await rememberTicketDay({ kind: 'created', office: next.office }, new Date(ticket.createdAt), ticket._id, seq);
  // A ticket coming back to work (reopened) gets its working-set hint before the change (ticket.keys.ts).
  if (isWorking(next) && !isWorking(ticket)) await markWorking(ticket._id, at);
  try {
    await TicketEventModel.collection.insertOne(event as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw new ConflictError('Someone else changed this ticket at the same moment. Review the current ticket and try again.', {
        currentVersion: seq,
      });
    }
    throw error;
  }
  // The insert is the commit point: from here the change is the ticket's, whatever happens to the
  // apply (a crash leaves it to the replay). So it is announced now, while the apply runs, and the
  // live queues hear of it one apply sooner (issue 13's fan-out). Readers in this process wait for
  // the apply instead of replaying it (`applied`); the other instances hear of it once it is applied.
  const id = String(ticket._id);
  const applying = applyEvent(event).then(
    (wrote) => {
      if (!wrote) unsure.set(id, ++unsureMarks);
    },
    (error: unknown) => {
      unsure.set(id, ++unsureMarks);
      throw error;
    },
  );
  // Settles once the apply has, its entry already gone (a newer commit's stays).
  const settled: Promise<void> = applying
    .catch(() => undefined)
    .then(() => {
      if (inFlight.get(id) === settled) inFlight.delete(id);
    });
  inFlight.set(id, settled);
  announce(next, event);
  await applying;
  return { ticket: next, event };
}

/**
 * Resolves once this process has applied what it committed to the ticket so far (at once when it
 * is applying nothing): a reader of the ticket's document here waits for the apply rather than
 * replaying the event beside it.
 */
export async function applied(ticketId: string | Types.ObjectId): Promise<void> {
  for (let waiting = inFlight.get(String(ticketId)); waiting; waiting = inFlight.get(String(ticketId))) await waiting;
}
