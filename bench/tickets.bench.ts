/**
 * Tickets under load, on the embedded database.
 *
 * 1. Creation: `POST /api/v1/tickets` through the whole app (Bearer auth, validation,
 *    category check, member lookup, routing, the journaled writes) against the raw driver
 *    writing exactly the documents one creation writes (event, message, ticket, event update),
 *    in three rounds; then again with the database and this process on a CPU each (taskset).
 * 2. Claims under contention: 4 advisors claim the same tickets at the same moment (one
 *    must win each ticket, the others must get 409), against one uncontended claim per ticket.
 */
import { clearRoutingCache } from '../server/routing/routing.service.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import { createApp } from '../server/app.js';
import { systemActor, toStaffActor, type StaffActor } from '../server/auth/actor.js';
import { hashPassword } from '../server/auth/password.js';
import { CategoryModel } from '../server/catalog/category.model.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../server/db/connection.js';
import { createLogger } from '../server/lib/logger.js';
import { MemberModel } from '../server/members/member.model.js';
import '../server/models.js';
import { OfficeModel } from '../server/offices/office.model.js';
import { StaffModel } from '../server/staff/staff.model.js';
import { TeamModel } from '../server/teams/team.model.js';
import { MessageModel } from '../server/tickets/message.model.js';
import { TicketEventModel } from '../server/tickets/ticket-event.model.js';
import { createTicket } from '../server/tickets/ticket.create.js';
import { TicketModel, type Ticket } from '../server/tickets/ticket.model.js';
import { creationDocuments, writeBaselineCreation, type CreationTemplate } from './creation-baseline.js';
import { Outbox } from '../server/mail/mail.models.js';
import { execFileSync } from 'node:child_process';
import { benchDatabasePid, benchDatabaseUri, listenLocal, percentile, runRequests, type BenchResult, type RequestOutcome, type RequestSpec } from './lib.js';

// Counts, not durations: on the embedded FerretDB a lookup by _id scans the whole collection (see
// bench/README.md), so each side must write the same number of documents for the comparison to be fair.
const creation = { concurrency: 10, warmup: 20, tickets: 600, rounds: 3, maxSeconds: 120 };
const claims = { tickets: 100, advisors: 4, concurrency: 12, warmup: 10, maxSeconds: 120 };
/** Baseline tickets take numbers from here up, far from the ones Relais allocates, so neither side collides with the other. */
const baselineNumberStart = 900_000;

const password = 'correct horse battery staple';
const member = { name: 'Claire Martin', email: 'claire.martin@bench.relais' };
const subject = 'Fiche de paie de mars incorrecte';
const body = 'Bonjour, le montant net de ma fiche de paie de mars ne correspond pas à mes prestations. Pouvez-vous vérifier ?';
const category = 'contracts';
const language = 'fr';

interface Org {
  office: Types.ObjectId;
  advisors: StaffActor[];
  memberId: Types.ObjectId;
}

async function buildOrg(): Promise<Org> {
  const office = await OfficeModel.create({ code: 'bench', name: 'Bench', isDefault: true });
  const team = await TeamModel.create({ code: 'bench-conseil', name: 'Conseil Bench', tier: 1, office: office._id });
  await TeamModel.create({ code: 'bench-soutien', name: 'Équipe de soutien', tier: 2 });
  await TeamModel.create({ code: 'bench-administratif', name: 'Équipe administrative', tier: 3 });
  clearRoutingCache(); // this process may have cached another bench's teams
  await CategoryModel.create({ code: category, label: { fr: 'Contrats', nl: 'Contracten', en: 'Contracts' } });
  const passwordHash = await hashPassword(password);
  const advisors: StaffActor[] = [];
  for (let i = 1; i <= claims.advisors; i += 1) {
    const doc = await StaffModel.create({
      name: `Advisor ${i}`,
      email: `advisor${i}@bench.relais`,
      roles: ['advisor'],
      team: team._id,
      office: office._id,
      languages: ['fr'],
      passwordHash,
    });
    advisors.push(toStaffActor(doc.toObject(), 1));
  }
  // Existing member: no API request below creates one, and the baseline does not either.
  const created = await MemberModel.create({ name: member.name, email: member.email });
  return { office: office._id, advisors, memberId: created._id };
}

async function login(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const answer: unknown = await res.json();
  const token = typeof answer === 'object' && answer !== null ? (answer as { token?: unknown }).token : undefined;
  if (res.status !== 200 || typeof token !== 'string') throw new Error(`login ${email}: ${res.status} ${JSON.stringify(answer)}`);
  return token;
}

/** The ticket id in a `{ ticket: { id } }` answer. */
function ticketIdOf(answer: string): string {
  const parsed: unknown = JSON.parse(answer);
  const ticket = typeof parsed === 'object' && parsed !== null ? (parsed as { ticket?: { id?: unknown } }).ticket : undefined;
  if (typeof ticket?.id !== 'string') throw new Error(`no ticket id in ${answer.slice(0, 200)}`);
  return ticket.id;
}

interface Timed {
  count: number;
  seconds: number;
  latenciesMs: number[];
}

function merge(parts: readonly Timed[]): Timed {
  return {
    count: parts.reduce((n, p) => n + p.count, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    latenciesMs: parts.flatMap((p) => p.latenciesMs),
  };
}

/** Runs `task(0..count-1)` with `concurrency` in flight, timing each. */
async function bounded(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<Timed> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      const t0 = performance.now();
      await task(i);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { count, seconds: (performance.now() - started) / 1000, latenciesMs };
}

/**
 * Runs `task` with the database on CPU 0 and this process (Relais, the bench's clients, the
 * driver) on CPU 1, as when the database has a machine or a core of its own; then gives both their
 * CPUs back. Null where that cannot be done (no `taskset`, fewer than two CPUs).
 */
async function onCoresOfTheirOwn<T>(task: () => Promise<T>): Promise<T | null> {
  const dbPid = await benchDatabasePid();
  if (!dbPid || os.availableParallelism() < 2) return null;
  const maskOf = (pid: number): string =>
    execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .pop() ?? '';
  const pin = (pid: number, mask: string) => execFileSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
  let masks: { db: string; self: string };
  try {
    masks = { db: maskOf(dbPid), self: maskOf(process.pid) };
  } catch {
    return null;
  }
  const restore = () => {
    pin(dbPid, masks.db);
    pin(process.pid, masks.self);
  };
  try {
    pin(dbPid, '1');
    pin(process.pid, '2');
  } catch {
    restore();
    return null;
  }
  try {
    return await task();
  } finally {
    restore();
  }
}

function describeFailure(outcomes: readonly RequestOutcome[], expected: number): string {
  const bad = outcomes.filter((o) => o.status !== expected);
  const first = bad[0];
  return `${bad.length} of ${outcomes.length} answers were not ${expected}${first ? `; first: ${first.status} ${first.body.slice(0, 300)}` : ''}`;
}

// --- Creation ------------------------------------------------------------------------------

async function benchCreation(url: string, org: Org): Promise<BenchResult[]> {
  const creator = org.advisors[0];
  if (!creator) throw new Error('no advisor');
  const token = await login(url, creator.email);
  const request: RequestSpec = {
    method: 'POST',
    path: '/api/v1/tickets',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject, body, member, category, language }),
  };
  const viaApi = async (count: number): Promise<Timed & { firstId: string }> => {
    const { outcomes, seconds } = await runRequests(
      url,
      Array.from({ length: count }, () => request),
      { concurrency: creation.concurrency, maxSeconds: creation.maxSeconds },
    );
    if (outcomes.some((o) => o.status !== 201)) throw new Error(`POST /api/v1/tickets: ${describeFailure(outcomes, 201)}`);
    const first = outcomes[0];
    if (!first) throw new Error('POST /api/v1/tickets: no answer');
    return { count: outcomes.length, seconds, latenciesMs: outcomes.map((o) => o.ms), firstId: ticketIdOf(first.body) };
  };

  // Relais warms up first: its ticket-number cache is then primed, and its first ticket gives the routing the baseline copies.
  const warm = await viaApi(creation.warmup);
  const sample = await TicketModel.findById(warm.firstId).lean<Ticket>();
  if (!sample) throw new Error(`ticket ${warm.firstId} was answered 201 but is not in the database`);
  const ack = await Outbox.collection.findOne({ ticket: sample._id });
  const template: CreationTemplate = {
    actor: creator,
    memberId: org.memberId,
    memberName: member.name,
    office: sample.office,
    memberOffice: sample.memberOffice ?? null,
    team: sample.team,
    routing: sample.routing,
    ack,
    content: { subject, body, category, language },
  };

  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  // What the baseline writes is checked against createTicket in CI (test/integration/bench-baseline.test.ts).
  let number = baselineNumberStart;
  const viaDriver = (count: number): Promise<Timed> =>
    bounded(count, creation.concurrency, async () => {
      number += 1;
      await writeBaselineCreation(db, creationDocuments(template, new Date()), number);
    });
  await viaDriver(creation.warmup);

  // Where the API's time goes: the same command without HTTP and without the sign-in check (the
  // staff and session reads), with what the route passes. Not the goal: it says how much is the
  // request around the command.
  const viaCommand = (count: number): Promise<Timed> =>
    bounded(count, creation.concurrency, async () => {
      await createTicket({ actor: creator, subject, body, member, channel: 'phone', category, language, office: creator.office, acknowledge: false });
    });

  // Baseline, API, command, command, API, baseline, in several rounds: each side sees the collections
  // at the same sizes on average, and a passing slowdown of the machine (a checkpoint, another
  // process) falls on all three instead of deciding the ratio.
  const phase = Math.floor(creation.tickets / creation.rounds / 2);
  const inRounds = async <K extends string>(sides: Record<K, (count: number) => Promise<Timed>>): Promise<Record<K, Timed[]>> => {
    const names = Object.keys(sides) as K[];
    const runs = Object.fromEntries(names.map((name) => [name, [] as Timed[]])) as Record<K, Timed[]>;
    for (let round = 0; round < creation.rounds; round += 1) {
      for (const name of [...names, ...[...names].reverse()]) runs[name].push(await sides[name](phase));
    }
    return runs;
  };
  const runs = await inRounds({ baseline: viaDriver, relais: viaApi, command: viaCommand });
  const relais = merge(runs.relais);
  const command = merge(runs.command);
  const baseline = merge(runs.baseline);
  // The same with the database on a core of its own (not the goal: the machine is shared as a small
  // installation shares it). On two cores the database and Relais compete for the CPU, and the
  // database's single writer is slowed by whatever else runs; this shows how much of the gap that is.
  const ownCores = await onCoresOfTheirOwn(async () => {
    const split = await inRounds({ baseline: viaDriver, relais: viaApi });
    return { relais: merge(split.relais), baseline: merge(split.baseline) };
  });
  const phases = (list: Timed[]): string => list.map((t) => t.seconds.toFixed(1)).join(' + ');
  console.log(
    `creation: Relais ${relais.count} tickets in ${relais.seconds.toFixed(1)} s (${phases(runs.relais)}), command alone ${command.count} in ${command.seconds.toFixed(1)} s, driver ${baseline.count} in ${baseline.seconds.toFixed(1)} s (${phases(runs.baseline)})`,
  );

  const members = await MemberModel.countDocuments();
  if (members !== 1) throw new Error(`expected the one existing member, found ${members}: the two sides did not do the same writes`);

  const benchmark = `create ticket (${creation.concurrency} in flight)`;
  const ownCoresRow: BenchResult[] = ownCores
    ? [
        {
          benchmark,
          metric: 'tickets/s, the database and Relais on a CPU each (taskset)',
          unit: '/s',
          relais: ownCores.relais.count / ownCores.relais.seconds,
          baseline: ownCores.baseline.count / ownCores.baseline.seconds,
          higherIsBetter: true,
        },
      ]
    : [];
  return [
    {
      benchmark,
      metric: 'tickets/s',
      unit: '/s',
      relais: relais.count / relais.seconds,
      baseline: baseline.count / baseline.seconds,
      higherIsBetter: true,
      goal: 0.8,
    },
    {
      benchmark,
      metric: 'tickets/s, the command alone (no HTTP, no sign-in check)',
      unit: '/s',
      relais: command.count / command.seconds,
      baseline: baseline.count / baseline.seconds,
      higherIsBetter: true,
    },
    ...ownCoresRow,
    {
      benchmark,
      metric: 'p50 latency',
      unit: 'ms',
      relais: percentile(relais.latenciesMs, 50),
      baseline: percentile(baseline.latenciesMs, 50),
      higherIsBetter: false,
    },
    {
      benchmark,
      metric: 'p99 latency',
      unit: 'ms',
      relais: percentile(relais.latenciesMs, 99),
      baseline: percentile(baseline.latenciesMs, 99),
      higherIsBetter: false,
    },
  ];
}

// --- Claims --------------------------------------------------------------------------------

interface ClaimRun {
  attempts: number;
  seconds: number;
  latenciesMs: number[];
  winners: number;
  /** Tickets without exactly one 200, or whose stored holder/version/events disagree with it. */
  wrongTickets: number;
  conflicts: number;
  /** Answers other than 200 and 409, with a few examples. */
  others: number;
  examples: string[];
}

async function createTickets(org: Org, count: number): Promise<string[]> {
  const ids: string[] = [];
  await bounded(count, 10, async () => {
    const ticket = await createTicket({ actor: systemActor, subject, body, member, channel: 'phone', category, language, office: org.office });
    ids.push(String(ticket._id));
  });
  return ids;
}

/** Fires one claim per (ticket, claimer) pair, the claimers of one ticket one after the other in the list, and checks the outcome. */
async function claimRound(url: string, org: Org, tokens: readonly string[], ticketIds: readonly string[], claimersPerTicket: number): Promise<ClaimRun> {
  const pairs = ticketIds.flatMap((ticket, t) =>
    // Rotate who comes first, so no advisor is favoured by the order of the list.
    Array.from({ length: claimersPerTicket }, (_, k) => ({ ticket, advisor: (t + k) % tokens.length })),
  );
  const requests: RequestSpec[] = pairs.map(({ ticket, advisor }) => ({
    method: 'POST',
    path: `/api/v1/tickets/${ticket}/claim`,
    headers: { authorization: `Bearer ${tokens[advisor] ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ version: 1 }),
  }));
  const { outcomes, seconds } = await runRequests(url, requests, { concurrency: claims.concurrency, maxSeconds: claims.maxSeconds });
  if (outcomes.length !== requests.length) throw new Error(`claims: only ${outcomes.length} of ${requests.length} sent within ${claims.maxSeconds} s`);

  const winnersOf = new Map<string, number[]>(ticketIds.map((id) => [id, []]));
  let conflicts = 0;
  let others = 0;
  const examples: string[] = [];
  outcomes.forEach((o, i) => {
    const pair = pairs[i];
    if (!pair) return;
    if (o.status === 200) winnersOf.get(pair.ticket)?.push(pair.advisor);
    else if (o.status === 409) conflicts += 1;
    else {
      others += 1;
      if (examples.length < 3) examples.push(`${o.status} ${o.body.slice(0, 200)}`);
    }
  });

  const ids = ticketIds.map((id) => new Types.ObjectId(id));
  const stored = new Map((await TicketModel.find({ _id: { $in: ids } }, { assignee: 1, version: 1 }).lean()).map((t) => [String(t._id), t]));
  const claimEvents = await TicketEventModel.find({ ticket: { $in: ids }, seq: { $gte: 2 } }, { ticket: 1, seq: 1, type: 1 }).lean();
  const eventsOf = new Map<string, number>();
  for (const e of claimEvents) eventsOf.set(String(e.ticket), (eventsOf.get(String(e.ticket)) ?? 0) + 1);

  let wrongTickets = 0;
  let winners = 0;
  for (const [id, won] of winnersOf) {
    winners += won.length;
    const ticket = stored.get(id);
    const holder = won.length === 1 ? org.advisors[won[0] ?? -1] : undefined;
    const consistent =
      holder !== undefined && ticket !== undefined && String(ticket.assignee) === String(holder.id) && ticket.version === 2 && eventsOf.get(id) === 1;
    if (!consistent) {
      wrongTickets += 1;
      if (examples.length < 6)
        examples.push(
          `ticket ${id}: ${won.length} winner(s), stored assignee ${String(ticket?.assignee)} version ${ticket?.version}, ${eventsOf.get(id) ?? 0} event(s) after creation`,
        );
    }
  }
  return { attempts: outcomes.length, seconds, latenciesMs: outcomes.map((o) => o.ms), winners, wrongTickets, conflicts, others, examples };
}

async function benchClaims(url: string, org: Org): Promise<BenchResult[]> {
  const tokens = await Promise.all(org.advisors.map((a) => login(url, a.email)));
  // Each round starts from empty ticket collections holding only its own tickets: lookups scan whole
  // collections on the embedded database (see README), so both rounds must see the same sizes.
  const freshTickets = async (count: number): Promise<string[]> => {
    await Promise.all([TicketModel, MessageModel, TicketEventModel].map((m) => m.collection.deleteMany({})));
    return createTickets(org, count);
  };
  const warmIds = await freshTickets(claims.warmup);
  const warm = await claimRound(url, org, tokens, warmIds, 1);
  if (warm.winners !== warmIds.length) throw new Error(`claim warm-up: ${warm.winners} of ${warmIds.length} claims succeeded; ${warm.examples.join(' | ')}`);
  const uncontended = await claimRound(url, org, tokens, await freshTickets(claims.tickets), 1);
  const contended = await claimRound(url, org, tokens, await freshTickets(claims.tickets), claims.advisors);

  const expectedLosers = claims.tickets * (claims.advisors - 1);
  console.log(
    `claims: uncontended ${uncontended.attempts} in ${uncontended.seconds.toFixed(1)} s, contended ${contended.attempts} in ${contended.seconds.toFixed(1)} s`,
  );
  console.log(
    `claim race: ${claims.tickets} tickets × ${claims.advisors} advisors: ${contended.wrongTickets} ticket(s) with ≠ 1 winner (must be 0), ` +
      `${contended.winners} winners, ${contended.conflicts}/${expectedLosers} losers answered 409, ${contended.others} other answers` +
      `; uncontended: ${uncontended.winners}/${claims.tickets} succeeded, ${uncontended.wrongTickets} wrong, ${uncontended.others} other answers`,
  );
  for (const example of [...contended.examples, ...uncontended.examples]) console.log(`  ${example}`);

  const benchmark = `claim (${claims.advisors} racing vs 1, ${claims.concurrency} in flight)`;
  return [
    {
      benchmark,
      metric: 'claims attempted/s',
      unit: '/s',
      relais: contended.attempts / contended.seconds,
      baseline: uncontended.attempts / uncontended.seconds,
      higherIsBetter: true,
    },
    {
      benchmark,
      metric: 'successful claims/s',
      unit: '/s',
      relais: contended.winners / contended.seconds,
      baseline: uncontended.winners / uncontended.seconds,
      higherIsBetter: true,
    },
    {
      benchmark,
      metric: 'p99 latency',
      unit: 'ms',
      relais: percentile(contended.latenciesMs, 99),
      baseline: percentile(uncontended.latenciesMs, 99),
      higherIsBetter: false,
    },
    { benchmark, metric: 'tickets with ≠ 1 winner', unit: '', relais: contended.wrongTickets, baseline: uncontended.wrongTickets, higherIsBetter: false },
    { benchmark, metric: 'losers answered 409 (baseline: expected)', unit: '', relais: contended.conflicts, baseline: expectedLosers, higherIsBetter: true },
    { benchmark, metric: 'answers neither 200 nor 409', unit: '', relais: contended.others, baseline: uncontended.others, higherIsBetter: false },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-tickets-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'x'.repeat(40),
    CSRF_SECRET: 'y'.repeat(40),
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ level: 'silent' });
  const unlimited = { limit: 1e6, windowMs: 60_000 };

  await connectDatabase(await benchDatabaseUri(), `bench_tickets_${randomBytes(4).toString('hex')}`);
  let server: { url: string; close: () => Promise<void> } | undefined;
  try {
    await ensureIndexes();
    const org = await buildOrg();
    server = await listenLocal(http.createServer(createApp({ config, logger, api: { auth: { rateLimits: { perIp: unlimited, perAccount: unlimited } } } })));
    return [...(await benchCreation(server.url, org)), ...(await benchClaims(server.url, org))];
  } finally {
    await server?.close();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
