/**
 * The inbound pipeline: every received message ends in exactly one accounted outcome — a new
 * ticket, a message on an existing ticket, a recorded bounce, machine mail or auto-reply, an ignored
 * loop of our own, a copy of a message received before, or quarantine with a reason. Never silently
 * dropped, never acted on twice, every delivery listed.
 *
 *   store  — one insert by `_id` (the SHA-256 of the bytes) in `inbound_pending`, the bytes inside
 *            (or, for a large message, in their content-addressed file first): all the SMTP 250 waits for
 *   admit  — (in the background) the bytes' file, the listing headers, the identity (identity.ts: a
 *            content hash of the key headers and body, claimed by an insert on its `_id`): a copy of a
 *            message received before is recorded as the same as it (`duplicate`) and acts on nothing;
 *            a Message-ID reused with other content is a message of its own, flagged
 *   parse  — bounded (parse.ts); a failure is a quarantine with its reason
 *   classify and act, in the order of test/fixtures/mail/README.md ("The outcome rules"):
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
 * once. A crash leaves the hint; `recover` processes the hints at start.
 */
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { Types, type mongo } from 'mongoose';
import type { Config } from '../../config.js';
import { toStaffActor, type MemberActor, type StaffActor } from '../../auth/actor.js';
import { createFileStorage, type AttachmentStorage } from '../../attachments/storage.js';
import { isActiveCategory } from '../../catalog/catalog.queries.js';
import { isDuplicateKeyError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { findMemberByEmail } from '../../members/member-lookup.js';
import { MemberModel } from '../../members/member.model.js';
import { ticketNumberFromReplyToken } from '../../members/member-links.js';
import { OfficeModel } from '../../offices/office.model.js';
import { StaffModel } from '../../staff/staff.model.js';
import { TeamModel, type Tier } from '../../teams/team.model.js';
import { memberReply } from '../../tickets/member.commands.js';
import { addNote } from '../../tickets/ticket.commands.js';
import { createTicket } from '../../tickets/ticket.create.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import { ticketIdByEmailMessageId } from '../../tickets/ticket.keys.js';
import { ticketByNumber } from '../../tickets/ticket.queries.js';
import { TicketModel, type Ticket } from '../../tickets/ticket.model.js';
import { can } from '../../tickets/ticket.policy.js';
import { Outbox } from '../mail.models.js';
import { mailDomain } from '../outbox.js';
import { proofOf, type Admission } from './message-proof.js';
import { outboxIdFromVerp } from '../verp.js';
import { authenticateMail, dmarcRejects, verdictLine, type DnsResolver, type MailAuthentication, type SmtpClient } from './authentication.js';
import { detectAutomatic, isFromOwnAddress, senderAddress, threadRefs, type AutomaticVerdict, type ThreadRefs } from './classify.js';
import { attachmentType, headerAddresses } from './headers.js';
import { detectLanguage, type MessageContent } from './content.js';
import { messageContent } from './message-content.js';
import { storeInboundFiles, type StoredFiles } from './inbound-files.js';
import { DEFAULT_PARSE_LIMITS, parseRaw, type ParseLimits } from './parse.js';
import { hashOf, headerLine, headerMessageId } from './raw.js';
import { claimIdentity, contentKeyOf, emailIdOf, recordDuplicate } from './identity.js';
import {
  AutoReplyModel,
  bytesKeyOf,
  INLINE_RAW_MAX,
  InboundMailModel,
  InboundPendingModel,
  InboundQuarantineModel,
  type InboundHistoryEntry,
  type InboundMail,
  type InboundOutcome,
  type InboundPending,
  type OutcomeKind,
} from './inbound.model.js';

export interface ReceivedMessage {
  raw: Buffer;
  source: 'smtp' | 'imap';
  /** The IMAP mailbox's name, or the SMTP recipient it was addressed to. */
  mailbox?: string | null;
  envelopeFrom?: string | null;
  envelopeTo?: readonly string[];
  /** The SMTP client (IP, HELO), kept for SPF: evaluated when the message is processed, not before the 250. */
  client?: SmtpClient | null;
  /** The IMAP intake cut a message over its limit. */
  truncated?: boolean;
  /** Where tickets from this mailbox go (IMAP mailbox settings). */
  routing?: { category?: string; office?: string };
}

export type InboundSettings = Pick<
  Config,
  'inboundAddress' | 'mailFrom' | 'attachments' | 'dataDir' | 'defaultLocale' | 'memberLinkTtl' | 'publicUrl' | 'jwt'
> & {
  inbound: Pick<Config['inbound'], 'extraAddresses' | 'trustedAuthservIds'>;
};

export interface InboundPipelineOptions {
  config: InboundSettings;
  logger: Logger;
  /** Reply token → ticket number (default: the signed tokens of member-links.ts; tests inject others). */
  resolveToken?: (token: string) => string | null;
  parseLimits?: ParseLimits;
  /** Longest time one message may take to process before it is recorded as failed and retried. */
  timeoutMs?: number;
  /**
   * DNS lookups for SPF, DKIM and DMARC of mail received over SMTP (index.ts: node:dns; tests: a
   * fake). Without one nothing is evaluated here: only trusted Authentication-Results count.
   */
  resolver?: DnsResolver;
  /** The name this receiver gives itself in its results (default `relais`). */
  authservId?: string;
}

export interface InboundPipeline {
  /**
   * Stores the raw message durably, nothing more; `known`: the same bytes wait already (this delivery
   * is stored under its own id all the same, and will be recorded as the same as the first).
   */
  store(message: ReceivedMessage): Promise<{ id: string; known: boolean }>;
  /** Processes a stored message that has no outcome yet; returns its outcome (or the one it has). */
  process(id: string): Promise<InboundOutcome | null>;
  /** Store then process. */
  ingest(message: ReceivedMessage): Promise<InboundOutcome | null>;
  /** A person asks to run the rules again (after a fix, a new ticket, a changed setting). */
  reprocess(id: string, by: string): Promise<InboundOutcome | null>;
  /** A person decides: make a ticket of it, whatever the rules said (a forged-looking follow-up, bulk). */
  force(id: string, by: string): Promise<InboundOutcome | null>;
  /** A person decides: it is nothing for us (recorded, bytes kept). */
  discard(id: string, by: string, note: string): Promise<InboundOutcome | null>;
  /** Processes the messages a stop left pending (found through `inbound_pending`). */
  recover(): Promise<number>;
  /** The raw bytes of a stored message. */
  raw(id: string): Promise<Buffer>;
}

const ticketNumberPattern = /^R-\d{4}-\d{6}$/;
/**
 * Quarantine reasons that mean "held for a person to confirm": the mail would act as someone of the
 * ticket (its member, or staff) without proof. A person's "force" confirms it: it is appended, with
 * who confirmed, instead of becoming a new ticket.
 */
const heldReasons = new Set(['unverified_follow_up', 'unverified_staff']);
/** The most of our Message-IDs a delivery report is searched for (each costs a read by `_id`). */
const MAX_BOUNCE_REFS = 10;
const NO_SUBJECT: Record<string, string> = { fr: '(sans objet)', nl: '(geen onderwerp)', en: '(no subject)', de: '(ohne Betreff)' };

class Quarantine extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
    readonly relatedTicket: string | null = null,
  ) {
    super(`${reason}: ${detail}`);
  }
}

function outcome(kind: OutcomeKind, props: Partial<Omit<InboundOutcome, 'kind' | 'at'>> = {}): InboundOutcome {
  return {
    kind,
    ticket: props.ticket ?? null,
    ticketNumber: props.ticketNumber ?? null,
    reason: props.reason ?? null,
    detail: props.detail ?? null,
    relatedTicket: props.relatedTicket ?? null,
    at: new Date(),
  };
}

/** Bytes read back from the database: the driver gives a BSON Binary for a stored Buffer. */
function bytesOf(stored: Buffer | mongo.Binary): Buffer {
  return Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer.buffer, stored.buffer.byteOffset, stored.position);
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Once per database: the hints for records written before hints existed — a `pending` one gets its
 * `inbound_pending` hint (its bytes are in their file already), a `quarantined` one its
 * `inbound_quarantine` hint — so that start-up and the quarantine page read only the hints.
 */
export async function backfillInboundHints(): Promise<number> {
  const meta = InboundMailModel.db.collection<{ _id: string; at: Date }>('meta');
  const marker = 'inbound-hints-backfilled';
  if (await meta.findOne({ _id: marker })) return 0;
  let marked = 0;
  for await (const doc of InboundMailModel.find({ status: 'pending' }).lean<InboundMail>().cursor()) {
    const hint: InboundPending = {
      _id: doc._id,
      raw: null,
      source: doc.source,
      mailbox: doc.mailbox,
      envelope: doc.envelope,
      truncated: doc.truncated,
      routing: doc.routing ?? { category: null, office: null },
      receivedAt: doc.receivedAt,
      plannedTicket: doc.plannedTicket ?? new Types.ObjectId(),
    };
    if (await insertOnce(InboundPendingModel.collection, hint)) marked += 1;
  }
  for await (const doc of InboundMailModel.find({ status: 'quarantined' }, { receivedAt: 1 }).lean<Pick<InboundMail, '_id' | 'receivedAt'>>().cursor()) {
    if (await insertOnce(InboundQuarantineModel.collection, { _id: doc._id, receivedAt: doc.receivedAt })) marked += 1;
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return marked;
}

/** Inserts a document by `_id`; false when it is there already. */
async function insertOnce<T extends { _id: string }>(collection: { insertOne(doc: never): Promise<unknown> }, doc: T): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

async function markQuarantined(id: string, receivedAt: Date): Promise<void> {
  await insertOnce(InboundQuarantineModel.collection, { _id: id, receivedAt });
}

async function unmarkQuarantined(id: string): Promise<void> {
  await InboundQuarantineModel.collection.deleteOne({ _id: id } as never);
}

export function createInboundPipeline(options: InboundPipelineOptions): InboundPipeline {
  const { config, logger } = options;
  const storage: AttachmentStorage = createFileStorage(path.join(config.dataDir, 'inbound'));
  const attachmentStore = createFileStorage(path.join(config.dataDir, 'attachments'));
  const ownAddresses = [config.inboundAddress, ...config.inbound.extraAddresses, config.mailFrom];
  const inboundAddresses = [config.inboundAddress, ...config.inbound.extraAddresses].map((a) => {
    const at = a.lastIndexOf('@');
    return { local: a.slice(0, at).toLowerCase(), domain: a.slice(at + 1).toLowerCase() };
  });
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

  /**
   * The durable store before the 250: one insert by `_id` (the bytes inside it when small, else in
   * their file first). Nothing else happens before the sender is answered: the headers are read, the
   * identity is checked and the record is written when the message is processed. The same bytes
   * waiting already (a sender that retried after a lost 250) take a second insert, under
   * `<hash>.<delivery>`: that delivery is recorded too, as the same as the first.
   */
  async function store(message: ReceivedMessage): Promise<{ id: string; known: boolean }> {
    const hash = hashOf(message.raw);
    const inline = message.raw.length <= INLINE_RAW_MAX;
    if (!inline) await storage.put(hash, message.raw);
    const plannedTicket = new Types.ObjectId();
    const pending: InboundPending = {
      _id: hash,
      raw: inline ? message.raw : null,
      source: message.source,
      mailbox: message.mailbox ?? null,
      envelope: { from: message.envelopeFrom ?? null, to: [...(message.envelopeTo ?? [])] },
      client: message.client ?? null,
      truncated: Boolean(message.truncated),
      routing: { category: message.routing?.category ?? null, office: message.routing?.office ?? null },
      receivedAt: new Date(),
      plannedTicket,
    };
    if (await insertOnce(InboundPendingModel.collection, pending)) return { id: hash, known: false };
    const id = `${hash}.${String(plannedTicket)}`;
    await InboundPendingModel.collection.insertOne({ ...pending, _id: id } as never);
    return { id, known: true };
  }

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

  async function dropPending(id: string): Promise<void> {
    await InboundPendingModel.collection.deleteOne({ _id: id } as never);
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

  async function findTicket(number: string): Promise<Ticket | null> {
    if (!ticketNumberPattern.test(number)) return null;
    return ticketByNumber(number);
  }

  type Participant = { kind: 'member'; actor: MemberActor } | { kind: 'staff'; actor: StaffActor } | null;

  async function participantOf(ticket: Ticket, address: string): Promise<Participant> {
    const member = await MemberModel.findById(ticket.member, { name: 1, email: 1 }).lean();
    if (member && member.email === address) return { kind: 'member', actor: { kind: 'member', id: member._id, name: member.name, email: member.email } };
    const staff = await StaffModel.findOne({ email: address, active: true }).lean();
    if (!staff) return null;
    const team = staff.team ? await TeamModel.findById(staff.team, { tier: 1 }).lean() : null;
    const actor = toStaffActor(staff, (team?.tier as Tier | undefined) ?? null);
    // A staff mail becomes an internal note: only someone who may note the ticket (not a read-only follower).
    return can(actor, 'note', ticket) ? { kind: 'staff', actor } : null;
  }

  async function storeAttachments(content: MessageContent, member: Types.ObjectId | null): Promise<StoredFiles> {
    return storeInboundFiles(content, member, { storage: attachmentStore, ...limits });
  }

  function bodyText(content: MessageContent, refused: string[]): string {
    const text = content.text.trim() || content.fullText.trim() || '(message sans texte)';
    const note = refused.length > 0 ? `\n\n[Pièces jointes non acceptées, conservées dans le message d'origine : ${refused.join(', ')}]` : '';
    return `${text}${note}`.slice(0, 100_000);
  }

  /** At most one automatic reply per address per 24 hours. */
  async function mayAutoReply(address: string): Promise<boolean> {
    const last = await AutoReplyModel.findById(address).lean();
    if (last && Date.now() - last.at.getTime() < 24 * 3600_000) return false;
    // An insert, or an update of the time just read (an upsert costs FerretDB several times more);
    // whoever loses a race answered nothing, the winner answers.
    if (!last) {
      try {
        await AutoReplyModel.collection.insertOne({ _id: address, at: new Date() } as never);
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return false;
      }
    }
    const updated = await AutoReplyModel.collection.updateOne({ _id: address, at: last.at } as never, { $set: { at: new Date() } });
    return updated.modifiedCount === 1;
  }

  async function newTicket(
    doc: InboundMail,
    mail: ParsedMail,
    content: MessageContent,
    sender: { address: string; name: string },
    props: { related?: Ticket | null; automatic: AutomaticVerdict; forced?: boolean; verdict: MailAuthentication },
  ): Promise<InboundOutcome> {
    let ticketId = doc.plannedTicket;
    if (!ticketId) {
      ticketId = new Types.ObjectId();
      await InboundMailModel.collection.updateOne({ _id: doc._id } as never, { $set: { plannedTicket: ticketId } });
    }
    // A ticket made from this message already (a retry after a crash): that one.
    const existing = await TicketModel.findById(ticketId, { number: 1 }).lean();
    if (existing) return outcome('new_ticket', { ticket: ticketId, ticketNumber: existing.number, relatedTicket: props.related?.number ?? null });
    const member = await findMemberByEmail<{ language?: string | null }>(sender.address, { language: 1 });
    const language = member?.language ?? detectLanguage(content.text || content.fullText) ?? config.defaultLocale;
    const hints = doc.routing ?? { category: null, office: null };
    const category = hints.category && (await isActiveCategory(hints.category)) ? hints.category : null;
    const office = hints.office ? await OfficeModel.findOne({ code: hints.office }, { _id: 1 }).lean() : null;
    const { ids, refused, html } = await storeAttachments(content, member?._id ?? null);
    const related = props.related ? `\n\n[Ce message cite la demande ${props.related.number}, dont l'expéditeur n'est pas le demandeur.]` : '';
    const acknowledge = props.automatic.kind === 'none' && (await mayAutoReply(sender.address));
    const ticket = await createTicket({
      actor: { kind: 'system', name: 'Relais' },
      ticketId,
      subject: (mail.subject?.trim() || NO_SUBJECT[language] || '(sans objet)').slice(0, 200),
      body: `${bodyText(content, refused)}${related}`,
      html,
      quoted: content.quoted?.slice(0, 200_000) ?? null,
      member: { name: sender.name || sender.address, email: sender.address, language },
      channel: 'email',
      category,
      language,
      office: office?._id ?? null,
      mailbox: doc.mailbox,
      attachments: ids,
      emailMessageId: emailIdOf(doc),
      inbound: doc._id,
      mailAuth: proofOf(props.verdict, { by: 'none' }),
      acknowledge,
    });
    return outcome('new_ticket', {
      ticket: ticket._id,
      ticketNumber: ticket.number,
      relatedTicket: props.related?.number ?? null,
      reason: props.forced ? 'forced' : acknowledge ? null : 'no acknowledgement (automatic or already answered today)',
    });
  }

  async function followUp(
    doc: InboundMail,
    ticket: Ticket,
    participant: NonNullable<Participant>,
    content: MessageContent,
    sender: { address: string; name: string },
    mail: ParsedMail,
    automatic: AutomaticVerdict,
    verdict: MailAuthentication,
    admission: Admission,
  ): Promise<InboundOutcome> {
    const emailMessageId = emailIdOf(doc);
    const confirmed = admission.by === 'person' ? `confirmed by ${admission.who}` : null;
    if (String(await ticketIdByEmailMessageId(emailMessageId)) === String(ticket._id)) {
      return outcome('follow_up', { ticket: ticket._id, ticketNumber: ticket.number, reason: 'already appended' });
    }
    if (participant.kind === 'staff') {
      // Staff writing into a ticket by email: an internal note in their name, so only with proof that
      // the mail is theirs (a From address is anyone's to write); a reply token is the member's, not proof.
      if (!verdict.aligned && admission.by !== 'person') {
        throw new Quarantine(
          'unverified_staff',
          `${sender.address} is staff of ${ticket.number}, but the mail carries no aligned DKIM or DMARC pass (${verdictLine(verdict)}): held for a person to confirm`,
          ticket.number,
        );
      }
      const proof = verdict.aligned
        ? `authentifié : ${verdictLine(verdict)}`
        : `non authentifié, confirmé par ${admission.by === 'person' ? admission.who : '?'}`;
      await addNote({
        actor: participant.actor,
        ticketId: String(ticket._id),
        version: ticket.version,
        text: `[e-mail de ${sender.address} — ${proof}]\n${bodyText(content, [])}`,
        channel: 'email',
        emailMessageId,
        inbound: doc._id,
        mailAuth: proofOf(verdict, admission),
      });
      return outcome('follow_up', {
        ticket: ticket._id,
        ticketNumber: ticket.number,
        reason: ['staff email kept as an internal note', verdict.aligned ? `verified ${sender.address}` : null, confirmed].filter(Boolean).join(' · '),
      });
    }
    if (ticket.status === 'closed') {
      const created = await newTicket(doc, mail, content, sender, { related: ticket, automatic, verdict });
      return { ...created, reason: `the ticket ${ticket.number} is closed: a new ticket` };
    }
    const { ids, refused, html } = await storeAttachments(content, participant.actor.id);
    await memberReply({
      actor: participant.actor,
      ticketId: String(ticket._id),
      text: bodyText(content, refused),
      html,
      quoted: content.quoted?.slice(0, 200_000) ?? null,
      channel: 'email',
      attachments: ids,
      emailMessageId,
      inbound: doc._id,
      mailAuth: proofOf(verdict, admission),
    });
    return outcome('follow_up', {
      ticket: ticket._id,
      ticketNumber: ticket.number,
      reason: admission.by === 'authentication' ? `authenticated (${verdictLine(verdict)})` : confirmed,
    });
  }

  /** Our own Message-IDs (`<outboxId[.R-…]@our domain>`) in a text, bounded. */
  function ownMessageIdsIn(text: string): string[] {
    const domain = mailDomain(config.mailFrom).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`<([0-9a-f]{24})(?:\\.R-\\d{4}-\\d{6})?@${domain}>`, 'gi');
    return [...text.slice(0, 512 * 1024).matchAll(pattern)].map((m) => (m[1] ?? '').toLowerCase());
  }

  /**
   * Whether a delivery report answers a message Relais sent to `recipient`: one of our Message-IDs
   * (in its headers, its text, or the returned message or headers it carries) names an outbox
   * message to that address, or it came to a genuine reply address of a ticket of that member.
   * Anyone can write a report naming a member; only one about our own mail may touch their record.
   */
  async function answersOurMail(mail: ParsedMail, raw: Buffer, refs: ThreadRefs, recipient: string, envelopeTo: readonly string[]): Promise<boolean> {
    // Sent to a genuine VERP address (verp.ts): the envelope (or, fetched by IMAP, Delivered-To) names our message.
    const verpIds = [...envelopeTo, ...headerAddresses(mail, ['delivered-to', 'x-original-to', 'to'])]
      .map((address) => outboxIdFromVerp(config, address))
      .filter((id): id is string => id !== null);
    const texts = [
      raw.toString('latin1'),
      mail.text ?? '',
      ...(mail.attachments ?? []).filter((a) => /^message\/|rfc822-headers/.test(attachmentType(a))).map((a) => a.content.toString('latin1')),
    ];
    const ids = [...new Set([...verpIds, ...refs.ownOutboxIds, ...texts.flatMap(ownMessageIdsIn)])].slice(0, MAX_BOUNCE_REFS);
    for (const id of ids) {
      const sent = await Outbox.findById(id, { to: 1 }).lean();
      if (sent?.to.some((to) => to.trim().toLowerCase() === recipient)) return true;
    }
    for (const token of refs.replyTokens) {
      const number = resolveToken(token);
      const ticket = number ? await findTicket(number) : null;
      const member = ticket ? await MemberModel.findById(ticket.member, { email: 1 }).lean() : null;
      if (member?.email === recipient) return true;
    }
    return false;
  }

  /** The verdict on the message: the one recorded at its first processing (unless DNS failed then), else evaluated now. */
  async function verdictOf(doc: InboundMail, raw: Buffer, mail: ParsedMail): Promise<MailAuthentication> {
    if (doc.authentication && doc.authentication.dmarc !== 'temperror') return doc.authentication;
    const smtp =
      doc.source === 'smtp' && options.resolver
        ? { client: doc.client ?? { ip: null, helo: null }, sender: doc.envelope.from, resolver: options.resolver, mta: options.authservId ?? 'relais' }
        : null;
    return authenticateMail({ raw, mail, from: senderAddress(mail)?.address ?? null, trustedAuthservIds: config.inbound.trustedAuthservIds, smtp });
  }

  /**
   * The rules, in order (test/fixtures/mail/README.md). Throws Quarantine for a quarantine.
   * `seen.authentication` receives the verdict as soon as it is known, to be stored with the outcome.
   */
  async function decide(
    doc: InboundMail,
    raw: Buffer,
    forced: boolean,
    by: string | null,
    seen: { authentication?: MailAuthentication },
  ): Promise<InboundOutcome> {
    if (doc.truncated) throw new Quarantine('too_large', `the message is larger than the mailbox intake's limit (${doc.size} bytes)`);
    const parsed = await parseRaw(raw, options.parseLimits);
    if (!parsed.ok) throw new Quarantine(parsed.reason, parsed.detail);
    const mail = parsed.mail;
    if (isFromOwnAddress(mail, ownAddresses)) return outcome('ignored_own', { reason: 'sent from one of our own addresses (a loop)' });
    const verdict = await verdictOf(doc, raw, mail);
    seen.authentication = verdict;
    const automatic = detectAutomatic(mail, { mailFrom: doc.envelope.from });
    const refs = threadRefs(mail, { inboundAddresses, ownMessageIdDomain: mailDomain(config.mailFrom), envelopeRecipients: doc.envelope.to });
    if (automatic.kind === 'bounce') {
      const recipient = automatic.bounce?.recipient?.toLowerCase() ?? null;
      const member = recipient ? await findMemberByEmail(recipient, { _id: 1 }) : null;
      const ours = member && recipient ? await answersOurMail(mail, raw, refs, recipient, doc.envelope.to) : false;
      if (member && ours) {
        await MemberModel.collection.updateOne(
          { _id: member._id },
          {
            $set: {
              lastBounce: {
                at: new Date(),
                status: automatic.bounce?.status ?? null,
                action: automatic.bounce?.action ?? null,
                diagnostic: automatic.bounce?.diagnostic?.slice(0, 500) ?? null,
                inbound: doc._id,
              },
            },
          },
        );
      }
      const about = !member ? ' (no member with this address)' : ours ? '' : " (answers no message Relais sent: the member's record is unchanged)";
      return outcome('bounce', {
        reason: automatic.reason,
        detail: recipient ? `${recipient}${about}: ${automatic.bounce?.status ?? '?'}` : 'no recipient in the report',
      });
    }
    if (automatic.kind === 'machine') {
      // Reports, notices, alerts: recorded and listed, never answered, never a ticket, and a delay
      // notice never marks an address as bouncing.
      const report = automatic.bounce;
      return outcome('machine', {
        reason: automatic.reason,
        detail: report ? `${report.recipient ?? '?'}: ${report.action ?? '?'} ${report.status ?? ''}`.trim() : null,
      });
    }
    if (automatic.kind === 'auto_reply') {
      // Recorded with the ticket it answers, for the record; nothing is sent and the ticket is unchanged.
      const number = refs.replyTokens.map(resolveToken).find(Boolean) ?? refs.referencedTicketNumbers[0] ?? refs.ticketNumbers[0] ?? null;
      return outcome('auto_reply', { reason: automatic.reason, ticketNumber: number });
    }
    const content = await messageContent(mail);
    const sender = senderAddress(mail);
    if (automatic.kind === 'bulk' && !forced) throw new Quarantine('bulk', `mailing-list or newsletter mail (${automatic.reason})`);
    if (!sender) throw new Quarantine('no_sender', 'the message has no usable From address: nobody to answer');
    if (!forced && dmarcRejects(verdict)) {
      throw new Quarantine(
        'spoofed_sender',
        `dmarc=fail for ${sender.address}, whose domain publishes p=${verdict.dmarcPolicy ?? '?'} (${verdict.by.join(', ')})`,
      );
    }
    // A person confirms a message held for want of proof: the rules again, the proof being their word.
    const confirmedBy = forced && by && doc.outcome?.kind === 'quarantine' && heldReasons.has(doc.outcome.reason ?? '') ? by : null;
    if (forced && !confirmedBy) return newTicket(doc, mail, content, sender, { automatic, forced: true, verdict });
    const proven: Admission | null = confirmedBy ? { by: 'person', who: confirmedBy } : verdict.aligned ? { by: 'authentication' } : null;

    for (const token of refs.replyTokens) {
      const number = resolveToken(token);
      const ticket = number ? await findTicket(number) : null;
      if (!ticket) continue;
      const participant = await participantOf(ticket, sender.address);
      if (!participant)
        throw new Quarantine(
          'forged_follow_up',
          `${sender.address} wrote with the reply address of ${ticket.number}, whose member is someone else`,
          ticket.number,
        );
      // The signed token is the member's proof; staff need their own (followUp checks it).
      return followUp(doc, ticket, participant, content, sender, mail, automatic, verdict, proven ?? { by: 'token' });
    }
    let named: Ticket | null = null;
    for (const id of refs.ownOutboxIds) {
      const sent = Types.ObjectId.isValid(id) ? await Outbox.findById(id, { ticket: 1 }).lean() : null;
      named = sent?.ticket ? await loadTicket(String(sent.ticket)) : null;
      if (named) break;
    }
    for (const messageId of named ? [] : refs.messageIds) {
      const ticketId = await ticketIdByEmailMessageId(messageId);
      named = ticketId ? await loadTicket(String(ticketId)) : null;
      if (named) break;
    }
    for (const number of [...refs.referencedTicketNumbers, ...refs.ticketNumbers]) {
      if (named) break;
      named = await findTicket(number);
    }
    if (named) {
      const participant = await participantOf(named, sender.address);
      if (!participant) return newTicket(doc, mail, content, sender, { related: named, automatic, verdict });
      // A ticket number is public and a From address anyone's to write: without a reply token, only
      // proof that the mail is the participant's appends it; otherwise a person confirms (held, not lost).
      if (!proven && participant.kind === 'member' && named.status !== 'closed') {
        throw new Quarantine(
          'unverified_follow_up',
          `${sender.address} is the member of ${named.number}, but the mail has no reply token and no aligned DKIM or DMARC pass (${verdictLine(verdict)}): held for a person to confirm`,
          named.number,
        );
      }
      return followUp(doc, named, participant, content, sender, mail, automatic, verdict, proven ?? { by: 'none' });
    }
    return newTicket(doc, mail, content, sender, { automatic, verdict });
  }

  /**
   * The record's new state and a history line: one write by `_id` (an insert when it is not stored
   * yet), with the quarantine hint written before a record enters quarantine and dropped after it leaves.
   */
  async function save(doc: InboundMail, stored: boolean, set: Partial<InboundMail>, entry: Omit<InboundHistoryEntry, 'at'>): Promise<void> {
    if (set.status === 'quarantined' && doc.status !== 'quarantined') await markQuarantined(doc._id, doc.receivedAt);
    await write(doc, stored, set, entry);
    if (set.status && set.status !== 'quarantined' && doc.status === 'quarantined') await unmarkQuarantined(doc._id);
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

  async function run(doc: InboundMail, raw: Buffer, forced: boolean, by: string | null, stored: boolean): Promise<InboundOutcome> {
    const id = doc._id;
    const attempts = (doc.attempts ?? 0) + 1;
    let result: InboundOutcome;
    const seen: { authentication?: MailAuthentication } = {};
    try {
      result = await withTimeout(decide(doc, raw, forced, by, seen), timeoutMs, `processing message ${id}`);
    } catch (error) {
      if (error instanceof Quarantine) {
        result = outcome('quarantine', { reason: error.reason, detail: error.detail, relatedTicket: error.relatedTicket });
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
        action: forced ? 'forced' : status === 'quarantined' ? 'quarantined' : by ? 'reprocessed' : 'processed',
        by,
        note: [result.kind, result.ticketNumber, result.reason].filter(Boolean).join(' · '),
      },
    );
    logger.info({ inbound: id, outcome: result.kind, ticket: result.ticketNumber, reason: result.reason }, 'inbound message processed');
    return result;
  }

  /** A person's decision on a stored record: the rules again, or a ticket whatever they say. */
  async function rerun(id: string, forced: boolean, by: string): Promise<InboundOutcome | null> {
    const doc = await InboundMailModel.findById(id).lean<InboundMail>();
    if (!doc) return null;
    const result = await run(doc, await storage.read(bytesKeyOf(id)), forced, by, true);
    await dropPending(id);
    return result;
  }

  return {
    store,
    raw: (id) => storage.read(bytesKeyOf(id)),
    async process(id) {
      const pending = await InboundPendingModel.collection.findOne<InboundPending>({ _id: id } as never);
      if (pending) return settle(pending);
      const doc = await InboundMailModel.findById(id).lean<InboundMail>();
      if (!doc) return null;
      if (doc.status !== 'pending') return doc.outcome;
      return run(doc, await storage.read(bytesKeyOf(id)), false, null, true);
    },
    async ingest(message) {
      const { id } = await store(message);
      return this.process(id);
    },
    reprocess: (id, by) => rerun(id, false, by),
    force: (id, by) => rerun(id, true, by),
    async discard(id, by, note) {
      const doc = await InboundMailModel.findById(id, { status: 1, receivedAt: 1 }).lean<InboundMail>();
      if (!doc) return null;
      const result = outcome('discarded', { reason: note.slice(0, 500) || 'discarded' });
      await save(doc, true, { status: 'discarded', outcome: result }, { action: 'discarded', by, note: note.slice(0, 500) || null });
      await dropPending(id);
      return result;
    },
    async recover() {
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
