/**
 * The JSON API under /api/v1: authentication first (Bearer or cookie), CSRF for
 * cookie-authenticated unsafe requests, then every route of the route table.
 */
import { Router } from 'express';
import { authenticate, csrfProtection, requireStaff } from '../auth/auth.middleware.js';
import { authRoutes, type AuthRouteOptions } from '../auth/auth.routes.js';
import type { InboundPipeline } from '../mail/inbound/pipeline.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { catalogRoutes } from '../catalog/catalog.routes.js';
import { catalogAdminRoutes } from '../catalog/catalog-admin.routes.js';
import { routingConfigRoutes } from '../routing/routing-config.routes.js';
import { routingAdminRoutes } from '../routing/routing-admin.routes.js';
import { openTicketsOfOffice, openTicketsOfTeam } from '../tickets/working-set.js';
import { privacyAdminRoutes } from '../privacy/privacy-admin.routes.js';
import { slaAdminRoutes } from '../sla/sla-admin.routes.js';
import { policyAdminRoutes } from '../sla/policy-admin.routes.js';
import { handoffRoutes } from '../assignment/handoff.routes.js';
import type { Config } from '../config.js';
import { mountRoutes } from '../lib/route-table.js';
import { inboundAdminRoutes } from '../mail/inbound/inbound-admin.routes.js';
import { knownMailboxes } from '../mail/inbound/smtp-receiver.js';
import { originalMessageRoutes } from '../mail/inbound/original.routes.js';
import { outboxAdminRoutes } from '../mail/outbox-admin.routes.js';
import { mailSettingsRoutes } from '../mail/mail-settings.routes.js';
import { attachmentRoutes } from '../tickets/attachment.routes.js';
import { ticketRoutes } from '../tickets/ticket.routes.js';
import { bulkRoutes } from '../tickets/bulk.routes.js';
import { searchRoutes } from '../search/search.routes.js';
import { savedReplyRoutes } from '../replies/saved-reply.routes.js';
import { staffAdminRoutes } from '../staff/staff-admin.routes.js';
import { blockedSenderRoutes } from '../tickets/blocked-senders.routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { apiOpenWithoutTotp, requireTotpEnrolment } from './pages/account-paths.js';

export const apiPrefix = '/api/v1';

export function apiRouter(config: Config, options: { auth?: AuthRouteOptions; inbound: InboundPipeline }): Router {
  const router = Router();
  const v1 = Router();
  v1.use(authenticate(config));
  v1.use(csrfProtection(config));
  v1.use(requireTotpEnrolment(config, apiOpenWithoutTotp, false));
  mountRoutes(
    v1,
    apiPrefix,
    [
      ...authRoutes(config, options.auth),
      ...ticketRoutes(config),
      ...bulkRoutes(),
      ...searchRoutes(),
      ...savedReplyRoutes(),
      ...catalogRoutes(),
      ...staffAdminRoutes(),
      ...routingConfigRoutes(),
      ...handoffRoutes(),
      ...attachmentRoutes(config),
      ...outboxAdminRoutes(),
      ...mailSettingsRoutes(config),
      ...inboundAdminRoutes(options.inbound),
      ...blockedSenderRoutes(),
      ...originalMessageRoutes(options.inbound),
      ...auditRoutes(),
      ...catalogAdminRoutes(),
      ...slaAdminRoutes(),
      ...policyAdminRoutes(),
      ...routingAdminRoutes({ mailboxes: knownMailboxes(config), openTicketsOfTeam, openTicketsOfOffice }),
      ...privacyAdminRoutes(config),
    ],
    requireStaff,
  );
  router.use(apiPrefix, v1);
  let document: Record<string, unknown> | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(config.publicUrl);
    res.json(document);
  });
  return router;
}
