/**
 * Reading tickets: the queue list (filters, keyset pagination, due date then age),
 * one ticket with its thread and escalations, its history, and the "why is this
 * ticket here?" explanation. Every read goes through the policy.
 */
import { Types } from 'mongoose';
import type { Actor, StaffActor } from '../auth/actor.js';
import { BadRequestError, NotFoundError } from '../lib/errors.js';
import { OfficeModel } from '../offices/office.model.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { EscalationModel, type Escalation } from './escalation.model.js';
import { AttachmentModel } from '../attachments/attachment.model.js';
import { MessageModel, type Message } from './message.model.js';
import { loadTicket } from './ticket.journal.js';
import { TicketModel, type Ticket } from './ticket.model.js';
import { authorize, readableFilter } from './ticket.policy.js';
import { presentEscalation, presentEvent, presentMessage, presentTicket, type EscalationView, type EventView, type MessageView, type NameBook, type TicketView } from './ticket.presenter.js';
import { TicketEventModel, type TicketEvent } from './ticket-event.model.js';
import { openStatuses, type Tier } from './ticket.vocabulary.js';
import { escalationTarget, returnTarget } from './ticket.lifecycle.js';
import { officeModelOf } from '../routing/office-models.js';

/** Names of every team and office (small collections), plus the given staff ids. */
export async function nameBook(staffIds: Iterable<Types.ObjectId | string | null | undefined> = []): Promise<NameBook> {
  const names = new Map<string, string>();
  const [teams, offices] = await Promise.all([TeamModel.find({}, { name: 1 }).lean(), OfficeModel.find({}, { name: 1 }).lean()]);
  for (const t of teams) names.set(String(t._id), t.name);
  for (const o of offices) names.set(String(o._id), o.name);
  const ids = [...new Set([...staffIds].filter((x): x is Types.ObjectId | string => Boolean(x)).map(String))];
  if (ids.length > 0) for (const s of await StaffModel.find({ _id: { $in: ids } }, { name: 1 }).lean()) names.set(String(s._id), s.name);
  return names;
}

export interface ListFilters {
  tier?: number;
  office?: string;
  team?: string;
  status?: string[];
  assignee?: 'me' | 'none' | string;
  language?: string;
  category?: string;
  limit: number;
  cursor?: string;
}

interface Cursor {
  d: string;
  c: string;
  i: string;
}

function encodeCursor(t: Ticket): string {
  return Buffer.from(JSON.stringify({ d: new Date(t.dueAt).toISOString(), c: new Date(t.createdAt).toISOString(), i: String(t._id) })).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.d === 'string' && typeof parsed.c === 'string' && typeof parsed.i === 'string' && Types.ObjectId.isValid(parsed.i)) return parsed as Cursor;
  } catch {
    // fall through
  }
  throw new BadRequestError('The cursor is not valid: use the nextCursor value of a previous page.', [{ path: 'cursor', message: 'invalid cursor' }]);
}

/** The tickets an actor may see, filtered and sorted by due date then age, one page at a time. */
export async function listTickets(actor: StaffActor, filters: ListFilters): Promise<{ tickets: TicketView[]; nextCursor: string | null }> {
  const and: Record<string, unknown>[] = [readableFilter(actor)];
  if (filters.tier) and.push({ tier: filters.tier });
  if (filters.office) and.push({ office: new Types.ObjectId(filters.office) });
  if (filters.team) and.push({ team: new Types.ObjectId(filters.team) });
  // Without a status filter, the queue shows work still to do.
  and.push({ status: { $in: filters.status?.length ? filters.status : [...openStatuses] } });
  if (filters.language) and.push({ language: filters.language });
  if (filters.category) and.push({ category: filters.category });
  if (filters.assignee === 'me') and.push({ assignee: actor.id });
  else if (filters.assignee === 'none') and.push({ assignee: null });
  else if (filters.assignee) and.push({ assignee: new Types.ObjectId(filters.assignee) });
  if (filters.cursor) {
    const c = decodeCursor(filters.cursor);
    const d = new Date(c.d);
    const created = new Date(c.c);
    const i = new Types.ObjectId(c.i);
    and.push({ $or: [{ dueAt: { $gt: d } }, { dueAt: d, createdAt: { $gt: created } }, { dueAt: d, createdAt: created, _id: { $gt: i } }] });
  }
  const rows = await TicketModel.find({ $and: and }).sort({ dueAt: 1, createdAt: 1, _id: 1 }).limit(filters.limit + 1).lean<Ticket[]>();
  const page = rows.slice(0, filters.limit);
  const names = await nameBook(page.map((t) => t.assignee));
  const last = page.at(-1);
  return {
    tickets: page.map((t) => presentTicket(t, actor, names)),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
  };
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

/** A ticket with its thread (internal notes only for staff) and escalation trail. */
export async function getTicketDetail(actor: Actor, ticketId: string): Promise<TicketDetail> {
  const ticket = await readableTicket(actor, ticketId);
  const visibility = actor.kind === 'member' ? { visibility: 'public' as const } : {};
  const [messages, escalations] = await Promise.all([
    MessageModel.find({ ticket: ticket._id, ...visibility }).sort({ createdAt: 1, _id: 1 }).lean<Message[]>(),
    actor.kind === 'member' ? Promise.resolve([] as Escalation[]) : EscalationModel.find({ ticket: ticket._id }).sort({ at: 1 }).lean<Escalation[]>(),
  ]);
  const names = await nameBook([ticket.assignee, ...escalations.flatMap((e) => [e.by, e.acceptedBy])]);
  const fileIds = messages.flatMap((m) => m.attachments ?? []);
  const stored = fileIds.length > 0 ? await AttachmentModel.find({ _id: { $in: fileIds }, ticket: ticket._id }, { filename: 1, contentType: 1, size: 1 }).lean() : [];
  const files = new Map(stored.map((a) => [String(a._id), { id: String(a._id), filename: a.filename, contentType: a.contentType, size: a.size }]));
  return {
    ticket: presentTicket(ticket, actor, names),
    messages: messages.map((m) => presentMessage(m, files)),
    escalations: escalations.map((e) => presentEscalation(e, names)),
  };
}

/** Every event of a ticket, in order. */
export async function ticketHistory(actor: Actor, ticketId: string): Promise<EventView[]> {
  const ticket = await readableTicket(actor, ticketId);
  const events = await TicketEventModel.find({ ticket: ticket._id }).sort({ seq: 1 }).lean<TicketEvent[]>();
  return events.filter((e) => e.seq <= ticket.version).map(presentEvent);
}

export interface Explanation {
  ticket: { id: string; number: string; tier: number; team: string; office: string; assignee: string | null; status: string };
  /** Plain sentences, oldest first, answering "why is this ticket here?". */
  because: { at: string; type: string; text: string }[];
  summary: string;
}

function describe(e: TicketEvent, names: NameBook): string | null {
  const who = e.actor.name;
  const team = (x: Types.ObjectId | null | undefined) => (x ? (names.get(String(x)) ?? 'a team') : 'no team');
  const person = (x: Types.ObjectId | null | undefined) => (x ? (names.get(String(x)) ?? 'a colleague') : 'nobody');
  switch (e.type) {
    case 'created':
      return `Arrived by ${String(e.data.channel ?? 'web')}. ${e.note ?? ''}`.trim();
    case 'claimed':
      return `${who} took it.`;
    case 'accepted':
      return `${who} accepted the escalation into tier ${e.to.tier}.`;
    case 'released':
      return `${who} put it back in the ${team(e.to.team)} queue${e.note ? `: ${e.note}` : '.'}`;
    case 'escalated':
      return `${who} escalated it from tier ${e.from?.tier} to tier ${e.to.tier} (${team(e.to.team)}), reason "${e.reason}". Handoff: ${e.note}`;
    case 'returned':
      return `${who} sent it back from tier ${e.from?.tier} to tier ${e.to.tier} (${team(e.to.team)})${e.to.assignee ? `, to ${person(e.to.assignee)}` : ''}: ${e.note}`;
    case 'reassigned':
      return `${who} (supervisor) reassigned it to ${e.to.assignee ? person(e.to.assignee) : team(e.to.team)} on tier ${e.to.tier}. Reason: ${e.note}`;
    case 'resolved':
      return `${who} resolved it.`;
    case 'reopened':
      return `${who} reopened it.`;
    default:
      return null;
  }
}

/** Answers "why is this ticket here?" from the routing decision and every move since. */
export async function explainTicket(actor: Actor, ticketId: string): Promise<Explanation> {
  const ticket = await readableTicket(actor, ticketId);
  const events = (await TicketEventModel.find({ ticket: ticket._id }).sort({ seq: 1 }).lean<TicketEvent[]>()).filter((e) => e.seq <= ticket.version);
  const names = await nameBook(events.flatMap((e) => [e.to.assignee, e.from?.assignee]).concat([ticket.assignee]));
  const because: Explanation['because'] = [];
  for (const e of events) {
    const text = describe(e, names);
    if (text !== null) because.push({ at: new Date(e.at).toISOString(), type: e.type, text });
  }
  const where = `tier ${ticket.tier}, ${names.get(String(ticket.team)) ?? 'team'} (${names.get(String(ticket.office)) ?? 'office'})`;
  const holder = ticket.assignee ? `held by ${names.get(String(ticket.assignee)) ?? 'a colleague'}` : 'waiting in the queue, unassigned';
  const lastMove = [...because].reverse().find((b) => ['escalated', 'returned', 'reassigned', 'created', 'released'].includes(b.type));
  return {
    ticket: { id: String(ticket._id), number: ticket.number, tier: ticket.tier, team: String(ticket.team), office: String(ticket.office), assignee: ticket.assignee ? String(ticket.assignee) : null, status: ticket.status },
    because,
    summary: `${ticket.number} is on ${where}, ${holder}. ${lastMove ? `Last move: ${lastMove.text}` : ''}`.trim(),
  };
}

/** The escalation that brought the ticket to its tier: a return goes back where it came from. */
export async function escalationOrigin(ticket: { _id: Types.ObjectId | string; tier: Tier | number }): Promise<Escalation | null> {
  const [origin] = await EscalationModel.find({ ticket: new Types.ObjectId(String(ticket._id)), toTier: ticket.tier as Tier }).sort({ at: -1 }).limit(1).lean<Escalation[]>();
  return origin ?? null;
}

/**
 * Where an escalation and a return of this ticket would go now (ticket.lifecycle.ts), for the
 * dialogs the viewer is offered; the escalation history is read only when a return is offered.
 */
export async function moveTargets(
  ticket: { _id: Types.ObjectId | string; tier: number; office: Types.ObjectId | string },
  offered: { escalate: boolean; return: boolean },
): Promise<{ escalate: Tier | null; return: Tier | null }> {
  return {
    escalate: offered.escalate ? escalationTarget(ticket, officeModelOf(ticket.office)) : null,
    return: offered.return ? returnTarget(ticket, await escalationOrigin(ticket)) : null,
  };
}
