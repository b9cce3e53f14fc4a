/**
 * The routing switches a supervisor runs a pilot with (the away-advisor handoff, which moves
 * tickets, is in assignment/handoff.routes.ts):
 *
 *   PATCH /teams/:id     { assignmentMode }  manual claim, round-robin or least-loaded
 *   PATCH /offices/:id   { routingModel }    tiered (1 → 2 → 3) or one polyvalent queue
 *
 * Who: administrators for everything; a supervisor for their own office (its tier-1 teams, the office
 * itself). Tier-2 and tier-3 teams serve every office: administrators only. The object is
 * looked up first (404 for an unknown or malformed id), then the right checked (403), then the body.
 */
import type { Types } from 'mongoose';
import { z } from 'zod';
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';
import { requireActor } from '../auth/current.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { OfficeModel, routingModels } from '../offices/office.model.js';
import { assignmentModes, TeamModel } from '../teams/team.model.js';
import { refreshOfficeModels } from './office-models.js';
import { clearRoutingCache } from './routing.service.js';

const tag = 'Routing';
const anyId = { params: z.strictObject({ id: z.string().max(200) }) };
const objectId = /^[0-9a-f]{24}$/i;

function mayConfigure(actor: StaffActor, office: Types.ObjectId | null): boolean {
  if (hasRole(actor, 'administrator')) return true;
  return hasRole(actor, 'supervisor') && office !== null && sameId(actor.office, office);
}

function refuse(): never {
  throw new ForbiddenError('Only an administrator, or a supervisor of this office, can change this.');
}

// Fields are optional in the schemas so that an unknown object answers 404 (and a stranger 403)
// before the body is judged; the handlers then require them.
const teamBody = { body: z.strictObject({ assignmentMode: z.enum(assignmentModes).optional() }) };
const officeBody = { body: z.strictObject({ routingModel: z.enum(routingModels).optional() }) };

function required<T>(value: T | undefined, field: string, message: string): T {
  if (value === undefined) throw new BadRequestError(message, [{ path: field, message: 'required' }]);
  return value;
}

/** Sets a team's assignment mode; checks the object exists (404) and the actor's right (403). */
export async function setTeamMode(
  actor: StaffActor,
  id: string,
  assignmentMode: (typeof assignmentModes)[number] | undefined,
): Promise<{ id: string; code: string; name: string; tier: number; assignmentMode: string }> {
  const team = objectId.test(id) ? await TeamModel.findById(id).lean() : null;
  if (!team) throw new NotFoundError('No such team.');
  if (!mayConfigure(actor, team.tier === 1 ? (team.office ?? null) : null)) refuse();
  const mode = required(assignmentMode, 'assignmentMode', 'Give assignmentMode: manual, round_robin or least_loaded.');
  await TeamModel.updateOne({ _id: team._id }, { $set: { assignmentMode: mode } });
  clearRoutingCache();
  return { id, code: team.code, name: team.name, tier: team.tier, assignmentMode: mode };
}

/** Sets an office's routing model (tiered or polyvalent). */
export async function setOfficeModel(
  actor: StaffActor,
  id: string,
  routingModel: (typeof routingModels)[number] | undefined,
): Promise<{ id: string; code: string; name: string; routingModel: string }> {
  const office = objectId.test(id) ? await OfficeModel.findById(id).lean() : null;
  if (!office) throw new NotFoundError('No such office.');
  if (!mayConfigure(actor, office._id)) refuse();
  const model = required(routingModel, 'routingModel', 'Give routingModel: tiered or polyvalent.');
  await OfficeModel.updateOne({ _id: office._id }, { $set: { routingModel: model } });
  clearRoutingCache();
  await refreshOfficeModels();
  return { id, code: office.code, name: office.name, routingModel: model };
}

export function routingConfigRoutes(): RouteSpec[] {
  return [
    route({
      method: 'patch',
      path: '/teams/:id',
      tag,
      summary: "Set a team's assignment mode: manual, round_robin or least_loaded (administrators; supervisors for their office's tier-1 teams)",
      access: { kind: 'staff', policy: 'configure_routing' },
      ...anyId,
      ...teamBody,
      handler: async (req, res) => {
        const actor = requireActor(req);
        const team = await setTeamMode(actor, String(req.params.id), valid(req, teamBody).body.assignmentMode);
        req.log.info({ team: team.id, assignmentMode: team.assignmentMode, by: String(actor.id) }, 'assignment mode changed');
        res.json({ team });
      },
    }),
    route({
      method: 'patch',
      path: '/offices/:id',
      tag,
      summary: "Set an office's routing model: tiered or polyvalent (administrators; supervisors for their office)",
      access: { kind: 'staff', policy: 'configure_routing' },
      ...anyId,
      ...officeBody,
      handler: async (req, res) => {
        const actor = requireActor(req);
        const office = await setOfficeModel(actor, String(req.params.id), valid(req, officeBody).body.routingModel);
        req.log.info({ office: office.id, routingModel: office.routingModel, by: String(actor.id) }, 'routing model changed');
        res.json({ office });
      },
    }),
  ];
}
