/** The help form's submissions: a form token fixes its ticket id once (form-submission.model.ts). */
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { FormSubmissionModel, type FormSubmission } from './form-submission.model.js';
import { TicketModel } from './ticket.model.js';

/**
 * The ticket id of a form token: fixed by the first submission (true), or the one a previous
 * submission of the same form fixed (false). The token's unique `_id` serializes double submits.
 */
export async function ticketForFormToken(token: string, candidate: Types.ObjectId): Promise<{ ticket: Types.ObjectId; first: boolean }> {
  try {
    await FormSubmissionModel.collection.insertOne({ _id: token as never, ticket: candidate, createdAt: new Date() });
    return { ticket: candidate, first: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const earlier = await FormSubmissionModel.findById(token).lean<FormSubmission>();
    if (!earlier) throw error;
    return { ticket: earlier.ticket, first: false };
  }
}

/** The ticket a submitted form made, by its token (null when unknown or not yet written). */
export async function ticketOfFormToken(token: string): Promise<{ _id: Types.ObjectId; number: string; subject: string; member: Types.ObjectId } | null> {
  const submission = await FormSubmissionModel.findById(token).lean<FormSubmission>();
  if (!submission) return null;
  return TicketModel.findById(submission.ticket, { number: 1, subject: 1, member: 1 }).lean<{
    _id: Types.ObjectId;
    number: string;
    subject: string;
    member: Types.ObjectId;
  }>();
}
