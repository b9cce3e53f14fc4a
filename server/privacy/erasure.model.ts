/**
 * `member_erasures`: the record of each erasure, and its progress. `_id` is the member's id, so a
 * member is erased once: the insert is the intent (and the lease: a second administrator, a second
 * instance or the retention job finds it), the steps are noted as they finish, `finishedAt` says done.
 * An erasure that stopped half-way (`finishedAt: null`) is resumed at start (member-erasure.ts).
 *
 * It keeps no personal data: the member's id, the pseudonym, who asked and why, and counts.
 */
import { Schema, model } from 'mongoose';

export const erasureSources = ['administrator', 'retention'] as const;

export interface ErasureCounts {
  tickets: number;
  messages: number;
  files: number;
  mails: number;
}

export interface MemberErasure {
  _id: string;
  pseudonym: string;
  startedAt: Date;
  finishedAt: Date | null;
  by: { staff: string | null; name: string };
  source: (typeof erasureSources)[number];
  /** The administrator's reason, or the retention report's id and rule. */
  reason: string;
  /** Tickets already redacted (their ids: no personal data), so a resumed erasure skips them. */
  ticketsDone: string[];
  counts: ErasureCounts;
  /** The steps after the tickets, in order, as they finish. */
  steps: string[];
  ip: string;
}

const erasureSchema = new Schema<MemberErasure>(
  {
    _id: { type: String, required: true },
    pseudonym: { type: String, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    by: { staff: { type: String, default: null }, name: { type: String, required: true } },
    source: { type: String, enum: erasureSources, required: true },
    reason: { type: String, required: true, maxlength: 1000 },
    ticketsDone: { type: [String], default: [] },
    counts: {
      tickets: { type: Number, default: 0 },
      messages: { type: Number, default: 0 },
      files: { type: Number, default: 0 },
      mails: { type: Number, default: 0 },
    },
    steps: { type: [String], default: [] },
    ip: { type: String, default: '' },
  },
  { collection: 'member_erasures', versionKey: false },
);
// Erasures that stopped half-way, resumed at start; and the latest erasures on the members page.
erasureSchema.index({ finishedAt: 1 });
erasureSchema.index({ startedAt: -1 });

export const MemberErasureModel = model<MemberErasure>('MemberErasure', erasureSchema);
