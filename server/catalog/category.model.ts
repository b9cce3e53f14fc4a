import { Schema, model, type InferSchemaType } from 'mongoose';

const labelSchema = new Schema(
  { fr: { type: String, required: true }, nl: { type: String, required: true }, en: { type: String, required: true } },
  { _id: false },
);

const categorySchema = new Schema(
  {
    code: { type: String, required: true, unique: true, match: /^[a-z0-9_]{2,40}$/ },
    label: { type: labelSchema, required: true },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type Category = InferSchemaType<typeof categorySchema>;
export const CategoryModel = model('Category', categorySchema, 'categories');

const reasonCodeSchema = new Schema(
  {
    code: { type: String, required: true, unique: true, match: /^[a-z0-9_]{2,40}$/ },
    label: { type: labelSchema, required: true },
    /** Which moves offer this reason. */
    appliesTo: { type: [{ type: String, enum: ['escalate', 'return', 'reassign'] }], default: ['escalate'] },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type ReasonCode = InferSchemaType<typeof reasonCodeSchema>;
export const ReasonCodeModel = model('ReasonCode', reasonCodeSchema);
