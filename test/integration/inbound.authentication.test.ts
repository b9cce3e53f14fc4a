/**
 * Mail authentication at the door (issue 14, findings 1 and 2): mail sent to the real SMTP receiver
 * (nodemailer as the MTA) and evaluated with a fake DNS resolver that serves the test's own DKIM key
 * and DMARC records. A From address alone proves nothing: a staff member's mail becomes an internal
 * note only with an aligned DKIM or DMARC pass, a follow-up without a reply token only with a pass
 * (else it is held for a person to confirm), and a delivery report changes a member's record only
 * when it answers a message Relais sent. The receiver takes at most 20 recipients a message.
 */
import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Express } from 'express';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import nodemailer from 'nodemailer';
import { createApp } from '../../server/app.js';
import { InboundMailModel, type InboundMail } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { MAX_RECIPIENTS, startInboundSmtp, type InboundSmtp } from '../../server/mail/inbound/smtp-receiver.js';
import type { Transporter } from 'nodemailer';
import { enqueueMail, processOutbox } from '../../server/mail/outbox.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { verpAddress } from '../../server/mail/verp.js';
import { MemberModel } from '../../server/members/member.model.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { claimTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { hidden, signedIn } from '../helpers/pages.js';
import { autoSubmittedValue } from '../../server/mail/templates.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0' });
const roomy = { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };

/** A DNS that knows only what the test published: TXT records by name; anything else does not exist. */
function fakeDns(records: Map<string, string>) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    const value = rrtype === 'TXT' ? records.get(name.toLowerCase()) : undefined;
    if (value === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [[value]];
  };
}

/** Publishes an RSA key as `<selector>._domainkey.<domain>` and returns a signer for that domain. */
function dkimKey(records: Map<string, string>, domain: string, selector = 'relaistest'): (raw: string) => Promise<string> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  records.set(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${(publicKey as KeyObject).export({ type: 'spki', format: 'der' }).toString('base64')}`);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return async (raw) => {
    const key = { signingDomain: domain, selector, privateKey: pem };
    // mailauth signs with `signatureData`; its type declarations also require the fields at the top.
    const signed = await dkimSign(raw, { ...key, signatureData: [key] });
    if (signed.errors.length > 0) throw new Error(`signing failed: ${signed.errors.map(String).join(', ')}`);
    return `${signed.signatures}${raw}`;
  };
}

function rawMail(lines: Record<string, string>, body: string): string {
  return `${Object.entries(lines)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}

describe('inbound mail authentication at the door (SMTP, DKIM, DMARC, held follow-ups, bounces)', function () {
  this.timeout(60_000);
  useTestDatabase();
  const records = new Map<string, string>();
  let org: Org;
  let pipeline: InboundPipeline;
  let smtp: InboundSmtp;
  let app: Express;
  let serial = 0;
  let signStaff: (raw: string) => Promise<string>;
  let signMember: (raw: string) => Promise<string>;
  const mta = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const send = async (from: string, raw: string, to: string[] = ['support@relais.demo']) => {
    const info = await mta().sendMail({ envelope: { from, to }, raw });
    await smtp.idle();
    return info;
  };
  const recordOf = async (messageId: string): Promise<InboundMail> => {
    const found = await InboundMailModel.findOne({ messageId }).lean<InboundMail>();
    if (!found) throw new Error(`no record for ${messageId}`);
    return found;
  };
  const nextId = (who: string) => `<${who}-${++serial}@test.example>`;

  before(async () => {
    useMail(config);
    org = await buildOrg();
    // The staff's domain and the member's sign their mail and publish DMARC (monitoring only, p=none:
    // a forgery is then no DMARC reject, and the rules below are what stops it).
    records.set('_dmarc.test.relais', 'v=DMARC1; p=none');
    records.set('_dmarc.example.be', 'v=DMARC1; p=none');
    records.set('_dmarc.strict.example', 'v=DMARC1; p=reject');
    signStaff = dkimKey(records, 'test.relais');
    signMember = dkimKey(records, 'example.be');
    pipeline = createInboundPipeline({ config, logger: silentLogger, resolver: fakeDns(records) });
    smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger });
    app = createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
  });
  after(async () => {
    await smtp?.stop();
  });

  async function ticketFor(email: string, subject: string): Promise<Ticket> {
    return buildTicket(org, { member: { name: 'Claire Martin', email }, subject });
  }

  describe('finding 1: staff mail becomes an internal note only when it is authenticated', () => {
    it('holds a mail From a supervisor with a ticket number but no authentication, writes no note, and shows it in the quarantine with the verdict', async () => {
      const ticket = await ticketFor('claire.spoof@example.be', 'Fiche de paie');
      const supervisor = org.staff.supervisorLiege;
      const messageId = nextId('spoof-staff');
      await send(
        'attacker@evil.example',
        rawMail(
          { From: `Isabelle <${supervisor.email}>`, To: 'support@relais.demo', Subject: `Re: [${ticket.number}] Fiche de paie`, 'Message-ID': messageId },
          'Note : le membre a droit à un remboursement complet.',
        ),
      );
      const record = await recordOf(messageId);
      expect(record.status).to.equal('quarantined');
      expect(record.outcome).to.include({ kind: 'quarantine', reason: 'unverified_staff', relatedTicket: ticket.number });
      expect(record.authentication).to.include({ aligned: false, dkim: 'none', dmarc: 'fail' });
      expect(record.client?.ip).to.be.a('string').and.not.equal('');
      expect(await MessageModel.countDocuments({ ticket: ticket._id, visibility: 'internal' })).to.equal(0);

      const admin = await signedIn(app, org.staff.administrator.email);
      const list = await admin.get('/staff/inbound').expect(200);
      expect(list.text).to.include('data-reason="unverified_staff"');
      // Handlebars writes `=` as `&#x3D;`.
      expect(list.text.replace(/&#x3D;/g, '=')).to.match(/dkim=none dmarc=fail \(test\.relais\) — expéditeur non prouvé/);
      const page = await admin.get(`/staff/inbound/${record._id}`).expect(200);
      expect(page.text).to.include('Authentification (SPF, DKIM, DMARC)');
      expect(page.text).to.include('Confirmer : ajouter à la demande');
    });

    it('keeps a DKIM-signed mail from a supervisor as an internal note from the mail channel, naming the verified address', async () => {
      const ticket = await ticketFor('claire.signed@example.be', 'Attestation');
      const supervisor = org.staff.supervisorLiege;
      const messageId = nextId('signed-staff');
      const raw = await signStaff(
        rawMail(
          {
            From: `Isabelle <${supervisor.email}>`,
            To: 'support@relais.demo',
            Subject: `Re: [${ticket.number}] Attestation`,
            'Message-ID': messageId,
            Date: new Date().toUTCString(),
          },
          'Note : attestation envoyée par courrier.',
        ),
      );
      await send(supervisor.email, raw);
      const record = await recordOf(messageId);
      expect(record.outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
      expect(record.authentication).to.include({ aligned: true, dkim: 'pass', dmarc: 'pass' });
      const note = await MessageModel.findOne({ ticket: ticket._id, visibility: 'internal' }).lean();
      expect(note?.channel).to.equal('email');
      expect(note?.emailMessageId).to.equal(messageId);
      expect(note?.author?.staff?.toString()).to.equal(String(supervisor.id));
      expect(note?.text).to.include(`e-mail de ${supervisor.email} — authentifié : `).and.include('dkim=pass');
      // The proof is kept on the message itself, for the badge staff see next to it.
      expect(note?.mailAuth).to.deep.include({ proof: 'dmarc', domain: 'test.relais' });
    });
  });

  describe('a staff address is never filed as a member', () => {
    it("holds a colleague's answer to a notification about a ticket no longer in their queues, and a staff mail naming no ticket: no request, no acknowledgement (QA)", async () => {
      const ticket = await ticketFor('claire.notified@example.be', 'Vraag over mijn loonfiche');
      // Karim works in Charleroi: the Liège ticket is not his to note, signed or not.
      const colleague = org.staff.advisorCharleroi;
      const tickets = await TicketModel.countDocuments();
      const acks = await Outbox.countDocuments({ template: 'ticket-acknowledgement' });
      const answer = nextId('staff-answer');
      await send(
        colleague.email,
        await signStaff(
          rawMail(
            {
              From: `Karim <${colleague.email}>`,
              To: 'support@relais.demo',
              Subject: `Re: Escalade vers le niveau 2 : [${ticket.number}] Vraag`,
              'Message-ID': answer,
              Date: new Date().toUTCString(),
            },
            'OK je regarde demain.',
          ),
        ),
      );
      expect((await recordOf(answer)).outcome).to.include({ kind: 'quarantine', reason: 'staff_sender', relatedTicket: ticket.number });
      const unnamed = nextId('staff-unnamed');
      await send(
        colleague.email,
        rawMail({ From: `Karim <${colleague.email}>`, To: 'support@relais.demo', Subject: 'Question', 'Message-ID': unnamed }, 'Une question.'),
      );
      expect((await recordOf(unnamed)).outcome).to.include({ kind: 'quarantine', reason: 'staff_sender' });
      expect(await TicketModel.countDocuments()).to.equal(tickets);
      expect(await Outbox.countDocuments({ template: 'ticket-acknowledgement' })).to.equal(acks);
      // Said in the quarantine list in the page's language; a person can still create the request.
      const admin = await signedIn(app, org.staff.administrator.email);
      const list = await admin.get('/staff/inbound?lang=en').expect(200);
      expect(list.text).to.include('data-reason="staff_sender"').and.include('Email from a staff address');
    });
  });

  describe('finding 2: a follow-up without a reply token needs an authentication pass', () => {
    it('holds a mail From a member naming their resolved ticket, without token or authentication: not appended, not reopened; a person confirms it, recorded', async () => {
      const email = 'marc.resolved@example.be';
      let ticket = await ticketFor(email, 'Remboursement');
      const advisor = org.staff.advisorLiege;
      let view = await claimTicket({ actor: advisor, ticketId: String(ticket._id), version: ticket.version });
      view = await replyToTicket({ actor: advisor, ticketId: String(ticket._id), version: view.version, text: 'Voici la réponse.' });
      await resolveTicket({ actor: advisor, ticketId: String(ticket._id), version: view.version });
      const messageId = nextId('spoof-member');
      await send(
        'attacker@evil.example',
        rawMail(
          { From: `Marc <${email}>`, To: 'support@relais.demo', Subject: `Re: [${ticket.number}] Remboursement`, 'Message-ID': messageId },
          'Mon nouveau numéro de compte : BE00 1111 2222 3333.',
        ),
      );
      const record = await recordOf(messageId);
      expect(record.outcome).to.include({ kind: 'quarantine', reason: 'unverified_follow_up', relatedTicket: ticket.number });
      ticket = (await TicketModel.findById(ticket._id).lean<Ticket>()) ?? ticket;
      expect(ticket.status).to.equal('resolved');
      expect(await MessageModel.countDocuments({ ticket: ticket._id, emailMessageId: messageId })).to.equal(0);
      // Marc is told it waits for a check, at the address on the ticket (never the From's), in his request's thread (QA:
      // held without a word); a second held mail the same day tells him nothing more (one notice per ticket and day).
      const notices = () => Outbox.find({ ticket: ticket._id, template: 'follow-up-held' }).lean<OutboxMail[]>();
      const [notice] = await notices();
      expect(notice?.to).to.deep.equal([email]);
      // It answers the held mail, in its thread.
      expect(notice?.inReplyTo).to.equal(messageId);
      expect(notice && autoSubmittedValue(notice)).to.equal('auto-replied');
      expect(notice?.subject).to.equal(`[${ticket.number}] Remboursement`);
      expect(notice?.text).to.include('un membre de notre équipe le vérifiera').and.include('/suivi/acces/');
      const again = nextId('spoof-member-again');
      await send(
        'attacker@evil.example',
        rawMail({ From: `Marc <${email}>`, To: 'support@relais.demo', Subject: `[${ticket.number}] encore`, 'Message-ID': again }, 'Encore.'),
      );
      expect((await recordOf(again)).outcome?.reason).to.equal('unverified_follow_up');
      expect(await notices()).to.have.length(1);
      // An automatic answer (an out-of-office) naming a ticket is answered by nothing.
      const other = await ticketFor('nina.away@example.be', 'Congé');
      const away = nextId('away');
      await send(
        'nina.away@example.be',
        rawMail(
          {
            From: 'Nina <nina.away@example.be>',
            To: 'support@relais.demo',
            Subject: `Absente : [${other.number}] Congé`,
            'Message-ID': away,
            'Auto-Submitted': 'auto-replied',
          },
          'Je suis absente.',
        ),
      );
      expect(await Outbox.countDocuments({ ticket: other._id, template: 'follow-up-held' })).to.equal(0);

      // The administrator knows it is Marc (he phoned): "confirm" appends it, with who confirmed.
      const admin = await signedIn(app, org.staff.administrator.email);
      const page = await admin.get(`/staff/inbound/${record._id}`).expect(200);
      await admin
        .post(`/staff/inbound/${record._id}/force`)
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf') })
        .expect(303);
      const after = await InboundMailModel.findById(record._id).lean<InboundMail>();
      expect(after?.outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
      expect(after?.outcome?.reason).to.include(`confirmed by ${org.staff.administrator.name}`);
      expect(after?.history.find((h) => h.action === 'forced')?.by).to.include(org.staff.administrator.email);
      expect(await MessageModel.countDocuments({ ticket: ticket._id, emailMessageId: messageId })).to.equal(1);
      expect((await TicketModel.findById(ticket._id).lean())?.status).to.not.equal('resolved');
      const confirmed = await MessageModel.findOne({ ticket: ticket._id, emailMessageId: messageId }).lean();
      expect(confirmed?.mailAuth?.proof).to.equal('person');
      expect(confirmed?.mailAuth?.by).to.include(org.staff.administrator.name);
    });

    it('appends a DKIM-signed follow-up from the member that names the ticket only in its subject', async () => {
      const email = 'lina.signed@example.be';
      const ticket = await ticketFor(email, 'Chèques-repas');
      const messageId = nextId('signed-member');
      const raw = await signMember(
        rawMail(
          {
            From: `Lina <${email}>`,
            To: 'support@relais.demo',
            Subject: `Re: [${ticket.number}] Chèques-repas`,
            'Message-ID': messageId,
            Date: new Date().toUTCString(),
          },
          'Je joins le formulaire demain.',
        ),
      );
      await send(email, raw);
      const record = await recordOf(messageId);
      expect(record.outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
      expect(record.authentication?.aligned).to.equal(true);
      expect(await MessageModel.countDocuments({ ticket: ticket._id, emailMessageId: messageId, visibility: 'public' })).to.equal(1);
      expect((await MessageModel.findOne({ ticket: ticket._id, emailMessageId: messageId }).lean())?.mailAuth).to.deep.include({
        proof: 'dmarc',
        domain: 'example.be',
      });
    });

    it('keeps a forged delivery report naming a member off their record; a report on a message Relais sent them is recorded', async () => {
      const email = 'paul.bounce@example.be';
      const ticket = await ticketFor(email, 'Contrat');
      const dsn = (extra: string[]) =>
        [
          'From: Mail Delivery System <MAILER-DAEMON@mx.example.be>',
          'To: support@relais.demo',
          'Subject: Undelivered Mail Returned to Sender',
          `Message-ID: ${nextId('dsn')}`,
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
          `Final-Recipient: rfc822; ${email}`,
          'Action: failed',
          'Status: 5.1.1',
          'Diagnostic-Code: smtp; 550 5.1.1 Call 0900 123 456 to restore your mailbox',
          ...extra,
          '--b--',
          '',
        ].join('\r\n');
      await send('', dsn([]));
      expect((await MemberModel.findOne({ email }).lean<{ lastBounce?: unknown }>())?.lastBounce ?? null).to.equal(null);

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
      await send('', dsn(['--b', 'Content-Type: text/rfc822-headers', '', `From: ${config.mailFrom}`, `To: ${email}`, `Message-ID: ${sent.messageId}`, '']));
      expect((await MemberModel.findOne({ email }).lean<{ lastBounce?: { status: string } }>())?.lastBounce).to.include({ status: '5.1.1' });
    });
  });

  describe('VERP: the envelope sender names the message, so a report that quotes nothing still finds it', () => {
    const report = (email: string, messageId: string) =>
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.be>',
        'To: <bounces@relais.demo>',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: ${messageId}`,
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
        `Final-Recipient: rfc822; ${email}`,
        'Action: failed',
        'Status: 5.2.2',
        '--b--',
        '',
      ].join('\r\n');

    it('sends with a signed envelope sender; a report to it changes the member, a report to a forged one does not', async () => {
      const email = 'nora.verp@example.be';
      const ticket = await ticketFor(email, 'Prime');
      const queued = await enqueueMail(
        {
          template: 'ticket-acknowledgement',
          locale: 'fr',
          to: email,
          ticketId: ticket._id,
          data: { ticketNumber: ticket.number, subject: ticket.subject, ticketUrl: 'https://relais.test/suivi' },
        },
        { config },
      );
      type Sent = { messageId?: string; envelope?: { from?: string; to?: string[] } };
      const sent: Sent[] = [];
      const transport = { sendMail: async (m: Sent) => (sent.push(m), {}) } as unknown as Transporter;
      await processOutbox({ transport, logger: silentLogger, verp: config });
      const envelopeFrom = sent.find((m) => m.messageId === queued.messageId)?.envelope?.from ?? '';
      expect(envelopeFrom).to.equal(verpAddress(config, String(queued._id)));
      expect(envelopeFrom).to.match(/^support\+bounce-[0-9a-f]{24}-[0-9a-f]{16}@relais\.demo$/);

      // A forged VERP address (another MAC): accepted by the receiver, but nobody's record changes.
      const forged = envelopeFrom.replace(/-[0-9a-f]{16}@/, '-0000000000000000@');
      await send('', report(email, nextId('verp-forged')), [forged]);
      expect((await MemberModel.findOne({ email }).lean<{ lastBounce?: unknown }>())?.lastBounce ?? null).to.equal(null);

      // The genuine one: the report quotes no Message-ID and no headers, the envelope says which mail it was.
      await send('', report(email, nextId('verp')), [envelopeFrom]);
      expect((await MemberModel.findOne({ email }).lean<{ lastBounce?: { status: string } }>())?.lastBounce).to.include({ status: '5.2.2' });
    });
  });

  describe('new mail from unknown senders', () => {
    it('makes a ticket of unauthenticated first mail and records the verdict; quarantines a DMARC fail whose domain publishes p=reject', async () => {
      const plain = nextId('new');
      await send(
        'new.member@example.be',
        rawMail(
          { From: 'New <new.member@example.be>', To: 'support@relais.demo', Subject: 'Première question', 'Message-ID': plain },
          'Bonjour, une question.',
        ),
      );
      const created = await recordOf(plain);
      expect(created.outcome?.kind).to.equal('new_ticket');
      expect(created.authentication).to.include({ dmarc: 'fail', dmarcPolicy: 'none', aligned: false });
      expect(created.authentication?.by).to.deep.equal(['relais']);
      expect((await MessageModel.findOne({ emailMessageId: plain }).lean())?.mailAuth).to.deep.include({ proof: 'none' });

      const rejected = nextId('reject');
      await send(
        'someone@strict.example',
        rawMail({ From: 'Someone <someone@strict.example>', To: 'support@relais.demo', Subject: 'Question', 'Message-ID': rejected }, 'Bonjour.'),
      );
      expect((await recordOf(rejected)).outcome).to.include({ kind: 'quarantine', reason: 'spoofed_sender' });
    });
  });

  it(`refuses recipients beyond ${MAX_RECIPIENTS} in one message with 452, and takes the message for the others`, async () => {
    const to = Array.from({ length: MAX_RECIPIENTS + 3 }, (_, i) => `support+r${String(i).padStart(8, '0')}@relais.demo`);
    const messageId = nextId('many');
    const info = await send(
      'many@example.be',
      rawMail({ From: 'many@example.be', To: 'support@relais.demo', Subject: 'Beaucoup', 'Message-ID': messageId }, 'x'),
      to,
    );
    expect(info.accepted).to.have.length(MAX_RECIPIENTS);
    expect(info.rejected).to.have.length(3);
    expect((info as { rejectedErrors?: Array<{ responseCode?: number }> }).rejectedErrors?.[0]?.responseCode).to.equal(452);
    expect((await recordOf(messageId)).envelope.to).to.have.length(MAX_RECIPIENTS);
  });
});
