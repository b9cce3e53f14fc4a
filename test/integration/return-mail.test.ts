/**
 * A ticket sent back to the advisor who escalated it tells them by mail, as a reassignment to them
 * does (they may be away from the queue that flags it): "vous a renvoyé", with the return note.
 */
import { expect } from 'chai';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { returnTicket } from '../../server/tickets/ticket.moves.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildEscalatedTicket, buildOrg, type Org } from '../helpers/factories.js';

describe('mail: a ticket sent back to the advisor who escalated it', () => {
  useTestDatabase();
  let org: Org;

  before(async () => {
    useMail(testConfig());
    org = await buildOrg();
  });

  it('mails her that it came back, with the note', async () => {
    const { ticket, escalated } = await buildEscalatedTicket(org, {
      subject: 'Précompte à recalculer',
      reason: 'payroll_correction',
      handoff: 'À recalculer.',
    });
    const taken = await claimTicket({ actor: org.staff.support, ticketId: String(ticket._id), version: escalated.version });
    await returnTicket({ actor: org.staff.support, ticketId: String(ticket._id), version: taken.version, note: 'Précompte recalculé, à confirmer au membre.' });
    const mails = await Outbox.find({ ticket: ticket._id, template: 'staff-reassignment' }).lean<OutboxMail[]>();
    expect(mails).to.have.length(1);
    expect(mails[0]?.to).to.deep.equal([org.staff.advisorLiege.email]);
    expect(mails[0]?.subject).to.equal(`[${ticket.number}] Un ticket vous est renvoyé : Précompte à recalculer`);
    expect(mails[0]?.text)
      .to.include('Amélie Renard vous a renvoyé le ticket')
      .and.include('Note de renvoi :')
      .and.include('Précompte recalculé, à confirmer au membre.');
  });
});
