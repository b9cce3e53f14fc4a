/**
 * Everything a client sends goes through one door: rate limit (token bucket per
 * socket), then a known event name, then its zod schema, then the handler. Unknown
 * and forged events, bad payloads and floods are dropped and logged (sampled, so a
 * flood cannot flood the logs); a socket that keeps flooding is disconnected.
 */
import type { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import type { Presence } from './presence.js';
import { clientEventSchemas, type Ack, type AckErrorCode, type ClientEventName, type Streams } from './protocol.js';
import { TokenBucket, type RateLimit } from './rate-limit.js';
import type { StaffSocket } from './types.js';

export interface ClientEventsOptions {
  presence: Presence;
  logger: Logger;
  rateLimit: RateLimit;
  streams(socket: StaffSocket): Promise<Streams>;
}

type Reply = (reply: Ack<object>) => void;

const logWindowMs = 10_000;
const logsPerWindow = 10;
/** Dropped events in one window after which the socket is closed. */
const dropsBeforeDisconnect = 200;

const isKnown = (name: string): name is ClientEventName => Object.hasOwn(clientEventSchemas, name);

type Outcome = Ack<object> | 'forged' | { invalid: string[] };

interface Handler {
  /** Validates the payload, then runs: the ack to send, 'forged' for a well-formed event this socket has no business sending. */
  handle(socket: StaffSocket, payload: unknown): Promise<Outcome>;
}

// Ties each schema to its handler, so the payload type follows the event name.
function handler<S extends z.ZodType>(schema: S, run: (socket: StaffSocket, payload: z.infer<S>) => Promise<Ack<object> | 'forged'>): Handler {
  return {
    handle: async (socket, payload) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return { invalid: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`) };
      return run(socket, parsed.data);
    },
  };
}

function eventHandlers(options: ClientEventsOptions) {
  const { presence } = options;
  return {
    'ticket:watch': handler(clientEventSchemas['ticket:watch'], (socket, { ticketId }) => presence.watch(socket, ticketId)),
    'ticket:unwatch': handler(clientEventSchemas['ticket:unwatch'], (socket, { ticketId }) => {
      presence.unwatch(socket, ticketId);
      return Promise.resolve({ ok: true });
    }),
    'ticket:typing': handler(clientEventSchemas['ticket:typing'], (socket, { ticketId, typing }) =>
      Promise.resolve(presence.typing(socket, ticketId, typing) ? { ok: true } : 'forged'),
    ),
    sync: handler(clientEventSchemas.sync, async (socket) => ({ ok: true, ...(await options.streams(socket)) })),
  } satisfies Record<ClientEventName, Handler>;
}

/** Returns the function that wires one socket's incoming events. */
export function clientEvents(options: ClientEventsOptions): (socket: StaffSocket) => void {
  const handlers = eventHandlers(options);
  return (socket) => handleClientEvents(socket, handlers, options);
}

function handleClientEvents(socket: StaffSocket, handlers: ReturnType<typeof eventHandlers>, options: ClientEventsOptions): void {
  const { logger } = options;
  const bucket = new TokenBucket(options.rateLimit);
  let window = { start: Date.now(), drops: 0, logged: 0 };

  function drop(reason: AckErrorCode | 'forged', event: string, reply: Reply | undefined, detail?: object): void {
    if (Date.now() - window.start > logWindowMs) {
      if (window.drops > window.logged)
        logger.warn({ socket: socket.id, staff: socket.data.staffId, dropped: window.drops - window.logged }, 'realtime: more client events dropped');
      window = { start: Date.now(), drops: 0, logged: 0 };
    }
    window.drops += 1;
    if (window.logged < logsPerWindow) {
      window.logged += 1;
      logger.warn({ socket: socket.id, staff: socket.data.staffId, event: event.slice(0, 64), reason, ...detail }, 'realtime: client event dropped');
    }
    reply?.({ ok: false, error: { code: reason === 'forged' ? 'not_found' : reason } });
    if (window.drops >= dropsBeforeDisconnect) {
      logger.warn({ socket: socket.id, staff: socket.data.staffId }, 'realtime: socket disconnected for flooding');
      socket.disconnect(true);
    }
  }

  async function dispatch(event: ClientEventName, payload: unknown, reply: Reply | undefined): Promise<void> {
    const outcome = await handlers[event].handle(socket, payload);
    if (outcome === 'forged') drop('forged', event, reply, { payload });
    else if ('invalid' in outcome) drop('validation_failed', event, reply, { issues: outcome.invalid });
    else reply?.(outcome);
  }

  socket.onAny((event: unknown, ...args: unknown[]) => {
    const reply = typeof args.at(-1) === 'function' ? (args.pop() as Reply) : undefined;
    const name = typeof event === 'string' ? event : String(event);
    if (!bucket.take()) return drop('rate_limited', name, reply);
    if (!isKnown(name)) return drop('unknown_event', name, reply);
    if (args.length > 1) return drop('validation_failed', name, reply, { why: 'one payload argument expected' });
    dispatch(name, args[0], reply).catch((error: unknown) => {
      logger.error({ err: error, socket: socket.id, event: name }, 'realtime: client event failed');
      reply?.({ ok: false, error: { code: 'internal' } });
    });
  });
}
