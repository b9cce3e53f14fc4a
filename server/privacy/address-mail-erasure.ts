/**
 * The member's mail that no ticket names, erased by address (member-erasure.ts, after the tickets): a
 * "send me a link" mail or a test mail in the outbox, a received mail held in quarantine (or answered
 * by no ticket), the local catcher's copies, the last automatic reply's date. Found through the keys
 * noted when the mail was stored (mail/address-mail.ts), each read by `_id`; redacted as a ticket's
 * mail is (ticket-erasure.ts), then the keys go.
 */
import { Types } from 'mongoose';
import { addressMail, forgetAddressMail } from '../mail/address-mail.js';
import { AutoReplyModel } from '../mail/inbound/inbound.model.js';
import { CaughtMailModel } from '../mail/mail.models.js';
import { redactInbound, redactOutbox, type TicketErasureContext } from './ticket-erasure.js';

/** Erases the mail keyed by the member's address; returns how many mails it changed or removed. */
export async function eraseAddressMail(c: TicketErasureContext, language: string): Promise<number> {
  const refs = await addressMail(c.email);
  const outbox = refs.outbox.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
  let n = (await redactOutbox(outbox, language, c)) + (await redactInbound(refs.inbound, language, c));
  for (const id of refs.caught) {
    if (!Types.ObjectId.isValid(id)) continue;
    n += (await CaughtMailModel.collection.deleteOne({ _id: new Types.ObjectId(id) })).deletedCount;
  }
  await AutoReplyModel.collection.deleteOne({ _id: c.email.trim().toLowerCase() } as never);
  await forgetAddressMail(c.email);
  return n;
}

/** The ids of the mail keyed by an address that no ticket names (for the export). */
export async function unlinkedMailOf(email: string): Promise<{ outbox: Types.ObjectId[]; inbound: string[] }> {
  const refs = await addressMail(email);
  return { outbox: refs.outbox.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id)), inbound: refs.inbound };
}
