/**
 * A follow-up refused because it did not come from the cited ticket's member (`forged_follow_up`: the
 * member wrote from their work address, their accountant answered for them) is not lost in silence:
 * the ticket's page says a mail citing it waits in quarantine, and an administrator who knows it is the
 * member's attaches it to the ticket, in the member's name, the real sender said above it. Nobody else
 * may, and no other kind of held mail can be attached this way.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { InboundHeldByTicketModel, InboundMailModel, type InboundMail } from '../../server/mail/inbound/inbound.model.js';
import { backfillHeldByTicket, heldMailsCiting, withQuarantineHints } from '../../server/mail/inbound/inbound-hints.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { replyToken } from '../../server/members/member-links.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { MemberModel } from '../../server/members/member.model.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { memberClose } from '../../server/tickets/member.commands.js';
import { claimTicket } from '../../server/tickets/ticket.commands.js';
import { mergeTicket } from '../../server/tickets/ticket.merge.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMail } from '../helpers/enrichers.js';
import { buildOrg, buildStaff, buildTicket, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { hidden, signedIn } from '../helpers/pages.js';

const config = testConfig({ MAIL_FROM: 'Relais <support@relais.test>' });
const roomy = { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };
const idOf = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');

describe('a follow-up from another address: shown on its ticket, attached by an administrator who knows it', function () {
  this.timeout(30_000);
  useTestDatabase();
  let app: Express;
  let org: Org;
  let pipeline: InboundPipeline;
  let serial = 0;

  before(async () => {
    useMail(config);
    app = createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
    org = await buildOrg();
    pipeline = createInboundPipeline({ config, logger: silentLogger });
  });

  /** Sofie's answer sent from her work address, with the ticket's genuine reply address: quarantined. */
  async function fromWork(ticket: Ticket, body = 'Voici le document demandé, envoyé depuis le bureau.'): Promise<string> {
    serial += 1;
    const raw = Buffer.from(
      [
        'From: Sofie Claes <s.claes@werk.example>',
        `To: support+${replyToken(config, ticket.number)}@relais.test`,
        `Subject: Re: [${ticket.number}] Fiche de paie`,
        `Message-ID: <work-${serial}@werk.example>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '',
      ].join('\r\n'),
    );
    await pipeline.ingest({ raw, source: 'smtp', envelopeFrom: 's.claes@werk.example', envelopeTo: ['support@relais.test'] });
    const record = await InboundMailModel.findById(idOf(raw)).lean<InboundMail>();
    expect(record?.outcome).to.include({ kind: 'quarantine', reason: 'forged_follow_up', relatedTicket: ticket.number });
    return idOf(raw);
  }

  const newTicket = (subject = 'Fiche de paie') =>
    buildTicket(org, { member: { name: 'Sofie Claes', email: `sofie.${++serial}@example.be` }, subject, acknowledge: false });

  it('the ticket page tells its advisor a mail citing it waits in quarantine (no link: administrators decide), and an administrator gets the link', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    const seen = (await advisor.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text;
    expect(seen).to.include('Un e-mail qui cite ce ticket attend une décision en quarantaine');
    expect(seen).to.include('De s.claes@werk.example, reçu le').and.include('Réponse d’une autre adresse que celle du membre');
    expect(seen).to.include('un·e administrateur·rice décide');
    expect(seen).not.to.include(`/staff/inbound/${id}`);
    // In a small cooperative the office's supervisor is also the administrator: the link is theirs.
    const both = await buildStaff({ name: 'Anne Both', roles: ['supervisor', 'administrator'], office: org.offices.liege });
    const admin = await signedIn(app, both.email);
    const page = (await admin.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text;
    expect(page).to.include(`href="/staff/inbound/${id}"`).and.not.include('un·e administrateur·rice décide');
    // Another ticket says nothing.
    const other = await newTicket('Autre chose');
    expect((await admin.get(`/staff/tickets/${String(other._id)}`).expect(200)).text).not.to.include('attend une décision en quarantaine');
  });

  it('mail held before tickets listed it is listed once at start, so its ticket says so', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    await InboundHeldByTicketModel.collection.deleteOne({ _id: ticket.number } as never);
    expect(await heldMailsCiting([ticket.number])).to.deep.equal([]);
    expect(await backfillHeldByTicket()).to.be.at.least(1);
    expect((await heldMailsCiting([ticket.number])).map((m) => m._id)).to.deep.equal([id]);
    // Once per database.
    expect(await backfillHeldByTicket()).to.equal(0);
  });

  it('a mail held about a duplicate is announced on the ticket it was merged into, naming the duplicate; held again about another ticket, it leaves the first one’s list', async () => {
    const member = { name: 'Sofie Claes', email: `sofie.${++serial}@example.be` };
    const kept = await buildTicket(org, { member, subject: 'Fiche de paie', acknowledge: false });
    const duplicate = await buildTicket(org, { member, subject: 'Fiche de paie (bis)', acknowledge: false });
    const id = await fromWork(duplicate);
    const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(duplicate._id), version: duplicate.version });
    await mergeTicket({ actor: org.staff.advisorLiege, ticketId: String(duplicate._id), version: claimed.version, into: kept.number });
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    const page = (await advisor.get(`/staff/tickets/${String(kept._id)}`).expect(200)).text;
    expect(page).to.include('Un e-mail qui cite ce ticket attend une décision en quarantaine');
    expect(page).to.include(`De s.claes@werk.example, reçu le`).and.include(`cite ${duplicate.number}, un ticket fusionné avec celui-ci`);

    // Held again (a reprocess), now about another ticket: listed there, and no longer under the first.
    const other = await newTicket('Autre chose');
    const record = (await InboundMailModel.findById(id).lean<InboundMail>()) as InboundMail;
    const outcome = { ...record.outcome, relatedTicket: other.number } as InboundMail['outcome'];
    await withQuarantineHints(record, { status: 'quarantined', outcome }, async () => {
      await InboundMailModel.updateOne({ _id: id }, { $set: { outcome } });
    });
    expect((await InboundHeldByTicketModel.findById(duplicate.number).lean())?.mails ?? []).not.to.include(id);
    expect((await heldMailsCiting([other.number])).map((m) => m._id)).to.deep.equal([id]);
    expect(await heldMailsCiting([kept.number, duplicate.number])).to.deep.equal([]);
  });

  it('follows a chain of merges: mail held about a duplicate merged into a ticket merged on shows on the last one, with the first one’s history', async () => {
    const member = { name: 'Lotte Peeters', email: `lotte.${++serial}@example.be` };
    const last = await buildTicket(org, { member, subject: 'Attestation de travail', acknowledge: false });
    const middle = await buildTicket(org, { member, subject: 'Attestation (rappel)', acknowledge: false });
    const first = await buildTicket(org, { member, subject: 'Attestation (encore)', acknowledge: false });
    const id = await fromWork(first);
    const merge = async (ticket: Ticket, into: Ticket) => {
      const current = (await loadTicket(ticket._id)) as Ticket;
      const claimed = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: current.version });
      await mergeTicket({ actor: org.staff.advisorLiege, ticketId: String(ticket._id), version: claimed.version, into: into.number });
    };
    await merge(first, middle);
    await merge(middle, last);
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    const page = (await advisor.get(`/staff/tickets/${String(last._id)}`).expect(200)).text;
    expect(page).to.include('Un e-mail qui cite ce ticket attend une décision en quarantaine');
    expect(page).to.include(`cite ${first.number}, un ticket fusionné avec celui-ci`);
    // The first duplicate's own history is in the last one's trail, marked with its number, as the middle one's is.
    expect(page).to.include(`${first.number} · `).and.include(`${middle.number} · `);
    expect((await heldMailsCiting([first.number])).map((m) => m._id)).to.deep.equal([id]);
  });

  it('an answer with a file to a ticket closed while it was being added opens a new request with the file stored once', async () => {
    const email = `sofie.${++serial}@example.be`;
    const ticket = await buildTicket(org, { member: { name: 'Sofie Claes', email }, subject: 'Fiche de paie', acknowledge: false });
    const pdf = Buffer.from(`%PDF-1.4\n% ${serial}\n%%EOF\n`);
    const raw = Buffer.from(
      [
        `From: Sofie Claes <${email}>`,
        `To: support+${replyToken(config, ticket.number)}@relais.test`,
        `Subject: Re: [${ticket.number}] Fiche de paie`,
        `Message-ID: <closed-meanwhile-${serial}@example.be>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Voici la fiche corrigée.',
        '--b1',
        'Content-Type: application/pdf; name="fiche.pdf"',
        'Content-Disposition: attachment; filename="fiche.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        pdf.toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    // The member closes the ticket from their page while the mail's file is being stored.
    const insertMany = AttachmentModel.insertMany.bind(AttachmentModel);
    (AttachmentModel as unknown as { insertMany: unknown }).insertMany = async (...args: Parameters<typeof insertMany>) => {
      (AttachmentModel as unknown as { insertMany: unknown }).insertMany = insertMany;
      await memberClose({ actor: { kind: 'member', id: ticket.member, name: 'Sofie Claes', email }, ticketId: String(ticket._id) });
      return insertMany(...args);
    };
    let outcome: Awaited<ReturnType<InboundPipeline['ingest']>>;
    try {
      outcome = await pipeline.ingest({ raw, source: 'smtp', envelopeFrom: email, envelopeTo: ['support@relais.test'] });
    } finally {
      (AttachmentModel as unknown as { insertMany: unknown }).insertMany = insertMany;
    }
    expect(outcome?.kind, JSON.stringify(outcome)).to.equal('new_ticket');
    expect(outcome?.ticketNumber).to.not.equal(ticket.number);
    const message = await MessageModel.findOne({ ticket: outcome?.ticket }).lean();
    expect(message?.attachments ?? [], 'the new request has the file').to.have.length(1);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    expect(await AttachmentModel.countDocuments({ sha256 }), 'stored once, not a second copy').to.equal(1);
  });

  it('an administrator attaches it: the member’s message on the ticket, the real sender and who vouched above it, recorded; the notice goes', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    const admin = await signedIn(app, org.staff.administrator.email);
    const page = await admin.get(`/staff/inbound/${id}`).expect(200);
    expect(page.text).to.include(`Ajouter à la demande ${ticket.number}, au nom de son membre`);
    await admin
      .post(`/staff/inbound/${id}/attach`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') })
      .expect(303);

    const message = await MessageModel.findOne({ ticket: ticket._id, emailMessageId: `<work-${serial}@werk.example>` }).lean();
    expect(String(message?.author?.member)).to.equal(String(ticket.member));
    expect(message?.author?.kind).to.equal('member');
    expect(message?.text).to.match(/^\[Envoyé depuis s\.claes@werk\.example ; ajouté à cette demande par Thomas Lejeune\]\nVoici le document demandé/);
    // The member reads it: the administrator's name, not their address.
    expect(message?.text).not.to.include(org.staff.administrator.email);
    expect(message?.mailAuth?.proof).to.equal('person');
    const record = await InboundMailModel.findById(id).lean<InboundMail>();
    expect(record?.status).to.equal('done');
    // Dated in the thread when it came, not when the administrator decided.
    expect(message?.createdAt.toISOString()).to.equal(record?.receivedAt.toISOString());
    expect((await loadTicket(ticket._id))?.lastMessageAt?.getTime()).to.be.greaterThan(record?.receivedAt.getTime() ?? Infinity);
    expect(record?.outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
    expect(record?.history.at(-1)).to.include({ action: 'attached', by: `Thomas Lejeune <${org.staff.administrator.email}>` });
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    const after = (await advisor.get(`/staff/tickets/${String(ticket._id)}`).expect(200)).text;
    expect(after).not.to.include('attend une décision en quarantaine');
    expect(after).to.include('Voici le document demandé');
  });

  it('attached to a request closed since, it opens a new request in the member’s name, linked to it (not the sender’s)', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    const member = { kind: 'member' as const, id: ticket.member, name: 'Sofie Claes', email: '' };
    await memberClose({ actor: member, ticketId: String(ticket._id) });
    const token = await login(app, org.staff.administrator.email);
    const done = await request(app).post(`/api/v1/inbound/${id}/attach`).set('Authorization', `Bearer ${token}`).expect(200);
    const outcome = (done.body as { outcome: { kind: string; ticketNumber: string } }).outcome;
    expect(outcome.kind).to.equal('new_ticket');
    const created = await TicketModel.findOne({ number: outcome.ticketNumber }).lean<Ticket>();
    expect(String(created?.member)).to.equal(String(ticket.member));
    // It says where it came from and who vouched, and that it follows the closed one (not "a stranger cites it").
    const first = await MessageModel.findOne({ ticket: created?._id }).lean();
    expect(first?.text).to.match(/^\[Envoyé depuis s\.claes@werk\.example ; ajouté à cette demande par Thomas Lejeune\]\n/);
    expect(first?.text).to.include(`[Suite de la demande ${ticket.number}, déjà clôturée.]`);
    expect(first?.mailAuth?.proof).to.equal('person');
  });

  it('an erased member’s ticket takes nothing attached: the mail stays held, its history says so (review)', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    await MemberModel.updateOne({ _id: ticket.member }, { $set: { erasedAt: new Date() } });
    const token = await login(app, org.staff.administrator.email);
    const res = await request(app).post(`/api/v1/inbound/${id}/attach`).set('Authorization', `Bearer ${token}`).expect(200);
    expect((res.body as { outcome: { kind: string } }).outcome.kind).to.equal('quarantine');
    const record = await InboundMailModel.findById(id).lean<InboundMail>();
    expect(record?.status).to.equal('quarantined');
    expect(record?.history.at(-1)).to.include({ action: 'quarantined', by: `Thomas Lejeune <${org.staff.administrator.email}>` });
    expect(await MessageModel.countDocuments({ ticket: ticket._id, emailMessageId: `<work-${serial}@werk.example>` })).to.equal(0);
  });

  it('only administrators: an advisor or supervisor gets 403 (page and API) and nothing changes; another kind of held mail cannot be attached (409)', async () => {
    const ticket = await newTicket();
    const id = await fromWork(ticket);
    for (const who of [org.staff.advisorLiege, org.staff.supervisorLiege]) {
      const agent = await signedIn(app, who.email);
      const tokenPage = await agent.get(`/staff/tickets/${String(ticket._id)}`).expect(200);
      const res = await agent
        .post(`/staff/inbound/${id}/attach`)
        .type('form')
        .send({ _csrf: hidden(tokenPage.text, '_csrf') });
      expect(res.status, who.email).to.equal(403);
      const bearer = await login(app, who.email);
      expect((await request(app).post(`/api/v1/inbound/${id}/attach`).set('Authorization', `Bearer ${bearer}`)).status, who.email).to.equal(403);
    }
    expect((await InboundMailModel.findById(id).lean<InboundMail>())?.status).to.equal('quarantined');
    expect(await MessageModel.countDocuments({ ticket: ticket._id, author: { $exists: true }, emailMessageId: `<work-${serial}@werk.example>` })).to.equal(0);

    // A newsletter in quarantine cites no ticket: there is nothing to attach it to.
    const bulk = Buffer.from(
      'From: Shop <news@shop.example>\r\nTo: support@relais.test\r\nSubject: Promo\r\nMessage-ID: <promo-1@shop.example>\r\nList-Id: <promo.shop.example>\r\n\r\nSoldes\r\n',
    );
    await pipeline.ingest({ raw: bulk, source: 'smtp', envelopeTo: ['support@relais.test'] });
    const token = await login(app, org.staff.administrator.email);
    const refused = await request(app)
      .post(`/api/v1/inbound/${idOf(bulk)}/attach`)
      .set('Authorization', `Bearer ${token}`);
    expect(refused.status).to.equal(409);
    // Through the API, the forged follow-up is attached; twice is a conflict.
    const done = await request(app).post(`/api/v1/inbound/${id}/attach`).set('Authorization', `Bearer ${token}`).expect(200);
    expect((done.body as { outcome: { kind: string; ticketNumber: string } }).outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
    expect((await request(app).post(`/api/v1/inbound/${id}/attach`).set('Authorization', `Bearer ${token}`)).status).to.equal(409);
  });
});
