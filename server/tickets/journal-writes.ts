/**
 * The documents an event writes beside the ticket (its `writes`), built typed: `JournalWrite` is a
 * union, and a reader that finds a `Message` insert knows its fields. `applyWrite` (ticket.journal.ts)
 * applies them, idempotently, with the event and again on a replay.
 */
import type { Types } from 'mongoose';
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
