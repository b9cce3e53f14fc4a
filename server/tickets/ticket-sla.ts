/**
 * The SLA state stored on a ticket (`ticket.sla`), written only through the ticket journal
 * (every event's patch carries it, see engine.ts), and its client view.
 *
 * Deliberately small: FerretDB's SQLite storage decodes every ticket document on every queue
 * query (it pushes down no filter but `_id`), and the decoding cost grows with the number of
 * fields. Measured on 2,000 tickets, storing the full deadlines with their explanations made
 * a scan of `tickets` about six times slower than without; this form costs far less. What is
 * not stored is recomputed when needed from the journal (engine.ts `currentDeadlines`): the
 * explanations, the pauses and changes, and which alerts were fired (an alert fired is an
 * event in the journal).
 */
import type { DeadlineKind, DeadlineState } from '../lib/sla.vocabulary.js';

export interface StoredDeadline {
  kind: DeadlineKind;
  state: DeadlineState;
  /** When it falls due (running or paused); null once met or stopped. */
  due: Date | null;
  breached: boolean;
}

export interface TicketSla {
  /** The name of the policy in force. */
  policy: string;
  /** Waiting on the member: response clocks stand still. */
  paused: boolean;
  deadlines: StoredDeadline[];
  /** When the scheduler must look at this ticket again (an alert falls due); null: never. */
  nextAlertAt: Date | null;
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

export interface DeadlineView {
  kind: DeadlineKind;
  state: DeadlineState;
  due: string | null;
  breached: boolean;
}

export interface SlaView {
  policy: string;
  paused: boolean;
  nextAlertAt: string | null;
  deadlines: DeadlineView[];
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The client's view of a ticket's SLA (JSON, sockets), with ISO dates. */
export function presentSla(sla: TicketSla | null | undefined): SlaView | null {
  if (!sla) return null;
  return {
    policy: sla.policy,
    paused: sla.paused,
    nextAlertAt: iso(sla.nextAlertAt),
    deadlines: sla.deadlines.map((d) => ({ kind: d.kind, state: d.state, due: iso(d.due), breached: d.breached })),
  };
}

/**
 * Which running deadline falls due at `at` (a ticket's `dueAt` is its earliest): the queue, the board
 * and the breach forecast name it ("Première réponse"), since a bare date leaves the reader guessing.
 */
export function deadlineDueAt(
  deadlines: ReadonlyArray<{ kind: DeadlineKind; state: DeadlineState; due: Date | string | null }>,
  at: Date | string,
): DeadlineKind | null {
  const ms = new Date(at).getTime();
  return deadlines.find((d) => d.due !== null && d.state !== 'paused' && new Date(d.due).getTime() === ms)?.kind ?? null;
}
