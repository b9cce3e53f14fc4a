/**
 * Who is viewing a ticket and who is typing a reply on it (collision detection).
 * A socket joins `ticket:<id>` only after the read policy allowed it; the viewer and
 * typing lists are rebuilt from the room's sockets on every instance
 * (`fetchSockets()`), so nothing has to be kept in step between instances.
 */
import { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import type { Logger } from '../lib/logger.js';
import { canRead } from '../tickets/ticket.policy.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import type { Ack, Person, PresenceMessage, SocketData } from './protocol.js';
import { rooms } from './rooms.js';
import type { StaffNamespace, StaffSocket } from './types.js';

/** The policy's view of whoever is on a socket (maybe one held by another instance). */
export function actorOf(d: SocketData): StaffActor {
  const oid = (v: string | null) => (v ? new Types.ObjectId(v) : null);
  return {
    kind: 'staff',
    id: new Types.ObjectId(d.staffId),
    name: d.name,
    email: d.email,
    roles: d.roles,
    team: oid(d.team),
    tier: d.tier,
    office: oid(d.office),
    languages: [],
  };
}

export interface PresenceOptions {
  nsp: StaffNamespace;
  logger: Logger;
  /** How long a `typing: true` lasts without being repeated. */
  typingTtlMs: number;
  /** Tickets one socket may watch at once. */
  maxWatched: number;
}

export interface Presence {
  watch(socket: StaffSocket, ticketId: string): Promise<Ack<{ viewers: Person[] }>>;
  unwatch(socket: StaffSocket, ticketId: string): void;
  /** False when the socket does not watch that ticket (a forged event). */
  typing(socket: StaffSocket, ticketId: string, typing: boolean): boolean;
  /** The socket is going away: its tickets' presence is sent again once it is gone. */
  leaving(socket: StaffSocket): void;
  /** Sends the ticket's presence again (coalesced: one rebuild at a time per ticket). */
  changed(ticketId: string): void;
  close(): void;
}

const watchedBy = (socket: StaffSocket): string[] => [...socket.rooms].filter((r) => r.startsWith('ticket:')).map((r) => r.slice('ticket:'.length));

export function createPresence(options: PresenceOptions): Presence {
  const { nsp, logger } = options;
  const typingTimers = new Map<string, NodeJS.Timeout>(); // `<socket id> <ticket id>`
  const rebuilding = new Map<string, { again: boolean }>();
  let closed = false;

  async function snapshot(ticketId: string): Promise<PresenceMessage> {
    const sockets = await nsp.in(rooms.ticket(ticketId)).fetchSockets();
    const viewers = new Map<string, Person>();
    const typing = new Map<string, Person>();
    for (const { data } of sockets) {
      const person = { id: data.staffId, name: data.name };
      viewers.set(person.id, person);
      if (data.typing.includes(ticketId)) typing.set(person.id, person);
    }
    return { ticketId, viewers: [...viewers.values()], typing: [...typing.values()] };
  }

  function changed(ticketId: string): void {
    if (closed) return;
    const pending = rebuilding.get(ticketId);
    if (pending) {
      pending.again = true;
      return;
    }
    const state = { again: true };
    rebuilding.set(ticketId, state);
    void (async () => {
      try {
        while (state.again && !closed) {
          state.again = false;
          nsp.to(rooms.ticket(ticketId)).emit('presence', await snapshot(ticketId));
        }
      } catch (error) {
        logger.warn({ err: error, ticketId }, 'realtime: presence not sent');
      } finally {
        rebuilding.delete(ticketId);
      }
    })();
  }

  function stopTyping(socket: StaffSocket, ticketId: string): boolean {
    const key = `${socket.id} ${ticketId}`;
    clearTimeout(typingTimers.get(key));
    typingTimers.delete(key);
    const was = socket.data.typing.includes(ticketId);
    socket.data.typing = socket.data.typing.filter((t) => t !== ticketId);
    return was;
  }

  async function readable(socket: StaffSocket, ticketId: string): Promise<boolean> {
    const ticket = await loadTicket(ticketId);
    return ticket !== null && canRead(actorOf(socket.data), ticket);
  }

  async function watch(socket: StaffSocket, ticketId: string): Promise<Ack<{ viewers: Person[] }>> {
    const room = rooms.ticket(ticketId);
    if (!socket.rooms.has(room) && watchedBy(socket).length >= options.maxWatched) return { ok: false, error: { code: 'too_many_watches' } };
    // Not found and not allowed answer alike: the existence of a ticket is not revealed.
    if (!(await readable(socket, ticketId)) || socket.disconnected) return { ok: false, error: { code: 'not_found' } };
    socket.join(room);
    // A move published between the check and the join would not have evicted this socket:
    // read again now that it is in the room.
    if (!(await readable(socket, ticketId))) {
      socket.leave(room);
      return { ok: false, error: { code: 'not_found' } };
    }
    changed(ticketId);
    return { ok: true, viewers: (await snapshot(ticketId)).viewers };
  }

  function unwatch(socket: StaffSocket, ticketId: string): void {
    const room = rooms.ticket(ticketId);
    if (!socket.rooms.has(room)) return;
    stopTyping(socket, ticketId);
    socket.leave(room);
    changed(ticketId);
  }

  function typing(socket: StaffSocket, ticketId: string, isTyping: boolean): boolean {
    if (!socket.rooms.has(rooms.ticket(ticketId))) return false;
    if (!isTyping) {
      if (stopTyping(socket, ticketId)) changed(ticketId);
      return true;
    }
    const key = `${socket.id} ${ticketId}`;
    clearTimeout(typingTimers.get(key));
    // The client repeats `typing: true` while typing; silence ends it even if `false` never comes.
    typingTimers.set(
      key,
      setTimeout(() => {
        if (stopTyping(socket, ticketId)) changed(ticketId);
      }, options.typingTtlMs),
    );
    if (!socket.data.typing.includes(ticketId)) {
      socket.data.typing = [...socket.data.typing, ticketId];
      changed(ticketId);
    }
    return true;
  }

  function leaving(socket: StaffSocket): void {
    const tickets = watchedBy(socket);
    for (const ticketId of tickets) stopTyping(socket, ticketId);
    // Rooms are left after `disconnecting`; rebuild once the socket is out of them.
    if (tickets.length > 0) socket.once('disconnect', () => tickets.forEach(changed));
  }

  return {
    watch,
    unwatch,
    typing,
    leaving,
    changed,
    close: () => {
      closed = true;
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
    },
  };
}
