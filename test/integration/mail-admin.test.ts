/**
 * The administrators' mail page over real HTTP, on a real database, with real mail: messages
 * go through the outbox into the embedded catcher (a real SMTP server), and a failed message is
 * refused by a real SMTP server. Who may see what (administrators only; others 403; nobody
 * signed in → sign-in or 401), CSRF on the form, the sandboxed HTML part and its CSP, escaping of
 * a hostile message, links only to Relais, pages of 50, search, and "Send again".
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type { Transporter } from 'nodemailer';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { startMailCatcher, type MailCatcher } from '../../server/mail/catcher.js';
import { listCaughtMailPage, linksIn } from '../../server/mail/caught-mail.js';
import { CaughtMailModel, type CaughtMail } from '../../server/mail/mail.models.js';
import { createMailTransport, enqueueMail, findOutboxMail, processOutbox } from '../../server/mail/outbox.js';
import { retryFailedMail } from '../../server/mail/outbox-admin.js';
import { caughtHtmlCsp } from '../../server/web/pages/mail-admin.routes.js';
import { ConflictError, NotFoundError } from '../../server/lib/errors.js';
import { asBytes } from '../helpers/bytes.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { signedIn } from '../helpers/pages.js';
import { useMail } from '../helpers/enrichers.js';

const publicUrl = 'http://relais.test:8080';
const XSS = '<script>alert(1)</script>';
const roomy = { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };

function appFor(config: Config): Express {
  useMail(config);
  return createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
}

/** The ids of the caught messages a list page links to, in order. */
function listedIds(html: string): string[] {
  return [...html.matchAll(/href="\/staff\/mail\/([0-9a-f]{24})"/g)].map((m) => m[1] ?? '');
}

describe('administrators’ mail page (HTML, real database, real SMTP)', () => {
  useTestDatabase();
  const config = testConfig({ PUBLIC_URL: publicUrl, MAIL_FROM: 'Relais <support@relais.test>' });
  let app: Express;
  let org: Org;
  let catcher: MailCatcher;
  let transport: Transporter;
  let refusing: TestSmtp;
  let admin: TestAgent;
  const caught: Record<'link' | 'reply' | 'hostile' | 'textOnly', CaughtMail> = {} as Record<'link' | 'reply' | 'hostile' | 'textOnly', CaughtMail>;
  let failedId = '';

  async function caughtBySubject(part: string): Promise<CaughtMail> {
    const found = await CaughtMailModel.findOne({ subject: { $regex: part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') } }).lean<CaughtMail>();
    if (!found) throw new Error(`no caught mail with "${part}"`);
    return found;
  }

  before(async () => {
    app = appFor(config);
    org = await buildOrg();
    catcher = await startMailCatcher({ logger: silentLogger });
    transport = createMailTransport(catcher.url);

    // Through the outbox, as Relais sends them: a magic link (automatic) and a reply in a thread.
    await enqueueMail(
      {
        template: 'member-link',
        locale: 'fr',
        to: 'marie@example.org',
        data: { linkUrl: `${publicUrl}/suivi/acces/tok_abc123`, expiresInDays: 7, tickets: [] },
      },
      { config },
    );
    await enqueueMail(
      {
        template: 'staff-reply',
        locale: 'en',
        to: 'jan@example.org',
        data: { ticketNumber: 'R-2026-000777', subject: 'Address change', replyText: 'Done.', agentFirstName: 'Anne', ticketUrl: `${publicUrl}/suivi/t/1` },
        headers: { inReplyTo: '<first@example.org>', references: ['<first@example.org>'], replyTo: 'support+R-2026-000777@relais.test' },
      },
      { config },
    );
    const sent = await processOutbox({ transport, logger: silentLogger });
    expect(sent.sent).to.equal(2);

    // A hostile message, sent to the catcher directly.
    await transport.sendMail({
      from: 'Mallory <mallory@evil.example>',
      to: 'victim@example.org',
      subject: `${XSS} Hostile "><img src=x onerror=alert(2)>`,
      text: `Hello ${XSS}\nFollow https://evil.example/steal?x=1 or ${publicUrl}/suivi/acces/tok_ok.\nAlso javascript:alert(3) and ${publicUrl}.evil.example/x`,
      html: '<p>Hi</p><script>alert(4)</script><img src="https://evil.example/pixel.gif">',
    });
    await transport.sendMail({ from: 'relais@relais.test', to: 'plain@example.org', subject: 'Text only', text: 'No HTML here.' });

    caught.link = await caughtBySubject('Votre lien pour suivre vos demandes');
    caught.reply = await caughtBySubject('R-2026-000777');
    caught.hostile = await caughtBySubject('Hostile');
    caught.textOnly = await caughtBySubject('Text only');

    // A message a real SMTP server refuses for good: failed after one attempt.
    refusing = await startTestSmtp();
    refusing.rejectWith(550);
    const refusedTransport = createMailTransport(refusing.url);
    const failed = await enqueueMail(
      {
        template: 'ticket-acknowledgement',
        locale: 'fr',
        to: 'nobody@example.org',
        data: { ticketNumber: 'R-2026-000888', subject: `Refusé ${XSS}`, ticketUrl: `${publicUrl}/suivi/t/2` },
      },
      { config },
    );
    await processOutbox({ transport: refusedTransport, logger: silentLogger });
    refusedTransport.close();
    failedId = String(failed._id);
    expect(await findOutboxMail(failedId)).to.include({ status: 'failed', attempts: 1 });

    admin = await signedIn(app, org.staff.administrator.email);
  });

  after(async () => {
    transport.close();
    await catcher.stop();
    await refusing.stop();
  });

  describe('who may see it', () => {
    it('shows administrators the caught mail, newest first, the undelivered mail and the queue count', async () => {
      const res = await admin.get('/staff/mail').expect(200);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text).to.include('Courrier capté').and.include('Courrier non distribué');
      expect(res.text).to.include('Votre lien pour suivre vos demandes').and.include('marie@example.org');
      const ids = listedIds(res.text);
      expect(ids).to.include.members([caught.link, caught.reply, caught.hostile, caught.textOnly].map((m) => String(m._id)));
      // Newest first: the text-only message was caught last.
      expect(ids[0]).to.equal(String(caught.textOnly._id));
      // Under each subject, what an inbox shows: the member mail's hidden first line, else the text's start; escaped.
      expect(res.text).to.match(/<span class="mail-snippet" title="[^"]*">A reply to your request\. Hello, Anne /);
      expect(res.text).to.include('<span class="mail-snippet" title="No HTML here.">No HTML here.</span>');
      expect(res.text).to.include('Hello &lt;script&gt;alert(1)&lt;/script&gt; Follow').and.not.include(XSS);
      expect(res.text).to.include(`action="/staff/mail/outbox/${failedId}/retry"`);
      expect(res.text).to.include('nobody@example.org').and.match(/550/);
      expect(res.text).to.match(/<span class="count">\d+<\/span> messages? en attente d’envoi/);
      // The top bar links to the page, marked current.
      expect(res.text).to.include('<a href="/staff/mail" aria-current="page">Courrier</a>');
    });

    it('shows a caught message with its headers, text, sandboxed HTML and Relais links', async () => {
      const res = await admin.get(`/staff/mail/${String(caught.link._id)}`).expect(200);
      expect(res.text).to.include('Votre lien pour suivre vos demandes');
      // A link the member asked for is generated, not a reply to a message of theirs (RFC 3834).
      expect(res.text).to.include('auto-generated').and.not.include('auto-replied');
      expect(res.text).to.include((caught.link.messageId ?? 'no message id').replace('<', '&lt;').replace('>', '&gt;'));
      expect(res.text).to.include(`<iframe class="mail-html" src="/staff/mail/${String(caught.link._id)}/html" sandbox=""`);
      expect(res.text).to.include('<pre class="mail-text" tabindex="0">');
      expect(res.text).to.include(`<a href="${publicUrl}/suivi/acces/tok_abc123" target="_blank" rel="noopener noreferrer">`);

      const reply = await admin.get(`/staff/mail/${String(caught.reply._id)}`).expect(200);
      expect(reply.text).to.include('&lt;first@example.org&gt;');
      expect(reply.text).to.include('support+R-2026-000777@relais.test');
      // The thread's chain, as mail apps read it.
      expect(reply.text).to.match(/Fil \(References\)<\/dt><dd>&lt;first@example\.org&gt;<\/dd>/);
      // And the message as it left, every header included, for administrators only.
      expect(reply.text).to.include(`href="/staff/mail/${String(caught.reply._id)}/raw" download`);
      const raw = await admin
        .get(`/staff/mail/${String(caught.reply._id)}/raw`)
        .buffer(true)
        .parse(asBytes)
        .expect(200);
      expect(raw.headers['content-type']).to.match(/^message\/rfc822/);
      expect(raw.headers['content-disposition']).to.include('.eml');
      expect((raw.body as Buffer).toString('utf8'))
        .to.include('References: <first@example.org>')
        .and.include('Subject:');
      // A reply a person wrote is not automatic: the header is absent, shown as a dash.
      expect(reply.text).to.match(/Auto-Submitted\)<\/dt><dd><span class="muted">—<\/span>/);
    });

    it('lets the page frame the HTML part, which other pages still forbid', async () => {
      const page = await admin.get(`/staff/mail/${String(caught.link._id)}`).expect(200);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).to.include("frame-src 'self'").and.include("frame-ancestors 'none'").and.include("script-src 'self'");
    });

    for (const who of ['advisorLiege', 'supervisorLiege'] as const) {
      it(`refuses a${who === 'advisorLiege' ? 'n advisor' : ' supervisor'} on every route (403) and hides the link`, async () => {
        const agent = await signedIn(app, org.staff[who].email);
        const queue = await agent.get('/staff/queue').expect(200);
        expect(queue.text).not.to.include('href="/staff/mail"');
        for (const path of [
          '/staff/mail',
          `/staff/mail/${String(caught.link._id)}`,
          `/staff/mail/${String(caught.link._id)}/html`,
          `/staff/mail/${String(caught.link._id)}/raw`,
        ]) {
          const res = await agent.get(path);
          expect(res.status, path).to.equal(403);
          expect(res.text, path).to.include('Réservé aux administrateur·rices');
          expect(res.text, path).not.to.include('Votre lien pour suivre vos demandes');
          expect(res.text, path).not.to.include('tok_abc123');
        }
        const form = await agent.get('/staff/queue').expect(200);
        const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(form.text)?.[1] ?? '';
        expect(csrf).not.to.equal('');
        const post = await agent.post(`/staff/mail/outbox/${failedId}/retry`).type('form').send({ _csrf: csrf });
        expect(post.status).to.equal(403);
        const api = await request(app)
          .post(`/api/v1/outbox/${failedId}/retry`)
          .set('Authorization', `Bearer ${await login(app, org.staff[who].email)}`);
        expect(api.status).to.equal(403);
        expect((api.body as { error: { code: string } }).error.code).to.equal('forbidden');
        expect(await findOutboxMail(failedId)).to.include({ status: 'failed' });
      });
    }

    it('sends someone not signed in to the sign-in form (pages) or answers 401 (form post, API)', async () => {
      for (const path of ['/staff/mail', `/staff/mail/${String(caught.link._id)}`, `/staff/mail/${String(caught.link._id)}/html`]) {
        const res = await request(app).get(path);
        expect(res.status, path).to.equal(303);
        expect(res.headers.location, path).to.equal(`/staff/login?next=${encodeURIComponent(path)}`);
      }
      expect((await request(app).post(`/staff/mail/outbox/${failedId}/retry`).type('form').send({})).status).to.equal(401);
      const api = await request(app).post(`/api/v1/outbox/${failedId}/retry`);
      expect(api.status).to.equal(401);
      expect(await findOutboxMail(failedId)).to.include({ status: 'failed' });
    });
  });

  describe('untrusted content', () => {
    it('shows a hostile message escaped, and only Relais links as links', async () => {
      const res = await admin.get(`/staff/mail/${String(caught.hostile._id)}`).expect(200);
      expect(res.text).not.to.include('<script>alert(');
      expect(res.text).not.to.include('<img src=x');
      expect(res.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt; Hostile &quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;');
      expect(res.text).to.include('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).to.include(`<a href="${publicUrl}/suivi/acces/tok_ok" target="_blank"`);
      expect(res.text).to.include('<span class="mail-link-text">https://evil.example/steal?x&#x3D;1</span>');
      expect(res.text).not.to.match(/<a href="https:\/\/evil/);
      // Same prefix, another host: not Relais.
      expect(res.text).to.include(`<span class="mail-link-text">${publicUrl}.evil.example/x</span>`);
      expect(res.text).not.to.include('href="javascript:');

      const list = await admin.get('/staff/mail').expect(200);
      expect(list.text).not.to.include('<script>alert(');
      expect(list.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt; Hostile');
      expect(list.text).to.include('Refusé &lt;script&gt;');
    });

    it('serves the HTML part alone, under a sandboxing CSP that only Relais may frame', async () => {
      const res = await admin.get(`/staff/mail/${String(caught.hostile._id)}/html`).expect(200);
      expect(res.headers['content-security-policy']).to.equal(caughtHtmlCsp);
      expect(caughtHtmlCsp)
        .to.include("default-src 'none'")
        .and.include('img-src data:')
        .and.include("style-src 'unsafe-inline'")
        .and.include('sandbox')
        .and.include("frame-ancestors 'self'");
      expect(caughtHtmlCsp).not.to.include('script-src');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['x-frame-options']).to.equal('SAMEORIGIN');
      expect(res.headers['content-type']).to.match(/^text\/html; charset=utf-8/);
      // The message as it came: the CSP and the frame's sandbox, not rewriting, keep it inert.
      expect(res.text).to.include('<p>Hi</p>');

      expect((await admin.get(`/staff/mail/${String(caught.textOnly._id)}/html`)).status).to.equal(404);
      const page = await admin.get(`/staff/mail/${String(caught.textOnly._id)}`).expect(200);
      expect(page.text).not.to.include('<iframe');
      expect(page.text).to.include('Ce message n’a pas de version HTML.');
    });

    it('answers 404 for a message that does not exist or an id that is not one', async () => {
      for (const id of ['65f000000000000000000000', 'nope', '..%2F..%2Fetc']) {
        expect((await admin.get(`/staff/mail/${id}`)).status, id).to.equal(404);
        expect((await admin.get(`/staff/mail/${id}/html`)).status, id).to.equal(404);
      }
    });

    it('lists only http(s) addresses, once each, without trailing punctuation', () => {
      const links = linksIn(`See ${publicUrl}/a. And (${publicUrl}/b), ${publicUrl}/a again; ftp://x.example/ https://other.example/c!`, publicUrl);
      expect(links).to.deep.equal([
        { url: `${publicUrl}/a`, label: 'See', followable: true },
        { url: `${publicUrl}/b`, label: 'And', followable: true },
        { url: 'https://other.example/c', label: 'again; ftp://x.example/', followable: false },
      ]);
      expect(linksIn('http://relais.test/x', publicUrl)).to.deep.equal([{ url: 'http://relais.test/x', label: '', followable: false }]);
      // The words before an address on its line, else the line above: how a person tells the links apart.
      const rating = linksIn(
        `How satisfied are you?\n\n1 — Very dissatisfied: ${publicUrl}/n/1\n5 — Very satisfied: ${publicUrl}/n/5\n\nFollow it here:\n${publicUrl}/t`,
        publicUrl,
      );
      expect(rating.map((l) => l.label)).to.deep.equal(['1 — Very dissatisfied', '5 — Very satisfied', 'Follow it here']);
    });
  });

  describe('pages and search', () => {
    it('shows 50 messages a page with an "older" link, and finds messages by recipient', async () => {
      const start = new Date('2020-01-01T00:00:00Z').getTime();
      await CaughtMailModel.insertMany(
        Array.from({ length: 57 }, (_, i) => ({
          raw: 'Subject: bulk\r\n\r\nbulk',
          subject: `Bulk ${String(i).padStart(2, '0')}`,
          from: 'relais@relais.test',
          to: `person${i}@bulk.test`,
          envelopeTo: [`person${i}@bulk.test`],
          text: 'bulk',
          html: null,
          receivedAt: new Date(start + Math.floor(i / 2) * 1000),
        })),
      );
      const first = await admin.get('/staff/mail?to=BULK.test').expect(200);
      expect(listedIds(first.text)).to.have.length(50);
      expect(first.text).to.include('Bulk 56').and.not.include('Bulk 06<');
      const older = /<a href="([^"]+)">Messages plus anciens/
        .exec(first.text)?.[1]
        ?.replace(/&amp;/g, '&')
        .replace(/&#x3D;/g, '=');
      expect(older).to.match(/^\/staff\/mail\?to=BULK\.test&before=\d+\.[0-9a-f]{24}$/);
      expect(older, 'older link').to.be.a('string');
      const second = await admin.get(older ?? '').expect(200);
      const secondIds = listedIds(second.text);
      expect(secondIds).to.have.length(7);
      expect(secondIds).not.to.include.members(listedIds(first.text).slice(-1));
      expect(second.text).to.include('Bulk 00').and.include('« Messages les plus récents');
      // Every one of the 57 exactly once across the two pages, even with equal receive times.
      expect(new Set([...listedIds(first.text), ...secondIds]).size).to.equal(57);

      const one = await admin.get('/staff/mail?to=person7@bulk').expect(200);
      expect(listedIds(one.text)).to.have.length(1);
      expect(one.text).to.include('Bulk 07').and.include('value="person7@bulk"');
      const none = await admin.get(`/staff/mail?to=${encodeURIComponent('.*')}`).expect(200);
      expect(listedIds(none.text)).to.have.length(0);
      expect(none.text).to.include('Aucun message capté pour ce destinataire.');
      // A hand-edited cursor starts again from the newest.
      const junk = await admin.get('/staff/mail?before=garbage').expect(200);
      expect(listedIds(junk.text)[0]).to.equal(listedIds((await admin.get('/staff/mail')).text)[0]);
    });

    it('pages the same way through the query function', async () => {
      const all = await listCaughtMailPage({ recipient: 'bulk.test', limit: 20 });
      expect(all.messages).to.have.length(20);
      const next = await listCaughtMailPage({ recipient: 'bulk.test', limit: 20, before: all.nextCursor ?? '' });
      expect(next.messages.map((m) => String(m._id))).not.to.include.members(all.messages.map((m) => String(m._id)));
    });
  });

  describe('send again', () => {
    it('refuses the form without its CSRF token', async () => {
      const res = await admin.post(`/staff/mail/outbox/${failedId}/retry`).type('form').send({});
      expect(res.status).to.equal(403);
      const wrong = await admin.post(`/staff/mail/outbox/${failedId}/retry`).type('form').send({ _csrf: 'not-the-token' });
      expect(wrong.status).to.equal(403);
      expect(await findOutboxMail(failedId)).to.include({ status: 'failed', attempts: 1 });
    });

    it('moves a failed message back to the queue from the page, keeping its attempts and last error', async () => {
      const page = await admin.get('/staff/mail').expect(200);
      const form = new RegExp(`action="/staff/mail/outbox/${failedId}/retry"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)"`).exec(page.text);
      expect(form?.[1], 'CSRF token in the form').to.be.a('string');
      const res = await admin
        .post(`/staff/mail/outbox/${failedId}/retry`)
        .type('form')
        .send({ _csrf: form?.[1] ?? '' });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/staff/mail?done=retried#outbox');
      const mail = await findOutboxMail(failedId);
      expect(mail).to.include({ status: 'queued', attempts: 1 });
      expect(mail?.lastError).to.match(/550/);
      const after = await admin.get('/staff/mail?done=retried').expect(200);
      expect(after.text).to.include('Le message est de nouveau en file d’envoi');
      expect(after.text).not.to.include(`action="/staff/mail/outbox/${failedId}/retry"`);

      // Clicking again (another tab): nothing to do, and the page says so.
      const again = await admin
        .post(`/staff/mail/outbox/${failedId}/retry`)
        .type('form')
        .send({ _csrf: form?.[1] ?? '' });
      expect(again.headers.location).to.equal('/staff/mail?done=already#outbox');
    });

    it('does the same through the API for administrators (200, then 409), 404 for an unknown id', async () => {
      const refusedTransport = createMailTransport(refusing.url);
      const mail = await enqueueMail(
        {
          template: 'ticket-acknowledgement',
          locale: 'nl',
          to: 'nobody2@example.org',
          data: { ticketNumber: 'R-2026-000889', subject: 'Geweigerd', ticketUrl: `${publicUrl}/suivi/t/3` },
        },
        { config },
      );
      await processOutbox({ transport: refusedTransport, logger: silentLogger, now: () => new Date(Date.now() + 3_600_000) });
      refusedTransport.close();
      expect(await findOutboxMail(mail._id)).to.include({ status: 'failed' });
      const token = await login(app, org.staff.administrator.email);
      const res = await request(app)
        .post(`/api/v1/outbox/${String(mail._id)}/retry`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const body = res.body as { outbox: { id: string; status: string; attempts: number; lastError: string } };
      expect(body.outbox).to.include({ id: String(mail._id), status: 'queued', attempts: 1 });
      expect(body.outbox.lastError).to.match(/550/);
      const conflict = await request(app)
        .post(`/api/v1/outbox/${String(mail._id)}/retry`)
        .set('Authorization', `Bearer ${token}`);
      expect(conflict.status).to.equal(409);
      for (const id of ['65f000000000000000000000', 'nope']) {
        expect((await request(app).post(`/api/v1/outbox/${id}/retry`).set('Authorization', `Bearer ${token}`)).status, id).to.equal(404);
      }
    });

    it('retryFailedMail: due at the given moment, attempts kept; 409 unless failed, 404 when unknown', async () => {
      const refusedTransport = createMailTransport(refusing.url);
      const mail = await enqueueMail(
        {
          template: 'ticket-acknowledgement',
          locale: 'en',
          to: 'nobody3@example.org',
          data: { ticketNumber: 'R-2026-000890', subject: 'Refused', ticketUrl: `${publicUrl}/suivi/t/4` },
        },
        { config },
      );
      await processOutbox({ transport: refusedTransport, logger: silentLogger, now: () => new Date(Date.now() + 7_200_000) });
      refusedTransport.close();
      const at = new Date('2030-05-06T07:08:09Z');
      const retried = await retryFailedMail(String(mail._id), at);
      expect(retried).to.include({ status: 'queued', attempts: 1 });
      const stored = await findOutboxMail(mail._id);
      expect(stored).to.include({ status: 'queued', attempts: 1 });
      expect(stored?.nextAttemptAt.getTime()).to.equal(at.getTime());
      expect(stored?.updatedAt.getTime()).to.equal(at.getTime());
      let error: unknown;
      try {
        await retryFailedMail(mail._id, at);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConflictError);
      error = undefined;
      try {
        await retryFailedMail('65f000000000000000000000', at);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(NotFoundError);
    });
  });

  describe('with a real SMTP server configured', () => {
    it('says the catcher is off and shows only the undelivered mail', async () => {
      const smtpApp = appFor(testConfig({ PUBLIC_URL: publicUrl, SMTP_URL: 'smtp://127.0.0.1:2525' }));
      const agent = await signedIn(smtpApp, org.staff.administrator.email);
      const res = await agent.get('/staff/mail').expect(200);
      expect(res.text).to.include('le capteur local est éteint');
      expect(res.text).not.to.include('Courrier capté');
      expect(listedIds(res.text)).to.have.length(0);
      expect(res.text).to.include('Courrier non distribué');
      const en = await agent.get('/staff/mail?lang=en').expect(200);
      expect(en.text).to.include('the local catcher is off').and.include('Undelivered mail');
    });
  });
});
