/**
 * Saved replies and signatures over HTTP: who may create, read, change and delete which reply
 * (personal: its owner only; shared with an office: its supervisors and administrators; with
 * everyone: administrators), a member session or no token refused, placeholders filled for a ticket
 * the actor may read in the ticket's language (never evaluated as a template), and signatures.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { openMemberLink } from '../helpers/pages.js';
import { memberLinkUrl } from '../../server/members/member-links.js';
import { MemberModel } from '../../server/members/member.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { testConfig } from '../helpers/config.js';
import { pageAgent } from '../helpers/page-agent.js';
import { hidden } from '../helpers/pages.js';

type Who = keyof Org['staff'];

describe('saved replies and signatures', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;
  let app: Express;
  const tokens = new Map<Who, string>();

  before(async () => {
    org = await buildOrg();
    app = testApp(testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999' }));
    for (const who of Object.keys(org.staff) as Who[]) tokens.set(who, await login(app, org.staff[who].email));
  });

  const as = (who: Who) => ({ Authorization: `Bearer ${tokens.get(who) ?? ''}` });

  async function create(who: Who, body: object): Promise<request.Response> {
    return request(app).post('/api/v1/saved-replies').set(as(who)).send(body);
  }

  async function createdId(who: Who, body: object): Promise<string> {
    const res = await create(who, body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return (res.body as { savedReply: { id: string } }).savedReply.id;
  }

  const text = { fr: 'Bonjour {member.name}, votre demande {ticket.number} est traitée. {advisor.first_name}' };

  it('lets anyone keep personal replies that nobody else reads or changes', async () => {
    const id = await createdId('advisorLiege', { title: 'Mes salutations', body: text, scope: 'personal' });
    await request(app).get(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).expect(200);
    for (const other of ['advisorLiege2', 'supervisorLiege', 'administrator'] as Who[]) {
      await request(app).get(`/api/v1/saved-replies/${id}`).set(as(other)).expect(404);
      await request(app).patch(`/api/v1/saved-replies/${id}`).set(as(other)).send({ title: 'Volé' }).expect(404);
      await request(app).delete(`/api/v1/saved-replies/${id}`).set(as(other)).expect(404);
      const list = await request(app).get('/api/v1/saved-replies').set(as(other)).expect(200);
      expect((list.body as { savedReplies: { id: string }[] }).savedReplies.map((r) => r.id)).to.not.include(id);
    }
    await request(app).patch(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).send({ title: 'Salutations' }).expect(200);
    await request(app).delete(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).expect(204);
    await request(app).get(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).expect(404);
  });

  it("lets an office's supervisors manage its shared replies; its advisors only use them; other offices see nothing", async () => {
    expect((await create('advisorLiege', { title: 'Partagée', body: text, scope: 'shared' })).status).to.equal(403);
    expect((await create('supervisorLiege', { title: 'Autre bureau', body: text, scope: 'shared', office: String(org.offices.charleroi) })).status).to.equal(
      403,
    );
    expect((await create('supervisorLiege', { title: 'Tout le monde', body: text, scope: 'shared', office: null })).status).to.equal(403);
    const id = await createdId('supervisorLiege', { title: 'Horaires de Liège', body: text, scope: 'shared' });
    const seen = await request(app).get(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).expect(200);
    expect(seen.body.savedReply).to.include({ scope: 'shared', office: String(org.offices.liege), canManage: false });
    await request(app).patch(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).send({ title: 'Changée' }).expect(403);
    await request(app).delete(`/api/v1/saved-replies/${id}`).set(as('advisorLiege')).expect(403);
    await request(app).get(`/api/v1/saved-replies/${id}`).set(as('advisorCharleroi')).expect(404);
    await request(app).patch(`/api/v1/saved-replies/${id}`).set(as('supervisorCharleroi')).send({ title: 'Prise' }).expect(404);
    await request(app).delete(`/api/v1/saved-replies/${id}`).set(as('supervisorCharleroi')).expect(404);
    await request(app)
      .patch(`/api/v1/saved-replies/${id}`)
      .set(as('supervisorLiege'))
      .send({ body: { nl: 'Openingsuren' } })
      .expect(200);
    await request(app).patch(`/api/v1/saved-replies/${id}`).set(as('administrator')).send({ title: 'Horaires' }).expect(200);
  });

  it('lets administrators share with everyone; supervisors then use those replies but do not change them', async () => {
    const id = await createdId('administrator', { title: 'Pour tous', body: text, scope: 'shared', office: null });
    for (const who of ['advisorLiege', 'advisorCharleroi', 'support', 'supervisorCharleroi'] as Who[]) {
      await request(app).get(`/api/v1/saved-replies/${id}`).set(as(who)).expect(200);
    }
    await request(app).patch(`/api/v1/saved-replies/${id}`).set(as('supervisorLiege')).send({ title: 'Non' }).expect(403);
    await request(app).delete(`/api/v1/saved-replies/${id}`).set(as('administrator')).expect(204);
  });

  it('refuses without a token, with a member session, and with a NoSQL operator or an empty reply', async () => {
    const id = await createdId('advisorLiege', { title: 'Privée', body: text, scope: 'personal' });
    await request(app).get('/api/v1/saved-replies').expect(401);
    await request(app).get(`/api/v1/saved-replies/${id}`).expect(401);
    await request(app).post('/api/v1/saved-replies').send({ title: 'x', body: text, scope: 'personal' }).expect(401);
    await request(app).put('/api/v1/me/signatures').send({ fr: 'x' }).expect(401);
    // A member signed in on their page: the staff API does not know them.
    const ticket = await buildTicket(org, { office: org.offices.liege });
    const member = request.agent(app);
    await openMemberLink(
      member,
      new URL(memberLinkUrl(testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999' }), { memberId: String(ticket.member), ticketId: String(ticket._id) })).pathname,
    );
    expect([401, 403]).to.include((await member.get('/api/v1/saved-replies')).status);
    expect([401, 403]).to.include((await member.get(`/api/v1/tickets/${String(ticket._id)}/saved-replies/${id}`)).status);
    expect((await create('advisorLiege', { title: { $ne: '' }, body: text, scope: 'personal' })).status).to.equal(400);
    expect((await create('advisorLiege', { title: 'Vide', body: { fr: '  ' }, scope: 'personal' })).status).to.equal(400);
    expect((await create('advisorLiege', { title: 'x', body: text, scope: 'personal', owner: String(org.staff.advisorLiege2.id) })).status).to.equal(400);
  });

  it("fills placeholders for a ticket the advisor may read, in the ticket's language, leaving template syntax as typed; refuses a placeholder that does not exist", async () => {
    // A typo would reach the member as typed: refused where it is written (the API and the page), naming it.
    const typo = await request(app)
      .post('/api/v1/saved-replies')
      .set(as('advisorLiege'))
      .send({ title: 'Faute', body: { fr: 'Merci, {membre.prénom}.' }, scope: 'personal' })
      .expect(422);
    expect(typo.body.error).to.deep.include({ reason: 'unknown_reply_placeholder', placeholders: ['{membre.prénom}'] });
    expect(typo.body.error.fields).to.deep.equal([{ path: 'body.fr', message: 'unknown placeholder {membre.prénom}' }]);
    const id = await createdId('advisorLiege', {
      title: 'Attestation',
      body: {
        fr: 'Bonjour {member.first_name}, pour {ticket.number} : {{member.name}} **{advisor.name}**',
        nl: 'Dag {member.name}, uw vraag {ticket.number}. Groeten, {advisor.first_name}',
      },
      scope: 'personal',
    });
    const fr = await buildTicket(org, { office: org.offices.liege, language: 'fr' });
    await MemberModel.updateOne({ _id: fr.member }, { $set: { name: 'Claire <b>Martin</b>' } });
    const res = await request(app)
      .get(`/api/v1/tickets/${String(fr._id)}/saved-replies/${id}`)
      .set(as('advisorLiege'))
      .expect(200);
    expect(res.body).to.include({ language: 'fr', otherLanguage: false });
    expect(res.body.text).to.equal(`Bonjour Claire, pour ${fr.number} : {Claire <b>Martin</b>} **${org.staff.advisorLiege.name}**`);
    const nl = await buildTicket(org, { office: org.offices.liege, language: 'nl' });
    const nlRes = await request(app)
      .get(`/api/v1/tickets/${String(nl._id)}/saved-replies/${id}`)
      .set(as('advisorLiege'))
      .expect(200);
    expect(nlRes.body.text).to.match(new RegExp(`^Dag .+, uw vraag ${nl.number}\\. Groeten, ${org.staff.advisorLiege.name.split(' ')[0] ?? ''}$`));
    // The reply box says the ticket's language (the picker previews each reply in it; spelling checks it), whatever the page's.
    const page = await (await pageAgent(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${String(nl._id)}?lang=fr`).expect(200);
    expect(page.text).to.match(/<textarea id="composer-text"[^>]* lang="nl"/);
    const en = await buildTicket(org, { office: org.offices.liege, language: 'en' });
    const enRes = await request(app)
      .get(`/api/v1/tickets/${String(en._id)}/saved-replies/${id}`)
      .set(as('advisorLiege'))
      .expect(200);
    expect(enRes.body).to.include({ language: 'fr', otherLanguage: true });
    // A ticket the advisor may not read: 404, whatever the reply.
    const charleroi = await buildTicket(org, { office: org.offices.charleroi });
    await request(app)
      .get(`/api/v1/tickets/${String(charleroi._id)}/saved-replies/${id}`)
      .set(as('advisorLiege'))
      .expect(404);
    // Another person's personal reply on one's own ticket: 404.
    await request(app)
      .get(`/api/v1/tickets/${String(fr._id)}/saved-replies/${id}`)
      .set(as('advisorLiege2'))
      .expect(404);
  });

  it('lists each reply with a preview in the page’s language, its lines kept', async () => {
    await createdId('advisorLiege2', {
      title: 'Attestation (aperçu)',
      body: { fr: 'Bonjour,\nVoici votre attestation.', nl: 'Goedendag,\nHier is uw attest.' },
      scope: 'personal',
    });
    const agent = await pageAgent(app, org.staff.advisorLiege2.email);
    const nl = await agent.get('/staff/replies?lang=nl').expect(200);
    expect(nl.text).to.include('<p class="small saved-reply-preview">Goedendag,\nHier is uw attest.</p>');
    const en = await agent.get('/staff/replies?lang=en').expect(200);
    expect(en.text).to.include('<p class="small saved-reply-preview">Bonjour,\nVoici votre attestation.</p>');
  });

  it('shows a title in the reader’s language when it has one, the main title otherwise; the page keeps and changes them (QA)', async () => {
    const id = await createdId('advisorLiege2', {
      title: 'Horaires des bureaux',
      titles: { nl: 'Openingsuren van de kantoren' },
      body: { fr: 'Ouvert de 9 h à 16 h.', nl: 'Open van 9 tot 16 uur.' },
      scope: 'personal',
    });
    const list = async (lang: string) =>
      (
        (await request(app).get('/api/v1/saved-replies').set(as('advisorLiege2')).set('Accept-Language', lang).expect(200)).body as {
          savedReplies: { id: string; title: string }[];
        }
      ).savedReplies.find((r) => r.id === id)?.title;
    expect(await list('nl-BE')).to.equal('Openingsuren van de kantoren');
    expect(await list('fr-BE')).to.equal('Horaires des bureaux');
    expect(await list('en-GB'), 'no English title: the main one').to.equal('Horaires des bureaux');
    expect((await create('advisorLiege2', { title: 'T', titles: { de: 'x' }, body: { fr: 'x' }, scope: 'personal' })).status).to.equal(400);
    expect((await create('advisorLiege2', { title: 'T', titles: { nl: 'x'.repeat(121) }, body: { fr: 'x' }, scope: 'personal' })).status).to.equal(400);

    // The page: the Dutch list names it in Dutch; its form shows every title, and an English one is added.
    const agent = await pageAgent(app, org.staff.advisorLiege2.email);
    expect((await agent.get('/staff/replies?lang=nl').expect(200)).text).to.include('Openingsuren van de kantoren');
    const form = await agent.get(`/staff/replies/${id}?lang=fr`).expect(200);
    expect(form.text).to.include('name="title_nl" maxlength="120" lang="nl" value="Openingsuren van de kantoren"');
    await agent
      .post(`/staff/replies/${id}`)
      .type('form')
      .send({
        _csrf: hidden(form.text, '_csrf'),
        title: 'Horaires des bureaux',
        title_nl: 'Openingsuren van de kantoren',
        title_en: 'Office hours',
        fr: 'Ouvert de 9 h à 16 h.',
      })
      .expect(303);
    expect(await list('en-GB')).to.equal('Office hours');
  });

  it('keeps a signature per language for each person, changed only by that person', async () => {
    await request(app).put('/api/v1/me/signatures').set(as('advisorLiege2')).send({ fr: 'Sophie\nConseillère', nl: 'Sophie\nAdviseur' }).expect(200);
    const mine = await request(app).get('/api/v1/me/signatures').set(as('advisorLiege2')).expect(200);
    expect(mine.body.signatures).to.deep.equal({ fr: 'Sophie\nConseillère', nl: 'Sophie\nAdviseur', en: null });
    const other = await request(app).get('/api/v1/me/signatures').set(as('advisorLiege')).expect(200);
    expect(other.body.signatures.fr).to.equal(null);
    await request(app).put('/api/v1/me/signatures').set(as('advisorLiege2')).send({ nl: '' }).expect(200);
    expect((await request(app).get('/api/v1/me/signatures').set(as('advisorLiege2'))).body.signatures).to.include({ fr: 'Sophie\nConseillère', nl: null });
    await request(app)
      .put('/api/v1/me/signatures')
      .set(as('advisorLiege2'))
      .send({ fr: 'x'.repeat(2001) })
      .expect(400);
  });
});
