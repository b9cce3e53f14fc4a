/**
 * The administration's pages under `/staff/admin` (administrators only; see admin-page.ts). The
 * housekeeping page (../housekeeping-admin.routes.ts) and the mail pages (/staff/mail, /staff/inbound)
 * are reached from the landing page too.
 */
import { Router } from 'express';
import type { Config } from '../../../config.js';
import type { StaffPageTools } from '../staff-page.js';
import { auditPageRoutes } from './audit.routes.js';
import { catalogAdminPages } from './catalog.routes.js';
import { calendarAdminPages } from './calendars.routes.js';
import { routingAdminPages } from './routing.routes.js';
import { officeAdminPages } from './offices.routes.js';
import { slaPolicyPages } from './sla-policies.routes.js';
import { mailSettingsPages } from './mail-settings.routes.js';
import { adminLandingRoutes } from './landing.routes.js';
import { memberAdminPages } from './members.routes.js';

export function adminPages(config: Config, tools: StaffPageTools): Router {
  const router = Router();
  router.use(adminLandingRoutes(config, tools));
  router.use(auditPageRoutes(config, tools));
  router.use(catalogAdminPages(tools));
  router.use(calendarAdminPages(config, tools));
  router.use(slaPolicyPages(config, tools));
  router.use(mailSettingsPages(config, tools));
  router.use(officeAdminPages(tools));
  router.use(routingAdminPages(config, tools));
  router.use(memberAdminPages(config, tools));
  return router;
}
