/**
 * Smaller things seen in use (issue 16, point 10): the help form's error summary names the fields,
 * an unknown staff address answers in the staff layout, a resolved ticket offers "Reopen" and not
 * "Close", and the rating scale runs the same way in the mail and on the page.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { memberLinkUrl } from '../../server/members/member-links.js';
import { claimTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { hidden, openMemberLink, signedIn } from '../helpers/pages.js';

const roomy = {
  formPerIp: { limit: 1000, windowMs: 60_000 },
  formPerEmail: { limit: 1000, windowMs: 60_000 },
  linkPerIp: { limit: 1000, windowMs: 60_000 },
  linkPerEmail: { limit: 1000, windowMs: 60_000 },
};

function linkPath(url: string): string {
  return new URL(url).pathname + new URL(url).search;
}

/** The scores in the order a page or a mail lists them. */
function scoreOrder(text: string, pattern: RegExp): number[] {
  return [...text.matchAll(pattern)].map((m) => Number(m[1]));
}

describe('small things seen (issue 16, point 10)', function () {
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

  it('names each field in the help form’s error summary, linking to it', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/aide').expect(200);
    const res = await agent
      .post('/aide')
      .field('_csrf', hidden(form.text, '_csrf'))
      .field('formToken', hidden(form.text, 'formToken'))
      .field('name', '')
      .field('email', 'not-an-address')
      .field('subject', 'Une question')
      .field('message', '')
      .field('category', '')
      .field('website_url', '')
      .expect(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
    expect(summary).to.match(/<a href="#f-name">Votre nom : /);
    expect(summary).to.match(/<a href="#f-email">Votre adresse e-mail : /);
    expect(summary).to.match(/<a href="#f-message">Votre message : /);
  });

  it('answers an unknown staff address with a 404 in the staff layout', async () => {
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const res = await agent.get('/staff/nothing-here').expect(404);
    expect(res.text).to.include('class="staff staff-');
    expect(res.text).to.include('href="/staff/queue"');
    // Without a session: the sign-in form, nothing about what exists.
    const anonymous = await request(app).get('/staff/nothing-here');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.match(/^\/staff\/login/);
  });

  describe('a resolved ticket on the member page', () => {
    let ticket: Ticket;

    before(async () => {
      ticket = await buildTicket(org, { subject: 'Résolu puis rouvert ?' });
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: claimed.version });
    });

    it('offers "Reopen" but not "Close"', async () => {
      const agent = request.agent(app);
      await openMemberLink(agent, linkPath(memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) })));
      const page = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      expect(page.text).to.include(`/suivi/demandes/${ticket.number}/rouvrir"`);
      expect(page.text).not.to.include(`/suivi/demandes/${ticket.number}/fermer"`);
      expect((await loadTicket(String(ticket._id)))?.status).to.equal('resolved');
    });

    it('lists the rating scale in the same direction in the mail and on the page', async () => {
      const mail = await Outbox.findOne({ ticket: ticket._id, template: 'ticket-resolved' }).lean<OutboxMail>();
      const inText = scoreOrder(mail?.text ?? '', /^([1-5]) — /gm);
      expect(inText).to.have.length(5);
      const agent = request.agent(app);
      await openMemberLink(agent, linkPath(memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) })));
      const page = await agent.get(`/suivi/demandes/${ticket.number}`).expect(200);
      const onPage = scoreOrder(page.text, /name="score" value="([1-5])"/g);
      expect(onPage).to.deep.equal(inText);
      const inHtml = scoreOrder(mail?.html ?? '', />([1-5]) — /g);
      expect(inHtml).to.deep.equal(inText);
    });
  });
});
