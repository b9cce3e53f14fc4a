/** Registers every Mongoose model, so `ensureIndexes()` sees them all. */
import './offices/office.model.js';
import './teams/team.model.js';
import './staff/staff.model.js';
import './members/member.model.js';
import './catalog/category.model.js';
import './routing/routing-rule.model.js';
import './tickets/ticket.model.js';
import './tickets/message.model.js';
import './tickets/escalation.model.js';
import './tickets/ticket-event.model.js';
import './tickets/ticket-merge.model.js';
import './members/blocked-sender.model.js';
import './auth/session.model.js';
import './auth/unlock.model.js';
import './auth/sign-in-counts.js';
import './mail/mail.models.js';
import './sla/policy.js';
import './sla/calendar.model.js';
import './sla/recompute-job.model.js';
import './attachments/attachment.model.js';
import './replies/saved-reply.model.js';
import './tickets/form-submission.model.js';
import './mail/inbound/inbound.model.js';
import './members/member-lookup.js';
import './members/link-request.model.js';
import './members/link-use.model.js';
import './housekeeping/housekeeping.js';
// The reports' day documents (their change keys are an enricher registered by server/enrichers.ts).
import './reports/day-facts.js';
// Marks of journal events the search index has not taken yet (server/search/search.indexer.ts).
import './search/search-pending.model.js';
// The administration's audit trail (server/audit/audit.ts).
import './audit/audit.model.js';
