/**
 * Stable reason codes carried by refusals (`error.reason` in a JSON error), so a client can say
 * why in the person's language instead of showing the server's English sentence. A leaf module:
 * the lifecycle table, the CSRF check and the browser code (client/lib/api.ts) all read it.
 */

/** Why the ticket's state refuses an action (server/tickets/ticket.lifecycle.ts). */
export const refusalCodes = [
  'ticket_closed',
  'ticket_resolved',
  'ticket_not_done',
  'already_held',
  'not_held',
  'last_tier',
  'first_tier',
  'already_rated',
  'not_allowed_now',
  'ticket_merged',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

/** Refusals of the administration and of accounts (staff-admin.ts, auth, privacy): each has its sentence too. */
export const accountRefusalCodes = [
  'email_taken',
  'own_admin_role',
  'own_account',
  'already_active',
  'not_invited',
  'link_used',
  'link_expired',
  'totp_required',
  'already_erased',
  'confirmation_mismatch',
  'report_not_pending',
  'unknown_placeholder',
  'placeholder_syntax',
  'code_taken',
  'label_taken',
  'team_office_mismatch',
  'closure_past',
  'unknown_reply_placeholder',
  'unchanged',
  'last_tier_one_team',
  'team_in_rules',
  'team_has_tickets',
  'last_team_of_tier',
  'office_is_default',
  'office_has_staff',
  'office_in_rules',
  'office_has_tickets',
  'office_closed',
] as const;

/** Why the policy refuses a person an action on a ticket they can read (server/tickets/ticket.policy.ts), and a claim of one's own ticket. */
export const policyRefusalCodes = ['read_only', 'not_your_queue', 'supervisor_only', 'hold_first', 'held_by_other', 'already_yours'] as const;
export type PolicyRefusalCode = (typeof policyRefusalCodes)[number];

/** Every reason code a client may receive. */
export const errorReasons = [...refusalCodes, ...policyRefusalCodes, 'stale_version', 'csrf_invalid', 'different_member', ...accountRefusalCodes] as const;
export type ErrorReason = (typeof errorReasons)[number];
