/**
 * The administration of offices, teams and arrival routing (administrators only; every other role
 * gets 403 before anything is read). A supervisor's own switches for their office stay at
 * PATCH /teams/:id and /offices/:id (routing-config.routes.ts).
 *
 *   GET   /admin/offices          every office and team
 *   POST  /admin/offices          open an office { code, name, labels, routingModel }
 *   PATCH /admin/offices/:id      { name, labels: { fr, nl, en }, routingModel }
 *   POST  /admin/teams            form a team { code, name, labels, tier, office, assignmentMode }
 *   PATCH /admin/teams/:id        { name, labels: { fr, nl, en }, tier, office, assignmentMode, active }
 *   GET   /admin/routing/rules    the arrival rules in order
 *   POST  /admin/routing/rules    create a rule
 *   PUT   /admin/routing/rules/:id  change one (deactivate: `active: false`)
 *   POST  /admin/routing/rules/order  { ids } every rule once, in the new order
 *   POST  /admin/routing/test     "which team would this ticket go to?" and why
 */
import { labelsSchema } from '../lib/labels.js';
import { z } from 'zod';
import { administratorsOnly } from '../auth/administrator.js';
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { assignmentModes, channels, officeModels, tiers, ticketLanguages } from '../lib/ticket.vocabulary.js';
import {
  createOffice,
  createTeam,
  officesAndTeams,
  tryRouting,
  updateOffice,
  updateTeam,
  type OpenTicketsOfOffice,
  type OpenTicketsOfTeam,
} from './routing-admin.js';
import { routingRulesWithReach } from './routing-rules.view.js';
import { createRule, knownMailbox, reorderRules, updateRule } from './routing-rules-admin.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
const byId = { params: z.strictObject({ id: z.string().max(200) }) };
const name = z.string().trim().min(1).max(80);
const officeId = z.string().regex(/^[0-9a-f]{24}$/i, 'an office id');
const officeChange = {
  ...byId,
  body: z.strictObject({
    name: name.optional(),
    labels: labelsSchema.optional(),
    routingModel: z.enum(officeModels).optional(),
    active: z.boolean().optional(),
  }),
};
const tier = z.union(tiers.map((t) => z.literal(t)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>]);
const teamChange = {
  ...byId,
  body: z.strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    labels: labelsSchema.optional(),
    tier: tier.optional(),
    office: officeId.nullable().optional(),
    assignmentMode: z.enum(assignmentModes).optional(),
    active: z.boolean().optional(),
  }),
};
/** A new office's or team's code: stable, lower case, as in URLs and reports (`namur`, `conseil-namur`). */
export const officeCode = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{2,40}$/, '2 to 40 characters: a-z, 0-9 and -');
export const teamCode = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{2,60}$/, '2 to 60 characters: a-z, 0-9 and -');
export const officeCreateBody = z.strictObject({ code: officeCode, name, labels: labelsSchema.optional(), routingModel: z.enum(officeModels).optional() });
export const teamCreateBody = z.strictObject({
  code: teamCode,
  name: z.string().trim().min(1).max(120),
  labels: labelsSchema.optional(),
  tier,
  office: officeId.nullable(),
  assignmentMode: z.enum(assignmentModes).optional(),
});
const officeCreate = { body: officeCreateBody };
const teamCreate = { body: teamCreateBody };
export const routingTrialBody = z.strictObject({
  category: z
    .string()
    .regex(/^[a-z0-9_]{2,40}$/)
    .nullable()
    .optional(),
  channel: z.enum(channels),
  mailbox: z.string().trim().max(254).nullable().optional(),
  language: z.enum(ticketLanguages),
  email: z.string().trim().email().max(254).nullable().optional(),
  office: officeId.nullable().optional(),
});
const trial = { body: routingTrialBody };
/** A whole rule as an administrator writes it: null conditions match anything. */
export const routingRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  order: z.number().int().min(0).max(100_000),
  active: z.boolean().default(true),
  match: z.strictObject({
    category: z
      .string()
      .regex(/^[a-z0-9_]{2,40}$/)
      .nullable()
      .default(null),
    channel: z.enum(channels).nullable().default(null),
    mailbox: z.string().trim().min(1).max(254).nullable().default(null),
    language: z.enum(ticketLanguages).nullable().default(null),
    office: officeId.nullable().default(null),
  }),
  team: z.string().regex(/^[0-9a-f]{24}$/i, 'a team id'),
});
const ruleCreate = { body: routingRuleBody };
const ruleChange = { ...byId, body: routingRuleBody };
const ruleOrder = { body: z.strictObject({ ids: z.array(z.string().max(30)).min(1).max(500) }) };

/**
 * `mailboxes`: the mailboxes mail arrives by (mail/inbound/smtp-receiver.ts `knownMailboxes`), the only ones a rule may name;
 * `openTicketsOfTeam`: a team's open tickets, which its deactivation checks (from the tickets layer).
 */
export function routingAdminRoutes(options: {
  mailboxes: readonly string[];
  openTicketsOfTeam: OpenTicketsOfTeam;
  openTicketsOfOffice: OpenTicketsOfOffice;
}): RouteSpec[] {
  const withMailbox = (body: z.infer<typeof routingRuleBody>) => ({
    ...body,
    match: { ...body.match, mailbox: knownMailbox(body.match.mailbox, options.mailboxes) },
  });
  return [
    route({
      method: 'get',
      path: '/admin/offices',
      tag,
      summary: 'Every office and team, inactive included (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json(await officesAndTeams());
      },
    }),
    route({
      method: 'post',
      path: '/admin/offices',
      tag,
      summary: 'Open an office; until a tier-1 team serves it, its requests go to the default office (administrators; audited)',
      access,
      before,
      success: 201,
      ...officeCreate,
      handler: async (req, res) => {
        res.status(201).json({ office: await createOffice(requireActor(req), valid(req, officeCreate).body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/teams',
      tag,
      summary: 'Form a team: a tier-1 team serves an office (administrators; audited)',
      access,
      before,
      success: 201,
      ...teamCreate,
      handler: async (req, res) => {
        res.status(201).json({ team: await createTeam(requireActor(req), valid(req, teamCreate).body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'patch',
      path: '/admin/offices/:id',
      tag,
      summary:
        'Rename an office, set its routing model, or close it (`active: false`: once it is not the default and no active team, staff member or open request is left in it) (administrators; audited)',
      access,
      before,
      ...officeChange,
      handler: async (req, res) => {
        const { params, body } = valid(req, officeChange);
        res.json({
          office: await updateOffice(
            requireActor(req),
            params.id,
            body,
            { ip: req.ip },
            { ofOffice: options.openTicketsOfOffice, ofTeam: options.openTicketsOfTeam },
          ),
        });
      },
    }),
    route({
      method: 'patch',
      path: '/admin/teams/:id',
      tag,
      summary: 'Rename a team, set its tier, office or assignment mode, deactivate it (administrators; audited)',
      access,
      before,
      ...teamChange,
      handler: async (req, res) => {
        const { params, body } = valid(req, teamChange);
        res.json({ team: await updateTeam(requireActor(req), params.id, body, { ip: req.ip }, options.openTicketsOfTeam) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/routing/rules',
      tag,
      summary:
        'The arrival routing rules, in the order they are tried, each with whether it can ever apply (`neverApplies`: the rules before it take every ticket it matches, or none can match it) (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ rules: await routingRulesWithReach() });
      },
    }),
    route({
      method: 'post',
      path: '/admin/routing/rules',
      tag,
      summary: 'Create an arrival routing rule: conditions and a tier-1 team (administrators; audited)',
      access,
      before,
      success: 201,
      ...ruleCreate,
      handler: async (req, res) => {
        res.status(201).json({ rule: await createRule(requireActor(req), withMailbox(valid(req, ruleCreate).body), { ip: req.ip }) });
      },
    }),
    route({
      method: 'put',
      path: '/admin/routing/rules/:id',
      tag,
      summary: 'Change an arrival routing rule; `active: false` deactivates it (administrators; audited)',
      access,
      before,
      ...ruleChange,
      handler: async (req, res) => {
        const { params, body } = valid(req, ruleChange);
        res.json({ rule: await updateRule(requireActor(req), params.id, withMailbox(body), { ip: req.ip }) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/routing/rules/order',
      tag,
      summary: 'Put the arrival routing rules in a new order: every rule id once (administrators; audited)',
      access,
      before,
      ...ruleOrder,
      handler: async (req, res) => {
        res.json({ rules: await reorderRules(requireActor(req), valid(req, ruleOrder).body.ids, { ip: req.ip }) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/routing/test',
      tag,
      summary: 'Which team would a ticket with these facts go to, and why (administrators; changes nothing)',
      access,
      before,
      ...trial,
      handler: async (req, res) => {
        res.json({ routing: await tryRouting(requireActor(req), valid(req, trial).body) });
      },
    }),
  ];
}
