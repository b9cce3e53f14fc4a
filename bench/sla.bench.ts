/**
 * SLA timers and recompute on the embedded database, with 50,000 open tickets that have deadlines.
 *
 * 1. Start-up: the scheduler's first query (every ticket with an alert time, `sla.nextAlertAt`
 *    projected) against reading just the ids of the same collection.
 * 2. Lateness: 100 warnings falling due over 5 seconds on tickets created while the scheduler
 *    runs (inserted directly, announced with `ticket.created` as the commands do); how long after
 *    its due time each one's `sla_alert` event is committed (p50, p99). Baseline: a bare
 *    `setTimeout` per alert that reads the ticket by `_id` and inserts one event, with no
 *    recompute, no checks and no announcement, for 100 other tickets due over 5 seconds.
 * 3. Throughput: 500 warnings already due when they are announced (a restart after a stop, or a
 *    burst): alerts fired per second until the last one, four at a time; baseline: the same bare
 *    read and insert, four at a time.
 * 4. Recompute: `slaPatch` (history read by `_id`, policy choice, deadlines, warning times) for a
 *    priority change on 300 tickets, cold (history not in memory yet) and warm, against
 *    `loadTicket` of the same tickets.
 * The calendar is always open, so business minutes are wall-clock minutes.
 */
import { WorkingTicketModel } from '../server/tickets/ticket.keys.js';
import { workingSet } from '../server/tickets/working-set.js';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import { systemActor } from '../server/auth/actor.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../server/db/connection.js';
import { domainEvents } from '../server/lib/domain-events.js';
import { createLogger } from '../server/lib/logger.js';
import '../server/models.js';
import { OfficeModel } from '../server/offices/office.model.js';
import { clearRoutingCache } from '../server/routing/routing.service.js';
import { SlaCalendarModel } from '../server/sla/calendar.model.js';
import { clearSlaCache, slaPatch } from '../server/sla/engine.js';
import { SlaPolicyModel } from '../server/sla/policy.js';
import { startSlaScheduler } from '../server/sla/scheduler.js';
import type { TicketSla } from '../server/tickets/ticket-sla.js';
import { TeamModel } from '../server/teams/team.model.js';
import { TicketEventModel, eventId } from '../server/tickets/ticket-event.model.js';
import { createTicket } from '../server/tickets/ticket.create.js';
import { loadTicket } from '../server/tickets/ticket.journal.js';
import { TicketModel, type Ticket } from '../server/tickets/ticket.model.js';
import { benchDatabaseUri, percentile, type BenchResult } from './lib.js';

const counts = { tickets: 50_000, chunk: 1_000, batch: 100, batchSeconds: 5, burst: 500, recompute: 300 };
const MINUTE = 60_000;

async function setup(): Promise<void> {
  const office = await OfficeModel.create({ code: 'bench-sla', name: 'Bench SLA', isDefault: true });
  await TeamModel.create({ code: 'bench-sla-conseil', name: 'Conseil', tier: 1, office: office._id });
  await TeamModel.create({ code: 'bench-sla-soutien', name: 'Soutien', tier: 2 });
  await TeamModel.create({ code: 'bench-sla-admin', name: 'Administratif', tier: 3 });
  clearRoutingCache();
  const always = () => [{ start: '00:00', end: '24:00' }];
  await SlaCalendarModel.collection.insertOne({
    office: null,
    name: 'Toujours',
    timeZone: 'Europe/Brussels',
    hours: { 1: always(), 2: always(), 3: always(), 4: always(), 5: always(), 6: always(), 7: always() },
    holidays: null,
    closures: [],
  });
  // First response within an hour, a warning at half time, then the breach.
  await SlaPolicyModel.create({
    name: 'Bench',
    order: 1,
    active: true,
    match: { categories: [], priorities: [], tiers: [], offices: [] },
    targets: { firstResponseMinutes: 60, nextResponseMinutes: null, resolutionMinutes: null, acceptanceMinutes: { 1: null, 2: null, 3: null } },
    warnings: { percents: [50], minutesBefore: [] },
    onBreach: {},
  });
  clearSlaCache();
}

interface Template {
  ticket: Record<string, unknown>;
  event: Record<string, unknown>;
}

async function template(): Promise<Template> {
  const t = await createTicket({
    actor: systemActor,
    subject: 'Fiche de paie de mars incorrecte',
    body: 'Le montant net ne correspond pas.',
    member: { name: 'Claire Martin', email: 'claire.martin@bench.relais' },
    channel: 'web',
  });
  const ticket = await TicketModel.collection.findOne({ _id: t._id });
  const event = await TicketEventModel.collection.findOne({ _id: eventId(t._id, 1) } as never);
  if (!ticket || !event) throw new Error('template ticket not written');
  return { ticket, event };
}

let serial = 100_000;

/** A copy of the template created at `createdAt`: its warning falls due 30 minutes later. */
function copy(tpl: Template, createdAt: Date): { ticket: Record<string, unknown>; event: Record<string, unknown>; id: Types.ObjectId; alertAt: Date } {
  const id = new Types.ObjectId();
  serial += 1;
  const alertAt = new Date(createdAt.getTime() + 30 * MINUTE);
  const due = new Date(createdAt.getTime() + 60 * MINUTE);
  const sla: TicketSla = {
    policy: 'Bench',
    paused: false,
    deadlines: [{ kind: 'first_response', state: 'running', due, breached: false }],
    nextAlertAt: alertAt,
  };
  return {
    id,
    alertAt,
    ticket: {
      ...tpl.ticket,
      _id: id,
      number: `R-2026-${serial}`,
      createdAt,
      updatedAt: createdAt,
      lastMessageAt: createdAt,
      lastMemberMessageAt: createdAt,
      dueAt: due,
      sla,
    },
    event: { ...tpl.event, _id: eventId(id, 1), ticket: id, at: createdAt, data: { channel: 'web' }, writes: [] },
  };
}

async function insert(rows: ReturnType<typeof copy>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += counts.chunk) {
    const part = rows.slice(i, i + counts.chunk);
    await TicketModel.collection.insertMany(part.map((r) => r.ticket));
    await TicketEventModel.collection.insertMany(part.map((r) => r.event) as never);
    // As an import writes them: with their working-set hints (server/tickets/ticket.keys.ts).
    await WorkingTicketModel.collection.insertMany(part.map((r) => ({ _id: r.id, at: r.ticket.createdAt })));
  }
}

/** `count` copies whose warnings fall due evenly over `seconds`, starting `leadMs` from now. */
function batch(tpl: Template, count: number, seconds: number, leadMs: number): ReturnType<typeof copy>[] {
  const start = Date.now() + leadMs;
  return Array.from({ length: count }, (_, i) => copy(tpl, new Date(start + (i * seconds * 1000) / count - 30 * MINUTE)));
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run(): Promise<BenchResult[]> {
  const logger = createLogger({ level: 'silent' });
  await connectDatabase(await benchDatabaseUri(), `bench_sla_${randomBytes(4).toString('hex')}`);
  const results: BenchResult[] = [];
  const benchmark = 'SLA timers';
  let stop: (() => Promise<void>) | undefined;
  try {
    await ensureIndexes();
    await setup();
    const tpl = await template();
    // 50,000 open tickets whose warnings fall due in 30 minutes: scheduled, not fired during the bench.
    const now = Date.now();
    const background = Array.from({ length: counts.tickets }, (_, i) => copy(tpl, new Date(now + (i % 600) * 1000)));
    await insert(background);

    // 1. Start-up scan: the working set read from its hints (one read by _id per open ticket), then the timers.
    workingSet.reset();
    const plainScanMs = await timed(() => TicketModel.collection.find({}, { projection: { _id: 1 } }).toArray());
    const t0 = performance.now();
    const scheduler = startSlaScheduler({ config: { defaultLocale: 'fr' }, logger, concurrency: 4 });
    stop = () => scheduler.stop();
    await scheduler.ready;
    const scanMs = performance.now() - t0;
    if (scheduler.stats().scheduled < counts.tickets) throw new Error(`only ${scheduler.stats().scheduled} tickets scheduled`);
    results.push({
      benchmark,
      metric: `first scan, ${counts.tickets.toLocaleString('en-US')} tickets (baseline: ids only)`,
      unit: 'ms',
      relais: scanMs,
      baseline: plainScanMs,
      higherIsBetter: false,
    });

    // 2. Lateness of warnings, against a bare timer writing one event.
    const firedAt = new Map<string, number>();
    const off = domainEvents.subscribe('sla.alert', (a) => {
      if (!firedAt.has(a.ticketId)) firedAt.set(a.ticketId, Date.now());
    });
    const announce = (rows: ReturnType<typeof copy>[]): void => {
      for (const r of rows) domainEvents.publish('ticket.created', { ticketId: String(r.id) });
    };
    const waitFired = async (rows: ReturnType<typeof copy>[]): Promise<void> => {
      const until = Date.now() + 120_000;
      while (rows.some((r) => !firedAt.has(String(r.id))) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const missing = rows.filter((r) => !firedAt.has(String(r.id))).length;
      if (missing > 0) throw new Error(`${missing} of ${rows.length} warnings did not fire within two minutes`);
    };
    const relaisBatch = batch(tpl, counts.batch, counts.batchSeconds, 5_000);
    await insert(relaisBatch);
    announce(relaisBatch);
    await waitFired(relaisBatch);
    const relaisLate = relaisBatch.map((r) => (firedAt.get(String(r.id)) ?? 0) - r.alertAt.getTime());

    // 3. A burst: all due already.
    const burst = batch(tpl, counts.burst, 0, -60_000);
    await insert(burst);
    const burstStart = performance.now();
    announce(burst);
    await waitFired(burst);
    const burstRate = counts.burst / ((performance.now() - burstStart) / 1000);
    off();
    await scheduler.stop();
    stop = undefined;

    const bare = async (r: ReturnType<typeof copy>): Promise<void> => {
      const ticket = await TicketModel.collection.findOne({ _id: r.id }, { projection: { version: 1 } });
      await TicketEventModel.collection.insertOne({
        _id: eventId(r.id, (ticket?.version ?? 1) + 1),
        ticket: r.id,
        seq: 2,
        type: 'sla_alert',
        at: new Date(),
      } as never);
    };
    const baselineBatch = batch(tpl, counts.batch, counts.batchSeconds, 5_000);
    await insert(baselineBatch);
    const baselineLate: number[] = [];
    await Promise.all(
      baselineBatch.map(
        (r) =>
          new Promise<void>((resolve, reject) => {
            setTimeout(
              () => {
                bare(r).then(() => {
                  baselineLate.push(Date.now() - r.alertAt.getTime());
                  resolve();
                }, reject);
              },
              Math.max(0, r.alertAt.getTime() - Date.now()),
            );
          }),
      ),
    );
    results.push({
      benchmark,
      metric: `warning late, p50 (${counts.batch} due over ${counts.batchSeconds} s)`,
      unit: 'ms',
      relais: percentile(relaisLate, 50),
      baseline: percentile(baselineLate, 50),
      higherIsBetter: false,
    });
    results.push({
      benchmark,
      metric: 'warning late, p99',
      unit: 'ms',
      relais: percentile(relaisLate, 99),
      baseline: percentile(baselineLate, 99),
      higherIsBetter: false,
    });

    const baselineBurst = batch(tpl, counts.burst, 0, -60_000);
    await insert(baselineBurst);
    const bareStart = performance.now();
    const queue = [...baselineBurst];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await bare(r);
      }),
    );
    const bareRate = counts.burst / ((performance.now() - bareStart) / 1000);
    results.push({
      benchmark,
      metric: `alerts fired per second (${counts.burst} due at once)`,
      unit: '/s',
      relais: burstRate,
      baseline: bareRate,
      higherIsBetter: true,
    });

    // 4. Recompute against a plain load, on tickets whose history is not in memory yet, then is.
    const sample = background.slice(0, counts.recompute).map((r) => String(r.id));
    clearSlaCache();
    const tickets: Ticket[] = [];
    const loadMs: number[] = [];
    for (const id of sample) {
      let loaded: Ticket | null = null;
      loadMs.push(await timed(async () => (loaded = await loadTicket(id))));
      if (loaded) tickets.push(loaded);
    }
    const recompute = (t: Ticket) =>
      slaPatch({ ticket: t, next: { priority: 'high' }, event: { type: 'priority_changed', at: new Date(), data: { from: t.priority, to: 'high' } } });
    const cold: number[] = [];
    for (const t of tickets) cold.push(await timed(() => recompute(t)));
    const warm: number[] = [];
    for (const t of tickets) warm.push(await timed(() => recompute(t)));
    results.push({
      benchmark,
      metric: 'recompute (slaPatch), history read, mean (baseline: loadTicket)',
      unit: 'ms',
      relais: mean(cold),
      baseline: mean(loadMs),
      higherIsBetter: false,
    });
    results.push({
      benchmark,
      metric: 'recompute (slaPatch), history in memory, mean',
      unit: 'ms',
      relais: mean(warm),
      baseline: mean(loadMs),
      higherIsBetter: false,
    });
    return results;
  } finally {
    await stop?.();
    await domainEvents.settled();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
  }
}
