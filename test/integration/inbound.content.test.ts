/**
 * What the pipeline stores and shows of a message's content (issue 15): TNEF unpacked, forwards
 * readable with their files, S/MIME signatures not announced as refused files, every file of a
 * large mail kept, inline images pointing at their authorized download, and the original message
 * downloadable by the staff who may read the ticket — and only by them.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { hidden } from '../helpers/pages.js';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import type { Config } from '../../server/config.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { signMemberLink } from '../../server/members/member-links.js';
import { MessageModel, type Message } from '../../server/tickets/message.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';
import { corpusMessage, loadManifest } from '../fixtures/mail/manifest.js';
import { onePixelPng } from '../helpers/bytes.js';

/** A new ticket's mail with a pasted screenshot (multipart/related, `cid:`). */
const cidMail = Buffer.from(
  [
    'From: Sophie Leroy <sophie.leroy@example.be>',
    'To: support@relais.demo',
    "Subject: Capture de l'erreur",
    'Message-ID: <cid.content@example.be>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Voici la capture du message d\'erreur.</p><p><img src="cid:capture@relais" alt="capture.png"></p>',
    '--rel',
    'Content-Type: image/png; name="capture.png"',
    'Content-Disposition: inline; filename="capture.png"',
    'Content-ID: <capture@relais>',
    'Content-Transfer-Encoding: base64',
    '',
    onePixelPng.toString('base64'),
    '--rel--',
    '',
  ].join('\r\n'),
);

describe('inbound content: what a ticket keeps and shows', function () {
  this.timeout(60_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let app: Express;
  let pipeline: InboundPipeline;
  const manifest = loadManifest();

  before(async () => {
    org = await buildOrg();
    config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>' });
    app = testApp(config);
    pipeline = createInboundPipeline({ config, logger: silentLogger });
  });

  async function firstMessage(raw: Buffer): Promise<Message & { ticketNumber: string; ticketId: string }> {
    const outcome = await pipeline.ingest({ raw, source: 'smtp', envelopeTo: ['support@relais.demo'] });
    expect(outcome?.kind, JSON.stringify(outcome)).to.equal('new_ticket');
    const message = await MessageModel.findOne({ ticket: outcome?.ticket }).lean<Message>();
    if (!message) throw new Error('no message');
    return { ...message, ticketNumber: outcome?.ticketNumber ?? '', ticketId: String(outcome?.ticket) };
  }

  const fixture = (file: string): Buffer => {
    const entry = manifest.find((e) => e.file === file);
    if (!entry) throw new Error(`no fixture ${file}`);
    return corpusMessage(entry);
  };

  async function filesOf(message: Message): Promise<string[]> {
    const files = await Promise.all(message.attachments.map((id) => AttachmentModel.findById(id).lean()));
    return files.map((f) => `${f?.filename} ${f?.contentType}`);
  }

  it('names a refused file at the end of the member’s message in the member’s language (a Dutch mail, an .exe)', async () => {
    const raw = Buffer.from(
      [
        'From: Lotte Maes <lotte.maes@example.be>',
        'To: support@relais.demo',
        'Subject: Boekhouding',
        'Message-ID: <exe.nl@example.be>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Goedendag, mijn boekhouder stuurt u hierbij het programma en de foutmelding. Kunt u ons verder helpen met de installatie? Met vriendelijke groeten, Lotte',
        '--m',
        'Content-Type: application/octet-stream; name="Boekhouding_setup.exe"',
        'Content-Disposition: attachment; filename="Boekhouding_setup.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]).toString('base64'),
        '--m--',
        '',
      ].join('\r\n'),
    );
    const message = await firstMessage(raw);
    expect((await TicketModel.findById(message.ticket, { language: 1 }).lean())?.language).to.equal('nl');
    expect(message.text).to.include('[Bijlagen niet aanvaard, bewaard in het oorspronkelijke bericht: Boekhouding_setup.exe (type niet aanvaard)]');
    expect(message.text).not.to.include('Pièces jointes');
  });

  it('gives a forwarded or replied mail that opens a ticket its subject without "Fwd:" or "Re:" (every mail about it repeats it), or its first words', async () => {
    const raw = (subject: string, id: string) =>
      Buffer.from(
        [
          `From: Marc Petit <marc.petit@example.be>`,
          'To: support@relais.demo',
          `Subject: ${subject}`,
          `Message-ID: <${id}@example.be>`,
          '',
          'Voici la facture reçue hier, pouvez-vous la vérifier ?',
          '',
        ].join('\r\n'),
      );
    const forwarded = await firstMessage(raw('Fwd: TR: Votre facture de régularisation', 'fwd.subject'));
    expect((await TicketModel.findById(forwarded.ticket, { subject: 1 }).lean())?.subject).to.equal('Votre facture de régularisation');
    // Nothing left of the subject: the ticket is named by the mail's first words, as a mail app lists it.
    const bare = await firstMessage(raw('Re:', 're.only'));
    expect((await TicketModel.findById(bare.ticket, { subject: 1 }).lean())?.subject).to.equal('Voici la facture reçue hier, pouvez-vous la vérifier ?');
  });

  it('unpacks winmail.dat: the body that was only inside it, and its PDF, no "message sans texte"', async () => {
    const message = await firstMessage(fixture('content-tnef-winmail-dat.eml'));
    expect(message.text).to.include("voici l'attestation demandée").and.not.include('message sans texte').and.not.include('non acceptées');
    expect(await filesOf(message)).to.deep.equal(['attestation.pdf application/pdf']);
  });

  it('shows a message forwarded as an attachment as a forward, its own PDF a file of the ticket', async () => {
    const message = await firstMessage(fixture('content-forward-rfc822-with-attachment.eml'));
    expect(message.text).to.include('---------- Message transféré ----------').and.include('veuillez trouver ci-joint le décompte');
    expect(await filesOf(message)).to.deep.equal(['decompte-2025.pdf application/pdf']);
  });

  it('does not announce an S/MIME signature as a refused file', async () => {
    const message = await firstMessage(fixture('content-smime-signed.eml'));
    expect(message.text).to.not.include('non acceptées').and.not.include('smime.p7s');
    expect(message.attachments).to.deep.equal([]);
  });

  it('keeps all 32 files of a mail (30 PDFs, an invitation, an archive), past the web form limit of 20', async () => {
    const message = await firstMessage(fixture('content-thirty-attachments.eml'));
    expect(message.text).to.not.include('non acceptées');
    const files = await filesOf(message);
    expect(files).to.have.length(32);
    expect(files.slice(30)).to.deep.equal(['reunion.ics text/calendar', 'photos.zip application/zip']);
  });

  it('points inline images of the stored HTML at their authorized download, and shows them in the thread', async () => {
    const message = await firstMessage(cidMail);
    const [image] = message.attachments;
    expect(message.html)
      .to.include(`<img src="/api/v1/attachments/${String(image)}" alt="capture.png" />`)
      .and.not.include('cid:');
    const advisor = await signedIn(app, org.staff.advisorCharleroi.email);
    const page = await advisor.get(`/staff/tickets/${message.ticketId}`).expect(200);
    expect(page.text).to.include(`<img src="/api/v1/attachments/${String(image)}" alt="capture.png"`);
    await advisor
      .get(`/api/v1/attachments/${String(image)}`)
      .expect(200)
      .expect('Content-Type', 'image/png');
  });

  it('lets staff who may read the ticket download its original message; another office, a member and nobody get 401/404', async () => {
    const raw = fixture('content-tnef-winmail-dat.eml');
    const ticket = await TicketModel.findOne({ subject: 'Attestation' }).lean();
    const message = await MessageModel.findOne({ ticket: ticket?._id }).lean<Message>();
    const url = `/api/v1/messages/${String(message?._id)}/original`;
    const own = await request(app)
      .get(url)
      .set('Authorization', `Bearer ${await login(app, org.staff.advisorCharleroi.email)}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(own.headers['content-type']).to.match(/^message\/rfc822/);
    expect(own.headers['content-disposition']).to.match(/^attachment; filename="R-\d{4}-\d{6}-[0-9a-f]{8}\.eml"$/);
    expect(Buffer.compare(own.body as Buffer, raw)).to.equal(0);

    const foreign = await request(app)
      .get(url)
      .set('Authorization', `Bearer ${await login(app, org.staff.advisorLiege.email)}`);
    expect(foreign.status).to.equal(404);
    expect(await request(app).get(url)).to.have.property('status', 401);
    const member = request.agent(app);
    const linkPage = await member
      .get(`/suivi/acces/${signMemberLink(config, { memberId: String(ticket?.member), ticketId: String(ticket?._id) })}`)
      .expect(200);
    await member
      .post('/suivi/acces')
      .type('form')
      .send({ _csrf: hidden(linkPage.text, '_csrf'), token: hidden(linkPage.text, 'token') })
      .expect(303);
    expect([401, 403, 404]).to.include((await member.get(url)).status);
    // A message that did not come by mail, and an id that is no message, are the same 404.
    const bearer = `Bearer ${await login(app, org.staff.advisorCharleroi.email)}`;
    await request(app).get('/api/v1/messages/000000000000000000000000/original').set('Authorization', bearer).expect(404);
    await request(app).get('/api/v1/messages/..%2F..%2Fetc/original').set('Authorization', bearer).expect(404);
  });
});
