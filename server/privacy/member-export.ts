/**
 * Everything Relais keeps about a member, as a ZIP an administrator hands over (GDPR art. 15 and 20):
 *
 *   README.txt                       what each file holds
 *   member.json                      the member record
 *   tickets.json                     their tickets in brief
 *   tickets/<number>/ticket.json     a ticket: its fields, rating, history (events in brief), messages
 *   tickets/<number>/files/<id>-<name>   the files of its messages, as stored
 *   mails.json                       the mail Relais sent about their tickets and the mail it received from them
 *
 * Internal notes are included by default, marked `internal`: the right of access covers personal data
 * *about* the member, and staff's notes on their request are that. The administrator reviews the ZIP
 * before handing it over (a note may name a third party, art. 15(4)) and may leave them out
 * (`internal: false`); the audit entry says which.
 *
 * Reads are by `_id` (member_tickets keys, then each ticket's events, messages, files, mail). The
 * JSON is built in memory (a member's tickets are few); the files are streamed from the storage into
 * the archive one after another, never held whole.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import type { Attachment } from '../attachments/attachment.model.js';
import { createFileStorage } from '../attachments/storage.js';
import { readByIds } from '../db/point-reads.js';
import { NotFoundError } from '../lib/errors.js';
import { InboundMailModel, type InboundMail } from '../mail/inbound/inbound.model.js';
import { Outbox, type OutboxMail } from '../mail/mail.models.js';
import { memberById } from '../members/member-lookup.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import { ticketEvents, ticketThread } from '../tickets/ticket.queries.js';
import { memberTicketIds } from '../tickets/ticket.keys.js';
import { mailIdsOf } from './ticket-erasure.js';
import { exportSummary, type SummaryTicket } from './member-export-summary.js';
import type { Locale } from '../lib/i18n.js';
import { unlinkedMailOf } from './address-mail-erasure.js';
import type { Types } from 'mongoose';

interface ExportedMember {
  _id: Types.ObjectId;
  name: string;
  email: string;
  memberNumber?: string | null;
  language?: string | null;
  office?: Types.ObjectId | null;
  createdAt?: Date;
  updatedAt?: Date;
  lastActiveAt?: Date | null;
  erasedAt?: Date | null;
}

export interface MemberExport {
  filename: string;
  archive: Readable;
  counts: { tickets: number; messages: number; files: number; mails: number; internal: boolean };
}

const readme = `Relais — export of a member's data (GDPR)

summary.txt                      the member's requests and what was written in them, in their language
member.json                      the member record as Relais keeps it
tickets.json                     every ticket of the member, in brief
tickets/<number>/ticket.json     one ticket: subject, status, dates, rating, history, messages
tickets/<number>/files/          the files attached to its messages, as received or sent
mails.json                       mail sent about the member's tickets, and mail received from them

Messages and history entries marked "internal": true are staff's internal notes; they are included
when the administrator chose so (see "internalNotesIncluded" in member.json).
`;

/** A file's name inside the ZIP: no path, nothing odd. */
function safeName(name: string): string {
  return (
    name
      .replace(/[/\\\p{Cc}]/gu, '_')
      .replace(/^\.+/, '_')
      .slice(0, 120) || 'file'
  );
}

/** Builds the export and records it in the audit; the archive streams as it is read. Administrators only. */
export async function exportMember(
  actor: StaffActor,
  memberId: string,
  options: { includeInternal: boolean; dataDir: string; ip?: string; timeZone?: string; defaultLocale?: Locale },
): Promise<MemberExport> {
  assertAdministrator(actor);
  const member = await memberById<ExportedMember>(memberId);
  if (!member) throw new NotFoundError('No such member.');
  const id = String(member._id);
  const storage = createFileStorage(path.join(options.dataDir, 'attachments'));
  const tickets = (await readByIds(await memberTicketIds(id), (t) => loadTicket(t))).filter((t) => String(t.member) === id);
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const files: Array<{ name: string; sha256: string }> = [];
  const outboxIds: Types.ObjectId[] = [];
  const inboundIds = new Set<string>();
  let messageCount = 0;
  const summaries: unknown[] = [];
  const readable: SummaryTicket[] = [];
  const ticketDocs: Array<{ name: string; json: string }> = [];
  for (const ticket of tickets) {
    const events = await ticketEvents(ticket);
    const { messages, files: stored } = await ticketThread(ticket, { publicOnly: !options.includeInternal, events });
    for (const e of events) outboxIds.push(...mailIdsOf(e));
    const folder = `tickets/${safeName(ticket.number)}`;
    const fileName = (a: Attachment) => `${folder}/files/${String(a._id)}-${safeName(a.filename)}`;
    for (const a of stored.values()) files.push({ name: fileName(a), sha256: a.sha256 });
    messageCount += messages.length;
    for (const m of messages) if (m.inbound) inboundIds.add(m.inbound);
    const summary = {
      number: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority,
      category: ticket.category,
      channel: ticket.channel,
      language: ticket.language,
      tier: ticket.tier,
      createdAt: ticket.createdAt,
      resolvedAt: ticket.resolvedAt,
      closedAt: ticket.closedAt,
    };
    summaries.push(summary);
    const internalNote = (type: string) => type === 'noted';
    // A member's own words on their acts (a closing word, a reopening, a rating's comment) are theirs:
    // always in, never marked internal (QA). Staff's notes on a move are internal, in when chosen.
    const ownNote = (e: (typeof events)[number]) => (e.actor.kind === 'member' ? { note: e.note } : null);
    readable.push({
      ...summary,
      rating: ticket.rating ? { score: ticket.rating.score, comment: ticket.rating.comment } : null,
      messages: messages.map((m) => ({
        at: m.createdAt,
        author: { kind: m.author.kind, name: m.author.name },
        internal: m.visibility === 'internal',
        text: m.text,
        files: (m.attachments ?? []).map((a) => stored.get(String(a))?.filename).filter((f): f is string => !!f),
      })),
    });
    ticketDocs.push({
      name: `${folder}/ticket.json`,
      json: JSON.stringify(
        {
          ...summary,
          rating: ticket.rating ? { score: ticket.rating.score, comment: ticket.rating.comment, at: ticket.rating.at } : null,
          history: events
            .filter((e) => options.includeInternal || !internalNote(e.type))
            .map((e) => ({
              at: e.at,
              type: e.type,
              by: e.actor.name,
              fromTier: e.from?.tier ?? null,
              toTier: e.to.tier,
              status: e.to.status,
              reason: e.reason,
              // Handoff and reassignment notes are staff's, never shown to members: internal.
              ...(ownNote(e) ?? (options.includeInternal ? { note: e.note, internal: e.note ? true : undefined } : {})),
            })),
          messages: messages.map((m) => ({
            id: String(m._id),
            at: m.createdAt,
            author: { kind: m.author.kind, name: m.author.name },
            internal: m.visibility === 'internal',
            channel: m.channel,
            text: m.text,
            quoted: m.quoted ?? null,
            files: (m.attachments ?? [])
              .map((a) => stored.get(String(a)))
              .filter((a): a is Attachment => !!a)
              .map((a) => ({ name: a.filename, type: a.contentType, size: a.size, path: fileName(a) })),
          })),
        },
        null,
        2,
      ),
    });
  }
  // The mail no ticket names (a "send me a link" mail, a mail held in quarantine), keyed by the address.
  const unlinked = await unlinkedMailOf(member.email);
  const outboxKeys = new Set(outboxIds.map(String));
  for (const o of unlinked.outbox) if (!outboxKeys.has(String(o))) outboxIds.push(o);
  for (const i of unlinked.inbound) inboundIds.add(i);
  // Once each: a message is named by every event about it (queued, then cancelled), not sent twice (QA).
  const outbox = await readByIds([...new Map(outboxIds.map((o) => [String(o), o])).values()], (o) => Outbox.collection.findOne<OutboxMail>({ _id: o }));
  const inbound = await readByIds([...inboundIds], (i) => InboundMailModel.collection.findOne<InboundMail>({ _id: i } as never));
  const mails = {
    sent: outbox.map((o) => ({
      at: o.createdAt,
      template: o.template,
      to: o.to,
      subject: o.subject,
      text: o.text,
      status: o.status,
      sentAt: o.sentAt,
      ticket: o.ticketNumber,
    })),
    received: inbound.map((i) => ({
      at: i.receivedAt,
      from: i.from,
      to: i.envelope?.to ?? [],
      subject: i.subject,
      status: i.status,
      outcome: i.outcome?.kind ?? null,
      ticket: i.outcome?.ticketNumber ?? null,
    })),
  };
  const counts = {
    tickets: tickets.length,
    messages: messageCount,
    files: files.length,
    mails: outbox.length + inbound.length,
    internal: options.includeInternal,
  };
  // Labelled by the id's end, never the name: the trail outlives a later erasure (the pseudonym ends the same way).
  await recordAudit(actor, { action: 'member.export', target: { kind: 'member', id, label: `#${id.slice(-8)}` }, after: counts, ip: options.ip });

  zip.append(readme, { name: 'README.txt' });
  const summaryText = await exportSummary(member, readable, {
    defaultLocale: options.defaultLocale ?? 'fr',
    timeZone: options.timeZone ?? 'Europe/Brussels',
    internalIncluded: options.includeInternal,
  });
  zip.append(summaryText, { name: 'summary.txt' });
  const record = {
    id,
    name: member.name,
    email: member.email,
    memberNumber: member.memberNumber ?? null,
    language: member.language ?? null,
    createdAt: member.createdAt ?? null,
    updatedAt: member.updatedAt ?? null,
    lastActiveAt: member.lastActiveAt ?? null,
    erasedAt: member.erasedAt ?? null,
    exportedAt: new Date(),
    internalNotesIncluded: options.includeInternal,
  };
  zip.append(JSON.stringify(record, null, 2), { name: 'member.json' });
  zip.append(JSON.stringify(summaries, null, 2), { name: 'tickets.json' });
  for (const doc of ticketDocs) zip.append(doc.json, { name: doc.name });
  zip.append(JSON.stringify(mails, null, 2), { name: 'mails.json' });
  void (async () => {
    // One file at a time: archiver reads each stream as it writes it, so memory stays one buffer deep.
    for (const file of files) {
      if (await storage.exists(file.sha256)) zip.append(storage.stream(file.sha256), { name: file.name });
    }
    await zip.finalize();
  })().catch((error: unknown) => zip.destroy(error as Error));
  return { filename: `relais-member-${id}.zip`, archive: zip, counts };
}
