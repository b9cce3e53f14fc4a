/**
 * The staff pages over real HTTP on a real database: sign-in form (CSRF, errors in
 * the page's language, rate limit, coming back where one was), pages behind a
 * session, object-level authorization on the ticket page, notes shown as notes,
 * escaping, the three languages, the board, sign-out, and the page's JSON parts.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import type { LoginRateLimits } from '../../server/auth/auth.routes.js';
import { createLoginThrottle } from '../../server/auth/login-throttle.js';
import type { Config } from '../../server/config.js';
import type { MailProof } from '../../server/tickets/message.model.js';
import { memberReply } from '../../server/tickets/member.commands.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { addNote, claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { clientStringKeys } from '../../server/web/pages/client-strings.js';
import { safeNext } from '../../server/web/pages/page-auth.js';
import { translator, locales } from '../../server/lib/i18n.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, testPassword, type Org } from '../helpers/factories.js';
import { useMail } from '../helpers/enrichers.js';
import { boardRowsPerTier, rowShares } from '../../server/web/pages/board.query.js';
import { readableWork } from '../../server/tickets/ticket-list.queries.js';

const roomy: Partial<LoginRateLimits> = {
  perIp: { limit: 100_000, windowMs: 60_000 },
  perAccount: { limit: 1000, windowMs: 60_000 },
  // Several wrong passwords in a row from one address are part of some tests here: no delay between them.
  perPair: { freeFailures: 1000, firstDelayMs: 1000, maxDelayMs: 1000, windowMs: 60_000 },
};

let stillClocks = 0;

/**
 * The real app (it mounts the staff pages), with login limits chosen by the test. An app given limits
 * to test counts on a still clock of its own (a distinct hour): the counters are in the database the
 * whole file shares, and it should count from zero.
 */
async function pagesApp(config: Config, rateLimits?: Partial<LoginRateLimits>): Promise<Express> {
  useMail(config);
  if (!rateLimits) return createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
  stillClocks += 1;
  const still = Date.UTC(2026, 0, 1) + stillClocks * 3_600_000;
  return createApp({ config, logger: silentLogger, api: { auth: { throttle: createLoginThrottle(rateLimits, () => still) } } });
}

function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

function meta(html: string, name: string): string {
  const match = new RegExp(`<meta name="${name}" content="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} meta in the page`);
  return match[1];
}

/** Signs in through the form, as a browser does; the agent keeps the cookies. */
async function signIn(agent: TestAgent, email: string, next?: string): Promise<request.Response> {
  const form = await agent.get(`/staff/login${next ? `?next=${encodeURIComponent(next)}` : ''}`).expect(200);
  return agent
    .post('/staff/login')
    .type('form')
    .send({ _csrf: hidden(form.text, '_csrf'), email, password: testPassword, ...(next ? { next } : {}) });
}

async function signedIn(app: Express, email: string): Promise<TestAgent> {
  const agent = request.agent(app);
  const res = await signIn(agent, email);
  expect(res.status, res.text).to.equal(303);
  return agent;
}

describe('Staff pages (HTML, real database)', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;
  let liegeTicket: Ticket;
  let charleroiTicket: Ticket;

  before(async () => {
    app = await pagesApp(config);
    org = await buildOrg();
    liegeTicket = await buildTicket(org, { subject: 'Attestation de revenus 2025', category: 'contracts', language: 'fr' });
    charleroiTicket = await buildTicket(org, {
      actor: org.staff.advisorCharleroi,
      office: org.offices.charleroi,
      subject: 'Factuur van maart ontbreekt',
      language: 'nl',
      category: 'invoices',
    });
  });

  describe('sign-in', () => {
    it('shows the form in French by default, with a CSRF token and no inline script or style', async () => {
      const res = await request(app).get('/staff/login').expect(200);
      expect(res.text).to.include('<html lang="fr">').and.include('Se connecter').and.include('name="_csrf"');
      expect(res.headers['cache-control']).to.equal('no-store');
      expectNoInlineCode(res.text);
    });

    it('signs in with the form and goes back to where the person was going', async () => {
      const agent = request.agent(app);
      const target = `/staff/tickets/${String(liegeTicket._id)}`;
      const res = await signIn(agent, org.staff.advisorLiege.email, target);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(target);
      const page = await agent.get(target).expect(200);
      expect(page.text).to.include('Attestation de revenus 2025').and.include('Julie Lambert');
    });

    it('never sends anyone to another site after signing in', () => {
      expect(safeNext('https://evil.example/staff')).to.equal(undefined);
      expect(safeNext('//evil.example/staff')).to.equal(undefined);
      expect(safeNext('/staff/\\evil.example')).to.equal(undefined);
      expect(safeNext('/staff//evil.example')).to.equal(undefined);
      expect(safeNext('/staffing')).to.equal(undefined);
      expect(safeNext('/staff/login?next=/staff')).to.equal(undefined);
      expect(safeNext('/staff/queue?status=open')).to.equal('/staff/queue?status=open');
    });

    it('shows a wrong password as an error in the page language, keeping the email', async () => {
      for (const [lang, text] of [
        ['fr', 'Adresse e-mail ou mot de passe incorrect.'],
        ['nl', 'Onjuist e-mailadres of wachtwoord.'],
        ['en', 'The email address or password is not correct.'],
      ] as const) {
        const agent = request.agent(app);
        const form = await agent.get(`/staff/login?lang=${lang}`).expect(200);
        const res = await agent
          .post('/staff/login')
          .type('form')
          .send({ _csrf: hidden(form.text, '_csrf'), email: org.staff.advisorLiege.email, password: 'not the password' });
        expect(res.status).to.equal(401);
        expect(res.text).to.include(`<html lang="${lang}">`).and.include(text).and.include(`value="${org.staff.advisorLiege.email}"`);
        expect(res.headers['set-cookie']?.toString() ?? '').not.to.include('relais_at=ey');
      }
    });

    it('refuses a form posted without its CSRF token (login CSRF)', async () => {
      const res = await request(app).post('/staff/login').type('form').send({ email: org.staff.advisorLiege.email, password: testPassword });
      expect(res.status).to.equal(403);
      expect(res.text).to.include('Le formulaire a expiré');
      expect(String(res.headers['set-cookie'] ?? '')).not.to.match(/relais_at=[^;]/);
    });

    it('counts failed form sign-ins against the same limits as the API', async () => {
      const limited = await pagesApp(testConfig(), { perIp: { limit: 100, windowMs: 60_000 }, perAccount: { limit: 2, windowMs: 60_000 } });
      const agent = request.agent(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const form = await agent.get('/staff/login').expect(200);
        const res = await agent
          .post('/staff/login')
          .type('form')
          .send({ _csrf: hidden(form.text, '_csrf'), email: org.staff.advisorLiege.email, password: 'wrong' });
        statuses.push(res.status);
        if (res.status === 429) expect(res.text).to.include('Trop de tentatives échouées');
      }
      expect(statuses).to.deep.equal([401, 401, 429]);
    });

    it('counts API and form failures together: one through each uses up a limit of two', async () => {
      const limited = await pagesApp(testConfig(), { perIp: { limit: 100, windowMs: 60_000 }, perAccount: { limit: 2, windowMs: 60_000 } });
      const email = org.staff.advisorLiege2.email;
      await request(limited).post('/api/v1/auth/login').send({ email, password: 'wrong' }).expect(401);
      const agent = request.agent(limited);
      let form = await agent.get('/staff/login').expect(200);
      await agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: hidden(form.text, '_csrf'), email, password: 'wrong' })
        .expect(401);
      form = await agent.get('/staff/login').expect(200);
      await agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: hidden(form.text, '_csrf'), email, password: 'wrong' })
        .expect(429);
      await request(limited).post('/api/v1/auth/login').send({ email, password: testPassword }).expect(429);
    });
  });

  describe('pages behind a session', () => {
    it('redirects to the sign-in form, remembering the page', async () => {
      for (const path of ['/staff/queue', '/staff/board', `/staff/tickets/${String(liegeTicket._id)}`, '/staff']) {
        const res = await request(app).get(path).expect(303);
        expect(res.headers.location).to.equal(`/staff/login?next=${encodeURIComponent(path)}`);
      }
      await request(app).get('/staff/queue/snapshot').set('Accept', 'application/json').expect(401);
    });

    it('says the session expired when the cookies are refused, and brings the person back after signing in', async () => {
      const res = await request(app)
        .get('/staff/queue?status=open')
        .set('Cookie', ['relais_at=expired.token.here', 'relais_rt=000000000000000000000000.nope'])
        .expect(303);
      expect(res.headers.location).to.equal(`/staff/login?next=${encodeURIComponent('/staff/queue?status=open')}&expired=1`);
      const form = await request(app)
        .get(res.headers.location ?? '')
        .expect(200);
      expect(form.text).to.include('Votre session a pris fin').and.include(`name="next" value="/staff/queue?status&#x3D;open"`); // Handlebars escapes "="
    });

    it('sends a signed-in person away from the sign-in form', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/login').expect(303);
      expect(res.headers.location).to.equal('/staff/queue');
    });
  });

  describe('the queue', () => {
    it('lists the tickets of my office with faceted counts, and not another office’s', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/queue').expect(200);
      expect(res.text).to.include('Attestation de revenus 2025').and.not.include('Factuur van maart ontbreekt');
      expect(res.text).to.match(/data-count-key="status:new">\d+</);
      expect(res.text).to.include('Julie Lambert').and.include('Conseiller·e');
      expect(res.text).to.include('<meta name="csrf-token"');
      // Tier-1 advisors work one office: no office filter.
      expect(res.text).not.to.include('data-count-key="office:');
      expectNoInlineCode(res.text);
    });

    it('filters by language and keeps counts for the other values', async () => {
      await buildTicket(org, { subject: 'Question in English about my payslip', language: 'en' });
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/queue?language=en').expect(200);
      expect(res.text).to.include('Question in English about my payslip').and.not.include('Attestation de revenus 2025');
      expect(res.text).to.match(/data-count-key="language:fr">[1-9]\d*</);
      expect(res.text).to.match(/data-count-key="language:en">1</);
    });

    it('gives the script the same rows and counts as JSON (live refresh)', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/queue/snapshot').set('Accept', 'application/json').expect(200);
      const body = res.body as { rowsHtml: string; counts: Record<string, number>; total: number };
      expect(body.rowsHtml).to.include(`data-key="${String(liegeTicket._id)}"`);
      expect(body.counts['view:all']).to.equal(body.total);
    });

    it('sends the live refresh only the rows the page does not show yet, with the order of all (known)', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      type Snapshot = { rowsHtml: string; order?: Array<[string, number]> };
      const snapshot = async (known?: string) =>
        (
          await agent
            .get('/staff/queue/snapshot')
            .query(known === undefined ? {} : { known })
            .expect(200)
        ).body as Snapshot;
      const shown = (html: string) =>
        [...html.matchAll(/data-key="([0-9a-f]{24})" data-version="(\d+)"/g)].map((m) => `${(m[1] ?? '').slice(-12)}.${m[2] ?? ''}`);
      const whole = await snapshot();
      expect(whole.order).to.equal(undefined);
      const tokens = shown(whole.rowsHtml);
      expect(tokens.length).to.be.at.least(2);
      // Everything shown already: no row is sent, the order names them all.
      const same = await snapshot(tokens.join(','));
      expect(same.rowsHtml).to.equal('');
      expect(same.order?.map(([key, version]) => `${key.slice(-12)}.${version}`)).to.deep.equal(tokens);
      // A new ticket and a claimed one are sent; the others are not.
      const fresh = await buildTicket(org, { subject: 'Nouvelle demande pour le rafraîchissement' });
      const claimed = await buildTicket(org, { subject: 'Demande prise entre deux rafraîchissements' });
      const before = shown((await snapshot()).rowsHtml);
      await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(claimed._id), version: claimed.version });
      const next = await snapshot(before.filter((t) => !t.startsWith(String(fresh._id).slice(-12))).join(','));
      expect(next.rowsHtml)
        .to.include(`data-key="${String(fresh._id)}"`)
        .and.include(`data-key="${String(claimed._id)}"`);
      expect(shown(next.rowsHtml)).to.have.length(2);
      expect(next.order?.map(([key]) => key)).to.include.members([String(fresh._id), String(claimed._id), String(liegeTicket._id)]);
      // A malformed list is no list of rows shown: every row is sent.
      expect(shown((await snapshot('<script>,1.2,' + 'x'.repeat(30))).rowsHtml)).to.have.length(next.order?.length ?? -1);
    });
  });

  describe('the ticket page', () => {
    it('answers 404 to an advisor of Charleroi on a Liège ticket, revealing nothing', async () => {
      const agent = await signedIn(app, org.staff.advisorCharleroi.email);
      const res = await agent.get(`/staff/tickets/${String(liegeTicket._id)}`).expect(404);
      expect(res.text).to.include('Ticket introuvable').and.not.include('Attestation de revenus 2025');
      await agent
        .get(`/staff/tickets/${String(liegeTicket._id)}/parts`)
        .set('Accept', 'application/json')
        .expect(404);
      await agent.get(`/staff/tickets/${String(charleroiTicket._id)}`).expect(200);
      await agent.get('/staff/tickets/not-an-id').expect(404);
    });

    it('shows internal notes as notes, apart from public replies', async () => {
      const t = await buildTicket(org, { subject: 'Note et réponse' });
      const actor = org.staff.advisorLiege;
      let v = (await claimTicket({ actor, ticketId: String(t._id), version: t.version })).version;
      v = (await addNote({ actor, ticketId: String(t._id), version: v, text: 'Vérifié le précompte : écart de 120 €.' })).version;
      await replyToTicket({ actor, ticketId: String(t._id), version: v, text: 'Bonjour, nous corrigeons votre fiche.' });
      const agent = await signedIn(app, actor.email);
      const res = await agent.get(`/staff/tickets/${String(t._id)}`).expect(200);
      const note = /<li class="msg msg-note"[\s\S]*?<\/li>/.exec(res.text)?.[0] ?? '';
      expect(note).to.include('Note interne').and.include('Vérifié le précompte : écart de 120 €.');
      const reply = /<li class="msg msg-reply"[\s\S]*?<\/li>/.exec(res.text)?.[0] ?? '';
      expect(reply).to.include('Réponse publique').and.include('nous corrigeons votre fiche').and.not.include('Note interne');
      expect(/<li class="msg msg-member"[\s\S]*?<\/li>/.exec(res.text)?.[0] ?? '').to.include('ne correspond pas');
      expectNoInlineCode(res.text);
    });

    it('shows the trail and why the ticket is here, with the handoff, and only allowed actions', async () => {
      const t = await buildTicket(org, { subject: 'Escalade avec passation' });
      const advisor = org.staff.advisorLiege;
      const claimed = await claimTicket({ actor: advisor, ticketId: String(t._id), version: t.version });
      await escalateTicket({
        actor: advisor,
        ticketId: String(t._id),
        version: claimed.version,
        reason: 'needs_contract_change',
        handoff: 'Revenus vérifiés ; attestation signée nécessaire.',
      });
      const agent = await signedIn(app, org.staff.support.email);
      const res = await agent.get(`/staff/tickets/${String(t._id)}`).expect(200);
      expect(res.text)
        .to.include('Pourquoi ce ticket est ici')
        .and.include('Modification de contrat')
        .and.include('Revenus vérifiés ; attestation signée nécessaire.');
      expect(res.text).to.include('Julie Lambert l’a escaladé vers la file « Équipe de soutien »');
      expect(res.text)
        .to.include('data-action="claim"')
        .and.not.include('data-open-dialog="escalate-dialog"')
        .and.not.include('data-open-dialog="reassign-dialog"');
      const parts = await agent
        .get(`/staff/tickets/${String(t._id)}/parts`)
        .set('Accept', 'application/json')
        .expect(200);
      const body = parts.body as { version: number; parts: Record<string, string>; composer: { canReply: boolean } };
      expect(body.version).to.equal(3);
      expect(body.composer.canReply).to.equal(false);
      expect(Object.keys(body.parts)).to.include.members(['header', 'actions', 'thread', 'side', 'edit', 'dialogs']);
    });

    it('shows who proved a mail message came from its sender, next to it (escaped, in three languages)', async () => {
      const t = await buildTicket(org, { subject: 'Preuves de l’expéditeur', member: { name: 'Claire Martin', email: 'claire.proof@example.be' } });
      const member = { kind: 'member' as const, id: t.member, name: 'Claire Martin', email: 'claire.proof@example.be' };
      const byMail = (text: string, mailAuth: MailProof) => memberReply({ actor: member, ticketId: String(t._id), text, channel: 'email', mailAuth });
      await byMail('Signé par mon domaine.', { proof: 'dkim', domain: 'example.be' });
      await byMail('Réponse au lien signé.', { proof: 'token' });
      const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(t._id), version: (await loadTicket(t._id))?.version ?? 0 });
      await addNote({
        actor: org.staff.advisorLiege,
        ticketId: String(t._id),
        version: held.version,
        text: 'Note par e-mail.',
        channel: 'email',
        mailAuth: { proof: 'person', by: '<b>Anne</b> Admin' },
      });
      await byMail('Sans preuve.', { proof: 'none' });
      await memberReply({ actor: member, ticketId: String(t._id), text: 'Depuis la page.', channel: 'web' });
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const badges = (html: string) => [...html.matchAll(/<span class="msg-proof msg-proof-([a-z]+)"[^>]*>([^<]*)<\/span>/g)].map((m) => `${m[1]}: ${m[2]}`);
      const fr = await agent.get(`/staff/tickets/${String(t._id)}?lang=fr`).expect(200);
      expect(badges(fr.text)).to.deep.equal([
        'verified: Expéditeur vérifié (DKIM example.be)',
        'token: Lien de réponse signé',
        'confirmed: Non authentifié — confirmé par &lt;b&gt;Anne&lt;/b&gt; Admin',
        'none: Non authentifié',
      ]);
      expect(fr.text).not.to.include('<b>Anne</b>');
      const nl = await agent.get(`/staff/tickets/${String(t._id)}?lang=nl`).expect(200);
      expect(badges(nl.text)[0]).to.equal('verified: Afzender geverifieerd (DKIM example.be)');
      const en = await agent.get(`/staff/tickets/${String(t._id)}?lang=en`).expect(200);
      expect(badges(en.text)).to.include('token: Signed reply link').and.include('confirmed: Not authenticated — confirmed by &lt;b&gt;Anne&lt;/b&gt; Admin');
    });

    it('escapes a <script> in a subject or body, in the queue and on the ticket page', async () => {
      const t = await buildTicket(org, { subject: '<script>alert(1)</script> Urgent', body: '<img src=x onerror=alert(2)><script>alert(3)</script>' });
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      for (const path of ['/staff/queue', `/staff/tickets/${String(t._id)}`]) {
        const res = await agent.get(path).expect(200);
        expect(res.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt; Urgent');
        expect(res.text).not.to.include('<script>alert').and.not.include('<img src=x');
      }
      const snapshot = await agent.get('/staff/queue/snapshot').set('Accept', 'application/json').expect(200);
      expect((snapshot.body as { rowsHtml: string }).rowsHtml)
        .to.include('&lt;script&gt;alert(1)')
        .and.not.include('<script>');
    });

    it("shows the member's address breakable after its @ only, escaped", async () => {
      const t = await buildTicket(org, { member: { name: 'Gauthier Hanquet', email: 'gauthier.hanquet+"x"@example.be' } });
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const page = await agent.get(`/staff/tickets/${String(t._id)}`).expect(200);
      expect(page.text).to.include(
        '<dd class="address"><a href="mailto:gauthier.hanquet+&quot;x&quot;@example.be">gauthier.hanquet+&quot;x&quot;@<wbr>example.be</a></dd>',
      );
    });
  });

  describe('languages', () => {
    it('renders the queue and the ticket page in French, Dutch and English', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const expected = { fr: ['Ma file', 'Pris par'], nl: ['Mijn wachtrij', 'Opgenomen door'], en: ['My queue', 'Held by'] } as const;
      for (const lang of locales) {
        const queue = await agent.get(`/staff/queue?lang=${lang}`).expect(200);
        expect(queue.text).to.include(`<html lang="${lang}">`).and.include(expected[lang][0]).and.include(expected[lang][1]);
        const page = await agent.get(`/staff/tickets/${String(liegeTicket._id)}`).expect(200); // the cookie keeps the language
        expect(page.text).to.include(`<html lang="${lang}">`);
        const dictionary = JSON.parse(/<script type="application\/json" id="i18n">([^<]*)<\/script>/.exec(page.text)?.[1] ?? '{}') as Record<string, string>;
        expect(dictionary['client.live.online']).to.equal(translator(lang)('client.live.online'));
        expect(dictionary['client.presence.typing']).to.include('{{name}}');
      }
    });

    it('has every key the scripts use, in every language', () => {
      for (const lang of locales) {
        const t = translator(lang);
        const missing = clientStringKeys.filter((key) => t(key, { skipInterpolation: true }) === key);
        expect(missing, lang).to.deep.equal([]);
      }
    });

    it('sends the scripts every fixed key they name (a key left out of the list shows raw on the page)', () => {
      const used = new Set<string>();
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const file = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(file);
          else if (file.endsWith('.ts')) for (const m of readFileSync(file, 'utf8').matchAll(/'(client\.[a-z_]+\.[a-z_.]+)'/g)) if (m[1]) used.add(m[1]);
        }
      };
      walk('client');
      expect(used.size).to.be.greaterThan(20);
      // Plurals (tp) are listed as their _one and _other forms.
      expect([...used].filter((key) => !clientStringKeys.includes(key) && !clientStringKeys.includes(`${key}_one`))).to.deep.equal([]);
    });
  });

  describe('the supervisor board', () => {
    it('is for supervisors only', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const res = await agent.get('/staff/board').expect(403);
      expect(res.text).to.include('Réservé à la supervision');
      await agent.get('/staff/board/snapshot').set('Accept', 'application/json').expect(403);
      await agent.get('/staff/board/people').set('Accept', 'application/json').expect(403);
    });

    it('gives the pickers each person’s load as it is now, not as the page loaded it', async () => {
      const supervisor = await signedIn(app, org.staff.supervisorLiege.email);
      const labels = async () => ((await supervisor.get('/staff/board/people').expect(200)).body as { labels: Record<string, string> }).labels;
      const id = String(org.staff.advisorLiege2.id);
      const before = await labels();
      const held = Number(/· (\d+) pris/.exec(before[id] ?? '')?.[1]);
      expect(before[id]).to.match(/^Nadia El Amrani .*· \d+ pris/);
      const t = await buildTicket(org, { subject: 'Prise pendant que la page est ouverte' });
      await claimTicket({ actor: org.staff.advisorLiege2, ticketId: String(t._id), version: t.version });
      expect((await labels())[id]).to.include(`· ${held + 1} pris`);
    });

    it('shows open escalations grouped by tier and office, with reason, handoff and holder, and everyone’s load', async () => {
      const t = await buildTicket(org, { subject: 'Escalade pour le tableau' });
      const advisor = org.staff.advisorLiege;
      const claimed = await claimTicket({ actor: advisor, ticketId: String(t._id), version: t.version });
      const escalated = await escalateTicket({
        actor: advisor,
        ticketId: String(t._id),
        version: claimed.version,
        reason: 'payroll_correction',
        handoff: 'Précompte à recalculer.',
      });
      const agent = await signedIn(app, org.staff.supervisorLiege.email);
      const res = await agent.get('/staff/board').expect(200);
      expect(res.text)
        .to.include('Niveau 2 · Soutien · Liège')
        .and.include('Escalade pour le tableau')
        .and.include('Correction de paie')
        .and.include('Précompte à recalculer.');
      expect(res.text).to.include(`data-reassign="${String(t._id)}" data-version="${escalated.version}"`);
      expect(res.text).to.include('Charge par personne').and.include('Amélie Renard');
      expect(res.text).to.include('id="reassign-dialog"');
      expectNoInlineCode(res.text);
      const snapshot = await agent.get('/staff/board/snapshot').set('Accept', 'application/json').expect(200);
      expect((snapshot.body as { rowsHtml: string }).rowsHtml).to.include('Escalade pour le tableau');
      // The breach forecast follows live refreshes too (computed at most every 20 s per office).
      expect((snapshot.body as { forecastHtml: string }).forecastHtml).to.include('id="forecast-title"');
      expect(res.text).to.include('<div id="board-forecast-panel">');
    });

    it("shows each office's most urgent escalations as rows, and counts every one of them (an office with few is never left out)", async function () {
      this.timeout(120_000);
      const advisor = org.staff.advisorLiege;
      const extra = boardRowsPerTier.standard + 2;
      const escalated: Array<{ id: string; version: number }> = [];
      for (let i = 0; i < extra; i += 1) {
        const t = await buildTicket(org, { subject: `Escalade nombreuse ${i}` });
        const claimed = await claimTicket({ actor: advisor, ticketId: String(t._id), version: t.version });
        const up = await escalateTicket({
          actor: advisor,
          ticketId: String(t._id),
          version: claimed.version,
          reason: 'payroll_correction',
          handoff: 'Vérifié; à recalculer.',
        });
        escalated.push({ id: up.id, version: up.version });
      }
      // The oldest, taken by the support team: the ones no one has taken come before it (review: an office's held ones filled its rows).
      const first = escalated[0] as { id: string; version: number };
      await claimTicket({ actor: org.staff.support, ticketId: first.id, version: first.version });
      // One escalation of Charleroi, the latest of all: by due date alone it was never among the rows (QA at a year of data).
      const late = await buildTicket(org, { subject: 'Escalade de Charleroi', office: org.offices.charleroi, actor: org.staff.advisorCharleroi });
      const held = await claimTicket({ actor: org.staff.advisorCharleroi, ticketId: String(late._id), version: late.version });
      await escalateTicket({
        actor: org.staff.advisorCharleroi,
        ticketId: String(late._id),
        version: held.version,
        reason: 'payroll_correction',
        handoff: 'Vu.',
      });
      const agent = await signedIn(app, org.staff.supervisorLiege.email);
      const work = (await readableWork(org.staff.supervisorLiege)).filter((t) => t.tier > 1 && ['new', 'open', 'pending_member'].includes(t.status));
      const open = work.length;
      expect(open).to.be.greaterThan(boardRowsPerTier.standard);
      // Each tier's rows are shared among its offices: Charleroi's one escalation shows, and Liège's the rest of the tier's rows.
      const groups = new Map<string, { tier: number; tickets: unknown[] }>();
      for (const t of work) {
        const key = `${t.tier}:${String(t.office)}`;
        groups.set(key, { tier: t.tier, tickets: [...(groups.get(key)?.tickets ?? []), t] });
      }
      const shares = rowShares(groups, boardRowsPerTier.standard);
      expect(shares.get(`2:${String(org.offices.charleroi)}`)).to.equal(1);
      expect(shares.get(`2:${String(org.offices.liege)}`)).to.equal(boardRowsPerTier.standard - 1);
      const expected = (rowsPerTier: number) => [...rowShares(groups, rowsPerTier).values()].reduce((n, x) => n + x, 0);
      const res = await agent.get('/staff/board').expect(200);
      const rows = (html: string) => (html.match(/data-reassign="/g) ?? []).length;
      expect(rows(res.text)).to.equal(expected(boardRowsPerTier.standard)).and.be.below(open);
      expect(res.text).to.include('Escalade de Charleroi');
      // Counted on the page itself: Liège's escalations take the other 49 rows of tier 2.
      const boardRows = res.text.slice(res.text.indexOf('id="board-rows"'), res.text.indexOf('</tbody>', res.text.indexOf('id="board-rows"')));
      const liegeGroup = boardRows.split('class="group-row"').find((chunk) => /group-label">Niveau 2[^<]*Liège</.test(chunk)) ?? '';
      expect(liegeGroup.match(/data-reassign="/g) ?? []).to.have.length(boardRowsPerTier.standard - 1);
      expect(liegeGroup).to.not.include('>Escalade nombreuse 0<');
      expect(res.text).to.include(`Les escalades les plus urgentes de chaque agence sont affichées : ${expected(boardRowsPerTier.standard)} sur ${open}`);
      expect(res.text).to.match(new RegExp(`<span class="total-num">${open}</span>`));
      expect(res.text).to.match(/href="\/staff\/board\?rows(=|&#x3D;)more"/);
      const more = await agent.get('/staff/board?rows=more').expect(200);
      expect(more.text).to.include('>Escalade nombreuse 0<');
      expect(rows(more.text)).to.equal(open);
      expect(more.text).to.include('/staff/board/snapshot?rows=more');
      const snapshot = await agent.get('/staff/board/snapshot').set('Accept', 'application/json').expect(200);
      expect(rows((snapshot.body as { rowsHtml: string }).rowsHtml)).to.equal(expected(boardRowsPerTier.standard));
      expect((snapshot.body as { moreHtml: string }).moreHtml).to.include(`sur ${open}`);
      // Asked with the rows the page shows, it sends the group headings only, and the order of all.
      const shownRows = [...(snapshot.body as { rowsHtml: string }).rowsHtml.matchAll(/<tr data-key="([0-9a-f]{24})" data-version="(\d+)"/g)];
      const known = shownRows.map((m) => `${(m[1] ?? '').slice(-12)}.${m[2] ?? ''}`).join(',');
      const again = (await agent.get('/staff/board/snapshot').query({ known }).expect(200)).body as {
        rowsHtml: string;
        order: Array<[string, string | number]>;
      };
      expect(rows(again.rowsHtml)).to.equal(0);
      expect(again.rowsHtml).to.include('class="group-row"');
      expect(again.order.filter(([key]) => !key.startsWith('g:'))).to.have.length(shownRows.length);
      // Filters: one office, only what no one has taken; the live snapshot keeps them; the counts above stay whole.
      const charleroi = String(org.offices.charleroi);
      const filtered = await agent.get('/staff/board').query({ office: charleroi, waiting: '1' }).expect(200);
      expect(rows(filtered.text)).to.equal(work.filter((t) => String(t.office) === charleroi && !t.assignee).length);
      const filteredRows = filtered.text.slice(
        filtered.text.indexOf('id="board-rows"'),
        filtered.text.indexOf('</tbody>', filtered.text.indexOf('id="board-rows"')),
      );
      expect(filteredRows).to.include('Escalade de Charleroi').and.not.include('Escalade nombreuse');
      expect(filtered.text).to.include(`/staff/board/snapshot?office=${charleroi}\\u0026waiting=1`).and.include('>Tout afficher</a>');
      expect(filtered.text).to.match(new RegExp(`<span class="total-num">${open}</span>`));
      const live = await agent.get('/staff/board/snapshot').query({ office: charleroi, waiting: '1' }).set('Accept', 'application/json').expect(200);
      expect(rows((live.body as { rowsHtml: string }).rowsHtml)).to.equal(rows(filtered.text));
      // An office that is not one (or a typo) filters nothing.
      expect(rows((await agent.get('/staff/board').query({ office: 'nope' }).expect(200)).text)).to.equal(expected(boardRowsPerTier.standard));
    });
  });

  describe('sign-out', () => {
    it('needs the page’s CSRF token, then ends the session', async () => {
      const agent = await signedIn(app, org.staff.advisorLiege.email);
      const page = await agent.get('/staff/queue').expect(200);
      await agent.post('/staff/logout').type('form').send({}).expect(403);
      const res = await agent
        .post('/staff/logout')
        .type('form')
        .send({ _csrf: meta(page.text, 'csrf-token') })
        .expect(303);
      expect(res.headers.location).to.equal('/staff/login?signed_out=1');
      await agent.get('/staff/queue').expect(303);
      const form = await agent.get('/staff/login?signed_out=1').expect(200);
      expect(form.text).to.include('Vous êtes déconnecté·e');
    });
  });
});

/** CSP is `script-src 'self'` and `style-src 'self'`: no inline code or style may be needed. */
function expectNoInlineCode(html: string): void {
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).to.match(/\ssrc="\/static\/js\/[a-z-]+\.page\.js"|type="application\/json"/);
  expect(html).not.to.match(/\sstyle=/);
  expect(html).not.to.match(/\son[a-z]+=/);
}
