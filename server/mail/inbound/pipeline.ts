/**
 * The inbound pipeline: every received message ends in exactly one accounted outcome — a new
 * ticket, a message on an existing ticket, a recorded bounce, machine mail or auto-reply, an ignored
 * loop of our own, a copy of a message received before, or quarantine with a reason. Never silently
 * dropped, never acted on twice, every delivery listed.
 *
 *   accept — SMTP: an append to the spool file, synced (spool.ts; a large message's bytes in their
 *            content-addressed file first): all the 250 waits for; then, in the receiver's lane,
 *   admit  — one insert by `_id` (the SHA-256 of the bytes) in `inbound_pending`, the bytes inside
 *            (`store` for IMAP: accept and admit in one, its message stays on the server meanwhile)
 *   settle — (in the background) the bytes' file, the listing headers, the identity (identity.ts: a
 *            content hash of the key headers and body, claimed by an insert on its `_id`): a copy of a
 *            message received before is recorded as the same as it (`duplicate`) and acts on nothing;
 *            a Message-ID reused with other content is a message of its own, flagged
 *   parse  — bounded (parse.ts); a failure is a quarantine with its reason
 *   classify and act (inbound-rules.ts), in the order of test/fixtures/mail/README.md ("The outcome rules"):
 *            own address → ignored; bounce → recorded on the member; machine mail (reports, delay
 *            notices, alerts) → recorded, never answered; auto-reply → recorded, never
 *            answered; bulk → quarantine; no sender, spoofed sender → quarantine; reply token →
 *            follow-up from a participant, else quarantine (forged); our Message-ID or a ticket number
 *            → follow-up from a participant, else a new ticket linked to the one named; else a new ticket
 *   record — the `inbound_mail` record with its outcome and history (one insert), then the hint goes
 *
 * Each message is processed on its own (its own try, size and time bounds); one bad message never
 * blocks the others. Acting is idempotent: a ticket created from a message has an id fixed in its
 * hint at acceptance, and a follow-up carries the message's Message-ID, so a crash and a retry act
 * once. A crash leaves the hint (inbound-hints.ts); `recover` processes the hints at start.
 */
import path from 'node:path';
import { Types } from 'mongoose';
import { createFileStorage, type AttachmentStorage } from '../../attachments/storage.js';
import { isDuplicateKeyError } from '../../lib/errors.js';
import { ticketNumberFromReplyToken } from '../../members/member-links.js';
import type { MailAuthentication } from './authentication.js';
import { DEFAULT_PARSE_LIMITS } from './parse.js';
import type { InboundPipeline, InboundPipelineOptions, ReceivedMessage } from './pipeline.types.js';
import { withTimeout } from '../../lib/timeout.js';
import { hashOf, headerLine, headerMessageId } from './raw.js';
import { retentionRemoval } from './raw-retention.js';
import { claimIdentity, contentKeyOf, recordDuplicate } from './identity.js';
import { noteInboundMail } from '../address-mail.js';
import { createInboundActions } from './inbound-actions.js';
import { outcome, Quarantine } from './inbound-outcome.js';
import { tellMemberMailIsHeld } from './held-notice.js';
import { admitPending, dropPending, withQuarantineHints } from './inbound-hints.js';
import { createInboundRules, historyAction, type Forced } from './inbound-rules.js';
import { createInboundSpool, recoverSpools, setAsideSpooled, type InboundSpool } from './spool.js';
import {
  bytesKeyOf,
  bytesOf,
  INLINE_RAW_MAX,
  InboundMailModel,
  InboundPendingModel,
  type InboundHistoryEntry,
  type InboundMail,
  type InboundOutcome,
  type InboundPending,
} from './inbound.model.js';

export type { InboundPipeline, InboundPipelineOptions, InboundSettings, ReceivedMessage } from './pipeline.types.js';

export function createInboundPipeline(options: InboundPipelineOptions): InboundPipeline {
  const { config, logger } = options;
  const storage: AttachmentStorage = createFileStorage(path.join(config.dataDir, 'inbound'));
  const attachmentStore = createFileStorage(path.join(config.dataDir, 'attachments'));
  /** A stored record's bytes; a GoneError when retention removed them (raw-retention.ts). */
  const storedRaw = async (id: string): Promise<Buffer> => {
    try {
      return await storage.read(bytesKeyOf(id));
    } catch (error) {
      throw (await retentionRemoval(id)) ?? error;
    }
  };
  const resolveToken = options.resolveToken ?? ((token: string) => ticketNumberFromReplyToken(config, token));
  const timeoutMs = options.timeoutMs ?? 120_000;
  // Mail keeps every file up to the size limit: its count is bounded by the parse limit on parts (inbound-files.ts).
  const limits = { maxFiles: options.parseLimits?.maxParts ?? DEFAULT_PARSE_LIMITS.maxParts, maxBytes: config.attachments.maxBytes };
  // What this pipeline stores itself, its caller processes: `recover` leaves it alone (no message twice at once).
  const startedAt = new Date();

  /** One write by `_id` (the only filter FerretDB pushes down): the new state and a history line. */
  async function record(id: string, set: Partial<InboundMail>, entry: Omit<InboundHistoryEntry, 'at'>): Promise<void> {
    await InboundMailModel.collection.updateOne({ _id: id } as never, { $set: set, $push: { history: { ...entry, at: new Date() } } } as never);
  }

  /** A message as it waits to be processed: its id (the bytes' hash), the bytes inside when small, else in their file first. */
  async function draft(message: ReceivedMessage): Promise<InboundPending> {
    const hash = hashOf(message.raw);
    const inline = message.raw.length <= INLINE_RAW_MAX;
    if (!inline) await storage.put(hash, message.raw);
    return {
      _id: hash,
      raw: inline ? message.raw : null,
      source: message.source,
      mailbox: message.mailbox ?? null,
      envelope: { from: message.envelopeFrom ?? null, to: [...(message.envelopeTo ?? [])] },
      client: message.client ?? null,
      truncated: Boolean(message.truncated),
      routing: { category: message.routing?.category ?? null, office: message.routing?.office ?? null },
      receivedAt: new Date(),
      plannedTicket: new Types.ObjectId(),
    };
  }

  /** The durable store of IMAP and of callers without a spool: one insert by `_id` (`admitPending`). */
  async function store(message: ReceivedMessage): Promise<{ id: string; known: boolean }> {
    return admitPending(await draft(message));
  }

  const spoolDir = path.join(config.dataDir, 'inbound-spool');
  let spool: InboundSpool | null = null;
  /** The spool files of stopped writers into the database (spool.ts: one take-over at a time); their ids. */
  const takeOver = (): Promise<string[]> => recoverSpools(spoolDir, async (pending) => (await admitPending(pending)).id, logger);

  /** The record of a pending message, its listing headers and identity read from the bytes now. */
  function recordOf(pending: InboundPending, raw: Buffer, id: string): InboundMail {
    return {
      _id: id,
      contentKey: contentKeyOf(raw),
      sameAs: null,
      reusesMessageIdOf: null,
      messageId: headerMessageId(raw),
      source: pending.source,
      mailbox: pending.mailbox,
      envelope: pending.envelope,
      client: pending.client ?? null,
      authentication: null,
      size: raw.length,
      truncated: pending.truncated,
      subject: headerLine(raw, 'subject'),
      from: headerLine(raw, 'from'),
      receivedAt: pending.receivedAt,
      status: 'pending',
      outcome: null,
      plannedTicket: pending.plannedTicket,
      attempts: 0,
      routing: pending.routing,
      history: [{ at: pending.receivedAt, action: 'received', by: null, note: null }],
    };
  }

  /**
   * Processes a pending message: its record's id (the bytes' hash; `<hash>.<delivery>` when those
   * bytes were recorded before: every delivery is listed), its identity (identity.ts: a copy of a
   * message received already is recorded as the same as it, and nothing is acted), its file, its
   * record (written with its outcome), then the hint goes.
   */
  async function settle(pending: InboundPending): Promise<InboundOutcome | null> {
    const id = pending._id;
    const raw = pending.raw ? bytesOf(pending.raw) : await storage.read(bytesKeyOf(id));
    const existing = await InboundMailModel.findById(id).lean<InboundMail>();
    // This very delivery, recorded before a stop: done, or left pending by a failure (retried).
    const same = existing && (existing.status === 'pending' || String(existing.plannedTicket) === String(pending.plannedTicket));
    if (existing && same && existing.status !== 'pending') {
      await dropPending(id);
      return existing.outcome;
    }
    const fresh = recordOf(pending, raw, existing ? `${id}.${String(pending.plannedTicket)}` : id);
    const doc = same && existing ? { ...existing, contentKey: existing.contentKey ?? fresh.contentKey } : fresh;
    const identity = await claimIdentity(doc, (earlier) => storage.read(bytesKeyOf(earlier)));
    // The bytes in their file before a record names them (the administration screens read them there).
    if (pending.raw) await storage.put(bytesKeyOf(id), raw);
    if (identity.sameAs) {
      const result = await recordDuplicate(doc, identity.sameAs);
      await dropPending(id);
      logger.info({ inbound: doc._id, first: identity.sameAs }, 'inbound message received again (same content): recorded, nothing acted');
      return result;
    }
    const result = await run({ ...doc, reusesMessageIdOf: identity.reusesMessageIdOf }, raw, false, null, Boolean(same));
    await dropPending(id);
    return result;
  }

  const actions = createInboundActions({
    config,
    attachmentStore,
    limits,
    resolveToken,
  });
  const { decide } = createInboundRules({ config, options, resolveToken, actions });

  /**
   * The record's new state and a history line: one write by `_id` (an insert when it is not stored
   * yet), with the quarantine hint written before a record enters quarantine and dropped after it leaves.
   */
  async function save(doc: InboundMail, stored: boolean, set: Partial<InboundMail>, entry: Omit<InboundHistoryEntry, 'at'>): Promise<void> {
    if (!stored) await noteInboundMail(doc);
    await withQuarantineHints(doc, set, () => write(doc, stored, set, entry));
  }

  async function write(doc: InboundMail, stored: boolean, set: Partial<InboundMail>, entry: Omit<InboundHistoryEntry, 'at'>): Promise<void> {
    if (!stored) {
      try {
        await InboundMailModel.collection.insertOne({ ...doc, ...set, history: [...doc.history, { ...entry, at: new Date() }] } as never);
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    await record(doc._id, set, entry);
  }

  async function run(doc: InboundMail, raw: Buffer, forced: Forced, by: string | null, stored: boolean, why?: string): Promise<InboundOutcome> {
    const id = doc._id;
    const attempts = (doc.attempts ?? 0) + 1;
    let result: InboundOutcome;
    let tell: string | null = null; // the ticket whose member is told their mail is held, once it is recorded
    const seen: { authentication?: MailAuthentication } = {};
    try {
      result = await withTimeout(decide(doc, raw, forced, by, seen), timeoutMs, `processing message ${id}`);
    } catch (error) {
      if (error instanceof Quarantine) {
        result = outcome('quarantine', { reason: error.reason, detail: error.detail, relatedTicket: error.relatedTicket });
        tell = error.tellMember ? error.relatedTicket : null;
      } else {
        // Not the message's fault (database down, a bug): it stays pending and is retried.
        logger.error({ err: error, inbound: id }, 'inbound message could not be processed; it will be retried');
        await save(doc, stored, { attempts }, { action: 'failed', by, note: error instanceof Error ? error.message.slice(0, 500) : String(error) });
        throw error;
      }
    }
    const status = result.kind === 'quarantine' ? 'quarantined' : 'done';
    await save(
      doc,
      stored,
      { status, outcome: result, attempts, authentication: seen.authentication ?? doc.authentication ?? null },
      {
        action: historyAction(forced, status, by),
        by,
        note: [why?.slice(0, 500), [result.kind, result.ticketNumber, result.reason].filter(Boolean).join(' · ')].filter(Boolean).join(' — '),
      },
    );
    logger.info({ inbound: id, outcome: result.kind, ticket: result.ticketNumber, reason: result.reason }, 'inbound message processed');
    if (tell)
      await tellMemberMailIsHeld(config, tell, doc.messageId).catch((err: unknown) =>
        logger.warn({ err, inbound: id }, 'the held-mail notice could not be stored'),
      );
    return result;
  }

  /** A person's decision on a stored record: the rules again, or a ticket whatever they say. */
  async function rerun(id: string, forced: Forced, by: string, why?: string): Promise<InboundOutcome | null> {
    const doc = await InboundMailModel.findById(id).lean<InboundMail>();
    if (!doc) return null;
    const result = await run(doc, await storedRaw(id), forced, by, true, why);
    await dropPending(id);
    return result;
  }

  return {
    store,
    async accept(message) {
      const pending = await draft(message);
      spool ??= createInboundSpool(spoolDir, logger);
      await spool.append(pending);
      return pending;
    },
    async admit(pending) {
      const { id } = await admitPending(pending);
      await spool?.release(pending);
      return id;
    },
    async setAside(pending) {
      await setAsideSpooled(spoolDir, pending);
      await spool?.release(pending);
    },
    async close() {
      const closing = spool;
      spool = null;
      await closing?.close();
    },
    raw: storedRaw,
    async process(id) {
      const pending = await InboundPendingModel.collection.findOne<InboundPending>({ _id: id } as never);
      if (pending) return settle(pending);
      const doc = await InboundMailModel.findById(id).lean<InboundMail>();
      if (!doc) return null;
      if (doc.status !== 'pending') return doc.outcome;
      return run(doc, await storedRaw(id), false, null, true);
    },
    async ingest(message) {
      const { id } = await store(message);
      return this.process(id);
    },
    reprocess: (id, by, note) => rerun(id, false, by, note),
    force: (id, by) => rerun(id, true, by),
    attach: (id, by) => rerun(id, 'attach', by),
    async discard(id, by, note) {
      const doc = await InboundMailModel.findById(id, { status: 1, receivedAt: 1, outcome: 1 }).lean<InboundMail>();
      if (!doc) return null;
      const result = outcome('discarded', { reason: note.slice(0, 500) || 'discarded' });
      await save(doc, true, { status: 'discarded', outcome: result }, { action: 'discarded', by, note: note.slice(0, 500) || null });
      await dropPending(id);
      return result;
    },
    async takeOverSpools() {
      const ids = await takeOver();
      let done = 0;
      for (const id of ids) {
        try {
          await this.process(id);
          done += 1;
        } catch {
          // logged in run; stays pending
        }
      }
      return done;
    },
    async recover() {
      // Accepted messages a stopped receiver had not put in the database yet, then every hint (whatever the spool's fate).
      await takeOver().catch((error: unknown) => logger.error({ err: error }, 'could not take over the inbound spool files; tried again in a minute'));
      // The hints of the messages a stop left unaccounted for: a small collection, read whole, oldest first.
      const pending = (await InboundPendingModel.find({}, { _id: 1, receivedAt: 1 }).lean<Pick<InboundPending, '_id' | 'receivedAt'>[]>()).filter(
        (p) => p.receivedAt < startedAt,
      );
      pending.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a._id.localeCompare(b._id));
      let done = 0;
      for (const { _id } of pending) {
        try {
          await this.process(_id);
          done += 1;
        } catch {
          // logged in run; stays pending
        }
      }
      return done;
    },
  };
}
