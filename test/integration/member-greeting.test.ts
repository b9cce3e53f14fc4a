/**
 * Member mail greets the member by the name they gave ("Bonjour Claire Martin,"), in the ticket's
 * language, and with a bare greeting when Relais knows no name: mail from a sender without a display
 * name stores the address as the name, and an address is not a name to greet.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { claimTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

describe('member mail greets the member by name', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;

  before(async () => {
    org = await buildOrg();
    useMail(testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999' }));
  });

  after(() => useMail(testConfig()));

  const mailOf = async (ticket: Types.ObjectId, template: string): Promise<OutboxMail> => {
    const mail = await Outbox.findOne({ ticket, template }).lean<OutboxMail>();
    if (!mail) throw new Error(`no ${template} mail`);
    return mail;
  };
  const firstLine = (mail: OutboxMail): string => mail.text.split('\n')[0] ?? '';

  it('acknowledges, answers and resolves with the member’s name, in French and in Dutch', async () => {
    for (const [language, greeting] of [
      ['fr', 'Bonjour Claire Martin,'],
      ['nl', 'Beste Claire Martin,'],
    ] as const) {
      const ticket = await buildTicket(org, { language, acknowledge: true });
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
      const replied = await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: claimed.version, text: 'Voilà.' });
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version });
      for (const template of ['ticket-acknowledgement', 'staff-reply', 'ticket-resolved']) {
        const mail = await mailOf(ticket._id, template);
        expect(firstLine(mail), `${template} ${language}`).to.equal(greeting);
        expect(mail.html, `${template} ${language}`).to.include(`>${greeting}</p>`);
      }
    }
  });

  it('does not greet twice when the advisor’s reply opens with a greeting of its own', async () => {
    const ticket = await buildTicket(org, { language: 'nl' });
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    await replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: claimed.version, text: 'Beste Claire,\nUw attest is klaar.' });
    const mail = await mailOf(ticket._id, 'staff-reply');
    expect(mail.text).not.to.include('Beste Claire Martin,');
    expect(mail.html).not.to.include('Beste Claire Martin,');
    expect(mail.text).to.include('Beste Claire,\nUw attest is klaar.');
  });

  it('greets without a name when the member is known only by address (mail without a display name)', async () => {
    const email = `sans.nom.${Date.now()}@example.be`;
    const ticket = await buildTicket(org, { channel: 'email', acknowledge: true, member: { name: email, email } });
    const mail = await mailOf(ticket._id, 'ticket-acknowledgement');
    expect(firstLine(mail)).to.equal('Bonjour,');
    expect(mail.text).not.to.include(`Bonjour ${email}`);
  });
});
