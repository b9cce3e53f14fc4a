/** The mail collections: `outbox` (durable outgoing mail), `outbox_leases` (claims), `caught_mail` (embedded catcher). */
import { Schema, model, type Types } from 'mongoose';

/** `cancelled`: a held reply sent inside the resolution mail instead (`replacedBy`; mail/held-replies.ts). */
export const outboxStatuses = ['queued', 'sent', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * One outgoing message, rendered when it was enqueued: a restart sends exactly what was decided.
 * `attempts` counts finished attempts; attempt N (1-based) is claimed by the lease `<_id>:<N>`.
 */
const outboxSchema = new Schema(
  {
    template: { type: String, required: true },
    locale: { type: String, required: true },
    ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    ticketNumber: { type: String, default: null },
    from: { type: String, required: true },
    to: { type: [String], required: true },
    replyTo: { type: String, default: null },
    messageId: { type: String, required: true },
    inReplyTo: { type: String, default: null },
    references: { type: [String], default: [] },
    autoSubmitted: { type: Boolean, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    /** Attachment ids (`attachments`): the bytes are read when the message is sent, not copied here. */
    attachments: { type: [Schema.Types.ObjectId], default: undefined },
    status: { type: String, enum: outboxStatuses, required: true, default: 'queued' },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
    replacedBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'outbox', optimisticConcurrency: false, versionKey: false },
);
outboxSchema.index({ status: 1, nextAttemptAt: 1 });

/**
 * `outbox_due`: one hint per message that may still have to be sent (`_id` = the message, `at` = when
 * it was marked, `due` = when it is next to be tried, as its last attempt set it). Written before the
 * message is stored, removed by the worker once the message is sent or has failed for good, so the
 * worker reads this small collection, picks the hints that are due, and reads only those messages by
 * `_id`: never the whole outbox (a year of mail; a scan on the embedded database every few seconds),
 * nor every waiting message at each pass (a backlog after an SMTP outage would cost a read of each
 * waiting message for every batch sent). A hint without `due` (older ones) is due from `at`.
 */
const outboxDueSchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, at: { type: Date }, due: { type: Date } },
  { collection: 'outbox_due', versionKey: false },
);
export const OutboxDueModel = model<{ _id: Types.ObjectId; at?: Date; due?: Date }>('OutboxDue', outboxDueSchema);

/** Marks a message as to be sent from `at` (idempotent: a mark already there is refreshed). */
export async function markOutboxDue(id: Types.ObjectId, at: Date = new Date()): Promise<void> {
  try {
    await OutboxDueModel.collection.insertOne({ _id: id, at, due: at });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
    await OutboxDueModel.collection.updateOne({ _id: id }, { $set: { at, due: at } });
  }
}

/** Notes on a message's hint when it is next to be tried (after a failed attempt). */
export async function deferOutboxDue(id: Types.ObjectId, due: Date): Promise<void> {
  await OutboxDueModel.collection.updateOne({ _id: id }, { $set: { due } });
}

export interface OutboxMail {
  _id: Types.ObjectId;
  template: string;
  locale: string;
  ticket: Types.ObjectId | null;
  ticketNumber: string | null;
  from: string;
  to: string[];
  replyTo: string | null;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  autoSubmitted: boolean;
  subject: string;
  text: string;
  html: string;
  attachments?: Types.ObjectId[];
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
  /** The message that carried this one's content instead (a held reply in a resolution mail). */
  replacedBy?: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export const Outbox = model('Outbox', outboxSchema);

/** A claim on one attempt: `_id = "<outboxId>:<attempt>"`; the unique `_id` is the serialization point. */
const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    outbox: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true },
    worker: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'outbox_leases', versionKey: false },
);

export interface OutboxLease {
  _id: string;
  outbox: Types.ObjectId;
  attempt: number;
  worker: string;
  at: Date;
}

export const OutboxLeaseModel = model('OutboxLease', leaseSchema);

/** A message received by the embedded mail catcher (no real SMTP server configured). */
const caughtSchema = new Schema(
  {
    raw: { type: String, required: true },
    envelopeFrom: { type: String, default: null },
    envelopeTo: { type: [String], default: [] },
    messageId: { type: String, default: null },
    subject: { type: String, default: '' },
    from: { type: String, default: '' },
    to: { type: String, default: '' },
    date: { type: Date, default: null },
    text: { type: String, default: '' },
    html: { type: String, default: null },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'caught_mail', versionKey: false },
);
caughtSchema.index({ receivedAt: -1 });

export interface CaughtMail {
  _id: Types.ObjectId;
  raw: string;
  envelopeFrom: string | null;
  envelopeTo: string[];
  messageId: string | null;
  subject: string;
  from: string;
  to: string;
  date: Date | null;
  text: string;
  html: string | null;
  receivedAt: Date;
}

export const CaughtMailModel = model('CaughtMail', caughtSchema);
