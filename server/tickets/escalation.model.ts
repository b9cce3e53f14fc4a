import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tiers } from '../teams/team.model.js';

export const escalationOutcomes = ['pending', 'accepted', 'returned', 'reassigned'] as const;

/**
 * Escalation is a record, not a field change: from/to tier and team, the reason
 * code, the handoff note (what was tried, what is needed), who accepted it and when,
 * and whether it bounced back.
 */
const escalationSchema = new Schema({
  ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
  fromTier: { type: Number, enum: tiers, required: true },
  fromTeam: { type: Schema.Types.ObjectId, ref: 'Team', required: true },
  toTier: { type: Number, enum: tiers, required: true },
  toTeam: { type: Schema.Types.ObjectId, ref: 'Team', required: true },
  reason: { type: String, required: true },
  handoff: { type: String, required: true, maxlength: 10_000 },
  by: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
  at: { type: Date, required: true },
  acceptedBy: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
  acceptedAt: { type: Date, default: null },
  outcome: { type: String, enum: escalationOutcomes, required: true, default: 'pending' },
  /** Set when the ticket was sent back down (a bounce-back) or moved by a supervisor. */
  closedBy: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
  closedAt: { type: Date, default: null },
  closingNote: { type: String, default: null },
});
escalationSchema.index({ ticket: 1, at: 1 });
escalationSchema.index({ outcome: 1, toTier: 1 });

export type Escalation = InferSchemaType<typeof escalationSchema> & { _id: Types.ObjectId };
export const EscalationModel = model('Escalation', escalationSchema);
