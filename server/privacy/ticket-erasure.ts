/**
 * Erasing a member's data from one of their tickets (member-erasure.ts runs it ticket by ticket).
 * Everything is read by `_id`: the ticket, its events (`<ticket>:<seq>`), the messages and files the
 * events name, the mail the events queued, the received mail the messages came from.
 *
 *  1. staff text in escalation records (handoff notes) is scrubbed of the member's name, address and
 *     number — a direct write by `_id`, before the commit, whose new version refreshes the board's
 *     cache of these records;
 *  2. one `member_erased` journal event: the subject and the rating's comment go, the member's messages
 *     are replaced by a neutral text (files unlinked), staff messages are scrubbed. Through the journal,
 *     so the working set, the live queues, the reports' change keys and the search index (which
 *     re-reads each rewritten message) all see it;
 *  3. the earlier events' copies of the same texts (their `writes`, the creation's ticket document, the
 *     member's name as actor) are rewritten the same way — direct writes by `_id`: these events are
 *     applied already (the ticket's version is past them), so nothing replays them; only the history
 *     and the search index's catch-up read them, and both should see the redacted text;
 *  4. the mail the events queued (`outbox`, by `_id`) and the received mail the messages came from
 *     (`inbound_mail`, by `_id`, with its raw bytes) are redacted;
 *  5. the member's files go: their records, and the stored bytes unless another record names them.
 *
 * Every step can run again: a resumed erasure finds the `member_erased` event and goes on from it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Types } from 'mongoose';
import type { StaffActor, SystemActor } from '../auth/actor.js';
import { AttachmentModel, type Attachment } from '../attachments/attachment.model.js';
import { createFileStorage, type AttachmentStorage } from '../attachments/storage.js';
import { ConflictError } from '../lib/errors.js';
import { bytesKeyOf, InboundMailModel, type InboundMail } from '../mail/inbound/inbound.model.js';
import { Outbox, OutboxDueModel, type OutboxMail } from '../mail/mail.models.js';
import { EscalationModel } from '../tickets/escalation.model.js';
import type { Message } from '../tickets/message.model.js';
import { commit, loadTicket } from '../tickets/ticket.journal.js';
import { ticketEvents, ticketThread } from '../tickets/ticket.queries.js';
import { TicketEventModel, type JournalWrite, type MessageRedaction, type TicketEvent } from '../tickets/ticket-event.model.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { readByIds } from '../db/point-reads.js';
import { erasedMessageText, erasedSubjectText, placeholderEmail, scrub } from './redaction.js';

export interface TicketErasureContext {
  actor: StaffActor | SystemActor;
  memberId: string;
  pseudonym: string;
  /** The member's name, address and number in free text (null: nothing left to look for). */
  pattern: RegExp | null;
  email: string;
  dataDir: string;
}

export interface TicketErasureCounts {
  messages: number;
  files: number;
  mails: number;
}

type MessageLike = Pick<Message, 'ticket' | 'author' | 'text' | 'html' | 'quoted' | 'attachments'>;

/** A message as the erasure leaves it: the member's words replaced whole, staff's words scrubbed. */
export function redactedMessage(m: MessageLike, language: string, c: Pick<TicketErasureContext, 'pattern' | 'pseudonym'>): MessageRedaction {
  if (m.author.kind === 'member') {
    return { ticket: m.ticket, text: erasedMessageText(language), html: null, quoted: null, author: { ...m.author, name: c.pseudonym }, attachments: [] };
  }
  return {
    ticket: m.ticket,
    text: scrub(m.text, c.pattern, c.pseudonym),
    html: scrub(m.html ?? null, c.pattern, c.pseudonym),
    quoted: scrub(m.quoted ?? null, c.pattern, c.pseudonym),
    author: m.author,
    attachments: m.attachments ?? [],
  };
}

function changed(m: MessageLike, r: MessageRedaction): boolean {
  return (
    m.text !== r.text ||
    (m.html ?? null) !== r.html ||
    (m.quoted ?? null) !== r.quoted ||
    m.author.name !== r.author.name ||
    (m.attachments ?? []).length !== r.attachments.length
  );
}

/** The ticket's fields the erasure changes. */
function ticketPatch(ticket: Ticket, c: TicketErasureContext): Partial<Ticket> {
  const patch: Partial<Ticket> = { subject: erasedSubjectText(ticket.language) };
  if (ticket.withheldMember) patch.withheldMember = { name: c.pseudonym, email: placeholderEmail(c.memberId) };
  if (ticket.rating?.comment) patch.rating = { ...ticket.rating, comment: null };
  return patch;
}

async function commitErasure(ticketId: Types.ObjectId, c: TicketErasureContext): Promise<TicketEvent | null> {
  for (let attempt = 1; ; attempt += 1) {
    const ticket = await loadTicket(ticketId);
    if (!ticket || String(ticket.member) !== c.memberId) return null;
    const events = await ticketEvents(ticket);
    const done = events.find((e) => e.type === 'member_erased' && e.data.erasure === c.memberId);
    if (done) return done;
    const { messages } = await ticketThread(ticket, { publicOnly: false, events });
    const writes: JournalWrite[] = [];
    const files: Types.ObjectId[] = [];
    let own = 0;
    for (const m of messages) {
      const r = redactedMessage(m, ticket.language, c);
      if (m.author.kind === 'member') {
        own += 1;
        files.push(...(m.attachments ?? []));
      }
      if (changed(m, r)) writes.push({ model: 'Message', op: 'update', id: m._id, doc: r });
    }
    for (const escalation of await readByIds(ticket.escalations ?? [], (id) => EscalationModel.collection.findOne({ _id: id }))) {
      const handoff = scrub(String(escalation.handoff ?? ''), c.pattern, c.pseudonym);
      const closingNote = scrub((escalation.closingNote as string | null) ?? null, c.pattern, c.pseudonym);
      if (handoff !== escalation.handoff || closingNote !== (escalation.closingNote ?? null))
        await EscalationModel.collection.updateOne({ _id: escalation._id }, { $set: { handoff, closingNote } });
    }
    try {
      const { event } = await commit({
        ticket,
        type: 'member_erased',
        actor: c.actor,
        patch: ticketPatch(ticket, c),
        data: { erasure: c.memberId, pseudonym: c.pseudonym, messages: own, attachments: files },
        writes,
      });
      return event;
    } catch (error) {
      // A colleague acted on the ticket at the same moment: read it again and redo the change.
      if (!(error instanceof ConflictError) || attempt >= 5) throw error;
    }
  }
}

/** An earlier event's copies of the erased texts, redacted the same way (null: nothing to change). */
function redactedEvent(e: TicketEvent, language: string, c: TicketErasureContext): Record<string, unknown> | null {
  const subject = erasedSubjectText(language);
  const actor = e.actor.kind === 'member' ? { ...e.actor, name: c.pseudonym } : e.actor;
  // A member's own note is their words (a rating's comment is the `rated` event's note): it goes whole.
  const note = e.actor.kind === 'member' ? null : scrub(e.note, c.pattern, c.pseudonym);
  let data: Record<string, unknown> = e.data as Record<string, unknown>;
  if (e.type === 'created') {
    const t = e.data.ticket;
    data = {
      ...e.data,
      ticket: { ...t, subject, ...(t.withheldMember ? { withheldMember: { name: c.pseudonym, email: placeholderEmail(c.memberId) } } : {}) },
    };
  } else if (e.type === 'merged_in') data = { ...e.data, sourceSubject: subject };
  const patch: Record<string, unknown> = { ...e.patch };
  if (typeof patch.subject === 'string') patch.subject = subject;
  if (patch.withheldMember) patch.withheldMember = { name: c.pseudonym, email: placeholderEmail(c.memberId) };
  const rating = patch.rating as { comment?: string | null } | null | undefined;
  if (rating?.comment) patch.rating = { ...rating, comment: null };
  const writes = (e.writes ?? []).map((w): JournalWrite => {
    if (w.model === 'Message' && w.op === 'insert') return { ...w, doc: { ...w.doc, ...redactedMessage(w.doc, language, c) } };
    if (w.model === 'Outbox' && w.op === 'insert')
      return { ...w, doc: redactedMail(w.doc as unknown as OutboxMail, language, c) as unknown as Record<string, unknown> };
    return w;
  });
  const next = { actor, note, data, patch, writes };
  const before = { actor: e.actor, note: e.note, data: e.data, patch: e.patch, writes: e.writes ?? [] };
  return JSON.stringify(next) === JSON.stringify(before) ? null : next;
}

/** A queued or sent mail with the member's data out: theirs neutral whole, staff's scrubbed. */
function redactedMail(mail: OutboxMail, language: string, c: TicketErasureContext): Partial<OutboxMail> {
  const toMember = (mail.to ?? []).some((a) => a.toLowerCase() === c.email.toLowerCase());
  const text = toMember ? erasedMessageText(language) : scrub(mail.text, c.pattern, c.pseudonym);
  return {
    ...mail,
    to: (mail.to ?? []).map((a) => (a.toLowerCase() === c.email.toLowerCase() ? placeholderEmail(c.memberId) : a)),
    subject: toMember ? erasedSubjectText(language) : scrub(mail.subject, c.pattern, c.pseudonym),
    text,
    html: toMember ? `<p>${text}</p>` : scrub(mail.html, c.pattern, c.pseudonym),
  };
}

export async function redactOutbox(ids: Types.ObjectId[], language: string, c: TicketErasureContext): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const mail = await Outbox.collection.findOne<OutboxMail>({ _id: id });
    if (!mail) continue;
    const r = redactedMail(mail, language, c);
    const toMember = (mail.to ?? []).some((a) => a.toLowerCase() === c.email.toLowerCase());
    // Mail to the member not sent yet is not sent: the address it would go to is gone.
    const stop = toMember && mail.status === 'queued' ? { status: 'failed', lastError: 'member erased' } : {};
    await Outbox.collection.updateOne({ _id: id }, { $set: { to: r.to, subject: r.subject, text: r.text, html: r.html, ...stop } });
    if (stop.status) await OutboxDueModel.collection.deleteOne({ _id: id });
    n += 1;
  }
  return n;
}

export async function redactInbound(ids: string[], language: string, c: TicketErasureContext): Promise<number> {
  const storage = createFileStorage(path.join(c.dataDir, 'inbound'));
  let n = 0;
  for (const id of ids) {
    const mail = await InboundMailModel.collection.findOne<InboundMail>({ _id: id } as never);
    if (!mail) continue;
    // The bytes are the member's whole message: they go (the record says when, as retention does).
    await storage.remove(bytesKeyOf(id));
    const placeholder = placeholderEmail(c.memberId);
    await InboundMailModel.collection.updateOne({ _id: id } as never, {
      $set: {
        subject: erasedSubjectText(language),
        // A Message-ID often carries a name or an address; a digest keeps it distinct and says nothing.
        messageId: mail.messageId ? `<erased-${createHash('sha256').update(mail.messageId).digest('hex').slice(0, 24)}@erased.invalid>` : null,
        outcome: mail.outcome ? { ...mail.outcome, detail: scrub(mail.outcome.detail, c.pattern, c.pseudonym) } : null,
        authentication: mail.authentication ? { ...mail.authentication, summary: scrub(mail.authentication.summary, c.pattern, c.pseudonym) } : null,
        from: placeholder,
        envelope: { from: placeholder, to: mail.envelope?.to ?? [] },
        client: null,
        rawRemovedAt: mail.rawRemovedAt ?? new Date(),
        history: (mail.history ?? []).map((h) => ({ ...h, note: scrub(h.note, c.pattern, c.pseudonym) })),
      },
    });
    n += 1;
  }
  return n;
}

/** Deletes the member's file records, and each stored file no other record names. */
async function removeFiles(ids: Types.ObjectId[], storage: AttachmentStorage): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const file = await AttachmentModel.collection.findOne<Attachment>({ _id: new Types.ObjectId(String(id)) });
    if (!file) continue;
    await AttachmentModel.collection.deleteOne({ _id: file._id });
    // Content-addressed: the same bytes may be another record's (sent again by staff, by another member).
    if (!(await AttachmentModel.collection.findOne({ sha256: file.sha256 }, { projection: { _id: 1 } }))) await storage.remove(file.sha256);
    n += 1;
  }
  return n;
}

/** The mail an event queued: its `Outbox` writes, and for a creation the acknowledgement (written once the number is known). */
export function mailIdsOf(e: TicketEvent): Types.ObjectId[] {
  const ids = (e.writes ?? []).filter((w) => w.model === 'Outbox').map((w) => new Types.ObjectId(String(w.id)));
  if (e.type === 'created' && e.data.ack) ids.push(new Types.ObjectId(String(e.data.ack.id)));
  return ids;
}

/** Erases the member's data from one ticket (every step idempotent); counts what it changed. */
export async function eraseTicket(ticketId: Types.ObjectId, c: TicketErasureContext): Promise<TicketErasureCounts | null> {
  const event = await commitErasure(ticketId, c);
  if (!event || event.type !== 'member_erased') return null;
  const ticket = await loadTicket(ticketId);
  if (!ticket) return null;
  const events = await ticketEvents(ticket);
  const outboxIds: Types.ObjectId[] = [];
  for (const e of events) {
    outboxIds.push(...mailIdsOf(e));
    if (e._id === event._id) continue;
    const next = redactedEvent(e, ticket.language, c);
    if (next) await TicketEventModel.collection.updateOne({ _id: e._id } as never, { $set: next });
  }
  const { messages } = await ticketThread(ticket, { publicOnly: false, events });
  const inbound = [...new Set(messages.map((m) => m.inbound).filter((id): id is string => typeof id === 'string' && id.length > 0))];
  const mails = (await redactOutbox(outboxIds, ticket.language, c)) + (await redactInbound(inbound, ticket.language, c));
  const files = await removeFiles(event.data.attachments ?? [], createFileStorage(path.join(c.dataDir, 'attachments')));
  return { messages: event.data.messages, files, mails };
}
