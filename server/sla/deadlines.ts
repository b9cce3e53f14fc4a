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
import type { Types } from 'mongoose';
import type { Priority, TicketStatus } from '../tickets/ticket.vocabulary.js';
import type { TicketEvent } from '../tickets/ticket-event.model.js';
import { addBusinessMinutes, businessMinutesBetween, subtractBusinessMinutes, type BusinessCalendar } from './calendar.js';
import { policyId, type PolicyFacts, type SlaPolicyData } from './policy.js';

import type { DeadlineKind, DeadlineState } from './sla.vocabulary.js';

export { deadlineKinds, type DeadlineKind, type DeadlineState } from './sla.vocabulary.js';
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

interface State {
  status: string;
  tier: number;
  team: string;
  office: string;
  assignee: string | null;
  priority: Priority;
  category: string | null;
}

interface Segment {
  from: number;
  to: number;
  state: State;
  policy: SlaPolicyData;
  calendar: BusinessCalendar;
  /** What differs from the previous segment. */
  changed: ChangeCause[];
  /** The type of the event that began it (`created` for the first). */
  event: string;
}

interface Window {
  kind: DeadlineKind;
  start: number;
  /** Where counting stops: metAt or endedAt; null = open until now. */
  end: number | null;
  met: boolean;
  tier: number | null;
  startedBy: string;
}

type Mode = 'run' | 'pause' | 'stop';

const MINUTE = 60_000;
const finished = (status: string): boolean => status === 'resolved' || status === 'closed';
const responseMode = (s: State): Mode => (s.status === 'pending_member' ? 'pause' : finished(s.status) ? 'stop' : 'run');
const acceptanceMode = (s: State): Mode => (finished(s.status) ? 'stop' : 'run');

function targetOf(kind: DeadlineKind, policy: SlaPolicyData, tier: number | null): number | null {
  const t = policy.targets;
  if (kind === 'first_response') return t.firstResponseMinutes ?? null;
  if (kind === 'next_response') return t.nextResponseMinutes ?? null;
  if (kind === 'resolution') return t.resolutionMinutes ?? null;
  return tier === 1 || tier === 2 || tier === 3 ? (t.acceptanceMinutes[tier] ?? null) : null;
}

function firstData<T>(events: readonly SlaEvent[], type: string, pick: (v: unknown) => T | undefined): T | undefined {
  const e = events.find((x) => x.type === type);
  return e ? pick(e.data?.from) : undefined;
}

/** The ticket's state after each event, cut into segments from creation to now. */
function segmentsOf(input: DeadlineInput, created: number, now: number): Segment[] {
  const { ticket, events } = input;
  const asPriority = (v: unknown): Priority | undefined => (typeof v === 'string' ? (v as Priority) : undefined);
  const asCategory = (v: unknown): string | null | undefined => (typeof v === 'string' || v === null ? v : undefined);
  const first = events[0];
  const origin = first ? (first.type === 'created' ? first.to : (first.from ?? first.to)) : null;
  let state: State = {
    status: origin?.status ?? ticket.status,
    tier: origin?.tier ?? ticket.tier,
    team: String(origin?.team ?? ticket.team ?? ''),
    office: String(origin?.office ?? ticket.office),
    assignee: origin ? (origin.assignee ? String(origin.assignee) : null) : ticket.assignee ? String(ticket.assignee) : null,
    priority: firstData(events, 'priority_changed', asPriority) ?? ticket.priority,
    category: firstData(events, 'category_changed', asCategory) ?? ticket.category,
  };
  const states: Array<{ at: number; state: State; event: string }> = [{ at: created, state, event: 'created' }];
  for (const [i, e] of events.entries()) {
    if (i === 0 && e.type === 'created') continue;
    const next: State = {
      status: e.to.status,
      tier: e.to.tier,
      team: String(e.to.team),
      office: String(e.to.office),
      assignee: e.to.assignee ? String(e.to.assignee) : null,
      priority: e.type === 'priority_changed' ? (asPriority(e.data?.to) ?? state.priority) : state.priority,
      category: e.type === 'category_changed' ? (asCategory(e.data?.to) ?? state.category) : state.category,
    };
    const at = Math.max(e.at.getTime(), states[states.length - 1]?.at ?? created);
    states.push({ at, state: next, event: e.type });
    state = next;
  }
  const last = states.length - 1;
  const end = Math.max(now, states[last]?.at ?? created);
  const segments: Segment[] = [];
  states.forEach(({ at, state: s, event }, i) => {
    const to = i === last ? end : (states[i + 1]?.at ?? end);
    const current = i === last;
    const facts: PolicyFacts = { category: s.category, priority: s.priority, tier: s.tier, office: s.office };
    const policy = current ? input.policy : (input.policyFor?.(facts) ?? input.policy);
    const calendar = current ? input.calendar : (input.calendarFor?.(s.office) ?? input.calendar);
    const prev = segments[segments.length - 1];
    const changed: ChangeCause[] = prev ? (['priority', 'category', 'tier', 'office'] as const).filter((k) => prev.state[k] !== s[k]) : [];
    if (to > at || current) segments.push({ from: at, to, state: s, policy, calendar, changed, event });
  });
  return segments;
}

/** The deadline windows the history opens, in order of start. */
function windowsOf(input: DeadlineInput, segments: Segment[], created: number): Window[] {
  const { events, ticket } = input;
  const clamp = (d: Date): number => Math.max(d.getTime(), created);
  const windows: Window[] = [];
  const firstReply = events.find((e) => e.type === 'replied')?.at ?? ticket.firstResponseAt ?? null;
  windows.push({
    kind: 'first_response',
    start: created,
    end: firstReply ? clamp(firstReply) : null,
    met: firstReply !== null,
    tier: null,
    startedBy: 'created',
  });

  // Resolution: met when the ticket is resolved or closed now, at the moment it last became so.
  const current = segments[segments.length - 1];
  let resolvedAt: number | null = null;
  if (current && finished(current.state.status)) {
    const since = [...segments].reverse().find((s, i, all) => !finished(all[i + 1]?.state.status ?? 'open'));
    resolvedAt = since?.from ?? (ticket.resolvedAt ? clamp(ticket.resolvedAt) : created);
  }
  windows.push({ kind: 'resolution', start: created, end: resolvedAt, met: resolvedAt !== null, tier: null, startedBy: 'created' });

  // Next responses: a member message after a staff reply opens a cycle; the next reply meets it.
  let replied = false;
  let open: Window | null = null;
  for (const e of events) {
    if (e.type === 'replied') {
      replied = true;
      if (open) {
        open.end = clamp(e.at);
        open.met = true;
        open = null;
      }
    } else if (e.type === 'member_replied' && replied && !open) {
      open = { kind: 'next_response', start: clamp(e.at), end: null, met: false, tier: null, startedBy: 'member_replied' };
      windows.push(open);
    }
  }

  // Acceptance: each time the ticket waits for a holder in a (new) queue.
  const waiting = (s: State): boolean => s.assignee === null && !finished(s.status);
  let cycle: Window | null = null;
  let prev: State | null = null;
  for (const seg of segments) {
    const s = seg.state;
    const moved = prev !== null && (prev.tier !== s.tier || prev.team !== s.team);
    if (cycle && (!waiting(s) || moved)) {
      cycle.end = seg.from;
      cycle.met = s.assignee !== null;
      cycle = null;
    }
    if (!cycle && waiting(s) && (prev === null || !waiting(prev) || moved)) {
      cycle = { kind: 'acceptance', start: seg.from, end: null, met: false, tier: s.tier, startedBy: seg.event };
      windows.push(cycle);
    }
    prev = s;
  }
  return windows.sort((a, b) => a.start - b.start);
}

/** The segment holding instant `t` (the last one starting at or before it). */
function segmentAt(segments: Segment[], t: number): Segment | undefined {
  let found = segments[0];
  for (const s of segments) if (s.from <= t) found = s;
  return found;
}

/**
 * The segment whose state holds where a window's clock stops: the current one for an open
 * window (also when an event happened at `now` exactly: its new state applies at once), else
 * the one just before the window ended.
 */
function stateAtEnd(w: Window, segments: Segment[], now: number): Segment | undefined {
  if (w.end === null) return segments[segments.length - 1];
  return segmentAt(segments, Math.max(w.start, Math.min(w.end, now) - 1));
}

const ref = (cal: BusinessCalendar): { id: string; name: string } => ({ id: cal.id, name: cal.name });
const minutes = (ms: number): number => Math.round((ms / MINUTE) * 100) / 100;

/** Runs one window's clock over the segments; null when the policy in force at its end sets no target. */
function measure(w: Window, segments: Segment[], now: number): Deadline | null {
  const stop = w.end ?? now;
  const last = stateAtEnd(w, segments, now);
  if (!last) return null;
  const target = targetOf(w.kind, last.policy, w.tier);
  if (target === null) return null;
  const mode = w.kind === 'acceptance' ? acceptanceMode : responseMode;

  let elapsed = 0; // business ms
  let paused = 0;
  let breachedAt: number | null = null;
  const pauses: Array<[number, number]> = [];
  const runs: Array<{ from: number; ms: number; calendar: BusinessCalendar }> = [];
  const changes: DeadlineChange[] = [];
  let previous: { target: number | null; calendar: BusinessCalendar } | null = null;
  const current = segments[segments.length - 1];
  for (const seg of segments) {
    const a = Math.max(seg.from, w.start);
    const b = Math.min(seg.to, stop);
    // The current state counts as a change even when it began at `now` exactly (no time in it yet).
    const startsNow = w.end === null && seg === current && seg.from >= w.start;
    if (b <= a && !startsNow) continue;
    const segTarget = targetOf(w.kind, seg.policy, w.tier);
    if (previous && (previous.target !== segTarget || previous.calendar.id !== seg.calendar.id)) {
      changes.push({
        at: new Date(a),
        causes: seg.changed,
        fromMinutes: previous.target,
        toMinutes: segTarget,
        fromCalendar: previous.calendar.name,
        toCalendar: seg.calendar.name,
      });
    }
    previous = { target: segTarget, calendar: seg.calendar };
    if (b <= a) continue;
    const m = mode(seg.state);
    const business = businessMinutesBetween(new Date(a), new Date(b), seg.calendar) * MINUTE;
    if (m === 'pause') {
      const open = pauses[pauses.length - 1];
      if (open && open[1] === a) open[1] = b;
      else pauses.push([a, b]);
      paused += business;
    }
    if (m !== 'run') continue;
    if (segTarget !== null && breachedAt === null) {
      const left = segTarget * MINUTE - elapsed;
      if (left <= 0) breachedAt = a;
      else if (left <= business) breachedAt = addBusinessMinutes(new Date(a), left / MINUTE, seg.calendar).getTime();
    }
    runs.push({ from: a, ms: business, calendar: seg.calendar });
    elapsed += business;
  }

  // When the elapsed time reaches the current target: found among the runs, else projected from the end.
  let deadline: number | null = null;
  let counted = 0;
  for (const run of runs) {
    if (counted + run.ms >= target * MINUTE) {
      deadline = addBusinessMinutes(new Date(run.from), (target * MINUTE - counted) / MINUTE, run.calendar).getTime();
      break;
    }
    counted += run.ms;
  }
  const nowMode = mode(last.state);
  const state: DeadlineState = w.met ? 'met' : w.end !== null || nowMode === 'stop' ? 'stopped' : nowMode === 'pause' ? 'paused' : 'running';
  if (deadline === null && state !== 'stopped') deadline = addBusinessMinutes(new Date(stop), (target * MINUTE - elapsed) / MINUTE, last.calendar).getTime();
  // Business minutes are summed in floating point: a clock a fraction of a millisecond short of its
  // target projects its deadline onto `now` itself. A deadline that is not in the future is breached,
  // whichever way the sum rounded (found by the property test: due <= now but not breached).
  if (breachedAt === null && state === 'running' && deadline !== null && deadline <= stop) breachedAt = deadline;
  const breached = breachedAt !== null && (w.end === null || breachedAt < w.end);

  const open = state === 'running' || state === 'paused';
  return {
    kind: w.kind,
    state,
    start: new Date(w.start),
    due: open && deadline !== null ? new Date(deadline) : null,
    deadline: deadline === null ? null : new Date(deadline),
    metAt: w.met && w.end !== null ? new Date(w.end) : null,
    endedAt: !w.met && w.end !== null ? new Date(w.end) : null,
    targetMinutes: target,
    elapsedMinutes: minutes(elapsed),
    pausedMinutes: minutes(paused),
    pauses: pauses.map(([from, to]) => ({ from: new Date(from), to: to === now && w.end === null && nowMode === 'pause' ? null : new Date(to) })),
    breached,
    breachedAt: breached && breachedAt !== null ? new Date(breachedAt) : null,
    tier: w.tier,
    startedBy: w.startedBy,
    policy: { id: policyId(last.policy), name: last.policy.name },
    calendar: ref(last.calendar),
    changes,
    explanation: { code: 'running', params: {} },
  };
}

function explanationOf(d: Deadline, last: Segment): Explanation {
  const code: ExplanationCode = d.state === 'met' ? (d.breached ? 'met_late' : 'met') : d.state === 'running' ? (d.breached ? 'overdue' : 'running') : d.state;
  const iso = (date: Date | null): string => date?.toISOString() ?? '';
  const params: Record<string, string | number> = {
    kind: d.kind,
    start: iso(d.start),
    due: iso(d.due),
    deadline: iso(d.deadline),
    metAt: iso(d.metAt),
    endedAt: iso(d.endedAt),
    timeZone: last.calendar.timeZone,
    priority: last.state.priority,
    category: last.state.category ?? '',
    tier: d.tier ?? last.state.tier,
    targetMinutes: d.targetMinutes,
    elapsedMinutes: d.elapsedMinutes,
    pausedMinutes: d.pausedMinutes,
    pauseCount: d.pauses.length,
    calendar: d.calendar.name,
    policy: d.policy.name,
    startedBy: d.startedBy,
  };
  const targetChange = [...d.changes].reverse().find((c) => c.fromMinutes !== c.toMinutes);
  if (targetChange) {
    params.changedAt = iso(targetChange.at);
    params.previousTargetMinutes = targetChange.fromMinutes ?? 0;
    params.changeCauses = targetChange.causes.join(',');
  }
  const calendarChange = [...d.changes].reverse().find((c) => c.fromCalendar !== c.toCalendar);
  if (calendarChange) params.previousCalendar = calendarChange.fromCalendar;
  return { code, params };
}

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
