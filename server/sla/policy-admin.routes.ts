/**
 * The administration of SLA policies (administrators only: every other role gets 403 before
 * anything is read). After a change, `POST /admin/sla/recompute` with `cause: 'policy'` moves the
 * open tickets' stored deadlines (sla-admin.routes.ts).
 *
 *   GET   /admin/sla/policies              every policy, in the order they are tried
 *   POST  /admin/sla/policies              create one
 *   GET   /admin/sla/policies/:id          one
 *   PUT   /admin/sla/policies/:id          change one (deactivate: `active: false`)
 *   GET   /admin/sla/policies/:id/preview  when a ticket arriving now would be due under it (?office=)
 */
import { z } from 'zod';
import { administratorsOnly } from '../auth/administrator.js';
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { labelsSchema } from '../lib/labels.js';
import { valid } from '../lib/validate.js';
import { priorities } from '../lib/ticket.vocabulary.js';
import { acceptanceBreachActions, resolutionBreachActions } from './policy.js';
import { createPolicy, policyPreview, policyView, policyViews, updatePolicy } from './policy-admin.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'an id');
/** Business minutes: up to a year of them, or null for "no such deadline". */
const target = z.number().int().min(1).max(525_600).nullable();
const tier = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** A whole policy as an administrator writes it (the form and the API send every field). */
export const policyBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** The name in each language (empty or null: the name is shown); left out, the stored labels stay. */
  labels: labelsSchema.optional(),
  order: z.number().int().min(0).max(100_000),
  active: z.boolean().default(true),
  match: z.strictObject({
    categories: z
      .array(z.string().regex(/^[a-z0-9_]{2,40}$/))
      .max(50)
      .default([]),
    priorities: z.array(z.enum(priorities)).max(4).default([]),
    tiers: z.array(tier).max(3).default([]),
    offices: z.array(objectId).max(50).default([]),
  }),
  targets: z
    .strictObject({
      firstResponseMinutes: target,
      nextResponseMinutes: target,
      resolutionMinutes: target,
      acceptanceMinutes: z.strictObject({ 1: target, 2: target, 3: target }),
    })
    // Resolving answers the member: a resolution due before the first response could never be met alone.
    .refine((t) => t.resolutionMinutes === null || t.firstResponseMinutes === null || t.resolutionMinutes >= t.firstResponseMinutes, {
      path: ['resolutionMinutes'],
      message: 'shorter than the first response target',
      params: { reason: 'before_first_response' },
    }),
  warnings: z.strictObject({
    percents: z.array(z.number().int().min(1).max(99)).max(5),
    minutesBefore: z.array(z.number().int().min(1).max(10_080)).max(5),
  }),
  onBreach: z.strictObject({ acceptance: z.enum(acceptanceBreachActions), resolution: z.enum(resolutionBreachActions) }),
});
export type PolicyBody = z.infer<typeof policyBody>;

const byId = { params: z.strictObject({ id: z.string().max(200) }) };
const create = { body: policyBody };
const change = { ...byId, body: policyBody };
const preview = { ...byId, query: z.strictObject({ office: objectId.optional() }) };

export function policyAdminRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/sla/policies',
      tag,
      summary: 'The SLA policies, inactive included, in the order they are tried (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ policies: await policyViews() });
      },
    }),
    route({
      method: 'post',
      path: '/admin/sla/policies',
      tag,
      summary: 'Create an SLA policy (administrators; audited)',
      access,
      before,
      success: 201,
      ...create,
      handler: async (req, res) => {
        res.status(201).json({ policy: await createPolicy(requireActor(req), valid(req, create).body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/sla/policies/:id',
      tag,
      summary: 'One SLA policy (administrators)',
      access,
      before,
      ...byId,
      handler: async (req, res) => {
        res.json({ policy: await policyView(valid(req, byId).params.id) });
      },
    }),
    route({
      method: 'put',
      path: '/admin/sla/policies/:id',
      tag,
      summary: 'Change an SLA policy: targets, warnings, what it applies to, order, active (administrators; audited)',
      access,
      before,
      ...change,
      handler: async (req, res) => {
        const { params, body } = valid(req, change);
        res.json({ policy: await updatePolicy(requireActor(req), params.id, body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/sla/policies/:id/preview',
      tag,
      summary: 'When a ticket arriving now would be due under this policy, in an office’s calendar (administrators)',
      access,
      before,
      ...preview,
      handler: async (req, res) => {
        const { params, query } = valid(req, preview);
        res.json({ preview: await policyPreview(params.id, new Date(), query.office ?? null) });
      },
    }),
  ];
}
