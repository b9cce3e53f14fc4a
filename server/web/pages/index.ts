/**
 * The staff web app's HTML pages under `/staff`: sign-in and sign-out, the queue,
 * the ticket page, the supervisor board and the administrators' mail page. Pages read
 * through the same query functions and policy as the API; actions go through the JSON
 * API from the browser (the mail page's "Send again" is a plain form with a CSRF token).
 * Mount in `createApp` after the API and before the 404 handler:
 *   app.use(staffPages(config, deps.api));
 */
import { Router } from 'express';
import { authenticate, createCsrf } from '../../auth/auth.middleware.js';
import type { AuthRouteOptions } from '../../auth/auth.routes.js';
import type { InboundPipeline } from '../../mail/inbound/pipeline.js';
import type { OnlineSource } from '../../realtime/online.js';
import { createAuthService } from '../../auth/auth.service.js';
import type { Config } from '../../config.js';
import { reportRoutes } from './reports/reports.routes.js';
import { boardRoutes } from './board.routes.js';
import { inboundAdminRoutes } from './inbound-admin.routes.js';
import { blockedSenderPages } from './blocked-senders.routes.js';
import { loginRoutes } from './login.routes.js';
import { housekeepingAdminRoutes } from './housekeeping-admin.routes.js';
import { adminPages } from './admin/admin-pages.js';
import { mailAdminRoutes } from './mail-admin.routes.js';
import { noStore, requirePageActor } from './page-auth.js';
import { renderStaffPage } from './staff-page.js';
import { wantsJson } from '../render.js';
import { queueRoutes } from './queue.routes.js';
import { ticketRoutes } from './ticket.routes.js';
import { newTicketRoutes } from './new-ticket.routes.js';
import { searchRoutes } from './search.routes.js';
import { historyRoutes } from './history.routes.js';
import { savedReplyPages } from './saved-replies.routes.js';
import { requireTotpEnrolment } from './account-paths.js';
import { accountPages } from './account.routes.js';
import { passwordRoutes } from './password.routes.js';
import { secondStepRoutes } from './second-step.routes.js';
import { staffAdminPages } from './staff-admin.routes.js';

export function staffPages(config: Config, options: { auth?: AuthRouteOptions; inbound: InboundPipeline; online: OnlineSource }): Router {
  const router = Router();
  const service = options.auth?.service ?? createAuthService(config.jwt);
  const tools = { csrf: createCsrf(config), online: options.online };
  // Only the staff area reads the auth cookies here; the API authenticates on its own.
  router.use('/staff', noStore, authenticate(config, service), requireTotpEnrolment(config));
  router.use(loginRoutes(config, tools, { ...options.auth, service }));
  router.use(secondStepRoutes(config, tools, { ...options.auth, service }));
  router.use(passwordRoutes(config, tools, options.auth));
  router.use(accountPages(config, tools, options.auth));
  router.use(staffAdminPages(config, tools));
  router.use(queueRoutes(config, tools));
  router.use(historyRoutes(config, tools));
  router.use(searchRoutes(config, tools));
  router.use(newTicketRoutes(config, tools));
  router.use(ticketRoutes(config, tools));
  router.use(savedReplyPages(config, tools));
  router.use(boardRoutes(config, tools));
  router.use(mailAdminRoutes(config, tools));
  router.use(inboundAdminRoutes(config, options.inbound, tools));
  router.use(blockedSenderPages(config, tools));
  router.use(housekeepingAdminRoutes(config, tools));
  router.use(adminPages(config, tools));
  router.use(reportRoutes(config, tools));
  // Last: an address under /staff that no page answers is a 404 in the staff layout (with its
  // navigation), for a signed-in person; without a session, the sign-in form (nothing revealed).
  router.all('/staff/{*rest}', requirePageActor, async (req, res, next) => {
    if (wantsJson(req)) {
      next();
      return;
    }
    const t = res.locals.t;
    await renderStaffPage(req, res, tools, 'staff-error', 'queue', { title: t('errors.not_found_title'), text: t('errors.not_found_text') }, 404);
  });
  return router;
}
