/**
 * The working set's places (working-set.ts) and the policy's `workPlaces` (ticket.policy.ts) are a
 * shortcut the queues, counts, board and load panels take: a person's work is read from their places
 * instead of every working ticket. Property: whatever tickets move where, and whoever asks,
 *  - each place holds exactly the working tickets in it, at their latest version (no stale entry);
 *  - a person's places hold every ticket `inWorkScope` gives them, and every ticket they handed on;
 *  - a read lists each ticket once, and the held counts are those of the tickets.
 * A missing place would make tickets vanish from a queue: this is what ties the two together.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import type { StaffActor } from '../../server/auth/actor.js';
import type { StaffRole } from '../../server/staff/staff.model.js';
import { staffRoles } from '../../server/staff/staff.model.js';
import { ticketStatuses, tiers, isOpenStatus } from '../../server/lib/ticket.vocabulary.js';
import { usePolyvalentOffices, resetOfficeModels } from '../../server/routing/office-models.js';
import { inWorkScope, workPlaces } from '../../server/tickets/ticket.policy.js';
import { handedOnBy } from '../../server/tickets/ticket.workers.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { isWorking, WorkingSet, type Place } from '../../server/tickets/working-set.js';
import { useTestDatabase } from '../helpers/db.js';

const ids = (n: number) => Array.from({ length: n }, () => new Types.ObjectId());
const offices = ids(3);
const teams = ids(4);
const people = ids(5);
const day = 24 * 3600 * 1000;

interface Move {
  ticket: number;
  tier: number;
  office: number;
  team: number;
  assignee: number | null;
  workers: number[];
  status: (typeof ticketStatuses)[number];
  resolvedDaysAgo: number;
}

const moveArb: fc.Arbitrary<Move> = fc.record({
  ticket: fc.nat(11),
  tier: fc.constantFrom(...tiers),
  office: fc.nat(offices.length - 1),
  team: fc.nat(teams.length - 1),
  assignee: fc.option(fc.nat(people.length - 1), { nil: null }),
  workers: fc.uniqueArray(fc.nat(people.length - 1), { maxLength: 3 }),
  status: fc.constantFrom(...ticketStatuses),
  // Resolved within the window (working) or long ago (history).
  resolvedDaysAgo: fc.constantFrom(1, 30),
});

const actorArb: fc.Arbitrary<StaffActor> = fc
  .record({
    person: fc.nat(people.length - 1),
    roles: fc.uniqueArray(fc.constantFrom(...(staffRoles as readonly StaffRole[])), { minLength: 1, maxLength: 3 }),
    office: fc.option(fc.nat(offices.length - 1), { nil: null }),
    team: fc.option(fc.nat(teams.length - 1), { nil: null }),
  })
  .map(({ person, roles, office, team }) => ({
    kind: 'staff' as const,
    id: people[person] as Types.ObjectId,
    name: `person ${person}`,
    email: `p${person}@relais.test`,
    roles,
    team: team === null ? null : (teams[team] as Types.ObjectId),
    tier: null,
    office: office === null ? null : (offices[office] as Types.ObjectId),
    languages: ['fr'],
  }));

const inPlace = (t: Ticket, place: Place): boolean => {
  if ('assignee' in place) return String(t.assignee) === String(place.assignee);
  if ('worker' in place) return (t.workers ?? []).some((w) => String(w) === String(place.worker));
  if (t.tier !== place.tier) return false;
  if (place.office !== undefined) return String(t.office) === String(place.office);
  if (place.team !== undefined) return String(t.team) === String(place.team);
  return true;
};

const idsOf = (rows: readonly Ticket[]) => rows.map((t) => `${String(t._id)}@${t.version}`).sort();

describe('working set places: every person’s work is in their places', function () {
  this.timeout(120_000);
  useTestDatabase();
  after(() => resetOfficeModels());

  it('after any moves, for any person', async () => {
    const ticketIds = ids(12);
    await fc.assert(
      fc.asyncProperty(
        fc.array(moveArb, { minLength: 1, maxLength: 40 }),
        fc.array(actorArb, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(fc.nat(offices.length - 1), { maxLength: 2 }),
        async (moves, actors, polyvalent) => {
          usePolyvalentOffices(polyvalent.map((i) => offices[i] as Types.ObjectId));
          const set = new WorkingSet();
          await set.ready(); // an empty database: nothing to read
          const latest = new Map<string, Ticket>();
          const versions = new Map<number, number>();
          for (const move of moves) {
            const version = (versions.get(move.ticket) ?? 0) + 1;
            versions.set(move.ticket, version);
            const resolvedAt = new Date(Date.now() - move.resolvedDaysAgo * day);
            const ticket = {
              _id: ticketIds[move.ticket],
              version,
              tier: move.tier,
              office: offices[move.office],
              team: teams[move.team],
              assignee: move.assignee === null ? null : people[move.assignee],
              workers: move.workers.map((i) => people[i]),
              status: move.status,
              resolvedAt: move.status === 'resolved' || move.status === 'closed' ? resolvedAt : null,
              updatedAt: resolvedAt,
            } as unknown as Ticket;
            set.apply(ticket);
            latest.set(String(ticket._id), ticket);
          }
          const working = [...latest.values()].filter((t) => isWorking(t));
          expect(idsOf(await set.all())).to.deep.equal(idsOf(working));

          // Each place holds exactly its tickets, open or all working.
          const places: Place[] = [
            ...tiers.map((tier) => ({ tier })),
            ...tiers.flatMap((tier) => offices.map((office) => ({ tier, office }))),
            ...tiers.flatMap((tier) => teams.map((team) => ({ tier, team }))),
            ...people.flatMap((p) => [{ assignee: p }, { worker: p }]),
          ];
          for (const place of places) {
            expect(idsOf(await set.select({ openOnly: false, places: [place] }))).to.deep.equal(idsOf(working.filter((t) => inPlace(t, place))));
            const open = working.filter((t) => isOpenStatus(t.status) && inPlace(t, place));
            expect(idsOf(await set.select({ openOnly: true, places: [place] }))).to.deep.equal(idsOf(open));
          }
          for (const p of people) {
            const held = working.filter((t) => isOpenStatus(t.status) && String(t.assignee) === String(p)).length;
            expect(await set.heldBy(p)).to.equal(held);
          }

          for (const actor of actors) {
            for (const openOnly of [true, false]) {
              const pool = working.filter((t) => !openOnly || isOpenStatus(t.status));
              const read = await set.select({ openOnly, places: workPlaces(actor) });
              expect(new Set(read).size, 'each ticket once').to.equal(read.length);
              const inScope = pool.filter((t) => inWorkScope(actor, t));
              expect(idsOf(read.filter((t) => inWorkScope(actor, t))), `work of ${actor.roles.join('+')}`).to.deep.equal(idsOf(inScope));
              const handed = await set.select({ openOnly, places: workPlaces(actor, { handedOn: true }) });
              expect(idsOf(handed.filter((t) => handedOnBy(actor.id, t)))).to.deep.equal(idsOf(pool.filter((t) => handedOnBy(actor.id, t))));
              // Tiers narrow a read of places the same way.
              const upper = await set.select({ openOnly: true, tiers: [2, 3], places: workPlaces(actor) });
              expect(upper.every((t) => t.tier > 1)).to.equal(true);
              expect(idsOf(upper.filter((t) => inWorkScope(actor, t)))).to.deep.equal(
                idsOf(working.filter((t) => isOpenStatus(t.status) && t.tier > 1 && inWorkScope(actor, t))),
              );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
