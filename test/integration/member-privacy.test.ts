/**
 * Members' data (GDPR), on the real database and search engine: an administrator exports everything
 * about a member (a ZIP with their tickets, messages, internal notes or not, a file, mail); erases
 * them — name, address, number, their words and files leave the tickets, the journal, the mail
 * records, the file storage and the search index, while the tickets' figures stay; an erasure stopped
 * half-way is finished at the next start; the retention job lists inactive members in a dry run and
 * erases them only once an administrator confirmed its report.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { attachmentStorage, storageKey } from '../../server/attachments/storage.js';
import { AuditEntryModel } from '../../server/audit/audit.model.js';
import type { Config } from '../../server/config.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { MemberEmailModel, MemberModel, MemberNumberModel } from '../../server/members/member.model.js';
import { MemberErasureModel } from '../../server/privacy/erasure.model.js';
import { resumeErasures } from '../../server/privacy/member-erasure.js';
import { RetentionReportModel, runMemberRetention } from '../../server/privacy/retention.js';
import { eraseTicket } from '../../server/privacy/ticket-erasure.js';
import { identityPatterns, pseudonymFor } from '../../server/privacy/redaction.js';
import { rateTicket } from '../../server/tickets/member.commands.js';
import { addNote, claimTicket, replyToTicket, resolveTicket } from '../../server/tickets/ticket.commands.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { ticketEvents, ticketThread } from '../../server/tickets/ticket.queries.js';
import { TicketModel, type Ticket } from '../../server/tickets/ticket.model.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { useSearchEngine } from '../helpers/search.js';
import { readZip } from '../helpers/zip.js';
import { hidden, signedIn } from '../helpers/pages.js';
import { asBytes } from '../helpers/bytes.js';

const member = { name: 'Ophélie Vandersmissen', email: 'ophelie.vandersmissen@example.be', memberNumber: 'M-555001' };
const secret = 'zorglubienne';

describe('members’ data: export, erasure, retention', function () {
  this.timeout(120_000);
  useTestDatabase();
  const search = useSearchEngine();
  let app: Express;
  let config: Config;
  let org: Org;
  let admin: string;
  let advisor: string;
  let ticket: Ticket;
  let other: Ticket;
  let fileBytes: Buffer;
  let sharedBytes: Buffer;

  const found = async (q: string): Promise<string[]> => {
    await search.indexer().idle();
    // The Liège advisor who worked the ticket (search shows only what the person may read).
    const res = await request(app).get('/api/v1/search').query({ q }).set('Authorization', `Bearer ${advisor}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body as { results: Array<{ ticket: { id: string } }> }).results.map((r) => r.ticket.id);
  };

  async function storeFile(name: string, bytes: Buffer): Promise<Types.ObjectId> {
    const key = storageKey(bytes);
    await attachmentStorage(config).put(key, bytes);
    const doc = await AttachmentModel.create({
      filename: name,
      contentType: 'application/pdf',
      size: bytes.length,
      sha256: key,
      uploadedBy: { kind: 'member' },
      source: 'web',
    });
    return doc._id;
  }

  const memberId = async (): Promise<string> => String((await MemberEmailModel.findById(member.email).lean())?.member);

  before(async () => {
    config = testConfig();
    app = testApp(config);
    org = await buildOrg();
    admin = await login(app, org.staff.administrator.email);
    advisor = await login(app, org.staff.advisorLiege.email);
    fileBytes = Buffer.from(`%PDF-1.4 fiche de paie de ${member.name} ${secret}`);
    sharedBytes = Buffer.from('%PDF-1.4 formulaire vierge commun');
    ticket = await buildTicket(org, {
      subject: `Attestation fiscale ${member.name}`,
      body: `Bonjour, mon code est ${secret}. Merci.`,
      member,
      attachments: [await storeFile('fiche-de-paie.pdf', fileBytes), await storeFile('formulaire.pdf', sharedBytes)],
    });
    // Another member sent the same blank form: its bytes must survive the erasure.
    other = await buildTicket(org, { subject: 'Formulaire', body: 'Ci-joint.', attachments: [await storeFile('formulaire.pdf', sharedBytes)] });
    const id = String(ticket._id);
    const actor = org.staff.advisorLiege;
    let t = await claimTicket({ actor, ticketId: id, version: ticket.version });
    t = await replyToTicket({ actor, ticketId: id, version: t.version, text: `Bonjour ${member.name}, votre attestation suit (${member.email}).` });
    t = await addNote({ actor, ticketId: id, version: t.version, text: 'Appelé Mme Vandersmissen : elle rappellera.' });
    await resolveTicket({ actor, ticketId: id, version: t.version });
    await rateTicket({
      actor: { kind: 'member', id: ticket.member, name: member.name, email: member.email },
      ticketId: id,
      score: 4,
      comment: `Parfait, ${secret} réglé`,
    });
  });

  it('exports everything about the member as a ZIP: record, ticket, messages with the internal note, the file, the mail', async () => {
    const id = await memberId();
    const refused = await request(app).get(`/api/v1/admin/members/${id}/export`).set('Authorization', `Bearer ${advisor}`);
    expect(refused.status).to.equal(403);
    const res = await request(app).get(`/api/v1/admin/members/${id}/export`).set('Authorization', `Bearer ${admin}`).buffer(true).parse(asBytes);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/application\/zip/);
    const zip = readZip(res.body as Buffer);
    const record = JSON.parse(String(zip.get('member.json'))) as { email: string; memberNumber: string; internalNotesIncluded: boolean };
    expect(record).to.include({ email: member.email, memberNumber: member.memberNumber, internalNotesIncluded: true });
    const doc = JSON.parse(String(zip.get(`tickets/${ticket.number}/ticket.json`))) as {
      subject: string;
      rating: { score: number; comment: string };
      messages: Array<{ text: string; internal: boolean; files: Array<{ name: string; path: string }> }>;
      history: Array<{ type: string }>;
    };
    expect(doc.subject).to.include(member.name);
    expect(doc.rating).to.include({ score: 4 });
    expect(doc.messages.map((m) => m.text).join('\n')).to.include(secret);
    expect(doc.messages.some((m) => m.internal && m.text.includes('rappellera'))).to.equal(true);
    expect(doc.history.map((h) => h.type)).to.include.members(['created', 'replied', 'resolved', 'rated']);
    const file = doc.messages.flatMap((m) => m.files).find((f) => f.name === 'fiche-de-paie.pdf');
    expect(file, 'the file is listed').to.not.equal(undefined);
    expect(zip.get(file?.path ?? '')?.equals(fileBytes), 'the file itself is in the ZIP').to.equal(true);
    const mails = JSON.parse(String(zip.get('mails.json'))) as { sent: Array<{ to: string[] }> };
    expect(
      mails.sent.some((m) => m.to.includes(member.email)),
      'the mail sent to the member',
    ).to.equal(true);
    // Without internal notes.
    const lean = await request(app)
      .get(`/api/v1/admin/members/${id}/export`)
      .query({ internal: 'false' })
      .set('Authorization', `Bearer ${admin}`)
      .buffer(true)
      .parse(asBytes);
    const leanZip = readZip(lean.body as Buffer);
    const leanDoc = String(leanZip.get(`tickets/${ticket.number}/ticket.json`));
    expect(leanDoc).to.not.include('rappellera');
    // The member's own words on their acts (the rating's comment) are theirs: in, and not marked internal (QA).
    const rated = (JSON.parse(leanDoc) as { history: Array<{ type: string; note?: string; internal?: boolean }> }).history.find((h) => h.type === 'rated');
    expect(rated?.internal).to.not.equal(true);
    // A reading of it all in the member's language, with the pages' words, beside the JSON (QA: JSON and codes only).
    const summary = String(zip.get('summary.txt'));
    expect(summary).to.include('Relais — vos données et vos demandes').and.include(`${ticket.number} — ${doc.subject}`);
    expect(summary).to.include('État : ').and.include(`${member.name} (vous)`).and.include(secret).and.include('Votre note : 4/5');
    expect(summary).to.include('note interne').and.include('rappellera').and.include('Fichiers : fiche-de-paie.pdf');
    expect(summary).not.to.match(/status|resolved|"/);
    const leanSummary = String(leanZip.get('summary.txt'));
    expect(leanSummary).to.include('ne sont pas incluses').and.not.include('rappellera');
    // Each mail once, however many events name it.
    const sentIds = (JSON.parse(String(zip.get('mails.json'))) as { sent: Array<{ at: string; subject: string }> }).sent.map((m) => `${m.at}|${m.subject}`);
    expect(new Set(sentIds).size).to.equal(sentIds.length);
    const audit = await AuditEntryModel.find({ action: 'member.export', 'target.id': id }).lean();
    expect(audit).to.have.length(2);
  });

  it('erases the member: name, address, number, their words and files leave tickets, journal, mail, storage and search; the figures stay', async () => {
    const id = await memberId();
    const ticketId = String(ticket._id);
    expect(await found('Vandersmissen')).to.include(ticketId);
    expect(await found(secret)).to.include(ticketId);
    expect(await found('rappellera')).to.include(ticketId);
    const before = (await loadTicket(ticketId)) as Ticket;

    const refused = await request(app)
      .post(`/api/v1/admin/members/${id}/erase`)
      .set('Authorization', `Bearer ${advisor}`)
      .send({ confirm: member.email, reason: 'Demande' });
    expect(refused.status).to.equal(403);
    const mismatch = await request(app)
      .post(`/api/v1/admin/members/${id}/erase`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ confirm: 'someone@else.be', reason: 'Demande' });
    expect(mismatch.status).to.equal(422);
    const res = await request(app)
      .post(`/api/v1/admin/members/${id}/erase`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ confirm: member.email.toUpperCase(), reason: 'Demande écrite du membre' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const pseudonym = pseudonymFor(id);
    expect(res.body.erasure).to.deep.include({ pseudonym });
    expect(res.body.erasure.counts).to.include({ tickets: 1, messages: 1, files: 2 });

    // The member record and its keys.
    const stored = await MemberModel.findById(id).lean();
    expect(stored?.name).to.equal(pseudonym);
    expect(stored?.email).to.match(/@erased\.invalid$/);
    expect(stored?.memberNumber).to.equal(null);
    expect(stored?.erasedAt).to.be.instanceOf(Date);
    expect(await MemberEmailModel.findById(member.email).lean()).to.equal(null);
    expect(await MemberNumberModel.findById(member.memberNumber).lean()).to.equal(null);

    // The ticket: personal text gone, figures kept.
    const after = (await loadTicket(ticketId)) as Ticket;
    expect(after.subject).to.not.include('Vandersmissen');
    expect(after).to.include({ status: before.status, tier: before.tier, priority: before.priority, channel: before.channel, number: before.number });
    expect(String(after.office)).to.equal(String(before.office));
    expect(String(after.resolvedAt)).to.equal(String(before.resolvedAt));
    expect(after.rating).to.include({ score: 4, comment: null });
    const events = await ticketEvents(after);
    const { messages } = await ticketThread(after, { publicOnly: false, events });
    expect(messages).to.have.length(before.messageCount);
    const everything = JSON.stringify({ after, events, messages, outbox: await Outbox.find({ ticket: after._id }).lean() });
    for (const needle of ['Vandersmissen', 'Ophélie', member.email, member.memberNumber, secret]) {
      const at = everything.indexOf(needle);
      expect(at, `${needle} in …${everything.slice(Math.max(0, at - 300), at + 100)}`).to.equal(-1);
    }
    const reply = messages.find((m) => m.author.kind === 'staff' && m.visibility === 'public');
    expect(reply?.text).to.equal(`Bonjour ${pseudonym}, votre attestation suit (${pseudonym}).`);
    // The neutral texts are stored in the member's language (French here); a Dutch page says them in Dutch (QA).
    expect(after.subject).to.equal('Demande effacée (RGPD)');
    const page = await signedIn(app, org.staff.advisorLiege.email);
    const dutch = (await page.get(`/staff/tickets/${ticketId}?lang=nl`).expect(200)).text;
    expect(dutch).to.include('Aanvraag gewist (AVG)').and.include('[Bericht gewist: persoonsgegevens verwijderd]');
    const at = dutch.indexOf('Demande effacée');
    expect(at, dutch.slice(Math.max(0, at - 400), at + 100)).to.equal(-1);
    expect(dutch).not.to.include('Message effacé');
    const french = (await page.get(`/staff/tickets/${ticketId}?lang=fr`).expect(200)).text;
    expect(french).to.include('Demande effacée (RGPD)').and.include('[Message effacé : données personnelles supprimées]');

    // Files: the member's own bytes are gone; the blank form another member also sent stays.
    const storage = attachmentStorage(config);
    expect(await storage.exists(storageKey(fileBytes))).to.equal(false);
    expect(await storage.exists(storageKey(sharedBytes))).to.equal(true);
    const others = await ticketThread((await loadTicket(String(other._id))) as Ticket, { publicOnly: false });
    expect([...others.files.values()].map((f) => f.filename)).to.deep.equal(['formulaire.pdf']);

    // Search: neither the name nor their words nor the note's mention find it any more.
    expect(await found('Vandersmissen')).to.not.include(ticketId);
    expect(await found(secret)).to.not.include(ticketId);
    expect(await found(member.email)).to.not.include(ticketId);
    expect(await found(pseudonym.split('#')[1] ?? '')).to.be.an('array');

    // The record of the erasure, and the audit entry without the erased data.
    const erasure = await MemberErasureModel.findById(id).lean();
    expect(erasure).to.include({ pseudonym, reason: 'Demande écrite du membre', source: 'administrator' });
    expect(erasure?.finishedAt).to.be.instanceOf(Date);
    const audit = await AuditEntryModel.findOne({ action: 'member.erase', 'target.id': id }).lean();
    expect(audit?.target?.label).to.equal(pseudonym);
    expect(audit?.after).to.include({ tickets: 1, files: 2 });
    expect(JSON.stringify(audit)).to.not.include('Vandersmissen');
    expect(JSON.stringify(audit)).to.not.include(member.email);

    const again = await request(app).post(`/api/v1/admin/members/${id}/erase`).set('Authorization', `Bearer ${admin}`).send({ confirm: 'x', reason: 'encore' });
    expect(again.status).to.equal(409);
  });

  it('finishes at the next start an erasure a stop interrupted after its first ticket, erasing each ticket once', async () => {
    const person = { name: 'Gaëtan Schoonbroodt', email: 'gaetan.schoonbroodt@example.be', memberNumber: 'M-555002' };
    const first = await buildTicket(org, { subject: 'Première demande', body: `Je suis ${person.name}.`, member: person });
    const second = await buildTicket(org, { subject: 'Deuxième demande', body: 'Encore une question.', member: person });
    const id = String(first.member);
    // The stop: intent recorded, the first ticket erased, nothing else.
    await MemberErasureModel.collection.insertOne({
      _id: id,
      pseudonym: pseudonymFor(id),
      startedAt: new Date(),
      finishedAt: null,
      by: { staff: String(org.staff.administrator.id), name: org.staff.administrator.name },
      source: 'administrator',
      reason: 'Demande',
      ticketsDone: [],
      counts: { tickets: 0, messages: 0, files: 0, mails: 0 },
      steps: [],
      ip: '',
    } as never);
    await eraseTicket(first._id, {
      actor: { kind: 'system', name: 'Relais' },
      memberId: id,
      pseudonym: pseudonymFor(id),
      pattern: identityPatterns(person),
      email: person.email,
      dataDir: config.dataDir,
    });
    expect(await resumeErasures({ dataDir: config.dataDir })).to.equal(1);
    const erasure = await MemberErasureModel.findById(id).lean();
    expect(erasure?.finishedAt).to.be.instanceOf(Date);
    expect(erasure?.counts).to.include({ tickets: 2 });
    for (const t of [first, second]) {
      const now = (await loadTicket(String(t._id))) as Ticket;
      const events = await ticketEvents(now);
      expect(events.filter((e) => e.type === 'member_erased')).to.have.length(1);
      expect(JSON.stringify(events)).to.not.include('Schoonbroodt');
    }
    expect((await MemberModel.findById(id).lean())?.name).to.equal(pseudonymFor(id));
    expect(await resumeErasures({ dataDir: config.dataDir })).to.equal(0);
  });

  it('keeps a member’s last activity, written at most once a day (retention counts in years)', async () => {
    const member = { name: 'Odile Active', email: 'odile.active@example.be' };
    const t0 = new Date(Date.now() - 10 * 86_400_000);
    const first = await buildTicket(org, { subject: 'Première', body: 'Une.', member, at: t0 });
    const activity = async () => (await MemberModel.findById(first.member, { lastActiveAt: 1 }).lean())?.lastActiveAt?.getTime();
    expect(await activity()).to.equal(t0.getTime());
    // An hour later: the day's activity is already written, no second write.
    await buildTicket(org, { subject: 'Deuxième', body: 'Deux.', member, at: new Date(t0.getTime() + 3600_000) });
    expect(await activity()).to.equal(t0.getTime());
    // Two days later: written again.
    const later = new Date(t0.getTime() + 2 * 86_400_000);
    await buildTicket(org, { subject: 'Troisième', body: 'Trois.', member, at: later });
    expect(await activity()).to.equal(later.getTime());
  });

  it('lists inactive members in a dry run, and erases them only once an administrator confirmed the report', async () => {
    const longAgo = new Date(Date.now() - 4 * 365 * 86_400_000);
    const sleeper = { name: 'Rosalie Dormante', email: 'rosalie.dormante@example.be' };
    const old = await buildTicket(org, { subject: 'Ancienne question', body: 'Question de 2021.', member: sleeper, at: longAgo });
    await TicketModel.collection.updateOne({ _id: old._id }, { $set: { status: 'closed', closedAt: longAgo, updatedAt: longAgo } });
    await workingSet.refresh(old._id); // written under the journal: the working set re-reads it
    const active = await buildTicket(org, { subject: 'Question récente', body: 'Hier.', member: { name: 'Arnaud Actif', email: 'arnaud.actif@example.be' } });
    const now = new Date();

    expect(await runMemberRetention({ years: 0, dataDir: config.dataDir, now })).to.equal(0);
    expect(await RetentionReportModel.countDocuments({})).to.equal(0);

    // The dry run: a report, nobody erased.
    expect(await runMemberRetention({ years: 3, dataDir: config.dataDir, now })).to.equal(0);
    const got = await request(app).get('/api/v1/admin/retention').set('Authorization', `Bearer ${admin}`);
    expect(got.status).to.equal(200);
    const report = got.body.report as { _id: string; state: string; members: Array<{ id: string; name: string }> };
    expect(report.state).to.equal('pending');
    expect(report.members.map((m) => m.name)).to.deep.equal([sleeper.name]);
    expect(report.members.map((m) => m.id)).to.not.include(String(active.member));
    expect((await MemberModel.findById(old.member).lean())?.name).to.equal(sleeper.name);
    // A second pass the same day neither erases nor writes another report.
    expect(await runMemberRetention({ years: 3, dataDir: config.dataDir, now })).to.equal(0);
    expect(await RetentionReportModel.countDocuments({})).to.equal(1);

    const refused = await request(app).post(`/api/v1/admin/retention/${report._id}/confirm`).set('Authorization', `Bearer ${advisor}`);
    expect(refused.status).to.equal(403);
    const confirmed = await request(app).post(`/api/v1/admin/retention/${report._id}/confirm`).set('Authorization', `Bearer ${admin}`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);
    expect(await runMemberRetention({ years: 3, dataDir: config.dataDir, now })).to.equal(1);
    const erased = await MemberModel.findById(old.member).lean();
    expect(erased?.erasedAt).to.be.instanceOf(Date);
    expect(erased?.name).to.equal(pseudonymFor(String(old.member)));
    expect((await MemberModel.findById(active.member).lean())?.erasedAt ?? null).to.equal(null);
    const done = await RetentionReportModel.findById(report._id).lean();
    expect(done?.state).to.equal('done');
    expect(JSON.stringify(done)).to.not.include('Rosalie');
    const erasure = await MemberErasureModel.findById(String(old.member)).lean();
    expect(erasure?.source).to.equal('retention');
    expect(await AuditEntryModel.countDocuments({ action: 'retention.confirm' })).to.equal(1);
  });
  it('the members page: found by member number, Export and Erase on the member page, a wrong confirmation refused, administrators only', async () => {
    const person = { name: 'Wendy Pagemaker', email: 'wendy.pagemaker@example.be', memberNumber: 'M-555003' };
    const t = await buildTicket(org, { subject: 'Question page', body: 'Bonjour.', member: person });
    const id = String(t.member);
    const agent = await signedIn(app, org.staff.administrator.email);
    const landing = await agent.get('/staff/admin').expect(200);
    expect(landing.text).to.include('href="/staff/admin/members"');
    const find = await agent.get('/staff/admin/members').query({ q: 'm-555003' });
    expect(find.status).to.equal(303);
    expect(find.headers.location).to.equal(`/staff/admin/members/${id}`);
    const page = await agent.get(`/staff/admin/members/${id}`).expect(200);
    expect(page.text).to.include(person.email).and.include(t.number).and.include(`/staff/admin/members/${id}/export`).and.include('name="confirm"');
    const csrf = hidden(page.text, '_csrf');
    const wrong = await agent.post(`/staff/admin/members/${id}/erase`).type('form').send({ _csrf: csrf, confirm: 'nope@example.be', reason: 'Demande' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.include('id="member-error"');
    expect((await MemberModel.findById(id).lean())?.name).to.equal(person.name);
    const ok = await agent.post(`/staff/admin/members/${id}/erase`).type('form').send({ _csrf: csrf, confirm: person.email, reason: 'Demande' });
    expect(ok.status, ok.text.slice(0, 500)).to.equal(303);
    const after = await agent.get(`/staff/admin/members/${id}`).expect(200);
    expect(after.text).to.include(pseudonymFor(id)).and.not.include(person.email);
    // A Dutch page says the pseudonym in Dutch; the stored one is the French.
    const dutch = (await agent.get(`/staff/admin/members/${id}?lang=nl`).expect(200)).text;
    expect(dutch)
      .to.include(`Gewist lid #${id.slice(-8)}`)
      .and.not.include('Membre effacé #');
    await agent.get(`/staff/admin/members/${id}?lang=fr`).expect(200);
    // What was erased, in real plurals ("1 demande", not "1 demande(s)").
    expect(after.text)
      .to.match(/1 demande, \d+ messages?, \d+ fichiers?, \d+ e-mails?/)
      .and.not.include('demande(s)');
    const other = await signedIn(app, org.staff.supervisorLiege.email);
    expect((await other.get('/staff/admin/members').query({ q: 'x' })).status).to.equal(403);
    expect((await other.get(`/staff/admin/members/${id}/export`)).status).to.equal(403);
  });
});
