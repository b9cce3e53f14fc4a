/**
 * Small per-job state of housekeeping, read and written by `_id` only: where the attachment files
 * walk stopped (`attachment-files`), and when a job that runs less often than every pass last ran
 * (`job:<name>`).
 */
import { Schema, model } from 'mongoose';

interface HousekeepingState {
  _id: string;
  after?: string;
  at?: Date;
}

const stateSchema = new Schema<HousekeepingState>(
  { _id: { type: String, required: true }, after: { type: String }, at: { type: Date } },
  { collection: 'housekeeping_state', versionKey: false },
);
export const HousekeepingStateModel = model<HousekeepingState>('HousekeepingState', stateSchema);
