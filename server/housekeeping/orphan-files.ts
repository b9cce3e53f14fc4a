/**
 * Orphaned attachments. Two kinds: attachment records never linked to a message (an upload whose
 * reply was refused — a lost 409 race, a closed tab — or a crash between saving and linking), and
 * files in the attachment storage that no record names (what those records left, or a write whose
 * record never came). Both wait a grace period first (a day): an upload is linked within seconds.
 *
 * A file is never removed while a record names its hash: the check reads the records for a whole
 * batch of hashes at once (`sha256` is indexed on MongoDB), the file's age is read before and again
 * just before removal, and `put` touches a file it finds already stored (storage.ts), so a new
 * upload of the same bytes makes it young again. The walk of the folder resumes where the previous
 * run stopped (`housekeeping_state`), a bounded number of files a run.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AttachmentModel } from '../attachments/attachment.model.js';
import { deleteBatch } from './batch.js';
import { HousekeepingStateModel } from './state.model.js';

export const ORPHAN_GRACE_MS = 86_400_000;
/** Files looked at per run (one query for the records of all of them). */
const FILES_PER_RUN = 500;
const hashPattern = /^[0-9a-f]{64}$/;
const tempPattern = /^[0-9a-f]{64}\.[0-9a-f]+\.tmp$/;
const dirPattern = /^[0-9a-f]{2}$/;

/** Deletes attachment records created before `now - graceMs` and still linked to no message. */
export function deleteUnlinkedAttachments(now: Date, graceMs = ORPHAN_GRACE_MS): Promise<number> {
  return deleteBatch(AttachmentModel.collection, { message: null, createdAt: { $lt: new Date(now.getTime() - graceMs) } });
}

async function sortedEntries(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => pattern.test(name)).sort();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}

/** The next files of `<root>/ab/cd/<name>` after `after` (a file name), in name order. */
async function nextFiles(root: string, after: string, max: number): Promise<{ name: string; file: string }[]> {
  const files: { name: string; file: string }[] = [];
  for (const top of await sortedEntries(root, dirPattern)) {
    if (top < after.slice(0, 2)) continue;
    for (const sub of await sortedEntries(path.join(root, top), dirPattern)) {
      if (`${top}${sub}` < after.slice(0, 4)) continue;
      const names = await sortedEntries(path.join(root, top, sub), /^[0-9a-f]{64}(\.[0-9a-f]+\.tmp)?$/);
      for (const name of names) {
        if (name <= after) continue;
        files.push({ name, file: path.join(root, top, sub, name) });
        if (files.length >= max) return files;
      }
    }
  }
  return files;
}

async function ageOf(file: string, now: Date): Promise<number | null> {
  try {
    return now.getTime() - (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Removes files of the attachment folder `dir` older than the grace period that no attachment
 * names, and left-over temporary files of interrupted writes; returns how many went.
 */
export async function removeOrphanFiles(props: { dir: string; now: Date; graceMs?: number; limit?: number }): Promise<number> {
  const graceMs = props.graceMs ?? ORPHAN_GRACE_MS;
  const state = await HousekeepingStateModel.findById('attachment-files').lean();
  const batch = await nextFiles(props.dir, state?.after ?? '', props.limit ?? FILES_PER_RUN);
  // At the end of the folder the next run starts again from its beginning.
  const after = batch.length < (props.limit ?? FILES_PER_RUN) ? '' : (batch.at(-1)?.name ?? '');
  const old: { name: string; file: string }[] = [];
  for (const entry of batch) {
    const age = await ageOf(entry.file, props.now);
    if (age !== null && age > graceMs) old.push(entry);
  }
  const hashes = old.filter((e) => hashPattern.test(e.name)).map((e) => e.name);
  const named = new Set(
    hashes.length === 0
      ? []
      : (await AttachmentModel.collection.find<{ sha256: string }>({ sha256: { $in: hashes } }, { projection: { sha256: 1 } }).toArray()).map((d) => d.sha256),
  );
  let removed = 0;
  for (const entry of old) {
    if (!tempPattern.test(entry.name) && named.has(entry.name)) continue;
    // Touched since (the same bytes uploaded again): its new record may not be written yet.
    const age = await ageOf(entry.file, props.now);
    if (age === null || age <= graceMs) continue;
    await rm(entry.file, { force: true });
    removed += 1;
  }
  await HousekeepingStateModel.updateOne({ _id: 'attachment-files' }, { $set: { after } }, { upsert: true });
  return removed;
}
