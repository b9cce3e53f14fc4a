/**
 * The report broken down per tier or team (where tickets passed, were resolved, escalated from) and
 * over time (buckets of days or weeks).
 */
import { ratio, spread, type Spread } from './stats.js';
import { isResolution, reportTiers, spamEventType, type TicketFacts } from './facts.js';
import type { BacklogItem } from './backlog.js';
import { satisfactionOf, type Satisfaction } from './figures.js';

export type Dimension = 'tier' | 'team';

export interface PlacementRow {
  /** The tier number as a string, or the team id. */
  key: string;
  /** Tickets that passed through it. */
  tickets: number;
  /** Business hours spent there while open, per ticket that passed through. */
  time: Spread;
  /** Tickets whose (last) resolution happened there. */
  resolvedHere: number;
  /** Tickets escalated out of it at least once, and their share of the tickets that passed through. */
  escalatedOut: number;
  escalationRate: number | null;
  /** Escalations into it, and how many of them were sent back down. */
  escalationsIn: number;
  bounces: number;
  bounceRate: number | null;
  /** Supervisor moves of tickets that were there. */
  reassignedOut: number;
  backlog: number;
  /** Ratings of tickets resolved there. */
  satisfaction: Satisfaction;
}

const keyOf = (place: { tier: number; team: string }, dimension: Dimension): string => (dimension === 'tier' ? String(place.tier) : place.team);

/** One row per tier (always 1, 2 and 3) or per team that appears in the tickets or the backlog. */
export function byPlacement(facts: readonly TicketFacts[], backlog: readonly BacklogItem[], dimension: Dimension): PlacementRow[] {
  const keys = new Set<string>(dimension === 'tier' ? reportTiers.map(String) : []);
  for (const f of facts) for (const k of dimension === 'tier' ? [...f.tierHours.keys()].map(String) : f.teamHours.keys()) keys.add(k);
  for (const b of backlog) keys.add(keyOf(b.place, dimension));
  const hoursAt = (f: TicketFacts, key: string): number | undefined => (dimension === 'tier' ? f.tierHours.get(Number(key)) : f.teamHours.get(key));
  const events = facts.flatMap((f) => f.events);
  return [...keys].map((key) => {
    const here = facts.filter((f) => hoursAt(f, key) !== undefined);
    const escalatedOut = here.filter((f) => f.events.some((e) => e.type === 'escalated' && e.from && keyOf(e.from, dimension) === key)).length;
    const escalationsIn = events.filter((e) => e.type === 'escalated' && keyOf(e.to, dimension) === key).length;
    const bounces = new Set(events.filter((e) => e.type === 'returned' && e.escalation && e.from && keyOf(e.from, dimension) === key).map((e) => e.escalation))
      .size;
    return {
      key,
      tickets: here.length,
      time: spread(here.map((f) => hoursAt(f, key) ?? 0)),
      resolvedHere: facts.filter((f) => f.resolvedPlace && keyOf(f.resolvedPlace, dimension) === key).length,
      escalatedOut,
      escalationRate: ratio(escalatedOut, here.length),
      escalationsIn,
      bounces,
      bounceRate: ratio(bounces, escalationsIn),
      reassignedOut: events.filter((e) => e.type === 'reassigned' && e.from && keyOf(e.from, dimension) === key).length,
      backlog: backlog.filter((b) => keyOf(b.place, dimension) === key).length,
      satisfaction: satisfactionOf(facts.flatMap((f) => (f.ticket.rating && keyOf(f.ticket.rating, dimension) === key ? [f.ticket.rating.score] : []))),
    };
  });
}

export interface Bucket {
  /** Local date of its first day, `YYYY-MM-DD`. */
  key: string;
  start: Date;
  end: Date;
}

export interface PeriodRow {
  key: string;
  created: number;
  /** Resolutions (moves to resolved or closed, not as spam) of the cohort's tickets during the bucket, kept even if reopened later. */
  resolved: number;
  /** Tickets of the cohort closed as spam during the bucket. */
  spam: number;
  /** Escalations of the cohort's tickets during the bucket. */
  escalations: number;
  /** Of the tickets created during the bucket. */
  firstResponse: Spread;
  resolution: Spread;
}

const within = (at: Date | null, b: Bucket): boolean => at !== null && at.getTime() >= b.start.getTime() && at.getTime() < b.end.getTime();

export function byPeriod(facts: readonly TicketFacts[], buckets: readonly Bucket[]): PeriodRow[] {
  return buckets.map((b) => {
    const created = facts.filter((f) => within(f.ticket.createdAt, b));
    return {
      key: b.key,
      created: created.length,
      resolved: facts.reduce((n, f) => n + f.events.filter((e) => isResolution(e) && within(e.at, b)).length, 0),
      spam: facts.reduce((n, f) => n + f.events.filter((e) => e.type === spamEventType && within(e.at, b)).length, 0),
      escalations: facts.reduce((n, f) => n + f.events.filter((e) => e.type === 'escalated' && within(e.at, b)).length, 0),
      firstResponse: spread(created.flatMap((f) => (f.firstResponseHours === null ? [] : [f.firstResponseHours]))),
      resolution: spread(created.flatMap((f) => (f.resolutionHours === null ? [] : [f.resolutionHours]))),
    };
  });
}
