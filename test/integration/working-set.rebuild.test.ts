import { expect } from 'chai';
import { Types } from 'mongoose';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { markWorking, WorkingTicketModel } from '../../server/tickets/ticket.keys.js';
import { workingSet, YOUNG_HINT_MS } from '../../server/tickets/working-set.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/db.js';

/**
 * A rebuild (at start, or after a gap in the news between instances) reads the hints, then each
 * ticket: whatever happens meanwhile must survive it.
 */
describe('working set: a rebuild while work goes on', () => {
  useTestDatabase();
  let org: Org;
  before(async () => {
    org = await buildOrg();
  });

  it('keeps a ticket created and a claim made while it reads', async () => {
    const existing = [];
    for (let i = 0; i < 60; i += 1) existing.push(await buildTicket(org));
    await workingSet.ready();
    const target = existing[0];
    if (!target) throw new Error('no ticket');

    let finished = false;
    // One read at a time, so the rebuild is still reading when the creation and the claim are done.
    const rebuilding = workingSet.rebuild(1).then((result) => {
      finished = true;
      return result;
    });
    const created = await buildTicket(org, { subject: 'Créé pendant la reconstruction' });
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(target._id), version: target.version });
    expect(finished, 'the creation and the claim happened while the rebuild was reading').to.equal(false);
    await rebuilding;

    expect(workingSet.get(String(created._id))?.subject).to.equal('Créé pendant la reconstruction');
    expect(workingSet.get(String(target._id))?.version).to.equal(claimed.version);
    expect(String(workingSet.get(String(target._id))?.assignee)).to.equal(String(org.staff.advisorLiege.id));
    expect((await workingSet.all()).length).to.equal(61);
    expect(await WorkingTicketModel.exists({ _id: created._id }), 'the new ticket keeps its hint for the next start').to.not.equal(null);
  });

  it('keeps the young hint of a creation in flight, and drops an old hint without a ticket', async () => {
    const inFlight = new Types.ObjectId(); // its hint written, its event not yet
    await markWorking(inFlight);
    const abandoned = new Types.ObjectId(); // a creation that failed long ago
    await markWorking(abandoned, new Date(Date.now() - YOUNG_HINT_MS - 60_000));

    const result = await workingSet.rebuild();
    expect(result.dropped).to.equal(1);
    expect(await WorkingTicketModel.exists({ _id: inFlight })).to.not.equal(null);
    expect(await WorkingTicketModel.exists({ _id: abandoned })).to.equal(null);
    expect(workingSet.get(String(inFlight))).to.equal(undefined);
  });
});
