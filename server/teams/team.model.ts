import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

import { tiers } from '../lib/ticket.vocabulary.js';
import { labelsField } from '../lib/labels.js';

export { tiers, type Tier } from '../lib/ticket.vocabulary.js';
import { assignmentModes } from '../lib/ticket.vocabulary.js';

export { assignmentModes };

const teamSchema = new Schema(
  {
    code: { type: String, required: true, unique: true, lowercase: true, trim: true, match: /^[a-z0-9-]{2,60}$/ },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** The name in each language, where it differs (pages fall back to `name`). */
    labels: labelsField,
    /** 1: general advisors; 2: support team; 3: administrative team. */
    tier: { type: Number, required: true, enum: tiers },
    /** The office a tier-1 team serves; null for the global tier-2 and tier-3 teams. */
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    assignmentMode: { type: String, enum: assignmentModes, default: 'manual' },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
teamSchema.index({ tier: 1, office: 1 });

export type Team = InferSchemaType<typeof teamSchema>;
export type TeamDoc = HydratedDocument<Team>;
export const TeamModel = model('Team', teamSchema);
