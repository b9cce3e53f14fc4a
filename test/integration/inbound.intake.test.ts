/**
 * What the SMTP 250 promises, and what a crash may not undo: a message is answered once it is on
 * disk in the spool (spool.ts); a stop before the database took it leaves it there, and the next
 * start puts it in the database and processes it; the database refusing it for a while is retried;
 * a stop before it was processed leaves its hint (`inbound_pending`), and the next start processes
 * it, found through the hint (never by reading `inbound_mail`); a crash after its ticket was made and before its record makes no second
 * ticket; the same message relayed again ends on one ticket (the copy recorded as the same); records pending from before the hints
 * get one; an address is acknowledged once a day; the quarantine is listed through its hints;
 * processing waits for the deliveries of an open session, not for a sender that quit, and a stream of
 * deliveries does not keep it waiting for ever.
 */
import { expect } from 'chai';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { createFileStorage } from '../../server/attachments/storage.js';
import { countQuarantined, listInboundPage } from '../../server/mail/inbound/inbound-admin.js';
import { hashOf } from '../../server/mail/inbound/raw.js';
import { acknowledgementsPerDay } from '../../server/mail/inbound/inbound-actions.js';
import {
  AutoReplyModel,
  INLINE_RAW_MAX,
  InboundMailModel,
  InboundMessageKeyModel,
  InboundPendingModel,
  InboundQuarantineModel,
  type InboundPending,
} from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline, type InboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { backfillInboundHints } from '../../server/mail/inbound/inbound-hints.js';
import { startInboundSmtp, type InboundSmtp } from '../../server/mail/inbound/smtp-receiver.js';
import { decodeRecords, encodeRecord } from '../../server/mail/inbound/spool.js';
import { Outbox } from '../../server/mail/mail.models.js';
import { TicketModel } from '../../server/tickets/ticket.model.js';
import { OfficeModel } from '../../server/offices/office.model.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import type { Config } from '../../server/config.js';
import { useMail } from '../helpers/enrichers.js';
import { onePixelPng } from '../helpers/bytes.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg } from '../helpers/factories.js';

function rawMail(subject: string, from: string, messageId: string, extra: string[] = []): string {
  return [
    ...extra,
    `From: ${from}`,
    'To: support@relais.demo',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Bonjour, ${subject.toLowerCase()}.`,
    '',
  ].join('\r\n');
}

/** The ids of the messages in the spool files of `config`'s data folder. */
async function spooledIds(config: Config): Promise<string[]> {
  const dir = path.join(config.dataDir, 'inbound-spool');
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.spool'));
  const ids: string[] = [];
  for (const file of files) ids.push(...decodeRecords(await readFile(path.join(dir, file))).records.map((r) => r._id));
  return ids;
}

/** The filters sent to `inbound_mail` while `work` runs. */
async function inboundMailFilters(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  const proto = mongoose.mongo.Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const method of ['find', 'findOne', 'countDocuments']) {
    const original = proto[method];
    if (!original) continue;
    originals.set(method, original);
    proto[method] = function (this: { collectionName: string }, ...args: unknown[]) {
      if (this.collectionName === 'inbound_mail') seen.push((args[0] as Record<string, unknown> | undefined) ?? {});
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [method, original] of originals) proto[method] = original;
  }
  return seen;
}

describe('inbound intake: the 250, a crash, and the next start', function () {
  this.timeout(60_000);
  useTestDatabase();
  let config: Config;
  const running: InboundSmtp[] = [];
  const send = (port: number, from: string, raw: string) =>
    nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail({ envelope: { from, to: ['support@relais.demo'] }, raw });

  before(async () => {
    await buildOrg();
    config = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0' });
    useMail(config);
  });
  after(async () => {
    for (const r of running) await r.stop();
  });

  it('answers 250 once the message is stored; stopped before processing, the next start processes it through its hint', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    // The process dies right after the 250: nothing of the processing happens.
    const crashing: InboundPipeline = { ...pipeline, process: async () => null };
    const smtp = await startInboundSmtp({ config, pipeline: crashing, logger: silentLogger });
    const raw = rawMail('Attestation fiscale', 'Léa Dubois <lea.crash@example.be>', '<crash-1@example.be>');
    const info = await send(smtp.port, 'lea.crash@example.be', raw);
    expect(info.response).to.match(/^250/);
    await smtp.stop();

    const pending = await InboundPendingModel.collection.findOne<InboundPending>({ _id: hashOf(Buffer.from(raw)) } as never);
    if (!pending) throw new Error('no pending hint after the 250');
    expect(pending.raw, 'the bytes are in the hint').to.not.equal(null);
    expect(await InboundMailModel.exists({ _id: pending._id })).to.equal(null);
    expect(await TicketModel.countDocuments({ subject: 'Attestation fiscale' })).to.equal(0);

    // The next start: a new pipeline finds the message through its hint alone.
    const restarted = createInboundPipeline({ config, logger: silentLogger });
    let recovered = 0;
    const filters = await inboundMailFilters(async () => {
      recovered = await restarted.recover();
    });
    expect(recovered).to.equal(1);
    for (const filter of filters) expect(Object.keys(filter), JSON.stringify(filter)).to.deep.equal(['_id']);
    const ticket = await TicketModel.findOne({ subject: 'Attestation fiscale' }).lean();
    expect(ticket?.channel).to.equal('email');
    const record = await InboundMailModel.findById(pending._id).lean();
    expect(record).to.include({ status: 'done', messageId: '<crash-1@example.be>', source: 'smtp' });
    expect(String(record?.outcome?.ticket)).to.equal(String(ticket?._id));
    expect(record?.history.map((h) => h.action)).to.deep.equal(['received', 'processed']);
    expect((await restarted.raw(pending._id)).toString()).to.equal(raw);
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
    expect(await restarted.recover()).to.equal(0);
  });

  it('keeps a message answered 250 in the spool when the database cannot take it before a crash; the next start makes its ticket', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    // The database never takes the message before the process stops.
    let tries = 0;
    const down: InboundPipeline = {
      ...pipeline,
      admit: async () => {
        tries += 1;
        throw new Error('database unavailable');
      },
    };
    const smtp = await startInboundSmtp({ config, pipeline: down, logger: silentLogger });
    const raw = rawMail('Certificat de chômage', 'Omar <omar.spool@example.be>', '<spool-1@example.be>');
    const info = await send(smtp.port, 'omar.spool@example.be', raw);
    expect(info.response).to.match(/^250/);
    while (tries === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await smtp.stop();
    const id = hashOf(Buffer.from(raw));
    expect(await InboundPendingModel.exists({ _id: id })).to.equal(null);
    expect(await spooledIds(config)).to.include(id);

    const restarted = createInboundPipeline({ config, logger: silentLogger });
    expect(await restarted.recover()).to.equal(1);
    const ticket = await TicketModel.findOne({ subject: 'Certificat de chômage' }).lean();
    expect(ticket?.channel).to.equal('email');
    expect(await InboundMailModel.findById(id).lean()).to.include({ status: 'done', messageId: '<spool-1@example.be>' });
    expect(await spooledIds(config)).to.not.include(id);
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
    expect(await restarted.recover()).to.equal(0);
    expect(await TicketModel.countDocuments({ subject: 'Certificat de chômage' })).to.equal(1);
  });

  it('takes over, while running, the spool file of a receiver gone from another host once its lease ran out', async () => {
    const raw = Buffer.from(rawMail('Facture contestée', 'Rosa <rosa.away@example.be>', '<away-1@example.be>'));
    const pending: InboundPending = {
      _id: hashOf(raw),
      raw,
      source: 'smtp',
      mailbox: 'support@relais.demo',
      envelope: { from: 'rosa.away@example.be', to: ['support@relais.demo'] },
      client: null,
      truncated: false,
      routing: { category: null, office: null },
      receivedAt: new Date(Date.now() - 10 * 60_000),
      plannedTicket: new mongoose.Types.ObjectId(),
    };
    const dir = path.join(config.dataDir, 'inbound-spool');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'gone-host~4242~abc~1.spool');
    await writeFile(file, encodeRecord(pending));
    const smtp = await startInboundSmtp({ config, pipeline: createInboundPipeline({ config, logger: silentLogger }), logger: silentLogger, takeOverMs: 100 });
    running.push(smtp);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await TicketModel.countDocuments({ subject: 'Facture contestée' }), 'its lease has not run out yet').to.equal(0);
    const old = new Date(Date.now() - 6 * 60_000);
    await utimes(file, old, old);
    for (const deadline = Date.now() + 10_000; (await TicketModel.countDocuments({ subject: 'Facture contestée' })) === 0;) {
      if (Date.now() > deadline) throw new Error('not taken over');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await spooledIds(config)).to.not.include(pending._id);
    expect(await InboundMailModel.findById(pending._id).lean()).to.include({ status: 'done' });
    // Its pass every 100 ms would take the spool files of the tests after this one.
    await smtp.stop();
    running.splice(running.indexOf(smtp), 1);
  });

  it('retries putting an accepted message in the database until it works, and empties the spool after', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    let failures = 1;
    const flaky: InboundPipeline = {
      ...pipeline,
      admit: async (pending) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('database restarting');
        }
        return pipeline.admit(pending);
      },
    };
    const smtp = await startInboundSmtp({ config, pipeline: flaky, logger: silentLogger });
    running.push(smtp);
    const raw = rawMail('Note de crédit', 'Paula <paula.retry@example.be>', '<retry-1@example.be>');
    expect((await send(smtp.port, 'paula.retry@example.be', raw)).response).to.match(/^250/);
    await smtp.idle();
    expect(failures).to.equal(0);
    expect(await TicketModel.countDocuments({ subject: 'Note de crédit' })).to.equal(1);
    expect(await spooledIds(config)).to.not.include(hashOf(Buffer.from(raw)));
  });

  it('sets aside a message the database keeps refusing, so the next ones in its lane go on; the next take-over admits it', async () => {
    // A data folder of its own: no other receiver of these tests takes its spool files.
    const own = testConfig({ MAIL_FROM: 'Relais <support@relais.demo>', INBOUND_SMTP_PORT: '0' });
    const pipeline = createInboundPipeline({ config: own, logger: silentLogger });
    const poison = rawMail('Refusé par la base', 'Paula <paula.aside@example.be>', '<aside-1@example.be>');
    const poisonId = hashOf(Buffer.from(poison));
    let refused = 0;
    const refusing: InboundPipeline = {
      ...pipeline,
      admit: async (pending) => {
        if (pending._id === poisonId) {
          refused += 1;
          throw new Error('document refused');
        }
        return pipeline.admit(pending);
      },
    };
    const smtp = await startInboundSmtp({ config: own, pipeline: refusing, logger: silentLogger, setAsideAfter: 2, quietMs: 10 });
    running.push(smtp);
    // Same sender, same lane: the second waits behind the first.
    expect((await send(smtp.port, 'paula.aside@example.be', poison)).response).to.match(/^250/);
    const next = rawMail('Après le refus', 'Paula <paula.aside@example.be>', '<aside-2@example.be>');
    expect((await send(smtp.port, 'paula.aside@example.be', next)).response).to.match(/^250/);
    await smtp.idle();
    expect(refused).to.equal(2);
    expect(await TicketModel.countDocuments({ subject: 'Après le refus' })).to.equal(1);
    expect(await TicketModel.countDocuments({ subject: 'Refusé par la base' })).to.equal(0);
    expect(await spooledIds(own), 'the refused message is kept, synced, in a spool file').to.include(poisonId);
    // The next pass (a running receiver's, every minute) takes it, now the database takes it.
    expect(await pipeline.takeOverSpools()).to.equal(1);
    expect(await TicketModel.countDocuments({ subject: 'Refusé par la base' })).to.equal(1);
    expect(await spooledIds(own)).to.not.include(poisonId);
  });

  it('leaves to their lane the messages stored since the start (recover takes only what a stop left)', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const raw = Buffer.from(rawMail('Nouvelle adresse', 'Rita <rita.fresh@example.be>', '<fresh-1@example.be>'));
    const { id } = await pipeline.store({ raw, source: 'smtp' });
    expect(await pipeline.recover()).to.equal(0);
    expect(await InboundPendingModel.exists({ _id: id })).to.not.equal(null);
    expect((await pipeline.process(id))?.kind).to.equal('new_ticket');
    expect(await InboundPendingModel.exists({ _id: id })).to.equal(null);
  });

  it("routes a mailbox's mail as any other once the mailbox's office has closed (it failed routing: review)", async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    await OfficeModel.updateOne({ code: 'liege' }, { $set: { active: false } });
    clearRoutingCache();
    try {
      const raw = Buffer.from(rawMail('Boîte d’un bureau fermé', 'Noor <noor.closed@example.be>', '<closed-office-1@example.be>'));
      const { id } = await pipeline.store({ raw, source: 'imap', mailbox: 'liege', routing: { office: 'liege' }, envelopeTo: ['support@relais.demo'] });
      const outcome = await pipeline.process(id);
      expect(outcome?.kind).to.equal('new_ticket');
      const ticket = await TicketModel.findOne({ subject: 'Boîte d’un bureau fermé' }, { office: 1 }).lean();
      const charleroi = await OfficeModel.findOne({ code: 'charleroi' }, { _id: 1 }).lean();
      expect(String(ticket?.office), 'the default office').to.equal(String(charleroi?._id));
    } finally {
      await OfficeModel.updateOne({ code: 'liege' }, { $set: { active: true } });
      clearRoutingCache();
    }
  });

  it('makes no second ticket when a crash came after the ticket and before the record', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const raw = Buffer.from(rawMail("Changement d'adresse", 'Tom <tom.crash@example.be>', '<crash-2@example.be>'));
    const { id } = await pipeline.store({ raw, source: 'smtp', envelopeFrom: 'tom.crash@example.be', envelopeTo: ['support@relais.demo'] });
    const hint = await InboundPendingModel.collection.findOne<InboundPending>({ _id: id } as never);
    const first = await pipeline.process(id);
    expect(first?.kind).to.equal('new_ticket');
    // As if the process had stopped after createTicket: no record, no Message-ID key, the hint still there.
    await InboundMailModel.collection.deleteOne({ _id: id } as never);
    await InboundMessageKeyModel.collection.deleteMany({ inbound: id });
    await InboundPendingModel.collection.insertOne(hint as never);
    const tickets = await TicketModel.countDocuments();
    expect(await createInboundPipeline({ config, logger: silentLogger }).recover()).to.equal(1);
    expect(await TicketModel.countDocuments()).to.equal(tickets);
    const record = await InboundMailModel.findById(id).lean();
    expect(record?.outcome).to.include({ kind: 'new_ticket', ticketNumber: first?.ticketNumber });
    // And the same bytes delivered once more: nothing new either.
    expect((await pipeline.ingest({ raw, source: 'smtp' }))?.ticketNumber).to.equal(first?.ticketNumber);
    expect(await TicketModel.countDocuments()).to.equal(tickets);
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
  });

  it('ends the same message relayed again (other bytes, same Message-ID and sender) on one ticket', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger });
    running.push(smtp);
    const raw = rawMail("Prime de fin d'année", 'Ana <ana.twice@example.be>', '<twice-1@example.be>');
    await send(smtp.port, 'ana.twice@example.be', raw);
    await send(smtp.port, 'ana.twice@example.be', `Received: from mx2.example.be by relais; Mon, 2 Mar 2026 10:00:00 +0100\r\n${raw}`);
    await smtp.idle();
    expect(await TicketModel.countDocuments({ subject: "Prime de fin d'année" })).to.equal(1);
    // Both deliveries are listed; the copy as the same as the first, acting on nothing.
    const records = await InboundMailModel.find({ messageId: '<twice-1@example.be>' }).lean();
    expect(records.map((r) => r.outcome?.kind).sort()).to.deep.equal(['duplicate', 'new_ticket']);
    expect(records.find((r) => r.outcome?.kind === 'duplicate')?.sameAs).to.equal(hashOf(Buffer.from(raw)));
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
  });

  it("writes a large message's bytes to their file before the 250, and keeps them out of the hint", async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const raw = Buffer.from(
      rawMail('Pièces justificatives', 'Sam <sam.big@example.be>', '<big-1@example.be>').replace('Bonjour', `Bonjour ${'x'.repeat(INLINE_RAW_MAX)}`),
    );
    const { id } = await pipeline.store({ raw, source: 'smtp', envelopeFrom: 'sam.big@example.be', envelopeTo: ['support@relais.demo'] });
    const hint = await InboundPendingModel.collection.findOne<InboundPending>({ _id: id } as never);
    expect(hint?.raw).to.equal(null);
    expect((await pipeline.raw(id)).equals(raw)).to.equal(true);
    expect((await pipeline.process(id))?.kind).to.be.oneOf(['new_ticket', 'quarantine']);
    expect(await InboundMailModel.findById(id, { size: 1 }).lean()).to.include({ size: raw.length });
    expect(await InboundPendingModel.countDocuments()).to.equal(0);
  });

  it('gives records left pending before hints existed a hint once, so the next start processes them', async () => {
    const raw = Buffer.from(rawMail('Ancienne demande', 'Eva <eva.legacy@example.be>', '<legacy-1@example.be>'));
    const id = hashOf(raw);
    await createFileStorage(path.join(config.dataDir, 'inbound')).put(id, raw);
    const receivedAt = new Date(Date.now() - 3600_000);
    await InboundMailModel.collection.insertOne({
      _id: id,
      messageId: '<legacy-1@example.be>',
      source: 'smtp',
      mailbox: null,
      envelope: { from: 'eva.legacy@example.be', to: [] },
      routing: { category: null, office: null },
      size: raw.length,
      truncated: false,
      subject: 'Ancienne demande',
      from: 'Eva <eva.legacy@example.be>',
      receivedAt,
      status: 'pending',
      outcome: null,
      plannedTicket: null,
      attempts: 1,
      history: [{ at: receivedAt, action: 'received', by: null, note: null }],
    } as never);
    // As the store of that time wrote it: the record, then its Message-ID key.
    await InboundMessageKeyModel.collection.insertOne({ _id: hashOf(Buffer.from('<legacy-1@example.be> Eva <eva.legacy@example.be>')), inbound: id } as never);
    // And one quarantined then: the quarantine page reads hints only.
    await InboundMailModel.collection.insertOne({
      _id: 'f'.repeat(64),
      messageId: null,
      source: 'smtp',
      mailbox: null,
      envelope: { from: null, to: [] },
      size: 10,
      truncated: false,
      subject: null,
      from: null,
      receivedAt,
      status: 'quarantined',
      outcome: { kind: 'quarantine', reason: 'unparseable' },
      plannedTicket: null,
      attempts: 1,
      history: [{ at: receivedAt, action: 'received', by: null, note: null }],
    } as never);
    expect(await backfillInboundHints()).to.equal(2);
    expect(await backfillInboundHints(), 'once').to.equal(0);
    expect(await InboundQuarantineModel.exists({ _id: 'f'.repeat(64) })).to.not.equal(null);
    const restarted = createInboundPipeline({ config, logger: silentLogger });
    expect(await restarted.recover()).to.equal(1);
    expect(await InboundMailModel.findById(id).lean()).to.deep.include({ status: 'done', attempts: 2 });
    expect(await TicketModel.countDocuments({ subject: 'Ancienne demande' })).to.equal(1);
    // Discarding takes a message out of quarantine, hint included.
    expect((await restarted.discard('f'.repeat(64), 'admin', 'spam'))?.kind).to.equal('discarded');
    expect(await InboundQuarantineModel.exists({ _id: 'f'.repeat(64) })).to.equal(null);
  });

  it('acknowledges a member’s second question of the day, but an address a few times a day at most, and again the next day', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const ingest = (n: number) =>
      pipeline.ingest({ raw: Buffer.from(rawMail(`Demande ${n}`, 'Iris <iris.daily@example.be>', `<daily-${n}@example.be>`)), source: 'smtp' });
    for (let n = 1; n <= acknowledgementsPerDay; n += 1) expect((await ingest(n))?.reason, `mail ${n}`).to.equal(null);
    expect((await ingest(10))?.reason).to.match(/no acknowledgement/);
    const dayBefore = new Date(Date.now() - 25 * 3600_000);
    await AutoReplyModel.collection.updateOne({ _id: 'iris.daily@example.be' } as never, { $set: { times: [dayBefore, dayBefore, new Date()] } });
    expect((await ingest(11))?.reason).to.equal(null);
    expect((await ingest(12))?.reason).to.equal(null);
    expect((await ingest(13))?.reason).to.equal(null);
    expect((await ingest(14))?.reason).to.equal(null);
    expect((await ingest(15))?.reason).to.match(/no acknowledgement/);
    expect(await Outbox.countDocuments({ template: 'ticket-acknowledgement', to: 'iris.daily@example.be' })).to.equal(acknowledgementsPerDay + 4);
    // A record of the former shape (the last reply only) counts as one.
    await AutoReplyModel.collection.insertOne({ _id: 'old.shape@example.be', at: new Date() } as never);
    const old = (n: number) =>
      pipeline.ingest({ raw: Buffer.from(rawMail(`Vieille ${n}`, 'Old <old.shape@example.be>', `<old-${n}@example.be>`)), source: 'smtp' });
    for (let n = 2; n <= acknowledgementsPerDay; n += 1) expect((await old(n))?.reason, `old ${n}`).to.equal(null);
    expect((await old(9))?.reason).to.match(/no acknowledgement/);
  });

  it('lists and counts the quarantine through its hints; a stale hint is dropped, a decision removes the hint', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const bulk = Buffer.from(
      rawMail("Lettre d'information", 'News <news@lists.example>', '<news-1@lists.example>', [
        'List-Id: <news.lists.example>',
        'List-Unsubscribe: <mailto:unsub@lists.example>',
      ]),
    );
    expect((await pipeline.ingest({ raw: bulk, source: 'smtp' }))?.reason).to.equal('bulk');
    const id = hashOf(bulk);
    const done = await InboundMailModel.findOne({ status: 'done' }, { _id: 1, receivedAt: 1 }).lean();
    if (!done) throw new Error('no processed record');
    await InboundQuarantineModel.collection.insertOne({ _id: done._id, receivedAt: done.receivedAt } as never);
    expect(await countQuarantined()).to.equal(2);
    let page: Awaited<ReturnType<typeof listInboundPage>> | undefined;
    const filters = await inboundMailFilters(async () => {
      page = await listInboundPage({ filter: 'quarantined' });
    });
    for (const filter of filters) expect(Object.keys(filter), JSON.stringify(filter)).to.deep.equal(['_id']);
    expect(page?.messages.map((m) => m._id)).to.deep.equal([id]);
    expect(await countQuarantined(), 'the stale hint is gone').to.equal(1);
    expect((await pipeline.force(id, 'admin'))?.kind).to.equal('new_ticket');
    expect(await countQuarantined()).to.equal(0);
    expect((await listInboundPage({ filter: 'quarantined' })).messages).to.deep.equal([]);
  });

  it('lists a photo Apple Mail put inline among the files the acknowledgement names, not a signature’s small logo', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    // A JPEG of about 60 KB (a phone's photo, shrunk) and a 70-byte logo, both inline in the body.
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(60 * 1024, 7), Buffer.from('ffd9', 'hex')]);
    const raw = [
      'From: Sam Peeters <sam.photo@example.be>',
      'To: support@relais.demo',
      'Subject: Schade aan het dak',
      'Message-ID: <inline-photo@example.be>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Goedendag, hier is een foto van de schade aan het dak van ons atelier.</p><img src="cid:photo@x"><p>Sam</p><img src="cid:logo@x">',
      '--rel',
      'Content-Type: image/jpeg; name="IMG_4821.jpeg"',
      'Content-Disposition: inline; filename="IMG_4821.jpeg"',
      'Content-ID: <photo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      jpeg.toString('base64'),
      '--rel',
      'Content-Type: image/png; name="logo.png"',
      'Content-Disposition: inline; filename="logo.png"',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      onePixelPng.toString('base64'),
      '--rel--',
      '',
    ].join('\r\n');
    const outcome = await pipeline.ingest({ raw: Buffer.from(raw), source: 'smtp', envelopeTo: ['support@relais.demo'] });
    expect(outcome?.kind).to.equal('new_ticket');
    const ack = await Outbox.findOne({ ticket: outcome?.ticket, template: 'ticket-acknowledgement' }).lean();
    expect(ack?.text).to.include('IMG_4821.jpeg').and.not.include('logo.png');
  });

  it('processes a message at once when its sender quits or sends nothing more, and after the deliveries of a back-to-back stream', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    // Never quiet, never past the bound within this test: once a session delivers back to back, only
    // the end of the session lets processing start.
    const smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger, quietMs: 600_000, maxDeferMs: 600_000 });
    running.push(smtp);
    await send(smtp.port, 'olga.quit@example.be', rawMail('Attestation de travail', 'Olga <olga.quit@example.be>', '<quit-1@example.be>'));
    const started = Date.now();
    await smtp.idle();
    expect(Date.now() - started).to.be.below(5_000);
    expect(await TicketModel.countDocuments({ subject: 'Attestation de travail' })).to.equal(1);

    // The session stays open: its first message is not followed by another, so it is processed at once.
    const session = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    await session.sendMail({
      envelope: { from: 'olga.quit@example.be', to: ['support@relais.demo'] },
      raw: rawMail('Fiche de paie', 'Olga <olga.quit@example.be>', '<quit-2@example.be>'),
    });
    await smtp.idle();
    expect(await TicketModel.countDocuments({ subject: 'Fiche de paie' })).to.equal(1);

    // The next one follows on the same session (within quietMs of the answer): a stream, so it waits.
    const raw = rawMail('Jours de congé', 'Olga <olga.quit@example.be>', '<quit-3@example.be>');
    await session.sendMail({ envelope: { from: 'olga.quit@example.be', to: ['support@relais.demo'] }, raw });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Answered, on disk in the spool, and waiting (not even in the database) while the session may deliver more.
    expect(await spooledIds(config)).to.include(hashOf(Buffer.from(raw)));
    expect(await InboundPendingModel.exists({ _id: hashOf(Buffer.from(raw)) })).to.equal(null);
    expect(await TicketModel.countDocuments({ subject: 'Jours de congé' })).to.equal(0);
    session.close();
    await smtp.idle();
    expect(await TicketModel.countDocuments({ subject: 'Jours de congé' })).to.equal(1);
  });

  it('treats a session quiet since its last answer as a new start, not a stream', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger, quietMs: 200, maxDeferMs: 600_000 });
    running.push(smtp);
    const session = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    await session.sendMail({
      envelope: { from: 'ines.pause@example.be', to: ['support@relais.demo'] },
      raw: rawMail('Premier envoi', 'Ines <ines.pause@example.be>', '<pause-1@example.be>'),
    });
    await smtp.idle();
    await new Promise((resolve) => setTimeout(resolve, 400)); // quiet for longer than quietMs
    await session.sendMail({
      envelope: { from: 'ines.pause@example.be', to: ['support@relais.demo'] },
      raw: rawMail('Second envoi', 'Ines <ines.pause@example.be>', '<pause-2@example.be>'),
    });
    // Processed without the session closing and without waiting for maxDeferMs (10 minutes).
    await smtp.idle();
    expect(await TicketModel.countDocuments({ subject: 'Second envoi' })).to.equal(1);
    session.close();
  });

  it('processes a message even while deliveries keep coming (the wait for a quiet moment is bounded)', async () => {
    const pipeline = createInboundPipeline({ config, logger: silentLogger });
    const smtp = await startInboundSmtp({ config, pipeline, logger: silentLogger, quietMs: 600_000, maxDeferMs: 300 });
    running.push(smtp);
    // The session stays open and delivers back to back (as a sender with more to deliver): only the
    // bound lets processing of the second message start.
    const session = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    for (const [subject, id] of [
      ['Question sur mon contrat', '<stream-1@example.be>'],
      ['Question sur ma facture', '<stream-2@example.be>'],
    ] as const)
      await session.sendMail({
        envelope: { from: 'noor.stream@example.be', to: ['support@relais.demo'] },
        raw: rawMail(subject, 'Noor <noor.stream@example.be>', id),
      });
    const started = Date.now();
    await smtp.idle();
    expect(Date.now() - started).to.be.below(10_000);
    expect(await TicketModel.countDocuments({ subject: 'Question sur ma facture' })).to.equal(1);
    session.close();
  });
});
