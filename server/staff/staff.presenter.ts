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
