/**
 * The administrators' incoming-mail pages and API over real HTTP, on a real database, with messages
 * taken in by the real inbound pipeline: a forged follow-up (a stranger writing with a ticket's real
 * signed Reply-To address), a newsletter (List-Id), bytes that are no mail at all, and an ordinary
 * message that becomes a ticket. Who may see what (administrators only; others 403; nobody signed in
 * → sign-in or 401), the reasons in words, escaping of a hostile message, the sandboxed HTML, the raw
 * download, and the three decisions — reprocess, create a ticket anyway, discard with a note — each
 * recorded in the message's history with the administrator's name, with CSRF on every form.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import { listInboundPage } from '../../server/mail/inbound/inbound-admin.js';
import { readInboundMessage, rawHeaderBlock } from '../../server/mail/inbound/inbound-reading.js';
import { InboundMailModel, type InboundMail } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { replyToken } from '../../server/members/member-links.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { caughtHtmlCsp } from '../../server/web/pages/mail-admin.routes.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { hidden, signedIn } from '../helpers/pages.js';
import { useMail } from '../helpers/enrichers.js';
import { translator } from '../../server/lib/i18n.js';
import { asBytes } from '../helpers/bytes.js';

/** As the templates escape text (Handlebars). */
const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')
    .replace(/=/g, '&#x3D;')
    .replace(/`/g, '&#x60;');

const XSS = '<script>alert(1)</script>';
const roomy = { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };

const idOf = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');

async function record(id: string): Promise<InboundMail> {
  const found = await InboundMailModel.findById(id).lean<InboundMail>();
  if (!found) throw new Error(`no inbound record ${id}`);
  return found;
}

describe('administrators’ incoming mail: the quarantine (HTML and API, real database, real pipeline)', () => {
  useTestDatabase();
  const config = testConfig({ MAIL_FROM: 'Relais <support@relais.test>' });
  let app: Express;
  let org: Org;
  let pipeline: InboundPipeline;
  let admin: TestAgent;
  let ticket: Ticket;
  let serial = 0;

  /** A stranger writing with the ticket's genuine Reply-To address: quarantined as a forged follow-up. */
  function forgedRaw(subject = `Re: [${ticket.number}] ${XSS} Fiche de paie`): Buffer {
    serial += 1;
    return Buffer.from(
      [
        'From: Mallory <mallory@evil.example>',
        `To: support+${replyToken(config, ticket.number)}@relais.test`,
        'Cc: "Eve" <eve@evil.example>',
        `Subject: ${subject}`,
        'Date: Tue, 10 Mar 2026 09:15:00 +0100',
        `Message-ID: <forged-${serial}@evil.example>`,
        'Authentication-Results: mx.relais.test; spf=pass smtp.mailfrom=evil.example',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Bonjour, voici ma réponse ${XSS}.`,
        '',
        '--b1',
        'Content-Type: application/pdf; name="fiche.pdf"',
        'Content-Disposition: attachment; filename="fiche.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
  }

  /** A newsletter (List-Id), HTML only, with a script and an outside image: quarantined as bulk. */
  function bulkRaw(): Buffer {
    serial += 1;
    return Buffer.from(
      [
        'From: Boutique <news@shop.example>',
        'To: support@relais.test',
        `Subject: Promotions de mars ${serial}`,
        `Message-ID: <news-${serial}@shop.example>`,
        'List-Id: Promotions <promo.shop.example>',
        'List-Unsubscribe: <https://shop.example/unsubscribe>',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Soldes <b>-50 %</b></p><script>alert(4)</script><img src="https://shop.example/pixel.gif">',
        '',
      ].join('\r\n'),
    );
  }

  /** Bytes that are no mail: quarantined as unparseable. */
  function junkRaw(): Buffer {
    serial += 1;
    return Buffer.concat([Buffer.from([0x00, 0x01, 0xff, 0xfe]), Buffer.from(`garbage ${serial} ${XSS}\r\nsecond line\r\n\r\nbody`)]);
  }

  async function ingest(raw: Buffer): Promise<string> {
    await pipeline.ingest({ raw, source: 'smtp', mailbox: 'support@relais.test', envelopeFrom: 'bounce@sender.example', envelopeTo: ['support@relais.test'] });
    return idOf(raw);
  }

  /** The CSRF token of the form posting to `action` on the message's page. */
  async function formToken(agent: TestAgent, id: string, action: string): Promise<string> {
    const page = await agent.get(`/staff/inbound/${id}`).expect(200);
    const match = new RegExp(`action="/staff/inbound/${id}/${action}"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)"`).exec(page.text);
    if (!match?.[1]) throw new Error(`no ${action} form on the page`);
    return match[1];
  }

  const ids = { forged: '', bulk: '', junk: '', ordinary: '' };

  before(async () => {
    useMail(config);
    app = createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
    org = await buildOrg();
    pipeline = createInboundPipeline({ config, logger: silentLogger });
    ticket = await buildTicket(org, { member: { name: 'Sofie Claes', email: 'sofie.claes@example.be' }, subject: 'Fiche de paie' });
    ids.forged = await ingest(forgedRaw());
    ids.bulk = await ingest(bulkRaw());
    ids.junk = await ingest(junkRaw());
    ids.ordinary = await ingest(
      Buffer.from(
        [
          'From: Jan Peeters <jan.peeters@example.be>',
          'To: support@relais.test',
          'Subject: Attest',
          'Message-ID: <jan-1@example.be>',
          '',
          'Mag ik een attest?',
          '',
        ].join('\r\n'),
      ),
    );
    expect((await record(ids.forged)).outcome).to.include({ kind: 'quarantine', reason: 'forged_follow_up', relatedTicket: ticket.number });
    expect((await record(ids.bulk)).outcome).to.include({ kind: 'quarantine', reason: 'bulk' });
    expect((await record(ids.junk)).outcome).to.include({ kind: 'quarantine', reason: 'unparseable' });
    expect((await record(ids.ordinary)).outcome).to.include({ kind: 'new_ticket' });
    admin = await signedIn(app, org.staff.administrator.email);
  });

  describe('the list', () => {
    it('shows administrators the quarantine with each reason in words, and links to it from the top bar', async () => {
      const res = await admin.get('/staff/inbound').expect(200);
      expect(res.headers['cache-control']).to.equal('no-store');
      for (const id of [ids.forged, ids.bulk, ids.junk]) expect(res.text).to.include(`href="/staff/inbound/${id}"`);
      expect(res.text).not.to.include(`href="/staff/inbound/${ids.ordinary}"`);
      expect(res.text).to.include('data-reason="forged_follow_up">Réponse d’une autre adresse que celle du membre<');
      expect(res.text).to.include('data-reason="bulk">Liste de diffusion ou infolettre<');
      expect(res.text).to.include('data-reason="unparseable">Illisible<');
      expect(res.text).to.include('Mallory &lt;mallory@evil.example&gt;').and.include('SMTP · support@relais.test');
      // A message without a From header names the envelope's sender, said to be only that (QA: "(no sender)").
      expect(res.text).to.include('bounce@sender.example (enveloppe seulement)');
      // The hostile subject, escaped.
      expect(res.text).not.to.include('<script>alert(');
      expect(res.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt; Fiche de paie');
      expect(res.text).to.include('<a href="/staff/inbound" aria-current="page">Courrier reçu</a>');
      expect(res.text).to.match(/aria-current="page">En quarantaine <span class="count">\d+<\/span>/);
      // The English page says the same in English.
      const en = await admin.get('/staff/inbound?lang=en').expect(200);
      expect(en.text).to.include('Reply from an address not the member’s').and.include('Mailing list or newsletter').and.include('Unreadable');
      // The choice is remembered: back to French for the other tests.
      await admin.get('/staff/inbound?lang=fr').expect(200);
    });

    it('shows every recent message with what became of it, and the discarded ones apart', async () => {
      const all = await admin.get('/staff/inbound?show=all').expect(200);
      expect(all.text).to.include(`href="/staff/inbound/${ids.ordinary}"`).and.include(`href="/staff/inbound/${ids.forged}"`);
      const number = (await record(ids.ordinary)).outcome?.ticketNumber ?? 'none';
      expect(all.text).to.include(`Nouvelle demande ${number}`);
      expect(all.text).to.include('<span class="chip inbound-status-done">Traité</span>');
      expect(all.text).to.include('<span class="chip inbound-status-quarantined">En quarantaine</span>');
      const discarded = await admin.get('/staff/inbound?show=discarded').expect(200);
      expect(discarded.text).not.to.include(`href="/staff/inbound/${ids.forged}"`);
      // An unknown tab is the quarantine.
      const junk = await admin.get('/staff/inbound?show=nope').expect(200);
      expect(junk.text).to.include(`href="/staff/inbound/${ids.forged}"`).and.not.include(`href="/staff/inbound/${ids.ordinary}"`);
    });

    it('shows encoded subjects and senders decoded (RFC 2047), in the list and on the message page', async () => {
      serial += 1;
      const id = await ingest(
        Buffer.from(
          [
            'From: =?utf-8?q?=C3=89lodie_Mar=C3=A9chal?= <elodie.marechal@example.be>',
            'To: support@relais.test',
            `Subject: Infolettre de =?utf-8?q?d=C3=A9cembre_=3A_nos_nouveaut=C3=A9s?= ${serial}`,
            `Message-ID: <encoded-${serial}@example.be>`,
            'List-Id: Infolettre <news.example.be>',
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Bonjour',
            '',
          ].join('\r\n'),
        ),
      );
      expect((await record(id)).subject).to.equal(`Infolettre de décembre : nos nouveautés ${serial}`);
      const list = (await admin.get('/staff/inbound?show=all').expect(200)).text;
      expect(list).to.include(`Infolettre de décembre : nos nouveautés ${serial}`).and.include('Élodie Maréchal').and.not.include('=?utf-8?q?');
      const page = (await admin.get(`/staff/inbound/${id}`).expect(200)).text;
      expect(page).to.include(`Infolettre de décembre : nos nouveautés ${serial}`).and.not.include('?q?d=C3');
    });

    it('pages newest first with a cursor, every message once', async () => {
      const first = await listInboundPage({ filter: 'all', limit: 2 });
      expect(first.messages).to.have.length(2);
      expect(first.nextCursor).to.be.a('string');
      const rest = await listInboundPage({ filter: 'all', limit: 1000, before: first.nextCursor ?? '' });
      const seen = [...first.messages, ...rest.messages].map((m) => m._id);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen.length).to.equal(await InboundMailModel.countDocuments());
      const times = [...first.messages, ...rest.messages].map((m) => m.receivedAt.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      // A hand-edited cursor starts again from the newest.
      expect((await listInboundPage({ filter: 'all', limit: 2, before: 'garbage' })).messages.map((m) => m._id)).to.deep.equal(
        first.messages.map((m) => m._id),
      );
    });
  });

  describe('every delivery, copies and machine mail (issue 15)', () => {
    it('lists a copy as the same as the first (linked), flags a reused Message-ID, and names machine mail', async () => {
      const message = (subject: string, body: string) =>
        Buffer.from(
          [
            'From: Lotte Maes <lotte.maes@example.be>',
            'To: support@relais.test',
            `Subject: ${subject}`,
            'Date: Thu, 05 Mar 2026 08:00:00 +0100',
            'Message-ID: <always-the-same@example.be>',
            '',
            body,
            '',
          ].join('\r\n'),
        );
      const first = message('Adresse', 'Mijn nieuw adres is Kerkstraat 1.');
      const original = await ingest(first);
      await ingest(first);
      const copy = (await InboundMailModel.findOne({ sameAs: original }).lean<InboundMail>())?._id ?? 'none';
      expect(copy).to.match(/^[0-9a-f]{64}\.[0-9a-f]{24}$/);
      const other = await ingest(message('Rekening', 'Mijn nieuw rekeningnummer volgt.'));
      expect((await record(other)).reusesMessageIdOf).to.equal(original);
      const dsn = await ingest(
        Buffer.from(
          [
            'From: Mail Delivery System <MAILER-DAEMON@mx.example.be>',
            'To: support@relais.test',
            'Subject: Delayed Mail (still being retried)',
            'Message-ID: <delay-admin@mx.example.be>',
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
            '',
            '--b',
            'Content-Type: message/delivery-status',
            '',
            'Reporting-MTA: dns; mx.example.be',
            '',
            'Final-Recipient: rfc822; lotte.maes@example.be',
            'Action: delayed',
            'Status: 4.4.7',
            '--b--',
            '',
          ].join('\r\n'),
        ),
      );

      const all = await admin.get('/staff/inbound?show=all').expect(200);
      expect(all.text).to.include(`href="/staff/inbound/${copy}"`);
      expect(all.text).to.include(`<a class="inbound-same-as" href="/staff/inbound/${original}">Identique à un message déjà reçu</a>`);
      expect(all.text).to.include(`<a class="inbound-reused-id" href="/staff/inbound/${original}">Message-ID déjà utilisé par un autre message</a>`);
      expect(all.text).to.include(`href="/staff/inbound/${dsn}"`).and.include('Courrier automatique (rapport, avis)');
      const page = await admin.get(`/staff/inbound/${copy}`).expect(200);
      expect(page.text).to.include(`href="/staff/inbound/${original}"`).and.include('Mijn nieuw adres is Kerkstraat 1.');
      expect(page.text).not.to.include(`action="/staff/inbound/${copy}/force"`);
      const en = await admin.get(`/staff/inbound?show=all&lang=en`).expect(200);
      expect(en.text).to.include('Same as a message received before').and.include('Automatic mail (report, notice)');
      await admin.get('/staff/inbound?lang=fr').expect(200);

      const token = await login(app, org.staff.administrator.email);
      const api = await request(app).get(`/api/v1/inbound/${copy}`).set('Authorization', `Bearer ${token}`).expect(200);
      expect((api.body as { inbound: { sameAs: string; outcome: { kind: string } } }).inbound).to.deep.include({ sameAs: original });
      expect((await request(app).get(`/api/v1/inbound/${copy}/raw`).set('Authorization', `Bearer ${token}`).expect(200)).text).to.include('Kerkstraat');
      // Anyone else: the same 403 for a copy's id.
      const advisor = await signedIn(app, org.staff.advisorLiege.email);
      expect((await advisor.get(`/staff/inbound/${copy}`)).status).to.equal(403);
      const advisorToken = await login(app, org.staff.advisorLiege.email);
      expect((await request(app).get(`/api/v1/inbound/${copy}`).set('Authorization', `Bearer ${advisorToken}`)).status).to.equal(403);
    });
  });

  describe('who may see it', () => {
    for (const who of ['advisorLiege', 'supervisorLiege'] as const) {
      it(`refuses a${who === 'advisorLiege' ? 'n advisor' : ' supervisor'} on every page, form and API route (403), and hides the link`, async () => {
        const agent = await signedIn(app, org.staff[who].email);
        const queue = await agent.get('/staff/queue').expect(200);
        expect(queue.text).not.to.include('href="/staff/inbound"');
        for (const path of ['/staff/inbound', `/staff/inbound/${ids.forged}`, `/staff/inbound/${ids.bulk}/html`, `/staff/inbound/${ids.forged}/raw`]) {
          const res = await agent.get(path);
          expect(res.status, path).to.equal(403);
          expect(res.text, path).to.include('Réservé aux administrateur·rices');
          expect(res.text, path).not.to.include('mallory');
          expect(res.text, path).not.to.include('Bonjour, voici ma réponse');
        }
        const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(queue.text)?.[1] ?? '';
        expect(csrf).not.to.equal('');
        for (const action of ['reprocess', 'force', 'discard']) {
          const post = await agent.post(`/staff/inbound/${ids.forged}/${action}`).type('form').send({ _csrf: csrf, note: 'non' });
          expect(post.status, action).to.equal(403);
        }
        const token = await login(app, org.staff[who].email);
        for (const [method, path] of [
          ['get', '/api/v1/inbound'],
          ['get', `/api/v1/inbound/${ids.forged}`],
          ['get', `/api/v1/inbound/${ids.forged}/raw`],
          ['post', `/api/v1/inbound/${ids.forged}/force`],
          ['post', `/api/v1/inbound/${ids.forged}/discard`],
        ] as const) {
          const res = await request(app)[method](path).set('Authorization', `Bearer ${token}`);
          expect(res.status, path).to.equal(403);
          expect((res.body as { error: { code: string } }).error.code, path).to.equal('forbidden');
        }
        expect((await record(ids.forged)).status).to.equal('quarantined');
        expect((await record(ids.forged)).history.every((h) => !h.by?.includes(org.staff[who].email))).to.equal(true);
      });
    }

    it('sends someone not signed in to the sign-in form (pages) or answers 401 (forms, API)', async () => {
      for (const path of ['/staff/inbound', `/staff/inbound/${ids.forged}`, `/staff/inbound/${ids.forged}/raw`]) {
        const res = await request(app).get(path);
        expect(res.status, path).to.equal(303);
        expect(res.headers.location, path).to.equal(`/staff/login?next=${encodeURIComponent(path)}`);
      }
      expect((await request(app).post(`/staff/inbound/${ids.forged}/force`).type('form').send({})).status).to.equal(401);
      expect((await request(app).get('/api/v1/inbound')).status).to.equal(401);
      expect((await request(app).post(`/api/v1/inbound/${ids.forged}/force`)).status).to.equal(401);
      expect((await record(ids.forged)).status).to.equal('quarantined');
    });
  });

  describe('one message', () => {
    it('shows the headers, the text, the attachments, the outcome and the history, escaped', async () => {
      const res = await admin.get(`/staff/inbound/${ids.forged}`).expect(200);
      expect(res.text).not.to.include('<script>alert(');
      expect(res.text).to.include(`<h1 class="mail-subject" id="mail-subject">Re: [${ticket.number}] &lt;script&gt;alert(1)&lt;/script&gt; Fiche de paie</h1>`);
      expect(res.text).to.match(/De \(From\)<\/dt><dd>(&quot;)?Mallory(&quot;)? &lt;mallory@evil\.example&gt;<\/dd>/);
      expect(res.text).to.include(`support+${replyToken(config, ticket.number)}@relais.test`);
      expect(res.text).to.match(/Copie \(Cc\)<\/dt><dd>(&quot;)?Eve(&quot;)? &lt;eve@evil\.example&gt;/);
      expect(res.text).to.include('&lt;forged-1@evil.example&gt;');
      expect(res.text).to.include('mx.relais.test; spf&#x3D;pass smtp.mailfrom&#x3D;evil.example');
      // Absent headers are a dash.
      expect(res.text).to.match(/In-Reply-To\)<\/dt><dd><span class="muted">—<\/span>/);
      expect(res.text).to.include('<pre class="mail-text" tabindex="0">Bonjour, voici ma réponse &lt;script&gt;alert(1)&lt;/script&gt;.');
      expect(res.text).to.include('<span class="inbound-file-name">fiche.pdf</span>').and.include('application/pdf · 15\u00a0octets');
      expect(res.text).to.include('Réponse d’une autre adresse que celle du membre').and.include(`whose member is someone else`);
      expect(res.text).to.match(new RegExp(`Demande citée</dt><dd>${ticket.number}</dd>`));
      expect(res.text).to.include('SMTP · support@relais.test').and.include('bounce@sender.example');
      expect(res.text).to.include(ids.forged);
      expect(res.text)
        .to.include('<span class="inbound-history-action">Reçu</span>')
        .and.include('<span class="inbound-history-action">Mis en quarantaine</span>');
      for (const action of ['reprocess', 'force', 'discard']) expect(res.text).to.include(`action="/staff/inbound/${ids.forged}/${action}"`);
      expect(res.text).to.include(`<a href="/staff/inbound/${ids.forged}/raw" download>`);
      expect(res.text).not.to.include('<iframe');
    });

    it('says each reason, its explanation, reading notes and history in the page’s language; the technical detail stays, labelled as such', async () => {
      // Its own session: `?lang=` is remembered, and the other cases read French.
      const reader = await signedIn(app, org.staff.administrator.email);
      for (const lang of ['fr', 'nl', 'en'] as const) {
        const t = translator(lang);
        const forged = (await reader.get(`/staff/inbound/${ids.forged}?lang=${lang}`).expect(200)).text;
        expect(forged).to.include(escapeHtml(t('inboundAdmin.reason.forged_follow_up')));
        expect(forged).to.include(escapeHtml(t('inboundAdmin.explain.forged_follow_up')));
        // The pipeline's own words, kept and marked as technical and in English.
        expect(forged).to.include(escapeHtml(t('inboundAdmin.fact.detail')));
        expect(forged).to.match(/<dd lang="en"[^>]*>[^<]*whose member is someone else/);
        // The history says what became of it in words, not "quarantine · forged_follow_up".
        expect(forged).to.not.include('quarantine · forged_follow_up');
        expect(forged).to.include(escapeHtml(t('inboundAdmin.reason.forged_follow_up')));

        const bulk = (await reader.get(`/staff/inbound/${ids.bulk}?lang=${lang}`).expect(200)).text;
        expect(bulk).to.include(escapeHtml(t('inboundAdmin.explain.bulk')));
        // A newsletter has no Date header: the reading note in words, not a code.
        expect(bulk).to.include(escapeHtml(t('inboundAdmin.warning.missing_date')));
        expect(bulk).to.not.include('<code>missing_date</code>');

        const junk = (await reader.get(`/staff/inbound/${ids.junk}?lang=${lang}`).expect(200)).text;
        expect(junk).to.include(escapeHtml(t('inboundAdmin.explain.unparseable')));
        expect(junk).to.include(escapeHtml(t('inboundAdmin.message.unparsed', { reason: t('inboundAdmin.reason.unparseable') })));
        expect(junk).to.match(/<code lang="en">the message does not start with a header<\/code>/);
      }
      const fr = (await reader.get(`/staff/inbound/${ids.forged}?lang=fr`).expect(200)).text;
      expect(fr).to.include('Détail technique (en anglais, tel qu’enregistré)');
      // The authentication evaluator's English summary: on its own line, labelled, never inside the French verdict.
      const summary = (await record(ids.forged)).authentication?.summary ?? '';
      expect(summary).to.not.equal('');
      expect(fr).to.include(`Authentification : détail technique (en anglais)</dt><dd lang="en">${escapeHtml(summary)}</dd>`);
      expect(fr).to.not.include(`· ${escapeHtml(summary)}`);
      const nl = (await reader.get(`/staff/inbound/${ids.junk}?lang=nl`).expect(200)).text;
      expect(nl).to.include('Dit bericht kon niet gelezen worden (Onleesbaar).');
    });

    it('shows the start of the raw header block of bytes that do not parse, as text', async () => {
      const res = await admin.get(`/staff/inbound/${ids.junk}`).expect(200);
      expect(res.text).to.include('Ce message n’a pas pu être lu (Illisible).');
      expect(res.text).to.match(
        /<pre class="mail-text inbound-raw-headers"[^>]*>\uFFFD\uFFFD\uFFFD\uFFFDgarbage \d+ &lt;script&gt;alert\(1\)&lt;\/script&gt;\nsecond line<\/pre>/,
      );
      expect(res.text).not.to.include('<script>alert(');
      expect(res.text).not.to.include('id="text-title"');
      // Bounded: 200 lines at most, control characters replaced.
      const block = rawHeaderBlock(Buffer.from(`${Array.from({ length: 300 }, (_, i) => `X-Line-${i}: \u0007v`).join('\r\n')}\r\n\r\nbody`));
      expect(block.split('\n')).to.have.length(201);
      expect(block).not.to.include('\u0007');
      expect(block.split('\n').at(-1)).to.equal('…');
    });

    it('shows the cleaned HTML in a sandboxed frame, served alone under a locked-down CSP', async () => {
      const page = await admin.get(`/staff/inbound/${ids.bulk}`).expect(200);
      expect(page.text).to.include(`<iframe class="mail-html" src="/staff/inbound/${ids.bulk}/html" sandbox=""`);
      expect(page.text).to.match(/Liste \(List-Id\)<\/dt><dd>Promotions &lt;promo\.shop\.example&gt;/);
      const html = await admin.get(`/staff/inbound/${ids.bulk}/html`).expect(200);
      expect(html.headers['content-security-policy']).to.equal(caughtHtmlCsp);
      expect(html.headers['x-content-type-options']).to.equal('nosniff');
      expect(html.text).to.include('-50 %');
      expect(html.text).not.to.include('<script').and.not.include('https://shop.example/pixel.gif');
      expect((await admin.get(`/staff/inbound/${ids.forged}/html`)).status).to.equal(404);
    });

    it('downloads the raw bytes as they came: an .eml attachment, never sniffed', async () => {
      const res = await admin.get(`/staff/inbound/${ids.junk}/raw`).buffer(true).parse(asBytes);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^message\/rfc822/);
      expect(res.headers['content-disposition']).to.equal(`attachment; filename="message-${ids.junk.slice(0, 12)}.eml"`);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(idOf(res.body as Buffer)).to.equal(ids.junk);
    });

    it('answers 404 for a message that does not exist or an id that is not one', async () => {
      for (const id of ['0'.repeat(64), 'nope', '..%2F..%2Fetc', ids.forged.toUpperCase()]) {
        expect((await admin.get(`/staff/inbound/${id}`)).status, id).to.equal(404);
        expect((await admin.get(`/staff/inbound/${id}/raw`)).status, id).to.equal(404);
      }
    });

    it('reads a message again from its bytes: headers, whole text, attachment sizes', async () => {
      const reading = await readInboundMessage(forgedRaw('Plain'));
      expect(reading.parseFailure).to.equal(null);
      expect(reading.headers.find((h) => h.key === 'subject')?.value).to.equal('Plain');
      expect(reading.headers.find((h) => h.key === 'list_id')).to.equal(undefined);
      expect(reading.text).to.include('Bonjour, voici ma réponse');
      expect(reading.attachments).to.deep.equal([{ filename: 'fiche.pdf', contentType: 'application/pdf', size: 15, inline: false }]);
    });
  });

  describe('decisions', () => {
    it('refuses a form without its CSRF token, and changes nothing', async () => {
      const id = await ingest(forgedRaw());
      for (const action of ['reprocess', 'force', 'discard']) {
        expect((await admin.post(`/staff/inbound/${id}/${action}`).type('form').send({ note: 'x' })).status, action).to.equal(403);
        expect((await admin.post(`/staff/inbound/${id}/${action}`).type('form').send({ _csrf: 'not-the-token', note: 'x' })).status, action).to.equal(403);
      }
      const after = await record(id);
      expect(after.status).to.equal('quarantined');
      expect(after.history.map((h) => h.action)).to.deep.equal(['received', 'quarantined']);
    });

    it('reprocess: the rules again; a forged follow-up stays in quarantine, with a new history line naming who asked', async () => {
      const id = await ingest(forgedRaw());
      const res = await admin
        .post(`/staff/inbound/${id}/reprocess`)
        .type('form')
        .send({ _csrf: await formToken(admin, id, 'reprocess') });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/staff/inbound/${id}?done=1`);
      const after = await record(id);
      expect(after.status).to.equal('quarantined');
      expect(after.outcome?.reason).to.equal('forged_follow_up');
      expect(after.history).to.have.length(3);
      expect(after.history[2]).to.include({ action: 'quarantined', by: `Thomas Lejeune <${org.staff.administrator.email}>` });
      const page = await admin.get(res.headers.location ?? '').expect(200);
      expect(page.text).to.include(
        '<p class="notice notice-info" role="status">Le message reste en quarantaine : Réponse d’une autre adresse que celle du membre.</p>',
      );
      expect(page.text).to.include(
        '<span class="inbound-history-action">Relancé, reste en quarantaine</span> <span class="inbound-history-by">Thomas Lejeune &lt;',
      );
    });

    it('create a ticket anyway: a ticket in the sender’s name, the record done, "forced by" in its history; nothing more to decide', async () => {
      const id = await ingest(forgedRaw());
      const tickets = await TicketModel.countDocuments();
      const res = await admin
        .post(`/staff/inbound/${id}/force`)
        .type('form')
        .send({ _csrf: await formToken(admin, id, 'force') });
      expect(res.status).to.equal(303);
      const after = await record(id);
      expect(after.status).to.equal('done');
      expect(after.outcome).to.include({ kind: 'new_ticket', reason: 'forced' });
      const number = after.outcome?.ticketNumber ?? '';
      expect(number).to.match(/^R-\d{4}-\d{6}$/);
      expect(await TicketModel.countDocuments()).to.equal(tickets + 1);
      const created = await TicketModel.findOne({ number }).lean();
      expect(created?.channel).to.equal('email');
      expect(after.history.at(-1)).to.include({ action: 'forced', by: `Thomas Lejeune <${org.staff.administrator.email}>` });

      const page = await admin.get(res.headers.location ?? '').expect(200);
      expect(page.text).to.include(`Le message est devenu la demande ${number}.`);
      expect(page.text).to.include('<span class="inbound-history-action">Demande créée malgré tout</span>');
      expect(page.text).not.to.include(`action="/staff/inbound/${id}/force"`);
      expect(page.text).to.include('Ce message a été traité : il n’y a rien à décider.');

      // Another tab still showing the form: nothing happens twice, and the page says so.
      const again = await admin
        .post(`/staff/inbound/${id}/force`)
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf') });
      expect(again.headers.location).to.equal(`/staff/inbound/${id}?error=conflict`);
      expect(await TicketModel.countDocuments()).to.equal(tickets + 1);
      const conflict = await admin.get(again.headers.location ?? '').expect(200);
      expect(conflict.text).to.include('Quelqu’un a déjà décidé : le message est maintenant « Traité ».');
    });

    it('discard: needs a note, records it with who decided, and the message moves to the discarded tab', async () => {
      const id = await ingest(bulkRaw());
      const csrf = await formToken(admin, id, 'discard');
      const empty = await admin.post(`/staff/inbound/${id}/discard`).type('form').send({ _csrf: csrf, note: '   ' });
      expect(empty.status).to.equal(303);
      expect(empty.headers.location).to.equal(`/staff/inbound/${id}?error=note#discard`);
      expect((await record(id)).status).to.equal('quarantined');
      const asked = await admin.get(`/staff/inbound/${id}?error=note`).expect(200);
      expect(asked.text).to.include('<p class="field-error" id="discard-note-error">Écrivez en quelques mots pourquoi ce message est écarté.</p>');
      expect(asked.text).to.include('aria-describedby="discard-note-error"');

      const note = `Publicité, pas une demande ${XSS}`;
      const res = await admin.post(`/staff/inbound/${id}/discard`).type('form').send({ _csrf: csrf, note });
      expect(res.status).to.equal(303);
      const after = await record(id);
      expect(after.status).to.equal('discarded');
      expect(after.outcome).to.include({ kind: 'discarded', reason: note });
      expect(after.history.at(-1)).to.include({ action: 'discarded', by: `Thomas Lejeune <${org.staff.administrator.email}>`, note });
      const page = await admin.get(res.headers.location ?? '').expect(200);
      expect(page.text).to.include('Le message est écarté ; votre note figure dans son historique.');
      expect(page.text).to.include('<span class="inbound-history-note">Publicité, pas une demande &lt;script&gt;alert(1)&lt;/script&gt;</span>');
      // Discarded, it can still be brought back, but not discarded twice.
      expect(page.text)
        .to.include(`action="/staff/inbound/${id}/reprocess"`)
        .and.include(`action="/staff/inbound/${id}/force"`)
        .and.not.include(`action="/staff/inbound/${id}/discard"`);
      const tab = await admin.get('/staff/inbound?show=discarded').expect(200);
      expect(tab.text).to.include(`href="/staff/inbound/${id}"`);
      const quarantine = await admin.get('/staff/inbound').expect(200);
      expect(quarantine.text).not.to.include(`href="/staff/inbound/${id}"`);
    });

    it('forcing bytes that do not parse keeps them in quarantine, and says so', async () => {
      const id = await ingest(junkRaw());
      const res = await admin
        .post(`/staff/inbound/${id}/force`)
        .type('form')
        .send({ _csrf: await formToken(admin, id, 'force') });
      expect(res.status).to.equal(303);
      const after = await record(id);
      expect(after.status).to.equal('quarantined');
      expect(after.history.at(-1)).to.include({ action: 'forced' });
      const page = await admin.get(res.headers.location ?? '').expect(200);
      expect(page.text).to.include('Le message reste en quarantaine : Illisible.');
    });
  });

  describe('the API', () => {
    let token = '';
    before(async () => {
      token = await login(app, org.staff.administrator.email);
    });
    const api = (method: 'get' | 'post', path: string) => request(app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`);

    it('lists and reads received messages', async () => {
      const list = await api('get', '/inbound').expect(200);
      const body = list.body as {
        messages: { id: string; status: string; outcome: { reason: string } | null; allowedActions: string[] }[];
        nextCursor: string | null;
      };
      expect(body.messages.every((m) => m.status === 'quarantined')).to.equal(true);
      const forged = body.messages.find((m) => m.id === ids.forged);
      expect(forged?.outcome?.reason).to.equal('forged_follow_up');
      expect(forged?.allowedActions).to.deep.equal(['reprocess', 'attach', 'force', 'discard']);
      const all = (await api('get', '/inbound?show=all').expect(200)).body as typeof body;
      expect(all.messages.map((m) => m.id)).to.include(ids.ordinary);
      expect((await api('get', '/inbound?show=everything')).status).to.equal(400);

      const one = (await api('get', `/inbound/${ids.forged}`).expect(200)).body as {
        inbound: { id: string; history: { action: string }[] };
        content: { headers: { key: string; value: string | null }[]; text: string; attachments: { filename: string }[]; hasHtml: boolean };
      };
      expect(one.inbound.id).to.equal(ids.forged);
      expect(one.content.headers.find((h) => h.key === 'from')?.value).to.match(/^"?Mallory"? <mallory@evil\.example>$/);
      expect(one.content.text).to.include(XSS);
      expect(one.content.attachments.map((a) => a.filename)).to.deep.equal(['fiche.pdf']);
      expect(one.content.hasHtml).to.equal(false);
      const junk = (await api('get', `/inbound/${ids.junk}`).expect(200)).body as { content: { parseFailure: { reason: string }; rawHeaderBlock: string } };
      expect(junk.content.parseFailure.reason).to.equal('unparseable');
      expect(junk.content.rawHeaderBlock).to.include('garbage');

      const raw = await api('get', `/inbound/${ids.forged}/raw`).buffer(true).parse(asBytes);
      expect(raw.status).to.equal(200);
      expect(raw.headers['content-type']).to.match(/^message\/rfc822/);
      expect(raw.headers['content-disposition']).to.match(/^attachment; filename="message-[0-9a-f]{12}\.eml"$/);
      expect(idOf(raw.body as Buffer)).to.equal(ids.forged);
      for (const id of ['0'.repeat(64), 'nope']) expect((await api('get', `/inbound/${id}`)).status, id).to.equal(404);
    });

    it('decides: reprocess (still quarantined), discard (400 without a note), force (a ticket; then 409)', async () => {
      const id = await ingest(forgedRaw());
      const again = (await api('post', `/inbound/${id}/reprocess`).expect(200)).body as {
        inbound: { status: string; history: { action: string; by: string }[] };
        outcome: { kind: string };
      };
      expect(again.outcome.kind).to.equal('quarantine');
      expect(again.inbound.status).to.equal('quarantined');
      expect(again.inbound.history.at(-1)).to.include({ action: 'quarantined', by: `Thomas Lejeune <${org.staff.administrator.email}>` });
      const noNote = await api('post', `/inbound/${id}/discard`).send({});
      expect(noNote.status).to.equal(400);
      expect((noNote.body as { error: { fields: { path: string }[] } }).error.fields[0]?.path).to.equal('note');
      const forced = (await api('post', `/inbound/${id}/force`).expect(200)).body as {
        inbound: { status: string; allowedActions: string[] };
        outcome: { kind: string; ticketNumber: string };
      };
      expect(forced.outcome.kind).to.equal('new_ticket');
      expect(forced.inbound).to.deep.include({ status: 'done', allowedActions: [] });
      const twice = await api('post', `/inbound/${id}/discard`).send({ note: 'trop tard' });
      expect(twice.status).to.equal(409);
      expect((twice.body as { error: { inbound: { status: string } } }).error.inbound.status).to.equal('done');
    });
  });
});
