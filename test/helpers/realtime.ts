/**
 * The real app and the live layer on a loopback port, and socket.io-client helpers
 * for the realtime tests: connect with a token or cookie, wait for an event, collect
 * events, and a logger whose lines the test can read.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import pino from 'pino';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { Config } from '../../server/config.js';
import type { DomainEvents } from '../../server/lib/domain-events.js';
import type { Logger } from '../../server/lib/logger.js';
import { attachRealtime, type Realtime, type RealtimeOptions } from '../../server/realtime/index.js';
import { namespaceName, socketPath, type ClientToServerEvents, type ServerToClientEvents } from '../../server/realtime/protocol.js';
import { silentLogger, testConfig } from './config.js';
import { useTestDatabase } from './db.js';
import { buildOrg, type Org } from './factories.js';
import { login, testApp } from './http.js';

export type TestSocket = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveServer {
  url: string;
  app: Express;
  config: Config;
  realtime: Realtime;
  close(): Promise<void>;
}

export interface LiveServerOptions extends Partial<Pick<RealtimeOptions, 'recheckIntervalMs' | 'rateLimit' | 'typingTtlMs'>> {
  config?: Config;
  logger?: Logger;
  events?: DomainEvents;
}

/** `createApp` + `attachRealtime` on one HTTP server, as `server/index.ts` runs them. */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const config = options.config ?? testConfig();
  const app = testApp(config);
  const httpServer = http.createServer(app);
  const { config: _c, logger, events, ...rest } = options;
  const realtime = await attachRealtime({ httpServer, config, logger: logger ?? silentLogger, ...(events ? { events } : {}), ...rest });
  // Port 0: the kernel chooses while listening, so no other process can take it in between.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    realtime,
    async close() {
      await realtime.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

export interface ConnectOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Automatic reconnection; off by default so a refused socket stays refused. */
  reconnection?: boolean;
}

/** A client on the `/staff` namespace over WebSocket, as the browser uses it. */
export function connect(url: string, options: ConnectOptions = {}): TestSocket {
  return connectClient(`${url}${namespaceName}`, {
    path: socketPath,
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    ...(options.token ? { auth: { token: options.token } } : {}),
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
}

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** The next `event` on the socket (matching `filter`), or a rejection after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  filter: (m: Args<E>) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Args<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: Args<E>) => {
      if (!filter(message)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(message);
    };
    socket.on(event, listener as never);
  });
}

/** Every `event` the socket receives from now on. */
export function collect<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Args<E>[] {
  const seen: Args<E>[] = [];
  socket.on(event, ((message: Args<E>) => seen.push(message)) as never);
  return seen;
}

/** Resolves once connected (with the hello), rejects with the connect_error. */
export async function connected(socket: TestSocket): Promise<Args<'hello'>> {
  const hello = nextEvent(socket, 'hello');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return hello;
}

/** The connect_error a refused handshake gets. */
export function refused(socket: TestSocket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check()` is true, polling. */
export async function until(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A logger whose records the test can read. */
export function captureLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

export type StaffKey = keyof Org['staff'];

export interface LiveFixture {
  org: Org;
  server: LiveServer;
  /** A Bearer token (a session of its own) for each staff member of the org. */
  tokens: Record<StaffKey, string>;
  /** What the live layer logged. */
  records: Array<Record<string, unknown>>;
  /** A socket closed after the test. */
  open(options: ConnectOptions): TestSocket;
  /** A connected socket of that staff member, with its hello. */
  as(who: StaffKey, options?: { reconnection?: boolean }): Promise<{ socket: TestSocket; hello: Args<'hello'> }>;
}

/**
 * For a test file: its database, `buildOrg()`, a live server (quick session re-checks and
 * typing expiry), a token per staff member, and sockets closed after each test.
 */
export function useLiveServer(options: LiveServerOptions = {}): LiveFixture {
  useTestDatabase();
  const log = captureLogger();
  const opened: TestSocket[] = [];
  const fixture = {
    tokens: {} as Record<StaffKey, string>,
    records: log.records,
    open(connectOptions: ConnectOptions) {
      const socket = connect(fixture.server.url, connectOptions);
      opened.push(socket);
      return socket;
    },
    async as(who: StaffKey, extra: { reconnection?: boolean } = {}) {
      const socket = fixture.open({ token: fixture.tokens[who], ...extra });
      return { socket, hello: await connected(socket) };
    },
  } as LiveFixture;
  before(async () => {
    fixture.org = await buildOrg();
    fixture.server = await startLiveServer({ logger: log.logger, recheckIntervalMs: 250, typingTtlMs: 400, ...options });
    for (const [key, actor] of Object.entries(fixture.org.staff)) fixture.tokens[key as StaffKey] = await login(fixture.server.app, actor.email);
  });
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.disconnect();
  });
  after(async () => {
    await fixture.server?.close();
  });
  return fixture;
}
