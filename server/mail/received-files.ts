import { AttachmentModel } from '../attachments/attachment.model.js';
import { readByIds } from '../db/point-reads.js';
import type { TicketEvent } from '../tickets/ticket-event.model.js';

/**
 * An image shown in a mail's body this large is a photo the member sent (Apple Mail puts an iPhone's
 * photos inline), not a signature's logo or a social icon, which weigh a few kilobytes.
 */
export const PHOTO_BYTES = 50 * 1024;

/** Whether a file came as one the member chose: attached, or a photo shown in the body (not a logo or an icon). */
function chosenFile(file: { inline?: boolean | null; contentType: string; size: number }): boolean {
  return !file.inline || (file.contentType.startsWith('image/') && file.size >= PHOTO_BYTES);
}

/**
 * The names of the files the request came with, in their order (small images embedded in a mail's
 * body are not files the member chose). Read by `_id`; the same on a replay, as the acknowledgement must be.
 */
export async function receivedFiles(event: TicketEvent<'created'>): Promise<string[]> {
  const ids = event.writes.flatMap((w) => (w.model === 'Message' && w.op === 'insert' ? (w.doc.attachments ?? []) : []));
  if (ids.length === 0) return [];
  const files = await readByIds(ids, (id) => AttachmentModel.findById(id, { filename: 1, inline: 1, size: 1, contentType: 1 }).lean());
  const byId = new Map(files.map((f) => [String(f._id), f]));
  return ids.flatMap((id) => {
    const file = byId.get(String(id));
    return file && chosenFile(file) ? [file.filename] : [];
  });
}
