/**
 * The board's "Routing" panel for a supervisor's office: the office's routing model, the assignment
 * mode of its tier-1 teams, and the people away who still hold tickets (to hand them off). The forms
 * post to `/staff/board/routing` and `/staff/board/handoff/:id` (routes in board.routes.ts), which run
 * the same functions as the API (routing/routing-config.routes.ts, assignment/handoff.routes.ts).
 */
import type { Locale } from '../../lib/i18n.js';
import { labelIn } from '../../lib/labels.js';
import { heldCounts } from '../../tickets/ticket-list.queries.js';
import type { StaffActor } from '../../auth/actor.js';
import type { Translate } from '../../lib/i18n.js';
import { assignmentModes, officeModels as routingModels } from '../../lib/ticket.vocabulary.js';
import { whoIsOnline, type OnlineSource } from '../../realtime/online.js';
import { officePeople, officeRouting } from '../../staff/staff.queries.js';
import type { Types } from 'mongoose';

export interface RoutingPanel {
  office: { id: string; name: string; models: Array<{ value: string; label: string; selected: boolean }> };
  teams: Array<{ id: string; name: string; field: string; modes: Array<{ value: string; label: string; selected: boolean }> }>;
  away: Array<{ id: string; name: string; held: number }>;
}

export async function routingPanel(actor: StaffActor, t: Translate, online: OnlineSource, locale: Locale = 'fr'): Promise<RoutingPanel | null> {
  if (!actor.office || !actor.roles.includes('supervisor')) return null;
  const routing = await officeRouting(actor.office);
  if (!routing) return null;
  const { office, teams, people } = routing;
  return {
    office: {
      id: String(office._id),
      name: labelIn(office, locale),
      models: routingModels.map((m) => ({ value: m, label: t(`board.routing.model.${m}`), selected: office.routingModel === m })),
    },
    teams: teams.map((team) => ({
      id: String(team._id),
      name: labelIn(team, locale),
      field: `team_${String(team._id)}`,
      modes: assignmentModes.map((m) => ({ value: m, label: t(`board.routing.mode.${m}`), selected: (team.assignmentMode ?? 'manual') === m })),
    })),
    away: await awayHolders(people, online),
  };
}

/**
 * The people of a supervisor's office away (no live socket) who still hold tickets: the panel's last
 * part, which the board's live snapshots refresh on their own (without the office's settings).
 */
export async function awayHolders(people: ReadonlyArray<{ _id: Types.ObjectId; name: string }>, online: OnlineSource): Promise<RoutingPanel['away']> {
  const live = await whoIsOnline(online);
  // Without the live layer nobody can be told away: the list is then empty rather than wrong.
  if (!live) return [];
  const count = await heldCounts(people.map((p) => p._id));
  return people
    .filter((p) => !live.has(String(p._id)) && (count.get(String(p._id)) ?? 0) > 0)
    .map((p) => ({ id: String(p._id), name: p.name, held: count.get(String(p._id)) ?? 0 }));
}

/** The away list alone, for a supervisor of an office (null for anyone else, like the panel). */
export async function awayPanel(actor: StaffActor, online: OnlineSource): Promise<Pick<RoutingPanel, 'away'> | null> {
  if (!actor.office || !actor.roles.includes('supervisor')) return null;
  return { away: await awayHolders(await officePeople(actor.office), online) };
}
