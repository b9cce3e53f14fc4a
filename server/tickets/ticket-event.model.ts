import { Schema, model, type Types } from 'mongoose';

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
  /** An SLA warning or breach fired by the scheduler (server/sla/scheduler.ts). */
  'sla_alert',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface Placement {
  tier: number;
  team: Types.ObjectId;
  office: Types.ObjectId;
  assignee: Types.ObjectId | null;
  status: string;
}

/** A write to replay with its event if the process stopped half-way (see ticket.journal.ts). */
export interface JournalWrite {
  /** A registered Mongoose model name; `Outbox` is mail reporting the change, `Attachment` links uploaded files. */
  model: 'Message' | 'Escalation' | 'Outbox' | 'Attachment';
  op: 'insert' | 'update';
  id: Types.ObjectId;
  doc: Record<string, unknown>;
}

export interface TicketEvent {
  /** `<ticket id>:<seq, 8 digits>`: the unique point that serializes commands on one ticket. */
  _id: string;
  ticket: Types.ObjectId;
  seq: number;
  type: EventType;
  actor: { kind: 'staff' | 'member' | 'system'; staff: Types.ObjectId | null; member: Types.ObjectId | null; name: string };
  at: Date;
  from: Placement | null;
  to: Placement;
  reason: string | null;
  note: string | null;
  /** Free-form facts for the history line, e.g. `{ priority: ['normal', 'high'] }`. */
  data: Record<string, unknown>;
  /** The ticket fields this event sets, and the other writes it makes: enough to replay it. */
  patch: Record<string, unknown>;
  writes: JournalWrite[];
  pending?: boolean;
}

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
const ticketEventSchema = new Schema<TicketEvent>(
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

export const TicketEventModel = model<TicketEvent>('TicketEvent', ticketEventSchema);
