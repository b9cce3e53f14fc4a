/**
 * Acting on many (issue 16, point 5) over the real HTTP stack and database: one action on many tickets
 * with a result per ticket (the same policy, version and lifecycle as on one), the bound, spam (closed,
 * never acknowledged, the sender blocked and their next mail quarantined), merging a duplicate (thread,
 * files and history move; the member is told once; resumable after a stop), related-ticket links, and
 * discarding or reprocessing many quarantined messages with one note.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { replyAddress } from '../../server/members/member-links.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { Types } from 'mongoose';
import { checkUploads } from '../../server/attachments/attachments.service.js';
import { attachmentStorage } from '../../server/attachments/storage.js';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { claimTicket, replyToTicket, addNote, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { systemActor } from '../../server/auth/actor.js';
import { escalateTicket } from '../../server/tickets/ticket.moves.js';
import { completeMerge, mergeTicket, resumeMerges } from '../../server/tickets/ticket.merge.js';
import { TicketMergeModel, type TicketMerge } from '../../server/tickets/ticket-merge.model.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { hidden, signedIn } from '../helpers/pages.js';

interface Result {
  id: string;
  ok: boolean;
  number: string | null;
  status: number | string;
  reason?: string | null;
}

describe('acting on many tickets, merging and linking (real database, real HTTP stack)', () => {
  useTestDatabase();
  const config = testConfig();
  let app: Express;
  let org: Org;
  const tokens: Record<string, string> = {};
  const auth = (who: keyof Org['staff']) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    app = testApp(config);
    org = await buildOrg();
    for (const [key, actor] of Object.entries(org.staff)) tokens[key] = await login(app, actor.email);
  });

  /** A Liège ticket held by `who` (Liège's first advisor by default). */
  async function held(who: keyof Org['staff'] = 'advisorLiege', member?: { name: string; email: string }): Promise<Ticket> {
    const t = await buildTicket(org, member ? { member } : {});
    const view = await claimTicket({ actor: org.staff[who], ticketId: String(t._id), version: t.version });
    return { ...t, version: view.version };
  }

  async function mailsTo(email: string, template?: string): Promise<number> {
    return Outbox.countDocuments({ to: email, ...(template ? { template } : {}) });
  }

  it('resolves 20 tickets in one request, and reports each refusal on its own ticket', async function () {
    this.timeout(120_000);
    const mine = await Promise.all(Array.from({ length: 20 }, () => held()));
    const stale = await held();
    const colleagues = await held('advisorLiege2');
    const charleroi = await buildTicket(org, { office: org.offices.charleroi, actor: org.staff.advisorCharleroi });
    const tickets = [...mine, stale, colleagues, charleroi].map((t) => ({ id: String(t._id), version: t === stale ? t.version - 1 : t.version }));
    const res = await request(app).post('/api/v1/tickets/bulk').set(auth('advisorLiege')).send({ action: 'resolve', tickets });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const body = res.body as { results: Result[]; done: number; refused: number };
    expect(body.done).to.equal(20);
    expect(body.refused).to.equal(3);
    const byId = new Map(body.results.map((r) => [r.id, r]));
    for (const t of mine) expect(byId.get(String(t._id))).to.include({ ok: true, status: 'resolved', number: t.number });
    expect(byId.get(String(stale._id))).to.include({ ok: false, status: 409, reason: 'stale_version', number: stale.number });
    // Why, as a code the page words in the person's language (QA: every refusal read "you cannot act on this ticket").
    expect(byId.get(String(colleagues._id))).to.include({ ok: false, status: 403, reason: 'hold_first' });
    // A ticket the advisor may not read: not found, and its number is not given away.
    expect(byId.get(String(charleroi._id))).to.include({ ok: false, status: 404, number: null });
    for (const t of mine) expect((await loadTicket(t._id))?.status).to.equal('resolved');
    expect((await loadTicket(stale._id))?.status).to.equal('open');
    expect((await loadTicket(colleagues._id))?.status).to.equal('open');
  });

  it('says why each refusal happened: a claim of one’s own ticket, of a colleague’s, a change to a colleague’s ticket', async () => {
    const mine = await held();
    const colleagues = await held('advisorLiege2');
    const tickets = [mine, colleagues].map((t) => ({ id: String(t._id), version: t.version }));
    const res = await request(app).post('/api/v1/tickets/bulk').set(auth('advisorLiege')).send({ action: 'claim', tickets });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const byId = new Map((res.body as { results: Result[] }).results.map((r) => [r.id, r]));
    // Not "someone else already holds it" for one's own ticket (QA).
    expect(byId.get(String(mine._id))).to.include({ ok: false, status: 409, reason: 'already_yours' });
    expect(byId.get(String(colleagues._id))).to.include({ ok: false, status: 409, reason: 'already_held' });
    // A change to a ticket a colleague holds: take it first.
    const followed = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege2'))
      .send({ action: 'priority', priority: 'high', tickets: [tickets[0]] });
    expect((followed.body as { results: Result[] }).results[0]).to.include({ ok: false, status: 403, reason: 'hold_first' });
  });

  it('refuses more than 200 tickets at once with a 413 that says so, and an empty selection with a 400', async () => {
    const tickets = Array.from({ length: 201 }, () => ({ id: String(new Types.ObjectId()), version: 1 }));
    let res = await request(app).post('/api/v1/tickets/bulk').set(auth('advisorLiege')).send({ action: 'claim', tickets });
    expect(res.status).to.equal(413);
    expect(res.body.error.message).to.match(/At most 200 tickets/);
    res = await request(app).post('/api/v1/tickets/bulk').set(auth('advisorLiege')).send({ action: 'claim', tickets: [] });
    expect(res.status).to.equal(400);
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'claim', tickets: [{ id: { $ne: null }, version: 1 }] });
    expect(res.status).to.equal(400);
  });

  it('claims, changes priority and category, and lets only a supervisor assign, ticket by ticket', async () => {
    const a = await buildTicket(org);
    const b = await buildTicket(org);
    const both = (x: Ticket, y: Ticket) => [x, y].map((t) => ({ id: String(t._id), version: t.version }));
    let res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'claim', tickets: both(a, b) });
    expect(res.body.done).to.equal(2);
    const reload = async (t: Ticket): Promise<Ticket> => (await loadTicket(t._id)) as Ticket;
    const [a1, b1] = [await reload(a), await reload(b)];
    expect(String(a1?.assignee)).to.equal(String(org.staff.advisorLiege.id));
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'priority', priority: 'high', tickets: both(a1, b1) });
    expect(res.body.done).to.equal(2);
    const [a2, b2] = [await reload(a), await reload(b)];
    expect(a2?.priority).to.equal('high');
    // Asked again (one of them already so): done, nothing changed, nothing refused.
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'priority', priority: 'high', tickets: both(a2, b2) });
    expect([res.body.done, res.body.refused]).to.deep.equal([2, 0]);
    expect((await reload(a)).version).to.equal(a2.version);
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'category', category: 'not_a_category', tickets: both(a2, b2) });
    expect(res.status).to.equal(400);
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({ action: 'assign', assignee: String(org.staff.advisorLiege2.id), reason: 'Congé', tickets: both(a2, b2) });
    expect((res.body.results as Result[]).map((r) => r.status)).to.deep.equal([403, 403]);
    res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('supervisorLiege'))
      .send({ action: 'assign', assignee: String(org.staff.advisorLiege2.id), reason: 'Congé', tickets: both(a2, b2) });
    expect(res.body.done, JSON.stringify(res.body)).to.equal(2);
    expect(String((await loadTicket(b._id))?.assignee)).to.equal(String(org.staff.advisorLiege2.id));
  });

  it('offers "take" only to someone who works a queue, and marks the reason of a bulk assignment as required', async () => {
    const advisor = (await (await signedIn(app, org.staff.advisorLiege.email)).get('/staff/queue').expect(200)).text;
    expect(advisor).to.include('<option value="claim">');
    const board = (await (await signedIn(app, org.staff.supervisorLiege.email)).get('/staff/board').expect(200)).text;
    expect(board).to.include('id="bulk-bar"').and.not.include('<option value="claim">');
    expect(board).to.match(/<span class="required-mark">\(obligatoire\)<\/span> <input type="text" name="reason" maxlength="2000" required/);
  });

  it('marks as spam: closed, nothing sent, the sender blocked, and their next mail quarantined (not lost)', async () => {
    const email = `spam.${new Types.ObjectId().toHexString()}@junk.example`;
    const unclaimed = await buildTicket(org, { member: { name: 'Promo', email } });
    const colleagues = await held('advisorLiege2');
    const before = await Outbox.countDocuments({});
    const res = await request(app)
      .post('/api/v1/tickets/bulk')
      .set(auth('advisorLiege'))
      .send({
        action: 'spam',
        blockSender: true,
        tickets: [unclaimed, colleagues].map((t) => ({ id: String(t._id), version: t.version })),
      });
    expect(res.status).to.equal(200);
    const [spam, refused] = res.body.results as Result[];
    expect(spam).to.include({ ok: true, status: 'closed' });
    // Held by a colleague: only they or a supervisor may throw it out.
    expect(refused).to.include({ ok: false, status: 403 });
    const closed = await loadTicket(unclaimed._id);
    expect(closed).to.include({ status: 'closed', spam: true });
    expect(await Outbox.countDocuments({})).to.equal(before);
    // A reopen is possible (a mistake can be undone), and no mail goes with the spam itself.
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const raw = Buffer.from(`From: Promo <${email}>\r\nTo: support@relais.test\r\nSubject: Encore\r\nMessage-ID: <again-${email}>\r\n\r\nAchetez\r\n`);
    const { id } = await pipeline.store({ raw, source: 'smtp' });
    const outcome = await pipeline.process(id);
    expect(outcome).to.include({ kind: 'quarantine', reason: 'blocked_sender' });
    expect((await InboundMailModel.findById(id).lean())?.status).to.equal('quarantined');
  });

  it('merges a duplicate by number: its messages, files and history move, it closes, and the member is told once', async function () {
    this.timeout(60_000);
    const member = { name: 'Nadia Lemaire', email: `nadia.${new Types.ObjectId().toHexString()}@example.be` };
    const target = await held('advisorLiege', member);
    let source = await held('advisorLiege', member);
    const checked = await checkUploads(
      [{ filename: 'fiche.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), declaredType: 'application/pdf' }],
      [],
      config.attachments,
    );
    let v = await replyToTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(source._id),
      version: source.version,
      text: 'Voici le document.',
      files: { uploads: checked, storage: attachmentStorage(config) },
    });
    v = await addNote({ actor: org.staff.advisorLiege, ticketId: String(source._id), version: v.version, text: 'Doublon de la demande précédente.' });
    source = (await loadTicket(source._id)) as Ticket;
    const mergedBefore = await mailsTo(member.email, 'ticket-merged');
    expect(mergedBefore).to.equal(0);

    // Another member's ticket is refused; so is a ticket the advisor may not read (404), and itself.
    const stranger = await held();
    let res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: v.version, into: stranger.number });
    expect(res.status).to.equal(409);
    expect(res.body.error.reason).to.equal('different_member');
    const charleroi = await buildTicket(org, { office: org.offices.charleroi, actor: org.staff.advisorCharleroi, member });
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: v.version, into: charleroi.number });
    expect(res.status).to.equal(404);
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: v.version, into: source.number });
    expect(res.status).to.equal(400);
    // A colleague who does not hold the duplicate may not merge it.
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege2'))
      .send({ version: v.version, into: target.number });
    expect(res.status).to.equal(403);

    // The number as people type it: "201" (this ticket's year) or "R-2026-201" names the same ticket.
    const short = String(Number(target.number.slice(-6)));
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: v.version, into: `${short}${'x'}` });
    expect(res.status).to.equal(400);
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: v.version, into: short, note: 'Même question' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.ticket.id).to.equal(String(target._id));

    const closed = await loadTicket(source._id);
    expect(closed?.status).to.equal('closed');
    expect(closed?.merged).to.deep.include({ number: target.number });
    const detail = await request(app)
      .get(`/api/v1/tickets/${String(target._id)}`)
      .set(auth('advisorLiege'));
    const texts = (detail.body.messages as { text: string; attachments: { filename: string }[] }[]).map((m) => m.text);
    expect(texts.some((t) => t.startsWith('Voici le document.'))).to.equal(true);
    expect(texts).to.include('Doublon de la demande précédente.');
    const files = (detail.body.messages as { attachments?: { filename: string }[] }[]).flatMap((m) => m.attachments ?? []).map((a) => a.filename);
    expect(files).to.include('fiche.pdf');
    const file = await AttachmentModel.findOne({ filename: 'fiche.pdf', ticket: target._id }).lean();
    expect(file, 'the file belongs to the ticket that stays').to.not.equal(null);
    const history = await request(app)
      .get(`/api/v1/tickets/${String(target._id)}/history`)
      .set(auth('advisorLiege'));
    const events = history.body.events as { type: string; fromTicket?: string }[];
    expect(events.map((e) => e.type)).to.include('merged_in');
    // The duplicate's history is shown with the ticket that stays, each event saying where it came from.
    expect(events.filter((e) => e.fromTicket === source.number).map((e) => e.type)).to.include.members(['created', 'replied', 'noted', 'merged']);
    const sourceDetail = await request(app)
      .get(`/api/v1/tickets/${String(source._id)}`)
      .set(auth('advisorLiege'));
    expect(sourceDetail.body.messages).to.have.length(0);
    expect(sourceDetail.body.ticket.merged).to.deep.equal({ id: String(target._id), number: target.number });
    expect(await mailsTo(member.email, 'ticket-merged')).to.equal(1);

    // Merged: no more replies or reopening on the duplicate, and it is not merged twice.
    const current = closed as Ticket;
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/reopen`)
      .set(auth('advisorLiege'))
      .send({ version: current.version });
    expect(res.status).to.equal(409);
    expect(res.body.error.reason).to.equal('ticket_merged');
    res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: current.version, into: target.number });
    expect(res.status).to.equal(409);
  });

  it('merging into a resolved ticket opens it again (the member’s words need an answer), showing the duplicate as its web request', async () => {
    const member = { name: 'Sofie Maes', email: `sofie.${new Types.ObjectId().toHexString()}@example.be` };
    const target = await held('advisorLiege', member);
    const resolved = await resolveTicket({ actor: org.staff.advisorLiege, ticketId: String(target._id), version: target.version });
    const filed = await buildTicket(org, { member, actor: systemActor, channel: 'web', body: 'Toujours rien reçu pour ma fiche de paie.' });
    const source = await claimTicket({ actor: org.staff.advisorLiege, ticketId: String(filed._id), version: filed.version });
    const res = await request(app)
      .post(`/api/v1/tickets/${source.id}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: source.version, into: resolved.number });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const after = await loadTicket(target._id);
    expect(after).to.include({ status: 'open', resolvedAt: null });
    expect(String(after?.assignee)).to.equal(String(org.staff.advisorLiege.id));
    // The duplicate's first message is a request filed on the web form, not words written on the member's page.
    const page = (await (await signedIn(app, org.staff.advisorLiege.email)).get(`/staff/tickets/${String(target._id)}`).expect(200)).text;
    expect(page).to.include('Toujours rien reçu pour ma fiche de paie.').and.not.include('Écrit sur sa page de suivi');
  });

  it("a member who answers the duplicate's old mail writes into the ticket it was merged into", async () => {
    const member = { name: 'Rita Claes', email: `rita.${new Types.ObjectId().toHexString()}@example.be` };
    const target = await held('advisorLiege', member);
    const source = await held('advisorLiege', member);
    const res = await request(app)
      .post(`/api/v1/tickets/${String(source._id)}/merge`)
      .set(auth('advisorLiege'))
      .send({ version: source.version, into: target.number });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const to = replyAddress(config, source.number);
    const raw = Buffer.from(
      `From: ${member.name} <${member.email}>\r\nTo: ${to}\r\nSubject: Re: [${source.number}] Ma question\r\nMessage-ID: <after-merge-${new Types.ObjectId().toHexString()}@example.be>\r\n\r\nVoici la suite.\r\n`,
    );
    const { id } = await pipeline.store({ raw, source: 'smtp', envelopeTo: [to] });
    const outcome = await pipeline.process(id);
    expect(outcome).to.include({ kind: 'follow_up', ticketNumber: target.number });
    const thread = await MessageModel.find({ ticket: target._id }).lean();
    expect(thread.map((m) => m.text).join('\n')).to.include('Voici la suite.');
    expect((await loadTicket(source._id))?.status).to.equal('closed');
  });

  /** A merge of `source` into `target` recorded and then stopped (step 1 only), as a stop would leave it. */
  async function startedMerge(source: Ticket, target: Ticket): Promise<TicketMerge> {
    const record: TicketMerge = {
      _id: String(source._id),
      source: source._id,
      target: target._id,
      actor: { staff: org.staff.advisorLiege.id, name: org.staff.advisorLiege.name, email: org.staff.advisorLiege.email },
      note: null,
      at: new Date(),
      state: 'started',
      doneAt: null,
    };
    await TicketMergeModel.collection.insertOne(record as never);
    return record;
  }

  it('finishes a merge a stop interrupted, once: the member still gets one mail', async () => {
    const member = { name: 'Jan Peeters', email: `jan.${new Types.ObjectId().toHexString()}@example.be` };
    const target = await held('advisorLiege', member);
    const source = await held('advisorLiege', member);
    await addNote({ actor: org.staff.advisorLiege, ticketId: String(source._id), version: source.version, text: 'À fusionner' });
    // Stopped after the record: the start-up finishes it.
    const record = await startedMerge(source, target);
    expect(await resumeMerges()).to.be.at.least(1);
    expect((await loadTicket(source._id))?.merged?.number).to.equal(target.number);
    // Running it again (a second instance, a retry) changes nothing and sends nothing more.
    const version = (await loadTicket(target._id))?.version;
    await completeMerge(record);
    expect((await loadTicket(target._id))?.version).to.equal(version);
    expect(await mailsTo(member.email, 'ticket-merged')).to.equal(1);
    expect((await TicketMergeModel.findById(record._id).lean())?.state).to.equal('done');
  });

  it('finishes a merge whose ticket was itself merged on meanwhile: the messages go to the last of the chain, the member gets one mail each', async () => {
    const member = { name: 'Inge Wouters', email: `inge.${new Types.ObjectId().toHexString()}@example.be` };
    const last = await held('advisorLiege', member);
    const middle = await held('advisorLiege', member);
    const first = await held('advisorLiege', member);
    await addNote({ actor: org.staff.advisorLiege, ticketId: String(first._id), version: first.version, text: 'Doublon, à fusionner' });
    // first → middle was checked and recorded, then stopped; meanwhile middle was merged into last.
    const record = await startedMerge(first, middle);
    await mergeTicket({ actor: org.staff.advisorLiege, ticketId: String(middle._id), version: middle.version, into: last.number });
    await completeMerge(record);
    const stays = (await loadTicket(last._id)) as Ticket;
    expect(stays.mergedFrom?.map((m) => m.number)).to.deep.equal([middle.number, first.number]);
    expect((await loadTicket(middle._id))?.mergedFrom ?? [], 'nothing lands on the closed ticket').to.deep.equal([]);
    expect((await loadTicket(first._id))?.merged?.number).to.equal(middle.number);
    expect(await MessageModel.countDocuments({ ticket: last._id, text: 'Doublon, à fusionner' }), 'the note followed').to.equal(1);
    // Again (a retry, a second instance): nothing more, and one mail per merge.
    const version = stays.version;
    await completeMerge(record);
    expect((await loadTicket(last._id))?.version).to.equal(version);
    expect(await mailsTo(member.email, 'ticket-merged')).to.equal(2);
  });

  it('links related tickets on both sides, by number, and only to tickets the person may read', async () => {
    const a = await held();
    const b = await held('advisorLiege2');
    let res = await request(app)
      .post(`/api/v1/tickets/${String(a._id)}/link`)
      .set(auth('advisorLiege'))
      .send({ version: a.version, other: b.number });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await loadTicket(a._id))?.links?.map(String)).to.deep.equal([String(b._id)]);
    expect((await loadTicket(b._id))?.links?.map(String)).to.deep.equal([String(a._id)]);
    const page = await request(app)
      .get(`/api/v1/tickets/${String(b._id)}`)
      .set(auth('advisorLiege2'));
    expect(page.body.ticket.links).to.deep.equal([{ id: String(a._id), number: a.number, subject: a.subject, status: 'open' }]);
    // A ticket of another office: not found, nothing linked.
    const charleroi = await buildTicket(org, { office: org.offices.charleroi, actor: org.staff.advisorCharleroi });
    const now = (await loadTicket(a._id)) as Ticket;
    res = await request(app)
      .post(`/api/v1/tickets/${String(a._id)}/link`)
      .set(auth('advisorLiege'))
      .send({ version: now.version, other: charleroi.number });
    expect(res.status).to.equal(404);
    // An advisor who only follows a ticket (escalated away) may not link from it.
    const escalated = await escalateTicket({
      actor: org.staff.advisorLiege,
      ticketId: String(now._id),
      version: now.version,
      reason: 'needs_contract_change',
      handoff: 'h',
    });
    res = await request(app)
      .post(`/api/v1/tickets/${String(a._id)}/unlink`)
      .set(auth('advisorLiege'))
      .send({ version: escalated.version, other: b.number });
    expect(res.status).to.equal(403);
    const bNow = (await loadTicket(b._id)) as Ticket;
    res = await request(app)
      .post(`/api/v1/tickets/${String(b._id)}/unlink`)
      .set(auth('advisorLiege2'))
      .send({ version: bNow.version, other: a.number });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await loadTicket(a._id))?.links ?? []).to.deep.equal([]);
    expect((await loadTicket(b._id))?.links ?? []).to.deep.equal([]);
  });

  it('discards or reprocesses many quarantined messages with one note (administrators only)', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const raw = Buffer.from(
        `From: news@shop.example\r\nTo: support@relais.test\r\nSubject: Promo ${i}\r\nMessage-ID: <bulk-${i}-${new Types.ObjectId().toHexString()}@shop.example>\r\nList-Id: <promo.shop.example>\r\n\r\nPromo ${i}\r\n`,
      );
      const { id } = await pipeline.store({ raw, source: 'smtp' });
      await pipeline.process(id);
      ids.push(id);
    }
    let res = await request(app).post('/api/v1/inbound/bulk').set(auth('supervisorLiege')).send({ action: 'discard', ids, note: 'Publicité' });
    expect(res.status).to.equal(403);
    res = await request(app).post('/api/v1/inbound/bulk').set(auth('administrator')).send({ action: 'discard', ids });
    expect(res.status).to.equal(400);
    res = await request(app)
      .post('/api/v1/inbound/bulk')
      .set(auth('administrator'))
      .send({ action: 'reprocess', ids: [ids[0]], note: 'Nouvelle règle' });
    expect(res.status).to.equal(200);
    const reprocessed = await InboundMailModel.findById(ids[0]).lean();
    expect(reprocessed?.history.at(-1)?.note).to.match(/^Nouvelle règle — /);
    res = await request(app)
      .post('/api/v1/inbound/bulk')
      .set(auth('administrator'))
      .send({ action: 'discard', ids: [...ids, 'f'.repeat(64)], note: 'Publicité' });
    expect(res.status).to.equal(200);
    expect(res.body.done).to.equal(3);
    expect(res.body.results.at(-1)).to.include({ ok: false, status: 404 });
    for (const id of ids) {
      const mail = await InboundMailModel.findById(id).lean();
      expect(mail?.status).to.equal('discarded');
      expect(mail?.history.at(-1)?.note).to.equal('Publicité');
    }
  });

  it('the quarantine page selects messages and discards them with one note (plain form, CSRF)', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const ids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const raw = Buffer.from(
        `From: promo@shop.example\r\nTo: support@relais.test\r\nSubject: Soldes ${i}\r\nMessage-ID: <page-${i}-${new Types.ObjectId().toHexString()}@shop.example>\r\nList-Id: <promo.shop.example>\r\n\r\nSoldes\r\n`,
      );
      const { id } = await pipeline.store({ raw, source: 'smtp' });
      await pipeline.process(id);
      ids.push(id);
    }
    const admin = await signedIn(app, org.staff.administrator.email);
    const page = await admin.get('/staff/inbound').expect(200);
    for (const id of ids) expect(page.text).to.include(`name="ids" value="${id}"`);
    expect(page.text).to.include('action="/staff/inbound/bulk"');
    const csrf = hidden(page.text, '_csrf');
    const noNote = await admin.post('/staff/inbound/bulk').type('form').send({ _csrf: csrf, action: 'discard', ids });
    expect(noNote.headers.location).to.match(/bulk=note/);
    expect((await InboundMailModel.findById(ids[0]).lean())?.status).to.equal('quarantined');
    const res = await admin.post('/staff/inbound/bulk').type('form').send({ _csrf: csrf, action: 'discard', ids, note: 'Soldes' });
    expect(res.status).to.equal(303);
    const after = await admin.get(res.headers.location ?? '').expect(200);
    expect(after.text).to.include('Traités : 2 · Refusés : 0');
    for (const id of ids) expect((await InboundMailModel.findById(id).lean())?.status).to.equal('discarded');
    // Without the form's token: refused.
    const forged = await admin.post('/staff/inbound/bulk').type('form').send({ action: 'reprocess', ids });
    expect(forged.status).to.equal(403);
    // Not an administrator: refused.
    const advisor = await signedIn(app, org.staff.advisorLiege.email);
    const own = await advisor.get('/staff/queue').expect(200);
    const refused = await advisor
      .post('/staff/inbound/bulk')
      .type('form')
      .send({ _csrf: hidden(own.text, '_csrf'), action: 'reprocess', ids });
    expect(refused.status).to.equal(403);
  });

  it('the queue offers a checkbox per row and the action bar', async () => {
    const t = await buildTicket(org);
    const agent = await signedIn(app, org.staff.advisorLiege.email);
    const page = await agent.get('/staff/queue').expect(200);
    expect(page.text).to.include(`class="row-select" value="${String(t._id)}"`);
    expect(page.text).to.include('id="bulk-bar"').and.include('id="select-all"');
    // Advisors are not offered "assign" (only supervisors may give a ticket to someone).
    expect(page.text).not.to.include('<option value="assign">');
    const supervisor = await signedIn(app, org.staff.supervisorLiege.email);
    expect((await supervisor.get('/staff/queue').expect(200)).text).to.include('<option value="assign">');
  });
});
