/**
 * The rooms a socket joins and the rooms a ticket's updates go to must say exactly
 * what the read policy says: "shares a room with the ticket" ⇔ `canRead`. Checked on
 * random staff and placements drawn from a few ids, so that matches are frequent.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import type { StaffActor } from '../../server/auth/actor.js';
import { roomsForActor, roomsForPlacement } from '../../server/realtime/rooms.js';
import { staffRoles } from '../../server/staff/staff.model.js';
import { canRead, type PolicyTicket } from '../../server/tickets/ticket.policy.js';

const ids = (n: number) => Array.from({ length: n }, () => new Types.ObjectId());
const offices = ids(3);
const teams = ids(4);
const people = ids(3);
const member = new Types.ObjectId();

const actor = fc
  .record({
    id: fc.constantFrom(...people),
    roles: fc.uniqueArray(fc.constantFrom(...staffRoles), { maxLength: 3 }),
    team: fc.option(fc.constantFrom(...teams)),
    office: fc.option(fc.constantFrom(...offices)),
    tier: fc.option(fc.constantFrom(1 as const, 2 as const, 3 as const)),
  })
  .map((a): StaffActor => ({ kind: 'staff', name: 'x', email: 'x@test.relais', languages: [], ...a }));

const ticket = fc
  .record({
    tier: fc.constantFrom(1, 2, 3),
    team: fc.constantFrom(...teams),
    office: fc.constantFrom(...offices),
    assignee: fc.option(fc.constantFrom(...people)),
    status: fc.constantFrom('new', 'open', 'pending_member', 'resolved', 'closed'),
    // Followers (read only): people who worked on it, and its member's office.
    workers: fc.uniqueArray(fc.constantFrom(...people), { maxLength: 2 }),
    memberOffice: fc.option(fc.constantFrom(...offices)),
  })
  .map((t): PolicyTicket => ({ ...t, member }));

describe('realtime rooms follow the read policy', () => {
  it('a socket shares a room with a ticket exactly when its staff member may read the ticket', () => {
    fc.assert(
      fc.property(actor, ticket, (a, t) => {
        const joined = new Set(roomsForActor(a));
        const shares = roomsForPlacement(t).some((room) => joined.has(room));
        expect(shares, `${JSON.stringify(a)} / ${JSON.stringify(t)}`).to.equal(canRead(a, t));
      }),
      { numRuns: 5_000 },
    );
  });
});
