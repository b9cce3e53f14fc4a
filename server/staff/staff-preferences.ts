/**
 * A staff member's own display preferences, stored on their record (`preferences`), read and written
 * by `_id` only. Today: the queue's columns.
 */
import type { Types } from 'mongoose';
import { StaffModel } from './staff.model.js';
import { defaultQueueColumns, queueColumns, requiredQueueColumns, type QueueColumn } from './staff-preferences.vocabulary.js';

export interface StaffPreferences {
  queueColumns: QueueColumn[];
}

/** Known columns only, each once, in the table's order, the required ones added. */
export function normalizeQueueColumns(chosen: readonly string[] | null | undefined): QueueColumn[] {
  const wanted = new Set([...(chosen?.length ? chosen : defaultQueueColumns), ...requiredQueueColumns]);
  return queueColumns.filter((c) => wanted.has(c));
}

/** The person's preferences (defaults for what they never chose). */
export async function staffPreferences(staffId: Types.ObjectId | string): Promise<StaffPreferences> {
  const person = await StaffModel.findById(staffId, { preferences: 1 }).lean();
  return { queueColumns: normalizeQueueColumns(person?.preferences?.queueColumns) };
}

/** Sets the person's own queue columns (normalized: a repeated or required column is stored once). */
export async function setQueueColumns(staffId: Types.ObjectId | string, columns: readonly QueueColumn[]): Promise<StaffPreferences> {
  const queue = normalizeQueueColumns(columns);
  await StaffModel.updateOne({ _id: staffId }, { $set: { 'preferences.queueColumns': queue } });
  return { queueColumns: queue };
}
