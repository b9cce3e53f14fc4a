import { Schema, model, type InferSchemaType } from 'mongoose';
import { channels } from '../lib/ticket.vocabulary.js';

/**
 * An arrival rule: when every given condition matches, the ticket goes to `team`
 * (a tier-1 team). Rules are tried in `order`; the first match wins, and its
 * description is stored on the ticket so "why is it here?" has an answer.
 */
const routingRuleSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    order: { type: Number, required: true },
    match: {
      category: { type: String, default: null },
      channel: { type: String, enum: [...channels, null], default: null },
      mailbox: { type: String, default: null },
      language: { type: String, default: null },
      office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    },
    team: { type: Schema.Types.ObjectId, ref: 'Team', required: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

// A team leaving tier 1 checks that no active rule sends tickets to it (routing-admin.ts).
routingRuleSchema.index({ team: 1 });

export type RoutingRule = InferSchemaType<typeof routingRuleSchema>;
export const RoutingRuleModel = model('RoutingRule', routingRuleSchema);
