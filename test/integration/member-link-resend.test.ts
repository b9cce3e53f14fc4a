/**
 * A link that no longer opens (used once already, in another browser; or expired) offers a fresh one
 * in one click, to the address of the member it names, shown masked; a forged link, an erased member or
 * a missing CSRF token get nothing; the per-member limit holds.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { processLinkRequests } from '../../server/mail/member-link-mail.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { waitingLinkRequests } from '../../server/members/link-requests.js';
import { linkOwner, memberLinkUrl, signMemberLink } from '../../server/members/member-links.js';
import { MemberModel } from '../../server/members/member.model.js';
import { maskedAddress } from '../../server/web/public/member-access.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { hidden, openMemberLink } from '../helpers/pages.js';

const roomy = {
  formPerIp: { limit: 1000, windowMs: 60_000 },
  formPerEmail: { limit: 1000, windowMs: 60_000 },
  linkPerIp: { limit: 1000, windowMs: 60_000 },
  linkPerEmail: { limit: 3, windowMs: 60_000 },
};

describe('member pages: a fresh link from a spent or expired one', function () {
  this.timeout(30_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let app: Express;

  before(async () => {
    org = await buildOrg();
    config = testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999' });
    useMail(config);
    app = createApp({ config, logger: silentLogger, publicForms: { limits: roomy } });
  });

  const path = (url: string) => new URL(url).pathname;

  it('masks the address: the first letter and the domain', () => {
    expect(maskedAddress('sofie.vdb@example.be')).to.equal('s•••@example.be');
    expect(maskedAddress('@example.be')).to.equal('•••');
  });

  it('a link used on the phone, tapped again on the laptop: one click sends a new one to that member’s address', async () => {
    const ticket = await buildTicket(org, { member: { name: 'Sofie Peeters', email: 'sofie.peeters@example.be' } });
    const link = path(memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) }));
    await openMemberLink(request.agent(app), link);
    const laptop = request.agent(app);
    const spent = await openMemberLink(laptop, link, 410);
    expect(spent.text).to.include('Ce lien a déjà servi').and.include('action="/suivi/lien/nouveau"');
    expect(spent.text).to.include('(s•••@example.be)').and.not.include('sofie.peeters@example.be');
    // Nothing was queued by showing the page.
    expect(await waitingLinkRequests()).to.deep.equal([]);
    const sent = await laptop
      .post('/suivi/lien/nouveau')
      .type('form')
      .send({ _csrf: hidden(spent.text, '_csrf'), token: hidden(spent.text, 'token') })
      .expect(303);
    expect(sent.headers.location).to.equal('/suivi?sent=link');
    expect((await laptop.get('/suivi?sent=link').expect(200)).text).to.include('Un nouveau lien est en route vers l’adresse qui a reçu le précédent.');
    expect((await waitingLinkRequests()).map((r) => r._id)).to.deep.equal(['sofie.peeters@example.be']);
    expect(await processLinkRequests(config)).to.equal(1);
    const mail = await Outbox.findOne({ template: 'member-link', to: 'sofie.peeters@example.be' }).lean<OutboxMail>();
    const fresh = /http:\/\/127\.0\.0\.1:9999(\/suivi\/acces\/[^\s"<>?]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    expect(fresh).to.not.equal('').and.not.equal(link);
    // The new link opens, in the laptop's browser.
    const opened = await openMemberLink(laptop, fresh);
    expect(opened.headers.location).to.equal('/suivi');
    expect((await laptop.get(`/suivi/demandes/${ticket.number}`).expect(200)).text).to.include(ticket.subject);
  });

  it('an expired link offers it too; a forged one, an erased member or a missing CSRF token get nothing', async () => {
    const ticket = await buildTicket(org, { member: { name: 'Jef Claes', email: 'jef.claes@example.be' } });
    const expiredToken = signMemberLink({ ...config, memberLinkTtl: -10 }, { memberId: String(ticket.member), ticketId: null });
    expect(linkOwner(config, expiredToken)).to.equal(String(ticket.member));
    const agent = request.agent(app);
    const expired = await agent.get(`/suivi/acces/${expiredToken}`).expect(410);
    expect(expired.text).to.include('Ce lien a expiré').and.include('(j•••@example.be)');
    const csrf = hidden(expired.text, '_csrf');

    const forged = `${expiredToken.slice(0, -3)}${expiredToken.slice(-3) === 'abc' ? 'abd' : 'abc'}`;
    expect(linkOwner(config, forged)).to.equal(null);
    expect((await agent.get(`/suivi/acces/${forged}`).expect(400)).text).not.to.include('/suivi/lien/nouveau');
    const refused = await agent.post('/suivi/lien/nouveau').type('form').send({ _csrf: csrf, token: forged }).expect(400);
    expect(refused.text).to.include('Ce lien n’est pas valable');
    await request(app).post('/suivi/lien/nouveau').type('form').send({ _csrf: 'forged', token: expiredToken }).expect(403);
    expect(await waitingLinkRequests()).to.deep.equal([]);

    await agent.post('/suivi/lien/nouveau').type('form').send({ _csrf: csrf, token: expiredToken }).expect(303);
    expect((await waitingLinkRequests()).map((r) => r._id)).to.include('jef.claes@example.be');

    await MemberModel.updateOne({ _id: ticket.member }, { $set: { erasedAt: new Date() } });
    expect((await agent.get(`/suivi/acces/${expiredToken}`).expect(410)).text).not.to.include('/suivi/lien/nouveau');
    await agent.post('/suivi/lien/nouveau').type('form').send({ _csrf: csrf, token: expiredToken }).expect(400);
  });

  it('holds the per-member limit: past it, the usual answer and nothing more queued', async () => {
    const ticket = await buildTicket(org, { member: { name: 'An Maes', email: 'an.maes@example.be' } });
    const token = signMemberLink({ ...config, memberLinkTtl: -10 }, { memberId: String(ticket.member), ticketId: null });
    const agent = request.agent(app);
    const csrf = hidden((await agent.get(`/suivi/acces/${token}`).expect(410)).text, '_csrf');
    for (let i = 0; i < 3; i += 1) {
      await agent.post('/suivi/lien/nouveau').type('form').send({ _csrf: csrf, token }).expect(303);
      await processLinkRequests(config);
    }
    expect(await Outbox.countDocuments({ template: 'member-link', to: 'an.maes@example.be' })).to.equal(3);
    const fourth = await agent.post('/suivi/lien/nouveau').type('form').send({ _csrf: csrf, token }).expect(303);
    expect(fourth.headers.location).to.equal('/suivi?sent=link');
    expect(await waitingLinkRequests()).to.deep.equal([]);
  });
});
