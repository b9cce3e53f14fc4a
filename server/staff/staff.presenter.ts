import type { Types } from 'mongoose';
import type { Staff, StaffRole } from './staff.model.js';

/** What clients, sockets and templates may see of a staff member (never the hash or tokenVersion). */
export interface PresentedStaff {
  id: string;
  name: string;
  email: string;
  roles: StaffRole[];
  team: string | null;
  office: string | null;
  languages: string[];
  capacity: number;
  active: boolean;
}

type StaffLike = Pick<Staff, 'name' | 'email' | 'roles' | 'team' | 'office' | 'languages' | 'capacity' | 'active'> & {
  _id: Types.ObjectId;
};

const idOrNull = (id: Types.ObjectId | null | undefined): string | null => (id ? String(id) : null);

/** Picks the public fields of a staff document (hydrated or lean), ids as strings. */
export function presentStaff(staff: StaffLike): PresentedStaff {
  return {
    id: String(staff._id),
    name: staff.name,
    email: staff.email,
    roles: [...staff.roles],
    team: idOrNull(staff.team),
    office: idOrNull(staff.office),
    languages: [...staff.languages],
    capacity: staff.capacity,
    active: staff.active,
  };
}

export type StaffStatus = 'active' | 'invited' | 'deactivated';

/** What administrators see of a person (and what the audit trail records): never a hash, a secret or tokenVersion. */
export interface PresentedStaffAdmin extends PresentedStaff {
  status: StaffStatus;
  totpEnabled: boolean;
  invitedAt: string | null;
  lastLoginAt: string | null;
}

type StaffAdminLike = StaffLike &
  Partial<Pick<Staff, 'invitedAt' | 'passwordSetAt' | 'deactivatedAt' | 'lastLoginAt'>> & { totp?: { enabledAt?: Date | null } | null };

/** An invited person who has not set a password yet is "invited"; one an administrator turned off, "deactivated". */
export function staffStatus(staff: Pick<StaffAdminLike, 'active' | 'invitedAt' | 'passwordSetAt' | 'deactivatedAt'>): StaffStatus {
  if (staff.active) return 'active';
  if (!staff.deactivatedAt && staff.invitedAt && !staff.passwordSetAt) return 'invited';
  return 'deactivated';
}

const iso = (d: Date | null | undefined): string | null => (d instanceof Date ? d.toISOString() : null);

export function presentStaffAdmin(staff: StaffAdminLike): PresentedStaffAdmin {
  return {
    ...presentStaff(staff),
    status: staffStatus(staff),
    totpEnabled: Boolean(staff.totp?.enabledAt),
    invitedAt: iso(staff.invitedAt),
    lastLoginAt: iso(staff.lastLoginAt),
  };
}
