/**
 * The shapes in and out of the SLA recompute (deadlines.ts): the ticket facts and history it reads,
 * and every deadline it gives with the facts that produced it. Apart from the computation so that
 * the engine, the explanation and the views read the result without importing the clock itself.
 */
import type { Types } from 'mongoose';
import type { Priority, TicketStatus } from '../lib/ticket.vocabulary.js';
import type { TicketEvent } from '../tickets/ticket-event.model.js';
import type { BusinessCalendar } from './calendar.js';
import type { PolicyFacts, SlaPolicyData } from './policy.js';
import type { DeadlineKind, DeadlineState } from '../lib/sla.vocabulary.js';

export type ExplanationCode = 'running' | 'overdue' | 'paused' | 'met' | 'met_late' | 'stopped';
export type ChangeCause = 'priority' | 'category' | 'tier' | 'office';

/** An event as the SLA reads it: the move, and for priority and category changes the values (`data.from`, `data.to`). */
export type SlaEvent = Pick<TicketEvent, 'type' | 'at' | 'from' | 'to'> & { data?: { from?: unknown; to?: unknown } };

export interface SlaTicketFacts {
  createdAt: Date;
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  tier: number;
  office: Types.ObjectId | string;
  team?: Types.ObjectId | string | null;
  assignee?: Types.ObjectId | string | null;
  /** Used when the history has no `replied` event (e.g. imported tickets). */
  firstResponseAt?: Date | null;
  resolvedAt?: Date | null;
}

export interface DeadlineInput {
  ticket: SlaTicketFacts;
  /** The ticket's events in journal order (a `created` event first, when there is one). */
  events: readonly SlaEvent[];
  /** The policy for the ticket as it is now (see choosePolicy), and why it was chosen. */
  policy: SlaPolicyData;
  policyReason?: string;
  /** The calendar of the ticket's current office. */
  calendar: BusinessCalendar;
  now: Date;
  /** The policy that applied to an earlier state; default: the current policy. */
  policyFor?: (facts: PolicyFacts) => SlaPolicyData | null;
  /** The calendar of an earlier office; default: the current calendar. */
  calendarFor?: (office: string) => BusinessCalendar;
}

export interface Pause {
  from: Date;
  /** null while it lasts. */
  to: Date | null;
}

export interface DeadlineChange {
  at: Date;
  causes: ChangeCause[];
  fromMinutes: number | null;
  toMinutes: number | null;
  fromCalendar: string;
  toCalendar: string;
}

export interface Explanation {
  code: ExplanationCode;
  params: Record<string, string | number>;
}

export interface Deadline {
  kind: DeadlineKind;
  state: DeadlineState;
  start: Date;
  /** When it falls due while open (for a paused one: at the earliest, if the member answered now); null when met or stopped. */
  due: Date | null;
  /** When the elapsed business time reaches the target: `due`, kept once met (a met one shows "due Mon 10:30, met 10:05"). */
  deadline: Date | null;
  metAt: Date | null;
  /** When a cycle ended without being met (superseded by another move, or resolved unclaimed). */
  endedAt: Date | null;
  targetMinutes: number;
  /** Business minutes counted so far (to metAt, endedAt or now). */
  elapsedMinutes: number;
  /** Business minutes spent paused waiting on the member. */
  pausedMinutes: number;
  pauses: Pause[];
  breached: boolean;
  /** The first instant the elapsed time reached the target in force then. */
  breachedAt: Date | null;
  /** Acceptance: the tier the ticket waits in; null for the others. */
  tier: number | null;
  /** The event type that started the clock (`created`, `member_replied`, `escalated`…). */
  startedBy: string;
  policy: { id: string; name: string };
  calendar: { id: string; name: string };
  changes: DeadlineChange[];
  explanation: Explanation;
}

export interface DeadlineSet {
  policy: { id: string; name: string; reason: string };
  calendar: { id: string; name: string };
  /** Every deadline the ticket had, in order of start (next_response and acceptance once per cycle). */
  deadlines: Deadline[];
  /** The earliest `due` of the running deadlines: the ticket's `dueAt` (null: no deadline). */
  earliestDue: Date | null;
  /** Whether the ticket is waiting on the member now. */
  paused: boolean;
  computedAt: Date;
}
