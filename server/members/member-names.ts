/**
 * Members' display names, remembered by each instance. A queue page names fifty members, and reading
 * each by `_id` was most of its time at a year of data (27 of 60 ms at 100,000 tickets: fifty point
 * reads of about half a millisecond each on the embedded database).
 *
 * Kept true, not merely fresh: a name changes only through `changeMemberDetails`
 * (member-changes.ts — erasure too), which forgets it here right after its write and publishes
 * `member.changed`, which the working set's news carries to the other instances
 * (working-set.sync.ts; a lost message makes them forget every name). A read that began before a
 * change does not put the old name back. Should a process die between a change's write
 * and its news, the other instances would keep the old name: names are therefore also read again
 * after ten minutes.
 */
import { isValidObjectId } from 'mongoose';
import { readByIds } from '../db/point-reads.js';
import { forgettingMemo } from '../lib/forgetting-memo.js';
import { MemberModel } from './member.model.js';

/** About 20,000 active members a year: room for every member of a year's open work. */
const names = forgettingMemo<string>({ maxAgeMs: 10 * 60_000, maxEntries: 50_000 });

/** Display names of these members, by id (remembered, or read by `_id`); unknown ids are left out. */
export async function memberNamesByIds(ids: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const known = names.get(id);
    if (known !== undefined) out.set(id, known);
    else if (isValidObjectId(id)) missing.push(id);
  }
  if (missing.length === 0) return out;
  const began = names.begin();
  const read = await readByIds(missing, (id) => MemberModel.findById(id, { name: 1 }).lean());
  for (const member of read) {
    out.set(String(member._id), member.name);
    names.keep(String(member._id), member.name, began);
  }
  return out;
}

/** Forgets one member's name (their details changed, here or on another instance). */
export function forgetMemberName(id: string): void {
  names.forget(id);
}

/** Forgets every name (news from the other instances may have been lost; tests between cases). */
export function forgetMemberNames(): void {
  names.forgetAll();
}
