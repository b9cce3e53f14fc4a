/**
 * The help form's submissions: a form token fixes its ticket id once (form-submission.model.ts), and
 * the same words from the same address, sent again soon by another form (the browser's Back button
 * brings the filled form back with a new token, a second tab), find the request they made.
 */
import { createHash } from 'node:crypto';
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

/** How long the same words from the same address count as the same request sent again. */
export const resendWindowMs = 30 * 60_000;

/** The key of a submission's words (`content:` and a digest: no personal text is stored). */
export function contentKey(email: string, subject: string, message: string): string {
  const words = [email.trim().toLowerCase(), subject.trim(), message.replace(/\s+/g, ' ').trim()].join('\n');
  return `content:${createHash('sha256').update(words).digest('base64url')}`;
}

/** The ticket the same words made less than `resendWindowMs` ago, if any (one read by `_id`). */
export async function recentTicketOfContent(key: string, now = new Date()): Promise<Types.ObjectId | null> {
  const earlier = await FormSubmissionModel.findById(key).lean<FormSubmission>();
  return earlier && now.getTime() - earlier.createdAt.getTime() < resendWindowMs ? earlier.ticket : null;
}

/** Remembers which ticket these words made (the latest one, for the next `resendWindowMs`). */
export async function rememberContent(key: string, ticket: Types.ObjectId, now = new Date()): Promise<void> {
  await FormSubmissionModel.collection.updateOne({ _id: key as never }, { $set: { ticket, createdAt: now } }, { upsert: true });
}
