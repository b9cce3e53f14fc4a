import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

export { officeModels as routingModels } from '../lib/ticket.vocabulary.js';
import { officeModels as routingModels } from '../lib/ticket.vocabulary.js';
import { labelsField } from '../lib/labels.js';

const officeSchema = new Schema(
  {
    /** Stable lower-case code used in URLs, routing rules and reports, e.g. `liege`. */
    code: { type: String, required: true, unique: true, lowercase: true, trim: true, match: /^[a-z0-9-]{2,40}$/ },
    name: { type: String, required: true, trim: true, maxlength: 80 },
    /** The place name in each language (Liège / Luik / Liège), where it differs; pages fall back to `name`. */
    labels: labelsField,
    /** Where tickets with no better match land. Exactly one office should have it. */
    isDefault: { type: Boolean, default: false },
    /** Tiered (1 → 2 → 3) or one polyvalent queue, so pilot offices can differ. */
    routingModel: { type: String, enum: routingModels, default: 'tiered' },
    timeZone: { type: String, default: 'Europe/Brussels' },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type Office = InferSchemaType<typeof officeSchema>;
export type OfficeDoc = HydratedDocument<Office>;
export const OfficeModel = model('Office', officeSchema);
