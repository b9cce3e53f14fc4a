/**
 * Every received message, one record each, keyed by the SHA-256 of its bytes (`_id`); the same bytes
 * delivered again get a record of their own, `<sha256>.<delivery>` (`bytesKeyOf` gives the bytes' key
 * back), that points to the first (`sameAs`). The record is written when the message is processed (until then
 * the message is in `inbound_pending`, below), or when processing failed (`pending`, retried). The raw bytes live in the data folder (`<DATA_DIR>/inbound`, the
 * attachments' content-addressed storage); the record says where the message came from, what became
 * of it (`outcome`), and every action on it (`history`). Quarantined messages stay here until a
 * person reprocesses, forces or discards them.
 */
import { Schema, model, type Types, type mongo } from 'mongoose';
import type { MailAuthentication, SmtpClient } from './authentication.js';

export const inboundStatuses = ['pending', 'done', 'quarantined', 'discarded'] as const;
export type InboundStatus = (typeof inboundStatuses)[number];

export const outcomeKinds = ['new_ticket', 'follow_up', 'bounce', 'auto_reply', 'machine', 'ignored_own', 'duplicate', 'quarantine', 'discarded'] as const;
export type OutcomeKind = (typeof outcomeKinds)[number];

export interface InboundOutcome {
  kind: OutcomeKind;
  ticket: Types.ObjectId | null;
  ticketNumber: string | null;
  /** For a quarantine: a stable code (`forged_follow_up`, `too_large`, …); otherwise what decided. */
  reason: string | null;
  detail: string | null;
  /** A ticket the message named but was not appended to (a stranger citing a ticket number). */
  relatedTicket: string | null;
  at: Date;
}

export interface InboundHistoryEntry {
  at: Date;
  action: 'received' | 'processed' | 'quarantined' | 'reprocessed' | 'forced' | 'attached' | 'discarded' | 'failed';
  by: string | null;
  note: string | null;
}

export interface InboundMail {
  _id: string;
  messageId: string | null;
  source: 'smtp' | 'imap';
  /** The IMAP mailbox name, or the SMTP recipient the message was addressed to. */
  mailbox: string | null;
  envelope: { from: string | null; to: string[] };
  /** The SMTP client's IP and HELO name, recorded at acceptance for SPF (null: IMAP, or before they were kept). */
  client?: SmtpClient | null;
  /** SPF, DKIM and DMARC as evaluated when the message was processed (authentication.ts); null before. */
  authentication?: MailAuthentication | null;
  /** Where tickets from this message go, from the IMAP mailbox's settings (null: routing rules decide). */
  routing?: { category: string | null; office: string | null } | null;
  size: number;
  /** The IMAP intake handed over only the first bytes of a message over its limit. */
  truncated: boolean;
  subject: string | null;
  from: string | null;
  receivedAt: Date;
  status: InboundStatus;
  outcome: InboundOutcome | null;
  /** Fixed before a ticket is created from this message, so a crash and a retry make one ticket. */
  plannedTicket: Types.ObjectId | null;
  attempts: number;
  history: InboundHistoryEntry[];
  /** The message's identity (identity.ts: key headers and body, trace headers left out); null before issue 15. */
  contentKey?: string | null;
  /** A duplicate: the record of the same message received first (outcome `duplicate`, nothing acted). */
  sameAs?: string | null;
  /** Flag: an earlier, different message came with the same Message-ID and sender (this one is processed as its own). */
  reusesMessageIdOf?: string | null;
  /**
   * When housekeeping found this record past INBOUND_RAW_RETENTION (raw-retention.ts): the bytes
   * were removed then (for a duplicate delivery, they go with the first record's). Null: kept.
   */
  rawRemovedAt?: Date | null;
}

/** The key of a record's bytes in `<DATA_DIR>/inbound`: its `_id` up to the delivery suffix. */
export function bytesKeyOf(id: string): string {
  const dot = id.indexOf('.');
  return dot === -1 ? id : id.slice(0, dot);
}

const inboundSchema = new Schema(
  {
    _id: { type: String, required: true },
    messageId: { type: String, default: null },
    source: { type: String, enum: ['smtp', 'imap'], required: true },
    mailbox: { type: String, default: null },
    envelope: { from: { type: String, default: null }, to: { type: [String], default: [] } },
    client: { type: Schema.Types.Mixed, default: null },
    authentication: { type: Schema.Types.Mixed, default: null },
    routing: { category: { type: String, default: null }, office: { type: String, default: null } },
    size: { type: Number, required: true },
    truncated: { type: Boolean, default: false },
    subject: { type: String, default: null },
    from: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    status: { type: String, enum: inboundStatuses, required: true },
    outcome: { type: Schema.Types.Mixed, default: null },
    plannedTicket: { type: Schema.Types.ObjectId, default: null },
    attempts: { type: Number, default: 0 },
    history: { type: Schema.Types.Mixed, default: () => [] },
    contentKey: { type: String, default: null },
    sameAs: { type: String, default: null },
    reusesMessageIdOf: { type: String, default: null },
    rawRemovedAt: { type: Date, default: null },
  },
  { collection: 'inbound_mail', versionKey: false, minimize: false },
);
inboundSchema.index({ messageId: 1 });
inboundSchema.index({ status: 1, receivedAt: -1 });
// The inbound list without a status filter ("all"), newest first, keyset pages.
inboundSchema.index({ receivedAt: -1, _id: -1 });
// Housekeeping: processed records whose bytes are still kept, oldest first (raw-retention.ts).
inboundSchema.index({ rawRemovedAt: 1, status: 1, receivedAt: 1 });

export const InboundMailModel = model<InboundMail>('InboundMail', inboundSchema);

/**
 * A message accepted and not yet accounted for (`inbound_pending`, `_id` = the SHA-256 of its bytes):
 * inserting it is the whole durable store the SMTP 250 waits for. A small message carries its bytes;
 * a larger one's are in `<DATA_DIR>/inbound` (written and flushed first). Processing writes the bytes'
 * file and the `inbound_mail` record, then removes this document; what a crash left here is
 * processed at the next start (`recover` reads this small collection whole, never `inbound_mail`).
 */
export interface InboundPending {
  _id: string;
  /** The bytes, when at most `INLINE_RAW_MAX` (a BSON Binary when read back); null: in the storage under `_id`. */
  raw: Buffer | mongo.Binary | null;
  source: 'smtp' | 'imap';
  mailbox: string | null;
  envelope: { from: string | null; to: string[] };
  /** The SMTP client's IP and HELO name (SPF is evaluated from them when the message is processed). */
  client?: SmtpClient | null;
  truncated: boolean;
  routing: { category: string | null; office: string | null };
  receivedAt: Date;
  /** Fixed at acceptance, so that a crash and a retry make one ticket (createTicket takes the id). */
  plannedTicket: Types.ObjectId;
}

/** Bytes read back from the database or a spool file: BSON gives a Binary for a stored Buffer. */
export function bytesOf(stored: Buffer | mongo.Binary): Buffer {
  return Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer.buffer, stored.buffer.byteOffset, stored.position);
}

/** The largest message whose bytes travel inside its pending document (larger: a file first). */
export const INLINE_RAW_MAX = 256 * 1024;

const pendingSchema = new Schema(
  {
    _id: { type: String, required: true },
    raw: { type: Buffer, default: null },
    source: { type: String, enum: ['smtp', 'imap'], required: true },
    mailbox: { type: String, default: null },
    envelope: { from: { type: String, default: null }, to: { type: [String], default: [] } },
    client: { type: Schema.Types.Mixed, default: null },
    truncated: { type: Boolean, default: false },
    routing: { category: { type: String, default: null }, office: { type: String, default: null } },
    receivedAt: { type: Date, required: true },
    plannedTicket: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'inbound_pending', versionKey: false, minimize: false },
);
export const InboundPendingModel = model<InboundPending>('InboundPending', pendingSchema);

/**
 * `inbound_quarantine`: one hint per message that may be in quarantine (`_id` = the message), with the
 * time it was received: the quarantine page and its count read this small collection, and the records
 * of one page by `_id`, never `inbound_mail` whole. Written before a record becomes `quarantined`,
 * removed after it leaves; a reader drops a hint whose record is not quarantined (a crash between).
 */
const quarantineSchema = new Schema(
  { _id: { type: String, required: true }, receivedAt: { type: Date, required: true } },
  { collection: 'inbound_quarantine', versionKey: false },
);
export const InboundQuarantineModel = model<{ _id: string; receivedAt: Date }>('InboundQuarantine', quarantineSchema);

/**
 * `inbound_held_by_ticket`: the messages in quarantine that cite a ticket (`_id` = its number), so the
 * ticket's page can say one waits for a decision with one read by `_id`. Added to when a record enters
 * quarantine naming a ticket, taken from when it leaves; readers check each record's status (on the
 * embedded database two records held for one ticket at the same instant may leave only one here).
 */
const heldByTicketSchema = new Schema(
  { _id: { type: String, required: true }, mails: { type: [String], default: [] } },
  { collection: 'inbound_held_by_ticket', versionKey: false },
);
export const InboundHeldByTicketModel = model<{ _id: string; mails: string[] }>('InboundHeldByTicket', heldByTicketSchema);

/**
 * A received Message-ID from one sender → the first record that had it (`_id` = SHA-256 of
 * "<message-id> <from>"), read by `_id`: a later message with the same key and other content is
 * flagged as reusing it (identity.ts), never merged into it.
 */
const messageKeySchema = new Schema(
  { _id: { type: String, required: true }, inbound: { type: String, required: true } },
  { collection: 'inbound_message_ids', versionKey: false },
);
export const InboundMessageKeyModel = model<{ _id: string; inbound: string }>('InboundMessageKey', messageKeySchema);

/**
 * A message's identity → the first record that had it (`_id` = the content key of identity.ts):
 * claimed by an insert, so the unique `_id` index decides which of two copies is the message and
 * which is recorded as the same as it. Every lookup is a read by `_id`.
 */
const contentKeySchema = new Schema(
  { _id: { type: String, required: true }, inbound: { type: String, required: true } },
  { collection: 'inbound_content_keys', versionKey: false },
);
export const InboundContentKeyModel = model<{ _id: string; inbound: string }>('InboundContentKey', contentKeySchema);

/**
 * The automatic replies sent to an address in the last day (a few at most, RFC 3834 §2: a loop with
 * an automaton that marks nothing stops there). `_id` is the address; `at` the last one, `times` those
 * of the last 24 hours (absent in records written before it: `at` alone then).
 */
const autoReplySchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, times: { type: [Date], default: undefined } },
  { collection: 'auto_replies', versionKey: false },
);
export const AutoReplyModel = model<{ _id: string; at: Date; times?: Date[] }>('AutoReply', autoReplySchema);
