/**
 * Automatic assignment (round-robin, least-loaded; online, language, cap), the per-office routing
 * model (tiered or polyvalent), the routes that switch them, and the away-advisor handoff.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { domainEvents } from '../../server/lib/domain-events.js';
import { silentLogger } from '../helpers/config.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { pickCandidate, startAutoAssignment, sweepWaiting } from '../../server/assignment/auto-assignment.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { TicketEventModel } from '../../server/tickets/ticket-event.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { can } from '../../server/tickets/ticket.policy.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';

describe('choosing a person (pure)', () => {
  const people = [
    { id: 'a', name: 'A', load: 3, capacity: 15 },
    { id: 'b', name: 'B', load: 1, capacity: 15 },
    { id: 'c', name: 'C', load: 1, capacity: 1 },
  ];
  it('round-robin takes the next one after the last, wrapping, skipping anyone at their cap', () => {
    expect(pickCandidate('round_robin', people, null)?.id).to.equal('a');
    expect(pickCandidate('round_robin', people, 'a')?.id).to.equal('b');
    expect(pickCandidate('round_robin', people, 'b')?.id).to.equal('a'); // c is at its cap
  });
  it('least-loaded takes the lightest load, turn order breaking ties; nobody under the cap gives null', () => {
    expect(pickCandidate('least_loaded', people, null)?.id).to.equal('b');
    expect(pickCandidate('least_loaded', [...people, { id: 'd', name: 'D', load: 1, capacity: 15 }], 'b')?.id).to.equal('d');
    expect(pickCandidate('least_loaded', [{ id: 'x', name: 'X', load: 2, capacity: 2 }], null)).to.equal(null);
  });
});

describe('automatic assignment, routing models and handoff (real database)', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;
  let app: Express;
  let online = new Set<string>();
  let stop: () => void;
  const settled = () => domainEvents.settled();

  before(async () => {
    org = await buildOrg();
    app = testApp();
    stop = startAutoAssignment({ events: domainEvents, logger: silentLogger, deps: { online: async () => online } });
  });
  after(() => stop());

  const julie = () => String(org.staff.advisorLiege.id);
  const nadia = () => String(org.staff.advisorLiege2.id);

  it('leaves tickets in the queue while the team claims by hand (the default)', async () => {
    online = new Set([julie(), nadia()]);
    const ticket = await buildTicket(org);
    await settled();
    expect((await loadTicket(String(ticket._id)))?.assignee ?? null).to.equal(null);
  });

  it('a supervisor switches the Liège team to round-robin; new tickets go to the online advisors in turn, recorded', async () => {
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    const res = await request(app)
      .patch(`/api/v1/teams/${String(org.teams.liege)}`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ assignmentMode: 'round_robin' })
      .expect(200);
    expect(res.body.team.assignmentMode).to.equal('round_robin');
    const tickets = [];
    for (let i = 0; i < 4; i += 1) tickets.push(await buildTicket(org, { subject: `Tour ${i}` }));
    await settled();
    const holders = [];
    for (const t of tickets) holders.push(String((await loadTicket(String(t._id)))?.assignee));
    expect(holders.filter((h) => h === julie())).to.have.length(2);
    expect(holders.filter((h) => h === nadia())).to.have.length(2);
    expect(holders[0]).not.to.equal(holders[1]);
    const event = await TicketEventModel.findOne({ ticket: tickets[0]?._id, type: 'assigned' }).lean();
    expect(event?.actor.kind).to.equal('system');
    expect(event?.note).to.match(/round-robin; \d+ open ticket\(s\) of 15; online; speaks fr/);
  });

  it('never gives a ticket to someone offline, or who does not speak its language, or at their cap', async () => {
    online = new Set([julie()]);
    const dutch = await buildTicket(org, { language: 'nl', subject: 'Vraag' });
    await settled();
    expect((await loadTicket(String(dutch._id)))?.assignee ?? null, 'nobody online speaks Dutch').to.equal(null);
    await StaffModel.updateOne({ _id: org.staff.advisorLiege.id }, { $set: { capacity: 0 } });
    const full = await buildTicket(org, { subject: 'Complet' });
    await settled();
    expect((await loadTicket(String(full._id)))?.assignee ?? null, 'Julie is at her cap, Nadia is away').to.equal(null);
    await StaffModel.updateOne({ _id: org.staff.advisorLiege.id }, { $set: { capacity: 15 } });
  });

  it('gives tickets that waited while nobody fitting was online to someone who comes online (the sweep)', async () => {
    online = new Set();
    const waiting = await buildTicket(org, { subject: 'Arrivé pendant la pause' });
    await settled();
    expect((await loadTicket(String(waiting._id)))?.assignee ?? null).to.equal(null);
    online = new Set([nadia()]);
    expect(await sweepWaiting({ online: async () => online })).to.be.at.least(1);
    expect(String((await loadTicket(String(waiting._id)))?.assignee)).to.equal(nadia());
  });

  it('least-loaded gives the ticket to whoever holds the fewest open tickets', async () => {
    await TeamModel.updateOne({ _id: org.teams.liege }, { $set: { assignmentMode: 'least_loaded' } });
    // While Nadia is away, Julie gets four more.
    online = new Set([julie()]);
    for (let i = 0; i < 4; i += 1) {
      const t = await buildTicket(org, { subject: `Main ${i}` });
      await settled();
      const current = await loadTicket(String(t._id));
      if (current && !current.assignee) await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: current.version });
    }
    online = new Set([julie(), nadia()]);
    const load = async (id: string) => TicketModel.countDocuments({ assignee: id, status: { $in: ['new', 'open', 'pending_member'] } });
    expect(await load(julie()), 'Julie holds more than Nadia').to.be.greaterThan(await load(nadia()));
    const next = await buildTicket(org, { subject: 'Au moins chargé' });
    await settled();
    expect(String((await loadTicket(String(next._id)))?.assignee)).to.equal(nadia());
  });

  it("hands an away advisor's tickets back to the queue, where they are reassigned; only their office's supervisor may", async () => {
    online = new Set([julie()]); // Nadia is away
    const before = await TicketEventModel.countDocuments({ type: 'reassigned' });
    const charleroi = await login(app, org.staff.supervisorCharleroi.email);
    await request(app).post(`/api/v1/staff/${nadia()}/handoff`).set('Authorization', `Bearer ${charleroi}`).send({ reason: "Absente aujourd'hui" }).expect(403);
    const advisor = await login(app, org.staff.advisorLiege.email);
    await request(app).post(`/api/v1/staff/${nadia()}/handoff`).set('Authorization', `Bearer ${advisor}`).send({ reason: 'Absente' }).expect(403);
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    const res = await request(app)
      .post(`/api/v1/staff/${nadia()}/handoff`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ reason: "Absente aujourd'hui" })
      .expect(200);
    expect(res.body.handedOff.length).to.be.greaterThan(0);
    await settled();
    expect(await TicketEventModel.countDocuments({ type: 'reassigned' })).to.equal(before + res.body.handedOff.length);
    // Back in the queue, then given by least-loaded to the one advisor online.
    expect(await TicketModel.countDocuments({ assignee: org.staff.advisorLiege.id, number: { $in: res.body.handedOff as string[] } })).to.equal(
      (res.body.handedOff as string[]).length,
    );
    expect(await TicketModel.countDocuments({ assignee: org.staff.advisorLiege2.id, status: { $in: ['new', 'open', 'pending_member'] } })).to.equal(0);
  });

  it('switches Liège to the polyvalent model: support works its tier 1, and escalations skip to tier 3 and come back', async () => {
    await TeamModel.updateOne({ _id: org.teams.liege }, { $set: { assignmentMode: 'manual' } });
    const other = await login(app, org.staff.supervisorCharleroi.email);
    await request(app)
      .patch(`/api/v1/offices/${String(org.offices.liege)}`)
      .set('Authorization', `Bearer ${other}`)
      .send({ routingModel: 'polyvalent' })
      .expect(403);
    const ticketBefore = await buildTicket(org, { subject: 'Avant le pilote' });
    expect(can(org.staff.support, 'claim', ticketBefore)).to.equal(false);
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app)
      .patch(`/api/v1/offices/${String(org.offices.liege)}`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ routingModel: 'polyvalent' })
      .expect(200);
    expect((await OfficeModel.findById(org.offices.liege).lean())?.routingModel).to.equal('polyvalent');
    const ticket = await buildTicket(org, { subject: 'Pilote' });
    await settled();
    expect(can(org.staff.support, 'claim', ticket)).to.equal(true);
    const supportToken = await login(app, org.staff.support.email);
    const list = await request(app).get('/api/v1/tickets?tier=1&limit=200').set('Authorization', `Bearer ${supportToken}`).expect(200);
    expect((list.body.tickets as Array<{ id: string }>).map((t) => t.id)).to.include(String(ticket._id));
    const held = await claimTicket({ actor: org.staff.support, ticketId: String(ticket._id), version: (await loadTicket(String(ticket._id)))?.version ?? 1 });
    const up = await escalateTicket({
      actor: org.staff.support,
      ticketId: String(ticket._id),
      version: held.version,
      reason: 'needs_contract_change',
      handoff: 'Avenant au contrat nécessaire.',
    });
    expect(up.tier).to.equal(3);
    const taken = await claimTicket({ actor: org.staff.administrative, ticketId: String(ticket._id), version: up.version });
    const down = await returnTicket({ actor: org.staff.administrative, ticketId: String(ticket._id), version: taken.version, note: 'Avenant fait.' });
    expect(down.tier).to.equal(1);
    // Charleroi stays tiered.
    const charleroiTicket = await buildTicket(org, { office: org.offices.charleroi });
    expect(can(org.staff.support, 'claim', charleroiTicket)).to.equal(false);
    await request(app)
      .patch(`/api/v1/offices/${String(org.offices.liege)}`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ routingModel: 'sideways' })
      .expect(400);
  });

  it('lets only administrators change the tier-2 and tier-3 teams', async () => {
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app)
      .patch(`/api/v1/teams/${String(org.teams.support)}`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ assignmentMode: 'round_robin' })
      .expect(403);
    const admin = await login(app, org.staff.administrator.email);
    await request(app)
      .patch(`/api/v1/teams/${String(org.teams.support)}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ assignmentMode: 'least_loaded' })
      .expect(200);
    await request(app).patch('/api/v1/teams/000000000000000000000000').set('Authorization', `Bearer ${admin}`).send({ assignmentMode: 'manual' }).expect(404);
    await request(app).patch('/api/v1/teams/not-an-id').set('Authorization', `Bearer ${admin}`).send({ assignmentMode: 'manual' }).expect(404);
  });
});
