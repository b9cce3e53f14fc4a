/**
 * `/api/v1/saved-replies…`, `/api/v1/tickets/:id/saved-replies/:replyId` and `/api/v1/me/signatures`:
 * thin routes; saved-reply.policy.ts decides (in the service) who reads and manages what.
 */
import type { Request } from 'express';
import { requireActor } from '../auth/current.js';
import type { StaffActor } from '../auth/actor.js';
import { UnauthorizedError } from '../lib/errors.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import * as s from './saved-reply.schemas.js';
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  getSignatures,
  listSavedReplies,
  renderSavedReply,
  setSignatures,
  updateSavedReply,
} from './saved-replies.service.js';

const tag = 'Saved replies';
const access = { kind: 'staff' as const, policy: 'saved_reply' };

function staff(req: Request): StaffActor {
  const actor = requireActor(req);
  if (actor.kind !== 'staff') throw new UnauthorizedError();
  return actor;
}

export function savedReplyRoutes(): RouteSpec[] {
  const byId = { params: s.savedReplyIdParams };
  const create = { body: s.createSavedReplyBody };
  const update = { params: s.savedReplyIdParams, body: s.updateSavedReplyBody };
  const render = { params: s.ticketSavedReplyParams };
  const signatures = { body: s.signaturesBody };
  return [
    route({
      method: 'get',
      path: '/saved-replies',
      tag,
      summary: 'The saved replies you may use: your personal ones, then those shared with your office or everyone',
      access,
      handler: async (req, res) => {
        res.json({ savedReplies: await listSavedReplies(staff(req), res.locals.locale) });
      },
    }),
    route({
      method: 'post',
      path: '/saved-replies',
      tag,
      summary: 'Create a saved reply: personal (anyone), shared with an office (its supervisors, administrators) or with everyone (administrators)',
      success: 201,
      access,
      ...create,
      handler: async (req, res) => {
        res.status(201).json({ savedReply: await createSavedReply(staff(req), valid(req, create).body, res.locals.locale) });
      },
    }),
    route({
      method: 'get',
      path: '/saved-replies/:id',
      tag,
      summary: 'One saved reply you may use',
      access,
      ...byId,
      handler: async (req, res) => {
        res.json({ savedReply: await getSavedReply(staff(req), valid(req, byId).params.id, res.locals.locale) });
      },
    }),
    route({
      method: 'patch',
      path: '/saved-replies/:id',
      tag,
      summary: 'Change a saved reply you manage (title, texts)',
      access,
      ...update,
      handler: async (req, res) => {
        const { params, body } = valid(req, update);
        res.json({ savedReply: await updateSavedReply(staff(req), params.id, body, res.locals.locale) });
      },
    }),
    route({
      method: 'delete',
      path: '/saved-replies/:id',
      tag,
      summary: 'Delete a saved reply you manage',
      success: 204,
      access,
      ...byId,
      handler: async (req, res) => {
        await deleteSavedReply(staff(req), valid(req, byId).params.id);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/tickets/:id/saved-replies/:replyId',
      tag,
      summary:
        "A saved reply's text for a ticket you may read: in the ticket's language, placeholders ({member.name}, {ticket.number}, {advisor.name}…) filled; text for the reply box, not HTML",
      access,
      ...render,
      handler: async (req, res) => {
        const { params } = valid(req, render);
        res.json(await renderSavedReply(staff(req), params.id, params.replyId));
      },
    }),
    route({
      method: 'get',
      path: '/me/signatures',
      tag,
      summary: 'Your signatures, one per reply language (added under your replies)',
      access,
      handler: async (req, res) => {
        res.json({ signatures: await getSignatures(staff(req)) });
      },
    }),
    route({
      method: 'put',
      path: '/me/signatures',
      tag,
      summary: 'Set your signatures (fr, nl, en; empty or null removes one)',
      access,
      ...signatures,
      handler: async (req, res) => {
        res.json({ signatures: await setSignatures(staff(req), valid(req, signatures).body) });
      },
    }),
  ];
}
