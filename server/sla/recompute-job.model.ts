/**
 * One recompute of the open tickets' deadlines after an administrator changed a calendar or a policy
 * (recompute.ts): its progress, written by the instance running it, read by the page by `_id`.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const recomputeJobSchema = new Schema(
  {
    startedAt: { type: Date, required: true },
    /** Who asked (the administrator's name at the time). */
    by: { type: String, required: true, maxlength: 200 },
    cause: { type: String, enum: ['calendar', 'policy'], required: true },
    /** The calendar or policy that changed, for the trail of each ticket moved. */
    label: { type: String, required: true, maxlength: 200 },
    total: { type: Number, required: true },
    done: { type: Number, default: 0 },
    /** Tickets whose deadlines moved (each got an `sla_recomputed` event). */
    changed: { type: Number, default: 0 },
    /** Tickets that could not be recomputed (someone kept acting on them, an error): named in `problems`. */
    failed: { type: Number, default: 0 },
    problems: { type: [String], default: [] },
    /** Written with each batch: a running job not heard of for minutes died with its instance. */
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'sla_recompute_jobs', versionKey: false },
);
// The page shows the latest job.
recomputeJobSchema.index({ startedAt: -1 });

export type RecomputeJob = InferSchemaType<typeof recomputeJobSchema> & { _id: Types.ObjectId };
export const RecomputeJobModel = model('SlaRecomputeJob', recomputeJobSchema);
