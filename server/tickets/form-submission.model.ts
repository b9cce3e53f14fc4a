/**
 * One submitted help form, by its form token: the ticket id is fixed here before the ticket is
 * created, so the same form sent twice ends on the same ticket. `_id` is the token.
 */
import { Schema, model, type Types } from 'mongoose';

const formSubmissionSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticket: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'form_submissions', versionKey: false },
);

export interface FormSubmission {
  _id: string;
  ticket: Types.ObjectId;
  createdAt: Date;
}

export const FormSubmissionModel = model<FormSubmission>('FormSubmission', formSubmissionSchema);
