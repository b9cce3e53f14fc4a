/**
 * The administration's audit trail: one entry per change an administrator (or a person to their own
 * account) makes — who, when, what, and the record before and after. Entries are only ever inserted;
 * nothing in Relais updates or deletes them (retention is the organisation's decision, not a job's).
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** Who made the change: a staff id, or null for Relais itself (a scheduled job). */
    actor: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    /** The actor's name at the time, so the trail reads the same after the person is renamed or removed. */
    actorName: { type: String, required: true, maxlength: 200 },
    /** Dotted verb, e.g. `staff.invite`, `category.update`, `calendar.closure.add`, `member.erase`. */
    action: { type: String, required: true, maxlength: 80 },
    /** What was changed: its kind (`staff`, `category`, `calendar`…), id and a label a person recognises. */
    target: {
      kind: { type: String, required: true, maxlength: 40 },
      id: { type: String, required: true, maxlength: 80 },
      label: { type: String, default: '', maxlength: 300 },
    },
    /** The changed fields before and after (secrets never included: callers pass presented records). */
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    ip: { type: String, default: '', maxlength: 64 },
  },
  { collection: 'audit_entries', versionKey: false },
);
// The audit page lists the latest first, optionally for one kind of record or one record.
auditSchema.index({ at: -1 });
auditSchema.index({ 'target.kind': 1, at: -1 });
auditSchema.index({ 'target.id': 1, at: -1 });
auditSchema.index({ actor: 1, at: -1 });

export type AuditEntry = InferSchemaType<typeof auditSchema> & { _id: Types.ObjectId };
export const AuditEntryModel = model('AuditEntry', auditSchema);
