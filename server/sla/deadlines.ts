/**
 * The pure SLA recompute: from a ticket's history (its events, in order), the policy and
 * the calendar, every deadline with the facts that produced it. No I/O; the caller loads
 * the policy, calendars and events, stores the result and schedules timers from it.
 *
 * Rules (where the issue is silent, the choice is written here):
 *  - The ticket's life is cut into segments at every event; each segment has one status,
 *    placement, priority and category, hence one policy and one calendar (the current
 *    ones for the last segment; `policyFor` / `calendarFor` for earlier ones, else the
 *    current ones throughout).
 *  - A clock counts business time of its segment's calendar. First response, next
 *    response and resolution are **paused** while the status is `pending_member` (every
 *    pause is listed) and **stopped** while `resolved` or `closed`; acceptance is never
 *    paused by the member, only stopped while resolved or closed.
 *  - A change of priority, category, tier or office keeps the elapsed business time and
 *    applies the new target: the deadline is the instant the elapsed time reaches the
 *    current target (in the past if the new target is already used up). `breachedAt` is
 *    the first instant the elapsed time reached the target in force at that time, so a
 *    breach stays a breach if the target is raised later.
 *  - first_response: from creation to the first public staff reply (`replied`).
 *  - next_response: from the first `member_replied` after a staff reply (later member
 *    messages do not restart it) to the next `replied`; one deadline per cycle.
 *  - resolution: from creation; met when the ticket is resolved (or closed); a reopen
 *    clears that and the clock goes on with the time already counted (resolved periods
 *    do not count).
 *  - acceptance: starts whenever the ticket waits for a holder in a queue (unassigned and
 *    not resolved/closed) — on creation, escalation, return, reassignment to a team or
 *    tier, release, reopen — with the target of the tier it waits in; met by the first
 *    event giving it a holder (claim, acceptance, reassignment to a person); a move to
 *    another queue while still unclaimed ends that cycle and starts a new one.
 *  - A target that is null in the policy gives no deadline of that kind.
 */
import { subtractBusinessMinutes, type BusinessCalendar } from './calendar.js';
import { policyId, type SlaPolicyData } from './policy.js';
import type { DeadlineKind } from '../lib/sla.vocabulary.js';
import type { Deadline, DeadlineInput, DeadlineSet } from './deadline.types.js';
import { explanationOf, measure, ref } from './deadline-clock.js';
import { segmentsOf, stateAtEnd, windowsOf } from './deadline-timeline.js';

/**
 * Every deadline of a ticket as of `now`, with what produced it. Pure and deterministic:
 * the same history, policy, calendar and `now` always give the same result.
 */
export function computeDeadlines(input: DeadlineInput): DeadlineSet {
  const created = input.ticket.createdAt.getTime();
  const now = Math.max(input.now.getTime(), created);
  const segments = segmentsOf(input, created, now);
  const deadlines: Deadline[] = [];
  for (const w of windowsOf(input, segments, created)) {
    const d = measure(w, segments, now);
    const last = stateAtEnd(w, segments, now);
    if (d && last) deadlines.push({ ...d, explanation: explanationOf(d, last) });
  }
  const running = deadlines.filter((d) => d.state === 'running' && d.due !== null).map((d) => d.due?.getTime() ?? Infinity);
  const current = segments[segments.length - 1];
  return {
    policy: { id: policyId(input.policy), name: input.policy.name, reason: input.policyReason ?? `"${input.policy.name}"` },
    calendar: ref(input.calendar),
    deadlines,
    earliestDue: running.length > 0 ? new Date(Math.min(...running)) : null,
    paused: current?.state.status === 'pending_member',
    computedAt: new Date(now),
  };
}

export interface WarningTime {
  at: Date;
  kind: 'warning' | 'breach';
  /** `75%`, `15 min` or `breach`. */
  label: string;
  deadline: DeadlineKind;
}

/**
 * When to warn about a running deadline: at each percentage of its target (in business
 * time), each number of business minutes before it, and at the breach itself; sorted.
 * Paused, met and stopped deadlines need no timer (a recompute follows any change).
 * Instants after the computation are exact; one before it is only indicative when a pause
 * lies between it and the deadline (it has passed either way).
 */
export function warningTimes(deadline: Deadline, warnings: SlaPolicyData['warnings'], calendar: BusinessCalendar): WarningTime[] {
  if (deadline.state !== 'running' || !deadline.due) return [];
  const due = deadline.due;
  const target = deadline.targetMinutes;
  const times: WarningTime[] = [];
  for (const percent of warnings.percents) {
    if (!(percent > 0 && percent < 100)) continue;
    times.push({
      at: subtractBusinessMinutes(due, (target * (100 - percent)) / 100, calendar),
      kind: 'warning',
      label: `${percent}%`,
      deadline: deadline.kind,
    });
  }
  for (const before of warnings.minutesBefore) {
    if (!(before > 0 && before < target)) continue;
    times.push({ at: subtractBusinessMinutes(due, before, calendar), kind: 'warning', label: `${before} min`, deadline: deadline.kind });
  }
  times.push({ at: due, kind: 'breach', label: 'breach', deadline: deadline.kind });
  const seen = new Set<string>();
  return times
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .filter((w) => {
      const key = `${w.at.getTime()}|${w.kind}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
