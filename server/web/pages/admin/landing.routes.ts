/**
 * `/staff/admin`: the administrators' landing page (where they arrive after signing in). One card a
 * section of the administration, and the latest changes of the audit trail.
 */
import { Router } from 'express';
import { latestAuditEntries } from '../../../audit/audit.queries.js';
import type { Config } from '../../../config.js';
import { createFormatter } from '../format.js';
import { adminPath, requirePageActor } from '../page-auth.js';
import { renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { administratorPage } from './admin-page.js';
import { auditLine } from './audit.view.js';
import { loadCatalog } from '../catalog.js';

/** The sections, in the order an installation is set up. `staff` is the accounts page. */
const sections = [
  { key: 'staff', href: `${adminPath}/staff` },
  { key: 'offices', href: `${adminPath}/offices` },
  { key: 'categories', href: `${adminPath}/categories` },
  { key: 'routing', href: `${adminPath}/routing` },
  { key: 'calendars', href: `${adminPath}/calendars` },
  { key: 'policies', href: `${adminPath}/sla-policies` },
  { key: 'mail', href: '/staff/mail' },
  { key: 'inbound', href: '/staff/inbound' },
  { key: 'members', href: `${adminPath}/members` },
  { key: 'mailsettings', href: `${adminPath}/mail-settings` },
  { key: 'housekeeping', href: `${adminPath}/housekeeping` },
  { key: 'audit', href: `${adminPath}/audit` },
] as const;

export function adminLandingRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  router.get(adminPath, requirePageActor, administratorPage(tools), async (req, res) => {
    const t = res.locals.t;
    const fmt = createFormatter(res.locals.locale, t, config.timeZone);
    const catalog = await loadCatalog(res.locals.locale);
    const latest = await latestAuditEntries(5);
    await renderStaffPage(req, res, tools, 'staff-admin', 'admin', {
      title: t('admin.title'),
      sections: sections.map((s) => ({ href: s.href, title: t(`admin.section.${s.key}.title`), text: t(`admin.section.${s.key}.text`) })),
      latest: latest.map((e) =>
        auditLine(e, {
          t,
          fmt,
          locale: res.locals.locale,
          nameOf: (id) => catalog.officeName(id) ?? catalog.teamName(id),
          categoryOf: (code) => catalog.categoryLabel(code),
        }),
      ),
    });
  });
  return router;
}
