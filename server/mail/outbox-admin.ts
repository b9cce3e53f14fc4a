/**
 * What administrators do with outgoing mail: see how much is waiting, what gave up, and send a
 * failed message again. `assertMayAdministerMail` is the one rule (administrators only) that the
 * staff page and the API route both apply.
 */
import type { Types } from 'mongoose';
import { hasRole, type StaffActor } from '../auth/actor.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { Outbox, markOutboxDue, type OutboxMail } from './mail.models.js';
import { findOutboxMail, queuedMail } from './outbox.js';

/** Whether this person may see caught and failed mail and send failed mail again. */
export function mayAdministerMail(actor: StaffActor): boolean {
  return hasRole(actor, 'administrator');
}

/** Throws 403 unless the person is an administrator. */
export function assertMayAdministerMail(actor: StaffActor): void {
  if (!mayAdministerMail(actor)) throw new ForbiddenError('Only administrators manage outgoing mail.');
}

/** How many messages wait in the outbox (due now or later). */
export async function countQueuedMail(): Promise<number> {
  return (await queuedMail()).length;
}

const objectIdPattern = /^[0-9a-f]{24}$/i;

/**
 * Puts a failed message back in the queue, due at `now`: the worker makes the next attempt
 * (attempt `attempts + 1`, with its own lease) and, if that fails too, follows the usual backoff
 * up to the maximum — past the maximum, one more attempt only. `attempts` and `lastError` are
 * kept, so the history of what went wrong stays readable. Absolute values by `_id`: two
 * administrators clicking at once agree. 404 for an unknown id, 409 unless the message failed.
 */
export async function retryFailedMail(id: Types.ObjectId | string, now: Date = new Date()): Promise<OutboxMail> {
  if (typeof id === 'string' && !objectIdPattern.test(id)) throw new NotFoundError('There is no outgoing message with this id.');
  const mail = await findOutboxMail(id);
  if (!mail) throw new NotFoundError('There is no outgoing message with this id.');
  if (mail.status !== 'failed') {
    throw new ConflictError(mail.status === 'queued' ? 'This message is already waiting to be sent.' : 'This message has already been sent.', {
      outbox: presentOutboxMail(mail),
    });
  }
  await markOutboxDue(mail._id, now);
  await Outbox.updateOne({ _id: mail._id }, { $set: { status: 'queued', nextAttemptAt: now, updatedAt: now } });
  // A worker pass between the two writes saw a failed message and removed its mark: mark it again.
  await markOutboxDue(mail._id, now);
  return { ...mail, status: 'queued', nextAttemptAt: now, updatedAt: now };
}

export interface OutboxMailView {
  id: string;
  template: string;
  locale: string;
  to: string[];
  subject: string;
  status: OutboxMail['status'];
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An outbox message as the API shows it (no body, no headers). */
export function presentOutboxMail(mail: OutboxMail): OutboxMailView {
  return {
    id: String(mail._id),
    template: mail.template,
    locale: mail.locale,
    to: [...mail.to],
    subject: mail.subject,
    status: mail.status,
    attempts: mail.attempts,
    lastError: mail.lastError,
    nextAttemptAt: mail.nextAttemptAt.toISOString(),
    sentAt: mail.sentAt ? mail.sentAt.toISOString() : null,
    createdAt: mail.createdAt.toISOString(),
    updatedAt: mail.updatedAt.toISOString(),
  };
}
