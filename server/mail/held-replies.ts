/**
 * "Resolving right after replying sends one mail, not two" (issue 16, point 10).
 *
 * A staff reply's mail is stored with a due time `REPLY_MAIL_HOLD` after the reply (the outbox is
 * durable: the hold is `nextAttemptAt`, not a timer, so a restart loses nothing and the mail goes
 * when due). When the ticket is resolved during the hold, the resolution mail carries the reply and
 * the held mail is cancelled by the same journal event.
 *
 * Who sends a held mail is decided by the outbox's own serialization point: the lease of its first
 * attempt (`outbox_leases` `<id>:1`, outbox.ts). The resolution inserts it before committing; a
 * duplicate key means a worker is sending the reply already, and the resolution leaves it out (the
 * member then gets two mails, never the reply twice nor none). If the resolution then fails (409,
 * someone acted first), the claimed mail is not lost: the lease goes stale and the worker sends the
 * reply as its second attempt after `leaseTimeoutMs` (10 minutes).
 *
 * The resolution mail is held the same way: reopening the ticket during its hold (a mis-click on
 * "Résoudre") claims it the same way, cancels it, and sends the replies it carried again on their own
 * (`claimHeldResolution`; ticket-mail.ts writes it).
 */
import type { Types } from 'mongoose';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { eventId, TicketEventModel, type JournalWrite, type TicketEvent } from '../tickets/ticket-event.model.js';
import { Outbox, OutboxLeaseModel, type OutboxMail } from './mail.models.js';

/** The templates of a staff reply to the member (what is held). */
const replyTemplates: readonly string[] = ['staff-reply', 'information-request'];

export type HoldConfig = Partial<Pick<Config, 'replyMailHold'>>;

/** When a reply written at `at` is mailed: after the hold (0 when not configured: at once). */
export function replyMailDueAt(config: HoldConfig, at: Date): Date {
  return new Date(at.getTime() + Math.max(0, config.replyMailHold ?? 0) * 1000);
}

/** A held reply, claimed: its mail (to cancel) and what the resolution mail says of it. */
export interface HeldReply {
  mail: OutboxMail;
  agentName: string;
  text: string;
  html: string | null;
  signed: boolean;
  attachments: Types.ObjectId[];
}

interface QueuedReply {
  mailId: Types.ObjectId;
  reply: Omit<HeldReply, 'mail'>;
}

/** The reply mails a `replied` event queued, with the reply it carries. */
function repliesOf(event: TicketEvent): QueuedReply[] {
  if (event.type !== 'replied') return [];
  const writes = event.writes ?? [];
  const message = writes.find((w) => w.model === 'Message' && w.op === 'insert' && String(w.id) === String(event.data.message));
  if (!message || message.model !== 'Message' || message.op !== 'insert') return [];
  const reply = {
    agentName: event.actor.name,
    text: message.doc.text,
    html: message.doc.html ?? null,
    signed: Boolean(event.data.signed),
    attachments: [...(message.doc.attachments ?? [])],
  };
  return writes
    .filter((w) => w.model === 'Outbox' && w.op === 'insert' && replyTemplates.includes(String(w.doc.template)))
    .map((w) => ({ mailId: w.id, reply }));
}

/**
 * The reply mails of a ticket still held at `at`, oldest first, each claimed for the resolution
 * (`claimant` names it in the lease). Reads the ticket's newest events by `_id`, back to the first
 * one older than the hold.
 */
export async function claimHeldReplies(config: HoldConfig, ticket: { _id: Types.ObjectId; version: number }, at: Date, claimant: string): Promise<HeldReply[]> {
  const found: QueuedReply[] = [];
  for await (const event of eventsWithinHold(config, ticket, at)) found.unshift(...repliesOf(event));
  const held: HeldReply[] = [];
  for (const { mailId, reply } of found) {
    const mail = await claimFirstAttempt(mailId, claimant, at);
    if (mail) held.push({ mail, ...reply });
  }
  return held;
}

/** The ticket's events of the last `REPLY_MAIL_HOLD`, newest first, read by `_id` (none without a hold). */
async function* eventsWithinHold(config: HoldConfig, ticket: { _id: Types.ObjectId; version: number }, at: Date): AsyncGenerator<TicketEvent> {
  const holdMs = Math.max(0, config.replyMailHold ?? 0) * 1000;
  if (holdMs === 0) return;
  for (let seq = ticket.version; seq >= 1; seq -= 1) {
    const event = await TicketEventModel.collection.findOne<TicketEvent>({ _id: eventId(ticket._id, seq) } as never);
    if (!event || new Date(event.at).getTime() < at.getTime() - holdMs) return;
    yield event;
  }
}

/**
 * A held mail, taken from the outbox by `claimant` (its first attempt's lease), or null: it was
 * tried already (sent, failed, cancelled: the outbox's), or a worker is sending it now.
 */
async function claimFirstAttempt(id: Types.ObjectId, claimant: string, at: Date): Promise<OutboxMail | null> {
  const mail = await Outbox.findById(id).lean<OutboxMail>();
  if (!mail || mail.status !== 'queued' || mail.attempts !== 0) return null;
  try {
    await OutboxLeaseModel.create({ _id: `${String(mail._id)}:1`, outbox: mail._id, attempt: 1, worker: claimant, at });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return null;
  }
  return mail;
}

/** Cancels the held mails the resolution mail `replacedBy` carries, as writes of the resolution's event. */
export function cancelHeldWrites(held: readonly HeldReply[], replacedBy: Types.ObjectId, at: Date): JournalWrite[] {
  return held.map((h) => ({ model: 'Outbox', op: 'update', id: h.mail._id, doc: { status: 'cancelled', replacedBy, updatedAt: at } }));
}

/** A resolution mail still held, claimed by a reopening: it and the reply mails it carries (cancelled for it). */
export interface HeldResolution {
  mail: OutboxMail;
  carried: OutboxMail[];
}

/**
 * The resolution mail of a ticket reopened during its hold ("Résoudre" clicked by mistake, undone):
 * found on the ticket's newest events by `_id`, back to the first one older than the hold, and claimed
 * for the reopening (the first attempt's lease, as `claimHeldReplies` does), so no worker sends it.
 * Null when there is none, or it went (or is going) already: the member then keeps the mail they got.
 */
export async function claimHeldResolution(
  config: HoldConfig,
  ticket: { _id: Types.ObjectId; version: number },
  at: Date,
  claimant: string,
): Promise<HeldResolution | null> {
  for await (const event of eventsWithinHold(config, ticket, at)) {
    if (event.type !== 'resolved') continue;
    const writes = event.writes ?? [];
    const sent = writes.find((w) => w.model === 'Outbox' && w.op === 'insert' && w.doc.template === 'ticket-resolved');
    const mail = sent ? await claimFirstAttempt(sent.id, claimant, at) : null;
    if (!mail) return null;
    const carriedIds = writes.filter((w) => w.model === 'Outbox' && w.op === 'update' && w.doc.status === 'cancelled').map((w) => w.id);
    const carried = await Promise.all(carriedIds.map((id) => Outbox.findById(id).lean<OutboxMail>()));
    return { mail, carried: carried.filter((m): m is OutboxMail => m !== null) };
  }
  return null;
}
