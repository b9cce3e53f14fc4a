/**
 * The supervisors' report figures, as pure functions over plain arrays: tickets,
 * their journal events and business calendars in, numbers out. Nothing here reads
 * the database (that is load.ts), so every figure is checked in
 * test/unit/reports.compute.test.ts against tickets counted by hand.
 *
 * The population is a cohort: the tickets created in the period, followed up to
 * now (a ticket created on the last day and answered the next morning counts with
 * its answer). Durations are business hours in the calendar of the ticket's office.
 * The backlog is the exception: it is a stock, the tickets open at the end of the
 * period whatever their creation date (see `backlogAt`). A ticket closed as spam is
 * counted apart, never as a resolution nor in the resolution medians.
 *
 * This module gathers them: one ticket's facts (facts.ts), the backlog (backlog.ts), the
 * figures of a group (figures.ts), per tier or team and over time (breakdowns.ts).
 */
export { HoursMemo, isDone, isResolution, reportTiers, spamEventType, ticketFacts, visiting } from './facts.js';
export type { ReportContext, ReportDeadline, ReportEvent, ReportPlace, ReportRating, ReportTicket, TicketFacts } from './facts.js';
export { backlogAt, placeAt, type BacklogItem } from './backlog.js';
export { byOffice, satisfactionOf, slaTallies, summarize } from './figures.js';
export type { Figures, OfficeRow, Satisfaction, SlaTally } from './figures.js';
export { byPeriod, byPlacement } from './breakdowns.js';
export type { Bucket, Dimension, PeriodRow, PlacementRow } from './breakdowns.js';
export { deadlineKinds as slaKinds, type DeadlineKind as SlaKind } from '../lib/sla.vocabulary.js';
