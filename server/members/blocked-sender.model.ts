/**
 * `blocked_senders`: addresses whose mail no longer opens or feeds tickets, `_id` the lower-cased
 * address (read by `_id` for every received message: the one fast read on the embedded engine).
 * Set when staff mark a ticket as spam and choose to block its sender. The mail is never lost: the
 * inbound pipeline quarantines it (`blocked_sender`), where an administrator can still act on it.
 * Supervisors and administrators list and unblock them (tickets/blocked-senders.service.ts).
 */
import { Schema, model, type Types } from 'mongoose';

export interface BlockedSender {
  _id: string;
  at: Date;
  /** Who blocked it, by name, and the ticket marked as spam that led to it. */
  by: string;
  ticket: Types.ObjectId | null;
}

const blockedSenderSchema = new Schema<BlockedSender>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    ticket: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'blocked_senders', versionKey: false },
);
// The unblock page lists the latest blocks first, a page at a time.
blockedSenderSchema.index({ at: -1 });
export const BlockedSenderModel = model<BlockedSender>('BlockedSender', blockedSenderSchema);

/** Blocks an address (again is fine: the first block is kept). */
export async function blockSender(address: string, by: string, ticket: Types.ObjectId | null, at = new Date()): Promise<string> {
  const id = address.trim().toLowerCase();
  await BlockedSenderModel.collection.updateOne({ _id: id } as never, { $setOnInsert: { at, by, ticket } }, { upsert: true });
  return id;
}

/** The block on this address, or null. */
export async function senderBlock(address: string): Promise<BlockedSender | null> {
  return BlockedSenderModel.collection.findOne<BlockedSender>({ _id: address.trim().toLowerCase() } as never);
}
