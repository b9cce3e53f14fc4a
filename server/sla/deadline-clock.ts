/**
 * One deadline's clock: runs a window over the segments of the history (deadline-timeline.ts),
 * counting business time, pauses and changes of target or calendar, and says when it falls due,
 * when it was breached and why (the explanation's parameters). Separate from the timeline because
 * this is the arithmetic of business time, the part the property tests lean on.
 */
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from './calendar.js';
import { policyId, type SlaPolicyData } from './policy.js';
import type { DeadlineKind, DeadlineState } from '../lib/sla.vocabulary.js';
import type { Deadline, DeadlineChange, Explanation, ExplanationCode } from './deadline.types.js';
import { finished, stateAtEnd, type Segment, type State, type Window } from './deadline-timeline.js';

type Mode = 'run' | 'pause' | 'stop';

const MINUTE = 60_000;
const responseMode = (s: State): Mode => (s.status === 'pending_member' ? 'pause' : finished(s.status) ? 'stop' : 'run');
const acceptanceMode = (s: State): Mode => (finished(s.status) ? 'stop' : 'run');

function targetOf(kind: DeadlineKind, policy: SlaPolicyData, tier: number | null): number | null {
  const t = policy.targets;
  if (kind === 'first_response') return t.firstResponseMinutes ?? null;
  if (kind === 'next_response') return t.nextResponseMinutes ?? null;
  if (kind === 'resolution') return t.resolutionMinutes ?? null;
  return tier === 1 || tier === 2 || tier === 3 ? (t.acceptanceMinutes[tier] ?? null) : null;
}

/** A calendar as a deadline names it. */
export const ref = (cal: BusinessCalendar): { id: string; name: string } => ({ id: cal.id, name: cal.name });
const minutes = (ms: number): number => Math.round((ms / MINUTE) * 100) / 100;

/** Runs one window's clock over the segments; null when the policy in force at its end sets no target. */
export function measure(w: Window, segments: Segment[], now: number): Deadline | null {
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
  // whichever way the sum rounded (found by the property test: due <= now but not breached). Likewise
  // a deadline met after it, by the clock, was met late: resolved at 17:00:13 against a deadline at the
  // 17:00 close counts the target's business minutes exactly, and is still late (found the same way).
  if (breachedAt === null && deadline !== null) {
    if (state === 'running' && deadline <= stop) breachedAt = deadline;
    else if (state === 'met' && w.end !== null && deadline < w.end) breachedAt = deadline;
  }
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

/** The explanation's code and parameters: what the views and the trail put into words. */
export function explanationOf(d: Deadline, last: Segment): Explanation {
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
