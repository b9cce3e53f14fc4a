/**
 * `/api/v1/tickets…`: thin routes. Each parses (route table + zod), and calls one
 * service function, which authorizes against the ticket and acts.
 */
import { Types } from 'mongoose';
import type { Request } from 'express';
import type { output } from 'zod';
import { checkUploads } from '../attachments/attachments.service.js';
import { multipartBody } from '../attachments/multipart-body.js';
import { attachmentStorage } from '../attachments/storage.js';
import { requireActor } from '../auth/current.js';
import type { Config } from '../config.js';
import { BadRequestError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { OfficeModel } from '../offices/office.model.js';
import { isActiveCategory } from '../catalog/catalog.queries.js';
import { addNote, claimTicket, releaseTicket, reopenTicket, replyToTicket, resolveTicket, updateTicket } from './ticket.commands.js';
import { escalateTicket, reassignTicket, returnTicket } from './ticket.moves.js';
import { createTicket } from './ticket.create.js';
import { getTicketDetail, ticketHistory } from './ticket.queries.js';
import { listTickets } from './ticket-list.queries.js';
import { explainTicket } from './ticket.explain.js';
import { presentTicket } from './ticket.presenter.js';
import * as s from './ticket.schemas.js';

const tag = 'Tickets';

async function officeFor(req: Request, office: string | undefined): Promise<Types.ObjectId | null> {
  const actor = requireActor(req);
  if (!office) return actor.office;
  const found =
    Types.ObjectId.isValid(office) && /^[0-9a-f]{24}$/i.test(office)
      ? await OfficeModel.findById(office, { _id: 1, active: 1 }).lean()
      : await OfficeModel.findOne({ code: office }, { _id: 1, active: 1 }).lean();
  if (!found) throw new BadRequestError('Unknown office.', [{ path: 'office', message: 'no office with this id or code' }]);
  if (found.active === false) throw new BadRequestError('This office is closed.', [{ path: 'office', message: 'this office is closed' }]);
  return found._id;
}

async function checkCategory(category: string | null | undefined): Promise<void> {
  if (!category) return;
  if (!(await isActiveCategory(category))) {
    throw new BadRequestError(`"${category}" is not a category. See GET /api/v1/categories.`, [{ path: 'category', message: 'unknown category' }]);
  }
}

/** A command route: POST /tickets/:id/<name> with a body schema and a policy action. */
function command<B extends s.CommandBody>(
  name: string,
  policy: string,
  summary: string,
  body: B,
  run: (req: Request, id: string, b: output<B>) => Promise<unknown>,
): RouteSpec {
  const spec = {
    method: 'post' as const,
    path: `/tickets/:id/${name}`,
    tag,
    summary,
    access: { kind: 'staff' as const, policy },
    params: s.ticketIdParams,
    body,
  };
  return route({
    ...spec,
    handler: async (req, res) => {
      const { params, body: parsed } = valid(req, spec);
      res.json({ ticket: await run(req, params.id, parsed as output<B>) });
    },
  });
}

/**
 * `POST /tickets/:id/replies`: JSON, or `multipart/form-data` with the same JSON in `payload` and
 * files in `attachments` — the members' limits and allow-list: too large or too many → 413, a
 * type not allowed or an empty file → 422, each naming the file. Files are stored only when the
 * reply is allowed (the command checks the policy, the version and the state first).
 */
function replyRoute(config: Config): RouteSpec {
  const spec = { params: s.ticketIdParams, body: s.replyBody };
  const storage = attachmentStorage(config);
  return route({
    method: 'post',
    path: '/tickets/:id/replies',
    tag,
    summary:
      'Public reply to the member, in the reply markup (**bold**, *italic*, lists, [links](https://…)); with files: multipart/form-data, the JSON body in `payload`, files in `attachments`',
    access: { kind: 'staff', policy: 'reply' },
    ...spec,
    before: [multipartBody(config.attachments)],
    handler: async (req, res) => {
      const { params, body } = valid(req, spec);
      const uploads = req.uploads ? await checkUploads(req.uploads.files, req.uploads.rejected, config.attachments) : [];
      const ticket = await replyToTicket({
        actor: requireActor(req),
        ticketId: params.id,
        version: body.version,
        text: body.text,
        waitForMember: body.waitForMember,
        files: uploads.length > 0 ? { uploads, storage } : undefined,
      });
      res.json({ ticket });
    },
  });
}

export function ticketRoutes(config: Config): RouteSpec[] {
  const list = { query: s.listTicketsQuery };
  const create = { body: s.createTicketBody };
  const byId = { params: s.ticketIdParams };
  return [
    route({
      method: 'get',
      path: '/tickets',
      tag,
      summary:
        'List the tickets of your work (open, and resolved in the last 14 days; sorted by due date then age) or, with `history=true` or `status=closed`, your history: every resolved or closed ticket of any age, most recently done first. Cursor pagination: a history page may hold fewer tickets than `limit` (each request reads a bounded part of the history); go on while `nextCursor` is not null',
      access: { kind: 'staff', policy: 'read' },
      ...list,
      handler: async (req, res) => {
        const { query } = valid(req, list);
        res.json(await listTickets(requireActor(req), query));
      },
    }),
    route({
      method: 'post',
      path: '/tickets',
      tag,
      summary:
        'Create a ticket on behalf of a member (e.g. after a phone call); `acknowledge: true` mails them the acknowledgement. For a member of another office, their details are withheld',
      success: 201,
      access: { kind: 'staff', policy: 'create' },
      ...create,
      handler: async (req, res) => {
        const { body } = valid(req, create);
        const actor = requireActor(req);
        await checkCategory(body.category);
        const ticket = await createTicket({
          actor,
          subject: body.subject,
          body: body.body,
          member: body.member,
          channel: body.channel ?? 'phone',
          category: body.category ?? null,
          language: body.language ?? body.member.language ?? null,
          priority: body.priority,
          office: await officeFor(req, body.office),
          // The member did not write: no email goes out unless the staff member asked for one.
          acknowledge: body.acknowledge === true,
        });
        res.status(201).json({ ticket: presentTicket(ticket, actor) });
      },
    }),
    route({
      method: 'get',
      path: '/tickets/:id',
      tag,
      summary: 'A ticket with its thread and escalation trail',
      access: { kind: 'staff', policy: 'read' },
      ...byId,
      handler: async (req, res) => {
        res.json(await getTicketDetail(requireActor(req), valid(req, byId).params.id));
      },
    }),
    route({
      method: 'get',
      path: '/tickets/:id/history',
      tag,
      summary: 'Every event of the ticket, in order, with reasons',
      access: { kind: 'staff', policy: 'read' },
      ...byId,
      handler: async (req, res) => {
        res.json({ events: await ticketHistory(requireActor(req), valid(req, byId).params.id) });
      },
    }),
    route({
      method: 'get',
      path: '/tickets/:id/explain',
      tag,
      summary: 'Why is this ticket here?',
      access: { kind: 'staff', policy: 'read' },
      ...byId,
      handler: async (req, res) => {
        res.json(await explainTicket(requireActor(req), valid(req, byId).params.id));
      },
    }),
    command('claim', 'claim', 'Take the ticket (accepts a pending escalation)', s.versionBody, (req, id, b) =>
      claimTicket({ actor: requireActor(req), ticketId: id, version: b.version }),
    ),
    command('release', 'release', 'Put the ticket back in its queue', s.versionBody, (req, id, b) =>
      releaseTicket({ actor: requireActor(req), ticketId: id, version: b.version, note: b.note }),
    ),
    replyRoute(config),
    command(
      'notes',
      'note',
      'Internal note (never shown to the member; added to the ticket as it is now: an older `version` is not refused)',
      s.noteBody,
      (req, id, b) => addNote({ actor: requireActor(req), ticketId: id, version: b.version, text: b.text }),
    ),
    command('escalate', 'escalate', 'Escalate to the next tier with a reason code and a handoff note', s.escalateBody, (req, id, b) =>
      escalateTicket({ actor: requireActor(req), ticketId: id, version: b.version, reason: b.reason, handoff: b.handoff }),
    ),
    command('return', 'return', 'Send the ticket back one tier with a note (a bounce-back)', s.returnBody, (req, id, b) =>
      returnTicket({ actor: requireActor(req), ticketId: id, version: b.version, note: b.note, reason: b.reason }),
    ),
    command('reassign', 'reassign', 'Supervisor: move to a tier, team or person, with a reason', s.reassignBody, (req, id, b) =>
      reassignTicket({ actor: requireActor(req), ticketId: id, version: b.version, reason: b.reason, tier: b.tier, team: b.team, assignee: b.assignee }),
    ),
    command('resolve', 'resolve', 'Resolve the ticket (a note is sent to the member in the resolution mail)', s.versionBody, (req, id, b) =>
      resolveTicket({ actor: requireActor(req), ticketId: id, version: b.version, note: b.note }),
    ),
    command('reopen', 'reopen', 'Reopen a resolved or closed ticket', s.versionBody, (req, id, b) =>
      reopenTicket({ actor: requireActor(req), ticketId: id, version: b.version, note: b.note }),
    ),
    command('update', 'update', 'Change priority, category and/or the language the member is written to in', s.updateBody, async (req, id, b) => {
      await checkCategory(b.category);
      return updateTicket({ actor: requireActor(req), ticketId: id, version: b.version, priority: b.priority, category: b.category, language: b.language });
    }),
  ];
}
