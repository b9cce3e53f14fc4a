import { Schema, model, type InferSchemaType, type HydratedDocument, type Types } from 'mongoose';
import { ticketLanguages } from '../lib/ticket.vocabulary.js';

const memberSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Lower-cased, unique: the member's identity for web form, email and magic links. */
    email: { type: String, required: true, unique: true, lowercase: true, trim: true, maxlength: 254 },
    memberNumber: { type: String, trim: true, maxlength: 40, default: null },
    language: { type: String, enum: ticketLanguages, default: null },
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    /** Member sessions carry it; "sign out of all my devices" increments it, ending every one of them. */
    sessionVersion: { type: Number, default: 0 },
    /**
     * The member's last ticket activity (a ticket filed, a reply, a rating), kept by privacy/activity.ts:
     * the retention job's one query (`lastActiveAt` before the cut-off) finds inactive members without
     * reading any ticket. Null on members not seen since it existed: their `createdAt` counts.
     */
    lastActiveAt: { type: Date, default: null },
    /** Set when the member's personal data was erased (privacy/member-erasure.ts): no session opens for them again. */
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// The retention job (privacy/retention.ts): members inactive since a date, a bounded batch a run.
memberSchema.index({ lastActiveAt: 1 });
memberSchema.index({ createdAt: 1 });

/**
 * Address → member keys (see member-lookup.ts, `findMemberByEmail`): `_id` is the lower-cased address,
 * so FerretDB answers a lookup by email with one read by `_id`.
 */
const memberEmailSchema = new Schema(
  { _id: { type: String, required: true }, member: { type: Schema.Types.ObjectId, ref: 'Member', required: true } },
  { collection: 'member_emails', versionKey: false },
);
export const MemberEmailModel = model<{ _id: string; member: Types.ObjectId }>('MemberEmail', memberEmailSchema);

/** Records address → member (idempotent). */
export async function rememberMemberEmail(email: string, member: Types.ObjectId): Promise<void> {
  try {
    await MemberEmailModel.collection.insertOne({ _id: email.trim().toLowerCase(), member } as never);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
}

/**
 * Member number → member keys (`member_numbers`, `_id` = the number, trimmed and upper-cased): staff
 * filing a ticket after a phone call find the member by number with one read by `_id`. The first
 * member saved with a number keeps it.
 */
const memberNumberSchema = new Schema(
  { _id: { type: String, required: true }, member: { type: Schema.Types.ObjectId, ref: 'Member', required: true } },
  { collection: 'member_numbers', versionKey: false },
);
export const MemberNumberModel = model<{ _id: string; member: Types.ObjectId }>('MemberNumber', memberNumberSchema);

export function normalizeMemberNumber(number: string): string {
  return number.trim().toUpperCase();
}

/** Records number → member (idempotent; an existing key keeps its member). */
export async function rememberMemberNumber(number: string, member: Types.ObjectId): Promise<void> {
  try {
    await MemberNumberModel.collection.insertOne({ _id: normalizeMemberNumber(number), member } as never);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
}

// Every saved member gets its keys.
memberSchema.post('save', async function () {
  await rememberMemberEmail(this.email, this._id);
  if (this.memberNumber) await rememberMemberNumber(this.memberNumber, this._id);
});

export type Member = InferSchemaType<typeof memberSchema>;
export type MemberDoc = HydratedDocument<Member>;
export const MemberModel = model('Member', memberSchema);
