/**
 * Inbound mail through its real channels: the SMTP receiver (smtp-server on loopback, fed by
 * nodemailer as an MTA would) and an IMAP mailbox on a real Dovecot, into the pipeline, with the
 * live layer running: a new ticket and a member's answer to Relais's own acknowledgement show in
 * the staff queue live; an out-of-office answer does not loop; a bounce is recorded on the member;
 * a broken message is quarantined and can be released.
 */
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import { startImapIntake, type ImapIntake } from '../../server/mail/inbound/imap.js';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { startInboundSmtp, type InboundSmtp } from '../../server/mail/inbound/smtp-receiver.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { MemberModel } from '../../server/members/member.model.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { rooms } from '../../server/realtime/rooms.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { startDovecot, type TestDovecot } from '../helpers/dovecot.js';
import { nextEvent, useLiveServer } from '../helpers/realtime.js';
import { autoSubmittedValue } from '../../server/mail/templates.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0', INBOUND_SMTP_MAX_BYTES: String(200 * 1024) });

function rawMail(lines: Record<string, string>, body: string): string {
  return `${Object.entries(lines)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}

describe('inbound mail through SMTP and IMAP, live in the staff queue', function () {
  this.timeout(60_000);
  const live = useLiveServer({ config });
  let pipeline: InboundPipeline;
  let smtp: InboundSmtp;
  const mta = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const send = (from: string, to: string, raw: string) => mta().sendMail({ envelope: { from, to: [to] }, raw });

  before(async () => {
    pipeline = createInboundPipeline({ config, logger: silentLogger });
    smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger });
  });
  after(async () => {
    await smtp?.stop();
  });

  it('refuses unknown recipients (550) and messages over the size limit (552) at the SMTP level', async () => {
    const refusedRecipient = await send(
      'a@example.be',
      'nobody@relais.demo',
      rawMail({ From: 'a@example.be', To: 'nobody@relais.demo', Subject: 'x' }, 'x'),
    ).catch((e: { responseCode?: number }) => e);
    expect((refusedRecipient as { responseCode?: number }).responseCode).to.equal(550);
    const big = await send(
      'a@example.be',
      'support@relais.demo',
      rawMail({ From: 'a@example.be', To: 'support@relais.demo', Subject: 'big' }, 'x'.repeat(300 * 1024)),
    ).catch((e: { responseCode?: number }) => e);
    expect((big as { responseCode?: number }).responseCode).to.equal(552);
    expect(await InboundMailModel.countDocuments()).to.equal(0);
  });

  it("turns a member's email into a ticket that appears live; their answer to the acknowledgement threads into it, live", async () => {
    const charleroi = await live.as('advisorCharleroi');
    const created = nextEvent(
      charleroi.socket,
      'ticket:update',
      (m) => m.event.type === 'created' && m.ticket.subject === 'Attestation pour la mutuelle',
      15_000,
    );
    await send(
      'lea.dubois@example.be',
      'support@relais.demo',
      rawMail(
        {
          From: 'Léa Dubois <lea.dubois@example.be>',
          To: 'support@relais.demo',
          Subject: 'Attestation pour la mutuelle',
          'Message-ID': '<lea-1@example.be>',
          'Content-Type': 'text/plain; charset=utf-8',
        },
        "Bonjour,\nPourriez-vous m'envoyer une attestation de revenus pour ma mutuelle ?\nMerci,\nLéa",
      ),
    );
    await smtp.idle();
    await domainEvents.settled();
    const update = await created;
    expect(update.ticket).to.include({ tier: 1, officeName: 'Charleroi', language: 'fr', channel: 'email' });
    expect(update.seqs).to.have.property(rooms.tier1Office(live.org.offices.charleroi));

    const ack = await Outbox.findOne({ template: 'ticket-acknowledgement', to: 'lea.dubois@example.be' }).lean<OutboxMail>();
    if (!ack) throw new Error('no acknowledgement');
    expect(ack.inReplyTo).to.equal('<lea-1@example.be>');
    // It answers Léa's mail: the one kind of acknowledgement sent as a reply (RFC 3834).
    expect(autoSubmittedValue(ack)).to.equal('auto-replied');
    const replied = nextEvent(charleroi.socket, 'ticket:update', (m) => m.ticket.id === update.ticket.id && m.event.type === 'member_replied', 15_000);
    await send(
      'lea.dubois@example.be',
      ack.replyTo ?? '',
      rawMail(
        {
          From: 'Léa Dubois <lea.dubois@example.be>',
          To: ack.replyTo ?? '',
          Subject: `Re: ${ack.subject}`,
          'Message-ID': '<lea-2@example.be>',
          'In-Reply-To': ack.messageId,
          References: `${ack.references.join(' ')} ${ack.messageId}`,
          'Content-Type': 'text/plain; charset=utf-8',
        },
        "J'oubliais : c'est pour l'année 2025.\n\nLe lun. 3 mars 2026 à 10:12, Relais <support@relais.demo> a écrit :\n> Nous avons bien reçu votre demande",
      ),
    );
    await smtp.idle();
    await domainEvents.settled();
    const answer = await replied;
    expect(answer.ticket.messageCount).to.equal(2);
    // The quoted history is kept apart from the new text (shown collapsed on the staff page).
    const stored = await MessageModel.findOne({ emailMessageId: '<lea-2@example.be>' }).lean();
    expect(stored?.text).to.include('2025').and.not.include('Nous avons bien reçu');
    expect(stored?.quoted).to.include('Nous avons bien reçu');

    // An out-of-office answer to our acknowledgement: recorded, never answered, nothing on the ticket.
    const outboxBefore = await Outbox.countDocuments();
    await send(
      'lea.dubois@example.be',
      ack.replyTo ?? '',
      rawMail(
        {
          From: 'Léa Dubois <lea.dubois@example.be>',
          To: ack.replyTo ?? '',
          Subject: `Réponse automatique : ${ack.subject}`,
          'Auto-Submitted': 'auto-replied',
          'Message-ID': '<lea-ooo@example.be>',
          'In-Reply-To': ack.messageId,
        },
        "Je suis absente jusqu'au 10 mars.",
      ),
    );
    await smtp.idle();
    const ooo = await InboundMailModel.findOne({ messageId: '<lea-ooo@example.be>' }).lean();
    expect(ooo?.outcome?.kind).to.equal('auto_reply');
    expect(await Outbox.countDocuments()).to.equal(outboxBefore);
    expect((await TicketModel.findById(update.ticket.id).lean())?.messageCount).to.equal(2);
  });

  it('records a bounce on the member it is about (it returns our acknowledgement), and creates no ticket', async () => {
    const tickets = await TicketModel.countDocuments();
    // A report changes a member's record only when it answers a message Relais sent them.
    const ack = await Outbox.findOne({ template: 'ticket-acknowledgement', to: 'lea.dubois@example.be' }).lean<OutboxMail>();
    if (!ack) throw new Error('no acknowledgement');
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.be>',
      'To: support@relais.demo',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.be>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Your message could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.be',
      '',
      'Final-Recipient: rfc822; lea.dubois@example.be',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Relais <support@relais.demo>',
      'To: lea.dubois@example.be',
      `Message-ID: ${ack.messageId}`,
      '--b--',
      '',
    ].join('\r\n');
    await send('', 'support@relais.demo', dsn);
    await smtp.idle();
    const member = await MemberModel.findOne({ email: 'lea.dubois@example.be' }).lean<{ lastBounce?: { status: string; diagnostic: string } }>();
    expect(member?.lastBounce).to.include({ status: '5.2.2' });
    expect(await TicketModel.countDocuments()).to.equal(tickets);
  });

  it('quarantines a broken message with its reason; reprocessing and forcing are recorded, and it can be discarded with a note', async () => {
    await send('x@example.be', 'support@relais.demo', 'this is not an email at all, no headers\r\n\r\njust text');
    await smtp.idle();
    const broken = await InboundMailModel.findOne({ status: 'quarantined', 'outcome.reason': 'unparseable' }).lean();
    if (!broken) throw new Error('not quarantined');
    expect((await pipeline.reprocess(broken._id, 'admin'))?.kind).to.equal('quarantine');
    const forced = await pipeline.force(broken._id, 'admin');
    // Unparseable mail has no sender to make a ticket for: it stays quarantined, with the attempt recorded.
    expect(forced?.kind).to.equal('quarantine');
    const discarded = await pipeline.discard(broken._id, 'admin', 'spam');
    expect(discarded?.kind).to.equal('discarded');
    expect((await InboundMailModel.findById(broken._id).lean())?.history.map((h) => h.action)).to.include.members([
      'received',
      'quarantined',
      'forced',
      'discarded',
    ]);
  });

  describe('an IMAP mailbox on a real Dovecot', () => {
    let dovecot: TestDovecot;
    let intake: ImapIntake | undefined;
    before(async function () {
      this.timeout(60_000);
      dovecot = await startDovecot();
    });
    after(async () => {
      await intake?.stop();
      await dovecot?.dispose();
    });

    it("makes a ticket of a message in the mailbox, routed by the mailbox's settings, and marks it processed only then", async () => {
      const mailboxes = testConfig({
        IMAP_MAILBOXES: JSON.stringify([{ name: 'liege', url: dovecot.url('support'), office: 'liege', pollSeconds: 1 }]),
      }).imapMailboxes;
      await dovecot.append(
        'support',
        'INBOX',
        rawMail(
          {
            From: 'Tom Wouters <tom.wouters@example.be>',
            To: 'support@relais.demo',
            Subject: 'Vraag over mijn voorschot',
            'Message-ID': '<tom-1@example.be>',
            'Content-Type': 'text/plain; charset=utf-8',
          },
          'Goedendag, wanneer wordt mijn voorschot van april gestort? Met vriendelijke groeten, Tom',
        ),
      );
      intake = startImapIntake({
        mailboxes,
        logger: silentLogger,
        handle: async (m) => {
          const box = mailboxes.find((b) => b.name === m.mailbox);
          const outcome = await pipeline.ingest({
            raw: m.raw,
            source: 'imap',
            mailbox: m.mailbox,
            truncated: m.truncated,
            routing: { office: box?.office, category: box?.category },
          });
          if (!outcome) throw new Error('no outcome');
        },
      });
      const deadline = Date.now() + 20_000;
      let ticket = null;
      while (!ticket && Date.now() < deadline) {
        ticket = await TicketModel.findOne({ subject: 'Vraag over mijn voorschot' }).lean();
        if (!ticket) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ticket, 'a ticket from the IMAP message').to.not.equal(null);
      expect(String(ticket?.office)).to.equal(String(live.org.offices.liege));
      expect(ticket?.language).to.equal('nl');
      const deadline2 = Date.now() + 10_000;
      let flags: string[] = [];
      while (!flags.includes('$RelaisProcessed') && Date.now() < deadline2) {
        flags = (await dovecot.messages('support', 'INBOX'))[0]?.flags ?? [];
        if (!flags.includes('$RelaisProcessed')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(flags).to.include('$RelaisProcessed');
    });
  });
});
