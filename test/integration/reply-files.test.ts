/**
 * Staff replies with files and formatting, end to end: the multipart API route (members' limits and
 * allow-list, 413/422 naming the file, refused from the declared length), the stored message (safe
 * HTML and plain text), the mail sent through a real SMTP server (the file attached, the text part
 * readable), the member page listing and serving the file, another member refused, and signatures.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { Transporter } from 'nodemailer';
import request from 'supertest';
import { openMemberLink } from '../helpers/pages.js';
import { attachmentStorage } from '../../server/attachments/storage.js';
import type { Config } from '../../server/config.js';
import { Outbox, type OutboxMail } from '../../server/mail/mail.models.js';
import { createMailTransport, processOutbox } from '../../server/mail/outbox.js';
import { memberLinkUrl } from '../../server/members/member-links.js';
import { StaffModel } from '../../server/staff/staff.model.js';
import { MessageModel, type Message } from '../../server/tickets/message.model.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'files');
const pdf = readFileSync(path.join(fixtures, 'sample.pdf'));
const msi = readFileSync(path.join(fixtures, 'installer.msi'));

describe('staff replies: files and formatting', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let app: Express;
  let token: string;
  let smtp: TestSmtp;
  let transport: Transporter;

  before(async () => {
    org = await buildOrg();
    config = testConfig({ PUBLIC_URL: 'http://127.0.0.1:9999', ATTACHMENT_MAX_BYTES: String(64 * 1024), ATTACHMENT_MAX_FILES: '2' });
    app = testApp(config);
    token = await login(app, org.staff.advisorLiege.email);
    smtp = await startTestSmtp();
    transport = createMailTransport(smtp.url);
  });

  after(async () => {
    transport.close();
    await smtp.stop();
  });

  async function heldTicket(language = 'fr'): Promise<Ticket> {
    const ticket = await buildTicket(org, { office: org.offices.liege, language });
    const view = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: ticket.version });
    return { ...ticket, version: view.version };
  }

  function replyWithFiles(ticket: Ticket, body: object, files: { name: string; bytes: Buffer }[]) {
    let req = request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/replies`)
      .set('Authorization', `Bearer ${token}`)
      .field('payload', JSON.stringify({ version: ticket.version, ...body }));
    for (const f of files) req = req.attach('attachments', f.bytes, f.name);
    return req;
  }

  /** A reply without files, as JSON. */
  function replyText(ticket: Ticket, text: string) {
    return request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/replies`)
      .set('Authorization', `Bearer ${token}`)
      .send({ version: ticket.version, text });
  }

  async function replyMessage(ticket: Ticket): Promise<Message> {
    const messages = await MessageModel.find({ ticket: ticket._id, 'author.kind': 'staff' }).lean<Message[]>();
    const last = messages.at(-1);
    if (!last) throw new Error('no staff message');
    return last;
  }

  async function replyMail(ticket: Ticket): Promise<OutboxMail> {
    const mails = await Outbox.find({ ticket: ticket._id, template: { $in: ['staff-reply', 'information-request'] } }).lean<OutboxMail[]>();
    const mail = mails.at(-1);
    if (!mail) throw new Error('no reply mail');
    return mail;
  }

  it('sends a formatted reply with a PDF: stored with the message, attached to the mail read back from SMTP, the text part readable', async () => {
    const ticket = await heldTicket();
    const res = await replyWithFiles(
      ticket,
      { text: 'Bonjour,\n\nVoici **votre attestation** :\n- signée\n- datée\n\nVoir [la page](https://relais.example/aide).' },
      [{ name: 'attestation.pdf', bytes: pdf }],
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const message = await replyMessage(ticket);
    expect(message.attachments).to.have.length(1);
    expect(message.html).to.include('<strong>votre attestation</strong>').and.include('<ul><li>signée</li>');
    expect(message.html).to.include('<a href="https://relais.example/aide" rel="noopener noreferrer nofollow" target="_blank">la page</a>');
    expect(message.text).to.include('votre attestation').and.not.include('**');

    const mail = await replyMail(ticket);
    expect(mail.attachments?.map(String)).to.deep.equal(message.attachments.map(String));
    // The outbox keeps ids, not bytes.
    expect(JSON.stringify(mail).length).to.be.lessThan(pdf.length + 20_000);
    await processOutbox({ transport, logger: silentLogger, attachmentStorage: attachmentStorage(config) });
    const got = await smtp.sentMail({ subject: `[${ticket.number}] ${ticket.subject}`, text: /Voici votre attestation/ });
    const attached = got.parsed.attachments.find((a) => a.filename === 'attestation.pdf');
    expect(attached, 'the PDF is attached').to.not.equal(undefined);
    expect(attached?.contentType).to.equal('application/pdf');
    expect(attached?.content.equals(pdf)).to.equal(true);
    expect(got.parsed.text).to.include('Voici votre attestation :').and.include('- signée').and.include('la page (https://relais.example/aide)');
    expect(got.parsed.html).to.include('<strong>votre attestation</strong>');
  });

  it('fills placeholders typed by hand, as a saved reply would: the member never reads "{member.first_name}"', async () => {
    const ticket = await heldTicket();
    // A placeholder that does not exist (a typo) is refused, naming it: the member would read it as typed.
    const typo = await replyText(ticket, 'Merci, {membre.prenom}.');
    expect(typo.status).to.equal(422);
    expect(typo.body.error).to.deep.include({ reason: 'unknown_reply_placeholder', placeholders: ['{membre.prenom}'] });
    expect(await Outbox.countDocuments({ ticket: ticket._id, template: 'staff-reply' })).to.equal(0);
    const text = 'Bonjour {member.first_name}, votre demande {ticket.number} est en cours. {{member.name}}\n\n{advisor.name}';
    const res = await replyText(ticket, text);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const message = await replyMessage(ticket);
    const mail = await replyMail(ticket);
    for (const written of [message.text, message.html ?? '', mail.text, mail.html]) {
      expect(written).to.include(`Bonjour Claire, votre demande ${ticket.number} est en cours.`).and.include(org.staff.advisorLiege.name);
      // Template syntax stays as typed (nothing is evaluated).
      expect(written).to.include('{Claire Martin}').and.not.include('{member.first_name}');
    }
  });

  it('strips scripts, event handlers and javascript: links from the reply and its mail', async () => {
    const ticket = await heldTicket();
    const text =
      'Attention <script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)" onclick="x()">clic</a> [piège](javascript:alert(4)) **ok**';
    const res = await replyText(ticket, text);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const message = await replyMessage(ticket);
    for (const html of [message.html ?? '', (await replyMail(ticket)).html]) {
      // Typed markup shows as text (escaped); no tag carries a script, a handler or a javascript: link.
      expect(html).to.not.match(/<script|<img|<[^>]*\son\w+=|<a[^>]*href="javascript:/i);
      expect(html).to.include('<strong>ok</strong>');
    }
    expect(message.text).to.include('Attention').and.include('ok');
  });

  it('refuses a file over the size limit (413) and a type not allowed (422), naming the file; nothing is stored or sent', async () => {
    const ticket = await heldTicket();
    const big = Buffer.concat([pdf, Buffer.alloc(70 * 1024, 0x20)]);
    const tooLarge = await replyWithFiles(ticket, { text: 'Trop gros' }, [{ name: 'gros.pdf', bytes: big }]);
    expect(tooLarge.status).to.equal(413);
    expect(tooLarge.body.error.fields[0]).to.include({ path: 'attachments' });
    expect(tooLarge.body.error.fields[0].message).to.include('gros.pdf');
    const badType = await replyWithFiles(ticket, { text: 'Mauvais type' }, [{ name: 'setup.msi', bytes: msi }]);
    expect(badType.status).to.equal(422);
    expect(badType.body.error.message).to.include('setup.msi');
    const tooMany = await replyWithFiles(ticket, { text: 'Trop' }, [
      { name: 'a.pdf', bytes: pdf },
      { name: 'b.pdf', bytes: pdf },
      { name: 'c.pdf', bytes: pdf },
    ]);
    expect(tooMany.status).to.equal(413);
    expect(tooMany.body.error.message).to.include('c.pdf');
    expect(await MessageModel.countDocuments({ ticket: ticket._id, 'author.kind': 'staff' })).to.equal(0);
  });

  it('refuses from the declared Content-Length, before reading the body, and checks the payload like a JSON body', async () => {
    const ticket = await heldTicket();
    const declared = await request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/replies`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .set('Content-Length', String(50 * 1024 * 1024))
      .send('--x--');
    expect(declared.status).to.equal(413);
    const badPayload = await request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/replies`)
      .set('Authorization', `Bearer ${token}`)
      .field('payload', JSON.stringify({ version: ticket.version, text: '', $where: '1' }));
    expect(badPayload.status).to.equal(400);
    const anonymous = await request(app)
      .post(`/api/v1/tickets/${String(ticket._id)}/replies`)
      .field('payload', '{}')
      .attach('attachments', pdf, 'a.pdf');
    expect(anonymous.status).to.equal(401);
  });

  it("shows the file on the member's page and serves it there; another member cannot fetch it", async () => {
    const ticket = await heldTicket();
    const res = await replyWithFiles(ticket, { text: 'Votre **document**' }, [{ name: 'document.pdf', bytes: pdf }]);
    expect(res.status).to.equal(200);
    const message = await replyMessage(ticket);
    const fileId = String(message.attachments[0]);
    const member = request.agent(app);
    const link = new URL(memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) }));
    await openMemberLink(member, link.pathname);
    const page = await member.get(`/suivi/demandes/${ticket.number}`).expect(200);
    expect(page.text).to.include(`/suivi/pieces/${fileId}`).and.include('document.pdf');
    expect(page.text).to.include('<strong>document</strong>');
    const download = await member.get(`/suivi/pieces/${fileId}`).buffer(true).expect(200);
    expect(download.headers['content-disposition']).to.include('document.pdf');

    const other = await buildTicket(org, { office: org.offices.liege });
    const stranger = request.agent(app);
    const otherLink = new URL(memberLinkUrl(config, { memberId: String(other.member), ticketId: String(other._id) }));
    await openMemberLink(stranger, otherLink.pathname);
    await stranger.get(`/suivi/pieces/${fileId}`).expect(404);
  });

  it("adds the advisor's signature in the ticket's language under the reply, and the mail leaves out its own closing", async () => {
    await StaffModel.updateOne(
      { _id: org.staff.advisorLiege.id },
      { $set: { signatures: { fr: 'Anne\n*Conseillère, Liège*', nl: 'Anne\n*Adviseur, Luik*', en: null } } },
    );
    try {
      const nl = await heldTicket('nl');
      const res = await request(app)
        .post(`/api/v1/tickets/${String(nl._id)}/replies`)
        .set('Authorization', `Bearer ${token}`)
        .send({ version: nl.version, text: 'Het is in orde.' });
      expect(res.status).to.equal(200);
      const message = await replyMessage(nl);
      expect(message.html).to.include('<em>Adviseur, Luik</em>').and.not.include('Conseillère');
      const mail = await replyMail(nl);
      expect(mail.text).to.include('Adviseur, Luik').and.not.include('namens het team Ledenondersteuning');
      const en = await heldTicket('en');
      await request(app)
        .post(`/api/v1/tickets/${String(en._id)}/replies`)
        .set('Authorization', `Bearer ${token}`)
        .send({ version: en.version, text: 'Done.' })
        .expect(200);
      expect((await replyMail(en)).text).to.include('on behalf of the member support team');
      // No signature set, but the advisor signed the text: the mail does not close it a second time.
      const first = org.staff.advisorLiege.name.split(' ')[0] ?? '';
      const signedByHand = await heldTicket('en');
      await request(app)
        .post(`/api/v1/tickets/${String(signedByHand._id)}/replies`)
        .set('Authorization', `Bearer ${token}`)
        .send({ version: signedByHand.version, text: `Done.\n\nKind regards,\n${first}` })
        .expect(200);
      expect((await replyMail(signedByHand)).text)
        .to.include(`Kind regards,\n${first}`)
        .and.not.include('on behalf of the member support team');
    } finally {
      await StaffModel.updateOne({ _id: org.staff.advisorLiege.id }, { $set: { signatures: { fr: null, nl: null, en: null } } });
    }
  });
});
