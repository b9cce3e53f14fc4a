/**
 * Mail texts an administrator edits per language beyond the member mail's subject and introduction:
 * the member mail's closing line, and the staff notifications' subject and introduction. Each shows in
 * the mail really sent (read back from the outbox), escaped in HTML; a placeholder the message does not
 * offer is refused; only administrators may read or change them; every change is audited; the page
 * previews it in the language chosen.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { mailLocales, memberTemplates, staffNoticeTemplates, templatePlaceholders } from '../../server/mail/templates.js';
import { processPasswordLinkRequests } from '../../server/mail/password-link-mail.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { pageAgent, pageCsrf } from '../helpers/page-agent.js';

describe('administration: staff notification texts and the member mail’s closing line, per language', function () {
  this.timeout(60_000);
  useTestDatabase();
  let app: Express;
  let org: Org;
  let admin: string;

  before(async () => {
    app = testApp(testConfig());
    org = await buildOrg();
    admin = await login(app, org.staff.administrator.email);
  });

  const put = (path: string, body: object, token = admin) =>
    request(app).put(`/api/v1/admin/mail/templates/${path}`).set('Authorization', `Bearer ${token}`).send(body);

  it('puts an escalation notice’s own subject and introduction in the mail the support team gets, escaped', async () => {
    const set = await put('staff-escalation/fr', {
      subject: 'Escalade {{ticketNumber}} vers {{teamName}}',
      intro: 'À traiter avant midi <script>alert(1)</script> ({{reasonLabel}}).',
    });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    const ticket = await buildTicket(org, { subject: 'Contrat' });
    const held = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    await escalateTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: held.version, reason: 'payroll_correction', handoff: 'Vu.' });
    const mail = await Outbox.findOne({ ticket: ticket._id, template: 'staff-escalation', to: org.staff.support.email }).lean<OutboxMail>();
    expect(mail?.subject).to.match(new RegExp(`^Escalade ${ticket.number} vers \\S`));
    expect(mail?.html).to.include('À traiter avant midi &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail?.html).to.not.include('<script>');
    expect(mail?.text).to.include('À traiter avant midi <script>alert(1)</script> (');
    // The other languages keep theirs; the preview in English shows the default.
    const en = await request(app).get('/api/v1/admin/mail/templates/staff-escalation/en').set('Authorization', `Bearer ${admin}`).expect(200);
    expect((en.body as { preview: { subject: string } }).preview.subject).to.include('Escalated to tier');
    const entry = await AuditEntryModel.findOne({ action: 'mail_template.update', 'target.id': 'staff-escalation.fr' }).lean();
    expect(entry?.after).to.include({ subject: 'Escalade {{ticketNumber}} vers {{teamName}}' });
  });

  it('replaces the member mail’s closing line with the administrator’s, escaped, and keeps the default elsewhere', async () => {
    const set = await put('ticket-acknowledgement/fr', { subject: null, intro: null, closing: 'Au plaisir,\n<b>La Coop</b> — {{ticketNumber}}' });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    expect(set.body.template).to.include({ closing: 'Au plaisir,\n<b>La Coop</b> — {{ticketNumber}}' });
    const ticket = await buildTicket(org, { subject: 'Attestation' });
    const ack = await Outbox.findOne({ ticket: ticket._id, template: 'ticket-acknowledgement' }).lean<OutboxMail>();
    expect(ack?.html).to.include(`Au plaisir,<br>\n&lt;b&gt;La Coop&lt;/b&gt; — ${ticket.number}`);
    expect(ack?.html).to.not.include('<b>La Coop');
    expect(ack?.html).to.not.include('L’équipe d’accompagnement des membres</p>');
    expect(ack?.text).to.include(`Au plaisir,\n<b>La Coop</b> — ${ticket.number}`);
    expect(ack?.text).to.not.include('Bien cordialement');
    const entry = await AuditEntryModel.findOne({ action: 'mail_template.update', 'target.id': 'ticket-acknowledgement.fr' }).lean();
    expect(entry?.before).to.deep.include({ closing: null });
    expect(entry?.after).to.deep.include({ closing: 'Au plaisir,\n<b>La Coop</b> — {{ticketNumber}}' });
    const nl = await request(app).get('/api/v1/admin/mail/templates/ticket-acknowledgement/nl').set('Authorization', `Bearer ${admin}`).expect(200);
    expect((nl.body as { preview: { text: string } }).preview.text).to.include('Met vriendelijke groeten');
  });

  it('every member mail takes the closing line and every staff notification the introduction, in each language (HTML and text)', async () => {
    for (const template of memberTemplates) {
      for (const locale of mailLocales) {
        await put(`${template}/${locale}`, { subject: null, intro: null, closing: `Fin ${template} ${locale} <i>` }).expect(200);
        const res = await request(app).get(`/api/v1/admin/mail/templates/${template}/${locale}`).set('Authorization', `Bearer ${admin}`).expect(200);
        const { preview } = res.body as { preview: { html: string; text: string } };
        expect(preview.html, `${template}.${locale}`).to.include(`Fin ${template} ${locale} &lt;i&gt;`);
        expect(preview.text, `${template}.${locale}`).to.include(`Fin ${template} ${locale} <i>`);
        await request(app).delete(`/api/v1/admin/mail/templates/${template}/${locale}`).set('Authorization', `Bearer ${admin}`).expect(200);
      }
    }
    for (const template of staffNoticeTemplates) {
      for (const locale of mailLocales) {
        const first = templatePlaceholders[template]?.[0] ?? '';
        await put(`${template}/${locale}`, { subject: `Objet {{${first}}} ${locale}`, intro: `Intro ${template} ${locale}` }).expect(200);
        const res = await request(app).get(`/api/v1/admin/mail/templates/${template}/${locale}`).set('Authorization', `Bearer ${admin}`).expect(200);
        const { preview } = res.body as { preview: { subject: string; html: string; text: string } };
        expect(preview.subject, `${template}.${locale}`).to.match(new RegExp(`^Objet [^{}]+ ${locale}$`));
        if (template.startsWith('staff-e')) expect(preview.subject).to.equal(`Objet R-2026-000123 ${locale}`);
        expect(preview.html, `${template}.${locale}`).to.include(`class="intro">Intro ${template} ${locale}</p>`);
        expect(preview.text, `${template}.${locale}`).to.include(`\n\nIntro ${template} ${locale}\n\n`);
        await request(app).delete(`/api/v1/admin/mail/templates/${template}/${locale}`).set('Authorization', `Bearer ${admin}`).expect(200);
      }
    }
  });

  it('refuses a placeholder the message does not offer, a closing line on staff mail, and texts too long', async () => {
    const unknown = await put('staff-reassignment/nl', { subject: 'Toegewezen {{nummer}}', intro: null });
    expect(unknown.status).to.equal(422);
    expect(JSON.stringify(unknown.body)).to.include('nummer');
    expect((await put('sla-warning/fr', { subject: null, intro: null, closing: 'Merci' })).status).to.equal(422);
    expect((await put('staff-escalation/en', { subject: 'x'.repeat(301), intro: null })).status).to.equal(400);
    expect((await put('ticket-resolved/en', { subject: null, intro: null, closing: 'x'.repeat(1001) })).status).to.equal(400);
    // Account mail: its link is never a placeholder (it stays once, where Relais puts it); the settings test is not editable.
    const link = await put('password-reset/fr', { subject: null, intro: 'Cliquez {{setPasswordUrl}}' });
    expect(link.status).to.equal(422);
    expect(JSON.stringify(link.body)).to.include('setPasswordUrl');
    expect((await put('mail-test/fr', { subject: 'x', intro: null })).status).to.equal(404);
  });

  it('refuses a malformed placeholder (422) naming the field and the problem; the page keeps what was typed and saves nothing', async () => {
    const audited = () => AuditEntryModel.countDocuments({ action: 'mail_template.update', 'target.id': 'ticket-acknowledgement.fr' });
    const auditedBefore = await audited();
    const unclosed = await put('ticket-acknowledgement/fr', { subject: '[{{ticketNumber}}] Bien reçu : {{subject', intro: null });
    expect(unclosed.status).to.equal(422);
    expect(JSON.stringify(unclosed.body)).to.include('subject').and.include('unclosed');
    const block = await put('staff-escalation/en', { subject: null, intro: 'Escalated {{#if}} to you' });
    expect(block.status).to.equal(422);
    expect(JSON.stringify(block.body)).to.include('intro').and.include('block_unclosed');
    // Well-formed braces that are not placeholders stay literal text, as before.
    expect((await put('ticket-resolved/nl', { subject: null, intro: 'Merci {{{ticketNumber}}} {{#each x}}{{/each}}' })).status).to.equal(200);

    const agent = await pageAgent(app, org.staff.administrator.email);
    const path = '/staff/admin/mail-settings/templates/ticket-acknowledgement/fr';
    const csrf = await pageCsrf(agent, path);
    const page = await agent.post(path).type('form').send({ _csrf: csrf, subject: '[{{ticketNumber}}] Bien reçu : {{subject', intro: '', closing: '' });
    expect(page.status).to.equal(422);
    expect(page.text).to.include('Objet : « {{subject » n’est pas fermé.');
    expect(page.text).to.include('value="[{{ticketNumber}}] Bien reçu : {{subject"');
    const closing = await agent.post(path).type('form').send({ _csrf: csrf, subject: '', intro: '', closing: 'Bien à vous {{/if}}' });
    expect(closing.status).to.equal(422);
    expect(closing.text).to.include('Formule de politesse : « {{/if}} » ferme un bloc qui n’a pas été ouvert.');
    const nl = await agent
      .post('/staff/admin/mail-settings/templates/ticket-acknowledgement/nl?lang=nl')
      .type('form')
      .send({ _csrf: csrf, subject: '', intro: 'Hallo {{#if}}', closing: '' });
    expect(nl.status).to.equal(422);
    expect(nl.text).to.include('Inleidende alinea: ‘{{#if}}’ opent een blok dat nooit gesloten wordt.');
    expect(await audited()).to.equal(auditedBefore);
  });

  it('puts the administrator’s introduction in a real password-reset mail, escaped, the link unchanged', async () => {
    const person = org.staff.advisorLiege;
    await put('password-reset/fr', { subject: 'Relais : {{name}}, votre lien', intro: 'Service RH <b> — {{name}}, valable {{expiresInMinutes}} min.' }).expect(
      200,
    );
    await request(app).post('/api/v1/auth/password-reset-request').send({ email: person.email }).expect(202);
    await processPasswordLinkRequests(testConfig());
    const mail = await Outbox.findOne({ template: 'password-reset', to: person.email }).lean<OutboxMail>();
    expect(mail?.subject).to.equal(`Relais : ${person.name}, votre lien`);
    expect(mail?.html).to.include(`class="intro">Service RH &lt;b&gt; — ${person.name}, valable`);
    expect(mail?.text).to.include(`Service RH <b> — ${person.name}, valable`);
    expect(mail?.text).to.match(/\/staff\/password\//);
    await request(app).delete('/api/v1/admin/mail/templates/password-reset/fr').set('Authorization', `Bearer ${admin}`).expect(200);
  });

  it('lets administrators only read and change them', async () => {
    for (const who of [org.staff.advisorLiege, org.staff.supervisorLiege, org.staff.support]) {
      const token = await login(app, who.email);
      expect((await put('staff-escalation/fr', { subject: 'x', intro: null }, token)).status).to.equal(403);
      expect((await request(app).get('/api/v1/admin/mail/templates/sla-warning/nl').set('Authorization', `Bearer ${token}`)).status).to.equal(403);
      expect((await request(app).delete('/api/v1/admin/mail/templates/staff-escalation/fr').set('Authorization', `Bearer ${token}`)).status).to.equal(403);
    }
    const advisor = await pageAgent(app, org.staff.advisorLiege.email);
    expect((await advisor.get('/staff/admin/mail-settings/templates/staff-reassignment/fr')).status).to.equal(403);
  });

  it('the page lists staff notifications, edits a closing line and previews it in the language chosen', async () => {
    const agent = await pageAgent(app, org.staff.administrator.email);
    const list = await agent.get('/staff/admin/mail-settings').expect(200);
    expect(list.text).to.include('/staff/admin/mail-settings/templates/sla-warning/nl').and.include('/staff/admin/mail-settings/templates/staff-escalation/fr');
    const path = '/staff/admin/mail-settings/templates/member-link/nl';
    const page = await agent.get(path).expect(200);
    expect(page.text).to.include('name="closing"');
    const csrf = await pageCsrf(agent, path);
    await agent.post(path).type('form').send({ _csrf: csrf, subject: '', intro: '', closing: 'Tot ziens,\nDe coöperatie <i>' }).expect(303);
    const after = await agent.get(path).expect(200);
    expect(after.text).to.include('Tot ziens,\nDe coöperatie &lt;i&gt;');
    const frame = await agent.get(`${path}/preview.html`).expect(200);
    expect(frame.text).to.include('Tot ziens,<br>\nDe coöperatie &lt;i&gt;');
    const staffPage = await agent.get('/staff/admin/mail-settings/templates/sla-warning/en').expect(200);
    expect(staffPage.text).to.include('name="intro"');
    expect(staffPage.text).to.not.include('name="closing"');
    const bad = await agent
      .post('/staff/admin/mail-settings/templates/sla-warning/en')
      .type('form')
      .send({ _csrf: csrf, subject: 'Late {{numero}}', intro: '' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('numero');
  });
});
