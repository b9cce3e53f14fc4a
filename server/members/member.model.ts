import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

const memberSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Lower-cased, unique: the member's identity for web form, email and magic links. */
    email: { type: String, required: true, unique: true, lowercase: true, trim: true, maxlength: 254 },
    memberNumber: { type: String, trim: true, maxlength: 40, default: null },
    language: { type: String, enum: ['fr', 'nl', 'en', 'de'], default: null },
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
  },
  { timestamps: true },
);

export type Member = InferSchemaType<typeof memberSchema>;
export type MemberDoc = HydratedDocument<Member>;
export const MemberModel = model('Member', memberSchema);
