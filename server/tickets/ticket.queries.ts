/**
 * Reading one ticket: its thread, escalations, detail and history (its merged duplicates' too), a
 * member's tickets, a file with its context, and the names the views need (`nameBook`). Every read
 * goes through the policy and by `_id`. The lists of tickets (queues, workload) are in
 * ticket-list.queries.ts and "why is this ticket here?" in ticket.explain.ts.
 */
import { Types, isValidObjectId } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { NotFoundError } from '../lib/errors.js';
import type { Locale } from '../lib/i18n.js';
import { labelIn } from '../lib/labels.js';
import { OfficeModel } from '../offices/office.model.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { EscalationModel, type Escalation } from './escalation.model.js';
import { AttachmentModel, type Attachment } from '../attachments/attachment.model.js';
import { MessageModel, type Message } from './message.model.js';
import { loadTicket } from './ticket.journal.js';
import { TicketModel, type Ticket } from './ticket.model.js';
import { authorize, canRead } from './ticket.policy.js';
import {
  presentEscalation,
  presentEvent,
  presentMessage,
  presentTicket,
  type EscalationView,
  type EventView,
  type LinkedTicketView,
  type MessageView,
  type NameBook,
  type TicketView,
} from './ticket.presenter.js';
import { configTtlMs, ttlCache } from '../lib/ttl-cache.js';
import { TicketEventModel, eventId, type TicketEvent } from './ticket-event.model.js';
import { memberTicketIds, ticketIdByNumber } from './ticket.keys.js';
import { workingSet } from './working-set.js';
import { readByIds } from '../db/point-reads.js';
import type { Tier } from '../lib/ticket.vocabulary.js';
import { escalationTarget, returnTarget } from './ticket.lifecycle.js';
import { officeModelOf } from '../routing/office-models.js';

/** The records these queries return (pages read them through this module, not the models). */
export type { Ticket } from './ticket.model.js';
export type { Escalation } from './escalation.model.js';
export type { MailProof } from './message.model.js';

// Teams and offices with their names in each language, read at most every few seconds (an
// administrator's change clears it); the book of each language is derived once per read.
const placeNames = ttlCache(configTtlMs, async () => {
  const [teams, offices] = await Promise.all([TeamModel.find({}, { name: 1, labels: 1 }).lean(), OfficeModel.find({}, { name: 1, labels: 1 }).lean()]);
  const places = [...teams, ...offices];
  const book = (locale: Locale | null) => new Map(places.map((p) => [String(p._id), locale ? labelIn(p, locale) : p.name] as const));
  return { neutral: book(null), fr: book('fr'), nl: book('nl'), en: book('en') };
});

// Staff names the same way (a hundred people): a list names its holders without a query per page —
// `_id: { $in }` reads the whole collection on the embedded database. Someone added since is read by `_id`.
const staffNames = ttlCache(configTtlMs, async () => new Map((await StaffModel.find({}, { name: 1 }).lean()).map((s) => [String(s._id), s.name] as const)));

/**
 * Names of every team and office (small collections), plus the given staff ids. With `locale`,
 * teams and offices are named in that language (their labels); without, by their one name
 * (what the API and socket messages, shared by readers of every language, carry).
 */
export async function nameBook(staffIds: Iterable<Types.ObjectId | string | null | undefined> = [], locale: Locale | null = null): Promise<NameBook> {
  const books = await placeNames.get();
  const names = new Map<string, string>(locale ? books[locale] : books.neutral);
  const ids = [...new Set([...staffIds].filter((x): x is Types.ObjectId | string => Boolean(x)).map(String))];
  if (ids.length === 0) return names;
  const staff = await staffNames.get();
  const unknown: string[] = [];
  for (const id of ids) {
    const name = staff.get(id);
    if (name === undefined) unknown.push(id);
    else names.set(id, name);
  }
  for (const s of await readByIds(unknown.filter(isValidObjectId), (id) => StaffModel.findById(id, { name: 1 }).lean())) names.set(String(s._id), s.name);
  return names;
}

/** A ticket's events, in order, read by `_id` (`<ticket>:<seq>`): never a query on the events collection. */
export async function ticketEvents(ticket: Pick<Ticket, '_id' | 'version'>): Promise<TicketEvent[]> {
  const ids = Array.from({ length: ticket.version }, (_, i) => eventId(ticket._id, i + 1));
  return readByIds(ids, (id) => TicketEventModel.collection.findOne<TicketEvent>({ _id: id } as never));
}

/** The ids of the documents of one kind a ticket's events inserted (messages, escalations), in order. */
function insertedIds(events: readonly TicketEvent[], model: 'Message' | 'Escalation'): Types.ObjectId[] {
  // A message's update is a merge moving it here (ticket.merge.ts): it joins this ticket's thread; or an
  // erasure rewriting one already listed (privacy/member-erasure.ts): listed once.
  const wanted = (w: TicketEvent['writes'][number]) => w.model === model && (w.op === 'insert' || model === 'Message');
  const ids = events.flatMap((e) => (e.writes ?? []).filter(wanted).map((w) => String(w.id)));
  return [...new Set(ids)].map((id) => new Types.ObjectId(id));
}

/**
 * The escalation records read lately, per ticket and at the ticket's version: a record changes only
 * through a commit of its ticket, which raises the version, so an entry at the current version is
 * current (the board reads every escalated ticket's records at each view).
 */
const escalationCache = new Map<string, { version: number; rows: Escalation[] }>();
const escalationCacheSize = 5_000;

/** A ticket's escalation records, oldest first, by `_id`. */
export async function ticketEscalations(
  ticket: Pick<Ticket, '_id' | 'version'> & { escalations?: Types.ObjectId[] | null },
  events?: readonly TicketEvent[],
): Promise<Escalation[]> {
  const key = String(ticket._id);
  const cached = escalationCache.get(key);
  if (cached && cached.version === ticket.version) return cached.rows;
  const ids = ticket.escalations ?? insertedIds(events ?? (await ticketEvents(ticket)), 'Escalation');
  const rows = (await readByIds(ids, (id) => EscalationModel.collection.findOne<Escalation>({ _id: id }))).sort(
    (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime(),
  );
  escalationCache.delete(key);
  escalationCache.set(key, { version: ticket.version, rows });
  if (escalationCache.size > escalationCacheSize) escalationCache.delete(escalationCache.keys().next().value as string);
  return rows;
}

/** Forgets the cached escalation records (tests that drop the database). */
export function clearEscalationCache(): void {
  escalationCache.clear();
}

/**
 * A member's latest `limit` tickets (by creation), most recently updated first: the `member_tickets`
 * keys (small), then only those tickets by `_id` — a member with years of tickets costs a page the
 * same handful of ticket reads as a new one.
 */
export async function memberTickets(member: Types.ObjectId | string, limit = 100): Promise<Ticket[]> {
  const ids = (await memberTicketIds(member)).slice(-limit);
  const rows = await readByIds(ids, (id) => TicketModel.collection.findOne<Ticket>({ _id: id }));
  return rows
    .filter((t) => String(t.member) === String(member))
    .sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime())
    .slice(0, limit);
}

/** The ticket with this human number, or null (a key read, then the ticket by `_id`). */
export async function ticketByNumber(number: string): Promise<Ticket | null> {
  const id = await ticketIdByNumber(number);
  const ticket = id ? await loadTicket(id) : null;
  return ticket && ticket.number === number ? ticket : null;
}

/** Loads a ticket the actor may read, or throws 404. */
export async function readableTicket(actor: Actor, ticketId: string): Promise<Ticket> {
  const ticket = await loadTicket(ticketId);
  if (!ticket) throw new NotFoundError('No such ticket.');
  authorize(actor, 'read', ticket);
  return ticket;
}

export interface TicketDetail {
  ticket: TicketView;
  messages: MessageView[];
  escalations: EscalationView[];
}

/**
 * A ticket's messages in order (public ones only when asked) with their stored files, all read by
 * `_id`: the message ids come from the ticket's events, which inserted them.
 */
export async function ticketThread(
  ticket: Pick<Ticket, '_id' | 'version'>,
  options: { publicOnly: boolean; events?: readonly TicketEvent[] },
): Promise<{ messages: Message[]; files: Map<string, Attachment> }> {
  const events = options.events ?? (await ticketEvents(ticket));
  const all = await readByIds(insertedIds(events, 'Message'), (id) => MessageModel.collection.findOne<Message>({ _id: id }));
  const messages = all
    .filter((m) => String(m.ticket) === String(ticket._id) && (!options.publicOnly || m.visibility === 'public'))
    .sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() || String(a._id).localeCompare(String(b._id)));
  const stored = await readByIds(
    messages.flatMap((m) => m.attachments ?? []),
    (id) => AttachmentModel.collection.findOne<Attachment>({ _id: id }),
  );
  return { messages, files: new Map(stored.filter((a) => String(a.ticket) === String(ticket._id)).map((a) => [String(a._id), a])) };
}

/** A ticket with its thread (internal notes only for staff) and escalation trail, all read by `_id`. */
export async function getTicketDetail(actor: Actor, ticketId: string): Promise<TicketDetail> {
  return (await ticketDetailAndHistory(actor, ticketId)).detail;
}

/** The detail and every event of a ticket (the ticket page shows both), its events read once. */
export async function ticketDetailAndHistory(
  actor: Actor,
  ticketId: string,
): Promise<{ ticket: Ticket; events: TicketEvent[]; detail: TicketDetail; history: EventView[] }> {
  const ticket = await readableTicket(actor, ticketId);
  const events = await ticketEvents(ticket);
  return { ticket, events, detail: await detailOf(actor, ticket, events), history: await withMergedHistory(ticket, events.map(presentEvent)) };
}

/** How deep a chain of merges is followed (A into B, then B into C: C shows A's history too). */
const mergeChainDepth = 5;

/**
 * A ticket's history with the history of the duplicates merged into it, in time order, each of their
 * events marked with the duplicate's number: merging moves the thread, and the history shows with it
 * (the events themselves stay the duplicate's: their `_id` is `<ticket>:<seq>`). A duplicate that had
 * duplicates merged into it brings theirs too, five merges deep at most, each ticket once.
 */
async function withMergedHistory(ticket: Ticket, own: EventView[]): Promise<EventView[]> {
  if (!ticket.mergedFrom?.length) return own;
  const merged: EventView[] = [];
  const seen = new Set([String(ticket._id)]);
  let level = ticket.mergedFrom;
  for (let depth = 0; depth < mergeChainDepth && level.length > 0; depth += 1) {
    const next: NonNullable<Ticket['mergedFrom']> = [];
    for (const m of level) {
      if (seen.has(String(m.ticket))) continue;
      seen.add(String(m.ticket));
      const source = await loadTicket(m.ticket);
      if (!source) continue;
      merged.push(...(await ticketEvents(source)).map((e) => ({ ...presentEvent(e), fromTicket: m.number })));
      next.push(...(source.mergedFrom ?? []));
    }
    level = next;
  }
  return [...own, ...merged].sort((a, b) => a.at.localeCompare(b.at));
}

/** Related tickets as the viewer may see them: number always, subject and status when they may read it. */
async function linkedTickets(actor: Actor, ticket: Ticket): Promise<LinkedTicketView[]> {
  const rows = await readByIds(ticket.links ?? [], (id) => loadTicket(id));
  return rows.map((t) =>
    canRead(actor, t)
      ? { id: String(t._id), number: t.number, subject: t.subject, status: t.status }
      : { id: String(t._id), number: t.number, subject: null, status: null },
  );
}

async function detailOf(actor: Actor, ticket: Ticket, events: readonly TicketEvent[]): Promise<TicketDetail> {
  const [thread, escalations] = await Promise.all([
    ticketThread(ticket, { publicOnly: actor.kind === 'member', events }),
    actor.kind === 'member' ? Promise.resolve([] as Escalation[]) : ticketEscalations(ticket, events),
  ]);
  const names = await nameBook([ticket.assignee, ...escalations.flatMap((e) => [e.by, e.acceptedBy])]);
  const files = new Map(
    [...thread.files.values()].map((a) => [
      String(a._id),
      { id: String(a._id), filename: a.filename, contentType: a.contentType, size: a.size, inline: Boolean(a.inline) },
    ]),
  );
  const view = presentTicket(ticket, actor, names);
  if (actor.kind === 'staff') view.links = await linkedTickets(actor, ticket);
  return {
    ticket: view,
    messages: thread.messages.map((m) => presentMessage(m, files)),
    escalations: escalations.map((e) => presentEscalation(e, names)),
  };
}

/** Every event of a ticket, in order. */
export async function ticketHistory(actor: Actor, ticketId: string): Promise<EventView[]> {
  const ticket = await readableTicket(actor, ticketId);
  return withMergedHistory(ticket, (await ticketEvents(ticket)).map(presentEvent));
}

/** The escalation that brought the ticket to its tier: a return goes back where it came from. */
export async function escalationOrigin(ticket: {
  _id: Types.ObjectId | string;
  tier: Tier | number;
  version: number;
  escalations?: Types.ObjectId[] | null;
}): Promise<Escalation | null> {
  const escalations = await ticketEscalations({ ...ticket, _id: new Types.ObjectId(String(ticket._id)) });
  return escalations.filter((e) => e.toTier === ticket.tier).at(-1) ?? null;
}

/**
 * Where an escalation and a return of this ticket would go now (ticket.lifecycle.ts), for the
 * dialogs the viewer is offered; the escalation history is read only when a return is offered.
 */
export async function moveTargets(
  ticket: { _id: Types.ObjectId | string; tier: number; office: Types.ObjectId | string; version: number; escalations?: Types.ObjectId[] | null },
  offered: { escalate: boolean; return: boolean },
): Promise<{ escalate: Tier | null; return: Tier | null }> {
  return {
    escalate: offered.escalate ? escalationTarget(ticket, officeModelOf(ticket.office)) : null,
    return: offered.return ? returnTarget(ticket, await escalationOrigin(ticket)) : null,
  };
}

/** The escalation records of several working tickets (the board), read by `_id`. */
export async function escalationsOf(ticketIds: readonly string[]): Promise<Escalation[]> {
  const lists = await Promise.all(
    ticketIds.map(async (id) => {
      const ticket = workingSet.get(id) ?? (await loadTicket(id));
      return ticket ? ticketEscalations(ticket) : [];
    }),
  );
  return lists.flat();
}

/** A stored file with the ticket and the message it belongs to (the member page checks all three), read by `_id`. */
export async function attachmentWithContext(
  id: string,
): Promise<{ file: Attachment; ticket: Ticket | null; message: Pick<Message, '_id' | 'ticket' | 'visibility'> | null } | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const file = await AttachmentModel.findById(id).lean<Attachment>();
  if (!file) return null;
  const [ticket, message] = await Promise.all([
    file.ticket ? loadTicket(file.ticket) : Promise.resolve(null),
    file.message
      ? MessageModel.findById(file.message, { visibility: 1, ticket: 1 }).lean<Pick<Message, '_id' | 'ticket' | 'visibility'>>()
      : Promise.resolve(null),
  ]);
  return { file, ticket, message };
}
