/**
 * The live layer: Socket.io on the HTTP server, namespace `/staff` (docs/REALTIME.md).
 * `index.ts` calls `attachRealtime` once the HTTP server exists and `close()` first on
 * shutdown. With `REDIS_URL`, emits and sequence numbers are shared between instances
 * (`@socket.io/redis-adapter`); without it one instance needs nothing else.
 */
import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { createAuthService, type AuthService } from '../auth/auth.service.js';
import type { Config } from '../config.js';
import { domainEvents as defaultEvents, type DomainEvents } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { clientEvents } from './client-events.js';
import { createPresence } from './presence.js';
import { cachedNames } from './presenter.js';
import { namespaceName, socketPath, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './protocol.js';
import { createPublisher } from './publisher.js';
import { defaultRateLimit, type RateLimit } from './rate-limit.js';
import { rooms } from './rooms.js';
import { memorySequencer, redisSequencer } from './sequencer.js';
import { createSessionGuard } from './session.js';
import type { RealtimeServer, StaffSocket } from './types.js';

export type { RealtimeServer } from './types.js';

export interface RealtimeOptions {
  httpServer: http.Server;
  config: Config;
  logger: Logger;
  /** The domain events to publish from (tests give a second instance its own, silent bus). */
  events?: DomainEvents;
  auth?: AuthService;
  /** How often the sessions of open sockets are re-checked (deactivation, role changes). Default 60 s. */
  recheckIntervalMs?: number;
  rateLimit?: RateLimit;
  /** How long `typing: true` lasts unless repeated. Default 8 s. */
  typingTtlMs?: number;
}

export interface Realtime {
  io: RealtimeServer;
  /** Ids of staff with a live socket on any instance; null once closed. */
  onlineStaffIds(): Promise<Set<string> | null>;
  /** Closes every socket (clients reconnect and resync), the adapter and Redis. Leaves the HTTP server to its owner. */
  close(): Promise<void>;
}

/** `redis://user:secret@host` → `redis://user:***@host`, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

async function connectRedis(url: string, logger: Logger, timeoutMs = 10_000) {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // node-redis reconnects on its own after a lost connection; say so, without a stack per retry.
  for (const [role, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    client.on('error', (error: Error) => logger.warn({ role, error: error.message }, 'realtime: Redis connection problem'));
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([pub.connect(), sub.connect()]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redacted(url)} did not answer within ${timeoutMs / 1000} s.`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    pub.destroy();
    sub.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { pub, sub };
}

/** Starts Socket.io on the HTTP server and subscribes the publisher to the domain events. */
export async function attachRealtime(options: RealtimeOptions): Promise<Realtime> {
  const { config } = options;
  const logger = options.logger.child({ component: 'realtime' });
  const events = options.events ?? defaultEvents;
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  let closing = false;

  const io: RealtimeServer = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(options.httpServer, {
    path: socketPath,
    serveClient: false,
    // Client events are a few dozen bytes; nothing legitimate comes near this.
    maxHttpBufferSize: 32 * 1024,
    allowRequest: (_req, callback) => callback(closing ? 'shutting down' : null, !closing),
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub, { key: 'relais:socket.io' }) } : {}),
  });
  // Only `/staff` is served; the default namespace refuses everyone.
  io.use((_socket, next) => next(new Error('not_found')));
  const nsp = io.of(namespaceName);

  const sequencer = redis ? redisSequencer(redis.pub) : memorySequencer();
  const presence = createPresence({ nsp, logger, typingTtlMs: options.typingTtlMs ?? 8_000, maxWatched: 20 });
  const guard = createSessionGuard({
    nsp,
    auth: options.auth ?? createAuthService(config.jwt),
    logger,
    publicUrl: config.publicUrl,
    recheckIntervalMs: options.recheckIntervalMs ?? 60_000,
  });
  const publisher = createPublisher({ nsp, sequencer, names: cachedNames(), presence, logger });
  const streamsOf = async (socket: StaffSocket) => ({
    streams: await sequencer.current(socket.data.streams),
    expiresAt: new Date(socket.data.expiresAt).toISOString(),
  });
  const wire = clientEvents({ presence, logger, rateLimit: options.rateLimit ?? defaultRateLimit, streams: streamsOf });

  nsp.use((socket, next) => void guard.authenticate(socket, next));
  nsp.on('connection', (socket) => {
    guard.track(socket);
    // The private session room at once, so a logout from now on reaches this socket.
    socket.join(rooms.session(socket.data.sessionId));
    wire(socket);
    socket.on('disconnecting', () => presence.leaving(socket));
    void (async () => {
      try {
        const { streams, expiresAt } = await streamsOf(socket);
        if (socket.disconnected) return;
        // Numbers read first, then join and hello in one synchronous step, so nothing reaches
        // the socket before `hello`. A change numbered after the read but sent before the join
        // is in the snapshot the client fetches after `hello`; the next message shows a gap.
        socket.join(socket.data.streams);
        socket.emit('hello', { streams, expiresAt, staff: { id: socket.data.staffId, name: socket.data.name } });
      } catch (error) {
        logger.error({ err: error }, 'realtime: could not greet a socket');
        socket.disconnect(true);
      }
    })();
  });

  const unsubscribe = [
    events.subscribe('ticket.changed', ({ ticketId, seq }) => publisher.publish(ticketId, seq)),
    events.subscribe('ticket.created', ({ ticketId }) => publisher.publish(ticketId, 1)),
    events.subscribe('sla.alert', (alert) => publisher.alert(alert)),
    events.subscribe('auth.revoked', (target) => guard.revoke(target)),
  ];
  logger.info({ redis: Boolean(redis) }, 'realtime: listening on the /staff namespace');

  return {
    io,
    async onlineStaffIds() {
      if (closing) return null;
      return new Set((await nsp.fetchSockets()).map((s) => s.data.staffId));
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const stop of unsubscribe) stop();
      publisher.close();
      guard.close();
      presence.close();
      // Closing the transports (not `disconnect()`) makes clients reconnect by themselves,
      // to another instance or to this one once restarted, and resync there.
      io.engine.close();
      await Promise.allSettled([nsp.adapter.close(), io.of('/').adapter.close()]);
      if (redis) await Promise.allSettled([redis.sub.close(), redis.pub.close()]);
    },
  };
}
