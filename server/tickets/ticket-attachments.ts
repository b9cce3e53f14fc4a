/**
 * Who may download an attachment: the ticket policy decides, so this lives with the tickets
 * (server/attachments/ stores and checks files and knows nothing of tickets).
 */
import type { Attachment } from '../attachments/attachment.model.js';
import { findAttachment } from '../attachments/attachments.service.js';
import type { Actor } from '../auth/actor.js';
import { NotFoundError } from '../lib/errors.js';
import { MessageModel } from './message.model.js';
import { loadTicket } from './ticket.journal.js';
import { authorize } from './ticket.policy.js';

/**
 * An attachment the actor may download, or 404: it must be linked to a ticket the actor
 * may read (the ticket policy), and for a member, to a public message of that ticket
 * (never an internal note's). The same 404 for all, so nothing is revealed.
 */
export async function readableAttachment(actor: Actor, id: string): Promise<Attachment> {
  const notFound = new NotFoundError('No such attachment.');
  const attachment = await findAttachment(id);
  if (!attachment?.ticket) throw notFound;
  const ticket = await loadTicket(attachment.ticket);
  if (!ticket) throw notFound;
  try {
    authorize(actor, 'read', ticket);
  } catch {
    throw notFound;
  }
  if (actor.kind === 'member') {
    const message = attachment.message ? await MessageModel.findById(attachment.message, { visibility: 1, ticket: 1 }).lean() : null;
    if (!message || message.visibility !== 'public' || !message.ticket.equals(ticket._id)) throw notFound;
  }
  return attachment;
}

/**
 * The received message (`inbound_mail._id`) a thread message was made from, for staff who may read
 * its ticket (internal notes included: staff read those), or 404 — the same for a message that
 * does not exist, one of a ticket the actor may not read, and one that did not come by mail.
 */
export async function readableOriginal(actor: Actor, messageId: string): Promise<{ inbound: string; ticketNumber: string; message: string }> {
  const notFound = new NotFoundError('No original message.');
  if (actor.kind !== 'staff' || !/^[0-9a-f]{24}$/i.test(messageId)) throw notFound;
  const message = await MessageModel.findById(messageId, { ticket: 1, inbound: 1 }).lean();
  if (!message?.inbound) throw notFound;
  const ticket = await loadTicket(message.ticket);
  if (!ticket) throw notFound;
  try {
    authorize(actor, 'read', ticket);
  } catch {
    throw notFound;
  }
  return { inbound: message.inbound, ticketNumber: ticket.number, message: String(message._id) };
}
