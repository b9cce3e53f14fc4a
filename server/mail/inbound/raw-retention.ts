/**
 * Retention of received messages' raw bytes (INBOUND_RAW_RETENTION, 90 days by default): once a
 * processed message is older than that, housekeeping removes its bytes from `<DATA_DIR>/inbound` and
 * stamps its record `rawRemovedAt`; the record, its outcome and its history stay. Only `done` records
 * go: a quarantined, pending or discarded message still waits on a person, who needs its bytes.
 *
 * A second delivery of the same bytes (`<sha256>.<delivery>`, recorded as a duplicate of the first)
 * shares the first record's file: the file goes with the first record, the later one is only
 * stamped. Reading bytes that retention removed is a 410 saying so, never a bare 404.
 */
import path from 'node:path';
import { createFileStorage } from '../../attachments/storage.js';
import { GoneError } from '../../lib/errors.js';
import { bytesKeyOf, InboundMailModel, type InboundMail } from './inbound.model.js';

/** The folder the pipeline keeps raw bytes in (pipeline.ts builds the same). */
export const inboundRawDir = (dataDir: string): string => path.join(dataDir, 'inbound');

/**
 * Removes the bytes of at most `limit` processed messages received before `now - retentionSeconds`,
 * oldest first; returns how many records were stamped. The file goes before the stamp, so a crash
 * between leaves a record that the next run handles again (removing a missing file is harmless).
 */
export async function removeExpiredInboundRaw(props: { dataDir: string; retentionSeconds: number; now: Date; limit: number }): Promise<number> {
  const cutoff = new Date(props.now.getTime() - props.retentionSeconds * 1000);
  const storage = createFileStorage(inboundRawDir(props.dataDir));
  const expired = await InboundMailModel.collection
    .find<Pick<InboundMail, '_id'>>({ rawRemovedAt: null, status: 'done', receivedAt: { $lt: cutoff } } as never, { projection: { _id: 1 } })
    .sort({ receivedAt: 1 })
    .limit(props.limit)
    .toArray();
  for (const { _id } of expired) {
    if (bytesKeyOf(_id) === _id) await storage.remove(_id);
    await InboundMailModel.collection.updateOne({ _id } as never, { $set: { rawRemovedAt: props.now } });
  }
  return expired.length;
}

/**
 * Why the bytes of record `id` cannot be read: a GoneError when retention removed them (its own
 * record or, for a later delivery, the first one's says when), else null (really missing).
 */
export async function retentionRemoval(id: string): Promise<GoneError | null> {
  for (const each of new Set([id, bytesKeyOf(id)])) {
    const doc = await InboundMailModel.findById(each, { rawRemovedAt: 1 }).lean<Pick<InboundMail, 'rawRemovedAt'>>();
    if (doc?.rawRemovedAt) {
      const at = new Date(doc.rawRemovedAt).toISOString();
      return new GoneError(
        `The original bytes of this message were removed on ${at.slice(0, 10)} by the retention period (INBOUND_RAW_RETENTION); its record and outcome are kept.`,
        { rawRemovedAt: at },
      );
    }
  }
  return null;
}
