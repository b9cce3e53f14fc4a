/**
 * `/api/v1/tickets/bulk` (one action on many tickets, a result each), and on one ticket: merge it
 * into another, link it to another and remove that link. Thin routes: each service authorizes
 * against every ticket it touches (bulk.commands.ts, ticket.merge.ts, ticket.links.ts).
 */
import type { Request } from 'express';
import { requireActor } from '../auth/current.js';
import { BadRequestError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { isActiveCategory } from '../catalog/catalog.queries.js';
import { actOnMany } from './bulk.commands.js';
import { linkTickets, unlinkTickets } from './ticket.links.js';
import { mergeTicket } from './ticket.merge.js';
import * as s from './ticket.schemas.js';

const tag = 'Tickets';

export function bulkRoutes(): RouteSpec[] {
  const bulk = { body: s.bulkBody };
  const merge = { params: s.ticketIdParams, body: s.mergeBody };
  const link = { params: s.ticketIdParams, body: s.linkBody };
  const linkRoute = (name: 'link' | 'unlink', summary: string, run: typeof linkTickets): RouteSpec =>
    route({
      method: 'post',
      path: `/tickets/:id/${name}`,
      tag,
      summary,
      access: { kind: 'staff', policy: 'link' },
      ...link,
      handler: async (req: Request, res) => {
        const { params, body } = valid(req, link);
        res.json({ ticket: await run({ actor: requireActor(req), ticketId: params.id, version: body.version, other: body.other }) });
      },
    });
  return [
    route({
      method: 'post',
      path: '/tickets/bulk',
      tag,
      summary:
        'Act on many tickets at once (at most 200): claim, assign, priority, category, resolve or spam — each ticket with the same checks as alone, and its own result',
      // Declared for the table; each ticket is authorized by its own command (a refusal is that ticket's result).
      access: { kind: 'staff', policy: 'bulk' },
      ...bulk,
      handler: async (req, res) => {
        const { body } = valid(req, bulk);
        if (body.action === 'category' && body.category && !(await isActiveCategory(body.category))) {
          throw new BadRequestError(`"${body.category}" is not a category. See GET /api/v1/categories.`, [{ path: 'category', message: 'unknown category' }]);
        }
        const { tickets, ...what } = body;
        res.json(await actOnMany(requireActor(req), tickets, what));
      },
    }),
    route({
      method: 'post',
      path: '/tickets/:id/merge',
      tag,
      summary:
        'Merge this duplicate into another ticket of the same member (`into`: its number or id): messages and files move, it closes, the member is told once',
      access: { kind: 'staff', policy: 'merge' },
      ...merge,
      handler: async (req, res) => {
        const { params, body } = valid(req, merge);
        res.json({ ticket: await mergeTicket({ actor: requireActor(req), ticketId: params.id, version: body.version, into: body.into, note: body.note }) });
      },
    }),
    linkRoute('link', 'Link a related ticket (`other`: its number or id), on both tickets', linkTickets),
    linkRoute('unlink', 'Remove the link to a related ticket, on both tickets', unlinkTickets),
  ];
}
