/**
 * `GET /api/v1/messages/:id/original`: staff download the email a thread message was made from,
 * as it came (message/rfc822), for any ticket they may read: whatever Relais could not show
 * (a refused file, a part it did not understand) is never out of reach. The ticket policy decides
 * (tickets/ticket-attachments.ts); a message that did not come by mail is a 404, one whose bytes
 * the retention period removed a 410 that says so (raw-retention.ts).
 */
import { z } from 'zod';
import { requireActor } from '../../auth/current.js';
import { GoneError, NotFoundError } from '../../lib/errors.js';
import { route, type RouteSpec } from '../../lib/route-table.js';
import { valid } from '../../lib/validate.js';
import { readableOriginal } from '../../tickets/ticket-attachments.js';
import type { InboundPipeline } from './pipeline.js';

const byId = { params: z.strictObject({ id: z.string().max(64) }) };

export function originalMessageRoutes(pipeline: Pick<InboundPipeline, 'raw'>): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/messages/:id/original',
      tag: 'Attachments',
      access: { kind: 'staff', policy: 'read' },
      ...byId,
      summary: 'The email a thread message came in, as it was received (message/rfc822, as a download) — for a ticket you may read',
      handler: async (req, res) => {
        const actor = requireActor(req);
        const found = await readableOriginal(actor, valid(req, byId).params.id);
        let raw: Buffer;
        try {
          raw = await pipeline.raw(found.inbound);
        } catch (error) {
          if (error instanceof GoneError) throw error;
          req.log.error({ err: error, inbound: found.inbound }, 'original message missing from the inbound storage');
          throw new NotFoundError('The original of this message is missing.');
        }
        req.log.info({ message: found.message, inbound: found.inbound, by: String(actor.id) }, 'original message downloaded');
        res.set({
          'Content-Type': 'message/rfc822',
          'Content-Disposition': `attachment; filename="${found.ticketNumber}-${found.message.slice(-8)}.eml"`,
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
          'Cache-Control': 'private, no-store',
        });
        res.send(raw);
      },
    }),
  ];
}
