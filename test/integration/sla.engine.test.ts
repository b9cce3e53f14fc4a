/**
 * The SLA wired into ticket commands, on the real database: every command's journal patch
 * carries the recomputed deadlines (`sla`) and `dueAt`, with each office's calendar; a wait
 * on the member pauses the clocks, an escalation starts an acceptance deadline, a priority
 * change applies the new target; the API, the presenter and the ticket page show them.
 */
import { expect } from 'chai';
import request from 'supertest';
import type { MemberActor } from '../../server/auth/actor.js';
import { translator } from '../../server/lib/i18n.js';
import { MemberModel } from '../../server/members/member.model.js';
import { addBusinessMinutes, type BusinessCalendar } from '../../server/sla/calendar.js';
import { SlaCalendarModel, toBusinessCalendar, type SlaCalendarData } from '../../server/sla/calendar.model.js';
import { clearSlaCache, currentDeadlines } from '../../server/sla/engine.js';
import type { Deadline } from '../../server/sla/deadline.types.js';
import { explainDeadline } from '../../server/sla/explain.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';
import type { StoredDeadline, TicketSla } from '../../server/tickets/ticket-sla.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { claimTicket, replyToTicket, updateTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { NO_DUE_DATE, TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { TicketEventModel, eventId } from '../../server/tickets/ticket-event.model.js';
import { presentTicket } from '../../server/tickets/ticket.presenter.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, testPassword, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';

// Monday 12 January 2026, 09:00 in Brussels (UTC+1).
const MONDAY_9 = new Date('2026-01-12T08:00:00Z');
const at = (iso: string): Date => new Date(iso);
const fr = translator('fr');

function sla(ticket: Ticket | null): TicketSla {
  if (!ticket?.sla) throw new Error('the ticket has no SLA');
  return ticket.sla;
}

/** A deadline as stored on the ticket (the last one of its kind). */
function deadline(ticket: Ticket | null, kind: StoredDeadline['kind']): StoredDeadline {
  const found = sla(ticket)
    .deadlines.filter((d) => d.kind === kind)
    .at(-1);
  if (!found) throw new Error(`no ${kind} deadline`);
  return found;
}

/** A deadline recomputed from the journal as of `now`, with its explanation (the last one of its kind). */
async function full(ticket: Ticket | null, kind: StoredDeadline['kind'], now: Date): Promise<Deadline> {
  if (!ticket) throw new Error('no ticket');
  const current = await currentDeadlines(ticket, now);
  const found = current?.set.deadlines.filter((d) => d.kind === kind).at(-1);
  if (!found) throw new Error(`no ${kind} deadline`);
  return found;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

describe('SLA in ticket commands (real database)', () => {
  useTestDatabase();
  let org: Org;
  let liege: BusinessCalendar;

  before(async () => {
    clearSlaCache();
    org = await buildOrg();
    await SlaPolicyModel.insertMany(defaultPolicies());
    // Liège keeps a lunch break and Walloon holidays; every other office has the default calendar.
    const day = () => [
      { start: '08:30', end: '12:00' },
      { start: '13:00', end: '16:30' },
    ];
    const liegeDoc = await SlaCalendarModel.create({
      office: org.offices.liege,
      name: 'Liège',
      timeZone: 'Europe/Brussels',
      hours: { 1: day(), 2: day(), 3: day(), 4: day(), 5: day(), 6: [], 7: [] },
      holidays: { country: 'BE', region: 'WAL' },
      closures: [],
    });
    const nine = () => [{ start: '09:00', end: '17:00' }];
    await SlaCalendarModel.create({
      office: null,
      name: 'Belgique',
      timeZone: 'Europe/Brussels',
      hours: { 1: nine(), 2: nine(), 3: nine(), 4: nine(), 5: nine(), 6: [], 7: [] },
      holidays: { country: 'BE' },
      closures: [],
    });
    liege = toBusinessCalendar(liegeDoc.toObject() as unknown as SlaCalendarData);
    clearSlaCache();
  });

  after(() => clearSlaCache());

  it('computes the first deadlines at creation with the office calendar, and the next alert', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    const stored = await TicketModel.findById(t._id).lean<Ticket>();
    expect((await currentDeadlines(stored as Ticket, MONDAY_9))?.set.calendar.name).to.equal('Liège');
    expect(sla(stored).policy).to.equal('Priorité normale');
    // 4 business hours from 09:00 with a lunch break 12:00–13:00: 14:00 local.
    expect(iso(deadline(stored, 'first_response').due)).to.equal('2026-01-12T13:00:00.000Z');
    // Nobody took it yet: 2 business hours to accept on tier 1, the earliest deadline.
    expect(iso(deadline(stored, 'acceptance').due)).to.equal('2026-01-12T10:00:00.000Z');
    expect(iso(stored?.dueAt)).to.equal('2026-01-12T10:00:00.000Z');
    // The first alert: 75 % of the acceptance target (90 business minutes), 10:30 local.
    expect(iso(sla(stored).nextAlertAt)).to.equal('2026-01-12T09:30:00.000Z');
    expect(sla(stored).deadlines.map((d) => [d.kind, d.state, d.breached])).to.deep.equal([
      ['first_response', 'running', false],
      ['resolution', 'running', false],
      ['acceptance', 'running', false],
    ]);
    // The creation event carries the same document.
    const created = await TicketEventModel.findById(eventId(t._id, 1)).lean();
    expect(iso((created?.data.ticket as { dueAt: Date }).dueAt)).to.equal('2026-01-12T10:00:00.000Z');

    // Charleroi has no calendar of its own: the default one, 09:00–17:00 without a break.
    const c = await buildTicket(org, { at: MONDAY_9, office: org.offices.charleroi, actor: org.staff.advisorCharleroi });
    const charleroi = await loadTicket(c._id);
    expect((await currentDeadlines(charleroi as Ticket, MONDAY_9))?.set.calendar.name).to.equal('Belgique');
    expect(iso(deadline(charleroi, 'first_response').due)).to.equal('2026-01-12T12:00:00.000Z');
  });

  it('explains each deadline in a sentence, and shows it in the API, the presenter and the ticket page', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    const stored = await loadTicket(t._id);
    const sentence = explainDeadline(await full(stored, 'first_response', MONDAY_9), fr);
    expect(sentence).to.match(/^Première réponse attendue au plus tard lun\. 12 janv\. 14:00/);
    expect(sentence)
      .to.include('priorité normale')
      .and.include('4 heures ouvrables')
      .and.include('calendrier de Liège')
      .and.include('règle « Priorité normale »');

    const view = presentTicket(stored as Ticket, org.staff.advisorLiege);
    expect(view.sla?.policy).to.equal('Priorité normale');
    expect(view.sla?.deadlines.find((d) => d.kind === 'first_response')).to.deep.equal({
      kind: 'first_response',
      state: 'running',
      due: '2026-01-12T13:00:00.000Z',
      breached: false,
    });
    expect(view.dueAt).to.equal('2026-01-12T10:00:00.000Z');

    const config = testConfig();
    const app = testApp(config);
    const token = await login(app, org.staff.advisorLiege.email);
    const res = await request(app)
      .get(`/api/v1/tickets/${String(t._id)}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const body = res.body as { ticket: { sla: { deadlines: Array<{ kind: string; due: string | null }> } } };
    expect(body.ticket.sla.deadlines.map((d) => d.kind)).to.include.members(['first_response', 'resolution', 'acceptance']);
    expect(body.ticket.sla.deadlines.find((d) => d.kind === 'first_response')?.due).to.equal('2026-01-12T13:00:00.000Z');

    // The ticket page (signed in through the form) lists the deadlines with their sentences.
    const agent = request.agent(app);
    const form = await agent.get('/staff/login').expect(200);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
    await agent.post('/staff/login').type('form').send({ _csrf: csrf, email: org.staff.advisorLiege.email, password: testPassword }).expect(303);
    const page = await agent.get(`/staff/tickets/${String(t._id)}`).expect(200);
    expect(page.text).to.include('id="sla-title"').and.include('Délais');
    // The stored deadline is long past now: shown as overdue (the chip, the kind, the date), with the
    // details the chip does not give; the calendar and the rule are named once, under the list.
    const panel = page.text.slice(page.text.indexOf('id="sla-title"'), page.text.indexOf('</section>', page.text.indexOf('id="sla-title"')));
    expect(panel).to.include('Réponse en retard').and.include('<strong>Première réponse</strong>').and.include('Priorité normale, 4 heures ouvrables');
    expect(panel.match(/calendrier de Liège/g)).to.have.length(1);
    expect(panel).not.to.include('Première réponse en retard (due');
    expect(page.text).to.include('datetime="2026-01-12T13:00:00.000Z"');
  });

  it('pauses while waiting on the member and moves the resolution deadline by the business time paused', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    const id = String(t._id);
    const before = deadline(await loadTicket(id), 'resolution');
    const memberAnswer = at('2026-01-12T14:00:00Z');
    const v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: 1, at: at('2026-01-12T08:30:00Z') })).version;
    const waiting = await replyToTicket({
      actor: org.staff.advisorLiege,
      ticketId: id,
      version: v,
      text: 'Pouvez-vous nous envoyer votre fiche de paie ?',
      waitForMember: true,
      at: at('2026-01-12T09:00:00Z'),
    });
    let stored = await loadTicket(id);
    expect(sla(stored).paused).to.equal(true);
    expect(deadline(stored, 'resolution').state).to.equal('paused');
    expect(deadline(stored, 'first_response').state).to.equal('met');
    expect(deadline(stored, 'acceptance').state).to.equal('met');
    // Nothing runs while the member has the ball: no due date, no timer.
    expect(stored?.dueAt.getTime()).to.equal(NO_DUE_DATE.getTime());
    expect(sla(stored).nextAlertAt).to.equal(null);
    expect(waiting.dueAt).to.equal(null);

    // The member answers at 15:00 local: paused 10:00–12:00 and 13:00–15:00, 4 business hours.
    const member = await MemberModel.findById(t.member).lean();
    const actor: MemberActor = { kind: 'member', id: t.member, name: member?.name ?? 'member', email: member?.email ?? '' };
    await memberReply({ actor, ticketId: id, text: 'La voici.', channel: 'web', at: memberAnswer });
    stored = await loadTicket(id);
    const after = await full(stored, 'resolution', memberAnswer);
    expect(after.state).to.equal('running');
    expect(after.pausedMinutes).to.equal(240);
    expect(iso(deadline(stored, 'resolution').due)).to.equal(iso(after.due));
    expect(iso(after.due)).to.equal(iso(addBusinessMinutes(before.due as Date, 240, liege)));
    expect(sla(stored).paused).to.equal(false);
    // The member's message after a staff reply opens a next-response deadline: 4 business hours.
    expect(iso(deadline(stored, 'next_response').due)).to.equal(iso(addBusinessMinutes(memberAnswer, 240, liege)));
    expect(iso(stored?.dueAt)).to.equal(iso(deadline(stored, 'next_response').due));
    expect(explainDeadline(after, fr)).to.include('en pause 4 h (en attente du membre)');
  });

  it('starts an acceptance deadline on the tier it is escalated to', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    const id = String(t._id);
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: 1, at: at('2026-01-12T08:15:00Z') });
    expect(deadline(await loadTicket(id), 'acceptance').state).to.equal('met');
    const escalatedAt = at('2026-01-12T10:00:00Z'); // 11:00 local
    await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: id,
      version: claimed.version,
      reason: 'payroll_correction',
      handoff: 'Montant net à vérifier par le soutien.',
      at: escalatedAt,
    });
    const stored = await loadTicket(id);
    const acceptance = await full(stored, 'acceptance', escalatedAt);
    expect(acceptance).to.deep.include({ state: 'running', tier: 2, targetMinutes: 240, startedBy: 'escalated' });
    expect(iso(deadline(stored, 'acceptance').due)).to.equal('2026-01-12T15:00:00.000Z');
    expect(iso(acceptance.start)).to.equal(iso(escalatedAt));
    // 4 business hours of the Liège calendar from 11:00: 11:00–12:00, 13:00–16:00.
    expect(iso(acceptance.due)).to.equal('2026-01-12T15:00:00.000Z');
    expect(explainDeadline(acceptance, fr)).to.include('niveau 2').and.include('depuis l’escalade');
  });

  it('applies a new target when the priority changes, keeping the time already spent', async () => {
    // Created now (commands without a time use the clock): compare with the calendar arithmetic, not the clock.
    const t = await buildTicket(org);
    const id = String(t._id);
    const created = new Date(t.createdAt);
    expect((await full(await loadTicket(id), 'first_response', created)).targetMinutes).to.equal(240);
    const view = await updateTicket({ actor: org.staff.supervisorLiege, ticketId: id, version: 1, priority: 'high' });
    const stored = await loadTicket(id);
    const changedAt = new Date(stored?.updatedAt ?? created);
    const first = await full(stored, 'first_response', changedAt);
    expect(first.targetMinutes).to.equal(120);
    expect(sla(stored).policy).to.equal('Priorité haute');
    expect(iso(deadline(stored, 'first_response').due)).to.equal(iso(first.due));
    expect(Math.abs(new Date(first.due as Date).getTime() - addBusinessMinutes(created, 120, liege).getTime())).to.be.below(1000);
    expect(first.explanation.params.previousTargetMinutes).to.equal(240);
    expect(explainDeadline(first, fr)).to.include('objectif passé de 4 heures ouvrables à 2 heures ouvrables').and.include('priorité');
    expect(view.sla?.deadlines.find((d) => d.kind === 'first_response')?.due).to.equal(iso(first.due));
    // The event's patch is what set it: the journal is the only writer of the ticket.
    const event = await TicketEventModel.findById(eventId(id, 2)).lean();
    expect((event?.patch.sla as TicketSla).policy).to.equal('Priorité haute');
    expect(iso(event?.patch.dueAt as Date)).to.equal(iso(stored?.dueAt));
  });

  it('leaves tickets without a matching policy without deadlines, and stops them when policies go away', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    await SlaPolicyModel.updateMany({}, { $set: { active: false } });
    clearSlaCache();
    try {
      const none = await buildTicket(org, { at: MONDAY_9 });
      const stored = await TicketModel.collection.findOne({ _id: none._id });
      expect(stored).not.to.have.property('sla');
      expect(stored?.dueAt.getTime()).to.equal(NO_DUE_DATE.getTime());
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(none._id), version: 1 });
      expect(claimed.sla).to.equal(null);
      expect((await TicketEventModel.findById(eventId(none._id, 2)).lean())?.patch).not.to.have.property('sla');
      // A ticket that had deadlines loses them with its next event.
      const other = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1 });
      expect(other.sla).to.equal(null);
      expect(other.dueAt).to.equal(null);
    } finally {
      await SlaPolicyModel.updateMany({}, { $set: { active: true } });
      clearSlaCache();
    }
  });

  it('reads the whole history from the journal: the first reply meets the first response, later ones change nothing', async () => {
    const t = await buildTicket(org, { at: MONDAY_9 });
    const id = String(t._id);
    let v = (await claimTicket({ actor: org.staff.advisorLiege, ticketId: id, version: 1, at: at('2026-01-12T08:10:00Z') })).version;
    for (let i = 0; i < 3; i += 1) {
      v = (
        await replyToTicket({
          actor: org.staff.advisorLiege,
          ticketId: id,
          version: v,
          text: `Réponse ${i}`,
          at: at(`2026-01-12T${String(8 + i).padStart(2, '0')}:30:00Z`),
        })
      ).version;
    }
    const stored = await loadTicket(id);
    expect(stored?.version).to.equal(5);
    expect(deadline(stored, 'first_response').state).to.equal('met');
    expect(iso((await full(stored, 'first_response', at('2026-01-12T10:30:00Z'))).metAt)).to.equal('2026-01-12T08:30:00.000Z');
    expect(sla(stored).deadlines.filter((d) => d.kind === 'next_response')).to.have.length(0);
  });
});
