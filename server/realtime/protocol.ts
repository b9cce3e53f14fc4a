/**
 * The Socket.io protocol of the `/staff` namespace, as types (the browser client in
 * `client/` may `import type` them) and as the zod schemas every client event must
 * pass. docs/REALTIME.md is the prose version of this file.
 */
import { z } from 'zod';
import type { DomainEventMap } from '../lib/domain-events.js';
import type { StaffRole } from '../staff/staff.model.js';
import type { Tier } from '../teams/team.model.js';
import type { StreamTicketView } from './presenter.js';

export const namespaceName = '/staff';
export const socketPath = '/socket.io';

const ticketId = z.string().regex(/^[a-f0-9]{24}$/, 'a ticket id (24 lower-case hex characters)');

/** Client → server events and their payloads. Anything else is dropped and logged. */
export const clientEventSchemas = {
  'ticket:watch': z.strictObject({ ticketId }),
  'ticket:unwatch': z.strictObject({ ticketId }),
  'ticket:typing': z.strictObject({ ticketId, typing: z.boolean() }),
  /** Asks for the current sequence numbers before refetching a snapshot. */
  sync: z.strictObject({}).optional(),
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;
export type ClientPayload<E extends ClientEventName> = z.infer<(typeof clientEventSchemas)[E]>;

export type AckErrorCode = 'validation_failed' | 'not_found' | 'rate_limited' | 'unknown_event' | 'too_many_watches' | 'internal';
export type AckFailure = { ok: false; error: { code: AckErrorCode } };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;

export interface Person {
  id: string;
  name: string;
}

/** The current sequence number of each stream room this socket is in. */
export interface Streams {
  streams: Record<string, number>;
  /** When the access token this socket authenticated with expires (ISO 8601): reconnect before. */
  expiresAt: string;
}

export interface HelloMessage extends Streams {
  staff: Person;
}

/** What happened, for a toast or a history line; the full history is over HTTP. */
export interface StreamEvent {
  type: string;
  /** The ticket's event number (its version after this event). */
  seq: number;
  at: string;
  /** `staff`: the staff member's id when a person of staff acted (a list marks no change of one's own). */
  actor: { name: string; staff: string | null };
}

/**
 * `seqs` holds the next number of every room the message was sent to; a client
 * checks the rooms it is in (the keys of its `streams`) and ignores the others.
 */
export interface TicketUpdateMessage {
  seqs: Record<string, number>;
  ticket: StreamTicketView;
  event: StreamEvent;
}

/** To rooms that could read the ticket before this event and cannot now: drop it. No ticket content. */
export interface TicketRemoveMessage {
  seqs: Record<string, number>;
  ticketId: string;
  version: number;
  event: StreamEvent;
}

export interface PresenceMessage {
  ticketId: string;
  viewers: Person[];
  typing: Person[];
}

export type SessionEndReason = 'expired' | 'revoked' | 'access_changed';

/**
 * An SLA warning or breach on a ticket (server/sla/scheduler.ts), to its holder, its queue, its
 * watchers and, at level `supervisor`, the office's supervisors. A notification, not a stream
 * change: it carries no `seqs` (the ticket's new state comes as a `ticket:update`).
 */
export type SlaAlertMessage = DomainEventMap['sla.alert'] & {
  number: string;
  subject: string;
};

export interface ServerToClientEvents {
  hello: (message: HelloMessage) => void;
  'ticket:update': (message: TicketUpdateMessage) => void;
  'ticket:remove': (message: TicketRemoveMessage) => void;
  presence: (message: PresenceMessage) => void;
  'session:expired': (message: { reason: SessionEndReason }) => void;
  'sla:alert': (message: SlaAlertMessage) => void;
}

export interface ClientToServerEvents {
  'ticket:watch': (payload: ClientPayload<'ticket:watch'>, ack: (reply: Ack<{ viewers: Person[] }>) => void) => void;
  'ticket:unwatch': (payload: ClientPayload<'ticket:unwatch'>, ack?: (reply: Ack) => void) => void;
  'ticket:typing': (payload: ClientPayload<'ticket:typing'>, ack?: (reply: Ack) => void) => void;
  sync: (payload: ClientPayload<'sync'>, ack: (reply: Ack<Streams>) => void) => void;
}

export type InterServerEvents = Record<never, never>;

/**
 * Kept on each socket. Plain values only: with the Redis adapter, other instances
 * read it through `fetchSockets()` (presence, policy checks on watchers).
 * The access token is not here: it stays in the instance that holds the socket.
 */
export interface SocketData {
  staffId: string;
  name: string;
  email: string;
  roles: StaffRole[];
  team: string | null;
  office: string | null;
  tier: Tier | null;
  sessionId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** The stream rooms joined at connection. */
  streams: string[];
  /** Tickets this socket is typing a reply on. */
  typing: string[];
}
