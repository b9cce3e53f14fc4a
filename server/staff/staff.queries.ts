/**
 * The staff, teams and offices as the staff pages need them (an organisation's size: read whole or
 * by `_id`). Pages read them here, never through the models.
 */
import type { Locale } from '../lib/i18n.js';
import { labelIn, type NameLabels } from '../lib/labels.js';
import type { Types } from 'mongoose';
import { SessionModel } from '../auth/session.model.js';
import { OfficeModel } from '../offices/office.model.js';
import { TeamModel } from '../teams/team.model.js';
import { StaffModel } from './staff.model.js';

/** Where a person works, for the page header: their team's name, else their office's. */
export async function workplaceName(person: { team?: Types.ObjectId | null; office?: Types.ObjectId | null }, locale?: Locale): Promise<string | null> {
  const named = (x: { name: string; labels?: NameLabels | null }) => (locale ? labelIn(x, locale) : x.name);
  if (person.team) {
    const team = await TeamModel.findById(person.team, { name: 1, labels: 1 }).lean();
    if (team) return named(team);
  }
  if (person.office) {
    const office = await OfficeModel.findById(person.office, { name: 1, labels: 1 }).lean();
    if (office) return named(office);
  }
  return null;
}

/** An office's routing settings: its model, its tier-1 teams and their assignment modes, its active people. */
export async function officeRouting(office: Types.ObjectId) {
  const found = await OfficeModel.findById(office, { name: 1, labels: 1, routingModel: 1 }).lean();
  if (!found) return null;
  const [teams, people] = await Promise.all([
    TeamModel.find({ office: found._id, tier: 1, active: true }, { name: 1, labels: 1, assignmentMode: 1 }).sort({ name: 1 }).lean(),
    officePeople(found._id),
  ]);
  return { office: found, teams, people };
}

/** An office's active people, by `_id` and name. */
export function officePeople(office: Types.ObjectId) {
  return StaffModel.find({ office, active: true }, { name: 1 }).lean();
}

/** Everyone active in a team (a reassignment can go to them), by name. */
export function staffInTeams() {
  return StaffModel.find({ active: true, team: { $ne: null } }, { name: 1, team: 1, roles: 1, languages: 1, capacity: 1 })
    .sort({ name: 1 })
    .lean();
}

/** The people a supervisor's load panel shows: those in these teams, or in this office. */
export function staffWatched(teams: readonly Types.ObjectId[], office: Types.ObjectId | null | undefined) {
  const or: Record<string, unknown>[] = [{ team: { $in: teams } }];
  if (office) or.push({ office });
  return StaffModel.find({ active: true, team: { $ne: null }, $or: or }, { name: 1, team: 1, capacity: 1 })
    .sort({ name: 1 })
    .lean();
}

/** When each of these people last used a session still open at `now`. */
export async function lastSeen(people: readonly Types.ObjectId[], now: Date): Promise<Map<string, number>> {
  const sessions = await SessionModel.find({ staff: { $in: people }, revokedAt: null, expiresAt: { $gt: now } }, { staff: 1, lastUsedAt: 1 }).lean();
  const seen = new Map<string, number>();
  for (const s of sessions) {
    const at = new Date(s.lastUsedAt).getTime();
    if (at > (seen.get(String(s.staff)) ?? 0)) seen.set(String(s.staff), at);
  }
  return seen;
}
