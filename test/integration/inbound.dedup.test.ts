/**
 * Issue 15, what is the same message and what is not: a message with a Message-ID used before but
 * other content is a new message (its own record and ticket, flagged); a relayed copy (one more
 * Received:, no Message-ID) is the same message (one ticket); an identical re-delivery is recorded as
 * "same as" the first and never makes a second ticket — over SMTP and over the IMAP path alike — and
 * a delayed-delivery notice is machine mail that leaves the member's address alone.
 */
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import { listInboundPage } from '../../server/mail/inbound/inbound-admin.js';
import { InboundPendingModel, type InboundMail } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { hashOf } from '../../server/mail/inbound/raw.js';
import { startInboundSmtp, type InboundSmtp } from '../../server/mail/inbound/smtp-receiver.js';
import { enqueueMail } from '../../server/mail/outbox.js';
import { MemberModel } from '../../server/members/member.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import type { Config } from '../../server/config.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';

function mail(headers: Record<string, string>, body: string): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

async function recordsFrom(address: string): Promise<InboundMail[]> {
  return (await listInboundPage({ filter: 'all', limit: 500 })).messages.filter((m) => (m.from ?? '').includes(address));
}

describe('inbound identity: reused Message-IDs, relayed copies, re-deliveries, machine mail', function () {
  this.timeout(60_000);
  useTestDatabase();
  let config: Config;
  let org: Org;
  let pipeline: InboundPipeline;
  const running: InboundSmtp[] = [];
  const send = (port: number, from: string, raw: string) =>
    nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail({ envelope: { from, to: ['support@relais.demo'] }, raw });

  before(async () => {
    org = await buildOrg();
    config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0' });
    useMail(config);
    pipeline = createInboundPipeline({ config, logger: silentLogger });
  });
  after(async () => {
    for (const r of running) await r.stop();
  });

  it('makes a message with a reused Message-ID and new content its own record and ticket, flagged (SMTP)', async () => {
    const smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger });
    running.push(smtp);
    const scan = (subject: string, body: string) =>
      mail(
        {
          From: 'Copieur 2e étage <scanner@copieur.example>',
          To: 'support@relais.demo',
          Subject: subject,
          Date: 'Wed, 04 Mar 2026 09:00:00 +0100',
          // The scanner's firmware sends every scan with the same Message-ID.
          'Message-ID': '<scan@copieur.example>',
          'Content-Type': 'text/plain; charset=utf-8',
        },
        body,
      );
    const first = await send(smtp.port, 'scanner@copieur.example', scan('Scan 0001', 'Bulletin de salaire de Léa.'));
    const second = await send(smtp.port, 'scanner@copieur.example', scan('Scan 0002', 'Attestation de Tom.'));
    expect(first.response).to.match(/^250/);
    expect(second.response).to.match(/^250/);
    await smtp.idle();

    expect(await TicketModel.countDocuments({ subject: { $in: ['Scan 0001', 'Scan 0002'] } })).to.equal(2);
    const records = await recordsFrom('scanner@copieur.example');
    expect(records.map((r) => r.outcome?.kind).sort()).to.deep.equal(['new_ticket', 'new_ticket']);
    const older = records.find((r) => r.subject === 'Scan 0001');
    const newer = records.find((r) => r.subject === 'Scan 0002');
    expect(older?.reusesMessageIdOf ?? null).to.equal(null);
    expect(newer?.reusesMessageIdOf, 'flagged: the Message-ID was used before by another message').to.equal(older?._id);
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
  });

  it('ends a relayed copy of a message without a Message-ID (one more Received:) on one ticket, listed as the same', async () => {
    const raw = mail(
      {
        From: 'Formulaire <formulaire@commune.example>',
        To: 'support@relais.demo',
        Subject: 'Demande de contact',
        Date: 'Wed, 04 Mar 2026 10:00:00 +0100',
        'Content-Type': 'text/plain; charset=utf-8',
      },
      'Nom : Aline Marchal\nMessage : je voudrais changer mon adresse.',
    );
    const relayed = `Received: from mx2.commune.example by mx.relais.demo; Wed, 4 Mar 2026 10:00:05 +0100\r\nReturn-Path: <bounces@commune.example>\r\nX-Spam-Score: 0.1\r\n${raw}`;
    const first = await pipeline.ingest({ raw: Buffer.from(raw), source: 'smtp', envelopeTo: ['support@relais.demo'] });
    const copy = await pipeline.ingest({ raw: Buffer.from(relayed), source: 'imap', mailbox: 'INBOX' });
    expect(first?.kind).to.equal('new_ticket');
    expect(copy?.kind).to.equal('duplicate');
    expect(copy?.ticketNumber).to.equal(first?.ticketNumber);
    expect(await TicketModel.countDocuments({ subject: 'Demande de contact' })).to.equal(1);
    const records = await recordsFrom('formulaire@commune.example');
    expect(records).to.have.length(2);
    const duplicate = records.find((r) => r.outcome?.kind === 'duplicate');
    expect(duplicate?.sameAs).to.equal(hashOf(Buffer.from(raw)));
  });

  it('records an identical re-delivery as the same as the first, never a second ticket (processed or still waiting)', async () => {
    const raw = Buffer.from(
      mail(
        {
          From: 'Paul Henrard <paul.henrard@example.be>',
          To: 'support@relais.demo',
          Subject: 'Carte de membre',
          Date: 'Wed, 04 Mar 2026 11:00:00 +0100',
          'Message-ID': '<carte-1@example.be>',
          'Content-Type': 'text/plain; charset=utf-8',
        },
        'Je n’ai pas reçu ma carte de membre.',
      ),
    );
    const first = await pipeline.ingest({ raw, source: 'smtp' });
    // Delivered again after it was processed (an IMAP folder fetched again, a sender that retried).
    const again = await pipeline.ingest({ raw, source: 'imap', mailbox: 'INBOX' });
    expect(again).to.include({ kind: 'duplicate', ticketNumber: first?.ticketNumber });
    // And twice while the first copy still waits (the SMTP 250 was lost and the sender retried).
    const stored = await pipeline.store({ raw, source: 'smtp' });
    const retried = await pipeline.store({ raw, source: 'smtp' });
    expect(retried.id).to.not.equal(stored.id);
    expect((await pipeline.process(stored.id))?.kind).to.equal('duplicate');
    expect((await pipeline.process(retried.id))?.kind).to.equal('duplicate');

    expect(await TicketModel.countDocuments({ subject: 'Carte de membre' })).to.equal(1);
    const records = await recordsFrom('paul.henrard@example.be');
    expect(records).to.have.length(4);
    const original = hashOf(raw);
    expect(records.filter((r) => r._id !== original).map((r) => r.sameAs)).to.deep.equal([original, original, original]);
    expect(records.every((r) => r.status === 'done')).to.equal(true);
    // Every record's bytes can be read back (the administrators' page and the download).
    for (const r of records) expect((await pipeline.raw(r._id)).equals(raw)).to.equal(true);
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
  });

  it('appends both of two replies that came with the same Message-ID and other content (the second is no retry of the first)', async () => {
    const ticket = await buildTicket(org, { member: { name: 'Rik Smet', email: 'rik.smet@example.be' }, subject: 'Attest' });
    const tokens: Record<string, string> = { rikToken1234: ticket.number };
    const withToken = createInboundPipeline({ config, logger: silentLogger, resolveToken: (t) => tokens[t] ?? null });
    const reply = (body: string) =>
      Buffer.from(
        mail(
          {
            From: 'Rik Smet <rik.smet@example.be>',
            To: 'support+rikToken1234@relais.demo',
            Subject: `Re: [${ticket.number}] Attest`,
            'Message-ID': '<app-reply@example.be>',
            'Content-Type': 'text/plain; charset=utf-8',
          },
          body,
        ),
      );
    expect((await withToken.ingest({ raw: reply('Eerste antwoord.'), source: 'smtp' }))?.kind).to.equal('follow_up');
    const second = await withToken.ingest({ raw: reply('Tweede antwoord, met iets nieuws.'), source: 'smtp' });
    expect(second).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
    expect(second?.reason).to.not.equal('already appended');
    const texts = (await MessageModel.find({ ticket: ticket._id, channel: 'email' }).lean()).map((m) => m.text);
    expect(texts).to.have.length(2);
  });

  it("records a delayed-delivery notice about our mail as machine mail, leaving the member's address alone", async () => {
    const email = 'noemie.lent@example.be';
    const ticket = await buildTicket(org, { member: { name: 'Noémie Lent', email }, subject: 'Prime' });
    const sent = await enqueueMail(
      {
        template: 'ticket-acknowledgement',
        locale: 'fr',
        to: email,
        ticketId: ticket._id,
        data: { ticketNumber: ticket.number, subject: ticket.subject, ticketUrl: 'https://relais.test/suivi' },
      },
      { config },
    );
    const raw = [
      'Return-Path: <>',
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.be>',
      'To: support@relais.demo',
      'Subject: Delayed Mail (still being retried)',
      'Message-ID: <delay-1@mx.example.be>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message has not been delivered yet.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.be',
      '',
      `Final-Recipient: rfc822; ${email}`,
      'Action: delayed',
      'Status: 4.4.7',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${config.mailFrom}`,
      `To: ${email}`,
      `Message-ID: ${sent.messageId}`,
      '--b--',
      '',
    ].join('\r\n');
    const outcome = await pipeline.ingest({ raw: Buffer.from(raw), source: 'smtp', envelopeFrom: '' });
    expect(outcome?.kind).to.equal('machine');
    expect((await MemberModel.findOne({ email }).lean<{ lastBounce?: unknown }>())?.lastBounce ?? null).to.equal(null);
  });
});
