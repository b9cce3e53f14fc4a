/**
 * A ticket's history as the SLA clocks see it: cut into segments (one status, placement,
 * priority, category, hence one policy and calendar each), and the windows the history opens —
 * when each kind of deadline starts and what meets or ends it (the rules in deadlines.ts).
 * Separate from the clock (deadline-clock.ts), which only counts business time over them.
 */
import type { Priority } from '../lib/ticket.vocabulary.js';
import type { BusinessCalendar } from './calendar.js';
import type { PolicyFacts, SlaPolicyData } from './policy.js';
import type { DeadlineKind } from '../lib/sla.vocabulary.js';
import type { ChangeCause, DeadlineInput, SlaEvent } from './deadline.types.js';

export interface State {
  status: string;
  tier: number;
  team: string;
  office: string;
  assignee: string | null;
  priority: Priority;
  category: string | null;
}

export interface Segment {
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

export interface Window {
  kind: DeadlineKind;
  start: number;
  /** Where counting stops: metAt or endedAt; null = open until now. */
  end: number | null;
  met: boolean;
  tier: number | null;
  startedBy: string;
}

/** Resolved and closed stop every clock. */
export const finished = (status: string): boolean => status === 'resolved' || status === 'closed';

function firstData<T>(events: readonly SlaEvent[], type: string, pick: (v: unknown) => T | undefined): T | undefined {
  const e = events.find((x) => x.type === type);
  return e ? pick(e.data?.from) : undefined;
}

/** The ticket's state after each event, cut into segments from creation to now. */
export function segmentsOf(input: DeadlineInput, created: number, now: number): Segment[] {
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
export function windowsOf(input: DeadlineInput, segments: Segment[], created: number): Window[] {
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
    } else if (e.type === 'member_replied' && replied && !open && !finished(segmentAt(segments, clamp(e.at))?.state.status ?? 'open')) {
      // A message that left the ticket resolved (a thank-you, tickets/thanks.ts) asks for no answer.
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
export function segmentAt(segments: Segment[], t: number): Segment | undefined {
  let found = segments[0];
  for (const s of segments) if (s.from <= t) found = s;
  return found;
}

/**
 * The segment whose state holds where a window's clock stops: the current one for an open
 * window (also when an event happened at `now` exactly: its new state applies at once), else
 * the one just before the window ended.
 */
export function stateAtEnd(w: Window, segments: Segment[], now: number): Segment | undefined {
  if (w.end === null) return segments[segments.length - 1];
  return segmentAt(segments, Math.max(w.start, Math.min(w.end, now) - 1));
}
