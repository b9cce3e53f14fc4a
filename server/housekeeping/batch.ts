/**
 * Bounded deletes for housekeeping: at most `limit` documents a run, so a pass never takes long
 * (on the embedded FerretDB every non-`_id` filter reads the collection, so the filter is sent once
 * and the deletes go by `_id`). What is left goes in the next pass, ten minutes later.
 */
import type { mongo } from 'mongoose';

/** How many documents a job deletes at most per run. */
export const HOUSEKEEPING_BATCH = 500;

export async function deleteBatch(collection: mongo.Collection, filter: Record<string, unknown>, limit = HOUSEKEEPING_BATCH): Promise<number> {
  const found = await collection
    .find(filter, { projection: { _id: 1 } })
    .limit(limit)
    .toArray();
  if (found.length === 0) return 0;
  return (await collection.deleteMany({ _id: { $in: found.map((d) => d._id) } })).deletedCount;
}
