/**
 * Staff correct the language a ticket speaks to its member in (a short mail read as French when it was
 * English): one event in the history, and the mail after it in the new language; only staff who may
 * change the ticket may, and only to a language Relais writes.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';

describe('ticket: the member’s language, corrected by staff', () => {
  useTestDatabase();
  let app: Express;
  let org: Org;

  before(async () => {
    const config = testConfig();
    useMail(config);
    app = testApp(config);
    org = await buildOrg();
  });

  it('changes the language with its own event, and the next mail is in it', async () => {
    const ticket = await buildTicket(org, { subject: 'payslip', language: 'fr', member: { name: 'Mark Evans', email: 'mark.evans@example.be' } });
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    const token = await login(app, org.staff.advisorLiege.email);
    const changed = await request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/update`)
      .set('authorization', `Bearer ${token}`)
      .send({ version: claimed.version, language: 'en' })
      .expect(200);
    const view = (changed.body as { ticket: { language: string; version: number } }).ticket;
    expect(view.language).to.equal('en');
    await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: view.version, text: 'Which month is it about?' });
    const mail = await Outbox.findOne({ ticket: ticket._id, template: 'staff-reply' }).lean<OutboxMail>();
    expect(mail?.locale).to.equal('en');
    expect(mail?.text).to.include('Julie has replied');
    // The ticket page: the field, and the change in the trail in the reader's words.
    const page = (await (await signedIn(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text;
    expect(page).to.match(/<select id="edit-language" name="language"[^>]*>[\s\S]*?<option value="en" selected>/);
    expect(page).to.include('a changé la langue du membre : Français → Anglais');
  });

  it('refuses a language Relais does not write, nothing to change, and staff who may not change the ticket', async () => {
    const built = await buildTicket(org, { language: 'nl' });
    const ticket = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(built._id), version: built.version });
    const token = await login(app, org.staff.advisorLiege.email);
    const post = (who: string, body: object) => request(app).post(`/api/v1/tickets/${ticket.id}/update`).set('authorization', `Bearer ${who}`).send(body);
    await post(token, { version: ticket.version, language: 'xx' }).expect(400);
    const same = await post(token, { version: ticket.version, language: 'nl' }).expect(400);
    expect((same.body as { error: { reason?: string } }).error.reason).to.equal('unchanged');
    const other = await login(app, org.staff.advisorCharleroi.email);
    expect((await post(other, { version: ticket.version, language: 'fr' })).status).to.be.oneOf([403, 404]);
  });
});
