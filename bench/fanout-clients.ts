/**
 * The fan-out bench's load generator: one worker thread holding a share of the client
 * sockets, timing each socket's message on its own clock.
 *
 * 1,000 sockets in the bench's own thread made it the slowest party: a major garbage
 * collection of its heap (6–30 ms, several a run) held every socket's message while the
 * servers had long sent it, and the p99 of a run was set by those pauses rather than by
 * either server. Spread over a few threads, each with a small heap of its own, a pause
 * holds only that thread's share, and each receipt is stamped in epoch milliseconds
 * (sub-millisecond, the clock both servers and every thread share) the moment its
 * thread sees it.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { TicketUpdateMessage } from '../server/realtime/protocol.js';

/** What the parent sends a load worker. */
export type ClientCommand =
  | { type: 'connect'; side: string; url: string; tokens: Array<string | undefined>; ready: 'hello' | 'connect'; batch: number }
  /** Listen for this version of this ticket on one side's sockets; `capture` sends back the first message. */
  | { type: 'arm'; side: string; id: string; version: number; capture: boolean }
  | { type: 'close' };

/** What a load worker answers. */
export type ClientReply =
  | { type: 'connected'; side: string }
  | { type: 'armed' }
  /** Each socket's receipt of the armed version, in epoch ms. */
  | { type: 'received'; at: number[]; payload?: TicketUpdateMessage }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

const now = () => performance.timeOrigin + performance.now();

function serveClients(port: NonNullable<typeof parentPort>): void {
  const sides = new Map<string, Socket[]>();
  const reply = (m: ClientReply) => port.postMessage(m);

  async function connect(command: Extract<ClientCommand, { type: 'connect' }>): Promise<void> {
    const sockets: Socket[] = [];
    sides.set(command.side, sockets);
    for (let from = 0; from < command.tokens.length; from += command.batch) {
      const batch = command.tokens.slice(from, from + command.batch).map((token, k) => {
        const socket = connectClient(`${command.url}/staff`, {
          path: '/socket.io',
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          ...(token ? { auth: { token } } : {}),
        });
        sockets.push(socket);
        return new Promise<void>((resolve, reject) => {
          socket.once(command.ready, () => resolve());
          socket.once('connect_error', (error: Error) => reject(new Error(`socket ${from + k}: ${error.message}`)));
        });
      });
      await Promise.all(batch);
    }
    reply({ type: 'connected', side: command.side });
  }

  function arm(command: Extract<ClientCommand, { type: 'arm' }>): void {
    const sockets = sides.get(command.side) ?? [];
    const at: number[] = [];
    let payload: TicketUpdateMessage | undefined;
    for (const socket of sockets) {
      const listener = (m: TicketUpdateMessage) => {
        if (m.ticket.version !== command.version || m.ticket.id !== command.id) return;
        at.push(now());
        socket.off('ticket:update', listener);
        if (command.capture) payload ??= m;
        if (at.length === sockets.length) reply({ type: 'received', at, ...(payload ? { payload } : {}) });
      };
      socket.on('ticket:update', listener);
    }
    reply({ type: 'armed' });
  }

  port.on('message', (command: ClientCommand) => {
    if (command.type === 'connect') void connect(command).catch((error: unknown) => reply({ type: 'failed', message: String(error) }));
    else if (command.type === 'arm') arm(command);
    else {
      for (const sockets of sides.values()) for (const socket of sockets) socket.disconnect();
      reply({ type: 'closed' });
    }
  });
}

if (parentPort && (workerData as { role?: string } | undefined)?.role === 'fanout-clients') serveClients(parentPort);
