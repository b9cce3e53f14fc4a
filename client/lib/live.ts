/**
 * The live connection (Socket.io, namespace `/staff`, docs/REALTIME.md): one socket
 * per page, cookie-authenticated. It tracks each stream room's sequence number from
 * `hello`, drops a message already seen (by room number, and by ticket version), and asks
 * the page to refetch a snapshot when it may have missed something: on every
 * (re)connection, and on a gap after taking the current numbers with `sync`. Without a live server the
 * page works as before; the top bar says live updates are unavailable.
 */
import { io, type Socket } from 'socket.io-client';
import { isRecord, num, str } from './dom.js';
import { t } from './i18n.js';
import { renewSession } from './session.js';

export interface Person {
  id: string;
  name: string;
}

/** The fields pages use from the viewer-neutral ticket view. */
export interface LiveTicket {
  id: string;
  version: number;
  number: string;
}

export interface LiveEvent {
  type: string;
  actorName: string;
  /** The staff member who acted, when one did. */
  actorId: string | null;
}

export interface LiveUpdate {
  ticket: LiveTicket;
  event: LiveEvent;
}

export interface LiveRemoval {
  ticketId: string;
  version: number;
  event: LiveEvent;
}

export interface LivePresence {
  ticketId: string;
  viewers: Person[];
  typing: Person[];
}

export interface LiveHandlers {
  onUpdate?(update: LiveUpdate): void;
  onRemove?(removal: LiveRemoval): void;
  /** Messages may have been missed (first connection, reconnection, gap): refetch. */
  onResync?(why: 'connect' | 'gap'): void;
  onPresence?(presence: LivePresence): void;
  /** Called on every (re)connection, e.g. to watch a ticket again. */
  onConnect?(live: LiveConnection): void;
}

export interface LiveConnection {
  /** Joins a ticket's presence room; resolves with its viewers, or null when refused or offline. */
  watch(ticketId: string): Promise<Person[] | null>;
  typing(ticketId: string, typing: boolean): void;
  readonly connected: boolean;
}

type State = 'connecting' | 'online' | 'offline';

function setState(state: State): void {
  const el = document.getElementById('live-status');
  if (!el) return;
  el.hidden = false;
  el.dataset.state = state;
  const text = el.querySelector('.live-text');
  if (text) text.textContent = t(`client.live.${state}`);
  el.title = t(state === 'offline' ? 'client.live.offline_hint' : `client.live.${state}`);
}

function people(value: unknown): Person[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isRecord)
    .map((p) => ({ id: String(p.id ?? ''), name: String(p.name ?? '') }))
    .filter((p) => p.id !== '');
}

function eventOf(value: unknown): LiveEvent {
  const actor = isRecord(value) ? value.actor : undefined;
  return { type: str(value, 'type') ?? 'other', actorName: str(actor, 'name') ?? '', actorId: str(actor, 'staff') ?? null };
}

/** Room sequence numbers of a message: `{ seqs: { room: n } }`, or `{ room, seq }` as first documented. */
function seqsOf(message: Record<string, unknown>): [string, number][] {
  if (isRecord(message.seqs)) {
    return Object.entries(message.seqs).filter((e): e is [string, number] => typeof e[1] === 'number');
  }
  const room = str(message, 'room');
  const seq = num(message, 'seq');
  return room !== undefined && seq !== undefined ? [[room, seq]] : [];
}

export function connectLive(handlers: LiveHandlers): LiveConnection {
  const seqs = new Map<string, number>();
  const versions = new Map<string, number>();
  let authRetries = 0;
  setState('connecting');

  const socket: Socket = io('/staff', {
    path: '/socket.io',
    withCredentials: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 30_000,
  });

  /**
   * docs/REALTIME.md: for each known room, `last + 1` is the next message, `last` one
   * already in the snapshot, anything else a gap (or restarted counters): resync.
   */
  function track(message: Record<string, unknown>): { fresh: boolean; gap: boolean } {
    const known = seqsOf(message).filter(([room]) => seqs.has(room));
    if (known.length === 0) return { fresh: true, gap: false };
    let fresh = false;
    let gap = false;
    for (const [room, seq] of known) {
      const last = seqs.get(room) ?? seq;
      if (seq === last) continue;
      fresh = true;
      if (seq !== last + 1) gap = true;
      seqs.set(room, seq);
    }
    return { fresh, gap };
  }

  /** Takes the current numbers (`sync`), then lets the page refetch: the snapshot holds everything up to them. */
  function resync(): void {
    if (!socket.connected) return;
    socket.timeout(5_000).emit('sync', {}, (err: Error | null, reply: unknown) => {
      if (!err && isRecord(reply) && reply.ok === true && isRecord(reply.streams)) {
        seqs.clear();
        for (const [room, seq] of Object.entries(reply.streams)) if (typeof seq === 'number') seqs.set(room, seq);
      }
      handlers.onResync?.('gap');
    });
  }

  /**
   * After the server ended the socket at `hello.expiresAt` (or on a refused token): an
   * authenticated request renews the expired access cookie (a 401 goes to sign-in), then
   * the socket reconnects with it. Renewing earlier would hand the same token back.
   */
  async function renewAndReconnect(): Promise<void> {
    if (await renewSession()) socket.connect();
    else setState('offline');
  }

  socket.on('connect', () => {
    authRetries = 0;
    setState('online');
    handlers.onConnect?.(connection);
  });

  socket.on('hello', (message: unknown) => {
    if (!isRecord(message)) return;
    seqs.clear();
    if (isRecord(message.streams)) for (const [room, seq] of Object.entries(message.streams)) if (typeof seq === 'number') seqs.set(room, seq);
    handlers.onResync?.('connect');
  });

  socket.on('ticket:update', (message: unknown) => {
    if (!isRecord(message) || !isRecord(message.ticket)) return;
    const id = str(message.ticket, 'id');
    const version = num(message.ticket, 'version');
    if (!id || version === undefined) return;
    const { fresh, gap } = track(message);
    if (gap) resync();
    if (!fresh || (versions.get(id) ?? 0) >= version) return;
    versions.set(id, version);
    handlers.onUpdate?.({ ticket: { id, version, number: str(message.ticket, 'number') ?? '' }, event: eventOf(message.event) });
  });

  socket.on('ticket:remove', (message: unknown) => {
    if (!isRecord(message)) return;
    const ticketId = str(message, 'ticketId');
    const version = num(message, 'version') ?? 0;
    if (!ticketId) return;
    const { fresh, gap } = track(message);
    if (gap) resync();
    if (!fresh) return;
    versions.set(ticketId, Math.max(version, versions.get(ticketId) ?? 0));
    handlers.onRemove?.({ ticketId, version, event: eventOf(message.event) });
  });

  // SLA warnings and breaches (holder, team, supervisors): a toast that stays until dismissed.
  socket.on('sla:alert', (message: unknown) => {
    if (!isRecord(message)) return;
    showSlaAlert({
      ticketId: str(message, 'ticketId') ?? '',
      number: str(message, 'number') ?? '',
      subject: str(message, 'subject') ?? '',
      kind: str(message, 'kind') === 'breach' ? 'breach' : 'warning',
      deadline: str(message, 'deadline') ?? '',
      label: str(message, 'label') ?? '',
      escalated: message.escalated === true,
    });
  });

  socket.on('presence', (message: unknown) => {
    const ticketId = str(message, 'ticketId');
    if (!ticketId || !isRecord(message)) return;
    handlers.onPresence?.({ ticketId, viewers: people(message.viewers), typing: people(message.typing) });
  });

  socket.on('session:expired', (message: unknown) => {
    // `expired`: renew, then reconnect; `revoked`: the renewal answers 401 (sign-in);
    // `access_changed`: reconnect to get the right rooms.
    if (str(message, 'reason') === 'access_changed') socket.connect();
    else void renewAndReconnect();
  });

  socket.on('connect_error', (error: Error & { data?: unknown }) => {
    setState('offline');
    const code = str(error.data, 'code');
    // A refused handshake is not retried by Socket.io itself.
    if (error.message === 'unauthorized' && code !== 'bad_origin' && authRetries < 3) {
      authRetries += 1;
      void renewAndReconnect();
    } else if (error.message === 'unavailable') {
      setTimeout(() => socket.connect(), 5_000);
    }
  });

  socket.on('disconnect', (reason: string) => {
    setState(reason === 'io client disconnect' ? 'connecting' : 'offline');
  });

  const connection: LiveConnection = {
    get connected() {
      return socket.connected;
    },
    watch(ticketId) {
      if (!socket.connected) return Promise.resolve(null);
      return new Promise((resolve) => {
        socket.timeout(5_000).emit('ticket:watch', { ticketId }, (err: Error | null, reply: unknown) => {
          if (err || !isRecord(reply) || reply.ok !== true) resolve(null);
          else resolve(people(reply.viewers));
        });
      });
    },
    typing(ticketId, typing) {
      if (socket.connected) socket.emit('ticket:typing', { ticketId, typing });
    },
  };
  return connection;
}

interface SlaAlert {
  ticketId: string;
  number: string;
  subject: string;
  kind: 'warning' | 'breach';
  deadline: string;
  label: string;
  escalated: boolean;
}

const deadlineKinds = ['first_response', 'next_response', 'resolution', 'acceptance'];

/** Adds an alert to the page's alert stack (built on first use); text only, never HTML from the message. */
function showSlaAlert(alert: SlaAlert): void {
  if (!alert.ticketId || !/^[a-f0-9]{24}$/.test(alert.ticketId)) return;
  let stack = document.getElementById('sla-alerts');
  if (!stack) {
    stack = document.createElement('div');
    stack.id = 'sla-alerts';
    stack.className = 'sla-alerts';
    stack.setAttribute('role', 'alert');
    stack.setAttribute('aria-live', 'assertive');
    document.body.append(stack);
  }
  const item = document.createElement('div');
  item.className = `sla-alert sla-alert-${alert.kind}`;
  const link = document.createElement('a');
  link.href = `/staff/tickets/${alert.ticketId}`;
  link.textContent = `${alert.number} · ${alert.subject}`;
  const what = document.createElement('p');
  const deadline = deadlineKinds.includes(alert.deadline) ? t(`client.sla.deadline.${alert.deadline}`) : alert.deadline;
  what.textContent =
    t(alert.kind === 'breach' ? 'client.sla.breach' : 'client.sla.warning', { deadline, label: alert.label }) +
    (alert.escalated ? ` ${t('client.sla.escalated')}` : '');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'sla-alert-close';
  close.textContent = '×';
  close.setAttribute('aria-label', t('client.sla.dismiss'));
  close.addEventListener('click', () => item.remove());
  item.append(link, what, close);
  stack.append(item);
  while (stack.children.length > 5) stack.firstElementChild?.remove();
}
