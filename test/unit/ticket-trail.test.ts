/**
 * The trail kept on a ticket (ticket.model.ts `TrailEntry`): entries written now leave out where the
 * ticket was before them (the previous entry's place) and their null fields; entries written before
 * carry both. Readers get the same answers from either, and from a trail that mixes them.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { fromTrail } from '../../server/reports/ticket-source.js';
import { doneAt } from '../../server/tickets/ticket.keys.js';
import { trailFrom, type TrailEntry, type TrailPlace } from '../../server/tickets/ticket.model.js';
import type { TicketStatus } from '../../server/lib/ticket.vocabulary.js';

const teams = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
const offices = [new Types.ObjectId(), new Types.ObjectId()];
const statuses: TicketStatus[] = ['new', 'open', 'pending_member', 'resolved', 'closed'];

const place = fc.record({
  tier: fc.constantFrom(1, 2, 3),
  team: fc.constantFrom(...teams),
  office: fc.constantFrom(...offices),
  status: fc.constantFrom(...statuses),
});

/** A trail as written before (every entry with `from` and its null fields). */
function fullTrail(places: TrailPlace[], start: number): TrailEntry[] {
  return places.map((to, i) => ({
    seq: i + 1,
    type: i === 0 ? 'created' : 'changed',
    at: new Date(start + i * 60_000),
    from: i === 0 ? null : (places[i - 1] as TrailPlace),
    to,
    staff: null,
    escalation: null,
  }));
}

/** The same trail with some entries written the new way (`slim[i]`: no `from`, no null fields). */
function mixed(full: TrailEntry[], slim: boolean[]): TrailEntry[] {
  return full.map((e, i) => (slim[i] ? { seq: e.seq, type: e.type, at: e.at, to: e.to } : e));
}

describe('the trail on a ticket, with or without `from` on each entry', () => {
  it('trailFrom gives every entry the place it came from, whatever entries carry it', () => {
    fc.assert(
      fc.property(fc.array(place, { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (places, slim) => {
        const full = fullTrail(places, Date.UTC(2026, 10, 2, 9));
        const trail = mixed(full, slim);
        trail.forEach((_, i) => expect(trailFrom(trail, i)).to.deep.equal(full[i]?.from));
      }),
    );
  });

  it('the reports read the same events, and a done ticket the same done time, from either', () => {
    fc.assert(
      fc.property(fc.array(place, { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (places, slim) => {
        const full = fullTrail(places, Date.UTC(2026, 10, 2, 9));
        const trail = mixed(full, slim);
        const _id = new Types.ObjectId();
        expect(fromTrail({ _id, trail })).to.deep.equal(fromTrail({ _id, trail: full }));
        const last = places.at(-1) as TrailPlace;
        const ticket = (t: TrailEntry[]) => ({ status: last.status as TicketStatus, trail: t, resolvedAt: null, closedAt: null });
        expect(doneAt(ticket(trail))).to.deep.equal(doneAt(ticket(full)));
      }),
    );
  });

  it('a ticket resolved, reopened and resolved again is done since its last resolution, across both kinds of entry', () => {
    const [office, team] = [offices[0] as Types.ObjectId, teams[0] as Types.ObjectId];
    const at = (h: number) => new Date(Date.UTC(2026, 10, 2, h));
    const p = (status: string): TrailPlace => ({ tier: 1, team, office, status });
    const trail: TrailEntry[] = [
      { seq: 1, type: 'created', at: at(8), from: null, to: p('new'), staff: null, escalation: null },
      { seq: 2, type: 'resolved', at: at(9), from: p('new'), to: p('resolved'), staff: null, escalation: null },
      { seq: 3, type: 'reopened', at: at(10), to: p('open') },
      { seq: 4, type: 'resolved', at: at(11), to: p('resolved') },
      { seq: 5, type: 'closed', at: at(12), to: p('closed') },
    ];
    expect(doneAt({ status: 'closed', trail, resolvedAt: null, closedAt: null })).to.deep.equal(at(11));
  });
});
