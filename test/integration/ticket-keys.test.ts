/**
 * Numbered keys (server/tickets/ticket.keys.ts) after a restart: the first write to a key with many
 * slots taken (a member with years of tickets, a busy day) reads them ahead instead of trying an
 * insert on each, takes the next slot, and a replayed write finds its own slot and adds none.
 */
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { memberTicketIds, rememberMemberTicket, resetTicketKeyCaches } from '../../server/tickets/ticket.keys.js';
import { useTestDatabase } from '../helpers/db.js';

/** The inserts and reads `work` sends to `collection`. */
async function operationsOn(collection: string, work: () => Promise<unknown>): Promise<{ inserts: number; reads: number }> {
  const seen = { inserts: 0, reads: 0 };
  const proto = mongoose.mongo.Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = { insertOne: proto.insertOne, findOne: proto.findOne };
  for (const [method, counter] of [
    ['insertOne', 'inserts'],
    ['findOne', 'reads'],
  ] as const) {
    const original = originals[method];
    if (!original) throw new Error(`no ${method}`);
    proto[method] = function (this: { collectionName: string }, ...args: unknown[]) {
      if (this.collectionName === collection) seen[counter] += 1;
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, originals);
  }
  return seen;
}

describe('numbered keys after a restart', () => {
  useTestDatabase();

  it('reads the slots taken ahead, takes the next one with one insert, and a replayed write adds none', async () => {
    const member = new Types.ObjectId();
    const tickets = Array.from({ length: 40 }, () => new Types.ObjectId());
    for (const ticket of tickets) await rememberMemberTicket(member, ticket);

    resetTicketKeyCaches(); // as after a restart
    const next = new Types.ObjectId();
    const first = await operationsOn('member_tickets', () => rememberMemberTicket(member, next));
    expect(first.inserts, 'one insert, not one per slot taken').to.equal(1);
    expect(first.reads).to.be.at.most(1 + 3 * 16);
    expect((await memberTicketIds(member)).map(String)).to.deep.equal([...tickets, next].map(String));

    resetTicketKeyCaches();
    const replay = await operationsOn('member_tickets', () => rememberMemberTicket(member, tickets[10] as Types.ObjectId));
    expect(replay.inserts).to.equal(0);
    expect(await memberTicketIds(member)).to.have.length(41);

    // Warm again: the next write goes straight to its slot.
    const warm = await operationsOn('member_tickets', () => rememberMemberTicket(member, new Types.ObjectId()));
    expect(warm).to.deep.equal({ inserts: 1, reads: 0 });
  });
});
