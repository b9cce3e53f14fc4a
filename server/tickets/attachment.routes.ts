/**
 * `GET /api/v1/attachments/:id`: staff download an attachment of a ticket they may read.
 * Attachments are never under a public static path: this route and the member page's
 * (`/suivi/pieces/:id`) are the only ways to their bytes.
 */
import { z } from 'zod';
import { sendAttachment } from '../attachments/attachments.service.js';
import { attachmentStorage } from '../attachments/storage.js';
import { requireActor } from '../auth/current.js';
import type { Config } from '../config.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { readableAttachment } from './ticket-attachments.js';

const tag = 'Attachments';
export const attachmentIdParams = z.strictObject({ id: z.string().max(64) });

export function attachmentRoutes(config: Config): RouteSpec[] {
  const storage = attachmentStorage(config);
  const byId = { params: attachmentIdParams };
  return [
    route({
      method: 'get',
      path: '/attachments/:id',
      tag,
      summary: 'Download an attachment (as a file, never displayed inline) of a ticket you may read',
      access: { kind: 'staff', policy: 'read' },
      ...byId,
      handler: async (req, res) => {
        const attachment = await readableAttachment(requireActor(req), valid(req, byId).params.id);
        await sendAttachment(res, attachment, storage);
      },
    }),
  ];
}
