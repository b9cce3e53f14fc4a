import { Schema, model, type InferSchemaType, type HydratedDocument, type Types } from 'mongoose';
import { channels, priorities, ticketLanguages, ticketStatuses, tiers } from '../lib/ticket.vocabulary.js';
import type { TicketSla } from './ticket-sla.js';
import type { RoutingFacts } from '../routing/routing-facts.js';
import type { Channel, Priority, TicketStatus } from '../lib/ticket.vocabulary.js';

export { channels, priorities, ticketStatuses, type Channel, type Priority, type TicketStatus } from '../lib/ticket.vocabulary.js';

export const NO_DUE_DATE = new Date('9999-12-31T00:00:00.000Z');

const ticketSchema = new Schema(
  {
    /** Human number `R-2026-000123`, unique: allocated by insert-and-retry on this index. */
    number: { type: String, required: true, unique: true },
    subject: { type: String, required: true, trim: true, maxlength: 200 },
    status: { type: String, enum: ticketStatuses, required: true, default: 'new' },
    priority: { type: String, enum: priorities, required: true, default: 'normal' },
    category: { type: String, default: null },
    language: { type: String, enum: ticketLanguages, required: true, default: 'fr' },
    channel: { type: String, enum: channels, required: true },
    member: { type: Schema.Types.ObjectId, ref: 'Member', required: true },
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    tier: { type: Number, enum: tiers, required: true, default: 1 },
    team: { type: Schema.Types.ObjectId, ref: 'Team', required: true },
    assignee: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    /** The open escalation into the current tier, if any (accepted when someone claims it). */
    escalation: { type: Schema.Types.ObjectId, ref: 'Escalation', default: null },
    /** Every escalation record of the ticket, oldest first: read by `_id` (the board, the trail, returns). */
    escalations: { type: [{ type: Schema.Types.ObjectId, ref: 'Escalation' }], default: [] },
    /** Each event in brief (ticket.journal.ts, `trailEntry`): what reports and the forecast read, without the events. */
    trail: { type: [Schema.Types.Mixed], default: undefined },
    /** Why the ticket landed where it did on arrival. */
    routing: {
      rule: { type: String, required: true },
      explanation: { type: String, required: true },
      /** The same, as facts (routing.service.ts `RoutingFacts`): pages say it in the reader's language. Absent on older tickets. */
      facts: { type: Schema.Types.Mixed, default: undefined },
    },
    /** Sequence number of the last event applied: the version clients send back. */
    version: { type: Number, required: true, default: 1 },
    messageCount: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    lastMemberMessageAt: { type: Date, default: null },
    firstResponseAt: { type: Date, default: null },
    /**
     * Earliest upcoming deadline; the queue sorts on it (set by the SLA engine).
     * "No deadline" is stored as NO_DUE_DATE rather than null so that it sorts last
     * and keyset pagination can compare it; presenters show it as null.
     */
    dueAt: { type: Date, required: true, default: () => NO_DUE_DATE },
    /** Deadlines, explanations and the next alert (server/tickets/ticket-sla.ts), recomputed in every journal patch. */
    sla: { type: Schema.Types.Mixed, default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    /** Staff who worked on it (held, answered, noted, escalated, returned…), kept by the journal: they may follow it (read only). */
    workers: { type: [{ type: Schema.Types.ObjectId, ref: 'Staff' }], default: undefined },
    /** The member's office when the ticket was filed (the ticket's own office may differ): its advisors may follow it. */
    memberOffice: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    /** Sent back by a higher tier to the person who escalated it, until they act on it: their queue flags it. */
    returned: {
      type: new Schema(
        { to: { type: Schema.Types.ObjectId, required: true }, by: { type: String, required: true }, at: { type: Date, required: true } },
        { _id: false },
      ),
      default: null,
    },
    /**
     * Who escalated it to the tier it is on, and why (the receiving queue says so); null once back on
     * tier 1. A supervisor who moved it to another tier is the one named (`reassigned`, their reason as `note`).
     */
    escalated: {
      type: new Schema(
        {
          by: { type: String, required: true },
          reason: { type: String, required: true },
          at: { type: Date, required: true },
          reassigned: { type: Boolean, default: undefined },
          note: { type: String, default: undefined },
        },
        { _id: false },
      ),
      default: null,
    },
    /**
     * Staff of another office filed this ticket for an existing member (ticket.create.ts): the member's
     * details are shown only to staff of the member's office; others see the name and address typed.
     */
    withheldMember: {
      type: new Schema({ name: { type: String, required: true }, email: { type: String, required: true } }, { _id: false }),
      default: undefined,
    },
    /** Merged into another ticket (ticket.merge.ts): closed, its thread moved there; the page links to it. */
    merged: {
      type: new Schema({ into: { type: Schema.Types.ObjectId, required: true }, number: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    /** Duplicates merged into this ticket, oldest first: their history is shown with this one's. */
    mergedFrom: {
      type: [new Schema({ ticket: { type: Schema.Types.ObjectId, required: true }, number: { type: String, required: true } }, { _id: false })],
      default: undefined,
    },
    /** Related tickets (symmetric: each side lists the other, ticket.links.ts). */
    links: { type: [{ type: Schema.Types.ObjectId, ref: 'Ticket' }], default: undefined },
    /** Closed as spam (no acknowledgement was sent). */
    spam: { type: Boolean, default: undefined },
    /** The member's satisfaction rating (once), with where the ticket was when it was resolved. */
    rating: {
      type: new Schema(
        {
          score: { type: Number, min: 1, max: 5, required: true },
          comment: { type: String, maxlength: 2000, default: null },
          at: { type: Date, required: true },
          tier: { type: Number, required: true },
          team: { type: Schema.Types.ObjectId, ref: 'Team', required: true },
          office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
          resolvedBy: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { timestamps: true, optimisticConcurrency: false },
);
// Queue queries: top-level equality, then due date and age (see docs/FERRETDB.md, "Performance").
ticketSchema.index({ tier: 1, team: 1, status: 1, dueAt: 1, createdAt: 1 });
ticketSchema.index({ tier: 1, office: 1, status: 1 });
ticketSchema.index({ assignee: 1, status: 1 });
ticketSchema.index({ member: 1, createdAt: -1 });
// "Tickets I handed on" among closed history (the working set answers for open work).
ticketSchema.index({ workers: 1, status: 1 });
// Reports and the forecast's history: tickets created in a period.
ticketSchema.index({ createdAt: 1 });
// The SLA timers: tickets with an alert due soon (server/sla/scheduler.ts).
ticketSchema.index({ 'sla.nextAlertAt': 1 });

/** A ticket as stored (lean). Written out rather than inferred so every field's null-ness is exact. */
export interface Ticket {
  _id: Types.ObjectId;
  number: string;
  subject: string;
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  language: 'fr' | 'nl' | 'en' | 'de';
  channel: Channel;
  member: Types.ObjectId;
  office: Types.ObjectId;
  tier: 1 | 2 | 3;
  team: Types.ObjectId;
  assignee: Types.ObjectId | null;
  escalation: Types.ObjectId | null;
  /** Absent on tickets written before it existed: readers then find the records through the events. */
  escalations?: Types.ObjectId[];
  /** Each event in brief, in order; absent on tickets written before it existed (readers use the events). */
  trail?: TrailEntry[];
  routing: { rule: string; explanation: string; facts?: RoutingFacts };
  version: number;
  messageCount: number;
  lastMessageAt: Date | null;
  lastMemberMessageAt: Date | null;
  firstResponseAt: Date | null;
  dueAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  createdBy: Types.ObjectId | null;
  /** Staff who worked on it (ticket.workers.ts); absent on tickets written before it existed. */
  workers?: Types.ObjectId[];
  /** The member's office when it was filed; absent or null when unknown. */
  memberOffice?: Types.ObjectId | null;
  /** Returned to the person who escalated it, until they act on it (`by`: who sent it back, by name). */
  returned?: { to: Types.ObjectId; by: string; at: Date } | null;
  /**
   * Escalated to its tier by `by` (a name) with the reason code `reason`; absent on tickets escalated
   * before it existed. Moved there by a supervisor: `reassigned`, with their reason as `note`.
   */
  escalated?: { by: string; reason: string; at: Date; reassigned?: boolean; note?: string } | null;
  /** Set only when staff of another office filed it for an existing member: what they typed (see the schema). */
  withheldMember?: { name: string; email: string } | null;
  rating?: TicketRating | null;
  merged?: { into: Types.ObjectId; number: string } | null;
  mergedFrom?: { ticket: Types.ObjectId; number: string }[];
  links?: Types.ObjectId[];
  spam?: boolean;
  /** null or absent: no SLA policy applies. */
  sla?: TicketSla | null;
  createdAt: Date;
  updatedAt: Date;
}
/** Where a ticket was, in an event's brief. */
export interface TrailPlace {
  tier: number;
  team: Types.ObjectId;
  office: Types.ObjectId;
  status: string;
}

/**
 * One event in brief: enough for reports and the forecast (ticket.journal.ts writes it with the event).
 * Every ticket read carries its trail, and on the embedded engine a read costs with the document's
 * size, so an entry keeps only what the entry before it does not say: where the ticket was before the
 * event is where the previous event left it (`trailFrom`), and null fields are left out. Entries
 * written before this carry `from` and the null fields, and read the same.
 */
export interface TrailEntry {
  seq: number;
  type: string;
  at: Date;
  /** Only on entries written before it was left out: read it with `trailFrom`. */
  from?: TrailPlace | null;
  to: TrailPlace;
  /** The staff member who acted, if any. */
  staff?: Types.ObjectId | null;
  /** `returned` events: the escalation sent back. */
  escalation?: Types.ObjectId | null;
}

/** Where the ticket was before the `i`-th entry of its trail: the previous entry's place (none before the first). */
export function trailFrom(trail: readonly TrailEntry[], i: number): TrailPlace | null {
  const entry = trail[i];
  if (entry?.from !== undefined) return entry.from;
  return i > 0 ? (trail[i - 1]?.to ?? null) : null;
}

export interface TicketRating {
  score: number;
  comment: string | null;
  at: Date;
  tier: number;
  team: Types.ObjectId;
  office: Types.ObjectId;
  resolvedBy: Types.ObjectId | null;
}

export type TicketSchemaType = InferSchemaType<typeof ticketSchema>;
export type TicketDoc = HydratedDocument<TicketSchemaType>;
export const TicketModel = model('Ticket', ticketSchema);
