/**
 * Socket.io rooms, derived from the same rules as `ticket.policy.ts`: a staff
 * member's sockets join exactly the rooms of the placements they may read, and a
 * ticket's updates go to the rooms of its placement, of the people who worked on it and of its
 * member's office (those follow it read only). So "is this socket in one of
 * the ticket's rooms?" and `canRead` give the same answer
 * (test/integration/realtime.rooms.test.ts checks it on random actors and tickets).
 * Clients never choose rooms; only `ticket:<id>` is joined on request, after the policy.
 */
import type { Types } from 'mongoose';
import { hasRole, type StaffActor } from '../auth/actor.js';
import { polyvalentOfficeIds } from '../routing/office-models.js';
import { tiersWorkedBy } from '../tickets/ticket.policy.js';

type Id = Types.ObjectId | string;

/** Where a ticket sits, as far as who may read it is concerned. */
export interface RoomPlacement {
  tier: number;
  team: Id;
  office: Id;
  assignee?: Id | null;
  /** Staff who worked on it: they follow it (read only), and their "Tickets I handed on" lists it. */
  workers?: readonly Id[] | null;
  /** The member's office: its advisors and supervisors follow it (read only). */
  memberOffice?: Id | null;
}

export const rooms = {
  /** Tier-1 tickets of an office: its tier-1 staff. */
  tier1Office: (office: Id): string => `queue:t1:office:${String(office)}`,
  /** Tier-1 tickets of a team: that team's tier-1 staff. */
  tier1Team: (team: Id): string => `queue:t1:team:${String(team)}`,
  /** Tier 2 or 3 (those teams serve every office): their staff and every supervisor. */
  tier: (tier: number): string => `queue:t${tier}`,
  /** Every ticket of an office: its supervisors. */
  office: (office: Id): string => `office:${String(office)}`,
  /** Tickets of an office's members, wherever they are: that office's advisors and supervisors follow them. */
  memberOffice: (office: Id): string => `members:${String(office)}`,
  /** Tickets someone holds, just stopped holding, or worked on. */
  staff: (staff: Id): string => `staff:${String(staff)}`,
  /** Presence and typing on one ticket; joined through `ticket:watch` only. Carries no ticket stream. */
  ticket: (ticket: Id): string => `ticket:${String(ticket)}`,
  /** One sign-in session, so it can be ended on every instance at once. Private: no stream. */
  session: (session: Id): string => `session:${String(session)}`,
};

/** The stream rooms a staff member's sockets join at connection. */
export function roomsForActor(actor: StaffActor): string[] {
  const joined = new Set<string>([rooms.staff(actor.id)]);
  for (const tier of tiersWorkedBy(actor)) {
    if (tier === 1) {
      if (actor.office) joined.add(rooms.tier1Office(actor.office));
      if (actor.team) joined.add(rooms.tier1Team(actor.team));
    } else {
      joined.add(rooms.tier(tier));
    }
  }
  // Advisors and supervisors follow their office's members' tickets (ticket.policy.ts `followsTicket`).
  if (actor.office && (hasRole(actor, 'advisor') || hasRole(actor, 'supervisor'))) joined.add(rooms.memberOffice(actor.office));
  // Support staff also work the tier-1 queue of polyvalent offices (routing/office-models.ts).
  if (hasRole(actor, 'support')) for (const office of polyvalentOfficeIds()) joined.add(rooms.tier1Office(office));
  if (hasRole(actor, 'supervisor')) {
    if (actor.office) joined.add(rooms.office(actor.office));
    // Supervisors read every escalated ticket, whatever its office.
    joined.add(rooms.tier(2));
    joined.add(rooms.tier(3));
  }
  return [...joined];
}

/** The rooms whose members may read a ticket at this placement. */
export function roomsForPlacement(p: RoomPlacement): string[] {
  const list = [rooms.office(p.office)];
  if (p.tier === 1) list.push(rooms.tier1Office(p.office), rooms.tier1Team(p.team));
  else list.push(rooms.tier(p.tier));
  if (p.assignee) list.push(rooms.staff(p.assignee));
  for (const worker of p.workers ?? []) if (String(worker) !== String(p.assignee)) list.push(rooms.staff(worker));
  if (p.memberOffice) list.push(rooms.memberOffice(p.memberOffice));
  return list;
}
