/**
 * Tickets that name a member under erasure, caught when they are created. The erasure sweeps the
 * member's tickets again after their address key went (member-erasure.ts), but a creation that found
 * the member just before and writes its ticket after that last sweep would still escape: on every
 * `ticket.created`, the member's erasure record is read by `_id` (`member_erasures`: the mark), and a
 * ticket of an erased member that the record does not list is erased as the others were — once the
 * running erasure finished, so the two never write the record at once.
 *
 * The member record is pseudonymised by then: the name and address to look for come from the ticket
 * itself (its member's message, and the address its acknowledgement was queued to).
 */
import { Types } from 'mongoose';
import type { SystemActor } from '../auth/actor.js';
import { domainEvents, type DomainEvents } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { Outbox, type OutboxMail } from '../mail/mail.models.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import { TicketModel, type Ticket } from '../tickets/ticket.model.js';
import { ticketEvents, ticketThread } from '../tickets/ticket.queries.js';
import { MemberErasureModel, type MemberErasure } from './erasure.model.js';
import { identityPatterns, isPlaceholderEmail, placeholderEmail } from './redaction.js';
import { eraseTicket } from './ticket-erasure.js';

export interface ErasureWatch {
  stop(): Promise<void>;
}

/** The erasure record once it is finished (null: none, or still running after `waitMs`). */
async function finishedErasure(memberId: string, waitMs: number, pollMs: number, stopped: () => boolean): Promise<MemberErasure | null> {
  const until = Date.now() + waitMs;
  for (;;) {
    const record = await MemberErasureModel.findById(memberId).lean<MemberErasure>();
    if (!record || record.finishedAt) return record;
    // Given up (a stop, or an erasure that never ends): the erasure's own last sweep may still reach it.
    if (Date.now() >= until || stopped()) return null;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Erases a ticket of an erased member that the erasure did not reach; true when it did. Exported for
 * the watcher and its test.
 */
export async function eraseLateTicket(
  ticketId: string,
  options: { dataDir: string; waitMs?: number; pollMs?: number; stopped?: () => boolean },
): Promise<boolean> {
  // Most tickets: two point reads, and no erasure record.
  const stored = Types.ObjectId.isValid(ticketId) ? await TicketModel.findById(ticketId, { member: 1 }).lean<Pick<Ticket, 'member'>>() : null;
  if (!stored || !(await MemberErasureModel.exists({ _id: String(stored.member) }))) return false;
  const ticket = await loadTicket(ticketId);
  if (!ticket) return false;
  const memberId = String(ticket.member);
  const record = await finishedErasure(memberId, options.waitMs ?? 10 * 60_000, options.pollMs ?? 500, options.stopped ?? (() => false));
  if (!record || record.ticketsDone.includes(ticketId)) return false;
  const events = await ticketEvents(ticket);
  const created = events.find((e) => e.type === 'created');
  const ack =
    created?.type === 'created' && created.data.ack
      ? await Outbox.collection.findOne<OutboxMail>({ _id: new Types.ObjectId(String(created.data.ack.id)) })
      : null;
  // The acknowledgement goes to the address the creation found the member by.
  const email = ack?.to[0] ?? placeholderEmail(memberId);
  const { messages } = await ticketThread(ticket, { publicOnly: false, events });
  const name = messages.find((m) => m.author.kind === 'member')?.author.name ?? record.pseudonym;
  const known = name !== record.pseudonym || !isPlaceholderEmail(email);
  const actor: SystemActor = { kind: 'system', name: record.by.name };
  const counts = await eraseTicket(ticket._id, {
    actor,
    memberId,
    pseudonym: record.pseudonym,
    pattern: known ? identityPatterns({ name: name === record.pseudonym ? '' : name, email, memberNumber: null }) : null,
    email,
    dataDir: options.dataDir,
  });
  if (!counts) return false;
  await MemberErasureModel.collection.updateOne(
    { _id: memberId } as never,
    {
      $addToSet: { ticketsDone: ticketId },
      $inc: { 'counts.tickets': 1, 'counts.messages': counts.messages, 'counts.files': counts.files, 'counts.mails': counts.mails },
    } as never,
  );
  return true;
}

/** Watches new tickets for members under erasure (started by index.ts, like the other workers). */
export function startErasureWatch(options: { dataDir: string; logger: Logger; events?: DomainEvents }): ErasureWatch {
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const unsubscribe = (options.events ?? domainEvents).subscribe('ticket.created', ({ ticketId }) => {
    const run = eraseLateTicket(ticketId, { dataDir: options.dataDir, stopped: () => stopped }).then(
      (erased) => {
        if (erased) options.logger.warn({ ticket: ticketId }, 'a ticket filed during a member’s erasure was erased too');
      },
      (error: unknown) => options.logger.error({ err: error, ticket: ticketId }, 'could not check a new ticket against the member erasures'),
    );
    running.add(run);
    void run.finally(() => running.delete(run));
    return run; // so that `domainEvents.settled()` waits for it (tests)
  });
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.all(running);
    },
  };
}
