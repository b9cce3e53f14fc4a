/**
 * The durable outbox. `enqueueMail` renders a message and stores it (`outbox`, status `queued`);
 * `processOutbox` sends the due ones; `startOutboxWorker` (outbox-worker.ts) runs it on a timer.
 *
 * Claiming (FerretDB has no atomic conditional update): attempt N of a message is claimed by
 * inserting `outbox_leases` `{ _id: "<outboxId>:<N>" }`. The unique `_id` lets exactly one worker
 * win; a duplicate key means another worker owns that attempt. After claiming, the winner re-reads
 * the message by `_id` and goes on only if it is still `queued` with `attempts = N - 1`. Every
 * write afterwards is a `$set` of absolute values by `_id` (`attempts: N`, never `$inc`).
 *
 * Crashes: a message is marked `sent` only after the SMTP server accepted it. A crash between the
 * acceptance and that write leaves a lease without a result; once the lease is older than
 * `leaseTimeoutMs` a worker records that attempt as interrupted and claims the next one, so the
 * message is sent once more: at worst one duplicate, never a loss. The same message keeps the same
 * `Message-ID`, so most mail clients show the duplicate as one message. The SMTP socket timeouts
 * of the transport made here are well below `leaseTimeoutMs`, so a slow but live send is not taken over.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Transporter } from 'nodemailer';
import { AttachmentModel, type Attachment } from '../attachments/attachment.model.js';
import type { AttachmentStorage } from '../attachments/storage.js';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { noteAddressMail } from './address-mail.js';
import { Outbox, OutboxDueModel, OutboxLeaseModel, deferOutboxDue, markOutboxDue, type OutboxLease, type OutboxMail } from './mail.models.js';
import { readByIds } from '../db/point-reads.js';
import { autoSubmittedValue, isAutomatic, renderMail, type MailLocale, type MailTemplateData, type MailTemplateName } from './templates.js';
import { verpAddress, type VerpSettings } from './verp.js';

/** Waits between attempts: after attempt 1, 2, 3 … (the last value repeats). */
export const DEFAULT_BACKOFF_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];
export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_LEASE_TIMEOUT_MS = 10 * 60_000;

export interface MailThreadHeaders {
  /** `Message-ID` of the message this one answers (with angle brackets). */
  inReplyTo?: string | null;
  /** `References` chain, oldest first (with angle brackets). */
  references?: readonly string[];
  replyTo?: string | null;
  /** Another of Relais's own addresses than `MAIL_FROM`'s (mail-parts.ts `mailboxAddress`), with its display name. */
  from?: string | null;
}

export interface EnqueueMailInput<T extends MailTemplateName> {
  template: T;
  locale: MailLocale;
  to: string | readonly string[];
  data: MailTemplateData[T];
  ticketId?: Types.ObjectId | string | null;
  headers?: MailThreadHeaders;
}

/** The domain of the address in `MAIL_FROM` (`Relais <support@relais.example>` → `relais.example`). */
export function mailDomain(mailFrom: string): string {
  const match = /@([^>\s@]+)>?\s*$/.exec(mailFrom.trim());
  return match?.[1]?.toLowerCase() ?? 'relais.invalid';
}

/** `<outboxId.ticketNumber@domain>`, or `<outboxId@domain>` without a ticket: fixed when enqueued. */
export function outboxMessageId(outboxId: Types.ObjectId | string, ticketNumber: string | null, domain: string): string {
  return `<${String(outboxId)}${ticketNumber ? `.${ticketNumber}` : ''}@${domain}>`;
}

const messageIdPattern = /^<[^<>\s]+@[^<>\s]+>$/;
function checkMessageId(value: string): string {
  if (!messageIdPattern.test(value)) throw new TypeError(`Not a Message-ID: ${value}`);
  return value;
}

/** Renders the message now and stores it in the outbox, due immediately. Returns the stored document. */
export async function enqueueMail<T extends MailTemplateName>(
  input: EnqueueMailInput<T>,
  options: { config: Pick<Config, 'mailFrom'>; now?: Date },
): Promise<OutboxMail> {
  const doc = buildOutboxMail(input, options);
  await noteUnlinkedMail(doc);
  await markOutboxDue(doc._id, doc.nextAttemptAt);
  await Outbox.collection.insertOne(doc);
  return doc;
}

/**
 * Mail no ticket names (a "send me a link" mail, a test mail) is keyed by its recipients, so that a
 * member's erasure and export find it without reading the outbox (address-mail.ts); a ticket's mail
 * is found through the ticket's events.
 */
async function noteUnlinkedMail(mail: OutboxMail): Promise<void> {
  if (!mail.ticket) await noteAddressMail(mail.to, 'outbox', String(mail._id), mail.createdAt);
}

/**
 * Stores a message built under a fixed id (`buildOutboxMail` with `id`), once: a second store of the
 * same id (another worker, a retry after a stop) finds it there and does nothing.
 */
export async function storeOutboxMailOnce(mail: OutboxMail): Promise<void> {
  await noteUnlinkedMail(mail);
  await markOutboxDue(mail._id, mail.nextAttemptAt);
  try {
    await Outbox.collection.insertOne(mail);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/**
 * Renders a message into an outbox document without storing it: ticket commands put it in their
 * journal event, so the mail is written with the change it reports (and replayed after a crash).
 */
export function buildOutboxMail<T extends MailTemplateName>(
  input: EnqueueMailInput<T>,
  options: { config: Pick<Config, 'mailFrom'>; now?: Date; id?: Types.ObjectId; attachments?: readonly Types.ObjectId[] },
): OutboxMail {
  const now = options.now ?? new Date();
  const rendered = renderMail(input.template, input.locale, input.data);
  const _id = options.id ?? new Types.ObjectId();
  const ticketNumber = (input.data as { ticketNumber?: string }).ticketNumber ?? null;
  const to = (typeof input.to === 'string' ? [input.to] : [...input.to]).map((a) => a.trim()).filter((a) => a !== '');
  if (to.length === 0) throw new TypeError('A message needs at least one recipient.');
  const headers = input.headers ?? {};
  const doc: OutboxMail = {
    _id,
    template: input.template,
    locale: input.locale,
    ticket: input.ticketId ? new Types.ObjectId(String(input.ticketId)) : null,
    ticketNumber,
    from: headers.from ?? options.config.mailFrom,
    to,
    replyTo: headers.replyTo ?? null,
    messageId: outboxMessageId(_id, ticketNumber, mailDomain(options.config.mailFrom)),
    inReplyTo: headers.inReplyTo ? checkMessageId(headers.inReplyTo) : null,
    references: (headers.references ?? []).map(checkMessageId),
    autoSubmitted: isAutomatic(input.template, input.data),
    ...rendered,
    // Ids only: the bytes are read from the attachment storage when the message is sent.
    ...(options.attachments?.length ? { attachments: [...options.attachments] } : {}),
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    sentAt: null,
    createdAt: now,
    updatedAt: now,
  };
  return doc;
}

/** Messages that gave up (permanent error or too many attempts), newest first, for administrators. */
export async function listFailedMail(limit = 100): Promise<OutboxMail[]> {
  return Outbox.find({ status: 'failed' }).sort({ updatedAt: -1 }).limit(limit).lean<OutboxMail[]>();
}

/** One outbox message by id (tests, admin pages). */
export async function findOutboxMail(id: Types.ObjectId | string): Promise<OutboxMail | null> {
  return Outbox.findById(id).lean<OutboxMail>();
}

export { createMailTransport } from './smtp-transport.js';

export interface ProcessOutboxOptions {
  transport: Transporter;
  /** Sends each message with its own signed envelope sender (verp.ts), so bounces name it. */
  verp?: VerpSettings;
  logger: Logger;
  now?: () => Date;
  workerId?: string;
  maxAttempts?: number;
  backoffMs?: readonly number[];
  leaseTimeoutMs?: number;
  /** How many due messages one pass looks at. */
  batchSize?: number;
  /** Where the files of messages with attachments are read from (required to send such a message). */
  attachmentStorage?: AttachmentStorage;
}

export interface ProcessOutboxResult {
  sent: number;
  retried: number;
  failed: number;
  /** Attempts another worker had already claimed. */
  skipped: number;
  /** The pass took a full batch and got somewhere with it: more may be due now (a backlog), so the worker runs again at once. */
  more: boolean;
}

function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** An error as a short line for logs and the outbox record. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 1000);
  return String(error).slice(0, 1000);
}

/**
 * A mark whose message is missing is kept this long (a read by `_id` a pass): a pass between the two
 * writes, or a journal replayed hours later, must not drop it; past this, the process died in between.
 */
const ORPHAN_MARK_GRACE_MS = 24 * 3600_000;

type DueMark = { _id: Types.ObjectId; at?: Date; due?: Date };

/**
 * Whether a mark has nothing left to send: its message was sent or failed for good, or never came (an
 * old mark). A mark without a time (journal-written, before marks had one) is as old as its id (QA: a
 * pass dropped such a mark between the two writes, and its acknowledgement never left).
 */
function spentMark(mark: DueMark, mail: OutboxMail | undefined, now: Date): boolean {
  if (mail) return mail.status !== 'queued';
  const born = mark.at ? new Date(mark.at).getTime() : mark._id.getTimestamp().getTime();
  return now.getTime() - born > ORPHAN_MARK_GRACE_MS;
}

/** Every message waiting to be sent, oldest due first (the administrators' count, tests); spent marks are removed. */
export async function queuedMail(now: Date = new Date()): Promise<OutboxMail[]> {
  const hints = await OutboxDueModel.collection.find<DueMark>({}, { projection: { _id: 1, at: 1 } }).toArray();
  const mails = await readByIds(
    hints.map((h) => h._id),
    (id) => Outbox.findById(id).lean<OutboxMail>(),
  );
  const byId = new Map(mails.map((m) => [String(m._id), m]));
  for (const h of hints) if (spentMark(h, byId.get(String(h._id)), now)) await OutboxDueModel.collection.deleteOne({ _id: h._id });
  return mails.filter((m) => m.status === 'queued').sort((a, b) => new Date(a.nextAttemptAt).getTime() - new Date(b.nextAttemptAt).getTime());
}

/**
 * The messages due at `at`, oldest due first, at most `limit`: the hints that say so (mail.models.ts),
 * then only those messages by `_id`, a slice at a time until the batch is full. On the way, hints of
 * messages sent or failed for good are removed, an old hint whose message never came too, and a hint
 * behind its message's schedule (its last update lost) is moved to it.
 */
async function dueMail(at: Date, limit: number): Promise<OutboxMail[]> {
  const hints = await OutboxDueModel.collection.find<DueMark>({}, { projection: { _id: 1, at: 1, due: 1 } }).toArray();
  const dueAt = (h: DueMark) => new Date(h.due ?? h.at ?? 0).getTime();
  const ready = hints.filter((h) => dueAt(h) <= at.getTime()).sort((a, b) => dueAt(a) - dueAt(b));
  const found: OutboxMail[] = [];
  for (let i = 0; i < ready.length && found.length < limit; i += limit) {
    const slice = ready.slice(i, i + limit);
    const mails = new Map(
      (
        await readByIds(
          slice.map((h) => h._id),
          (id) => Outbox.findById(id).lean<OutboxMail>(),
        )
      ).map((m) => [String(m._id), m]),
    );
    for (const hint of slice) {
      const mail = mails.get(String(hint._id));
      if (spentMark(hint, mail, at)) await OutboxDueModel.collection.deleteOne({ _id: hint._id });
      else if (!mail)
        continue; // its message is still being stored
      else if (new Date(mail.nextAttemptAt).getTime() > at.getTime()) await deferOutboxDue(mail._id, new Date(mail.nextAttemptAt));
      else if (found.length < limit) found.push(mail);
    }
  }
  return found;
}

/**
 * Marks the messages queued before the `outbox_due` marks existed (once per database, a marker in
 * `meta`): one read of the outbox at the first start of this version.
 */
export async function backfillOutboxDue(): Promise<number> {
  const meta = Outbox.db.collection<{ _id: string; at: Date }>('meta');
  const marker = 'outbox-due-backfilled';
  if (await meta.findOne({ _id: marker })) return 0;
  let marked = 0;
  for await (const mail of Outbox.find({ status: 'queued' }, { _id: 1 }).lean().cursor()) {
    await markOutboxDue(mail._id);
    marked += 1;
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return marked;
}

/** Sends every due message once (one attempt each). Safe to run in several workers at once. */
export async function processOutbox(options: ProcessOutboxOptions): Promise<ProcessOutboxResult> {
  const now = options.now ?? (() => new Date());
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const leaseTimeoutMs = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
  const result: ProcessOutboxResult = { sent: 0, retried: 0, failed: 0, skipped: 0, more: false };
  const batchSize = options.batchSize ?? 50;

  const due = await dueMail(now(), batchSize);

  for (const listed of due) {
    const attempt = listed.attempts + 1;
    const leaseId = `${String(listed._id)}:${attempt}`;
    try {
      await OutboxLeaseModel.create({ _id: leaseId, outbox: listed._id, attempt, worker: workerId, at: now() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await takeOverStaleLease(leaseId, listed, now(), leaseTimeoutMs, maxAttempts);
      result.skipped += 1;
      continue;
    }
    // We own attempt N; check it is still the next one (the list may be stale).
    const mail = await Outbox.findById(listed._id).lean<OutboxMail>();
    if (!mail || mail.status !== 'queued' || mail.attempts !== attempt - 1) {
      result.skipped += 1;
      continue;
    }
    try {
      const attachments = await mailAttachments(mail, options.attachmentStorage);
      await options.transport.sendMail({
        ...(attachments.length > 0 ? { attachments } : {}),
        from: mail.from,
        to: mail.to,
        ...(options.verp ? { envelope: { from: verpAddress(options.verp, String(mail._id)), to: mail.to } } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references.length > 0 ? { references: mail.references } : {}),
        headers: mail.autoSubmitted ? { 'Auto-Submitted': autoSubmittedValue(mail), 'X-Auto-Response-Suppress': 'All' } : {},
      });
    } catch (error) {
      const at = now();
      const permanent = isPermanent(error);
      const giveUp = permanent || attempt >= maxAttempts;
      const wait = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 60_000;
      await Outbox.updateOne(
        { _id: mail._id },
        {
          $set: {
            status: giveUp ? 'failed' : 'queued',
            attempts: attempt,
            lastError: describeError(error),
            nextAttemptAt: giveUp ? at : new Date(at.getTime() + wait),
            updatedAt: at,
          },
        },
      );
      if (giveUp) await OutboxDueModel.collection.deleteOne({ _id: mail._id });
      else await deferOutboxDue(mail._id, new Date(at.getTime() + wait));
      if (giveUp) result.failed += 1;
      else result.retried += 1;
      options.logger.warn({ outbox: String(mail._id), attempt, permanent, giveUp, err: describeError(error) }, 'mail not sent');
      continue;
    }
    const at = now();
    await Outbox.updateOne({ _id: mail._id }, { $set: { status: 'sent', attempts: attempt, sentAt: at, lastError: null, updatedAt: at } });
    await OutboxDueModel.collection.deleteOne({ _id: mail._id });
    result.sent += 1;
    options.logger.info({ outbox: String(mail._id), attempt, template: mail.template }, 'mail sent');
  }
  // Skipped ones alone are no progress: another worker holds them, and looping on them would spin.
  result.more = due.length >= batchSize && result.sent + result.retried + result.failed > 0;
  return result;
}

/**
 * The files a message carries, read by id and from the storage now (the outbox keeps only their
 * ids). A file that is gone makes the attempt fail: retried, then failed for an administrator to see.
 */
async function mailAttachments(
  mail: OutboxMail,
  storage: AttachmentStorage | undefined,
): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  if (!mail.attachments?.length) return [];
  if (!storage) throw new Error('This message has attachments and the outbox has no attachment storage.');
  const files = await readByIds(mail.attachments, (id) => AttachmentModel.findById(id).lean<Attachment>());
  if (files.length !== mail.attachments.length) throw new Error('An attachment of this message no longer exists.');
  return Promise.all(files.map(async (f) => ({ filename: f.filename, contentType: f.contentType, content: await storage.read(f.sha256) })));
}

/**
 * A lease older than `leaseTimeoutMs` whose attempt never finished belongs to a worker that died
 * (possibly after the SMTP server accepted the message): record the attempt as interrupted so the
 * next pass claims attempt N + 1. Absolute values by `_id`: two workers doing this agree.
 */
async function takeOverStaleLease(leaseId: string, listed: OutboxMail, at: Date, leaseTimeoutMs: number, maxAttempts: number): Promise<void> {
  const lease = await OutboxLeaseModel.findById(leaseId).lean<OutboxLease>();
  if (!lease || at.getTime() - lease.at.getTime() < leaseTimeoutMs) return;
  const mail = await Outbox.findById(listed._id).lean<OutboxMail>();
  if (!mail || mail.status !== 'queued' || mail.attempts !== lease.attempt - 1) return;
  const giveUp = lease.attempt >= maxAttempts;
  await Outbox.updateOne(
    { _id: mail._id },
    {
      $set: {
        status: giveUp ? 'failed' : 'queued',
        attempts: lease.attempt,
        lastError: 'attempt interrupted (worker stopped before recording the result)',
        nextAttemptAt: at,
        updatedAt: at,
      },
    },
  );
}
