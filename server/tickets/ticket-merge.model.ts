import { Schema, model, type Types } from 'mongoose';

/**
 * A merge in progress or done (ticket.merge.ts), `_id` the duplicate's id: a ticket is merged once,
 * and the unique `_id` makes two people merging the same duplicate at once collide. Written before
 * anything moves, so a merge a stop interrupted is finished at the next start (`resumeMerges`).
 */
const ticketMergeSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: { type: Schema.Types.ObjectId, required: true },
    target: { type: Schema.Types.ObjectId, required: true },
    /** Who merged: the events a resumed merge writes name them (the policy was checked when it started). */
    actor: { staff: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true }, email: { type: String, required: true } },
    note: { type: String, default: null },
    at: { type: Date, required: true },
    state: { type: String, enum: ['started', 'done'], required: true },
    doneAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'ticket_merges' },
);
// Start-up finishes the merges a stop interrupted.
ticketMergeSchema.index({ state: 1 });

export interface TicketMerge {
  _id: string;
  source: Types.ObjectId;
  target: Types.ObjectId;
  actor: { staff: Types.ObjectId; name: string; email: string };
  note: string | null;
  at: Date;
  state: 'started' | 'done';
  doneAt: Date | null;
}

export const TicketMergeModel = model('TicketMerge', ticketMergeSchema);
