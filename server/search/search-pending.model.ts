import { Schema, model } from 'mongoose';
import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from '../lib/errors.js';

/**
 * `search_pending`: one mark per journal event the search index has not taken yet, `_id` = the
 * event's id (`<ticket>:<seq>`). Written inside the commit, before the event (an enricher), and
 * removed once the index has it, so a change made while the search engine was down, or just
 * before a crash, is indexed at the next start. Usually empty: read whole at start.
 */
const searchPendingSchema = new Schema({ _id: { type: String, required: true } }, { collection: 'search_pending', versionKey: false });
export const SearchPendingModel = model<{ _id: string }>('SearchPending', searchPendingSchema);

/** The driver's collection, typed with string ids (Mongoose types `_id` as an ObjectId). */
const marks = (): Collection<{ _id: string }> => SearchPendingModel.collection as unknown as Collection<{ _id: string }>;

export async function markPending(id: string): Promise<void> {
  try {
    await marks().insertOne({ _id: id });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

export async function pendingMarks(): Promise<string[]> {
  return (
    await marks()
      .find({}, { projection: { _id: 1 } })
      .toArray()
  ).map((m) => m._id);
}

export async function clearMarks(ids: readonly string[]): Promise<void> {
  // One by `_id` each: the one delete FerretDB serves from an index.
  for (const id of ids) await marks().deleteOne({ _id: id });
}
