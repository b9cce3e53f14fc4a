/**
 * The figures of a group of tickets (an office, the total, one side of a comparison): volume,
 * resolutions, medians, SLA attainment, escalations, satisfaction.
 */
import { mean, ratio, spread, type Spread } from './stats.js';
import { deadlineKinds as slaKinds, type DeadlineKind as SlaKind } from '../lib/sla.vocabulary.js';
import { reportTiers, type ReportTicket, type TicketFacts } from './facts.js';
import type { BacklogItem } from './backlog.js';

export interface SlaTally {
  /** Deadlines met in time. */
  met: number;
  /** Deadlines missed (met late, or overdue now). */
  breached: number;
  /** Still running (or paused), not missed yet: not counted in the rate. */
  pending: number;
  /** met / (met + breached); null when none was decided. */
  rate: number | null;
}

export interface Satisfaction {
  count: number;
  average: number | null;
  /** How many ratings of 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
}

export interface Figures {
  volume: number;
  answered: number;
  resolved: number;
  /** Closed as spam: neither resolved nor in the resolution medians. */
  spam: number;
  firstResponse: Spread;
  resolution: Spread;
  /** Per deadline kind; null when no ticket of the group carries SLA data. */
  sla: Record<SlaKind, SlaTally> | null;
  /** Tickets escalated at least once, and their share of the volume. */
  escalated: number;
  escalationRate: number | null;
  escalations: number;
  bounces: number;
  /** Escalations sent back down / escalations. */
  bounceRate: number | null;
  reassignments: number;
  backlog: number;
  satisfaction: Satisfaction;
  /** Business hours at each tier, over the tickets that passed through it. */
  tierTime: Record<(typeof reportTiers)[number], Spread>;
}

export function satisfactionOf(scores: readonly number[]): Satisfaction {
  const counts = [1, 2, 3, 4, 5].map((score) => scores.filter((s) => Math.round(s) === score).length);
  const distribution: Satisfaction['distribution'] = [counts[0] ?? 0, counts[1] ?? 0, counts[2] ?? 0, counts[3] ?? 0, counts[4] ?? 0];
  return { count: scores.length, average: mean(scores), distribution };
}

export function slaTallies(tickets: readonly ReportTicket[]): Record<SlaKind, SlaTally> | null {
  const withSla = tickets.filter((t) => t.deadlines !== null);
  if (withSla.length === 0) return null;
  const tallies = Object.fromEntries(slaKinds.map((k) => [k, { met: 0, breached: 0, pending: 0, rate: null }])) as Record<SlaKind, SlaTally>;
  for (const t of withSla) {
    for (const d of t.deadlines ?? []) {
      const tally = tallies[d.kind as SlaKind] as SlaTally | undefined;
      if (!tally) continue;
      if (d.breached) tally.breached += 1;
      else if (d.state === 'met' || d.metAt) tally.met += 1;
      else if (d.state !== 'stopped') tally.pending += 1;
    }
  }
  for (const tally of Object.values(tallies)) tally.rate = ratio(tally.met, tally.met + tally.breached);
  return tallies;
}

/** Every figure of a group of tickets; `backlog` is counted apart (it is not a cohort figure). */
export function summarize(facts: readonly TicketFacts[], backlog: number): Figures {
  const escalated = facts.filter((f) => f.escalations > 0).length;
  const escalations = facts.reduce((n, f) => n + f.escalations, 0);
  const bounces = facts.reduce((n, f) => n + f.bounces, 0);
  const tierTime = Object.fromEntries(
    reportTiers.map((tier) => [tier, spread(facts.flatMap((f) => (f.tierHours.has(tier) ? [f.tierHours.get(tier) ?? 0] : [])))]),
  ) as Figures['tierTime'];
  return {
    volume: facts.length,
    answered: facts.filter((f) => f.firstResponseHours !== null).length,
    resolved: facts.filter((f) => f.resolutionHours !== null).length,
    spam: facts.filter((f) => f.spam).length,
    firstResponse: spread(facts.flatMap((f) => (f.firstResponseHours === null ? [] : [f.firstResponseHours]))),
    resolution: spread(facts.flatMap((f) => (f.resolutionHours === null ? [] : [f.resolutionHours]))),
    sla: slaTallies(facts.map((f) => f.ticket)),
    escalated,
    escalationRate: ratio(escalated, facts.length),
    escalations,
    bounces,
    bounceRate: ratio(bounces, escalations),
    reassignments: facts.reduce((n, f) => n + f.reassignments, 0),
    backlog,
    satisfaction: satisfactionOf(facts.flatMap((f) => (f.ticket.rating ? [f.ticket.rating.score] : []))),
    tierTime,
  };
}

export interface OfficeRow {
  office: string;
  figures: Figures;
}

/** One row per office (the ticket's office; for the backlog, where it was at the end), plus the total. */
export function byOffice(facts: readonly TicketFacts[], backlog: readonly BacklogItem[]): { rows: OfficeRow[]; total: Figures } {
  const offices = new Set<string>([...facts.map((f) => f.ticket.office), ...backlog.map((b) => b.place.office)]);
  const rows = [...offices].map((office) => ({
    office,
    figures: summarize(
      facts.filter((f) => f.ticket.office === office),
      backlog.filter((b) => b.place.office === office).length,
    ),
  }));
  return { rows, total: summarize(facts, backlog.length) };
}
