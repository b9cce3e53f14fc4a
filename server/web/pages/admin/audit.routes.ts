/**
 * `/staff/admin/audit`: the administration's audit trail, latest first, filtered by kind of record,
 * a page of 50 at a time (the next page continues from the last entry's time: see audit.queries.ts).
 * Administrators only: entries name people and show what they changed.
 */
import { Router } from 'express';
import { z } from 'zod';
import { auditKinds, isAuditCursor, listAudit } from '../../../audit/audit.queries.js';
import type { Config } from '../../../config.js';
import { createFormatter } from '../format.js';
import { adminPath, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage } from './admin-page.js';
import { auditLine } from './audit.view.js';
import { loadCatalog } from '../catalog.js';

export const auditPath = `${adminPath}/audit`;

/** Shared with the API (`GET /api/v1/admin/audit`). */
export const auditQuery = z.strictObject({
  kind: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  before: z.string().max(60).refine(isAuditCursor, 'not a page cursor').optional(),
  lang: z.string().max(5).optional(),
});

export function auditPageRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  router.get(auditPath, requirePageActor, administratorPage(tools), async (req, res) => {
    const t = res.locals.t;
    const parsed = auditQuery.safeParse(req.query);
    if (!parsed.success) {
      await renderStaffPage(req, res, tools, 'staff-error', 'admin', { title: t('admin.audit.title'), text: t('admin.audit.bad_query') }, 400);
      return;
    }
    const { kind, before } = parsed.data;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const catalog = await loadCatalog(res.locals.locale);
    const page = await listAudit({ kind, before });
    const href = (params: Record<string, string | undefined>) => {
      const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
      const s = q.toString();
      return s ? `${auditPath}?${s}` : auditPath;
    };
    await renderStaffPage(req, res, tools, 'staff-admin-audit', 'admin', {
      title: t('admin.audit.title'),
      kinds: [
        { value: '', label: t('admin.audit.all_kinds'), selected: !kind },
        ...auditKinds.map((k) => ({ value: k, label: t(`admin.audit.kind.${k}`), selected: k === kind })),
        // A kind written by another part of Relais, not in the list: still selectable once filtered on.
        ...(kind && !(auditKinds as readonly string[]).includes(kind) ? [{ value: kind, label: kind, selected: true }] : []),
      ],
      entries: page.entries.map((e) =>
        auditLine(e, {
          t,
          fmt,
          locale: res.locals.locale,
          nameOf: (id) => catalog.officeName(id) ?? catalog.teamName(id),
          categoryOf: (code) => catalog.categoryLabel(code),
          targetName: ({ kind, id, label }) => {
            // The catalog answers the code itself for a category or reason it does not know (a retired one).
            const known = (name: string | null) => (name && name !== id ? name : undefined);
            if (kind === 'category') return known(catalog.categoryLabel(id));
            if (kind === 'reason_code') return known(catalog.reasonLabel(id));
            if (kind === 'sla_policy') return catalog.slaName({ id, name: label });
            if (kind === 'office') return catalog.officeName(id) ?? undefined;
            if (kind === 'team') return catalog.teamName(id) ?? undefined;
            return undefined;
          },
        }),
      ),
      nextHref: page.next ? href({ kind, before: page.next }) : null,
      firstHref: before ? href({ kind }) : null,
    });
  });
  return router;
}
