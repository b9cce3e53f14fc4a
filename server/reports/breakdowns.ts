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

/** What byPlacement adds up for one tier or team. */
interface PlacementTally {
  hours: number[];
  resolvedHere: number;
  escalatedOut: number;
  escalationsIn: number;
  bounced: Set<string>;
  reassignedOut: number;
  backlog: number;
  scores: number[];
}

/**
 * One row per tier (always 1, 2 and 3) or per team that appears in the tickets or the backlog.
 * One pass over the tickets and their events (a month of four offices is some 8,000 tickets and
 * 50,000 events at Smart's volume: a pass per row, per figure, took most of the page's time).
 */
export function byPlacement(facts: readonly TicketFacts[], backlog: readonly BacklogItem[], dimension: Dimension): PlacementRow[] {
  const tallies = new Map<string, PlacementTally>();
  const tally = (key: string): PlacementTally => {
    let t = tallies.get(key);
    if (!t) {
      t = { hours: [], resolvedHere: 0, escalatedOut: 0, escalationsIn: 0, bounced: new Set(), reassignedOut: 0, backlog: 0, scores: [] };
      tallies.set(key, t);
    }
    return t;
  };
  if (dimension === 'tier') for (const tier of reportTiers) tally(String(tier));
  // Rows are the places tickets passed through or wait at; figures about other places have no row.
  for (const f of facts) for (const [key, hours] of hoursOf(f, dimension)) tally(key).hours.push(hours);
  for (const b of backlog) tally(keyOf(b.place, dimension)).backlog += 1;
  const existing = (key: string): PlacementTally | undefined => tallies.get(key);

  for (const f of facts) {
    const escalatedFrom = new Set<string>();
    for (const e of f.events) {
      if (e.type === 'escalated') {
        if (e.from) escalatedFrom.add(keyOf(e.from, dimension));
        const into = existing(keyOf(e.to, dimension));
        if (into) into.escalationsIn += 1;
      } else if (e.type === 'returned' && e.escalation && e.from) existing(keyOf(e.from, dimension))?.bounced.add(e.escalation);
      else if (e.type === 'reassigned' && e.from) {
        const from = existing(keyOf(e.from, dimension));
        if (from) from.reassignedOut += 1;
      }
    }
    // Escalated out of a place: counted among the tickets that passed through it only.
    for (const [key] of hoursOf(f, dimension)) if (escalatedFrom.has(key)) tally(key).escalatedOut += 1;
    if (f.resolvedPlace) {
      const resolved = existing(keyOf(f.resolvedPlace, dimension));
      if (resolved) resolved.resolvedHere += 1;
    }
    if (f.ticket.rating) existing(keyOf(f.ticket.rating, dimension))?.scores.push(f.ticket.rating.score);
  }

  return [...tallies].map(([key, t]) => ({
    key,
    tickets: t.hours.length,
    time: spread(t.hours),
    resolvedHere: t.resolvedHere,
    escalatedOut: t.escalatedOut,
    escalationRate: ratio(t.escalatedOut, t.hours.length),
    escalationsIn: t.escalationsIn,
    bounces: t.bounced.size,
    bounceRate: ratio(t.bounced.size, t.escalationsIn),
    reassignedOut: t.reassignedOut,
    backlog: t.backlog,
    satisfaction: satisfactionOf(t.scores),
  }));
}

/** A ticket's hours at each tier or team it passed through, keyed as the rows are. */
function hoursOf(f: TicketFacts, dimension: Dimension): Array<[string, number]> {
  return dimension === 'tier' ? [...f.tierHours].map(([tier, hours]) => [String(tier), hours]) : [...f.teamHours];
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

/** The bucket `at` falls in (buckets in order, as periodBuckets makes them), or -1. */
function bucketOf(buckets: readonly Bucket[], at: Date | null): number {
  if (at === null) return -1;
  const t = at.getTime();
  let low = 0;
  let high = buckets.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const b = buckets[mid] as Bucket;
    if (t < b.start.getTime()) high = mid - 1;
    else if (t >= b.end.getTime()) low = mid + 1;
    else return mid;
  }
  return -1;
}

/** One row per bucket, in one pass over the tickets and their events. */
export function byPeriod(facts: readonly TicketFacts[], buckets: readonly Bucket[]): PeriodRow[] {
  const rows = buckets.map((b) => ({
    key: b.key,
    created: 0,
    resolved: 0,
    spam: 0,
    escalations: 0,
    firstResponse: [] as number[],
    resolution: [] as number[],
  }));
  for (const f of facts) {
    const created = rows[bucketOf(buckets, f.ticket.createdAt)];
    if (created) {
      created.created += 1;
      if (f.firstResponseHours !== null) created.firstResponse.push(f.firstResponseHours);
      if (f.resolutionHours !== null) created.resolution.push(f.resolutionHours);
    }
    for (const e of f.events) {
      const row = rows[bucketOf(buckets, e.at)];
      if (!row) continue;
      if (isResolution(e)) row.resolved += 1;
      if (e.type === spamEventType) row.spam += 1;
      if (e.type === 'escalated') row.escalations += 1;
    }
  }
  return rows.map((r) => ({ ...r, firstResponse: spread(r.firstResponse), resolution: spread(r.resolution) }));
}
