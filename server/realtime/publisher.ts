/**
 * Domain events → rooms. Runs after the command's write succeeded (domain events are
 * published then), takes the ticket as it is now and sends:
 *  - `ticket:update` (the viewer-neutral presenter output) to the rooms of its current
 *    placement, whose members are exactly the people who may read it now;
 *  - `ticket:remove` (ids only) to the rooms of the event's placements before and after
 *    that are not current, so a queue drops a ticket that left it.
 * One message per change reaches each socket, whatever the number of its rooms (Socket.io
 * sends a multi-room emit once per socket); it carries the sequence number of every room
 * it went to.
 *
 * The ticket and the event come from memory when this process made the change (the journal's
 * commit observers see both before the domain event), so publishing reads nothing back; the ticket
 * is the newest of that and the working set (another instance may have changed it since). Otherwise
 * (a change announced without its state, an older event) they are read by `_id`.
 */
import { canRead } from '../tickets/ticket.policy.js';
import { loadTicket, observeCommits, placementOf } from '../tickets/ticket.journal.js';
import { workingSet } from '../tickets/working-set.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { TicketEventModel, eventId, type TicketEvent } from '../tickets/ticket-event.model.js';
import type { DomainEventMap } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { presentStreamTicket, type NameSource } from './presenter.js';
import type { StreamEvent } from './protocol.js';
import { actorOf, type Presence } from './presence.js';
import { rooms, roomsForPlacement } from './rooms.js';
import type { Sequencer } from './sequencer.js';
import type { StaffNamespace } from './types.js';

export interface PublisherOptions {
  nsp: StaffNamespace;
  sequencer: Sequencer;
  names: NameSource;
  presence: Presence;
  logger: Logger;
}

export interface Publisher {
  /** Publishes event `seq` of a ticket (`ticket.created` is seq 1). */
  publish(ticketId: string, seq: number): Promise<void>;
  /** Sends an SLA alert to the ticket's watchers, holder and queue, and at level `supervisor` to its office's supervisors. */
  alert(alert: DomainEventMap['sla.alert']): Promise<void>;
  /** Stops watching the journal. */
  close(): void;
}

/** Commits remembered for publishing, at most this many tickets (a change is published within milliseconds). */
const recentLimit = 2_000;

function streamEvent(e: TicketEvent): StreamEvent {
  return { type: e.type, seq: e.seq, at: new Date(e.at).toISOString(), actor: { name: e.actor.name, staff: e.actor.staff ? String(e.actor.staff) : null } };
}

export function createPublisher(options: PublisherOptions): Publisher {
  const { nsp, sequencer, names, presence, logger } = options;
  const recent = new Map<string, { ticket: Ticket; event: TicketEvent }>();
  const stopObserving = observeCommits((ticket, event) => {
    const id = String(ticket._id);
    recent.delete(id);
    recent.set(id, { ticket, event });
    if (recent.size > recentLimit) recent.delete(recent.keys().next().value as string);
  });

  /** The ticket as it is now, and event `seq`: from memory when possible, else read by `_id`. */
  async function stateOf(ticketId: string, seq: number): Promise<{ ticket: Ticket | null; event: TicketEvent | null }> {
    const seen = recent.get(ticketId);
    if (seen && seen.event.seq === seq) {
      const working = workingSet.get(ticketId);
      const ticket = working && working.version > seen.ticket.version ? working : seen.ticket;
      // An announced creation is finished, whatever the flag the event object was written with.
      return { ticket, event: { ...seen.event, pending: false } };
    }
    const [ticket, event] = await Promise.all([loadTicket(ticketId), TicketEventModel.findById(eventId(ticketId, seq)).lean<TicketEvent>()]);
    return { ticket, event };
  }

  /**
   * Watchers of a ticket (maybe on other instances) who may no longer read it leave its
   * room, so they stop seeing who views and types. Their queues already got `ticket:remove`.
   */
  async function evictLostWatchers(ticket: Ticket): Promise<void> {
    const room = rooms.ticket(ticket._id);
    const watchers = await nsp.in(room).fetchSockets();
    const lost = watchers.filter((s) => !canRead(actorOf(s.data), ticket));
    if (lost.length === 0) return;
    for (const s of lost) s.leave(room);
    presence.changed(String(ticket._id));
  }

  async function publish(ticketId: string, seq: number): Promise<void> {
    const { ticket, event } = await stateOf(ticketId, seq);
    if (!ticket || !event || event.pending) {
      logger.warn({ ticketId, seq }, 'realtime: event or ticket not found, nothing published');
      return;
    }
    // Rooms of the ticket as loaded now (maybe a later version than `seq`): full content
    // only ever goes to those who may read what is sent.
    // The ticket itself, not only its placement: who worked on it and its member's office follow it too.
    const current = roomsForPlacement({ ...placementOf(ticket), workers: ticket.workers, memberOffice: ticket.memberOffice });
    const before = new Set([...(event.from ? roomsForPlacement(event.from) : []), ...roomsForPlacement(event.to)]);
    const gone = [...before].filter((room) => !current.includes(room));
    const view = presentStreamTicket(ticket, await names.forTicket(ticket));
    const what = streamEvent(event);

    const seqs = await sequencer.next([...current, ...gone]);
    // Nothing asynchronous between taking the numbers and emitting: messages leave this
    // instance in the order their numbers were taken.
    nsp.to(current).emit('ticket:update', { seqs, ticket: view, event: what });
    if (gone.length > 0) {
      nsp
        .to(gone)
        .except(current)
        .emit('ticket:remove', { seqs, ticketId: String(ticket._id), version: ticket.version, event: what });
      await evictLostWatchers(ticket);
    }
  }

  async function alert(a: DomainEventMap['sla.alert']): Promise<void> {
    const ticket = await loadTicket(a.ticketId);
    if (!ticket) return;
    // Rooms whose members may read the ticket now (supervisors of tiers 2 and 3 are in the tier rooms).
    const targets = new Set([rooms.ticket(ticket._id), ticket.tier === 1 ? rooms.tier1Team(ticket.team) : rooms.tier(ticket.tier)]);
    if (ticket.assignee) targets.add(rooms.staff(ticket.assignee));
    if (a.level === 'supervisor') targets.add(rooms.office(ticket.office));
    nsp.to([...targets]).emit('sla:alert', {
      ticketId: a.ticketId,
      number: ticket.number,
      subject: ticket.subject,
      key: a.key,
      kind: a.kind,
      deadline: a.deadline,
      label: a.label,
      at: a.at,
      dueAt: a.dueAt,
      level: a.level,
      escalated: a.escalated,
    });
  }

  return {
    publish,
    alert,
    close() {
      stopObserving();
      recent.clear();
    },
  };
}
