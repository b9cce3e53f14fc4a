/**
 * `staff_totp_uses`: each TOTP time step, recovery code and second-step token accepted once per
 * person (`_id` `<staff>:<step>`, `<staff>:rc:<hash>`, `<staff>:ss:<token id>`). A code seen within
 * its window is refused the second time; the unique `_id` is the lock across instances (FerretDB
 * has no atomic conditional update).
 */
import { Schema, model, type Types } from 'mongoose';

export interface TotpUse {
  _id: string;
  staff: Types.ObjectId;
  at: Date;
}

const totpUseSchema = new Schema<TotpUse>(
  {
    _id: { type: String, required: true },
    staff: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'staff_totp_uses', versionKey: false },
);
// Housekeeping deletes TOTP steps and second-step tokens past their window by `at` (recovery codes stay used on the person).
totpUseSchema.index({ at: 1 });
export const TotpUseModel = model<TotpUse>('StaffTotpUse', totpUseSchema);
