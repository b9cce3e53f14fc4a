/**
 * Keeping sight of what one handed on (issue 16, points 2 and 8): after escalating, the advisor still
 * reads the ticket, read only, and finds it under "Tickets I handed on", live; advisors follow their
 * office's members' tickets wherever they went; a return from tier 2 goes back to the advisor who
 * escalated it, flagged, unless they can no longer take it (then the team's queue, and the page says
 * why); the thread shows the handoff, return and reassignment notes at their time.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Types } from 'mongoose';
import { MemberModel } from '../../server/members/member.model.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket, reassignTicket, returnTicket } from '../../server/tickets/ticket.moves.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { listTickets } from '../../server/tickets/ticket-list.queries.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';
import { collect, nextEvent, sleep, useLiveServer } from '../helpers/realtime.js';

/** Claimed by Liège's advisor, escalated by her with a handoff note: now on tier 2, unassigned. */
async function escalatedBy(org: Org, handoff = 'Fiche vérifiée, écart de 120 € confirmé : recalcul du précompte nécessaire.') {
  const t = await buildTicket(org);
  const id = String(t._id);
  const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: t.version });
  const up = await escalateTicket({ actor: org.staff.advisorLiege, ticketId: id, version: held.version, reason: 'payroll_correction', handoff });
  return { id, number: t.number, version: up.version };
}

describe('tickets I handed on, read only; the return to the escalator; moves in the thread', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  before(async () => {
    app = testApp();
    org = await buildOrg();
  });

  it('after escalating, the page stays on the ticket, read only, with where it is now', async () => {
    const { id, number } = await escalatedBy(org);
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const page = await agent.get(`/staff/tickets/${id}`).expect(200);
    expect(page.text).to.include(number);
    expect(page.text).to.include('Lecture seule');
    expect(page.text).to.include('Vous avez travaillé sur ce ticket');
    expect(page.text).to.include('Niveau 2');
    expect(page.text).not.to.match(/data-action="claim"|data-open-dialog="escalate-dialog"/);
    // The script's refresh after the escalation reads the parts: 200, not "ticket not found".
    const parts = await agent.get(`/staff/tickets/${id}/parts`).expect(200);
    expect(parts.body.parts.actions).to.include('Lecture seule');
    const api = await request(app)
      .get(`/api/v1/tickets/${id}`)
      .set('Authorization', `Bearer ${await login(app, org.staff.advisorLiege.email)}`)
      .expect(200);
    expect(api.body.ticket.allowedActions).to.deep.equal(['read']);
    expect(api.body.ticket.readOnly).to.equal('worked');
  });

  it('a supervisor who reassigned a ticket to another office still reads it, read only, and finds it among what she handed on (QA)', async () => {
    const { id, version } = await escalatedBy(org);
    const supervisor = org.staff.supervisorLiege;
    await reassignTicket({ actor: supervisor, ticketId: id, version, team: String(org.teams.charleroi), reason: 'Charleroi reprend ce dossier.' });
    const moved = await loadTicket(id);
    expect(String(moved?.office), 'the ticket left her office').to.equal(String(org.offices.charleroi));
    const api = await request(app)
      .get(`/api/v1/tickets/${id}`)
      .set('Authorization', `Bearer ${await login(app, supervisor.email)}`)
      .expect(200);
    expect(api.body.ticket.allowedActions).to.deep.equal(['read']);
    expect(api.body.ticket.readOnly).to.equal('worked');
    const page = await listTickets(supervisor, { handedOn: true, limit: 50 });
    expect(page.tickets.map((t) => t.id)).to.include(id);
  });

  it('lists what I handed on under its own view, not in my work, and refuses every action on it (403)', async () => {
    const { id, number, version } = await escalatedBy(org);
    const me = org.staff.advisorLiege;
    expect((await listTickets(me, { limit: 200, handedOn: true })).tickets.map((t) => t.id)).to.include(id);
    expect((await listTickets(me, { limit: 200 })).tickets.map((t) => t.id)).not.to.include(id);
    const agent = await signedIn(app, me.email);
    const handedPage = (await agent.get('/staff/queue?view=handed').expect(200)).text;
    expect(handedPage).to.include(number);
    // Where each ticket went shows there (tier · team), though it is not among the person's columns…
    expect(handedPage).to.include('<td class="col-tier"');
    expect(handedPage).to.include(`name="column" value="tier">`); // not checked: the choices stay the person's
    const mine = (await agent.get('/staff/queue').expect(200)).text;
    expect(mine).not.to.include(number);
    expect(mine).not.to.include('<td class="col-tier"'); // …and not in the other views
    // Tickets handed on are someone else's to do: their open statuses read "still open" there.
    expect(handedPage).to.include('Encore ouverts').and.not.include('À traiter');
    expect(mine).to.include('À traiter').and.not.include('Encore ouverts');
    const snapshot = await agent.get('/staff/queue/snapshot?view=handed').expect(200);
    expect(snapshot.body.rowsHtml).to.include(number).and.include('<td class="col-tier"');
    expect(snapshot.body.counts['view:handed']).to.be.at.least(1);
    const token = await login(app, me.email);
    const bodies: Record<string, object> = {
      claim: { version },
      release: { version },
      replies: { version, text: 'Réponse' },
      notes: { version, text: 'Note' },
      escalate: { version, reason: 'needs_contract_change', handoff: 'h' },
      return: { version, note: 'n' },
      reassign: { version, reason: 'r', tier: 1 },
      resolve: { version },
      reopen: { version },
      update: { version, priority: 'high' },
    };
    for (const [action, body] of Object.entries(bodies)) {
      const res = await request(app).post(`/api/v1/tickets/${id}/${action}`).set('Authorization', `Bearer ${token}`).send(body);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).to.equal(403);
    }
    // Nothing was written by any of them.
    expect((await loadTicket(id))?.version).to.equal(version);
  });

  it("lets an office's advisors follow their members' tickets routed to another office, read only; others see nothing", async () => {
    const member = await MemberModel.create({ name: 'Sophie Leclercq', email: `sophie.${String(new Types.ObjectId())}@example.be`, office: org.offices.liege });
    const t = await buildTicket(org, { actor: org.staff.advisorCharleroi, office: org.offices.charleroi, member: { name: member.name, email: member.email } });
    expect(String(t.memberOffice)).to.equal(String(org.offices.liege));
    const neverWorked = org.staff.advisorLiege2;
    const res = await request(app)
      .get(`/api/v1/tickets/${String(t._id)}`)
      .set('Authorization', `Bearer ${await login(app, neverWorked.email)}`)
      .expect(200);
    expect(res.body.ticket.allowedActions).to.deep.equal(['read']);
    expect(res.body.ticket.readOnly).to.equal('member');
    const outsider = await buildStaff({ name: 'Hélène Mons', roles: ['advisor'], team: org.teams.charleroi, tier: 1, office: new Types.ObjectId() });
    const escalated = await escalateTicket({
      actor: org.staff.advisorCharleroi,
      ticketId: String(t._id),
      version: (await claimTicket({ actor: org.staff.advisorCharleroi, ticketId: String(t._id), version: t.version })).version,
      reason: 'payroll_correction',
      handoff: 'Pour le soutien.',
    });
    await request(app)
      .get(`/api/v1/tickets/${escalated.id}`)
      .set('Authorization', `Bearer ${await login(app, outsider.email)}`)
      .expect(404);
    // Still followed by the member's office after it moved to tier 2.
    await request(app)
      .get(`/api/v1/tickets/${escalated.id}`)
      .set('Authorization', `Bearer ${await login(app, neverWorked.email)}`)
      .expect(200);
  });

  it('returns a ticket from tier 2 to the advisor who escalated it, flagged in her queue until she acts, and says so', async () => {
    const { id, number, version } = await escalatedBy(org);
    const taken = await claimTicket({ actor: org.staff.support, ticketId: id, version });
    const back = await returnTicket({ actor: org.staff.support, ticketId: id, version: taken.version, note: 'Précompte recalculé, à confirmer au membre.' });
    expect(back.assignee).to.equal(String(org.staff.advisorLiege.id));
    expect(back.tier).to.equal(1);
    expect(back.returned).to.include({ to: String(org.staff.advisorLiege.id), by: 'Amélie Renard' });
    const event = await TicketEventModel.findById(eventId(id, back.version)).lean<TicketEvent<'returned'>>();
    expect(event?.data.escalator).to.deep.equal({ outcome: 'given_back', name: 'Julie Lambert' });
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const queue = await agent.get('/staff/queue?view=mine').expect(200);
    expect(queue.text).to.include(number);
    expect(queue.text).to.include('Renvoyé vers vous par Amélie Renard');
    const page = await agent.get(`/staff/tickets/${id}`).expect(200);
    expect(page.text).to.include('C’est Julie Lambert qui l’avait escaladé.');
    // The return's time follows the return, not the sentence about the escalation before it.
    expect(page.text).to.match(/renvoyé à Julie Lambert[^<]*, <time datetime="[^"]+">[^<]+<\/time>\. C’est Julie Lambert qui l’avait escaladé\.<\/p>/);
    // Acting on it clears the flag.
    const answered = await replyToTicket({ actor: org.staff.advisorLiege, ticketId: id, version: back.version, text: 'Votre précompte est corrigé.' });
    expect(answered.returned).to.equal(null);
    expect((await agent.get('/staff/queue?view=mine').expect(200)).text).not.to.include('Renvoyé vers vous');
  });

  it('sends a return to the team queue when the escalator was deactivated or moved, and the page says why', async () => {
    const gone = await buildStaff({ name: 'Luc Parti', roles: ['advisor'], team: org.teams.liege, tier: 1, office: org.offices.liege });
    const moved = await buildStaff({ name: 'Eva Mutée', roles: ['advisor'], team: org.teams.liege, tier: 1, office: org.offices.liege });
    for (const [person, change, outcome, sentence] of [
      [gone, { active: false }, 'inactive', 'Luc Parti, qui l’avait escaladé, n’est plus actif ou active'],
      [moved, { team: org.teams.charleroi, office: org.offices.charleroi }, 'elsewhere', 'Eva Mutée, qui l’avait escaladé, ne travaille plus à ce niveau'],
    ] as const) {
      const t = await buildTicket(org);
      const id = String(t._id);
      const held = await claimTicket({ actor: person, ticketId: id, version: t.version });
      const up = await escalateTicket({ actor: person, ticketId: id, version: held.version, reason: 'payroll_correction', handoff: 'h' });
      await StaffModel.updateOne({ _id: person.id }, { $set: change });
      const taken = await claimTicket({ actor: org.staff.support, ticketId: id, version: up.version });
      const back = await returnTicket({ actor: org.staff.support, ticketId: id, version: taken.version, note: 'Fait.' });
      expect(back.assignee, outcome).to.equal(null);
      expect(back.team, outcome).to.equal(String(org.teams.liege));
      expect(back.returned, outcome).to.equal(null);
      const event = await TicketEventModel.findById(eventId(id, back.version)).lean<TicketEvent<'returned'>>();
      expect(event?.data.escalator?.outcome).to.equal(outcome);
      const page = await (await signedIn(app, org.staff.supervisorLiege.email)).get(`/staff/tickets/${id}`).expect(200);
      expect(page.text).to.include(sentence);
    }
  });

  it('shows handoff, return and reassignment notes in the thread, at their time, and staff messages with their real channel', async () => {
    const { id, version } = await escalatedBy(org, 'Passation : écart confirmé, il faut recalculer.');
    const taken = await claimTicket({ actor: org.staff.support, ticketId: id, version });
    const answered = await replyToTicket({ actor: org.staff.support, ticketId: id, version: taken.version, text: 'Nous recalculons votre précompte.' });
    const back = await returnTicket({ actor: org.staff.support, ticketId: id, version: answered.version, note: 'Renvoi : recalcul fait, à confirmer.' });
    await reassignTicket({ actor: org.staff.supervisorLiege, ticketId: id, version: back.version, tier: 2, reason: 'Motif : le soutien garde la main.' });
    const page = await (await signedIn(app, org.staff.supervisorLiege.email)).get(`/staff/tickets/${id}`).expect(200);
    const thread = page.text.slice(page.text.indexOf('id="thread-title"'), page.text.indexOf('</section>', page.text.indexOf('id="thread-title"')));
    const order = ['Passation : écart confirmé', 'Nous recalculons votre précompte.', 'Renvoi : recalcul fait', 'Motif : le soutien garde la main.'].map((s) =>
      thread.indexOf(s),
    );
    expect(
      order.every((i) => i > 0),
      String(order),
    ).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(thread).to.include('Note de passation');
    expect(thread).to.include('Note de renvoi');
    expect(thread).to.include('Julie Lambert l’a escaladé vers la file « Équipe de soutien »');
    // The support's reply was written in Relais and mailed: not the member's "web form".
    expect(thread).to.include('Écrit dans Relais, envoyé par e-mail');
    // The member's words taken down on the phone.
    expect(thread).to.include('Noté lors d’un appel');
    expect(thread).not.to.include('Formulaire web');
    // Each note is printed once in the thread; the trail links to it (QA: the handoff was printed three times).
    const trail = page.text.slice(page.text.indexOf('id="trail-title"'));
    expect(trail).not.to.include('Passation : écart confirmé').and.not.to.include('Renvoi : recalcul fait');
    const escalation = /id="(msg-ev-\d+)"/.exec(thread)?.[1];
    expect(escalation, 'the escalation is the first move in the thread').to.be.a('string');
    expect(trail).to.include(`href="#${escalation}"`).and.include('Passation : dans les échanges');
    expect(page.text.split('Renvoi : recalcul fait').length - 1, 'the return note: thread only (the last move is the reassignment)').to.equal(1);
  });
});

describe('tickets I handed on, live', () => {
  const live = useLiveServer();
  const settled = () => domainEvents.settled();

  it("sends the ticket's updates to the person who handed it on, and to their office's advisors for their members", async () => {
    const { org } = live;
    const liege = await live.as('advisorLiege');
    const charleroi = await live.as('advisorCharleroi');
    const leaked = collect(charleroi.socket, 'ticket:update');
    const { id, version } = await escalatedBy(org);
    await settled();
    const claimed = nextEvent(liege.socket, 'ticket:update', (m) => m.ticket.id === id && m.event.type === 'accepted');
    await claimTicket({ actor: org.staff.support, ticketId: id, version });
    await settled();
    expect((await claimed).ticket).to.include({ tier: 2, assignee: String(org.staff.support.id) });
    // She may watch it (presence on the read-only page), as the policy reads it.
    expect((await liege.socket.emitWithAck('ticket:watch', { ticketId: id })).ok).to.equal(true);
    await sleep(100);
    expect(leaked.filter((m) => m.ticket.id === id)).to.deep.equal([]);
    expect(await charleroi.socket.emitWithAck('ticket:watch', { ticketId: id })).to.deep.equal({ ok: false, error: { code: 'not_found' } });
  });
});
