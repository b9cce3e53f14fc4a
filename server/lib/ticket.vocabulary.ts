/**
 * The words a ticket is described with: statuses, priorities, channels, languages, tiers, office
 * models and its number's shape. A leaf module (it imports nothing), so models, the SLA engine, reports, views
 * and the browser code all read the same lists.
 */

export const ticketStatuses = ['new', 'open', 'pending_member', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Statuses in which someone still has work to do (queues, board, workload, SLA clocks). */
export const openStatuses = ['new', 'open', 'pending_member'] as const satisfies readonly TicketStatus[];
export type OpenStatus = (typeof openStatuses)[number];

/** Statuses of a ticket that is done: it can only be read, noted, reopened (and rated by the member). */
export const doneStatuses = ['resolved', 'closed'] as const satisfies readonly TicketStatus[];

export function isOpenStatus(status: string): status is OpenStatus {
  return (openStatuses as readonly string[]).includes(status);
}

export function isDoneStatus(status: string): boolean {
  return (doneStatuses as readonly string[]).includes(status);
}

export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

/** What a queue list can be sorted by (tickets/queue-order.ts); `due` is the default. */
export const queueSortKeys = ['due', 'age', 'priority', 'subject', 'member', 'category', 'status'] as const;
export type QueueSortKey = (typeof queueSortKeys)[number];

export const channels = ['web', 'email', 'phone', 'visit', 'api'] as const;
export type Channel = (typeof channels)[number];

/** Languages a ticket, a member or a staff member can have (German: the Eastern cantons). */
export const ticketLanguages = ['fr', 'nl', 'en', 'de'] as const;
export type TicketLanguage = (typeof ticketLanguages)[number];

export function isTicketLanguage(value: string | null | undefined): value is TicketLanguage {
  return (ticketLanguages as readonly (string | null | undefined)[]).includes(value);
}

/** Languages the interface and the mail are written in (French is the default). */
export const uiLocales = ['fr', 'nl', 'en'] as const;

/** The language a reply to a ticket is written in (saved replies, signatures): the ticket's, French for the others. */
export function replyLanguage(ticketLanguage: string | null | undefined): UiLocale {
  return (uiLocales as readonly (string | null | undefined)[]).includes(ticketLanguage) ? (ticketLanguage as UiLocale) : 'fr';
}
export type UiLocale = (typeof uiLocales)[number];

/** 1: general advisors; 2: support team; 3: administrative team. */
export const tiers = [1, 2, 3] as const;
export type Tier = (typeof tiers)[number];

/**
 * How an office runs its queues: `tiered` (1 → 2 → 3) or `polyvalent` (advisors and the support
 * team share tier 1, which escalates straight to the administrative team).
 */
/** How a team hands out its waiting tickets (assignment/auto-assignment.ts). */
export const assignmentModes = ['manual', 'round_robin', 'least_loaded'] as const;
export type AssignmentMode = (typeof assignmentModes)[number];

export const officeModels = ['tiered', 'polyvalent'] as const;
export type OfficeRoutingModel = (typeof officeModels)[number];

/** A whole ticket number: `R-<year>-<6 digits>`. */
export const ticketNumberPattern = /^R-\d{4}-\d{6}$/;

/**
 * A ticket number as people type it, made whole: "R-2026-000201" as is, "r-2026-201", "2026-201",
 * "201" or "000201" (the year of `nearNumber`, the ticket the person is on: a duplicate and its
 * original are of one year, nearly always), as the search box reads them. Null when it is none.
 */
export function fullTicketNumber(ref: string, nearNumber?: string): string | null {
  const typed = ref.trim().toUpperCase();
  if (ticketNumberPattern.test(typed)) return typed;
  const parts = /^(?:R-)?(?:(\d{4})-)?(\d{1,6})$/.exec(typed);
  const year = parts?.[1] ?? /^R-(\d{4})-/.exec(nearNumber ?? '')?.[1];
  return parts?.[2] && year && Number(parts[2]) > 0 ? `R-${year}-${parts[2].padStart(6, '0')}` : null;
}
