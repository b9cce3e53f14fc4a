/**
 * The search pre-filter must never be narrower than the ticket policy: for every combination of
 * roles, office, team, ticket placement, holder, followers (workers, member's office) and polyvalent offices, a ticket `canRead` allows
 * passes the scope. (It may be wider: `canRead` still decides on every result.)
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { StaffActor } from '../../server/auth/actor.js';
import { resetOfficeModels, usePolyvalentOffices } from '../../server/routing/office-models.js';
import { scopeAllows, searchScope } from '../../server/search/search.scope.js';
import { staffRoles, type StaffRole } from '../../server/staff/staff.model.js';
import { canRead, type PolicyTicket } from '../../server/tickets/ticket.policy.js';
import { tiers } from '../../server/lib/ticket.vocabulary.js';

describe('search scope (the engine’s pre-filter)', () => {
  const oid = () => new Types.ObjectId();
  const offices: [Types.ObjectId, Types.ObjectId, Types.ObjectId] = [oid(), oid(), oid()];
  const teams: [Types.ObjectId, Types.ObjectId, Types.ObjectId] = [oid(), oid(), oid()];
  const me = new Types.ObjectId();
  const someoneElse = new Types.ObjectId();
  const roleSets: StaffRole[][] = [];
  for (let mask = 0; mask < 1 << staffRoles.length; mask += 1) roleSets.push(staffRoles.filter((_, i) => mask & (1 << i)));

  afterEach(() => resetOfficeModels());

  for (const polyvalent of [[], [offices[1]]]) {
    it(`lets through every ticket the policy lets a person read (polyvalent offices: ${polyvalent.length})`, () => {
      usePolyvalentOffices(polyvalent);
      let readable = 0;
      let refused = 0;
      for (const roles of roleSets)
        for (const office of [offices[0], null])
          for (const team of [teams[0], null]) {
            const actor: StaffActor = { kind: 'staff', id: me, name: 'x', email: 'x@example.be', roles, team, tier: null, office, languages: ['fr'] };
            const scope = searchScope(actor);
            for (const tier of tiers)
              for (const tOffice of offices)
                for (const tTeam of teams)
                  for (const assignee of [me, someoneElse, null])
                    for (const workers of [[someoneElse, me], [someoneElse], undefined])
                      for (const memberOffice of [offices[0], offices[2], null]) {
                        const ticket: PolicyTicket = {
                          tier,
                          office: tOffice,
                          team: tTeam,
                          assignee,
                          member: someoneElse,
                          status: 'open',
                          workers,
                          memberOffice,
                        };
                        const allowed = scopeAllows(scope, ticket);
                        if (canRead(actor, ticket)) {
                          readable += 1;
                          expect(
                            allowed,
                            `${roles.join('+')} office ${String(office)} team ${String(team)} → tier ${tier}, workers ${String(workers)}, member office ${String(memberOffice)}`,
                          ).to.equal(true);
                        } else if (!allowed) refused += 1;
                      }
          }
      // The scope filters something (it is not "everything"), and the policy allows something.
      expect(readable).to.be.greaterThan(0);
      expect(refused).to.be.greaterThan(0);
    });
  }

  it('is the policy for an advisor of one office: their queue, their members’ tickets and what they worked on wherever they went, nothing else of another office unless they hold it', () => {
    const actor: StaffActor = {
      kind: 'staff',
      id: me,
      name: 'x',
      email: 'x@example.be',
      roles: ['advisor'],
      team: teams[0],
      tier: 1,
      office: offices[0],
      languages: ['fr'],
    };
    const scope = searchScope(actor);
    const at = (tier: number, office: number, more: { assignee?: Types.ObjectId; memberOffice?: Types.ObjectId; workers?: Types.ObjectId[] } = {}) =>
      scopeAllows(scope, { tier, office: offices[office] ?? oid(), team: teams[2], ...more });
    expect(at(1, 0)).to.equal(true);
    expect(at(1, 1)).to.equal(false);
    expect(at(2, 0)).to.equal(false);
    expect(at(2, 1)).to.equal(false);
    expect(at(2, 1, { assignee: me })).to.equal(true);
    expect(at(2, 1, { memberOffice: offices[0] })).to.equal(true);
    expect(at(1, 1, { memberOffice: offices[1], workers: [someoneElse, me] })).to.equal(true);
    expect(at(1, 1, { memberOffice: offices[1], workers: [someoneElse] })).to.equal(false);
  });
});
