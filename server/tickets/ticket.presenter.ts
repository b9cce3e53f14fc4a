/**
 * What clients see of tickets, messages, escalations and events: JSON, sockets and
 * views all use these. Members never see internal fields or internal notes.
 */
import type { RoutingFacts } from '../routing/routing-facts.js';
import type { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import type { Escalation } from './escalation.model.js';
import type { MailProof, Message } from './message.model.js';
import { NO_DUE_DATE, type Ticket } from './ticket.model.js';
import { allowedActions, followReason } from './ticket.policy.js';
import type { TicketAction } from './ticket.lifecycle.js';
import type { TicketEvent } from './ticket-event.model.js';
import { presentSla, type SlaView } from './ticket-sla.js';
import { doneAt } from './ticket.keys.js';

const id = (v: Types.ObjectId | string | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Display names for referenced teams, offices and staff, when the caller has them. */
export type NameBook = ReadonlyMap<string, string>;

export interface TicketView {
  id: string;
  number: string;
  version: number;
  subject: string;
  status: string;
  priority: string;
  category: string | null;
  language: string;
  channel: string;
  tier: number;
  office: string;
  officeName?: string;
  team: string;
  teamName?: string;
  assignee: string | null;
  assigneeName?: string | null;
  member: string;
  /** Staff of another office filed it for an existing member: the name and address typed, shown instead of the member's. */
  withheldMember: { name: string; email: string } | null;
  escalation: string | null;
  /** Sent back to the person who escalated it, until they act on it: their queue flags it. */
  returned: { to: string; by: string; at: string } | null;
  /** Who escalated it to its tier, and the reason code (a supervisor's move: `reassigned`, their words as `note`): the receiving queue shows it. */
  escalated: { by: string; reason: string; at: string; reassigned: boolean; note: string | null } | null;
  routing: { rule: string; explanation: string; facts: RoutingFacts | null };
  messageCount: number;
  lastMessageAt: string | null;
  firstResponseAt: string | null;
  dueAt: string | null;
  /** Deadlines with ISO dates (null: no SLA policy applies). */
  sla: SlaView | null;
  resolvedAt: string | null;
  /** When it last became done (resolved, or closed while open; `doneAt`): the order of history lists. Null while open. */
  doneAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** What the viewer may do now (the server checks again on every command). */
  allowedActions: TicketAction[];
  /** The viewer only follows it (read only): they worked on it, or it is their office's member's. */
  readOnly: 'worked' | 'member' | null;
  /** Merged into another ticket: which (its page shows the thread now). */
  merged: { id: string; number: string } | null;
  /** Duplicates merged into this one. */
  mergedFrom: { id: string; number: string }[];
  /** Closed as spam. */
  spam: boolean;
  /** Related tickets, staff only, on a ticket's detail (`subject` and `status` null when the viewer may not read it). */
  links?: LinkedTicketView[];
}

export interface LinkedTicketView {
  id: string;
  number: string;
  subject: string | null;
  status: string | null;
}

export function presentTicket(t: Ticket, viewer: Actor, names?: NameBook): TicketView {
  const view: TicketView = {
    id: String(t._id),
    number: t.number,
    version: t.version,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    category: t.category ?? null,
    language: t.language,
    channel: t.channel,
    tier: t.tier,
    office: String(t.office),
    team: String(t.team),
    assignee: id(t.assignee),
    member: String(t.member),
    withheldMember: t.withheldMember ? { name: t.withheldMember.name, email: t.withheldMember.email } : null,
    escalation: id(t.escalation),
    returned: t.returned ? { to: String(t.returned.to), by: t.returned.by, at: iso(t.returned.at) ?? '' } : null,
    escalated: t.escalated
      ? {
          by: t.escalated.by,
          reason: t.escalated.reason,
          at: iso(t.escalated.at) ?? '',
          reassigned: t.escalated.reassigned === true,
          note: t.escalated.note ?? null,
        }
      : null,
    routing: { rule: t.routing.rule, explanation: t.routing.explanation, facts: t.routing.facts ?? null },
    messageCount: t.messageCount ?? 0,
    lastMessageAt: iso(t.lastMessageAt),
    firstResponseAt: iso(t.firstResponseAt),
    dueAt: t.dueAt && new Date(t.dueAt).getTime() < NO_DUE_DATE.getTime() ? iso(t.dueAt) : null,
    sla: presentSla(t.sla),
    resolvedAt: iso(t.resolvedAt),
    doneAt: iso(doneAt(t)),
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
    allowedActions: allowedActions(viewer, t),
    readOnly: followReason(viewer, t),
    merged: t.merged ? { id: String(t.merged.into), number: t.merged.number } : null,
    mergedFrom: (t.mergedFrom ?? []).map((m) => ({ id: String(m.ticket), number: m.number })),
    spam: t.spam === true,
  };
  if (names) {
    view.officeName = names.get(view.office);
    view.teamName = names.get(view.team);
    view.assigneeName = view.assignee ? (names.get(view.assignee) ?? null) : null;
  }
  return view;
}

export interface MessageView {
  id: string;
  author: { kind: string; name: string; staff: string | null; member: string | null };
  visibility: 'public' | 'internal';
  text: string;
  html: string | null;
  quoted: string | null;
  channel: string;
  attachments: AttachmentView[];
  /** The email it came in can be downloaded (`GET /api/v1/messages/:id/original`). */
  original: boolean;
  /** Mail only: how the message was shown to be its sender's (staff see it; the member portal does not). */
  mailAuth: MailProof | null;
  createdAt: string;
}

/** A file of a message: its download is `GET /api/v1/attachments/:id`. */
export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** An image the message showed inline (its HTML's `cid:`), not a file attached. */
  inline: boolean;
}

/** A thread message; `files` are the message's stored attachments (ones not found are left out). */
export function presentMessage(m: Message, files: ReadonlyMap<string, AttachmentView> = new Map()): MessageView {
  return {
    id: String(m._id),
    author: { kind: m.author.kind, name: m.author.name, staff: id(m.author.staff), member: id(m.author.member) },
    visibility: m.visibility,
    text: m.text,
    html: m.html ?? null,
    quoted: m.quoted ?? null,
    channel: m.channel ?? 'web',
    attachments: (m.attachments ?? []).map((a) => files.get(String(a))).filter((a): a is AttachmentView => a !== undefined),
    original: Boolean(m.inbound),
    mailAuth: m.mailAuth ? { proof: m.mailAuth.proof, domain: m.mailAuth.domain ?? null, by: m.mailAuth.by ?? null } : null,
    createdAt: iso(m.createdAt) ?? '',
  };
}

export interface EscalationView {
  id: string;
  fromTier: number;
  toTier: number;
  fromTeam: string;
  toTeam: string;
  reason: string;
  handoff: string;
  by: string;
  byName?: string;
  at: string;
  acceptedBy: string | null;
  acceptedByName?: string | null;
  acceptedAt: string | null;
  outcome: string;
  bouncedBack: boolean;
  closingNote: string | null;
}

export function presentEscalation(e: Escalation, names?: NameBook): EscalationView {
  return {
    id: String(e._id),
    fromTier: e.fromTier,
    toTier: e.toTier,
    fromTeam: String(e.fromTeam),
    toTeam: String(e.toTeam),
    reason: e.reason,
    handoff: e.handoff,
    by: String(e.by),
    ...(names ? { byName: names.get(String(e.by)), acceptedByName: e.acceptedBy ? (names.get(String(e.acceptedBy)) ?? null) : null } : {}),
    at: iso(e.at) ?? '',
    acceptedBy: id(e.acceptedBy),
    acceptedAt: iso(e.acceptedAt),
    outcome: e.outcome,
    bouncedBack: e.outcome === 'returned',
    closingNote: e.closingNote ?? null,
  };
}

export interface EventView {
  seq: number;
  type: string;
  at: string;
  actor: { kind: string; name: string; id: string | null };
  from: { tier: number; team: string; office: string; assignee: string | null; status: string } | null;
  to: { tier: number; team: string; office: string; assignee: string | null; status: string };
  reason: string | null;
  note: string | null;
  data: Record<string, unknown>;
  /** Set on the events of a duplicate shown with the ticket it was merged into: the duplicate's number. */
  fromTicket?: string;
}

function placement(p: TicketEvent['to']): EventView['to'] {
  return { tier: p.tier, team: String(p.team), office: String(p.office), assignee: id(p.assignee), status: p.status };
}

/** History lines for staff. Events of internal notes keep the note text out: it is in the thread. */
export function presentEvent(e: TicketEvent): EventView {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.data ?? {})) if (k !== 'ticket') data[k] = v && typeof v === 'object' && 'toHexString' in v ? String(v) : v;
  return {
    seq: e.seq,
    type: e.type,
    at: iso(e.at) ?? '',
    actor: { kind: e.actor.kind, name: e.actor.name, id: id(e.actor.staff ?? e.actor.member) },
    from: e.from ? placement(e.from) : null,
    to: placement(e.to),
    reason: e.reason,
    note: e.note,
    data,
  };
}
