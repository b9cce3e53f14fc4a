/**
 * Live fan-out with 1,000 authenticated sockets.
 *
 * Relais runs in a child process (its real `createApp` + `attachRealtime`, production
 * configuration, no Redis), so its RSS is its own. 1,000 sockets, each with its own
 * session and access token (200 tier-1 advisors of one office, 5 sessions each), pass
 * the real handshake. A supervisor then changes a ticket's priority over HTTP; the
 * latency is from sending that request to each socket receiving the `ticket:update`.
 * The changes go round 40 tickets of the queue, so none collects a hundred events in a
 * few seconds (a ticket's document grows with its trail, and the command with it). 200
 * rounds: the p99 of 1,000 sockets × 50 rounds fell in the second-worst round, so one
 * outlier round on either side decided a run; over 200 it takes a few.
 *
 * Baseline: a bare Socket.io server in another child process, 1,000 sockets in one
 * room; an HTTP POST carrying the same payload makes it broadcast that payload. Same
 * trigger (one HTTP request from this process), same payload, same receivers: the
 * difference is what Relais does between the request and the emit (authentication,
 * the journaled command, loading and presenting the ticket, sequence numbers).
 * Rounds alternate baseline-first and Relais-first. Sockets connect over WebSocket.
 * The client sockets live in four worker threads (`fanout-clients.ts`), each timing its own.
 *
 * Both servers run from an esbuild bundle of this file under plain `node`, as a built
 * Relais runs, not under tsx (whose compiler would add some 35 MB to each RSS). For the
 * same reason only what the servers need is imported at the top; the load generator's
 * modules are imported inside `run()` and end up in chunks the children never load.
 */
import { clearRoutingCache } from '../server/routing/routing.service.js';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import type { ClientCommand, ClientReply } from './fanout-clients.js';
import type { TicketUpdateMessage } from '../server/realtime/protocol.js';
import type { BenchResult } from './lib.js';

const plan = {
  sockets: 1_000,
  loadThreads: 4,
  advisors: 200,
  tickets: 40,
  warmupRounds: 3,
  rounds: 200,
  connectBatch: 50,
  roundTimeoutMs: 15_000,
  rssBudgetMb: 256,
};
const secrets = { jwt: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url') };
const jwtSettings = { secret: secrets.jwt, issuer: 'relais', audience: 'relais-staff', accessTtl: 3600, sessionTtl: 12 * 3600 };
const thisFile = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- child processes

interface ChildMessage {
  port?: number;
  rss?: number;
  /** A `ticket:update` broadcast began (epoch ms). */
  emitted?: { key: string; at: number };
}

/** Runs in the child: `relais` (the real app) or `bare` (the baseline). Talks over IPC. */
async function serve(kind: string): Promise<void> {
  const send = (m: ChildMessage) => process.send?.(m);
  // When each `ticket:update` leaves for the sockets, on the clock both processes share (epoch ms,
  // sub-millisecond): the parent times the fan-out itself from there, apart from the command before it.
  const operator = Object.getPrototypeOf(new Server().of('/').to('probe')) as { emit: (ev: string, ...args: unknown[]) => boolean };
  const emit = operator.emit;
  operator.emit = function (this: unknown, ev: string, ...args: unknown[]) {
    if (ev === 'ticket:update') {
      const ticket = (args[0] as { ticket?: { id?: unknown; version?: unknown } } | undefined)?.ticket;
      if (typeof ticket?.version === 'number')
        send({ emitted: { key: `${String(ticket.id)}:${ticket.version}`, at: performance.timeOrigin + performance.now() } });
    }
    return emit.call(this, ev, ...args);
  };
  const stops: Array<() => Promise<void>> = [];
  let server: http.Server;
  if (kind === 'relais') {
    const [{ createApp }, { loadConfig }, { createLogger }, { attachRealtime }, { connectDatabase, disconnectDatabase }] = await Promise.all([
      import('../server/app.js'),
      import('../server/config.js'),
      import('../server/lib/logger.js'),
      import('../server/realtime/index.js'),
      import('../server/db/connection.js'),
    ]);
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://127.0.0.1',
      DATA_DIR: path.join(os.tmpdir(), 'relais-bench-fanout'),
      JWT_SECRET: process.env.FANOUT_JWT_SECRET,
      CSRF_SECRET: process.env.FANOUT_CSRF_SECRET,
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger({ level: 'silent' });
    await connectDatabase(process.env.FANOUT_MONGODB_URI ?? '', process.env.FANOUT_DB);
    server = http.createServer(createApp({ config, logger }));
    const realtime = await attachRealtime({ httpServer: server, config, logger });
    stops.push(
      () => realtime.close(),
      () => disconnectDatabase(),
    );
  } else {
    server = http.createServer();
    const io = new Server(server, { path: '/socket.io', serveClient: false });
    const room = io.of('/staff');
    room.on('connection', (socket) => void socket.join('queue'));
    server.on('request', (req, res) => {
      if (req.url?.startsWith('/socket.io')) return; // Socket.io answers those
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        room.to('queue').emit('ticket:update', JSON.parse(body) as unknown);
        res.writeHead(204).end();
      });
    });
    stops.push(() => io.close().then(() => undefined));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  send({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('message', (m: unknown) => {
    if (m === 'rss') send({ rss: process.memoryUsage().rss });
    if (m === 'stop') void Promise.allSettled(stops.map((stop) => stop())).then(() => process.exit(0));
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => process.exit(0));
}

interface Child {
  url: string;
  rss(): Promise<number>;
  /** When the broadcast of this ticket's version began (epoch ms), once the child has said so. */
  emittedAt(key: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Bundles this file for the children: plain ESM for `node`, packages left to
 * node_modules, lazily imported modules in chunks of their own. Written under
 * `.relais/` so that node_modules and the project root are found from it.
 */
async function bundleServers(): Promise<string> {
  const [{ build }, { projectRoot }] = await Promise.all([import('esbuild'), import('../server/lib/paths.js')]);
  const outdir = path.join(projectRoot, '.relais', 'bench-fanout');
  await build({
    entryPoints: [thisFile, path.join(path.dirname(thisFile), 'fanout-clients.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return path.join(outdir, `${path.basename(thisFile, '.ts')}.js`);
}

async function startChild(bundle: string, kind: 'relais' | 'bare', env: Record<string, string>): Promise<Child> {
  const child: ChildProcess = fork(bundle, ['serve', kind], {
    execArgv: [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const emitted = new Map<string, number>(); // `<ticket id>:<version>` → epoch ms
  const replies: Array<(m: ChildMessage) => void> = [];
  child.on('message', (m: ChildMessage) => {
    if (m.emitted) {
      if (!emitted.has(m.emitted.key)) emitted.set(m.emitted.key, m.emitted.at);
    } else replies.shift()?.(m);
  });
  const next = () =>
    new Promise<ChildMessage>((resolve, reject) => {
      replies.push(resolve);
      child.once('exit', (code) => reject(new Error(`${kind} server exited with code ${code}`)));
    });
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}`,
    rss: async () => {
      const reply = next();
      child.send('rss');
      return (await reply).rss ?? Number.NaN;
    },
    emittedAt: async (key) => {
      for (let waited = 0; !emitted.has(key); waited += 5) {
        if (waited > 5_000) throw new Error(`${kind} server never said when it broadcast ${key}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return emitted.get(key) as number;
    },
    stop: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}

// ---------------------------------------------------------------- load generator

/** The client sockets, spread over a few worker threads (`fanout-clients.ts` says why). */
interface LoadPool {
  /** Connects these sockets to one side; resolves with the seconds it took. */
  connect(side: Side, url: string, tokens: Array<string | undefined>, ready: 'hello' | 'connect'): Promise<number>;
  /** Listens on every socket of `side` for this version of this ticket; resolves when every socket is listening. */
  arm(side: Side, ticket: { id: string; version: number }, capture: boolean): Promise<{ received: Promise<Received> }>;
  close(): Promise<void>;
}
type Side = 'relais' | 'bare';
interface Received {
  /** Each socket's receipt, in epoch ms. */
  at: number[];
  payload?: TicketUpdateMessage;
}

async function startLoadPool(bundleDir: string, threads: number): Promise<LoadPool> {
  const { Worker } = await import('node:worker_threads');
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(path.join(bundleDir, 'fanout-clients.js'), { workerData: { role: 'fanout-clients' } });
    const waiting = new Map<ClientReply['type'], Array<(m: ClientReply) => void>>();
    const failures: Array<(error: Error) => void> = [];
    worker.on('message', (m: ClientReply) => {
      if (m.type === 'failed') for (const fail of failures.splice(0)) fail(new Error(m.message));
      else waiting.get(m.type)?.shift()?.(m);
    });
    worker.on('error', (error) => failures.splice(0).forEach((fail) => fail(error)));
    /** Waits for the worker's next answer of this type (registered before the command that causes it is sent). */
    const next = <T extends ClientReply['type']>(answer: T) =>
      new Promise<Extract<ClientReply, { type: T }>>((resolve, reject) => {
        const queue = waiting.get(answer) ?? [];
        waiting.set(answer, queue);
        queue.push((m) => resolve(m as Extract<ClientReply, { type: T }>));
        failures.push(reject);
      });
    const send = (command: ClientCommand) => worker.postMessage(command);
    return { worker, next, send };
  });
  const shareOf = <T>(list: T[], k: number) => list.filter((_, i) => i % threads === k);
  return {
    async connect(side, url, tokens, ready) {
      const started = performance.now();
      const connected = workers.map(({ next }) => next('connected'));
      workers.forEach(({ send }, k) => send({ type: 'connect', side, url, tokens: shareOf(tokens, k), ready, batch: plan.connectBatch }));
      await Promise.all(connected);
      return (performance.now() - started) / 1000;
    },
    async arm(side, ticket, capture) {
      const armed = workers.map(({ next }) => next('armed'));
      const received = workers.map(({ next }) => next('received'));
      workers.forEach(({ send }, k) => send({ type: 'arm', side, ...ticket, capture: capture && k === 0 }));
      await Promise.all(armed);
      const all = Promise.all(received);
      const timeout = new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error(`not every ${side} socket got version ${ticket.version} of ${ticket.id}`)), plan.roundTimeoutMs);
        void all.finally(() => clearTimeout(timer));
      });
      const settled = Promise.race([
        all.then((replies) => ({ at: replies.flatMap((r) => r.at), ...(replies[0]?.payload ? { payload: replies[0].payload } : {}) })),
        timeout,
      ]);
      settled.catch(() => undefined); // awaited by the caller; never left unhandled meanwhile
      return { received: settled };
    },
    async close() {
      const closed = workers.map(({ next }) => next('closed').catch(() => undefined));
      workers.forEach(({ send }) => send({ type: 'close' }));
      await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 5_000))]);
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}

interface Round {
  /** Per-socket delivery latency in ms. */
  latencies: number[];
  /** Per-socket delivery latency from the moment the broadcast began, in ms. */
  fromEmit: number[];
  /** When the first socket had it: what passed before the fan-out began. */
  firstMs: number;
  /** When the last socket had it. */
  lastMs: number;
}

/** Starts `trigger`, and times each socket's first `ticket:update` with this version, from the request and from the broadcast. */
async function measure(
  pool: LoadPool,
  side: Side,
  ticket: { id: string; version: number },
  trigger: () => Promise<void>,
  server: Child,
): Promise<Round & { payload?: TicketUpdateMessage }> {
  const { received } = await pool.arm(side, ticket, side === 'relais');
  const t0 = performance.timeOrigin + performance.now();
  const [, { at, payload }] = await Promise.all([trigger(), received]);
  const emittedAt = await server.emittedAt(`${ticket.id}:${ticket.version}`);
  const latencies = at.map((time) => time - t0);
  return {
    latencies,
    fromEmit: at.map((time) => time - emittedAt),
    firstMs: Math.min(...latencies),
    lastMs: Math.max(...latencies),
    ...(payload ? { payload } : {}),
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

// ---------------------------------------------------------------- the bench

async function seed(): Promise<{ tokens: string[]; supervisorToken: string; tickets: Array<{ id: string; version: number }> }> {
  const [{ Types }, { signAccessToken }, { SessionModel }, { OfficeModel }, { StaffModel }, { TeamModel }, { systemActor }, { createTicket }] =
    await Promise.all([
      import('mongoose'),
      import('../server/auth/tokens.js'),
      import('../server/auth/session.model.js'),
      import('../server/offices/office.model.js'),
      import('../server/staff/staff.model.js'),
      import('../server/teams/team.model.js'),
      import('../server/auth/actor.js'),
      import('../server/tickets/ticket.create.js'),
    ]);
  type Id = InstanceType<typeof Types.ObjectId>;
  const office = await OfficeModel.create({ code: 'fanout', name: 'Fan-out', isDefault: true });
  const team = await TeamModel.create({ code: 'fanout-conseil', name: 'Conseil Fan-out', tier: 1, office: office._id });
  await TeamModel.create({ code: 'fanout-soutien', name: 'Équipe de soutien', tier: 2 });
  await TeamModel.create({ code: 'fanout-administratif', name: 'Équipe administrative', tier: 3 });
  clearRoutingCache(); // this process may have cached another bench's teams
  const staff = (roles: string[], i: number) => ({
    _id: new Types.ObjectId(),
    name: `Agent ${i}`,
    email: `agent.${i}@fanout.bench`,
    passwordHash: 'not-used',
    roles,
    team: roles.includes('advisor') ? team._id : null,
    office: office._id,
  });
  const advisors = Array.from({ length: plan.advisors }, (_, i) => staff(['advisor'], i));
  const supervisor = staff(['supervisor'], plan.advisors);
  await StaffModel.insertMany([...advisors, supervisor]);
  const expiresAt = new Date(Date.now() + jwtSettings.sessionTtl * 1000);
  const session = (staffId: Id) => ({
    _id: new Types.ObjectId(),
    staff: staffId,
    tokenVersion: 0,
    expiresAt,
    lastUsedAt: new Date(),
    refreshTokenHash: randomBytes(32).toString('hex'),
  });
  const sessions = Array.from({ length: plan.sockets }, (_, i) => session(advisors[i % advisors.length]?._id ?? supervisor._id));
  const supervisorSession = session(supervisor._id);
  await SessionModel.insertMany([...sessions, supervisorSession]);
  const sign = (s: { _id: Id; staff: Id }) => signAccessToken(jwtSettings, { staffId: String(s.staff), sessionId: String(s._id), tokenVersion: 0 }).token;
  const tickets: Array<{ id: string; version: number }> = [];
  for (let i = 0; i < plan.tickets; i += 1) {
    const ticket = await createTicket({
      actor: systemActor,
      subject: `Fiche de paie de mars incorrecte (${i + 1})`,
      body: 'Le montant net ne correspond pas.',
      member: { name: 'Claire Martin', email: 'claire.martin@fanout.bench' },
      channel: 'phone',
      office: office._id,
    });
    tickets.push({ id: String(ticket._id), version: ticket.version });
  }
  return { tokens: sessions.map(sign), supervisorToken: sign(supervisorSession), tickets };
}

export async function run(): Promise<BenchResult[]> {
  const [{ benchDatabaseUri, percentile }, { connectDatabase, disconnectDatabase, ensureIndexes }, { default: mongoose }] = await Promise.all([
    import('./lib.js'),
    import('../server/db/connection.js'),
    import('mongoose'),
    import('../server/models.js'),
  ]);
  const bundle = await bundleServers();
  const uri = await benchDatabaseUri();
  const dbName = `bench_fanout_${randomBytes(4).toString('hex')}`;
  await connectDatabase(uri, dbName);
  const children: Child[] = [];
  let pool: LoadPool | undefined;
  try {
    await ensureIndexes();
    const { tokens, supervisorToken, tickets } = await seed();
    const relais = await startChild(bundle, 'relais', {
      FANOUT_MONGODB_URI: uri,
      FANOUT_DB: dbName,
      FANOUT_JWT_SECRET: secrets.jwt,
      FANOUT_CSRF_SECRET: secrets.csrf,
    });
    children.push(relais);
    const bare = await startChild(bundle, 'bare', {});
    children.push(bare);

    pool = await startLoadPool(path.dirname(bundle), plan.loadThreads);
    const load = pool;
    const connectSeconds = {
      bare: await load.connect(
        'bare',
        bare.url,
        Array.from({ length: plan.sockets }, () => undefined),
        'connect',
      ),
      relais: await load.connect('relais', relais.url, tokens, 'hello'),
    };
    const rssAfterConnect = { relais: await relais.rss(), bare: await bare.rss() };

    let rounds = 0;
    let payload: TicketUpdateMessage | undefined;
    const relaisRound = async (): Promise<Round> => {
      const ticket = tickets[rounds++ % tickets.length] as (typeof tickets)[number];
      const expected = ticket.version + 1;
      const round = await measure(
        load,
        'relais',
        { id: ticket.id, version: expected },
        async () => {
          await post(
            `${relais.url}/api/v1/tickets/${ticket.id}/update`,
            { version: ticket.version, priority: expected % 2 === 0 ? 'high' : 'normal' },
            { authorization: `Bearer ${supervisorToken}` },
          );
        },
        relais,
      );
      ticket.version = expected;
      payload = round.payload ?? payload;
      return round;
    };
    let bareVersion = 0;
    const bareRound = async (): Promise<Round> => {
      if (!payload) throw new Error('no Relais payload captured yet');
      bareVersion += 1;
      const body = { ...payload, ticket: { ...payload.ticket, version: bareVersion } };
      return measure(
        load,
        'bare',
        { id: payload.ticket.id, version: bareVersion },
        async () => {
          await post(`${bare.url}/broadcast`, body);
        },
        bare,
      );
    };

    for (let i = 0; i < plan.warmupRounds; i += 1) {
      await relaisRound();
      await bareRound();
    }
    const measured = { relais: [] as Round[], bare: [] as Round[] };
    for (let i = 0; i < plan.rounds; i += 1) {
      if (i % 2 === 0) {
        measured.bare.push(await bareRound());
        measured.relais.push(await relaisRound());
      } else {
        measured.relais.push(await relaisRound());
        measured.bare.push(await bareRound());
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const rssRelais = Math.max(rssAfterConnect.relais, await relais.rss()) / 2 ** 20;
    const rssBare = Math.max(rssAfterConnect.bare, await bare.rss()) / 2 ** 20;

    const all = (rounds: Round[]) => rounds.flatMap((r) => r.latencies);
    const fromEmit = (rounds: Round[]) => rounds.flatMap((r) => r.fromEmit);
    const first = (rounds: Round[]) => rounds.map((r) => r.firstMs);
    const last = (rounds: Round[]) => rounds.map((r) => r.lastMs);
    const benchmark = `fan-out to ${plan.sockets.toLocaleString('en-US')} sockets`;
    const row = (metric: string, unit: string, relaisValue: number, baseline: number, goal?: number): BenchResult => ({
      benchmark,
      metric,
      unit,
      relais: relaisValue,
      baseline,
      higherIsBetter: false,
      ...(goal ? { goal } : {}),
    });
    return [
      row('p50 command → each socket', 'ms', percentile(all(measured.relais), 50), percentile(all(measured.bare), 50)),
      row('p99 command → each socket', 'ms', percentile(all(measured.relais), 99), percentile(all(measured.bare), 99), 0.67),
      row('p50 command → every socket', 'ms', percentile(last(measured.relais), 50), percentile(last(measured.bare), 50)),
      row('p99 command → every socket', 'ms', percentile(last(measured.relais), 99), percentile(last(measured.bare), 99), 0.67),
      row('p50 command → first socket', 'ms', percentile(first(measured.relais), 50), percentile(first(measured.bare), 50)),
      // The fan-out itself: from the broadcast to each socket (the command before it is in the rows above).
      row('p50 broadcast → each socket', 'ms', percentile(fromEmit(measured.relais), 50), percentile(fromEmit(measured.bare), 50)),
      row('p99 broadcast → each socket', 'ms', percentile(fromEmit(measured.relais), 99), percentile(fromEmit(measured.bare), 99), 0.67),
      row('connect all sockets', 's', connectSeconds.relais, connectSeconds.bare),
      row('server RSS vs bare Socket.io', 'MB', rssRelais, rssBare),
      row('server RSS vs 256 MB budget', 'MB', rssRelais, plan.rssBudgetMb, 1),
    ];
  } finally {
    await pool?.close();
    await Promise.allSettled(children.map((c) => c.stop()));
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.argv[2] === 'serve') await serve(process.argv[3] ?? 'bare');
