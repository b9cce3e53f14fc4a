/**
 * Mail settings administered: the IMAP mailboxes of the environment tested against a real Dovecot
 * (a working one, a wrong password, a missing folder — never echoing a password), a test mail sent
 * through the outbox to a real SMTP server (recorded, limited), and member mail texts: an
 * administrator's subject and introduction show in the preview and in the mail a ticket sends, with
 * `{{{…}}}`, `<script>` and block helpers kept as literal, escaped text; reset brings the default back.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { createMailTransport, processOutbox } from '../../server/mail/outbox.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { startDovecot, type TestDovecot } from '../helpers/dovecot.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';
import { refusedInputs } from '../helpers/pages.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

describe('administration: mail settings, connection tests, test mail, member mail texts', function () {
  useTestDatabase();
  let dovecot: TestDovecot;
  let smtp: TestSmtp;
  let app: Express;
  let org: Org;
  let token: string;

  before(async function () {
    this.timeout(60_000);
    [dovecot, smtp] = await Promise.all([startDovecot(), startTestSmtp()]);
    await dovecot.append('support', 'INBOX', 'From: a@example.org\r\nSubject: Un\r\n\r\nUn\r\n');
    const mailboxes = [
      { name: 'support', url: dovecot.url('support') },
      { name: 'mauvais', url: dovecot.url('support', 'wrong-secret-42') },
      { name: 'dossier', url: dovecot.url('support'), folder: 'NoSuchFolder' },
    ];
    app = testApp(testConfig({ IMAP_MAILBOXES: JSON.stringify(mailboxes), SMTP_URL: 'smtp://relais:smtp-secret-99@smtp.example.org:2587' }));
    org = await buildOrg();
    token = await login(app, org.staff.administrator.email);
  });

  after(async () => {
    await Promise.all([dovecot?.dispose(), smtp?.stop()]);
  });

  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);

  it('shows the settings without a password, and tests each mailbox against the real server', async () => {
    const settings = await auth(request(app).get('/api/v1/admin/mail/settings')).expect(200);
    const text = JSON.stringify(settings.body);
    expect(text).to.include('smtp.example.org').and.include('"passwordSet":true');
    expect(text).not.to.include('smtp-secret-99').and.not.include('support-password-1').and.not.include('wrong-secret-42');
    const ok = await auth(request(app).post('/api/v1/admin/mail/imap/support/test')).expect(200);
    expect(ok.body.result).to.deep.include({ ok: true, step: 'open', messages: 1 });
    const wrong = await auth(request(app).post('/api/v1/admin/mail/imap/mauvais/test')).expect(200);
    expect(wrong.body.result).to.deep.include({ ok: false, step: 'login', problem: 'authentication' });
    expect(JSON.stringify(wrong.body)).not.to.include('wrong-secret-42');
    const folder = await auth(request(app).post('/api/v1/admin/mail/imap/dossier/test')).expect(200);
    expect(folder.body.result).to.deep.include({ ok: false, step: 'open', problem: 'folder' });
    await auth(request(app).post('/api/v1/admin/mail/imap/inconnue/test')).expect(404);
    expect(await AuditEntryModel.countDocuments({ action: 'mail.imap_test' })).to.equal(3);
    // The page answers in the person's language.
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/mail-settings');
    const page = await agent.post('/staff/admin/mail-settings/imap/mauvais/test').type('form').send({ _csrf: csrf }).expect(200);
    expect(page.text).to.include('identifiant ou mot de passe refusé').and.not.include('wrong-secret-42').and.not.include('smtp-secret-99');
    const supervisor = await login(app, org.staff.supervisorLiege.email);
    await request(app).post('/api/v1/admin/mail/imap/support/test').set('Authorization', `Bearer ${supervisor}`).expect(403);
  });

  it('sends a test mail through the outbox to the real SMTP server, shows its state, and limits the tests', async () => {
    const queued = await auth(request(app).post('/api/v1/admin/mail/test-send')).send({ to: 'admin.test@example.be', locale: 'fr' }).expect(202);
    const id = (queued.body as { mail: { id: string } }).mail.id;
    await processOutbox({ transport: createMailTransport(smtp.url), logger: silentLogger });
    const received = await smtp.sentMail({ to: 'admin.test@example.be', subject: /message d’essai/ });
    expect(received.parsed.text).to.include('Thomas Lejeune').and.include('smtp.example.org:2587');
    const state = await auth(request(app).get(`/api/v1/admin/mail/test-send/${id}`)).expect(200);
    expect(state.body.mail).to.deep.include({ status: 'sent', to: 'admin.test@example.be' });
    expect(await AuditEntryModel.countDocuments({ action: 'mail.test_send' })).to.equal(1);
    await auth(request(app).post('/api/v1/admin/mail/test-send')).send({ to: 'pas une adresse' }).expect(400);
    const agent = await pageAgent(app, org.staff.administrator.email);
    const csrf = await pageCsrf(agent, '/staff/admin/mail-settings');
    // Not an address: the page says why, beside the field's name (QA: the sentence named the field only).
    const refused = await agent.post('/staff/admin/mail-settings/test-send').type('form').send({ _csrf: csrf, to: 'niet-een-adres' }).expect(400);
    expect(refused.text).to.match(/Vérifiez ces champs : [^<]+ \(une adresse e-mail attendue\)\./);
    expect(refusedInputs(refused.text)).to.deep.equal({ to: 'une adresse e-mail attendue' });
    const sent = await agent.post('/staff/admin/mail-settings/test-send').type('form').send({ _csrf: csrf, to: 'page.test@example.be' }).expect(303);
    const page = await agent.get(sent.headers.location as string).expect(200);
    expect(page.text).to.include('data-status="queued"').and.include('page.test@example.be');
    for (let i = 0; i < 3; i += 1)
      await auth(request(app).post('/api/v1/admin/mail/test-send'))
        .send({ to: `n${i}@example.be` })
        .expect(202);
    await auth(request(app).post('/api/v1/admin/mail/test-send')).send({ to: 'six@example.be' }).expect(429);
    const limited = await agent.post('/staff/admin/mail-settings/test-send').type('form').send({ _csrf: csrf, to: 'sept@example.be' }).expect(429);
    expect(limited.text).to.include('Trop d’essais');
  });

  it('puts an administrator’s subject and introduction in the preview and in real mail, escaped; reset brings the default back', async () => {
    const intro = 'Merci {{{ticketNumber}}} <script>alert(1)</script> {{#each x}}{{/each}} — demande {{ticketNumber}}.';
    const set = await auth(request(app).put('/api/v1/admin/mail/templates/ticket-acknowledgement/fr')).send({
      subject: 'Bien reçu {{ticketNumber}} <b>',
      intro,
    });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    const shown = await auth(request(app).get('/api/v1/admin/mail/templates/ticket-acknowledgement/fr')).expect(200);
    const preview = (shown.body as { preview: { subject: string; html: string; text: string } }).preview;
    expect(preview.subject).to.equal('Bien reçu R-2026-000123 <b>');
    expect(preview.html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.include('<script>');
    expect(preview.html).to.include('{{{ticketNumber}}}').and.include('{{#each x}}{{/each}}').and.include('demande R-2026-000123.');
    expect(preview.text).to.include('Merci {{{ticketNumber}}} <script>alert(1)</script>');
    // Real mail: a new ticket's acknowledgement.
    const ticket = await buildTicket(org, { subject: 'Attestation' });
    const ack = await Outbox.findOne({ ticket: ticket._id, template: 'ticket-acknowledgement' }).lean();
    expect(ack?.subject).to.equal(`Bien reçu ${ticket.number} <b>`);
    expect(ack?.html).to.include(`demande ${ticket.number}.`).and.include('&lt;script&gt;').and.not.include('<script>');
    // Other languages keep their defaults.
    const nl = await auth(request(app).get('/api/v1/admin/mail/templates/ticket-acknowledgement/nl')).expect(200);
    // …and a Dutch-speaking member's request: the preview reads as that member will read it (QA).
    expect((nl.body as { preview: { subject: string } }).preview.subject).to.equal('[R-2026-000123] Inkomensattest 2025');
    expect((nl.body as { preview: { text: string } }).preview.text)
      .to.include('loonfiche-maart.pdf')
      .and.not.include('fiche-de-paie');
    const entry = await AuditEntryModel.findOne({ action: 'mail_template.update' }).lean();
    expect(entry?.before).to.deep.equal({ subject: null, intro: null });
    // The page: the preview frame is served under its own sandboxing CSP.
    const agent = await pageAgent(app, org.staff.administrator.email);
    const page = await agent.get('/staff/admin/mail-settings/templates/ticket-acknowledgement/fr').expect(200);
    expect(page.text).to.include('Bien reçu R-2026-000123 &lt;b&gt;').and.include('preview.html');
    // Why the default subject is the same for every mail of a request, said where it can be changed.
    expect(page.text).to.include('la messagerie du membre les garde dans une seule conversation');
    const link = await agent.get('/staff/admin/mail-settings/templates/member-link/fr').expect(200);
    expect(link.text).not.to.include('une seule conversation');
    const frame = await agent.get('/staff/admin/mail-settings/templates/ticket-acknowledgement/fr/preview.html').expect(200);
    expect(frame.headers['content-security-policy']).to.include('sandbox');
    expect(frame.text).to.include('&lt;script&gt;');
    const csrf = await pageCsrf(agent, '/staff/admin/mail-settings/templates/ticket-acknowledgement/fr');
    await agent.post('/staff/admin/mail-settings/templates/ticket-acknowledgement/fr/reset').type('form').send({ _csrf: csrf }).expect(303);
    const after = await auth(request(app).get('/api/v1/admin/mail/templates/ticket-acknowledgement/fr')).expect(200);
    expect((after.body as { preview: { subject: string; html: string } }).preview.subject).to.equal('[R-2026-000123] Attestation de revenus 2025');
    const next = await buildTicket(org, { subject: 'Attestation 2' });
    expect((await Outbox.findOne({ ticket: next._id, template: 'ticket-acknowledgement' }).lean())?.html).not.to.include('class="intro"');
    await auth(request(app).put('/api/v1/admin/mail/templates/mail-test/fr')).send({ subject: 'x', intro: null }).expect(404);
  });
});
