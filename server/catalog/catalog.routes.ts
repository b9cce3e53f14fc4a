/** Configuration reads for integrators and the staff app: offices, teams, categories, reason codes, staff. */
import { z } from 'zod';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { OfficeModel } from '../offices/office.model.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { CategoryModel, ReasonCodeModel } from './category.model.js';

const tag = 'Configuration';
const staffQuery = {
  query: z.strictObject({
    team: z
      .string()
      .regex(/^[0-9a-f]{24}$/i)
      .optional(),
    tier: z.coerce.number().int().min(1).max(3).optional(),
  }),
};

export function catalogRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/offices',
      tag,
      summary: 'Offices',
      access: { kind: 'staff', policy: 'read_config' },
      handler: async (_req, res) => {
        const offices = await OfficeModel.find({ active: true }).sort({ name: 1 }).lean();
        res.json({ offices: offices.map((o) => ({ id: String(o._id), code: o.code, name: o.name, isDefault: o.isDefault, routingModel: o.routingModel })) });
      },
    }),
    route({
      method: 'get',
      path: '/teams',
      tag,
      summary: 'Teams and their tiers',
      access: { kind: 'staff', policy: 'read_config' },
      handler: async (_req, res) => {
        const teams = await TeamModel.find({ active: true }).sort({ tier: 1, name: 1 }).lean();
        res.json({
          teams: teams.map((t) => ({
            id: String(t._id),
            code: t.code,
            name: t.name,
            tier: t.tier,
            office: t.office ? String(t.office) : null,
            assignmentMode: t.assignmentMode,
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/categories',
      tag,
      summary: 'Ticket categories',
      access: { kind: 'staff', policy: 'read_config' },
      handler: async (_req, res) => {
        const categories = await CategoryModel.find({ active: true }).sort({ order: 1 }).lean();
        res.json({ categories: categories.map((c) => ({ code: c.code, label: { fr: c.label.fr, nl: c.label.nl, en: c.label.en } })) });
      },
    }),
    route({
      method: 'get',
      path: '/reason-codes',
      tag,
      summary: 'Reason codes for escalations, returns and reassignments',
      access: { kind: 'staff', policy: 'read_config' },
      handler: async (_req, res) => {
        const codes = await ReasonCodeModel.find({ active: true }).sort({ order: 1 }).lean();
        res.json({ reasonCodes: codes.map((c) => ({ code: c.code, appliesTo: c.appliesTo, label: { fr: c.label.fr, nl: c.label.nl, en: c.label.en } })) });
      },
    }),
    route({
      method: 'get',
      path: '/staff',
      tag,
      summary: 'Active staff (names, teams, roles) for assignment',
      access: { kind: 'staff', policy: 'read_config' },
      ...staffQuery,
      handler: async (req, res) => {
        const { query } = valid(req, staffQuery);
        let teamIds: string[] | undefined;
        if (query.tier) teamIds = (await TeamModel.find({ tier: query.tier as 1 | 2 | 3 }, { _id: 1 }).lean()).map((t) => String(t._id));
        const filter: Record<string, unknown> = { active: true };
        if (query.team) filter.team = query.team;
        else if (teamIds) filter.team = { $in: teamIds };
        const staff = await StaffModel.find(filter, { name: 1, roles: 1, team: 1, office: 1, languages: 1 }).sort({ name: 1 }).lean();
        res.json({
          staff: staff.map((m) => ({
            id: String(m._id),
            name: m.name,
            roles: m.roles,
            team: m.team ? String(m.team) : null,
            office: m.office ? String(m.office) : null,
            languages: m.languages,
          })),
        });
      },
    }),
  ];
}
