/**
 * Staff records as the sign-in check needs them, remembered by each instance. Every signed-in
 * request read the person's record by `_id` beside their session: one call of four on a ticket's
 * creation, on a database whose single writer every call waits behind.
 *
 * What the memo may hold back, and why it is safe:
 * - **Revocation is never remembered.** Signing out, "log out everywhere", a new password and a
 *   deactivation all revoke the sessions in the database, and the session is read on every request
 *   (auth.service.ts): they take effect at once, on every instance, whatever is remembered here.
 * - **The token version is checked against the session**: a remembered record whose version is not
 *   the token's and the session's is read again before anything is refused or allowed.
 * - **Name, roles, team, office and languages** change through the administration (staff-admin.ts),
 *   which forgets the record here right after its write and publishes `staff.changed`, which the
 *   working set's news carries to the other instances (working-set.sync.ts; a lost message makes them
 *   forget every record). A read begun before a change does not put the old record back.
 *   Should a process die between a change's write and its news, the other instances would act on the
 *   old roles for at most a minute.
 */
import type { Types } from 'mongoose';
import { domainEvents } from '../lib/domain-events.js';
import { forgettingMemo } from '../lib/forgetting-memo.js';
import { StaffModel, type StaffRole } from './staff.model.js';

/** The fields of a staff record the sign-in check reads. */
export interface StaffSignInRecord {
  _id: Types.ObjectId;
  name: string;
  email: string;
  roles: StaffRole[];
  team?: Types.ObjectId | null;
  office?: Types.ObjectId | null;
  languages?: string[];
  active: boolean;
  tokenVersion: number;
}

const fields = { name: 1, email: 1, roles: 1, team: 1, office: 1, languages: 1, active: 1, tokenVersion: 1 } as const;
/** A hundred people in operations: far more than ever sign in to one instance. */
const records = forgettingMemo<StaffSignInRecord>({ maxAgeMs: 60_000, maxEntries: 5_000 });

/** The record remembered for this person, if it is young enough to use. */
export function rememberedStaff(id: string): StaffSignInRecord | undefined {
  return records.get(id);
}

/** Reads the person's record from the database and remembers it (null when there is no such person). */
export async function readStaffForSignIn(id: string): Promise<StaffSignInRecord | null> {
  const began = records.begin();
  const record = await StaffModel.findById(id, fields).lean<StaffSignInRecord>();
  if (record) records.keep(id, record, began);
  return record;
}

/** Forgets one person's record here (it changed, here or on another instance). */
export function forgetStaffRecord(id: string): void {
  records.forget(id);
}

/** Forgets every record (news from the other instances may have been lost; tests between cases). */
export function forgetStaffRecords(): void {
  records.forgetAll();
}

/** Call right after writing a change to a person's record: forgets it here and tells the other instances. */
export function staffRecordChanged(id: Types.ObjectId | string): void {
  forgetStaffRecord(String(id));
  domainEvents.publish('staff.changed', { staffId: String(id) });
}
