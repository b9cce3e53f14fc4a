import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

import { channels, type Channel } from '../lib/ticket.vocabulary.js';
export const authorKinds = ['member', 'staff', 'system'] as const;

/**
 * How a message that came by email was shown to be its sender's (set by the inbound pipeline, shown
 * next to it to staff): `dkim`/`dmarc` an aligned pass for `domain`; `token` the ticket's signed reply
 * address; `person` nothing, confirmed by `by` (an administrator, by name); `none` nothing (a new
 * ticket, which any address may open).
 */
export const mailProofs = ['dkim', 'dmarc', 'token', 'person', 'none'] as const;
export interface MailProof {
  proof: (typeof mailProofs)[number];
  domain?: string | null;
  by?: string | null;
}

/** One message of a ticket's thread: a member message, a public staff reply or an internal note. */
const messageSchema = new Schema({
  ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
  author: {
    kind: { type: String, enum: authorKinds, required: true },
    staff: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    member: { type: Schema.Types.ObjectId, ref: 'Member', default: null },
    name: { type: String, required: true },
  },
  /** `internal` notes are never shown to members, in any channel. */
  visibility: { type: String, enum: ['public', 'internal'], required: true },
  // Empty only for a member's answer on their page that is files alone (a photo sent from a phone).
  text: {
    type: String,
    required: function (this: { attachments?: unknown[] }) {
      return !this.attachments?.length;
    },
    default: '',
    maxlength: 100_000,
  },
  /** Sanitized HTML (allow-list) when the source had HTML, e.g. email. */
  html: { type: String, default: null },
  channel: { type: String, enum: channels, default: 'web' },
  attachments: { type: [{ type: Schema.Types.ObjectId, ref: 'Attachment' }], default: [] },
  /** What an email quoted (earlier messages, signature): kept, shown collapsed. */
  quoted: { type: String, default: null, maxlength: 200_000 },
  /** The `Message-ID` of the email this message came in (or went out) as: threading looks it up. */
  emailMessageId: { type: String, default: null },
  /** The received message this one was made from (`inbound_mail._id`): staff may download it. */
  inbound: { type: String, default: null },
  mailAuth: {
    type: new Schema(
      { proof: { type: String, enum: mailProofs, required: true }, domain: { type: String, default: null }, by: { type: String, default: null } },
      { _id: false },
    ),
    default: null,
  },
  createdAt: { type: Date, required: true, default: () => new Date() },
});
messageSchema.index({ ticket: 1, createdAt: 1 });
messageSchema.index({ emailMessageId: 1 });

export type MessageSchemaType = InferSchemaType<typeof messageSchema>;

/** A thread message as stored (lean). */
export interface Message {
  _id: Types.ObjectId;
  ticket: Types.ObjectId;
  author: { kind: (typeof authorKinds)[number]; staff: Types.ObjectId | null; member: Types.ObjectId | null; name: string };
  visibility: 'public' | 'internal';
  text: string;
  html: string | null;
  channel: Channel;
  attachments: Types.ObjectId[];
  emailMessageId?: string | null;
  inbound?: string | null;
  quoted?: string | null;
  /** Mail only: how it was shown to be the sender's. */
  mailAuth?: MailProof | null;
  createdAt: Date;
}
export const MessageModel = model('Message', messageSchema);
