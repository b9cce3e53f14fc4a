/**
 * Everything in the reader's language (issue 16, point 9): the "why is this ticket here?" sentence
 * is stored as facts and said in the page's language (older tickets keep their stored sentence);
 * teams, offices, SLA policies and calendars carry names in three languages that pages show, and
 * administrators edit them (only administrators).
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { OfficeModel } from '../../server/offices/office.model.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { legacyRoutingRecord, routingSentence } from '../../server/routing/routing-facts.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { translator } from '../../server/lib/i18n.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { messageChannel } from '../../server/web/pages/ticket.thread.js';
import { labels } from '../../server/web/pages/presenters.js';
import { defaultCalendar } from '../../server/sla/calendar.js';
import { SlaCalendarModel } from '../../server/sla/calendar.model.js';
import { clearSlaCache } from '../../server/sla/engine.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';
import { TeamModel } from '../../server/teams/team.model.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildStaff, buildTicket, type Org } from '../helpers/factories.js';
import { useMail } from '../helpers/enrichers.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { login, testApp } from '../helpers/http.js';
import request from 'supertest';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import type TestAgent from 'supertest/lib/agent.js';

/** As the templates escape text (Handlebars). */
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#x27;');

/** The text of the "why is this ticket here?" routing line. */
function routingLine(html: string): string {
  const match = /data-why-routing[^>]*>([^<]*)</.exec(html);
  if (!match?.[1]) throw new Error('no routing sentence on the page');
  return match[1];
}

describe('the reader’s language: routing sentences and names of teams, offices, policies, calendars', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let advisor: TestAgent;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    await OfficeModel.updateOne({ _id: org.offices.liege }, { $set: { labels: { fr: 'Liège', nl: 'Luik', en: 'Liège' } } });
    await TeamModel.updateOne({ _id: org.teams.liege }, { $set: { labels: { fr: 'Conseil Liège', nl: 'Advies Luik', en: 'Advice Liège' } } });
    await SlaPolicyModel.insertMany(defaultPolicies());
    const belgium = defaultCalendar();
    await SlaCalendarModel.create({
      office: null,
      name: 'Belgique',
      labels: { fr: 'Belgique', nl: 'België', en: 'Belgium' },
      timeZone: belgium.timeZone,
      hours: belgium.hours,
    });
    clearRoutingCache();
    clearSlaCache();
    advisor = await pageAgent(app, org.staff.advisorLiege.email);
  });

  it('says why a ticket is here in Dutch and in English, with the names in that language', async () => {
    const ticket = await buildTicket(org, { category: 'contracts', language: 'fr' });
    const nl = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=nl`).expect(200);
    const nlLine = routingLine(nl.text);
    expect(nlLine)
      .to.contain('Advies Luik')
      .and.not.match(/Routed|because|tier|Conseil/);
    expect(nlLine).to.contain('Contracten').and.contain('Telefoon');
    const en = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=en`).expect(200);
    expect(routingLine(en.text)).to.contain('Advice Liège').and.contain('Contracts');
    const fr = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=fr`).expect(200);
    expect(routingLine(fr.text))
      .to.contain('Conseil Liège')
      .and.not.match(/Routed|because/);
  });

  it('says in the reader’s language that a ticket was routed before the facts were stored, and keeps the stored English sentence as the original record', async () => {
    const t = translator('nl');
    const names = { team: () => 'Advies Luik', office: () => 'Luik', category: () => null, channel: (c: string) => c, language: (c: string) => c };
    const generic = t('wording.routing.legacy');
    expect(generic).to.not.equal('wording.routing.legacy');
    expect(routingSentence({ explanation: 'Routed the old way.' }, t, names)).to.equal(generic);
    expect(routingSentence({ explanation: 'Routed the old way.', facts: null }, t, names)).to.equal(generic);
    expect(legacyRoutingRecord({ explanation: 'Routed the old way.', facts: null })).to.equal('Routed the old way.');
    expect(
      legacyRoutingRecord({ explanation: 'x', facts: { kind: 'default_office', team: 't', office: 'o', category: null, language: 'fr', channel: 'web' } }),
    ).to.equal(null);

    // On the page: an old ticket (stored with its English sentence only), read in Dutch and French.
    const old = await buildTicket(org);
    await TicketModel.updateOne(
      { _id: old._id },
      { $set: { 'routing.explanation': 'Routed to Conseil Liège because no rule matched (legacy).' }, $unset: { 'routing.facts': '' } },
    );
    workingSet.reset();
    const nl = await advisor.get(`/staff/tickets/${String(old._id)}?lang=nl`).expect(200);
    expect(routingLine(nl.text)).to.equal(escapeText(t('wording.routing.legacy')));
    expect(nl.text).to.match(
      /<p class="why-routing-original[^"]*">[^<]*<span[^>]*>[^<]+<\/span> <q lang="en">Routed to Conseil Liège because no rule matched \(legacy\)\.<\/q>/,
    );
    expect(nl.text).to.include(escapeText(translator('nl')('wording.routing.original')));
    const fr = await advisor.get(`/staff/tickets/${String(old._id)}?lang=fr`).expect(200);
    expect(routingLine(fr.text)).to.equal(escapeText(translator('fr')('wording.routing.legacy')));
    expect(routingLine(fr.text)).to.not.match(/Routed/);
    // A ticket with facts has no "original record" line.
    const recent = await buildTicket(org);
    expect((await advisor.get(`/staff/tickets/${String(recent._id)}`).expect(200)).text).to.not.include('why-routing-original');
  });

  it('names the team in the reader’s language in the queue and the SLA policy and calendar in the deadlines panel', async () => {
    const ticket = await buildTicket(org);
    const queue = await advisor.get('/staff/queue?lang=nl').expect(200);
    expect(
      queue.text
        .split('\n')
        .filter((x) => x.includes('Conseil Liège'))
        .join('\n'),
      'fr',
    ).to.equal('');
    const board = await (await pageAgent(app, org.staff.supervisorLiege.email)).get('/staff/board?lang=nl').expect(200);
    expect(board.text).to.contain('Luik');
    expect(
      board.text
        .split('\n')
        .filter((x) => x.includes('Liège'))
        .join('\n'),
    ).to.equal('');
    const page = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=nl`).expect(200);
    expect(page.text).to.contain('Prioriteit normaal').and.contain('België');
    expect(page.text).not.to.contain('Priorité normale');
    const en = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=en`).expect(200);
    expect(en.text).to.contain('Normal priority').and.contain('Belgium');
  });

  it('shows the channel each message really came by: the web form for the request, the follow-up page after', async () => {
    const email = 'lea.web@example.be';
    const ticket = await buildTicket(org, { channel: 'web', member: { name: 'Léa Web', email } });
    const member = { kind: 'member' as const, id: ticket.member, name: 'Léa Web', email };
    await memberReply({ actor: member, ticketId: String(ticket._id), text: 'Depuis ma page de suivi.', channel: 'web' });
    await memberReply({ actor: member, ticketId: String(ticket._id), text: 'Par e-mail.', channel: 'email' });
    const page = await advisor.get(`/staff/tickets/${String(ticket._id)}?lang=nl`).expect(200);
    const channels = [...page.text.matchAll(/class="msg-channel"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(channels).to.deep.equal(['Webformulier', 'Geschreven op de opvolgpagina', 'E-mail']);
  });

  it('answers error pages in the reader’s language, never with the server’s English sentence (403, 413)', async () => {
    const noToken = await advisor
      .post(`/staff/admin/offices/${String(org.offices.liege)}?lang=nl`)
      .type('form')
      .set('Accept', 'text/html')
      .send({ name: 'X' });
    expect(noToken.status).to.equal(403);
    expect(noToken.text).to.contain(translator('nl')('client.reason.csrf_invalid').slice(0, 20)).and.not.contain('security token');
    const big = await advisor
      .post('/staff/login?lang=nl')
      .type('form')
      .set('Accept', 'text/html')
      .send({ email: 'x'.repeat(3_000_000) });
    expect(big.status).to.equal(413);
    expect(big.text)
      .to.contain(translator('nl')('wording.errors.payload_too_large'))
      .and.not.match(/entity too large|too large/i);
    // The API keeps its English JSON with the stable code.
    const api = await advisor.post('/api/v1/admin/routing/test').set('Accept', 'application/json').send({});
    expect(api.status).to.be.oneOf([401, 403]);
    expect(api.body.error.code).to.be.a('string');
  });

  it('tells a Dutch-speaking colleague of an escalation with the team and reason in Dutch', async () => {
    const config = testConfig();
    useMail(config);
    await TeamModel.updateOne({ _id: org.teams.support }, { $set: { labels: { fr: 'Équipe de soutien', nl: 'Ondersteuningsteam', en: 'Support team' } } });
    const dutch = await buildStaff({ name: 'Pieter Peeters', roles: ['support'], team: org.teams.support, tier: 2, languages: ['nl'] });
    clearRoutingCache();
    const t = await buildTicket(org);
    const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: 1 });
    await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(t._id),
      version: held.version,
      reason: 'payroll_correction',
      handoff: 'Zie contract.',
    });
    const mail = await Outbox.collection.findOne({ ticket: t._id, template: 'staff-escalation', to: dutch.email });
    expect(mail?.text).to.include('Ondersteuningsteam').and.include('Looncorrectie');
    expect(mail?.text).not.to.include('Correction de paie');
  });

  it('says a colleague’s mail kept on the ticket came by mail, not that it was written in Relais', () => {
    const t = translator('nl');
    const l = labels(t);
    const staffMail = { channel: 'email' as const, visibility: 'internal' as const, author: { kind: 'staff' as const, staff: null, member: null, name: 'X' } };
    expect(messageChannel(staffMail, t, l)).to.equal(t('workflow.channel.staff_email'));
  });

  it('lets administrators, and only them, give offices, teams and calendars a name in each language', async () => {
    const admin = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(admin, '/staff/admin/offices');
    const charleroi = String(org.offices.charleroi);
    await admin
      .post(`/staff/admin/offices/${charleroi}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Charleroi', labels_fr: '', labels_nl: 'Charleroi (NL)', labels_en: 'Charleroi (EN)', routingModel: 'tiered' })
      .expect(303);
    const office = await OfficeModel.findById(charleroi).lean();
    expect(office?.labels).to.deep.include({ nl: 'Charleroi (NL)', en: 'Charleroi (EN)', fr: null });
    const team = String(org.teams.support);
    await admin
      .post(`/staff/admin/teams/${team}`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Équipe de soutien',
        labels_nl: 'Ondersteuningsteam',
        labels_en: 'Support team',
        tier: '2',
        office: '',
        assignmentMode: 'manual',
      })
      .expect(303);
    expect((await TeamModel.findById(team).lean())?.labels?.nl).to.equal('Ondersteuningsteam');
    // A form without the label fields (an older page, a script) leaves them as they are.
    await admin.post(`/staff/admin/offices/${charleroi}`).type('form').send({ _csrf: csrf, name: 'Charleroi', routingModel: 'tiered' }).expect(303);
    expect((await OfficeModel.findById(charleroi).lean())?.labels?.nl).to.equal('Charleroi (NL)');
    const page = await admin.get('/staff/admin/offices?lang=nl').expect(200);
    expect(page.text).to.contain('value="Ondersteuningsteam"');

    const hours = {
      hours_1: '09:00-17:00',
      hours_2: '09:00-17:00',
      hours_3: '09:00-17:00',
      hours_4: '09:00-17:00',
      hours_5: '09:00-17:00',
      hours_6: '',
      hours_7: '',
    };
    await admin
      .post('/staff/admin/calendars/default')
      .type('form')
      .send({ _csrf: csrf, ...hours, region: '', labels_fr: 'Belgique', labels_nl: 'België (kantooruren)', labels_en: 'Belgium (office hours)' })
      .expect(303);
    expect((await SlaCalendarModel.findOne({ office: null }).lean())?.labels?.nl).to.equal('België (kantooruren)');
    const calendars = await admin.get('/staff/admin/calendars?lang=nl').expect(200);
    expect(calendars.text).to.include('Prioriteit normaal').and.include('Luik').and.not.include('Priorité normale');

    // The API takes the same labels; only administrators.
    const adminToken = await login(app, org.staff.administrator.email);
    const advisorToken = await login(app, org.staff.advisorLiege.email);
    const liege = String(org.offices.liege);
    await request(app)
      .patch(`/api/v1/admin/offices/${liege}`)
      .set('Authorization', `Bearer ${advisorToken}`)
      .send({ labels: { nl: 'Luik!' } })
      .expect(403);
    const patched = await request(app)
      .patch(`/api/v1/admin/offices/${liege}`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ labels: { fr: 'Liège', nl: 'Luik', en: '' } })
      .expect(200);
    expect(patched.body.office.labels).to.deep.equal({ fr: 'Liège', nl: 'Luik', en: null });
    await request(app)
      .patch(`/api/v1/admin/offices/${liege}`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ labels: { nl: { $ne: 1 } } })
      .expect(400);

    // An advisor may not.
    const advisorCsrf = await pageCsrf(advisor, '/staff/queue');
    const refused = await advisor
      .post(`/staff/admin/offices/${charleroi}`)
      .type('form')
      .send({ _csrf: advisorCsrf, name: 'Charleroi', labels_nl: 'Hacked', routingModel: 'tiered' });
    expect(refused.status).to.equal(403);
    expect((await OfficeModel.findById(charleroi).lean())?.labels?.nl).to.equal('Charleroi (NL)');
  });
});
