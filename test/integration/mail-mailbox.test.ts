/**
 * A member who wrote to another of Relais's addresses (hulp@ beside support@) is answered from that
 * address, and their answers to it thread back (QA: a Dutch member who wrote to hulp@ got every mail
 * from support@). Mail that came to the main address, and tickets filed on the web, keep `MAIL_FROM`.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { mailboxAddress } from '../../server/mail/mail-parts.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { claimTicket, replyToTicket } from '../../server/tickets/ticket.commands.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.test>', INBOUND_ADDRESS: 'support@relais.test', INBOUND_EXTRA_ADDRESSES: 'hulp@relais.test' });

describe('answered from the address the member wrote to', function () {
  this.timeout(30_000);
  useTestDatabase();
  let org: Org;
  let pipeline: InboundPipeline;

  before(async () => {
    useMail(config);
    org = await buildOrg();
    pipeline = createInboundPipeline({ config, logger: silentLogger });
  });

  async function mailTo(to: string, from: string, subject: string, body: string): Promise<string | null> {
    const raw = Buffer.from(
      `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${new Types.ObjectId().toHexString()}@example.be>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
    );
    const outcome = await pipeline.ingest({ raw, source: 'smtp', mailbox: to, envelopeTo: [to] });
    return outcome?.ticketNumber ?? null;
  }

  const mailsOf = (ticket: Pick<Ticket, '_id'>) => Outbox.find({ ticket: ticket._id }).sort({ createdAt: 1 }).lean<OutboxMail[]>();

  it('a mail to hulp@ is acknowledged and answered from hulp@, with a hulp+ reply address that threads back', async () => {
    const email = `jef.${new Types.ObjectId().toHexString()}@example.be`;
    const number = await mailTo('hulp@relais.test', `Jef Claes <${email}>`, 'Attest voor de crèche', 'Goedendag, ik heb een attest nodig voor de crèche.');
    const ticket = await TicketModel.findOne({ number }).lean<Ticket>();
    if (!ticket) throw new Error('no ticket');
    const [ack] = await mailsOf(ticket);
    expect(ack?.template).to.equal('ticket-acknowledgement');
    expect(ack?.from).to.equal('Relais <hulp@relais.test>');
    expect(ack?.replyTo).to.match(new RegExp(`^hulp\\+${ticket.number}-[0-9a-f]+@relais\\.test$`, 'i'));

    // Mail from an unknown member lands in the default office's queue.
    const advisor = String(ticket.office) === String(org.offices.liege) ? org.staff.advisorLiege : org.staff.advisorCharleroi;
    const claimed = await claimTicket({ actor: advisor, ticketId: String(ticket._id), version: ticket.version });
    await replyToTicket({ actor: advisor, ticketId: String(ticket._id), version: claimed.version, text: 'Hier is uw attest.' });
    const reply = (await mailsOf(ticket)).find((m) => m.template !== 'ticket-acknowledgement');
    expect(reply?.from).to.equal('Relais <hulp@relais.test>');
    expect(reply?.replyTo).to.equal(ack?.replyTo);

    // Jef answers that mail: it comes to hulp+token@ and joins his ticket.
    const answered = await mailTo(
      ack?.replyTo ?? '',
      `Jef Claes <${email}>`,
      `Re: [${ticket.number}] Attest voor de crèche`,
      'Dank u, maar de datum klopt niet.',
    );
    expect(answered).to.equal(ticket.number);
    expect(await MessageModel.countDocuments({ ticket: ticket._id, text: /de datum klopt niet/ })).to.equal(1);
  });

  it('only an extra address on MAIL_FROM’s own domain is answered from (another domain would fail DMARC alignment); case and +token do not matter', () => {
    const facts = (mailbox: string) => ({ routing: { facts: { mailbox } } });
    const settings = { mailFrom: 'Relais <support@relais.test>', inbound: { extraAddresses: ['hulp@relais.test', 'aide@autre.example'] } };
    expect(mailboxAddress(settings, facts('Hulp+R-2026-000001-abc@Relais.test'))).to.equal('hulp@relais.test');
    expect(mailboxAddress(settings, facts('aide@autre.example'))).to.equal(null);
    expect(mailboxAddress(settings, facts('INBOX'))).to.equal(null);
    expect(mailboxAddress(settings, { routing: null })).to.equal(null);
  });

  it('a mail to the main address, and a ticket filed on the web, keep MAIL_FROM and support+', async () => {
    const number = await mailTo(
      'support@relais.test',
      `Claire Martin <claire.${new Types.ObjectId().toHexString()}@example.be>`,
      'Fiche de paie',
      'Bonjour, ma fiche de paie est fausse.',
    );
    const byMail = await TicketModel.findOne({ number }).lean<Ticket>();
    const [ack] = await mailsOf(byMail as Ticket);
    expect(ack?.from).to.equal('Relais <support@relais.test>');
    expect(ack?.replyTo).to.match(/^support\+/);
    const web = await buildTicket(org, { member: { name: 'Anna', email: `anna.${new Types.ObjectId().toHexString()}@example.be` }, subject: 'Question' });
    const [webAck] = await mailsOf(web);
    expect(webAck?.from).to.equal('Relais <support@relais.test>');
  });
});
