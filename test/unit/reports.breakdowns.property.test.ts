/**
 * The per-tier, per-team and per-period breakdowns are computed in one pass (breakdowns.ts). Here,
 * on random cohorts, they must equal their definitions written the plain way: a filter over every
 * ticket and event for each row and each figure.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { byPeriod, byPlacement, type Bucket, type Dimension } from '../../server/reports/breakdowns.js';
import type { BacklogItem } from '../../server/reports/backlog.js';
import { isResolution, reportTiers, spamEventType, type ReportEvent, type TicketFacts } from '../../server/reports/facts.js';
import { satisfactionOf } from '../../server/reports/figures.js';
import { ratio, spread } from '../../server/reports/stats.js';

const day = 86_400_000;
const start = Date.UTC(2026, 10, 2);
const teams = ['t1', 't2', 't3', 't4'];
const statuses = ['new', 'open', 'pending', 'resolved', 'closed'];

const place = fc.record({
  tier: fc.constantFrom(1, 2, 3),
  team: fc.constantFrom(...teams),
  office: fc.constantFrom('o1', 'o2'),
  status: fc.constantFrom(...statuses),
});
const instant = fc.integer({ min: -3 * day, max: 12 * day }).map((ms) => new Date(start + ms));
const event = fc.record({
  type: fc.constantFrom('created', 'escalated', 'returned', 'reassigned', 'resolved', spamEventType, 'status_changed'),
  at: instant,
  from: fc.option(place, { nil: null }),
  to: place,
  escalation: fc.option(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'), { nil: null }),
});
const hours = fc.double({ min: 0, max: 100, noNaN: true });
const facts = fc.array(
  fc.record({
    createdAt: instant,
    events: fc.array(event, { maxLength: 6 }),
    tierHours: fc.array(fc.tuple(fc.constantFrom(1, 2, 3), hours), { maxLength: 3 }),
    teamHours: fc.array(fc.tuple(fc.constantFrom(...teams), hours), { maxLength: 3 }),
    firstResponseHours: fc.option(hours, { nil: null }),
    resolutionHours: fc.option(hours, { nil: null }),
    resolvedPlace: fc.option(place, { nil: null }),
    rating: fc.option(
      fc.record({ score: fc.integer({ min: 1, max: 5 }), tier: fc.constantFrom(1, 2, 3), team: fc.constantFrom(...teams, 'gone'), office: fc.constant('o1') }),
      {
        nil: null,
      },
    ),
  }),
  { maxLength: 25 },
);
const backlog = fc.array(place, { maxLength: 6 });

type RawFacts = typeof facts extends fc.Arbitrary<infer T> ? T : never;

function toFacts(raw: RawFacts): TicketFacts[] {
  return raw.map((r, i) => {
    const id = `k${i}`;
    const events: ReportEvent[] = r.events.map((e, seq) => ({ ...e, ticket: id, seq: seq + 1 }));
    return {
      ticket: {
        id,
        number: id,
        office: 'o1',
        tier: 1,
        team: 't1',
        status: 'open',
        createdAt: r.createdAt,
        firstResponseAt: null,
        resolvedAt: null,
        closedAt: null,
        rating: r.rating,
        deadlines: null,
      },
      events,
      firstResponseHours: r.firstResponseHours,
      resolutionHours: r.resolutionHours,
      doneAt: null,
      spam: false,
      escalations: 0,
      bounces: 0,
      reassignments: 0,
      tierHours: new Map(r.tierHours),
      teamHours: new Map(r.teamHours),
      resolvedPlace: r.resolvedPlace,
    };
  });
}

// ---------- the definitions, written the plain way ----------

const keyOf = (p: { tier: number; team: string }, d: Dimension): string => (d === 'tier' ? String(p.tier) : p.team);

function placementByDefinition(all: readonly TicketFacts[], waiting: readonly BacklogItem[], d: Dimension) {
  const keys = new Set<string>(d === 'tier' ? reportTiers.map(String) : []);
  for (const f of all) for (const k of d === 'tier' ? [...f.tierHours.keys()].map(String) : f.teamHours.keys()) keys.add(k);
  for (const b of waiting) keys.add(keyOf(b.place, d));
  const hoursAt = (f: TicketFacts, key: string) => (d === 'tier' ? f.tierHours.get(Number(key)) : f.teamHours.get(key));
  const events = all.flatMap((f) => f.events);
  return [...keys].map((key) => {
    const here = all.filter((f) => hoursAt(f, key) !== undefined);
    const escalatedOut = here.filter((f) => f.events.some((e) => e.type === 'escalated' && e.from && keyOf(e.from, d) === key)).length;
    const escalationsIn = events.filter((e) => e.type === 'escalated' && keyOf(e.to, d) === key).length;
    const bounces = new Set(events.filter((e) => e.type === 'returned' && e.escalation && e.from && keyOf(e.from, d) === key).map((e) => e.escalation)).size;
    return {
      key,
      tickets: here.length,
      time: spread(here.map((f) => hoursAt(f, key) ?? 0)),
      resolvedHere: all.filter((f) => f.resolvedPlace && keyOf(f.resolvedPlace, d) === key).length,
      escalatedOut,
      escalationRate: ratio(escalatedOut, here.length),
      escalationsIn,
      bounces,
      bounceRate: ratio(bounces, escalationsIn),
      reassignedOut: events.filter((e) => e.type === 'reassigned' && e.from && keyOf(e.from, d) === key).length,
      backlog: waiting.filter((b) => keyOf(b.place, d) === key).length,
      satisfaction: satisfactionOf(all.flatMap((f) => (f.ticket.rating && keyOf(f.ticket.rating, d) === key ? [f.ticket.rating.score] : []))),
    };
  });
}

const within = (at: Date | null, b: Bucket): boolean => at !== null && at.getTime() >= b.start.getTime() && at.getTime() < b.end.getTime();

function periodByDefinition(all: readonly TicketFacts[], buckets: readonly Bucket[]) {
  return buckets.map((b) => {
    const created = all.filter((f) => within(f.ticket.createdAt, b));
    const count = (test: (e: ReportEvent) => boolean) => all.reduce((n, f) => n + f.events.filter((e) => test(e) && within(e.at, b)).length, 0);
    return {
      key: b.key,
      created: created.length,
      resolved: count(isResolution),
      spam: count((e) => e.type === spamEventType),
      escalations: count((e) => e.type === 'escalated'),
      firstResponse: spread(created.flatMap((f) => (f.firstResponseHours === null ? [] : [f.firstResponseHours]))),
      resolution: spread(created.flatMap((f) => (f.resolutionHours === null ? [] : [f.resolutionHours]))),
    };
  });
}

describe('reports: the one-pass breakdowns equal their definitions', () => {
  it('per tier and per team, on random cohorts and backlogs', () => {
    fc.assert(
      fc.property(facts, backlog, (raw, places) => {
        const cohort = toFacts(raw);
        const waiting: BacklogItem[] = places.map((p, i) => ({ id: `b${i}`, place: p }));
        for (const d of ['tier', 'team'] as const) expect(byPlacement(cohort, waiting, d)).to.deep.equal(placementByDefinition(cohort, waiting, d));
      }),
      { numRuns: 300 },
    );
  });

  it('per day or week, events outside every bucket left out', () => {
    // Day buckets, and week buckets with a gap (a bucket list need not cover every instant).
    const days: Bucket[] = Array.from({ length: 9 }, (_, i) => ({ key: `d${i}`, start: new Date(start + i * day), end: new Date(start + (i + 1) * day) }));
    const weeks: Bucket[] = [
      { key: 'w0', start: new Date(start), end: new Date(start + 4 * day) },
      { key: 'w1', start: new Date(start + 5 * day), end: new Date(start + 9 * day) },
    ];
    fc.assert(
      fc.property(facts, (raw) => {
        const cohort = toFacts(raw);
        for (const buckets of [days, weeks, []]) expect(byPeriod(cohort, buckets)).to.deep.equal(periodByDefinition(cohort, buckets));
      }),
      { numRuns: 300 },
    );
  });
});
