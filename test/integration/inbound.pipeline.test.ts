/**
 * The inbound pipeline against the whole fixture corpus (test/fixtures/mail): every message gets
 * the outcome its manifest entry names, nothing is lost, a second delivery of everything acts on
 * nothing (each copy is recorded as the same as its first), automatic mail is never answered, and a member gets at most one automatic answer a day.
 */
import { acknowledgementsPerDay } from '../../server/mail/inbound/inbound-actions.js';
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { useMail } from '../helpers/enrichers.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { MemberModel } from '../../server/members/member.model.js';
import { replyToken } from '../../server/members/member-links.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { claimNumber } from '../../server/tickets/ticket.keys.js';
import type { Config } from '../../server/config.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, buildTicket, type Org } from '../helpers/factories.js';
import { corpusContext, corpusMessage, loadManifest, type ManifestEntry } from '../fixtures/mail/manifest.js';

async function ticketNumbered(org: Org, number: string, member: { name: string; email: string }): Promise<Types.ObjectId> {
  const ticket = await buildTicket(org, { member, subject: `Demande ${number}` });
  // Renumbered by hand: the number's key follows, as an import would write it (ticket.keys.ts).
  await TicketModel.collection.updateOne({ _id: ticket._id }, { $set: { number } });
  await claimNumber(number, ticket._id);
  // Written under the journal: the working set, which commands start from, re-reads it.
  await workingSet.refresh(ticket._id);
  return ticket._id;
}

describe('inbound pipeline: the fixture corpus', function () {
  this.timeout(180_000);
  useTestDatabase();
  let org: Org;
  let config: Config;
  let pipeline: InboundPipeline;
  const manifest = loadManifest();
  const results = new Map<string, { kind: string; reason: string | null }>();

  before(async () => {
    org = await buildOrg();
    config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_TRUSTED_AUTHSERV_IDS: corpusContext.trustedAuthservIds.join(',') });
    useMail(config);
    await ticketNumbered(org, corpusContext.ticket, { name: 'Marie Dupont', email: corpusContext.member });
    await ticketNumbered(org, 'R-2026-000456', { name: 'Jan Peeters', email: 'jan.peeters@example.be' });
    const tokens: Record<string, string> = { [corpusContext.memberToken]: corpusContext.ticket, [corpusContext.otherToken]: 'R-2026-000456' };
    pipeline = createInboundPipeline({ config, logger: silentLogger, resolveToken: (t) => tokens[t] ?? null });
  });

  it('gives every corpus message the outcome its manifest names', async () => {
    const wrong: string[] = [];
    for (const entry of manifest) {
      const outcome = await pipeline.ingest({ raw: corpusMessage(entry), source: 'smtp', envelopeTo: ['support@relais.demo'] });
      if (!outcome) throw new Error(`${entry.file}: no outcome`);
      results.set(entry.file, { kind: outcome.kind, reason: outcome.reason });
      const expected = entry.expect.outcome;
      const reasonOk = expected !== 'quarantine' || !entry.expect.quarantineReason || outcome.reason === entry.expect.quarantineReason;
      if (outcome.kind !== expected || !reasonOk)
        wrong.push(
          `${entry.file}: expected ${expected}${entry.expect.quarantineReason ? ` (${entry.expect.quarantineReason})` : ''}, got ${outcome.kind} (${outcome.reason ?? ''}: ${outcome.detail ?? ''})`,
        );
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    expect(manifest.length).to.be.at.least(60);
    // Every message has a record with its outcome; none is left pending.
    expect(await InboundMailModel.countDocuments({ status: 'pending' })).to.equal(0);
  });

  it("appends follow-ups to the named ticket with their Message-ID, and links strangers' tickets to the one they cite", async () => {
    const marie = await TicketModel.findOne({ number: corpusContext.ticket }).lean();
    const followUps = manifest.filter((e) => e.expect.outcome === 'follow_up').length;
    const appended = await MessageModel.countDocuments({ ticket: marie?._id, channel: 'email' });
    const onOther = await MessageModel.countDocuments({ ticket: (await TicketModel.findOne({ number: 'R-2026-000456' }).lean())?._id, channel: 'email' });
    expect(appended + onOther).to.equal(followUps);
    const created = manifest.filter((e) => e.expect.outcome === 'new_ticket').length;
    expect(await TicketModel.countDocuments({ channel: 'email' })).to.equal(created);
  });

  it('records bounces on the member and answers no automatic mail', async () => {
    const emailTickets = (await TicketModel.find({ channel: 'email' }, { _id: 1 }).lean()).map((t) => t._id);
    const acks = await Outbox.find({ template: 'ticket-acknowledgement', ticket: { $in: emailTickets } }, { to: 1 }).lean();
    expect(acks.length).to.be.greaterThan(5);
    const automaticSenders = manifest
      .filter((e) => e.expect.automatic && e.expect.automatic !== 'none')
      .map((e) => e.expect.from)
      .filter((a): a is string => Boolean(a));
    for (const ack of acks) expect(automaticSenders, `acknowledged ${ack.to.join(',')}`).not.to.include(ack.to[0]);
    // A few automatic answers per address per day at most, however many tickets it opened (a member's
    // second question of the day is acknowledged).
    const perAddress = new Map<string, number>();
    for (const ack of acks) perAddress.set(ack.to[0] ?? '', (perAddress.get(ack.to[0] ?? '') ?? 0) + 1);
    expect(
      [...perAddress.values()].every((n) => n >= 1 && n <= acknowledgementsPerDay),
      JSON.stringify([...perAddress]),
    ).to.equal(true);
  });

  it('acts on nothing when the whole corpus is delivered again, and records each copy as the same as its first', async () => {
    const count = async () => ({
      tickets: await TicketModel.countDocuments(),
      messages: await MessageModel.countDocuments(),
      outbox: await Outbox.countDocuments(),
    });
    const before = await count();
    const records = await InboundMailModel.countDocuments();
    for (const entry of manifest) {
      const outcome = await pipeline.ingest({ raw: corpusMessage(entry), source: 'imap', mailbox: 'support' });
      expect(outcome?.kind, entry.file).to.equal('duplicate');
    }
    expect(await count()).to.deep.equal(before);
    expect(await InboundMailModel.countDocuments()).to.equal(records + manifest.length);
    expect(await InboundMailModel.countDocuments({ 'outcome.kind': 'duplicate', status: 'done' })).to.equal(
      manifest.length + manifest.filter((e) => e.expect.outcome === 'duplicate').length,
    );
  });

  it('reprocesses a quarantined message on request, and a person can make a ticket of it', async () => {
    const forged = manifest.find((e: ManifestEntry) => e.expect.quarantineReason === 'forged_follow_up');
    if (!forged) throw new Error('no forged follow-up in the corpus');
    const record = await InboundMailModel.findOne({ 'outcome.reason': 'forged_follow_up' }).lean();
    if (!record) throw new Error('no quarantined record');
    const again = await pipeline.reprocess(record._id, 'admin@test.relais');
    expect(again?.kind).to.equal('quarantine');
    const forcedOutcome = await pipeline.force(record._id, 'admin@test.relais');
    expect(forcedOutcome?.kind).to.equal('new_ticket');
    const after = await InboundMailModel.findById(record._id).lean();
    expect(after?.status).to.equal('done');
    expect(after?.history.map((h) => h.action)).to.include.members(['received', 'quarantined', 'forced']);
    expect(after?.history.find((h) => h.action === 'forced')?.by).to.equal('admin@test.relais');
    // Forcing twice makes no second ticket.
    const twice = await pipeline.force(record._id, 'admin@test.relais');
    expect(twice?.ticketNumber).to.equal(forcedOutcome?.ticketNumber);
  });

  it("threads a member's answer to the Reply-To address Relais gave, with the real signed token", async () => {
    const plain = createInboundPipeline({ config, logger: silentLogger });
    const ticket = await buildTicket(org, { member: { name: 'Sofie Claes', email: 'sofie.claes@example.be' }, subject: 'Attest' });
    const raw = Buffer.from(
      [
        'From: Sofie Claes <sofie.claes@example.be>',
        `To: support+${replyToken(config, ticket.number)}@relais.demo`,
        `Subject: Re: [${ticket.number}] Attest`,
        'Message-ID: <sofie-1@example.be>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hier is het attest.',
        '',
      ].join('\r\n'),
    );
    const outcome = await plain.ingest({ raw, source: 'smtp' });
    expect(outcome).to.include({ kind: 'follow_up', ticketNumber: ticket.number });
    // Staff see how it was proven next to the message: the signed reply address.
    expect((await MessageModel.findOne({ ticket: ticket._id, emailMessageId: '<sofie-1@example.be>' }).lean())?.mailAuth).to.deep.include({ proof: 'token' });
    const forgedToken = `${ticket.number}-0000000000000000`;
    const forged = await plain.ingest({
      raw: Buffer.from(raw.toString().replace(replyToken(config, ticket.number), forgedToken).replace('sofie-1', 'sofie-2')),
      source: 'smtp',
    });
    // A token that is not genuine is ignored; the subject names the ticket and Sofie is its member,
    // but nothing proves the mail is hers (no authentication): held for a person to confirm.
    expect(forged).to.include({ kind: 'quarantine', reason: 'unverified_follow_up', relatedTicket: ticket.number });
    const stranger = await plain.ingest({
      raw: Buffer.from(
        raw
          .toString()
          .replace(/sofie\.claes@example\.be/g, 'someone@else.example')
          .replace('sofie-1', 'sofie-3'),
      ),
      source: 'smtp',
    });
    expect(stranger?.kind).to.equal('quarantine');
    expect(stranger?.reason).to.equal('forged_follow_up');
    const member = await MemberModel.findOne({ email: 'someone@else.example' }).lean();
    expect(member).to.equal(null); // nobody was created for the stranger
  });
});
