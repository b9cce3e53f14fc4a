/**
 * The baseline of the creation benchmark (tickets.bench.ts): the raw driver writing exactly the
 * documents one `createTicket` writes for a ticket filed by staff over the API, in the same order,
 * with no reads. `test/integration/bench-baseline.test.ts` compares what both sides write
 * (collections, counts and field shapes) in CI, so the baseline can never silently drift from
 * `ticket.create.ts` again.
 */
import { Types } from 'mongoose';
import type mongoose from 'mongoose';
import type { StaffActor } from '../server/auth/actor.js';
import { formatTicketNumber } from '../server/tickets/ticket-number.js';
import { eventId } from '../server/tickets/ticket-event.model.js';
import { memberSlotId } from '../server/tickets/ticket.keys.js';
import { dayPrefixes } from '../server/tickets/ticket-keys.bulk.js';
import { actorRef, trailEntry } from '../server/tickets/ticket.journal.js';
import { NO_DUE_DATE } from '../server/tickets/ticket.model.js';

/** What the baseline copies from a ticket Relais made: who files, the routing decision, the acknowledgement. */
export interface CreationTemplate {
  actor: StaffActor;
  memberId: Types.ObjectId;
  memberName: string;
  office: Types.ObjectId;
  /** The member's own office (the ticket keeps it for the read-only followers' rule). */
  memberOffice: Types.ObjectId | null;
  team: Types.ObjectId;
  /** The routing decision as Relais stores it: its rule, its sentence, and the facts each page words in its reader's language. */
  routing: { rule: string; explanation: string; facts?: unknown };
  /** The acknowledgement Relais queued for the member (copied with new ids), or null without mail. */
  ack: Record<string, unknown> | null;
  content: { subject: string; body: string; category: string | null; language: string };
}

export function creationDocuments(t: CreationTemplate, at: Date) {
  const ticketId = new Types.ObjectId();
  const messageId = new Types.ObjectId();
  const ticketDoc = {
    _id: ticketId,
    subject: t.content.subject,
    status: 'new',
    priority: 'normal',
    category: t.content.category,
    language: t.content.language,
    channel: 'phone',
    member: t.memberId,
    office: t.office,
    tier: 1,
    team: t.team,
    assignee: null,
    escalation: null,
    escalations: [],
    routing: { rule: t.routing.rule, explanation: t.routing.explanation, ...(t.routing.facts === undefined ? {} : { facts: t.routing.facts }) },
    version: 1,
    messageCount: 1,
    lastMessageAt: at,
    lastMemberMessageAt: at,
    firstResponseAt: null,
    dueAt: NO_DUE_DATE,
    resolvedAt: null,
    closedAt: null,
    createdBy: t.actor.id,
    memberOffice: t.memberOffice,
    createdAt: at,
    updatedAt: at,
  };
  const messageDoc = {
    ticket: ticketId,
    author: { kind: 'member', staff: t.actor.id, member: t.memberId, name: t.memberName },
    visibility: 'public',
    text: t.content.body,
    html: null,
    quoted: null,
    channel: 'phone',
    attachments: [],
    emailMessageId: null,
    inbound: null,
    createdAt: at,
  };
  const ackId = new Types.ObjectId();
  const event = {
    _id: eventId(ticketId, 1),
    ticket: ticketId,
    seq: 1,
    type: 'created',
    actor: actorRef(t.actor),
    at,
    from: null,
    to: { tier: 1, team: t.team, office: t.office, assignee: null, status: 'new' },
    reason: t.routing.rule,
    note: t.routing.explanation,
    data: { ticket: ticketDoc, channel: 'phone', ...(t.ack ? { ack: { id: ackId, inReplyTo: null } } : {}) },
    patch: {},
    writes: [{ model: 'Message', op: 'insert', id: messageId, doc: messageDoc }],
    pending: true,
  };
  Object.assign(ticketDoc, { trail: [trailEntry(event as never)] });
  const ack = t.ack ? { ...t.ack, _id: ackId, ticket: ticketId, createdAt: at } : null;
  return { ticketId, ticketDoc, messageId, messageDoc, event, ack };
}

type Db = NonNullable<typeof mongoose.connection.db>;

/** Writes one baseline creation, as `createTicket` does: hint, event, message, member and day keys, number key and hint, ticket, acknowledgement with its outbox mark, event done. */
export async function writeBaselineCreation(db: Db, docs: ReturnType<typeof creationDocuments>, n: number): Promise<void> {
  const at = docs.ticketDoc.createdAt;
  const number = formatTicketNumber(at.getFullYear(), n);
  const events = db.collection<mongoose.mongo.Document & { _id: string }>('ticketevents');
  await db.collection('working_tickets').insertOne({ _id: docs.ticketId, at });
  await events.insertOne(docs.event);
  await db.collection('messages').insertOne({ ...docs.messageDoc, _id: docs.messageId });
  await db
    .collection<{ _id: string; ticket: Types.ObjectId }>('member_tickets')
    .insertOne({ _id: memberSlotId(docs.ticketDoc.member, n), ticket: docs.ticketId });
  await db
    .collection<{ _id: string; ticket: Types.ObjectId }>('ticket_days')
    .insertOne({ _id: `${dayPrefixes({ ...docs.ticketDoc, status: 'new' } as never).created}:${String(n).padStart(6, '0')}`, ticket: docs.ticketId });
  // As ticket-number.ts raiseHint: the loser of two first upserts (not atomic on FerretDB) updates.
  const meta = db.collection<{ _id: string }>('meta');
  await meta.updateOne({ _id: 'ticket_number:baseline' }, { $max: { n } }, { upsert: true }).catch(async (error: unknown) => {
    if ((error as { code?: unknown }).code !== 11000) throw error;
    await meta.updateOne({ _id: 'ticket_number:baseline' }, { $max: { n } });
  });
  await db.collection<{ _id: string; ticket: Types.ObjectId }>('ticket_numbers').insertOne({ _id: number, ticket: docs.ticketId });
  await db.collection('tickets').insertOne({ ...docs.ticketDoc, number });
  if (docs.ack) {
    await db.collection('outbox_due').insertOne({ _id: docs.ack._id, at });
    await db.collection('outbox').insertOne(docs.ack);
  }
  await events.updateOne({ _id: docs.event._id }, { $set: { 'data.number': number }, $unset: { pending: '' } });
}

/** Field paths with their value types, to check that both sides wrote documents of the same shape. */
export function shapeOf(value: unknown, at = ''): string[] {
  if (value === null) return [`${at}:null`];
  if (value instanceof Date) return [`${at}:date`];
  if (value instanceof Types.ObjectId) return [`${at}:objectId`];
  if (Array.isArray(value)) return value.length === 0 ? [`${at}:[]`] : value.flatMap((v) => shapeOf(v, `${at}[]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => shapeOf(v, at ? `${at}.${k}` : k));
  return [`${at}:${typeof value}`];
}

/** How many documents each collection holds. */
export async function collectionCounts(db: Db): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) counts.set(c.name, await db.collection(c.name).countDocuments());
  return counts;
}

/** The collections that grew between two counts, with by how much. */
export function growth(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of after) if (n !== (before.get(name) ?? 0)) out[name] = n - (before.get(name) ?? 0);
  return out;
}
