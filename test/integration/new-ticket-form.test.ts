/**
 * The staff app's "New ticket" form for a phone call or a visit (issue 16, point 6): CSRF, errors that
 * name their field, the member found by address or by member number, and another office's member never
 * revealed (neither by the lookup nor on the ticket).
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { MemberModel } from '../../server/members/member.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { TicketEventModel, eventId, type TicketEvent } from '../../server/tickets/ticket-event.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { testApp } from '../helpers/http.js';
import { hidden, signedIn, type TestAgent } from '../helpers/pages.js';

const unique = () => String(new Types.ObjectId()).slice(-8);

describe('staff "New ticket" form (phone call or visit)', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;
  let agent: TestAgent;
  let csrf: string;

  before(async () => {
    app = testApp();
    org = await buildOrg();
    agent = await signedIn(app, org.staff.advisorLiege.email);
    const form = await agent.get('/staff/new-ticket').expect(200);
    csrf = hidden(form.text, '_csrf');
  });

  const post = (fields: Record<string, string>) =>
    agent
      .post('/staff/new-ticket')
      .type('form')
      .send({ _csrf: csrf, ...fields });

  it('is offered in the navigation, in the three languages', async () => {
    expect((await agent.get('/staff/queue').expect(200)).text).to.include('href="/staff/new-ticket"');
    // French last: the choice of language is remembered for the next pages.
    for (const [lang, title] of [
      ['nl', 'Nieuw ticket: telefoon of bezoek'],
      ['en', 'New ticket: phone call or visit'],
      ['fr', 'Nouveau ticket : appel ou visite'],
    ]) {
      expect((await agent.get(`/staff/new-ticket?lang=${lang}`).expect(200)).text, lang).to.include(title);
    }
  });

  it('refuses a post without its CSRF token, and creates nothing', async () => {
    const before = await TicketModel.countDocuments({});
    const res = await agent
      .post('/staff/new-ticket')
      .type('form')
      .send({ channel: 'phone', member: `x.${unique()}@example.be`, name: 'X', subject: 'S', text: 'T', priority: 'normal' });
    expect(res.status).to.equal(403);
    expect(await TicketModel.countDocuments({})).to.equal(before);
  });

  it('names each wrong field next to it and in the summary, keeps what was typed, and focuses the first', async () => {
    const res = await post({ channel: 'fax', member: 'pas-une-adresse@', name: '', subject: '', text: 'Il appelle pour sa fiche.', priority: 'normal' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('Le ticket n’a pas été créé');
    expect(res.text).to.include('Choisissez téléphone ou visite.');
    expect(res.text).to.include('Indiquez le sujet');
    expect(res.text).to.match(/id="nt-subject"[^>]*aria-invalid="true"/);
    expect(res.text).to.include('Il appelle pour sa fiche.');
    const bad = await post({ channel: 'phone', member: 'pas-une-adresse@', name: 'A', subject: 'S', text: 'T', priority: 'normal' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('Cette adresse e-mail n’est pas valide.');
    expect(bad.text).to.match(/id="nt-member"[^>]*autofocus/);
  });

  it('says a text is too long, not missing, and keeps it whole; line breaks posted as \\r\\n count once, as the page counts them', async () => {
    const member = `long.${unique()}@example.be`;
    const tooLong = 'Il lit le journal d’erreurs au téléphone.\r\n'.repeat(500); // over 20,000 characters however line breaks count
    const before = await TicketModel.countDocuments({});
    const res = await post({ channel: 'phone', member, name: 'Kevin Joris', subject: 'Journal', text: tooLong, priority: 'normal' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('Ce texte est trop long : 20 000 caractères au plus.').and.not.include('Notez ce que le membre demande.');
    expect(res.text.split('Il lit le journal d’erreurs au téléphone.').length - 1, 'kept whole').to.be.at.least(500);
    expect(await TicketModel.countDocuments({})).to.equal(before);
    // 19,800 characters on 450 lines: over 20,000 as posted (\r\n), within it as typed.
    const fits = `${'x'.repeat(43)}\r\n`.repeat(450);
    expect(fits.length).to.be.above(20_000);
    expect((await post({ channel: 'phone', member, name: 'Kevin Joris', subject: 'Journal', text: fits, priority: 'normal' })).status).to.equal(303);
  });

  it('files a phone ticket for a new member and opens it; the acknowledgement only when asked', async () => {
    const email = `appel.${unique()}@example.be`;
    const res = await post({
      channel: 'phone',
      member: email,
      name: 'Marie Dupont',
      subject: 'Attestation de revenus',
      text: 'Elle demande son attestation.',
      priority: 'high',
    });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = /\/staff\/tickets\/([0-9a-f]{24})$/.exec(res.headers.location ?? '')?.[1];
    expect(id).to.be.a('string');
    const ticket = await TicketModel.findById(id).lean();
    expect(ticket).to.include({ channel: 'phone', subject: 'Attestation de revenus', priority: 'high' });
    expect(String(ticket?.createdBy)).to.equal(String(org.staff.advisorLiege.id));
    const created = await TicketEventModel.findById(eventId(String(id), 1)).lean<TicketEvent<'created'>>();
    expect(created?.data.ack).to.equal(undefined);
    const message = await MessageModel.findOne({ ticket: id }).lean();
    expect(message).to.include({ channel: 'phone', text: 'Elle demande son attestation.' });
    const page = await agent.get(`/staff/tickets/${String(id)}`).expect(200);
    expect(page.text).to.include('Noté lors d’un appel');
    // Asked for: the acknowledgement is part of the creation.
    const acked = await post({
      channel: 'phone',
      member: `ack.${unique()}@example.be`,
      name: 'Paul',
      subject: 'S',
      text: 'T',
      priority: 'normal',
      acknowledge: 'yes',
    });
    const ackId = /([0-9a-f]{24})$/.exec(acked.headers.location ?? '')?.[1] ?? '';
    expect((await TicketEventModel.findById(eventId(ackId, 1)).lean<TicketEvent<'created'>>())?.data.ack).to.not.equal(undefined);
  });

  it("finds a member of one's own office by member number (a visit), and no one else's", async () => {
    const number = `LG-${unique()}`;
    const ours = await MemberModel.create({ name: 'Luc Martin', email: `luc.${unique()}@example.be`, memberNumber: number, office: org.offices.liege });
    const res = await post({
      channel: 'visit',
      member: number.toLowerCase(),
      name: '',
      subject: 'Contrat',
      text: 'Il passe pour son contrat.',
      priority: 'normal',
    });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = /([0-9a-f]{24})$/.exec(res.headers.location ?? '')?.[1];
    const ticket = await TicketModel.findById(id).lean();
    expect(String(ticket?.member)).to.equal(String(ours._id));
    expect(ticket?.channel).to.equal('visit');
    expect((await agent.get(`/staff/tickets/${String(id)}`).expect(200)).text).to.include('Noté lors d’une visite');

    const theirs = `CH-${unique()}`;
    await MemberModel.create({ name: 'Secret Charleroi', email: `secret.${unique()}@example.be`, memberNumber: theirs, office: org.offices.charleroi });
    const refused = await post({ channel: 'visit', member: theirs, name: '', subject: 'S', text: 'T', priority: 'normal' });
    const unknown = await post({ channel: 'visit', member: `ZZ-${unique()}`, name: '', subject: 'S', text: 'T', priority: 'normal' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include('Aucun membre de votre bureau n’a ce numéro');
    expect(refused.text).not.to.include('Secret Charleroi');
    // The same answer as a number nobody has: the page says nothing about the other office's member.
    expect(unknown.text.replace(/value="[^"]*"/g, '')).to.equal(refused.text.replace(/value="[^"]*"/g, ''));
  });

  it("files for another office's member by address with the name typed, withholding the member's details", async () => {
    const email = `autre.${unique()}@example.be`;
    await MemberModel.create({ name: 'Vrai Nom Charleroi', email, memberNumber: `CH-${unique()}`, office: org.offices.charleroi });
    const noName = await post({ channel: 'phone', member: email, name: '', subject: 'S', text: 'T', priority: 'normal' });
    expect(noName.status).to.equal(422);
    expect(noName.text).to.include('Indiquez le nom du membre.');
    expect(noName.text).not.to.include('Vrai Nom Charleroi');
    const res = await post({ channel: 'phone', member: email, name: 'Nom donné au téléphone', subject: 'Question', text: 'Texte', priority: 'normal' });
    expect(res.status).to.equal(303);
    const id = /([0-9a-f]{24})$/.exec(res.headers.location ?? '')?.[1];
    const ticket = await TicketModel.findById(id).lean();
    expect(ticket?.withheldMember).to.deep.include({ name: 'Nom donné au téléphone', email });
    const page = await agent.get(`/staff/tickets/${String(id)}`).expect(200);
    expect(page.text).to.include('Nom donné au téléphone');
    expect(page.text).not.to.include('Vrai Nom Charleroi');
  });
});
