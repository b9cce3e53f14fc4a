/**
 * `GET /api/v1/blocked-senders` and `DELETE /api/v1/blocked-senders/:address`: the senders blocked
 * when marking spam, listed and unblocked (with a reason) by supervisors and administrators.
 */
import { z } from 'zod';
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { assertMayManageBlockedSenders, isBlockedCursor, listBlockedSenders, UNBLOCK_REASON_MAX, unblockSender } from './blocked-senders.service.js';

const tag = 'Blocked senders';

/** Why a block is lifted: required, kept in the audit trail. */
export const unblockReason = z.string().trim().min(1, 'say why the sender is unblocked').max(UNBLOCK_REASON_MAX);
export const blockedAddress = z.string().trim().max(320).email();

export function blockedSenderRoutes(): RouteSpec[] {
  const list = { query: z.strictObject({ before: z.string().max(400).refine(isBlockedCursor, 'not a page cursor').optional() }) };
  const unblock = { params: z.strictObject({ address: blockedAddress }), body: z.strictObject({ reason: unblockReason }) };
  return [
    route({
      method: 'get',
      path: '/blocked-senders',
      tag,
      summary: 'Senders blocked when a ticket was marked as spam, newest first (supervisors and administrators)',
      access: { kind: 'staff', policy: 'manage_blocked_senders' },
      ...list,
      handler: async (req, res) => {
        assertMayManageBlockedSenders(requireActor(req));
        res.json(await listBlockedSenders({ before: valid(req, list).query.before }));
      },
    }),
    route({
      method: 'delete',
      path: '/blocked-senders/:address',
      tag,
      summary: 'Unblock a sender, with a reason (audited): their next mail becomes a ticket again (supervisors and administrators)',
      access: { kind: 'staff', policy: 'manage_blocked_senders' },
      ...unblock,
      handler: async (req, res) => {
        const actor = requireActor(req);
        assertMayManageBlockedSenders(actor);
        const { params, body } = valid(req, unblock);
        const unblocked = await unblockSender(actor, params.address, body.reason, { ip: req.ip });
        req.log.info({ by: String(actor.id) }, 'sender unblocked');
        res.json({ unblocked });
      },
    }),
  ];
}
