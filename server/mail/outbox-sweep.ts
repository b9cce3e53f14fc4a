/**
 * The outbox's safety net: a queued message the worker does not know of. The worker finds due mail
 * by its `outbox_due` mark (a read by `_id`: mail.models.ts), so a message queued without its mark is
 * never sent. A version before the ticket journal dated its marks could lose one (its orphan sweep
 * took a mark written before its message for an orphan); any other such gap is closed the same way.
 */
import { Outbox, OutboxDueModel, markOutboxDue } from './mail.models.js';

/** A message queued this recently may be between its insert and its mark (`enqueueMail`): left alone. */
const SETTLING_MS = 10 * 60_000;

/**
 * Marks again every message queued for over ten minutes that has no due mark, and returns how many.
 * Reads the queued mail (the `{ status, nextAttemptAt }` index on MongoDB; the whole outbox on the
 * embedded engine, which is why housekeeping runs it once a day), then each one's mark by `_id`.
 */
export async function remarkUnsentMail(now: Date = new Date()): Promise<number> {
  let marked = 0;
  for await (const mail of Outbox.find({ status: 'queued' }, { _id: 1, nextAttemptAt: 1 }).lean().cursor()) {
    if (now.getTime() - mail._id.getTimestamp().getTime() < SETTLING_MS) continue;
    if (await OutboxDueModel.collection.findOne({ _id: mail._id }, { projection: { _id: 1 } })) continue;
    await markOutboxDue(mail._id, now);
    marked += 1;
  }
  return marked;
}
