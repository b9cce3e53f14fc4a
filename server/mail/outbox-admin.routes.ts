/** `POST /api/v1/outbox/:id/retry`: administrators send a failed outgoing message again. */
import { z } from 'zod';
import { requireActor } from '../auth/current.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { assertMayAdministerMail, presentOutboxMail, retryFailedMail } from './outbox-admin.js';

const tag = 'Mail';
const byId = { params: z.strictObject({ id: z.string().max(64) }) };

export function outboxAdminRoutes(): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/outbox/:id/retry',
      tag,
      summary: 'Send a failed outgoing message again: it is queued, due now, its attempts kept (administrators only)',
      access: { kind: 'staff', policy: 'administer_mail' },
      ...byId,
      handler: async (req, res) => {
        const { params } = valid(req, byId);
        const actor = requireActor(req);
        // The role first: to anyone else, every id answers the same 403.
        assertMayAdministerMail(actor);
        const mail = await retryFailedMail(params.id, new Date());
        req.log.info({ outbox: String(mail._id), by: String(actor.id) }, 'failed mail queued again');
        res.json({ outbox: presentOutboxMail(mail) });
      },
    }),
  ];
}
