/**
 * The news the working set sends the other instances through a real `redis-server`
 * (tickets/working-set.sync.ts), read off the channel as another instance would read it.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createClient } from 'redis';
import { changeMemberDetails } from '../../server/members/member-changes.js';
import { MemberModel } from '../../server/members/member.model.js';
import { memberNamesByIds } from '../../server/members/member-names.js';
import { readStaffForSignIn, rememberedStaff, staffRecordChanged } from '../../server/staff/staff-records.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { startWorkingSetSync, workingSetChannel, type WorkingSetSync } from '../../server/tickets/working-set.sync.js';
import { silentLogger } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

type Heard = { o: string; s: number; t?: string; v?: number; m?: string; p?: string };

describe('working-set news between instances (real redis-server)', function () {
  this.timeout(30_000);
  useTestDatabase();
  let redis: TestRedis;
  let sync: WorkingSetSync;
  let listener: ReturnType<typeof createClient>;
  let org: Org;
  const heard: Heard[] = [];

  /** Resolves with the first news (after those already heard) that `match` accepts. */
  async function hear(match: (news: Heard) => boolean, timeoutMs = 5_000): Promise<Heard> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const found = heard.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no such news within ${timeoutMs} ms; heard ${JSON.stringify(heard)}`);
  }

  before(async () => {
    redis = await startRedis();
    listener = createClient({ url: redis.url });
    await listener.connect();
    await listener.subscribe(workingSetChannel, (message) => heard.push(JSON.parse(message) as Heard));
    sync = await startWorkingSetSync({ redisUrl: redis.url, workingSet, logger: silentLogger });
    org = await buildOrg();
  });

  after(async () => {
    await sync?.close();
    await listener?.close();
    await redis?.stop();
  });

  it("tells of a ticket's new version once it is applied, in the order of the commits", async () => {
    const ticket = await buildTicket(org);
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    const news = await hear((n) => n.t === String(ticket._id) && n.v === claimed.version);
    expect(news.o).to.equal(sync.origin);
    const created = heard.find((n) => n.t === String(ticket._id) && n.v === ticket.version);
    expect(created, 'the creation was told too, before').to.not.equal(undefined);
    expect(created?.s).to.be.below(news.s);
  });

  it('tells of a member changed even when a step after the write fails, and forgets the name here', async () => {
    // A member imported raw, whose stored address is not text: after the new details are written,
    // the old address's key cannot be looked up, and the change fails there.
    const id = new Types.ObjectId();
    await MemberModel.collection.insertOne({ _id: id, name: 'Chloé Import', email: { legacy: 'chloe@example.be' }, memberNumber: null, office: null } as never);
    expect((await memberNamesByIds([String(id)])).get(String(id))).to.equal('Chloé Import');
    const failed = await changeMemberDetails(id, { name: 'Chloé Martin', email: 'chloe.martin@example.be' }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failed, 'the change failed after its write').to.be.instanceOf(Error);
    expect((await MemberModel.findById(id).lean())?.name, 'the details were written').to.equal('Chloé Martin');
    // The other instances are told (they forget the name they remember), and this one has forgotten it.
    const news = await hear((n) => n.m === String(id));
    expect(news.o).to.equal(sync.origin);
    expect((await memberNamesByIds([String(id)])).get(String(id))).to.equal('Chloé Martin');
  });

  it('tells of a staff record changed here, and forgets one changed on another instance when its news comes', async () => {
    const person = String(org.staff.advisorLiege.id);
    staffRecordChanged(person);
    const told = await hear((n) => n.p === person);
    expect(told.o).to.equal(sync.origin);
    await readStaffForSignIn(person);
    expect(rememberedStaff(person), 'remembered after a read').to.not.equal(undefined);
    const other = createClient({ url: redis.url });
    await other.connect();
    try {
      await other.publish(workingSetChannel, JSON.stringify({ o: 'another-instance', s: 1, p: person }));
      for (const deadline = Date.now() + 5_000; rememberedStaff(person) !== undefined;) {
        if (Date.now() > deadline) throw new Error('the news from the other instance did not make this one forget the record');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await other.close();
    }
  });
});
