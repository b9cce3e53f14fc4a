/**
 * Who sees which reports. Supervisors and administrators read reports; everyone
 * else is refused (403). A report covers the tickets the ticket policy lets the
 * person read — for a supervisor, their office's tickets and every escalated one
 * (tier 2 or 3) — and administrators, who watch the whole organisation, all of them.
 */
import type { Types } from 'mongoose';
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';

export function mayReadReports(actor: StaffActor): boolean {
  return hasRole(actor, 'supervisor') || hasRole(actor, 'administrator');
}

/**
 * Whether a report on `office` (null: all offices) shows only part of it to `actor`:
 * a supervisor sees another office's tickets only while they are escalated.
 */
export function seesPartOf(actor: StaffActor, office: Types.ObjectId | string | null): boolean {
  if (hasRole(actor, 'administrator')) return false;
  return office === null || !sameId(actor.office, office);
}
