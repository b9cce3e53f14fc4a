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
import type { Socket } from 'socket.io-client';
import type { TicketUpdateMessage } from '../server/realtime/protocol.js';
import type { BenchResult } from './lib.js';

const plan = { sockets: 1_000, advisors: 200, tickets: 40, warmupRounds: 3, rounds: 200, connectBatch: 50, roundTimeoutMs: 15_000, rssBudgetMb: 256 };
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
    entryPoints: [thisFile],
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

type Client = Socket;

/** Connects `count` sockets in batches; resolves when every one is ready (hello for Relais). */
async function connectAll(
  url: string,
  count: number,
  tokenOf: (i: number) => string | undefined,
  ready: 'hello' | 'connect',
): Promise<{ clients: Client[]; seconds: number }> {
  const { io: connectClient } = await import('socket.io-client');
  const clients: Client[] = [];
  const started = performance.now();
  for (let from = 0; from < count; from += plan.connectBatch) {
    const batch = Array.from({ length: Math.min(plan.connectBatch, count - from) }, (_, k) => {
      const token = tokenOf(from + k);
      const socket = connectClient(`${url}/staff`, {
        path: '/socket.io',
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        ...(token ? { auth: { token } } : {}),
      });
      clients.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once(ready, () => resolve());
        socket.once('connect_error', (error: Error) => reject(new Error(`socket ${from + k}: ${error.message}`)));
      });
    });
    await Promise.all(batch);
  }
  return { clients, seconds: (performance.now() - started) / 1000 };
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

/** Starts `trigger`, and times each socket's first `ticket:update` with `version`. */
async function measure(clients: Client[], ticket: { id: string; version: number }, trigger: () => Promise<void>, server: Child): Promise<Round> {
  const { id, version } = ticket;
  const latencies: number[] = [];
  const receivedAt: number[] = [];
  let t0 = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${latencies.length} of ${clients.length} sockets got version ${version} of ${id}`)),
      plan.roundTimeoutMs,
    );
    for (const socket of clients) {
      const listener = (m: TicketUpdateMessage) => {
        if (m.ticket.version !== version || m.ticket.id !== id) return;
        socket.off('ticket:update', listener);
        const now = performance.now();
        latencies.push(now - t0);
        receivedAt.push(performance.timeOrigin + now);
        if (latencies.length === clients.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      socket.on('ticket:update', listener);
    }
  });
  t0 = performance.now();
  await Promise.all([trigger(), done]);
  const emittedAt = await server.emittedAt(`${id}:${version}`);
  return { latencies, fromEmit: receivedAt.map((at) => at - emittedAt), firstMs: Math.min(...latencies), lastMs: Math.max(...latencies) };
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
  const clients: Client[] = [];
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

    const bareConnect = await connectAll(bare.url, plan.sockets, () => undefined, 'connect');
    clients.push(...bareConnect.clients);
    const relaisConnect = await connectAll(relais.url, plan.sockets, (i) => tokens[i], 'hello');
    clients.push(...relaisConnect.clients);
    const rssAfterConnect = { relais: await relais.rss(), bare: await bare.rss() };

    let rounds = 0;
    let payload: TicketUpdateMessage | undefined;
    const relaisRound = async (): Promise<Round> => {
      const ticket = tickets[rounds++ % tickets.length] as (typeof tickets)[number];
      const expected = ticket.version + 1;
      const catchPayload = (m: TicketUpdateMessage) => (payload = m);
      relaisConnect.clients[0]?.once('ticket:update', catchPayload);
      const round = await measure(
        relaisConnect.clients,
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
      return round;
    };
    let bareVersion = 0;
    const bareRound = async (): Promise<Round> => {
      if (!payload) throw new Error('no Relais payload captured yet');
      bareVersion += 1;
      const body = { ...payload, ticket: { ...payload.ticket, version: bareVersion } };
      return measure(
        bareConnect.clients,
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
      row('connect all sockets', 's', relaisConnect.seconds, bareConnect.seconds),
      row('server RSS vs bare Socket.io', 'MB', rssRelais, rssBare),
      row('server RSS vs 256 MB budget', 'MB', rssRelais, plan.rssBudgetMb, 1),
    ];
  } finally {
    for (const socket of clients) socket.disconnect();
    await Promise.allSettled(children.map((c) => c.stop()));
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.argv[2] === 'serve') await serve(process.argv[3] ?? 'bare');
