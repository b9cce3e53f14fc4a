/**
 * A return's destination person: the one who escalated the ticket, when they still can take it.
 * Kept apart from the commands so the rule reads on its own (docs/ARCHITECTURE.md, the lifecycle).
 */
import type { Types } from 'mongoose';
import { toStaffActor } from '../auth/actor.js';
import { StaffModel, type StaffRole } from '../staff/staff.model.js';
import { TeamModel, type Tier } from '../teams/team.model.js';
import type { Ticket } from './ticket.model.js';
import { can } from './ticket.policy.js';

export type EscalatorOutcome =
  | { outcome: 'given_back'; staff: Types.ObjectId; name: string }
  | { outcome: 'inactive' | 'elsewhere' | 'automatic' | 'none'; staff?: undefined; name: string | null };

/**
 * Whether the person who made the escalation being returned takes the ticket back: they must be
 * active and allowed to claim it where it lands (the policy's own rule, with their current roles,
 * team and office). Otherwise the ticket waits in the team's queue, and the outcome says why.
 */
export async function escalatorTakesItBack(origin: { by?: Types.ObjectId | null } | null, landing: Ticket): Promise<EscalatorOutcome> {
  if (!origin) return { outcome: 'none', name: null };
  if (!origin.by) return { outcome: 'automatic', name: null };
  const person = await StaffModel.findById(origin.by, { name: 1, email: 1, roles: 1, team: 1, office: 1, active: 1 }).lean();
  if (!person) return { outcome: 'inactive', name: null };
  if (!person.active) return { outcome: 'inactive', name: person.name };
  const team = person.team ? await TeamModel.findById(person.team, { tier: 1 }).lean() : null;
  const actor = toStaffActor({ ...person, roles: person.roles as StaffRole[] }, (team?.tier as Tier | undefined) ?? null);
  if (!can(actor, 'claim', landing)) return { outcome: 'elsewhere', name: person.name };
  return { outcome: 'given_back', staff: person._id, name: person.name };
}
