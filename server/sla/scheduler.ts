/**
 * The SLA timers. Each instance keeps an in-memory min-heap of `(sla.nextAlertAt, ticket)` and
 * one `setTimeout` to the earliest; firing is `fireDueAlert` (actions.ts): one journal event, so
 * when several instances run, the unique event `_id` lets exactly one of them fire an alert and
 * the others get a ConflictError and just reload the ticket.
 *
 * Keeping the heap fresh without asking the database "which tickets are due?" every time (FerretDB
 * pushes down no filter other than `_id`: every other query reads the whole collection):
 *  - at start, every ticket of the working set (tickets/working-set.ts: the open tickets, in
 *    memory), which also catches every alert whose time passed while no instance was running
 *    (each fires once);
 *  - `ticket.created` / `ticket.changed` domain events of this instance: that one ticket is
 *    re-read by `_id`;
 *  - every `rescanMs`, the working set again, for changes made by other instances (the working
 *    set hears of them through Redis).
 * Entries are replaced lazily: the heap may hold stale ones, `scheduled` says which is current.
 * An entry that turns out to be stale fires nothing: the ticket is reloaded and rescheduled.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Config } from '../config.js';
import { domainEvents as defaultEvents, type DomainEvents } from '../lib/domain-events.js';
import { ConflictError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { TicketModel } from '../tickets/ticket.model.js';
import { applied } from '../tickets/ticket.journal.js';
import { workingSet as defaultWorkingSet, type WorkingSet } from '../tickets/working-set.js';
import { fireDueAlert, type FiredAlert } from './actions.js';

/** setTimeout's longest delay; a later alert is re-armed when the timer ends. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface SlaSchedulerOptions {
  config: Pick<Config, 'defaultLocale'>;
  logger: Logger;
  /** Names this instance in logs. */
  instanceId?: string;
  /** The clock (tests give a fixed or moving one). */
  now?: () => Date;
  /** Rescan period, for changes made by other instances. Default 60 s on MongoDB, 15 min on FerretDB. */
  rescanMs?: number;
  /** The open tickets to watch (the instance's working set by default). */
  workingSet?: WorkingSet;
  /** Alerts fired at once. Default 4. */
  concurrency?: number;
  /** The domain events to follow and publish to. */
  events?: DomainEvents;
}

export interface SlaSchedulerStats {
  instanceId: string;
  /** Tickets with an alert waiting. */
  scheduled: number;
  /** The earliest waiting alert. */
  nextAt: Date | null;
  fired: number;
  /** Alerts another instance (or a command) committed first. */
  conflicts: number;
  failures: number;
  scans: number;
}

export interface SlaScheduler {
  /** Resolves once the first scan is done and the timer armed. */
  ready: Promise<void>;
  /** Resolves once nothing is due or being fired now (tests). */
  idle(): Promise<void>;
  /** Fires whatever is due now, without waiting for the timer (tests that move their clock). */
  check(): Promise<void>;
  stats(): SlaSchedulerStats;
  stop(): Promise<void>;
}

interface Entry {
  at: number;
  id: string;
}

/** A binary min-heap on `at`. */
class Heap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(entry: Entry): void {
    const a = this.items;
    a.push(entry);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const [p, c] = [a[parent], a[i]];
      if (!p || !c || p.at <= c.at) break;
      a[parent] = c;
      a[i] = p;
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if ((a[l]?.at ?? Infinity) < (a[m]?.at ?? Infinity)) m = l;
      if ((a[r]?.at ?? Infinity) < (a[m]?.at ?? Infinity)) m = r;
      if (m === i) break;
      const [x, y] = [a[i], a[m]];
      if (!x || !y) break;
      a[i] = y;
      a[m] = x;
      i = m;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

interface AlertRow {
  _id: Types.ObjectId;
  sla?: { nextAlertAt?: Date | null } | null;
}

const alertTime = (row: AlertRow | null): number | null => {
  const at = row?.sla?.nextAlertAt;
  return at ? new Date(at).getTime() : null;
};

/** Starts the timers: scans once, then fires every alert when it falls due until `stop()`. */
export function startSlaScheduler(options: SlaSchedulerOptions): SlaScheduler {
  const instanceId = options.instanceId ?? randomBytes(4).toString('hex');
  const logger = options.logger.child({ component: 'sla', instance: instanceId });
  const now = options.now ?? (() => new Date());
  const events = options.events ?? defaultEvents;
  const concurrency = options.concurrency ?? 4;
  const rescanMs = options.rescanMs ?? 60_000;
  const working = options.workingSet ?? defaultWorkingSet;

  const heap = new Heap();
  /** The current alert time of each ticket in the heap. */
  const scheduled = new Map<string, number>();
  /** Tickets whose stored alert time turned out to have nothing due: skipped until it changes. */
  const stale = new Map<string, number>();
  const inFlight = new Set<string>();
  /** Tickets that changed while being fired: re-read once the firing ends. */
  const dirty = new Set<string>();
  /** The event this instance just committed on a ticket: its `ticket.changed` needs no re-read. */
  const own = new Map<string, number>();
  const counts = { fired: 0, conflicts: 0, failures: 0, scans: 0 };
  let timer: NodeJS.Timeout | undefined;
  let rescanTimer: NodeJS.Timeout | undefined;
  /** Firings under way (at most `concurrency`). */
  let active = 0;
  const waiters: Array<() => void> = [];
  let stopped = false;

  function schedule(id: string, at: number | null): void {
    if (at === null || stale.get(id) === at) {
      scheduled.delete(id);
      return;
    }
    stale.delete(id);
    if (scheduled.get(id) === at) return;
    scheduled.set(id, at);
    heap.push({ at, id });
  }

  /** The earliest current entry, dropping replaced ones. */
  function top(): Entry | undefined {
    for (let e = heap.peek(); e; e = heap.peek()) {
      if (scheduled.get(e.id) === e.at) return e;
      heap.pop();
    }
    return undefined;
  }

  /** One timer, to the earliest entry; none while every lane is busy (a finishing one looks again). */
  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || active >= concurrency) return;
    const next = top();
    if (!next) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, next.at - now().getTime()));
    timer = setTimeout(pump, delay);
  }

  async function refresh(id: string): Promise<void> {
    // Announced at its commit point: the change this follows may still be being applied here.
    await applied(id);
    const row = await TicketModel.collection.findOne<AlertRow>({ _id: new Types.ObjectId(id) }, { projection: { 'sla.nextAlertAt': 1 } });
    schedule(id, alertTime(row));
  }

  function announce(fired: FiredAlert): void {
    const ticketId = String(fired.ticket._id);
    // `ticket.changed` was announced by the journal's commit; this one needs no re-read.
    own.set(ticketId, fired.seq);
    events.publish('sla.alert', {
      ticketId,
      key: fired.alert.key,
      kind: fired.alert.kind,
      deadline: fired.alert.deadline,
      label: fired.alert.label,
      at: fired.at.toISOString(),
      dueAt: fired.alert.dueAt ? new Date(fired.alert.dueAt).toISOString() : null,
      level: fired.level,
      escalated: fired.escalated,
    });
  }

  /** Fires what is due on one ticket (possibly several alerts in a row), then schedules what comes next. */
  async function fire(id: string): Promise<void> {
    for (let attempt = 0; attempt < 5 && !stopped; attempt += 1) {
      try {
        const outcome = await fireDueAlert(id, now(), { locale: options.config.defaultLocale });
        if (!outcome.fired) {
          const at = alertTime(outcome.ticket);
          // Stored in the past with nothing due (e.g. policies changed since): wait for a change.
          if (at !== null && at <= now().getTime()) stale.set(id, at);
          schedule(id, at);
          return;
        }
        counts.fired += 1;
        announce(outcome.fired);
        schedule(id, alertTime(outcome.fired.ticket));
        const next = scheduled.get(id);
        if (next === undefined || next > now().getTime()) return;
        // Another alert of this ticket is due already: fire it too.
      } catch (error) {
        if (error instanceof ConflictError) {
          counts.conflicts += 1;
          continue; // someone committed first: reload and look again
        }
        counts.failures += 1;
        logger.error({ err: error, ticketId: id }, 'sla: firing an alert failed');
        // Tried again when a rescan finds it, rather than in a tight loop.
        scheduled.delete(id);
        return;
      }
    }
    await refresh(id).catch(() => undefined);
  }

  /** The earliest entry due now that is not being fired already (that one is looked at again after). */
  function nextDue(): Entry | undefined {
    const t = now().getTime();
    for (let e = top(); e && e.at <= t; e = top()) {
      heap.pop();
      scheduled.delete(e.id);
      if (!inFlight.has(e.id)) return e;
      dirty.add(e.id);
    }
    return undefined;
  }

  async function work(entry: Entry): Promise<void> {
    inFlight.add(entry.id);
    try {
      await fire(entry.id);
    } catch (error) {
      logger.error({ err: error, ticketId: entry.id }, 'sla: firing an alert failed');
    } finally {
      inFlight.delete(entry.id);
    }
    if (dirty.delete(entry.id)) await refresh(entry.id).catch(() => undefined);
  }

  /** Starts a firing for each entry due now, up to `concurrency` at once, then re-arms the timer. */
  function pump(): void {
    while (!stopped && active < concurrency) {
      const entry = nextDue();
      if (!entry) break;
      active += 1;
      void work(entry).finally(() => {
        active -= 1;
        pump();
      });
    }
    arm();
    if (active === 0) for (const resolve of waiters.splice(0)) resolve();
  }

  /** Resolves when no firing is under way and nothing is due. */
  function settled(): Promise<void> {
    return active === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  }

  /**
   * Schedules every ticket whose alert time is before `until` (all of them without it). Alerts
   * concern open tickets only, so the working set (tickets/working-set.ts, in memory) is read, not
   * the tickets collection.
   */
  async function scan(until?: Date): Promise<void> {
    const limit = until?.getTime() ?? Infinity;
    for (const ticket of await working.all()) {
      const id = String(ticket._id);
      const at = alertTime(ticket as unknown as AlertRow);
      if (at !== null && at <= limit && !inFlight.has(id)) schedule(id, at);
    }
    counts.scans += 1;
  }

  async function rescan(): Promise<void> {
    try {
      await scan(new Date(now().getTime() + rescanMs));
      pump();
    } catch (error) {
      logger.warn({ err: error }, 'sla: rescan failed');
    } finally {
      if (!stopped) rescanTimer = setTimeout(() => void rescan(), rescanMs);
    }
  }

  const onChange = ({ ticketId, seq }: { ticketId: string; seq?: number }): Promise<void> | void => {
    if (stopped) return;
    if (seq !== undefined && own.get(ticketId) === seq) {
      own.delete(ticketId);
      return;
    }
    if (inFlight.has(ticketId)) {
      dirty.add(ticketId);
      return;
    }
    return refresh(ticketId).then(pump);
  };
  const unsubscribe = [events.subscribe('ticket.created', onChange), events.subscribe('ticket.changed', onChange)];

  const ready = (async () => {
    await scan();
    logger.info({ scheduled: scheduled.size }, 'sla: timers started');
    pump();
    if (!stopped) rescanTimer = setTimeout(() => void rescan(), rescanMs);
  })();
  ready.catch((error: unknown) => logger.error({ err: error }, 'sla: the first scan failed'));

  return {
    ready,
    async idle() {
      await ready.catch(() => undefined);
      await settled();
    },
    async check() {
      await ready.catch(() => undefined);
      pump();
      await settled();
    },
    stats() {
      const next = top();
      return { instanceId, scheduled: scheduled.size, nextAt: next ? new Date(next.at) : null, ...counts };
    },
    async stop() {
      stopped = true;
      for (const off of unsubscribe) off();
      clearTimeout(timer);
      clearTimeout(rescanTimer);
      await ready.catch(() => undefined);
      await settled();
      clearTimeout(timer);
      clearTimeout(rescanTimer);
      heap.clear();
      scheduled.clear();
    },
  };
}
