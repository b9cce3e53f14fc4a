/**
 * The breach forecast model, worked out by hand: capacity hour by hour, work taken
 * by deadline, closed hours, unknown presence.
 */
import { expect } from 'chai';
import { arrivalProfile, forecastQueue, throughputOf, workOrder, type WaitingTicket } from '../../server/reports/forecast.js';

// Monday 9 March 2026, 10:00 in Brussels (UTC+1).
const at = (time: string, day = 9): Date => {
  const [h = '0', m = '0'] = time.split(':');
  return new Date(Date.UTC(2026, 2, day, Number(h) - 1, Number(m)));
};
const now = at('10:00');
const ticket = (id: string, due: string | null, created = '08:00', answered = false): WaitingTicket => ({
  id,
  dueAt: due ? at(due) : null,
  createdAt: at(created),
  answered,
});

describe('reports: breach forecast', () => {
  it('takes work by deadline, one ticket per person-hour of capacity', () => {
    // 2 people × 0.5 ticket per hour = 1 ticket an hour, open all four hours: capacity 4.
    // Order: d (overdue, 09:00), a (10:30), c (12:30), b (13:30), then e (no deadline), f (tomorrow) is beyond.
    // d is reached at 11:00, a at 12:00 (> 10:30: breach), c at 13:00 (> 12:30: breach), b at 14:00 (> 13:30: breach).
    const f = forecastQueue({
      now,
      waiting: [
        ticket('a', '10:30'),
        ticket('b', '13:30'),
        ticket('c', '12:30'),
        ticket('d', '09:00'),
        ticket('e', null, '07:00'),
        { ...ticket('f', null), dueAt: at('12:00', 10) },
      ],
      arrivals: [0.5, 0.5, 0.25, 0.75],
      openMinutes: [60, 60, 60, 60],
      online: 2,
      throughput: 0.5,
    });
    expect(f).to.include({ waiting: 6, arrivals: 2, capacity: 4, overdue: 1, dueSoon: 3, expectedBreaches: 3, queueAtHorizon: 4 });
    expect(f.handledAt.get('d')?.toISOString()).to.equal(at('11:00').toISOString());
    expect(f.handledAt.get('a')?.toISOString()).to.equal(at('12:00').toISOString());
    expect(f.handledAt.get('b')?.toISOString()).to.equal(at('14:00').toISOString());
    expect(f.handledAt.get('f')).to.equal(null); // beyond the four hours
  });

  it('gives no capacity to an hour the office is closed', () => {
    // One person, one ticket an hour, closed 12:00–13:00: x at 11:00, z at 12:00, y only at 14:00 (> 13:45).
    const f = forecastQueue({
      now,
      waiting: [ticket('x', '12:30'), ticket('y', '13:45'), ticket('z', '12:45')],
      arrivals: [0, 0, 0, 0],
      openMinutes: [60, 60, 0, 60],
      online: 1,
      throughput: 1,
    });
    expect(f).to.include({ capacity: 3, dueSoon: 3, expectedBreaches: 1, queueAtHorizon: 0 });
    expect(f.handledAt.get('y')?.toISOString()).to.equal(at('14:00').toISOString());
  });

  it('with half an hour open, half the capacity', () => {
    const f = forecastQueue({ now, waiting: [ticket('x', '10:45')], arrivals: [], openMinutes: [30, 0, 0, 0], online: 1, throughput: 2 });
    expect(f.capacity).to.equal(1);
    expect(f.handledAt.get('x')?.toISOString()).to.equal(at('11:00').toISOString()); // the whole first hour to reach 1
    expect(f.expectedBreaches).to.equal(1);
  });

  it('says "unknown" rather than guessing when presence or pace is unknown', () => {
    const input = { now, waiting: [ticket('a', '11:00'), ticket('b', '18:00')], arrivals: [1, 1, 1, 1], openMinutes: [60, 60, 60, 60] };
    for (const f of [forecastQueue({ ...input, online: null, throughput: 0.5 }), forecastQueue({ ...input, online: 3, throughput: null })]) {
      expect(f).to.include({ capacity: null, expectedBreaches: null, queueAtHorizon: null, dueSoon: 1, arrivals: 4 });
      expect(f.handledAt.get('a')).to.equal(null);
    }
    // Nobody online is known, not unknown: every deadline in the horizon is missed.
    expect(forecastQueue({ ...input, online: 0, throughput: 0.5 })).to.include({ capacity: 0, expectedBreaches: 1 });
  });

  it('orders work: deadlines first, then unanswered before answered, then the oldest', () => {
    const order = workOrder([
      ticket('old-answered', null, '06:00', true),
      ticket('new', null, '09:00'),
      ticket('due', '15:00', '09:30'),
      ticket('old', null, '07:00'),
    ]);
    expect(order.map((t) => t.id)).to.deep.equal(['due', 'old', 'new', 'old-answered']);
  });

  it('averages arrivals per weekday and hour, and pace per person-hour', () => {
    const profile = arrivalProfile(
      [
        { weekday: 1, hour: 10 },
        { weekday: 1, hour: 10 },
        { weekday: 1, hour: 11 },
      ],
      4,
    );
    expect(profile.get('1:10')).to.equal(0.5);
    expect(profile.get('1:11')).to.equal(0.25);
    expect(profile.get('2:10')).to.equal(undefined);
    expect(throughputOf(20, 2, 80)).to.equal(0.125);
    expect(throughputOf(5, 0, 80)).to.equal(null);
  });
});
