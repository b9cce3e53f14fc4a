/**
 * Housekeeping (server/housekeeping/): records that only matter for a while are deleted once they
 * expired — used member links past MEMBER_LINK_TTL, used unlock links past their lifetime, link and
 * unlock requests nobody worked for a day, the staff sign-in counters of ended windows — and what is
 * still live stays. One instance runs a period's pass; another asking for the same period skips it.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createLoginThrottle } from '../../server/auth/login-throttle.js';
import { SignInCountModel } from '../../server/auth/sign-in-counts.js';
import { UnlockRequestModel, UnlockUseModel } from '../../server/auth/unlock.model.js';
import { runHousekeeping } from '../../server/housekeeping/housekeeping.js';
import { LinkRequestModel } from '../../server/members/link-request.model.js';
import { LinkUseModel } from '../../server/members/link-use.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';

describe('housekeeping: expired records go, live ones stay', () => {
  useTestDatabase();
  const config = testConfig({ MEMBER_LINK_TTL: '30d' });
  const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const minute = 60_000;
  const day = 86_400_000;

  it('deletes used links, stale requests and ended sign-in counters; keeps the rest', async () => {
    const member = new Types.ObjectId();
    await LinkUseModel.collection.insertMany([
      { _id: 'use-old', member, at: ago(31 * day) },
      { _id: 'use-live', member, at: ago(29 * day) },
    ] as never);
    await UnlockUseModel.collection.insertMany([
      { _id: 'unlock-old', staff: member, at: ago(16 * minute) },
      { _id: 'unlock-live', staff: member, at: ago(14 * minute) },
    ] as never);
    await LinkRequestModel.collection.insertMany([
      { _id: 'stale@example.org', mail: new Types.ObjectId(), locale: 'fr', at: ago(2 * day) },
      { _id: 'waiting@example.org', mail: new Types.ObjectId(), locale: 'fr', at: ago(minute) },
    ] as never);
    await UnlockRequestModel.collection.insertMany([
      { _id: 'stale@example.org', mail: new Types.ObjectId(), locale: 'fr', at: ago(2 * day) },
      { _id: 'waiting@example.org', mail: new Types.ObjectId(), locale: 'fr', at: ago(minute) },
    ] as never);
    // Counters written by the real throttle: one failure an hour ago (its window ended), one now.
    const earlier = createLoginThrottle({}, () => now.getTime() - 60 * minute);
    const current = createLoginThrottle({}, () => now.getTime());
    await earlier.admit({ ip: '203.0.113.1', email: 'old@example.org' });
    await current.admit({ ip: '203.0.113.2', email: 'new@example.org' });
    const countersBefore = await SignInCountModel.countDocuments({});

    const report = await runHousekeeping({ config, now });
    expect(report).to.not.equal(null);

    expect((await LinkUseModel.find({}).lean()).map((d) => d._id)).to.deep.equal(['use-live']);
    expect((await UnlockUseModel.find({}).lean()).map((d) => d._id)).to.deep.equal(['unlock-live']);
    expect((await LinkRequestModel.find({}).lean()).map((d) => d._id)).to.deep.equal(['waiting@example.org']);
    expect((await UnlockRequestModel.find({}).lean()).map((d) => d._id)).to.deep.equal(['waiting@example.org']);
    const countersAfter = await SignInCountModel.find({}).lean();
    expect(countersAfter.length).to.be.above(0).and.below(countersBefore);
    expect(countersAfter.every((d) => d.expiresAt.getTime() > now.getTime())).to.equal(true);
    // The live counter still counts: the failure of the current window is there.
    expect(report?.jobs['sign-in counters']).to.be.above(0);
  });

  it('runs one pass per period across instances: the second asking for the same period skips it', async () => {
    const at = new Date(now.getTime() + day);
    const [a, b] = await Promise.all([runHousekeeping({ config, now: at }), runHousekeeping({ config, now: at })]);
    expect([a, b].filter((r) => r !== null)).to.have.length(1);
    expect(await runHousekeeping({ config, now: new Date(at.getTime() + 60 * minute) })).to.not.equal(null);
  });
});
