/**
 * What makes two received messages the same message (issue 15). Not their bytes: every relay adds
 * trace headers, so a copy that came by another route differs by a `Received:` line. Not their
 * Message-ID either: scanners, web forms and in-house applications send every message with the same
 * one, and deduplicating on it silently merged different messages. The identity is a content hash
 * (`contentKeyOf`) over the body bytes and the headers the author wrote — From, To, Cc, Subject, Date,
 * Message-ID, In-Reply-To, References — normalised. Everything else is left out on purpose: the
 * trace a relay adds (Received, Return-Path, Delivered-To, X-Original-To, Envelope-To), the verdicts
 * of the servers on the way (Authentication-Results, ARC-*, Received-SPF, DKIM-Signature — a relay
 * or a list may add its own signature), spam scores and vendor stamps (X-*), and the MIME headers,
 * whose meaning the body bytes carry already (the boundary is in the body).
 *
 * `claimIdentity` makes the first message with a content key its holder, by an insert on `_id` in
 * `inbound_content_keys` (the unique `_id` index is the one point of serialization: two copies
 * processed at once cannot both win). The Message-ID key (`inbound_message_ids`, Message-ID and
 * From) is kept only to flag a Message-ID used again with other content, and to recognise copies of
 * messages recorded before content keys existed.
 */
import { isDuplicateKeyError } from '../../lib/errors.js';
import { noteInboundMail } from '../address-mail.js';
import { InboundContentKeyModel, InboundMailModel, InboundMessageKeyModel, type InboundMail, type InboundOutcome } from './inbound.model.js';
import { hashOf } from './raw.js';

/** The headers that make a message what it is (lower-case), in the order they are hashed. */
const keyHeaders = ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references'] as const;
const CR = 0x0d;
const LF = 0x0a;

/** Where the header block ends and the body starts (after the first empty line), in bytes. */
function splitAt(raw: Buffer): { headerEnd: number; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return { headerEnd: raw.length, bodyStart: raw.length };
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  return { headerEnd: lf, bodyStart: lf + 2 };
}

/** The body without the line ends and spaces at its very end, which relays add or remove. */
function trimmedBody(raw: Buffer, start: number): Buffer {
  let end = raw.length;
  while (end > start && (raw[end - 1] === CR || raw[end - 1] === LF || raw[end - 1] === 0x20 || raw[end - 1] === 0x09)) end -= 1;
  return raw.subarray(start, end);
}

/**
 * The message's identity: SHA-256 over its key headers (every occurrence, unfolded, whitespace runs
 * collapsed) and its body bytes. Lines of the header block that are no header field at all (bytes
 * that are no mail, an mbox `From ` line) are part of what the author sent and are hashed too, so
 * two different pieces of garbage never look the same.
 */
export function contentKeyOf(raw: Buffer): string {
  const { headerEnd, bodyStart } = splitAt(raw);
  const fields: Array<{ name: string; value: string }> = [];
  for (const line of raw.toString('latin1', 0, headerEnd).split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.value += ` ${line}`;
    else {
      const match = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/.exec(line);
      fields.push(match ? { name: (match[1] ?? '').toLowerCase(), value: match[2] ?? '' } : { name: '', value: line });
    }
  }
  const parts = ['relais-content-key/1'];
  for (const name of keyHeaders) {
    for (const field of fields) if (field.name === name) parts.push(`${name}:${field.value.replace(/\s+/g, ' ').trim()}`);
  }
  for (const field of fields) if (field.name === '') parts.push(`?${field.value}`);
  return hashOf(Buffer.concat([Buffer.from(`${parts.join('\n')}\n\n`, 'latin1'), trimmedBody(raw, bodyStart)]));
}

/** The key of a Message-ID from one sender (`inbound_message_ids`), as it has always been derived. */
export function messageKeyOf(messageId: string, from: string | null): string {
  return hashOf(Buffer.from(`${messageId} ${from ?? ''}`));
}

/** Inserts `{_id: key, inbound}`; the record that holds the key (this one, or the one first there). */
async function claim(collection: typeof InboundContentKeyModel.collection, key: string, inbound: string): Promise<string | null> {
  try {
    await collection.insertOne({ _id: key, inbound } as never);
    return inbound;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return (await collection.findOne<{ inbound: string }>({ _id: key } as never))?.inbound ?? null;
}

export interface Identity {
  /** The record of the same message received before; null: this is a message of its own. */
  sameAs: string | null;
  /** Another message that came with the same Message-ID and sender but other content. */
  reusesMessageIdOf: string | null;
}

/**
 * Decides whether the record `doc` (its `contentKey` set) is a message of its own, by claiming its
 * content key, then its Message-ID key. A retry after a crash finds its own claims and goes on.
 * `readBytes` reads an earlier record's bytes when that record predates content keys.
 */
export async function claimIdentity(doc: InboundMail, readBytes: (id: string) => Promise<Buffer>): Promise<Identity> {
  const contentKey = doc.contentKey ?? '';
  const holder = await claim(InboundContentKeyModel.collection, contentKey, doc._id);
  if (holder && holder !== doc._id) return { sameAs: holder, reusesMessageIdOf: null };
  if (!doc.messageId) return { sameAs: null, reusesMessageIdOf: null };
  const earlier = await claim(InboundMessageKeyModel.collection, messageKeyOf(doc.messageId, doc.from), doc._id);
  if (!earlier || earlier === doc._id) return { sameAs: null, reusesMessageIdOf: null };
  // The same Message-ID and sender came before: the same message if its content is the same (a copy
  // of a message recorded before content keys existed has no key of its own), else a reused Message-ID.
  const record = await InboundMailModel.findById(earlier, { contentKey: 1 }).lean<Pick<InboundMail, 'contentKey'>>();
  let earlierKey = record?.contentKey ?? null;
  if (record && !earlierKey) earlierKey = await readBytes(earlier).then(contentKeyOf, () => null);
  if (earlierKey !== contentKey) return { sameAs: null, reusesMessageIdOf: earlier };
  // Later copies find the earlier record through the content key, not this one.
  await InboundContentKeyModel.collection.updateOne({ _id: contentKey } as never, { $set: { inbound: earlier } });
  return { sameAs: earlier, reusesMessageIdOf: null };
}

/**
 * Records a copy of a message received before: its own record (every delivery is listed), pointing
 * to the first (`sameAs`) and naming its ticket, acting on nothing. An insert by `_id`: a retry after
 * a crash finds it written.
 */
export async function recordDuplicate(doc: InboundMail, first: string): Promise<InboundOutcome> {
  const original = await InboundMailModel.findById(first, { outcome: 1 }).lean<Pick<InboundMail, 'outcome'>>();
  const at = new Date();
  const result: InboundOutcome = {
    kind: 'duplicate',
    ticket: original?.outcome?.ticket ?? null,
    ticketNumber: original?.outcome?.ticketNumber ?? null,
    reason: 'same content as a message received before',
    detail: first,
    relatedTicket: null,
    at,
  };
  const note = ['duplicate', result.ticketNumber, `same as ${first}`].filter(Boolean).join(' · ');
  const record: InboundMail = {
    ...doc,
    status: 'done',
    outcome: result,
    sameAs: first,
    attempts: 1,
    history: [...doc.history, { action: 'processed', by: null, note, at }],
  };
  await noteInboundMail(record);
  try {
    await InboundMailModel.collection.insertOne(record as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return result;
}

/**
 * The Message-ID a ticket's message carries (it threads our replies, and makes a retry append once):
 * the mail's own, unless another message came with it before — then one derived from this message's
 * identity, or a follow-up would be taken for the earlier one and skipped.
 */
export function emailIdOf(doc: InboundMail): string {
  if (doc.messageId && !doc.reusesMessageIdOf) return doc.messageId;
  return doc.messageId ? `<${(doc.contentKey ?? doc._id).slice(0, 32)}.reused@inbound.relais>` : `<${doc._id.slice(0, 32)}@inbound.relais>`;
}
