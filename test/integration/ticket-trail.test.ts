/**
 * Reports and the forecast read each ticket's `trail` (its events in brief, written by the journal)
 * and find a period's tickets through the day keys, instead of querying the events and the tickets.
 * Here: after stories played through the real commands, the trail is exactly the events in brief,
 * the day keys point at the tickets, and a report computed from the trails equals the same report
 * computed from the events (the trails removed, as on tickets older than the trail), whether it reads
 * each ticket or the reports' day documents.
 */
import { expect } from 'chai';
import type { StaffActor } from '../../server/auth/actor.js';
import { forgetReportDays, ReportDayModel } from '../../server/reports/day-facts.js';
import { loadReport } from '../../server/reports/load.js';
import { parseFilters } from '../../server/reports/period.js';
import { claimTicket, reopenTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, reassignTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { loadTicket, trailEntry } from '../../server/tickets/ticket.journal.js';
import { memberTicketIds, ticketIdsOfDays } from '../../server/tickets/ticket.keys.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { ticketEvents } from '../../server/tickets/ticket.queries.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

describe('ticket trail and day keys: what reports read instead of the events', function () {
  this.timeout(120_000);
  useTestDatabase();
  let org: Org;
  const ids: string[] = [];

  async function step(id: string, run: (version: number) => Promise<unknown>): Promise<void> {
    const t = (await loadTicket(id)) as Ticket;
    await run(t.version);
  }

  before(async () => {
    org = await buildOrg();
    const { advisorLiege, support, administrative, supervisorLiege } = org.staff;
    const as = (actor: StaffActor, id: string) => ({ actor, ticketId: id });
    for (let i = 0; i < 4; i += 1) {
      const id = String((await buildTicket(org, { subject: `Histoire ${i}` }))._id);
      ids.push(id);
      await step(id, (version) => claimTicket({ ...as(advisorLiege, id), version }));
      await step(id, (version) => replyToTicket({ ...as(advisorLiege, id), version, text: 'Bonjour, je regarde.' }));
      if (i % 2 === 0) {
        await step(id, (version) =>
          escalateTicket({ ...as(advisorLiege, id), version, reason: 'payroll_correction', handoff: 'Vérifié; il faut le soutien.' }),
        );
        await step(id, (version) => claimTicket({ ...as(support, id), version }));
        await step(id, (version) => returnTicket({ ...as(support, id), version, note: 'Corrigé de notre côté.' }));
      }
      if (i === 3) await step(id, (version) => reassignTicket({ ...as(supervisorLiege, id), version, tier: 3, reason: 'Acte administratif' }));
      if (i !== 3) await step(id, (version) => resolveTicket({ ...as(i === 3 ? administrative : advisorLiege, id), version }));
      if (i === 1) {
        await step(id, (version) => reopenTicket({ ...as(advisorLiege, id), version }));
        await step(id, (version) => resolveTicket({ ...as(advisorLiege, id), version }));
      }
    }
  });

  it('keeps on each ticket exactly its events in brief', async () => {
    for (const id of ids) {
      const ticket = (await loadTicket(id)) as Ticket;
      const events = await ticketEvents(ticket);
      expect(events.length).to.equal(ticket.version);
      expect(JSON.parse(JSON.stringify(ticket.trail))).to.deep.equal(JSON.parse(JSON.stringify(events.map(trailEntry))));
    }
  });

  it('notes each ticket under the day it was created (in its office) and the days it was done', async () => {
    const today = new Date();
    const created = (await ticketIdsOfDays({ kind: 'created', office: org.offices.liege }, today, today)).map(String);
    const charleroi = (await ticketIdsOfDays({ kind: 'created', office: org.offices.charleroi }, today, today)).map(String);
    const done = (await ticketIdsOfDays({ kind: 'done' }, today, today)).map(String);
    for (const id of ids) {
      const ticket = (await loadTicket(id)) as Ticket;
      expect([...created, ...charleroi], 'created key').to.include(id);
      expect(String(ticket.office) === String(org.offices.liege) ? created : charleroi).to.include(id);
      if (ticket.status === 'resolved') expect(done, 'done key').to.include(id);
    }
    expect(done.filter((d) => d === ids[1])).to.have.length(1); // resolved twice today: listed once
  });

  it('counts a ticket moved to another office once, in the report of every office', async () => {
    const admin = org.staff.administrator;
    const moved = await buildTicket(org, { subject: 'Mauvaise agence' });
    await reassignTicket({
      actor: org.staff.supervisorLiege,
      ticketId: String(moved._id),
      version: moved.version,
      team: String(org.teams.charleroi),
      reason: 'Mauvaise agence',
    });
    const filters = parseFilters({ preset: '7d' }, new Date(), 'Europe/Brussels');
    if (!('period' in filters)) throw new Error('filters refused');
    const report = await loadReport(admin, filters, new Date());
    expect(report.facts.filter((f) => f.ticket.id === String(moved._id))).to.have.length(1);
    expect(report.facts.find((f) => f.ticket.id === String(moved._id))?.ticket.office).to.equal(String(org.offices.charleroi));
    ids.push(String(moved._id));
  });

  it('keys every ticket of simultaneous creations under its day and member, without holes', async () => {
    const day = new Date(Date.UTC(2026, 2, 9, 10));
    const member = { name: 'Lotte Peeters', email: 'lotte.peeters@example.be' };
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => buildTicket(org, { at: new Date(day.getTime() + i), member })));
    const keyed = (await ticketIdsOfDays({ kind: 'created', office: made[0]!.office }, day, day)).map(String);
    expect(new Set(keyed).size).to.equal(keyed.length);
    expect(keyed).to.include.members(made.map((t) => String(t._id)));
    const mine = (await memberTicketIds(made[0]!.member)).map(String);
    expect(mine).to.include.members(made.map((t) => String(t._id)));
  });

  it('gives the same report from the trails as from the events', async () => {
    const admin = org.staff.administrator;
    const filters = parseFilters({ preset: '7d' }, new Date(), 'Europe/Brussels');
    if (!('period' in filters)) throw new Error('filters refused');
    const now = new Date();
    const fromTrails = await loadReport(admin, filters, now, 'tickets');
    await TicketModel.collection.updateMany({}, { $unset: { trail: '' } });
    const fromEvents = await loadReport(admin, filters, now, 'tickets');
    // The backlog is counted (its order comes from the working set, read again below): sorted.
    const digest = (d: typeof fromTrails) =>
      JSON.stringify({
        facts: d.facts.map((f) => ({ ...f, ticket: f.ticket.id, tierHours: [...f.tierHours], teamHours: [...f.teamHours] })),
        backlog: [...d.backlog].sort((a, b) => a.id.localeCompare(b.id)),
      });
    expect(fromTrails.facts).to.have.length(ids.length);
    expect(digest(fromTrails)).to.equal(digest(fromEvents));
    // The reports' day documents of tickets without a trail are made from their events too.
    await ReportDayModel.deleteMany({});
    forgetReportDays();
    workingSet.reset();
    expect(digest(await loadReport(admin, filters, now))).to.equal(digest(fromEvents));
  });
});
