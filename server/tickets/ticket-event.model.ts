import { Schema, model, type Types } from 'mongoose';
import type { Escalation } from './escalation.model.js';
import type { Message } from './message.model.js';
import type { SlaAlert } from './ticket-sla.js';
import type { Ticket } from './ticket.model.js';
import type { Channel, Priority } from '../lib/ticket.vocabulary.js';

export const eventTypes = [
  'created',
  'claimed',
  'assigned',
  'released',
  'replied',
  'noted',
  'escalated',
  'accepted',
  'returned',
  'reassigned',
  'resolved',
  'reopened',
  'closed',
  'member_replied',
  'rated',
  'priority_changed',
  'category_changed',
  /** The language mail and pages speak to the member in, corrected by staff (a short mail was misread). */
  'language_changed',
  /** An SLA warning or breach fired by the scheduler (server/sla/scheduler.ts). */
  'sla_alert',
  /**
   * The deadlines recomputed after an administrator changed a calendar or a policy (sla/recompute.ts):
   * no move, only the new `sla` and `dueAt` in its patch, so the journal stays the ticket's one writer.
   */
  'sla_recomputed',
  /** Closed as spam: nothing is sent to the sender (bulk.commands.ts). */
  'marked_spam',
  /** This ticket was merged into another (ticket.merge.ts). */
  'merged',
  /** Another ticket was merged into this one: its messages and files moved here. */
  'merged_in',
  'linked',
  'unlinked',
  /**
   * The member's personal data was erased (privacy/member-erasure.ts): the subject, the member's
   * messages and files, the rating's comment. No move: figures and deadlines stay as they were.
   */
  'member_erased',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface Placement {
  tier: number;
  team: Types.ObjectId;
  office: Types.ObjectId;
  assignee: Types.ObjectId | null;
  status: string;
}

/** An SLA warning or breach an event fired (the scheduler's `sla_alert`, an automatic escalation's `alert`). */
export interface SlaAlertData extends SlaAlert {
  /** Who hears of it: the holder's team, or the supervisors too. */
  level: 'team' | 'supervisor';
}

/** The ticket document a creation event carries, to write it again after a crash (no number yet). */
export type NewTicketDocument = Omit<Ticket, 'number' | 'sla' | 'rating'> & Partial<Pick<Ticket, 'sla'>>;

type NoData = Record<string, never>;

/** What each kind of event records besides who, when, from where to where and why. */
export interface EventData {
  created: {
    ticket: NewTicketDocument;
    channel: Channel;
    /** The acknowledgement to send once the ticket has its number (a fixed id: a replay stores it once). */
    ack?: { id: Types.ObjectId; inReplyTo: string | null };
    /** Set when the creation finished. */
    number?: string;
    /** Staff of another office filed it for an existing member: the member's details were withheld (audit). */
    memberWithheld?: true;
  };
  claimed: NoData;
  accepted: NoData;
  assigned: NoData;
  released: NoData;
  /** `signed`: the author's signature was added under the reply (the mail then leaves out its own closing). */
  replied: { message: Types.ObjectId; waitForMember?: boolean; signed?: boolean };
  noted: { message: Types.ObjectId };
  escalated: { escalation: Types.ObjectId; toTeamName: string; automatic?: boolean; alert?: SlaAlertData };
  returned: {
    escalation: Types.ObjectId | null;
    /**
     * Whether the person who escalated it took it back (`given_back`), and if not why: deactivated,
     * no longer working where it lands, an automatic escalation, or no escalation record. Absent on older events.
     */
    escalator?: { outcome: 'given_back' | 'inactive' | 'elsewhere' | 'automatic' | 'none'; name: string | null };
  };
  reassigned: { targetName: string };
  resolved: NoData;
  reopened: NoData;
  closed: NoData;
  /** `thanks`: it only said thank you to a resolved request, which stays resolved (thanks.ts). */
  member_replied: { message: Types.ObjectId; channel: 'web' | 'email'; attachments: number; thanks?: true };
  rated: { score: number };
  priority_changed: { from: Priority; to: Priority };
  category_changed: { from: string | null; to: string | null };
  language_changed: { from: string; to: string };
  sla_alert: SlaAlertData;
  /** What changed (`calendar` or `policy`) and its name, for the trail. */
  sla_recomputed: { cause: 'calendar' | 'policy'; label: string; job: string };
  /** `blocked`: the sender's address that was blocked with it (lower-cased), if the person chose to. */
  marked_spam: { blocked: string | null };
  merged: { into: Types.ObjectId; intoNumber: string };
  merged_in: { source: Types.ObjectId; sourceNumber: string; sourceSubject: string; messages: Types.ObjectId[]; attachments: Types.ObjectId[] };
  linked: { other: Types.ObjectId; otherNumber: string };
  unlinked: { other: Types.ObjectId; otherNumber: string };
  /** `erasure`: the erasure record (the member's id); `attachments`: the member's files it unlinked, to delete after. */
  member_erased: { erasure: string; pseudonym: string; messages: number; attachments: Types.ObjectId[] };
}

// Every listed type has its data, and every data its listed type.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : false;
const _eventDataCoversTypes: SameKeys<EventData, EventType> = true;
void _eventDataCoversTypes;

/** A message, escalation or attachment document as an event inserts or updates it. */
export type MessageDocument = Omit<Message, '_id'>;
/** What an erasure rewrites in a message (privacy/member-erasure.ts); `ticket` stays the message's own. */
export type MessageRedaction = Pick<Message, 'ticket' | 'text' | 'html' | 'quoted' | 'author' | 'attachments'>;
/** `by` is null for an escalation Relais made (the SLA's automatic escalation). */
export type EscalationDocument = Omit<Escalation, '_id' | 'by'> & { by: Types.ObjectId | null };
export type EscalationClosing = Partial<Pick<Escalation, 'acceptedBy' | 'acceptedAt' | 'outcome' | 'closedBy' | 'closedAt' | 'closingNote'>>;

/**
 * A write to replay with its event if the process stopped half-way (see ticket.journal.ts). Mail
 * (`Outbox`, with its `OutboxDue` mark first) is built by the mail module's enrichers; the journal
 * stores it without reading it.
 */
export type JournalWrite =
  | { model: 'Message'; op: 'insert'; id: Types.ObjectId; doc: MessageDocument }
  /** A merge moves a message to the ticket it was merged into. */
  | { model: 'Message'; op: 'update'; id: Types.ObjectId; doc: { ticket: Types.ObjectId } }
  /** An erasure rewrites a message's text and author name (search indexes it again from the stored message). */
  | { model: 'Message'; op: 'update'; id: Types.ObjectId; doc: MessageRedaction }
  | { model: 'Escalation'; op: 'insert'; id: Types.ObjectId; doc: EscalationDocument }
  | { model: 'Escalation'; op: 'update'; id: Types.ObjectId; doc: EscalationClosing }
  | { model: 'Attachment'; op: 'update'; id: Types.ObjectId; doc: { ticket: Types.ObjectId; message?: Types.ObjectId } }
  | { model: 'Outbox' | 'OutboxDue'; op: 'insert'; id: Types.ObjectId; doc: Record<string, unknown> }
  /** A held reply mail sent inside the resolution mail instead (`replacedBy`), or a held resolution mail undone by a reopening (null; mail/held-replies.ts). */
  | { model: 'Outbox'; op: 'update'; id: Types.ObjectId; doc: { status: 'cancelled'; replacedBy: Types.ObjectId | null; updatedAt: Date } };

interface EventBase {
  /** `<ticket id>:<seq, 8 digits>`: the unique point that serializes commands on one ticket. */
  _id: string;
  ticket: Types.ObjectId;
  seq: number;
  actor: { kind: 'staff' | 'member' | 'system'; staff: Types.ObjectId | null; member: Types.ObjectId | null; name: string };
  at: Date;
  from: Placement | null;
  to: Placement;
  reason: string | null;
  note: string | null;
  /** The ticket fields this event sets, and the other writes it makes: enough to replay it. */
  patch: Record<string, unknown>;
  /**
   * Where the event in brief goes in the ticket's `trail` (its length before), for tickets that keep
   * one: applying sets that one element, so the event does not carry the whole trail (events written
   * before this field carry it in `patch.trail`).
   */
  trailIndex?: number;
  writes: JournalWrite[];
  pending?: boolean;
}

/** One journal event: `type` says which `data` it has. `TicketEvent<'escalated'>` is one kind. */
export type TicketEvent<K extends EventType = EventType> = { [T in K]: EventBase & { type: T; data: EventData[T] } }[K];

/** An event as the schema stores it (the union above, seen by Mongoose as one shape). */
type StoredEvent = EventBase & { type: EventType; data: Record<string, unknown> };

const placementSchema = new Schema(
  {
    tier: Number,
    team: { type: Schema.Types.ObjectId, ref: 'Team' },
    office: { type: Schema.Types.ObjectId, ref: 'Office' },
    assignee: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    status: String,
  },
  { _id: false },
);

/** Append-only audit and journal: who, when, what, from → to, why. */
const ticketEventSchema = new Schema<StoredEvent>(
  {
    _id: { type: String, required: true },
    ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
    seq: { type: Number, required: true },
    type: { type: String, enum: eventTypes, required: true },
    actor: {
      kind: { type: String, enum: ['staff', 'member', 'system'], required: true },
      staff: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
      member: { type: Schema.Types.ObjectId, ref: 'Member', default: null },
      name: { type: String, required: true },
    },
    at: { type: Date, required: true },
    from: { type: placementSchema, default: null },
    to: { type: placementSchema, required: true },
    reason: { type: String, default: null },
    note: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: {} },
    patch: { type: Schema.Types.Mixed, default: {} },
    trailIndex: { type: Number },
    writes: { type: Schema.Types.Mixed, default: () => [] },
    /** Set on a creation event until its ticket is written (see recoverCreation in ticket.create.ts). */
    pending: { type: Boolean },
  },
  { minimize: false, versionKey: false },
);
ticketEventSchema.index({ ticket: 1, seq: 1 }, { unique: true });
// Reports and the forecast's history: events of some types in a period.
ticketEventSchema.index({ type: 1, at: 1 });
// Sparse on MongoDB (only pending creations are indexed); FerretDB ignores `sparse`.
ticketEventSchema.index({ pending: 1 }, { sparse: true });

export function eventId(ticket: Types.ObjectId | string, seq: number): string {
  return `${String(ticket)}:${String(seq).padStart(8, '0')}`;
}

export const TicketEventModel = model<StoredEvent>('TicketEvent', ticketEventSchema);
