/**
 * The two collections behind "email me an unlock link" (see unlock.ts):
 *
 * - `staff_unlock_requests` (`_id` = the lower-cased address as typed): requests waiting for the
 *   worker (mail/staff-unlock-mail.ts), stored for any address before anyone looks it up, so the
 *   answer's time says nothing about whether the address is a staff member's. While one waits,
 *   another for the same address is the same request; the outbox id of its mail is fixed when it
 *   is stored, so two workers, or one restarted half-way, store that mail once.
 * - `staff_unlock_uses` (`_id` = the link's id): a link unlocks once. The unique `_id` is the
 *   serialization point (FerretDB has no atomic conditional update): of two instances following the
 *   same link at once, one inserts and the other gets a duplicate key.
 */
import { Schema, model, type Types } from 'mongoose';

export interface UnlockRequest {
  _id: string;
  /** The outbox id of the mail this request sends (if the address is an active staff member's). */
  mail: Types.ObjectId;
  /** The language of the page the request came from (used when the staff member has none). */
  locale: string;
  at: Date;
}

const unlockRequestSchema = new Schema<UnlockRequest>(
  {
    _id: { type: String, required: true },
    mail: { type: Schema.Types.ObjectId, required: true },
    locale: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'staff_unlock_requests', versionKey: false },
);
export const UnlockRequestModel = model<UnlockRequest>('StaffUnlockRequest', unlockRequestSchema);

export interface UnlockUse {
  _id: string;
  staff: Types.ObjectId;
  at: Date;
}

const unlockUseSchema = new Schema<UnlockUse>(
  {
    _id: { type: String, required: true },
    staff: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'staff_unlock_uses', versionKey: false },
);
// Housekeeping deletes the uses of links past their lifetime by `at`.
unlockUseSchema.index({ at: 1 });
export const UnlockUseModel = model<UnlockUse>('StaffUnlockUse', unlockUseSchema);
