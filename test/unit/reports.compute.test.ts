/**
 * The report figures against a week of tickets counted by hand
 * (test/fixtures/reports/hand-counted.ts describes each ticket's life). Business hours
 * are those of the default calendar: Mon–Fri 09:00–17:00 in Brussels.
 */
import { expect } from 'chai';
import {
  backlogAt,
  byOffice,
  byPeriod,
  byPlacement,
  HoursMemo,
  placeAt,
  summarize,
  ticketFacts,
  visiting,
  type TicketFacts,
} from '../../server/reports/compute.js';
import { periodBuckets } from '../../server/reports/period.js';
import { median, percentile } from '../../server/reports/stats.js';
import { defaultCalendar } from '../../server/sla/calendar.js';
import { cohortIds, fixtureTickets, ids, now, period } from '../fixtures/reports/hand-counted.js';

const close = (actual: number | null, expected: number) => {
  expect(actual, `expected ${expected}`).to.be.a('number');
  expect(actual as number).to.be.closeTo(expected, 1e-9);
};

describe('reports: statistics', () => {
  it('median and p90 interpolate between ranks, like PERCENTILE.INC', () => {
    expect(median([])).to.equal(null);
    expect(median([7])).to.equal(7);
    expect(median([4, 10, 18])).to.equal(10);
    expect(median([6, 3.5, 13, 4, 26, 5])).to.equal(5.5); // (5 + 6) / 2
    close(percentile([0.5, 1, 1, 2, 3], 90), 2.6); // rank 0.9 × 4 = 3.6 → 2 + 0.6 × (3 − 2)
    close(percentile([4, 10, 18], 90), 16.4); // rank 1.8 → 10 + 0.8 × 8
    expect(percentile([1, 2, 3], 100)).to.equal(3);
    expect(percentile([1, 2, 3], 0)).to.equal(1);
  });
});

describe('reports: figures of a hand-counted week', () => {
  const calendar = defaultCalendar();
  const ctx = { calendarOf: () => calendar, now };
  const all = fixtureTickets();
  const cohort: TicketFacts[] = all.filter((f) => cohortIds.includes(f.ticket.id)).map((f) => ticketFacts(f.ticket, f.events, ctx));
  const factsOf = (id: string): TicketFacts => {
    const f = cohort.find((x) => x.ticket.id === id);
    if (!f) throw new Error(`no ${id}`);
    return f;
  };
  const eventsById = new Map(all.map((f) => [f.ticket.id, f.events]));
  const backlog = backlogAt(
    all.map((f) => f.ticket),
    (id) => eventsById.get(id),
    period.to,
  );

  it('per ticket: first response and resolution in business hours', () => {
    expect(factsOf(ids.t1).firstResponseHours).to.equal(1); // Mon 09:00 → 10:00
    expect(factsOf(ids.t2).firstResponseHours).to.equal(2); // Mon 16–17 + Tue 09–10
    expect(factsOf(ids.t3).firstResponseHours).to.equal(3); // Tue 09:00 → 12:00
    expect(factsOf(ids.t4).firstResponseHours).to.equal(null); // never answered
    expect(factsOf(ids.t6).firstResponseHours).to.equal(0.5);
    expect(factsOf(ids.t1).resolutionHours).to.equal(4); // Mon 09:00 → 13:00
    expect(factsOf(ids.t2).resolutionHours).to.equal(10); // Mon 16–17, Tue 8 h, Wed 09–10
    expect(factsOf(ids.t3).resolutionHours).to.equal(18); // Tue 8 h, Wed 8 h, Thu 09–11
    expect(factsOf(ids.t6).resolutionHours).to.equal(null); // resolved, then reopened: open now
  });

  it('per ticket: time at each tier while open, escalations, bounce-backs, reassignments', () => {
    expect(factsOf(ids.t1).tierHours.get(1)).to.equal(4);
    expect(factsOf(ids.t2).tierHours.get(1)).to.equal(6); // Mon 16 → Tue 11 (3 h), Tue 15 → Wed 10 (3 h)
    expect(factsOf(ids.t2).tierHours.get(2)).to.equal(4); // Tue 11 → 15
    expect(factsOf(ids.t3).tierHours.get(1)).to.equal(5); // Tue 09 → 14
    expect(factsOf(ids.t3).tierHours.get(2)).to.equal(5); // Tue 14 → 17, Wed 09 → 11
    expect(factsOf(ids.t3).tierHours.get(3)).to.equal(8); // Wed 11 → 17, Thu 09 → 11
    expect(factsOf(ids.t4).tierHours.get(1)).to.equal(26); // Wed 10 → now (Mon 12): 7 + 8 + 8 + 3
    expect(factsOf(ids.t5).tierHours.get(1)).to.equal(13); // waiting on the member counts: 2 + 8 + 3
    expect(factsOf(ids.t6).tierHours.get(1)).to.equal(3.5); // 1 h, not while resolved, then Mon 09:30 → 12
    expect(factsOf(ids.t2)).to.include({ escalations: 1, bounces: 1, reassignments: 0 });
    expect(factsOf(ids.t3)).to.include({ escalations: 2, bounces: 0 });
    expect(factsOf(ids.t4)).to.include({ reassignments: 1, escalations: 0 });
    expect(factsOf(ids.t2).resolvedPlace?.tier).to.equal(1);
    expect(factsOf(ids.t3).resolvedPlace?.tier).to.equal(3);
  });

  it('gives the same facts with remembered business hours, and forgets them when the calendar changes', () => {
    const digest = (facts: TicketFacts[]) => JSON.stringify(facts.map((f) => ({ ...f, tierHours: [...f.tierHours], teamHours: [...f.teamHours] })));
    const memo = new HoursMemo();
    const withMemo = () => all.map((f) => ticketFacts(f.ticket, f.events, { ...ctx, memo }));
    const plain = all.map((f) => ticketFacts(f.ticket, f.events, ctx));
    expect(digest(withMemo())).to.equal(digest(plain)); // computed and remembered
    expect(digest(withMemo())).to.equal(digest(plain)); // read back
    // Open on Saturdays too: another calendar (by content, even in a new object), other hours.
    const weekend = { ...calendar, hours: { ...calendar.hours, 6: [{ start: '09:00', end: '17:00' }] } };
    const other = all.map((f) => ticketFacts(f.ticket, f.events, { calendarOf: () => weekend, now }));
    const otherWithMemo = all.map((f) => ticketFacts(f.ticket, f.events, { calendarOf: () => ({ ...weekend }), now, memo }));
    expect(digest(other)).to.not.equal(digest(plain));
    expect(digest(otherWithMemo)).to.equal(digest(other));
  });

  it('the backlog at the end of the period is rebuilt from the events', () => {
    // Sat 7 March 00:00: T4 (new), T5 (waiting on the member), T00 (new since February).
    // Not T6 (resolved then, reopened later), not T0 (resolved Tue), not T7 (created later).
    expect(backlog.map((b) => b.id).sort()).to.deep.equal([ids.t4, ids.t5, ids.t00].sort());
    expect(backlog.find((b) => b.id === ids.t5)?.place.status).to.equal('pending_member');
    const t6 = all.find((f) => f.ticket.id === ids.t6);
    expect(placeAt(t6?.ticket ?? cohort[0]!.ticket, t6?.events, period.to)?.status).to.equal('resolved');
    expect(placeAt(all.find((f) => f.ticket.id === ids.t7)!.ticket, undefined, period.to)).to.equal(null);
  });

  it('the whole cohort', () => {
    const fig = summarize(cohort, backlog.length);
    expect(fig).to.include({ volume: 6, answered: 5, resolved: 3, escalated: 2, escalations: 3, bounces: 1, reassignments: 1, backlog: 3 });
    // First responses 0.5, 1, 1, 2, 3 → median 1, p90 2.6.
    expect(fig.firstResponse.count).to.equal(5);
    expect(fig.firstResponse.median).to.equal(1);
    close(fig.firstResponse.p90, 2.6);
    // Resolutions 4, 10, 18 → median 10, p90 16.4.
    expect(fig.resolution.median).to.equal(10);
    close(fig.resolution.p90, 16.4);
    close(fig.escalationRate, 2 / 6);
    close(fig.bounceRate, 1 / 3);
    // Ratings 5, 3, 4.
    expect(fig.satisfaction).to.deep.equal({ count: 3, average: 4, distribution: [0, 0, 1, 1, 1] });
    // Tier 1: 3.5, 4, 5, 6, 13, 26 → median 5.5, p90 at rank 4.5: 13 + 0.5 × 13 = 19.5.
    expect(fig.tierTime[1]).to.deep.equal({ count: 6, median: 5.5, p90: 19.5 });
    // Tier 2: 4 and 5 → median 4.5, p90 4 + 0.9 × 1 = 4.9. Tier 3: 8.
    expect(fig.tierTime[2].median).to.equal(4.5);
    close(fig.tierTime[2].p90, 4.9);
    expect(fig.tierTime[3]).to.deep.equal({ count: 1, median: 8, p90: 8 });
  });

  it('SLA attainment from the tickets that carry deadlines, and none without', () => {
    const sla = summarize(cohort, 0).sla;
    // First response: met T1, T3; missed T2; T4 still running (not counted).
    expect(sla?.first_response).to.deep.equal({ met: 2, breached: 1, pending: 1, rate: 2 / 3 });
    // Resolution: met T1; missed T2, T3.
    expect(sla?.resolution).to.deep.equal({ met: 1, breached: 2, pending: 0, rate: 1 / 3 });
    // Acceptance: T2's and T3's tier-2 acceptance met, T3's tier-3 acceptance late.
    expect(sla?.acceptance).to.deep.equal({ met: 2, breached: 1, pending: 0, rate: 2 / 3 });
    expect(sla?.next_response).to.deep.equal({ met: 0, breached: 0, pending: 0, rate: null }); // T1's was stopped: not counted
    expect(summarize([factsOf(ids.t5), factsOf(ids.t6)], 0).sla).to.equal(null); // no SLA data: "—", not 0 %
  });

  it('per office (the backlog by where the ticket was at the end)', () => {
    const { rows, total } = byOffice(cohort, backlog);
    const l = rows.find((r) => r.office === ids.officeL)?.figures;
    const c = rows.find((r) => r.office === ids.officeC)?.figures;
    // Liège: T1, T2, T5, T6. First responses 0.5, 1, 1, 2 → median 1, p90 rank 2.7 → 1.7.
    expect(l).to.include({ volume: 4, resolved: 2, escalated: 1, escalations: 1, bounces: 1, reassignments: 0, backlog: 1 });
    expect(l?.firstResponse.median).to.equal(1);
    close(l?.firstResponse.p90 ?? null, 1.7);
    // Resolutions 4 and 10 → median 7, p90 4 + 0.9 × 6 = 9.4.
    expect(l?.resolution.median).to.equal(7);
    close(l?.resolution.p90 ?? null, 9.4);
    expect(l?.escalationRate).to.equal(0.25);
    expect(l?.bounceRate).to.equal(1);
    expect(l?.sla?.first_response.rate).to.equal(0.5);
    expect(l?.satisfaction.average).to.equal(4);
    // Charleroi: T3, T4; backlog T4 and T00.
    expect(c).to.include({ volume: 2, resolved: 1, escalated: 1, escalations: 2, bounces: 0, reassignments: 1, backlog: 2 });
    expect(c?.escalationRate).to.equal(0.5);
    expect(c?.bounceRate).to.equal(0);
    expect(c?.sla?.first_response.rate).to.equal(1); // T3 met, T4 running
    expect(c?.sla?.resolution.rate).to.equal(0);
    expect(total.volume).to.equal(6);
  });

  it('per tier', () => {
    const rows = byPlacement(cohort, backlog, 'tier');
    const tier = (n: number) => rows.find((r) => r.key === String(n));
    expect(tier(1)).to.deep.include({
      tickets: 6,
      resolvedHere: 2,
      escalatedOut: 2,
      escalationsIn: 0,
      bounces: 0,
      bounceRate: null,
      reassignedOut: 1,
      backlog: 3,
    });
    close(tier(1)?.escalationRate ?? null, 2 / 6);
    expect(tier(1)?.time).to.deep.equal({ count: 6, median: 5.5, p90: 19.5 });
    expect(tier(1)?.satisfaction.average).to.equal(4); // 5 and 3
    expect(tier(2)).to.deep.include({
      tickets: 2,
      resolvedHere: 0,
      escalatedOut: 1,
      escalationRate: 0.5,
      escalationsIn: 2,
      bounces: 1,
      bounceRate: 0.5,
      backlog: 0,
    });
    expect(tier(2)?.satisfaction.count).to.equal(0);
    expect(tier(3)).to.deep.include({ tickets: 1, resolvedHere: 1, escalatedOut: 0, escalationRate: 0, escalationsIn: 1, bounces: 0, bounceRate: 0 });
    expect(tier(3)?.satisfaction).to.deep.equal({ count: 1, average: 4, distribution: [0, 0, 0, 1, 0] });
  });

  it('per team', () => {
    const rows = byPlacement(cohort, backlog, 'team');
    const team = (id: string) => rows.find((r) => r.key === id);
    // Conseil Liège: T1 (4 h), T2 (6 h), T5 (13 h), T6 (3.5 h) → median 5.
    expect(team(ids.teamL)).to.deep.include({ tickets: 4, resolvedHere: 2, escalatedOut: 1, backlog: 1 });
    expect(team(ids.teamL)?.time.median).to.equal(5);
    expect(team(ids.teamC)).to.deep.include({ tickets: 2, resolvedHere: 0, escalatedOut: 1, reassignedOut: 1, backlog: 2 });
    expect(team(ids.teamS)).to.deep.include({ tickets: 2, escalationsIn: 2, bounces: 1 });
    expect(team(ids.teamA)).to.deep.include({ tickets: 1, resolvedHere: 1 });
  });

  it('day by day', () => {
    const { unit, buckets } = periodBuckets({ ...period, days: 5 }, 'Europe/Brussels');
    expect(unit).to.equal('day');
    const rows = byPeriod(cohort, buckets);
    expect(rows.map((r) => r.key)).to.deep.equal(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
    expect(rows.map((r) => r.created)).to.deep.equal([2, 1, 1, 1, 1]);
    // Resolutions: T1 Mon, T2 Wed, T3 Thu, T6 Fri (reopened later, still a resolution that day).
    expect(rows.map((r) => r.resolved)).to.deep.equal([1, 0, 1, 1, 1]);
    // Escalations: T2 and T3 on Tuesday, T3 again on Wednesday.
    expect(rows.map((r) => r.escalations)).to.deep.equal([0, 2, 1, 0, 0]);
    // Monday's tickets answered in 1 h and 2 h: median 1.5; Wednesday's (T4) never.
    expect(rows.map((r) => r.firstResponse.median)).to.deep.equal([1.5, 3, null, 1, 0.5]);
    expect(rows.map((r) => r.resolution.median)).to.deep.equal([7, 18, null, null, null]);
  });

  it('a ticket closed as spam is not a resolution: counted apart, out of the resolution medians, per place and per day', () => {
    // T1 again (Mon 09:00 → 13:00), but thrown out as spam instead of resolved.
    const t1 = all.find((f) => f.ticket.id === ids.t1);
    if (!t1) throw new Error('no T1');
    const upToDone = t1.events.slice(0, t1.events.findIndex((e) => e.type === 'resolved') + 1);
    const spamEvents = upToDone.map((e) => (e.type === 'resolved' ? { ...e, type: 'marked_spam', to: { ...e.to, status: 'closed' } } : e));
    const junk = ticketFacts({ ...t1.ticket, id: 'junk', status: 'closed', resolvedAt: null, closedAt: t1.ticket.resolvedAt }, spamEvents, ctx);
    expect(junk.spam).to.equal(true);
    expect(junk.resolutionHours).to.equal(null);
    expect(junk.resolvedPlace).to.equal(null);
    expect(factsOf(ids.t1).spam).to.equal(false);
    // With T2 (resolved in 10 h): one resolution, one spam, the median is T2's alone.
    const figures = summarize([junk, factsOf(ids.t2)], 0);
    expect(figures).to.include({ volume: 2, resolved: 1, spam: 1 });
    expect(figures.resolution.median).to.equal(10);
    const tier1 = byPlacement([junk], [], 'tier').find((r) => r.key === '1');
    expect(tier1?.resolvedHere).to.equal(0);
    const { buckets } = periodBuckets({ ...period, days: 5 }, 'Europe/Brussels');
    const days = byPeriod([junk], buckets);
    expect(days.map((r) => r.resolved)).to.deep.equal([0, 0, 0, 0, 0]);
    expect(days.map((r) => r.spam)).to.deep.equal([1, 0, 0, 0, 0]);
    expect(days[0]?.resolution.median).to.equal(null);
  });

  it('tier and team filters keep the tickets that went through', () => {
    expect(
      visiting(cohort, { tier: 2 })
        .map((f) => f.ticket.id)
        .sort(),
    ).to.deep.equal([ids.t2, ids.t3].sort());
    expect(visiting(cohort, { tier: 3 }).map((f) => f.ticket.id)).to.deep.equal([ids.t3]);
    expect(
      visiting(cohort, { team: ids.teamC })
        .map((f) => f.ticket.id)
        .sort(),
    ).to.deep.equal([ids.t3, ids.t4].sort());
    expect(visiting(cohort, { tier: 1, team: ids.teamS })).to.have.length(2);
    expect(visiting(cohort, {})).to.have.length(6);
  });

  it('weeks beyond a month, the first and last partial', () => {
    const from = new Date('2026-02-03T23:00:00Z'); // Wed 4 Feb, local midnight
    const to = new Date('2026-03-11T23:00:00Z'); // after Wed 11 March
    const { unit, buckets } = periodBuckets({ from, to, days: 36 }, 'Europe/Brussels');
    expect(unit).to.equal('week');
    expect(buckets.map((b) => b.key)).to.deep.equal(['2026-02-04', '2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02', '2026-03-09']);
    expect(buckets.at(-1)?.end.toISOString()).to.equal(to.toISOString());
  });
});
