/**
 * `/api/v1/admin/staff…`: staff administration for administrators (everyone else: 403). The service
 * (staff-admin.ts) checks the role first, then looks the person up (404), then judges the body.
 *
 *   GET   /admin/staff                   everyone (status: active, invited, deactivated)
 *   POST  /admin/staff                   invite by address (inactive until the person sets a password)
 *   GET   /admin/staff/:id               one person
 *   PATCH /admin/staff/:id               name, roles, team, office, languages, capacity
 *   POST  /admin/staff/:id/deactivate    signs them out everywhere at once
 *   POST  /admin/staff/:id/reactivate
 *   POST  /admin/staff/:id/invitation    send the invitation again
 */
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import * as s from './staff-admin.schemas.js';
import { deactivateStaff, getStaff, inviteStaff, listStaff, reactivateStaff, resendInvitation, updateStaff } from './staff-admin.js';

const tag = 'Staff administration';
const policy = { kind: 'staff', policy: 'administer_staff' } as const;

export function staffAdminRoutes(): RouteSpec[] {
  const one = { params: s.staffIdParams };
  const invite = { body: s.inviteBody };
  const update = { params: s.staffIdParams, body: s.updateBody };
  const action = (path: string, summary: string, run: typeof deactivateStaff) =>
    route({
      method: 'post',
      path: `/admin/staff/:id/${path}`,
      tag,
      summary,
      access: policy,
      ...one,
      response: s.staffResponse,
      handler: async (req, res) => {
        res.json({ staff: await run({ actor: requireActor(req), ip: req.ip }, valid(req, one).params.id) });
      },
    });

  return [
    route({
      method: 'get',
      path: '/admin/staff',
      tag,
      summary: 'Every staff member, with their status',
      access: policy,
      response: s.staffListResponse,
      handler: async (req, res) => {
        res.json({ staff: await listStaff(requireActor(req)) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/staff',
      tag,
      summary: 'Invite a person by address: an inactive account and a mailed link to set their password',
      access: policy,
      ...invite,
      success: 201,
      response: s.staffResponse,
      handler: async (req, res) => {
        res.status(201).json({ staff: await inviteStaff({ actor: requireActor(req), ip: req.ip }, valid(req, invite).body) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/staff/:id',
      tag,
      summary: 'One staff member',
      access: policy,
      ...one,
      response: s.staffResponse,
      handler: async (req, res) => {
        res.json({ staff: await getStaff(requireActor(req), valid(req, one).params.id) });
      },
    }),
    route({
      method: 'patch',
      path: '/admin/staff/:id',
      tag,
      summary: "Change a person's name, roles, team, office, languages or capacity",
      access: policy,
      ...update,
      response: s.staffResponse,
      handler: async (req, res) => {
        const { params, body } = valid(req, update);
        res.json({ staff: await updateStaff({ actor: requireActor(req), ip: req.ip }, params.id, body) });
      },
    }),
    action('deactivate', 'Deactivate a person: every session, token and live connection of theirs ends at once', deactivateStaff),
    action('reactivate', 'Reactivate a person (one who never set a password is invited again)', reactivateStaff),
    action('invitation', 'Send an invited person a new invitation link', resendInvitation),
  ];
}
