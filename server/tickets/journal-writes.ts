/**
 * The documents an event writes beside the ticket (its `writes`), built typed: `JournalWrite` is a
 * union, and a reader that finds a `Message` insert knows its fields. `applyWrites` applies them,
 * idempotently, with the event and again on a replay.
 */
import mongoose, { Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { EscalationModel } from './escalation.model.js';
import { MessageModel } from './message.model.js';
import { rememberEmailMessageId } from './ticket.keys.js';
import type { EscalationClosing, EscalationDocument, JournalWrite, MessageDocument } from './ticket-event.model.js';

/** A thread message inserted by an event. */
export function messageWrite(id: Types.ObjectId, doc: MessageDocument): JournalWrite {
  return { model: 'Message', op: 'insert', id, doc };
}

/** An escalation record inserted by an event. */
export function escalationWrite(id: Types.ObjectId, doc: EscalationDocument): JournalWrite {
  return { model: 'Escalation', op: 'insert', id, doc };
}

/** A pending escalation accepted, sent back or moved by an event. */
export function escalationUpdate(id: Types.ObjectId, set: EscalationClosing): JournalWrite {
  return { model: 'Escalation', op: 'update', id, doc: set };
}

/** An uploaded file linked to the message an event inserts. */
export function attachmentLink(id: Types.ObjectId, ticket: Types.ObjectId, message: Types.ObjectId): JournalWrite {
  return { model: 'Attachment', op: 'update', id, doc: { ticket, message } };
}

function collectionOf(write: JournalWrite) {
  return write.model === 'Message'
    ? MessageModel.collection
    : write.model === 'Escalation'
      ? EscalationModel.collection
      : mongoose.model(write.model).collection;
}

/** The document an insert writes, after the key a message's mail needs. */
async function insertedDocument(write: Extract<JournalWrite, { op: 'insert' }>): Promise<Record<string, unknown>> {
  // A mail's Message-ID is keyed before its message, so a reply naming it always finds the ticket.
  if (write.model === 'Message' && write.doc.emailMessageId) await rememberEmailMessageId(write.doc.emailMessageId, write.doc.ticket);
  // A replay dates the mark too: a pass that meets it before its message is stored keeps it
  // (mail/outbox.ts `spentMark`), however old the event.
  const fields = write.model === 'OutboxDue' ? { ...write.doc, at: new Date() } : write.doc;
  return { ...fields, _id: new Types.ObjectId(String(write.id)) };
}

/** Applies one write; an insert already written (a replay after a crash) is fine. */
export async function applyWrite(write: JournalWrite): Promise<void> {
  const collection = collectionOf(write);
  if (write.op !== 'insert') {
    await collection.updateOne({ _id: new Types.ObjectId(String(write.id)) }, { $set: write.doc });
    return;
  }
  try {
    await collection.insertOne(await insertedDocument(write));
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/**
 * Applies an event's writes in their order, except that a run of inserts goes to the database as one
 * `insertMany` per collection, in the order each collection first appears in the run: an escalation
 * telling a team of twenty writes each mail's due mark and the mail itself, 40 documents that are now
 * 2 commands (on the embedded database each command is a transaction of its own). Every due mark is
 * still written before its mail; updates keep their place.
 */
export async function applyWrites(writes: readonly JournalWrite[]): Promise<void> {
  let run: Extract<JournalWrite, { op: 'insert' }>[] = [];
  const flush = async () => {
    const byModel = new Map<string, Extract<JournalWrite, { op: 'insert' }>[]>();
    for (const write of run) {
      const group = byModel.get(write.model);
      if (group) group.push(write);
      else byModel.set(write.model, [write]);
    }
    run = [];
    for (const group of byModel.values()) {
      if (group.length === 1) {
        await applyWrite(group[0]!);
        continue;
      }
      const docs = [];
      for (const write of group) docs.push(await insertedDocument(write));
      try {
        await collectionOf(group[0]!).insertMany(docs, { ordered: false });
      } catch (error) {
        // Unordered: every document not written yet was written; those a crash left already are fine.
        const failures = (error as { writeErrors?: unknown }).writeErrors;
        const list = Array.isArray(failures) ? failures : failures ? [failures] : [];
        if (list.length === 0 || !list.every(isDuplicateKeyError)) throw error;
      }
    }
  };
  for (const write of writes) {
    if (write.op === 'insert') {
      run.push(write);
      continue;
    }
    await flush();
    await applyWrite(write);
  }
  await flush();
}
