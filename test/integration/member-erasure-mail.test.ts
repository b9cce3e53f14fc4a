/**
 * Erasure and export reach the member's mail that no ticket names: a "send me a link" mail waiting in
 * the outbox, a mail of theirs held in quarantine, their copies in the local catcher. They are found
 * through the per-address mail keys written when the mail is stored (mail/address-mail.ts), never by
 * reading the outbox or the received mail whole. And a ticket filed while the erasure runs is erased
 * too.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Config } from '../../server/config.js';
import { AddressMailModel, addressMail, forgetAddressMail, noteAddressMail } from '../../server/mail/address-mail.js';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { CaughtMailModel, Outbox, OutboxDueModel, type OutboxMail } from '../../server/mail/mail.models.js';
import { backfillAddressMail } from '../../server/mail/address-mail.backfill.js';
import { processLinkRequests } from '../../server/mail/member-link-mail.js';
import { queueLinkRequest } from '../../server/members/link-requests.js';
import { MemberEmailModel } from '../../server/members/member.model.js';
import { MemberErasureModel } from '../../server/privacy/erasure.model.js';
import { eraseMember } from '../../server/privacy/member-erasure.js';
import { startErasureWatch } from '../../server/privacy/erasure-watch.js';
import { placeholderEmail } from '../../server/privacy/redaction.js';
import { domainEvents } from '../../server/lib/domain-events.js';
import { rememberMemberTicket } from '../../server/tickets/ticket.keys.js';
import { loadTicket } from '../../server/tickets/ticket.journal.js';
import { ticketEvents } from '../../server/tickets/ticket.queries.js';
import type { Ticket } from '../../server/tickets/ticket.model.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { login, testApp } from '../helpers/http.js';
import { readZip } from '../helpers/zip.js';
import { asBytes } from '../helpers/bytes.js';

const member = { name: 'Léontine Cabuy-Roelants', email: 'leontine.cabuy@example.be' };

/** A newsletter-looking mail from the member (a List-Id header): held in quarantine as bulk mail. */
function quarantinedRaw(): Buffer {
  return Buffer.from(
    [
      `From: ${member.name} <${member.email}>`,
      'To: support@relais.test',
      `Subject: Lettre de ${member.name}`,
      'Message-ID: <cabuy-1@example.be>',
      'List-Id: Famille Cabuy <famille.cabuy.example.be>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Bonjour, ici ${member.name} (${member.email}).`,
      '',
    ].join('\r\n'),
  );
}

describe('members’ erasure and export reach the mail no ticket names, and tickets filed meanwhile', function () {
  this.timeout(120_000);
  useTestDatabase();
  let app: Express;
  let config: Config;
  let org: Org;
  let admin: string;

  before(async () => {
    config = testConfig({ MAIL_FROM: 'Relais <support@relais.test>' });
    app = testApp(config);
    org = await buildOrg();
    admin = await login(app, org.staff.administrator.email);
  });

  it('keys mail by address: notes made at once all kept, found whatever the case, forgotten together', async () => {
    const refs = Array.from({ length: 12 }, (_, i) => `ref-${i}`);
    await Promise.all(refs.map((ref, i) => noteAddressMail([i % 2 ? 'Zoe.Keys@Example.be' : 'zoe.keys@example.be'], 'inbound', ref)));
    await noteAddressMail(['zoe.keys@example.be', 'other.keys@example.be'], 'outbox', 'out-1');
    const found = await addressMail(' ZOE.KEYS@example.BE ');
    expect([...found.inbound].sort()).to.deep.equal([...refs].sort());
    expect(found.outbox).to.deep.equal(['out-1']);
    expect((await addressMail('other.keys@example.be')).outbox).to.deep.equal(['out-1']);
    await forgetAddressMail('zoe.keys@example.be');
    expect(await addressMail('zoe.keys@example.be')).to.deep.equal({ outbox: [], inbound: [], caught: [] });
    expect((await addressMail('other.keys@example.be')).outbox).to.deep.equal(['out-1']);
    // No address in clear in the keys.
    expect(JSON.stringify(await AddressMailModel.find({}).lean())).to.not.include('example.be');
  });

  it('gives the mail stored before the address keys existed its keys, once per database', async () => {
    const address = 'ancienne.adresse@example.be';
    const outboxId = new Types.ObjectId();
    await Outbox.collection.insertOne({ _id: outboxId, ticket: null, to: [address], createdAt: new Date(), status: 'sent' } as never);
    const inboundId = `backfill-${outboxId.toHexString()}`;
    await InboundMailModel.collection.insertOne({
      _id: inboundId,
      from: `Ancienne <${address.toUpperCase()}>`,
      envelope: { from: address, to: [] },
      receivedAt: new Date(),
    } as never);
    const caught = await CaughtMailModel.collection.insertOne({ envelopeTo: [address], envelopeFrom: 'support@relais.test', receivedAt: new Date() } as never);
    expect(await addressMail(address)).to.deep.equal({ outbox: [], inbound: [], caught: [] });
    expect(await backfillAddressMail()).to.be.greaterThan(2);
    const found = await addressMail(address);
    expect(found.outbox).to.deep.equal([String(outboxId)]);
    expect(found.inbound).to.deep.equal([inboundId]);
    expect(found.caught).to.deep.equal([String(caught.insertedId)]);
    // Once: the next start notes nothing again.
    expect(await backfillAddressMail()).to.equal(0);
  });

  it('exports then erases the "send me a link" mail in the outbox and the quarantined mail from the member; the record counts them', async () => {
    const ticket = await buildTicket(org, { subject: 'Question', body: 'Bonjour.', member });
    const id = String(ticket.member);
    await queueLinkRequest(member.email.toUpperCase(), 'fr');
    expect(await processLinkRequests(config)).to.equal(1);
    const link = await Outbox.findOne({ template: 'member-link' }).lean<OutboxMail>();
    expect(link?.to).to.deep.equal([member.email]);
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const raw = quarantinedRaw();
    await pipeline.ingest({ raw, source: 'smtp', mailbox: 'support@relais.test', envelopeFrom: member.email, envelopeTo: ['support@relais.test'] });
    const inboundId = createHash('sha256').update(raw).digest('hex');
    expect((await InboundMailModel.findById(inboundId).lean())?.status).to.equal('quarantined');

    // The export names both.
    const res = await request(app).get(`/api/v1/admin/members/${id}/export`).set('Authorization', `Bearer ${admin}`).buffer(true).parse(asBytes);
    expect(res.status).to.equal(200);
    const mails = JSON.parse(String(readZip(res.body as Buffer).get('mails.json'))) as {
      sent: Array<{ template?: string; to: string[] }>;
      received: Array<{ subject: string; status?: string }>;
    };
    expect(mails.sent.some((m) => m.template === 'member-link' && m.to.includes(member.email))).to.equal(true);
    expect(mails.received.some((m) => m.subject.includes('Lettre de') && m.status === 'quarantined')).to.equal(true);

    const erasure = await eraseMember(org.staff.administrator, id, { reason: 'Demande', source: 'administrator' }, { dataDir: config.dataDir });
    // The acknowledgement (the ticket's), the link mail and the quarantined mail.
    expect(erasure.counts.mails).to.be.at.least(3);
    const records = JSON.stringify({
      outbox: await Outbox.findById(link?._id).lean(),
      inbound: await InboundMailModel.findById(inboundId).lean(),
    });
    for (const needle of [member.email, 'Cabuy', 'Léontine', 'leontine']) {
      const at = records.toLowerCase().indexOf(needle.toLowerCase());
      expect(at, `${needle} in …${records.slice(Math.max(0, at - 200), at + 100)}`).to.equal(-1);
    }
    // The link mail was still waiting: it is never sent now.
    expect((await Outbox.findById(link?._id).lean<OutboxMail>())?.status).to.equal('failed');
    expect(await OutboxDueModel.findById(link?._id).lean()).to.equal(null);
  });

  it('erases a ticket the member filed while the erasure was running (between the walk of their tickets and the end)', async () => {
    const person = { name: 'Anatole Verbruggen', email: 'anatole.verbruggen@example.be' };
    const first = await buildTicket(org, { subject: `Demande de ${person.name}`, body: 'Bonjour.', member: person });
    const id = String(first.member);
    let late: Ticket | null = null;
    // And a creation still under way: its key is written, its ticket not yet.
    const unborn = new Types.ObjectId();
    const erasure = await eraseMember(
      org.staff.administrator,
      id,
      { reason: 'Demande', source: 'administrator' },
      {
        dataDir: config.dataDir,
        afterStep: async (step) => {
          if (step === 'tickets') {
            late = await buildTicket(org, { subject: `Encore ${person.name}`, body: `Je suis ${person.name}.`, member: person });
            await rememberMemberTicket(new Types.ObjectId(id), unborn);
          }
          // A link asked for after the mail step, mailed before the member record lost the address.
          if (step === 'records') {
            await queueLinkRequest(person.email, 'fr');
            expect(await processLinkRequests(config)).to.equal(1);
          }
        },
      },
    );
    expect(erasure.ticketsDone, 'a ticket not stored yet is not done').to.not.include(String(unborn));
    expect(late, 'the hook ran').to.not.equal(null);
    const lateTicket = late as unknown as Ticket;
    expect(String(lateTicket.member)).to.equal(id);
    expect(erasure.counts.tickets).to.equal(2);
    expect(erasure.ticketsDone).to.include(String(lateTicket._id));
    const after = (await loadTicket(String(lateTicket._id))) as Ticket;
    const events = await ticketEvents(after);
    expect(events.filter((e) => e.type === 'member_erased')).to.have.length(1);
    expect(JSON.stringify({ after, events })).to.not.include('Verbruggen');
    expect((await MemberErasureModel.findById(id).lean())?.ticketsDone).to.include(String(lateTicket._id));
    expect(await MemberEmailModel.findById(person.email).lean()).to.equal(null);
    const link = await Outbox.findOne({ template: 'member-link', 'to.0': { $regex: `^erased-${id}@` } }).lean<OutboxMail>();
    expect(link, 'the link mailed during the erasure, redacted').to.not.equal(null);
    expect(link?.status).to.equal('failed');
    expect(JSON.stringify(link)).to.not.include('Verbruggen').and.not.include(person.email);
  });

  it('erases, as it is created, a ticket naming the member that was stored after the erasure’s last sweep', async () => {
    const person = { name: 'Hortense Delvigne', email: 'hortense.delvigne@example.be' };
    const first = await buildTicket(org, { subject: 'Première demande', body: 'Bonjour.', member: person });
    const id = String(first.member);
    const watch = startErasureWatch({ dataDir: config.dataDir, logger: silentLogger });
    try {
      await eraseMember(org.staff.administrator, id, { reason: 'Demande', source: 'administrator' }, { dataDir: config.dataDir });
      // A creation that found the member just before their address key went, stored after the end:
      // filed here under the key the erased record keeps, which names the same member.
      const late = await buildTicket(org, {
        subject: `Suite ${person.name}`,
        body: `Je suis ${person.name} (${person.email}).`,
        member: { name: person.name, email: placeholderEmail(id) },
      });
      expect(String(late.member)).to.equal(id);
      await domainEvents.settled();
      const after = (await loadTicket(String(late._id))) as Ticket;
      const events = await ticketEvents(after);
      expect(events.filter((e) => e.type === 'member_erased')).to.have.length(1);
      const everything = JSON.stringify({ after, events, outbox: await Outbox.find({ ticket: after._id }).lean() });
      expect(everything).to.not.include('Delvigne');
      const record = await MemberErasureModel.findById(id).lean();
      expect(record?.ticketsDone).to.include(String(late._id));
      expect(record?.counts.tickets).to.equal(2);
      // Another member's new ticket is left alone.
      const other = await buildTicket(org, { subject: 'Autre membre', body: 'Bonjour.' });
      await domainEvents.settled();
      expect((await loadTicket(String(other._id)))?.subject).to.equal('Autre membre');
    } finally {
      await watch.stop();
    }
  });
});
