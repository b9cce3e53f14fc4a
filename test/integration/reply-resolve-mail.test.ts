/**
 * Resolving right after replying sends one mail, not two (issue 16, point 10): a staff reply's mail
 * is held `REPLY_MAIL_HOLD` in the durable outbox (its due time, not a timer); a resolution during
 * the hold carries the reply (text, formatting, files) and cancels the held mail in the same step;
 * otherwise the reply goes when the hold ends. Mail is read back from a real SMTP server.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import type { Transporter } from 'nodemailer';
import { attachmentStorage } from '../../server/attachments/storage.js';
import type { Config } from '../../server/config.js';
import { Outbox, OutboxLeaseModel, type OutboxMail } from '../../server/mail/mail.models.js';
import { createMailTransport, processOutbox, queuedMail } from '../../server/mail/outbox.js';
import { claimTicket, reopenTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

describe('a reply then a resolution: one mail (held reply mail)', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let smtp: TestSmtp;
  let transport: Transporter;

  before(async () => {
    org = await buildOrg();
    config = testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999', REPLY_MAIL_HOLD: '60s' });
    useMail(config);
    smtp = await startTestSmtp();
    transport = createMailTransport(smtp.url);
  });

  after(async () => {
    useMail(testConfig());
    transport.close();
    await smtp.stop();
  });

  async function heldTicket(language: 'fr' | 'nl', at: Date): Promise<Ticket & { email: string }> {
    const email = `member.${Math.random().toString(36).slice(2, 8)}@example.be`;
    const ticket = await buildTicket(org, { language, member: { name: 'Claire Martin', email } });
    const view = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version, at });
    // The acknowledgement, out of the way of the counts below: due when the ticket was made, which is
    // after `at` when the clock ticked meanwhile (so not `send(at)`).
    await send(new Date(Math.max(Date.now(), at.getTime())));
    const ack = await Outbox.findOne({ ticket: ticket._id, template: 'ticket-acknowledgement' }).lean<OutboxMail>();
    if (ack) acks.add(ack.messageId);
    return { ...ticket, version: view.version, email };
  }

  async function mailsOf(ticketId: Types.ObjectId): Promise<OutboxMail[]> {
    const mails = await Outbox.find({ ticket: ticketId }).lean<OutboxMail[]>();
    return mails.filter((m) => m.template !== 'ticket-acknowledgement');
  }

  const send = (at: Date) => processOutbox({ transport, logger: silentLogger, attachmentStorage: attachmentStorage(config), now: () => at });
  const later = (t0: Date, seconds: number) => new Date(t0.getTime() + seconds * 1000);
  /** Julie's reply on `ticket` (at its version), at `at`. */
  const replyAt = (ticket: { _id: Types.ObjectId; version: number }, text: string, at: Date, more: { waitForMember?: boolean } = {}) =>
    replyToTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version, text, at, ...more });
  // Every mail to the member but the acknowledgement (by its Message-ID: its wording differs by channel).
  const acks = new Set<string>();
  const to = (email: string) => smtp.received.filter((m) => m.envelopeTo.includes(email) && !acks.has(m.parsed.messageId ?? ''));

  for (const language of ['fr', 'nl'] as const) {
    it(`resolved 10 s after the reply: one mail (${language}) with the reply, its formatting and the rating links; the held reply mail is cancelled`, async () => {
      const t0 = new Date();
      const ticket = await heldTicket(language, t0);
      const replied = await replyToTicket({
        actor: org.staff.advisorLiege,
        ticketId: String(ticket._id),
        version: ticket.version,
        text: language === 'fr' ? 'Votre **attestation** est prête :\n- signée\n- datée' : 'Uw **attest** is klaar:\n- ondertekend\n- gedateerd',
        at: t0,
      });
      const [held] = await mailsOf(ticket._id);
      expect(held?.template).to.equal('staff-reply');
      expect(held?.nextAttemptAt.getTime()).to.equal(t0.getTime() + 60_000);
      // Not sent while held.
      expect((await send(later(t0, 5))).sent).to.equal(0);

      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 10) });
      const mails = await mailsOf(ticket._id);
      const reply = mails.find((m) => m.template === 'staff-reply');
      const resolution = mails.find((m) => m.template === 'ticket-resolved');
      expect(reply?.status).to.equal('cancelled');
      expect(String(reply?.replacedBy)).to.equal(String(resolution?._id));
      expect(resolution?.status).to.equal('queued');
      // It carries a person's reply: not marked automatic, as the reply alone was not (QA).
      expect(resolution?.autoSubmitted).to.equal(false);

      // The resolution mail is held too (a reopening meanwhile undoes it), then goes once.
      expect((await send(later(t0, 11))).sent).to.equal(0);
      expect((await send(later(t0, 71))).sent).to.equal(1);
      expect((await send(later(t0, 180))).sent).to.equal(0);
      const got = to(ticket.email);
      expect(got).to.have.length(1);
      const [mail] = got;
      const text = mail?.parsed.text ?? '';
      const html = String(mail?.parsed.html);
      if (language === 'fr') {
        expect(mail?.subject).to.equal(`[${ticket.number}] ${ticket.subject}`);
        expect(text).to.include('vient de répondre').and.include('Votre attestation est prête').and.include('- signée').and.include('est maintenant résolue');
        expect(html).to.include('<strong>attestation</strong>');
      } else {
        expect(mail?.subject).to.equal(`[${ticket.number}] ${ticket.subject}`);
        expect(text).to.include('heeft uw vraag beantwoord').and.include('Uw attest is klaar').and.include('- ondertekend').and.include('is nu opgelost');
        expect(html).to.include('<strong>attest</strong>');
      }
      // The reply comes before the rating part, and the mail threads like the reply would have.
      expect(text.indexOf(language === 'fr' ? 'attestation est prête' : 'attest is klaar')).to.be.lessThan(text.indexOf('1 —'));
      expect(mail?.header('in-reply-to')).to.equal(held?.inReplyTo);
      if (process.env.SHOW_MAIL) console.log(`---- ${language}\n${mail?.subject}\n\n${text}`);
    });
  }

  it('a carried reply that greets the member itself: the resolution mail does not greet them again', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const replied = await replyAt(ticket, 'Bonjour Claire,\nVotre IBAN est modifié.\nJulie', t0);
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 10) });
    const resolution = (await mailsOf(ticket._id)).find((m) => m.template === 'ticket-resolved');
    expect(resolution?.text.split('\n')[0]).to.equal('Julie vient de répondre à votre demande :');
    expect(resolution?.text).to.include('Bonjour Claire,\nVotre IBAN est modifié.').and.not.include('Bonjour Claire Martin,');
    expect(resolution?.html).not.to.include('Bonjour Claire Martin,');
    await send(later(t0, 3600)); // out of the way of the counts of the cases after this one
  });

  it('a resolution mail on its own answers the member’s last email, not a message id nobody has', async () => {
    const email = `mail.${Math.random().toString(36).slice(2, 8)}@example.be`;
    const ticket = await buildTicket(org, {
      channel: 'email',
      member: { name: 'Jan Peeters', email },
      emailMessageId: '<first.jan@example.be>',
      acknowledge: false,
    });
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: claimed.version });
    const resolution = (await mailsOf(ticket._id)).find((m) => m.template === 'ticket-resolved');
    expect(resolution?.inReplyTo).to.equal('<first.jan@example.be>');
    // On its own it is a notice: marked automatic.
    expect(resolution?.autoSubmitted).to.equal(true);
    expect(resolution?.references).to.deep.equal([`<${ticket.number}@relais.demo>`, '<first.jan@example.be>']);
    await send(new Date(Date.now() + 3600_000));
  });

  it('resolved after the hold: the reply went on its own when due, and the resolution does not repeat it', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const replied = await replyAt(ticket, 'Voici la réponse seule.', t0);
    expect((await send(later(t0, 30))).sent).to.equal(0);
    // A new worker (a restart) reads the due time from the outbox: nothing lives in memory.
    expect((await send(later(t0, 61))).sent).to.equal(1);
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 90) });
    expect((await send(later(t0, 151))).sent).to.equal(1);
    const got = to(ticket.email);
    // One subject for both: the member's mail app keeps them in one conversation.
    expect(got.map((m) => m.subject)).to.deep.equal([`[${ticket.number}] ${ticket.subject}`, `[${ticket.number}] ${ticket.subject}`]);
    expect(got[0]?.parsed.text).to.include('vient de répondre').and.not.include('résolue');
    expect(got[1]?.parsed.text).to.include('est maintenant résolue');
    expect(got[1]?.parsed.text).to.not.include('Voici la réponse seule.');
  });

  it('reopened during the resolution’s hold (a mis-click): no "resolved" mail; the replies it carried go on their own, once', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const replied = await replyAt(ticket, 'Pouvez-vous nous envoyer votre dernier extrait de compte ?', t0, { waitForMember: true });
    const resolved = await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 10) });
    await reopenTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: resolved.version, at: later(t0, 12) });
    const mails = await mailsOf(ticket._id);
    expect(mails.find((m) => m.template === 'ticket-resolved')?.status).to.equal('cancelled');
    const again = mails.filter((m) => m.template === 'information-request' && m.status === 'queued');
    expect(again).to.have.length(1);
    // Due when the reply was: not before the hold it was written with.
    expect(again[0]?.nextAttemptAt.getTime()).to.equal(t0.getTime() + 60_000);
    expect((await send(later(t0, 30))).sent).to.equal(0);
    expect((await send(later(t0, 61))).sent).to.equal(1);
    expect((await send(later(t0, 300))).sent).to.equal(0);
    const got = to(ticket.email);
    expect(got.map((m) => m.subject)).to.deep.equal([`[${ticket.number}] ${ticket.subject}`]);
    expect(got[0]?.parsed.html).to.include('Nous avons besoin d’une information de votre part.');
    expect(got[0]?.parsed.text).to.include('dernier extrait de compte').and.not.include('résolue');
    expect(got[0]?.header('message-id')).to.equal(again[0]?.messageId);
  });

  it('reopened after the resolution mail went: nothing is undone (the member keeps the mail they got)', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const resolved = await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version, at: t0 });
    expect((await send(later(t0, 61))).sent).to.equal(1);
    await reopenTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: resolved.version, at: later(t0, 62) });
    expect((await mailsOf(ticket._id)).map((m) => [m.template, m.status])).to.deep.equal([['ticket-resolved', 'sent']]);
  });

  it('a held mail a worker already claimed is left to it: the resolution does not carry it (no mail twice)', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const replied = await replyAt(ticket, 'Réponse déjà en route.', t0);
    const [held] = await mailsOf(ticket._id);
    if (!held) throw new Error('no held mail');
    await OutboxLeaseModel.create({ _id: `${String(held._id)}:1`, outbox: held._id, attempt: 1, worker: 'another', at: later(t0, 9) });
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 10) });
    const mails = await mailsOf(ticket._id);
    expect(mails.find((m) => m.template === 'staff-reply')?.status).to.equal('queued');
    const resolution = mails.find((m) => m.template === 'ticket-resolved');
    expect(resolution?.text).to.not.include('Réponse déjà en route.');
  });

  it('two replies held, then a resolution: one mail with both, in order; nothing left queued for the ticket', async () => {
    const t0 = new Date();
    const ticket = await heldTicket('fr', t0);
    const first = await replyAt(ticket, 'Première réponse.', t0);
    const second = await replyToTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(ticket._id),
      version: first.version,
      text: 'Deuxième réponse.',
      at: later(t0, 5),
    });
    await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: second.version, at: later(t0, 10) });
    const queued = (await queuedMail()).filter((m) => String(m.ticket) === String(ticket._id));
    expect(queued.map((m) => m.template)).to.deep.equal(['ticket-resolved']);
    const text = queued[0]?.text ?? '';
    expect(text.indexOf('Première réponse.')).to.be.greaterThan(-1).and.lessThan(text.indexOf('Deuxième réponse.'));
    // One person wrote both: they are introduced once, in the text and in the HTML.
    expect(text.match(/vient de répondre à votre demande/g)).to.have.length(1);
    expect(queued[0]?.html.match(/vient de répondre à votre demande/g)).to.have.length(1);
  });

  it('with REPLY_MAIL_HOLD=0s the reply is due at once and a resolution sends its own mail', async () => {
    const noHold = testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999', REPLY_MAIL_HOLD: '0s' });
    expect(noHold.replyMailHold).to.equal(0);
    useMail(noHold);
    try {
      const t0 = new Date();
      const ticket = await heldTicket('fr', t0);
      const replied = await replyAt(ticket, 'Tout de suite.', t0);
      await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: replied.version, at: later(t0, 1) });
      const mails = await mailsOf(ticket._id);
      expect(mails.map((m) => [m.template, m.status])).to.deep.equal([
        ['staff-reply', 'queued'],
        ['ticket-resolved', 'queued'],
      ]);
      expect(mails[0]?.nextAttemptAt.getTime()).to.equal(t0.getTime());
    } finally {
      useMail(config);
    }
  });

  it('the default hold is 60 s', () => {
    expect(testConfig({ REPLY_MAIL_HOLD: undefined }).replyMailHold).to.equal(60);
  });
});
