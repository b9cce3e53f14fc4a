/**
 * The SLA state stored on a ticket (`ticket.sla`), written only through the ticket journal
 * (every event's patch carries the recomputed state, see engine.ts), and its client view.
 * Dates are real Dates in storage and ISO strings in the view.
 */
import type { DeadlineKind, DeadlineState, Explanation, ExplanationCode } from './deadlines.js';

/** One deadline as stored: what `explainDeadline` needs, without the pause and change lists. */
export interface StoredDeadline {
  kind: DeadlineKind;
  state: DeadlineState;
  start: Date;
  due: Date | null;
  deadline: Date | null;
  metAt: Date | null;
  endedAt: Date | null;
  breached: boolean;
  breachedAt: Date | null;
  targetMinutes: number;
  elapsedMinutes: number;
  pausedMinutes: number;
  tier: number | null;
  startedBy: string;
  policy: { id: string; name: string };
  calendar: { id: string; name: string };
  explanation: Explanation;
}

/** A warning or breach timer of one deadline. The key is deterministic, so a recompute finds the same one. */
export interface SlaAlert {
  /** `<deadline kind>:<deadline start ISO>:<label>`. */
  key: string;
  kind: 'warning' | 'breach';
  deadline: DeadlineKind;
  /** `75%`, `15 min` or `breach`. */
  label: string;
  /** When the deadline itself falls due. */
  dueAt: Date | null;
}

export interface TicketSla {
  policy: { id: string; name: string; reason: string };
  calendar: { id: string; name: string };
  deadlines: StoredDeadline[];
  /** Waiting on the member: response clocks stand still. */
  paused: boolean;
  /** When the scheduler must fire `nextAlert`; null: nothing to fire. */
  nextAlertAt: Date | null;
  nextAlert: SlaAlert | null;
  /** Keys of the alerts already fired (the latest 50): never "next" again. */
  firedAlerts: string[];
  computedAt: Date;
}

export interface DeadlineView {
  kind: DeadlineKind;
  state: DeadlineState;
  start: string;
  due: string | null;
  metAt: string | null;
  breached: boolean;
  breachedAt: string | null;
  targetMinutes: number;
  pausedMinutes: number;
  explanation: ExplanationCode;
}

export interface SlaView {
  policy: string;
  calendar: string;
  paused: boolean;
  nextAlertAt: string | null;
  deadlines: DeadlineView[];
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The client's view of a ticket's SLA (JSON, sockets): deadlines with ISO dates, no explanation parameters. */
export function presentSla(sla: TicketSla | null | undefined): SlaView | null {
  if (!sla) return null;
  return {
    policy: sla.policy.name,
    calendar: sla.calendar.name,
    paused: sla.paused,
    nextAlertAt: iso(sla.nextAlertAt),
    deadlines: sla.deadlines.map((d) => ({
      kind: d.kind,
      state: d.state,
      start: iso(d.start) ?? '',
      due: iso(d.due),
      metAt: iso(d.metAt),
      breached: d.breached,
      breachedAt: iso(d.breachedAt),
      targetMinutes: d.targetMinutes,
      pausedMinutes: d.pausedMinutes,
      explanation: d.explanation.code,
    })),
  };
}
