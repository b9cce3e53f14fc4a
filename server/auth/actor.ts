import type { Types } from 'mongoose';
import type { StaffRole } from '../staff/staff.model.js';
import type { Tier } from '../teams/team.model.js';

/** A signed-in staff member, as every policy decision sees them. */
export interface StaffActor {
  kind: 'staff';
  id: Types.ObjectId;
  name: string;
  email: string;
  roles: readonly StaffRole[];
  team: Types.ObjectId | null;
  /** Tier of the staff member's team (null when they have no team). */
  tier: Tier | null;
  office: Types.ObjectId | null;
  languages: readonly string[];
}

/** A member acting through their magic link or by email. */
export interface MemberActor {
  kind: 'member';
  id: Types.ObjectId;
  name: string;
  email: string;
}

/** Relais itself: SLA timers, automatic assignment, mail intake. */
export interface SystemActor {
  kind: 'system';
  name: string;
}

export type Actor = StaffActor | MemberActor | SystemActor;

export const systemActor: SystemActor = Object.freeze({ kind: 'system', name: 'Relais' });

export function hasRole(actor: Actor, role: StaffRole): boolean {
  return actor.kind === 'staff' && actor.roles.includes(role);
}

export function sameId(a: Types.ObjectId | string | null | undefined, b: Types.ObjectId | string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  // Two ObjectIds compare their numbers: the policy runs this for every candidate ticket of a queue, and
  // writing both out in hex first was most of a queue request's time at a year of data.
  if (typeof a !== 'string' && typeof b !== 'string') return a.equals(b);
  return String(a) === String(b);
}

/** Builds the actor for a staff record and their team's tier. */
export function toStaffActor(
  staff: {
    _id: Types.ObjectId;
    name: string;
    email: string;
    roles: readonly StaffRole[];
    team?: Types.ObjectId | null;
    office?: Types.ObjectId | null;
    languages?: readonly string[];
  },
  tier: Tier | null,
): StaffActor {
  return {
    kind: 'staff',
    id: staff._id,
    name: staff.name,
    email: staff.email,
    roles: [...staff.roles],
    team: staff.team ?? null,
    tier,
    office: staff.office ?? null,
    languages: [...(staff.languages ?? [])],
  };
}
