/**
 * The backlog at a past date (the end of the comparison's earlier period) keeps the tickets done on
 * each ended day (server/reports/done-days.ts) instead of reading them again on every view: the
 * figures are the same as read afresh, for every reader, and a second view reads none of those
 * tickets again.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { StaffActor } from '../../server/auth/actor.js';
import { clearDoneDays } from '../../server/reports/done-days.js';
import { loadReports } from '../../server/reports/load.js';
import { parseFilters, type ReportFilters } from '../../server/reports/period.js';
import { claimTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

const zone = 'Europe/Brussels';
const DAY = 24 * 3_600_000;

describe('reports: the backlog at a past date', () => {
  useTestDatabase();
  let org: Org;
  let earlier: ReportFilters;

  before(async () => {
    org = await buildOrg();
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    // Liège: one done two days ago, one still open; Charleroi: one done two days ago; Liège: one done before the date.
    const made = [
      { at: ago(6), office: org.offices.liege, done: ago(2), by: org.staff.advisorLiege },
      { at: ago(6), office: org.offices.liege, done: null, by: org.staff.advisorLiege },
      { at: ago(6), office: org.offices.charleroi, done: ago(2), by: org.staff.advisorCharleroi },
      { at: ago(6), office: org.offices.liege, done: ago(5), by: org.staff.advisorLiege },
    ];
    for (const m of made) {
      const ticket = await buildTicket(org, { at: m.at, office: m.office, actor: m.by });
      if (!m.done) continue;
      const claimed = await claimTicket({ actor: m.by, ticketId: String(ticket._id), version: ticket.version, at: new Date(m.at.getTime() + 3_600_000) });
      await resolveTicket({ actor: m.by, ticketId: String(ticket._id), version: claimed.version, at: m.done });
    }
    // A period that ended three days ago: its backlog is what was open then.
    const f = parseFilters({ from: ago(10).toISOString().slice(0, 10), to: ago(3).toISOString().slice(0, 10) }, new Date(), zone);
    if (!('period' in f)) throw new Error('filters refused');
    earlier = f;
  });

  const readers = (): Array<[string, StaffActor]> => [
    ['administrator', org.staff.administrator],
    ['supervisor Liège', org.staff.supervisorLiege],
    ['advisor Charleroi', org.staff.advisorCharleroi],
  ];

  it('counts the tickets open then, the same whether the done days are kept or read afresh', async () => {
    const now = new Date();
    for (const [name, actor] of readers()) {
      clearDoneDays();
      const [fresh] = await loadReports(actor, [earlier], now);
      const [kept] = await loadReports(actor, [earlier], now);
      expect(JSON.stringify(kept?.backlog), name).to.equal(JSON.stringify(fresh?.backlog));
    }
    clearDoneDays();
    const [all] = await loadReports(org.staff.administrator, [earlier], now);
    // The two done two days ago and the one still open; the one done five days ago was done by then.
    expect(all?.backlog).to.have.length(3);
    const [liege] = await loadReports(org.staff.advisorLiege, [earlier], now);
    expect(liege?.backlog.every((b) => b.place.office === String(org.offices.liege))).to.equal(true);
    expect(liege?.backlog).to.have.length(2);
  });

  it('reads the tickets of an ended day once, not on every view', async () => {
    clearDoneDays();
    const now = new Date();
    await loadReports(org.staff.administrator, [earlier], now);
    const counted = { reads: 0 };
    const collection = mongoose.mongo.Collection.prototype as unknown as { findOne: (...args: unknown[]) => unknown };
    const original = collection.findOne;
    collection.findOne = function (this: { collectionName: string }, ...args: unknown[]) {
      if (this.collectionName === 'tickets') counted.reads += 1;
      return original.apply(this, args);
    };
    try {
      const [again] = await loadReports(org.staff.administrator, [earlier], now);
      expect(again?.backlog).to.have.length(3);
    } finally {
      collection.findOne = original;
    }
    expect(counted.reads, 'tickets read by the second view').to.equal(0);
  });
});
