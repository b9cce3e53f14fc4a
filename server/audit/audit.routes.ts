/**
 * `GET /api/v1/admin/audit`: the audit trail as JSON, the same pages as `/staff/admin/audit`
 * (latest first, `kind` of record, `before` = the cursor the previous page gave). Administrators only.
 */
import { z } from 'zod';
import { administratorsOnly } from '../auth/administrator.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import type { AuditEntry } from './audit.model.js';
import { isAuditCursor, listAudit } from './audit.queries.js';

const tag = 'Administration';
const auditList = {
  query: z.strictObject({
    kind: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional(),
    before: z.string().max(60).refine(isAuditCursor, 'not a page cursor').optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  }),
};

/** An entry as the API gives it (no internal fields besides its id). */
export function presentAuditEntry(e: AuditEntry) {
  return {
    id: String(e._id),
    at: e.at.toISOString(),
    actor: { id: e.actor ? String(e.actor) : null, name: e.actorName },
    action: e.action,
    target: { kind: e.target?.kind ?? '', id: e.target?.id ?? '', label: e.target?.label ?? '' },
    before: (e.before ?? null) as unknown,
    after: (e.after ?? null) as unknown,
  };
}

export function auditRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/audit',
      tag,
      summary: 'The audit trail, latest first, by kind of record, paged by cursor (administrators)',
      access: { kind: 'staff', policy: 'administer' },
      before: [administratorsOnly],
      ...auditList,
      handler: async (req, res) => {
        const { query } = valid(req, auditList);
        const page = await listAudit(query);
        res.json({ entries: page.entries.map(presentAuditEntry), next: page.next });
      },
    }),
  ];
}
