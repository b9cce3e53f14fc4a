/**
 * The housekeeping jobs of issue 17 on a real database and a real data folder: expired and revoked
 * staff sessions, caught mail past CAUGHT_MAIL_RETENTION, attachment records never linked to a
 * message and files no record names (never a file a record names, never a file just uploaded), and
 * the raw bytes of processed inbound mail past INBOUND_RAW_RETENTION (the record stays; reading the
 * bytes says they were removed by retention). Then the administrators' page and who may see it.
 */
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { AttachmentModel } from '../../server/attachments/attachment.model.js';
import { attachmentStorage, storageKey } from '../../server/attachments/storage.js';
import { SessionModel } from '../../server/auth/session.model.js';
import { HousekeepingRunModel, runHousekeeping } from '../../server/housekeeping/housekeeping.js';
import { GoneError } from '../../server/lib/errors.js';
import { InboundMailModel } from '../../server/mail/inbound/inbound.model.js';
import { createInboundPipeline } from '../../server/mail/inbound/pipeline.js';
import { CaughtMailModel } from '../../server/mail/mail.models.js';
import { MessageModel } from '../../server/tickets/message.model.js';
import { useMail } from '../helpers/enrichers.js';
import { silentLogger, testConfig } from '../helpers/config.js';
import { useTestDatabase } from '../helpers/db.js';
import { buildOrg, type Org } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { signedIn } from '../helpers/pages.js';

const day = 86_400_000;
const roomy = { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1000, windowMs: 60_000 } };

describe('housekeeping jobs: sessions, caught mail, orphaned files, inbound raw bytes', () => {
  useTestDatabase();
  const config = testConfig({ CAUGHT_MAIL_RETENTION: '14d', INBOUND_RAW_RETENTION: '90d', INBOUND_ADDRESS: 'support@relais.test' });
  const filesDir = path.join(config.dataDir, 'attachments');
  let tick = 0;
  /** A distinct pass each time (each call is its own period). */
  const pass = (now: Date) => runHousekeeping({ config, now: new Date(now.getTime() + ++tick * 3_600_000) });
  let app: Express;
  let org: Org;
  before(async () => {
    useMail(config);
    app = createApp({ config, logger: silentLogger, api: { auth: { rateLimits: roomy } } });
    org = await buildOrg();
  });

  it('deletes expired sessions and those revoked over a day ago; keeps live ones', async () => {
    const now = new Date();
    const base = { staff: new Types.ObjectId(), tokenVersion: 0, lastUsedAt: now, refreshTokenHash: 'x' };
    const [expired, revokedOld, revokedNow, live] = await SessionModel.create([
      { ...base, expiresAt: new Date(now.getTime() - 60_000) },
      { ...base, expiresAt: new Date(now.getTime() + day), revokedAt: new Date(now.getTime() - 2 * day) },
      { ...base, expiresAt: new Date(now.getTime() + day), revokedAt: new Date(now.getTime() - 60_000) },
      { ...base, expiresAt: new Date(now.getTime() + day) },
    ]);
    await runHousekeeping({ config, now });
    const left = (await SessionModel.find({}).lean()).map((s) => String(s._id)).sort();
    expect(left).to.deep.equal([String(revokedNow?._id), String(live?._id)].sort());
    expect(left).to.not.include(String(expired?._id)).and.not.include(String(revokedOld?._id));
  });

  it('deletes caught mail older than CAUGHT_MAIL_RETENTION', async () => {
    const now = new Date();
    const mail = (subject: string, ageMs: number) => ({
      raw: 'x',
      envelopeFrom: null,
      envelopeTo: [],
      messageId: null,
      subject,
      from: '',
      to: '',
      date: null,
      text: '',
      html: null,
      receivedAt: new Date(now.getTime() - ageMs),
    });
    await CaughtMailModel.create([mail('old', 15 * day), mail('recent', 13 * day)]);
    const report = await pass(now);
    expect(report?.jobs['caught mail']).to.equal(1);
    expect((await CaughtMailModel.find({}).lean()).map((m) => m.subject)).to.deep.equal(['recent']);
  });

  it('removes unlinked attachment records and files nobody names after a day; keeps named and fresh files', async () => {
    const storage = attachmentStorage(config);
    const bytes = (text: string) => Buffer.from(text);
    const named = bytes('a file a linked attachment names');
    const lost = bytes('a file whose reply lost a 409 race');
    const fresh = bytes('a file uploaded a minute ago, not yet linked');
    const stray = bytes('a file no record names');
    for (const b of [named, lost, fresh, stray]) await storage.put(storageKey(b), b);
    const old = new Date(Date.now() - 2 * day);
    const fileOf = (b: Buffer) => {
      const key = storageKey(b);
      return path.join(filesDir, key.slice(0, 2), key.slice(2, 4), key);
    };
    for (const b of [named, lost, stray]) await utimes(fileOf(b), old, old);
    const temp = `${fileOf(stray)}.abcdef.tmp`;
    await writeFile(temp, 'half');
    await utimes(temp, old, old);
    const doc = (b: Buffer, linked: boolean, createdAt: Date) => ({
      _id: new Types.ObjectId(),
      filename: 'f.txt',
      contentType: 'text/plain',
      size: b.length,
      sha256: storageKey(b),
      ticket: linked ? new Types.ObjectId() : null,
      message: linked ? new Types.ObjectId() : null,
      uploadedBy: { kind: 'staff' as const, staff: new Types.ObjectId(), member: null },
      source: 'staff' as const,
      createdAt,
    });
    const lostRecord = doc(lost, false, old);
    const freshRecord = doc(fresh, false, new Date());
    await AttachmentModel.collection.insertMany([doc(named, true, old), lostRecord, freshRecord]);

    const report = await pass(new Date());
    expect(report?.jobs['unlinked attachments']).to.equal(1);
    expect(await AttachmentModel.findById(lostRecord._id)).to.equal(null);
    expect(await AttachmentModel.findById(freshRecord._id)).to.not.equal(null);
    expect(await storage.exists(storageKey(named))).to.equal(true);
    expect(await storage.exists(storageKey(fresh))).to.equal(true);
    expect(await storage.exists(storageKey(lost))).to.equal(false);
    expect(await storage.exists(storageKey(stray))).to.equal(false);
    expect((await readdir(path.dirname(temp))).filter((n) => n.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('a file stored again (the same bytes uploaded anew) is young again and stays', async () => {
    const storage = attachmentStorage(config);
    const again = Buffer.from('bytes uploaded long ago, then again today');
    const key = storageKey(again);
    await storage.put(key, again);
    const file = path.join(filesDir, key.slice(0, 2), key.slice(2, 4), key);
    const old = new Date(Date.now() - 3 * day);
    await utimes(file, old, old);
    await storage.put(key, again);
    expect((await stat(file)).mtimeMs).to.be.above(Date.now() - 60_000);
    await pass(new Date());
    expect(await storage.exists(key)).to.equal(true);
  });

  describe('inbound raw bytes', () => {
    const message = (n: number) =>
      Buffer.from(
        [
          `From: Jan Peeters <jan.peeters${n}@example.be>`,
          'To: support@relais.test',
          `Subject: Question ${n}`,
          `Message-ID: <hk-${n}@example.be>`,
          'Date: Mon, 1 Jun 2026 10:00:00 +0200',
          '',
          `Bonjour, question ${n}.`,
          '',
        ].join('\r\n'),
      );

    it('removes the bytes of processed mail past the retention, keeps the record, and says so on every read', async () => {
      const pipeline = createInboundPipeline({ config, logger: silentLogger });
      const old = (await pipeline.store({ raw: message(1), source: 'smtp' })).id;
      await pipeline.process(old);
      const recent = (await pipeline.store({ raw: message(2), source: 'smtp' })).id;
      await pipeline.process(recent);
      const held = (await pipeline.store({ raw: message(3), source: 'smtp' })).id;
      await pipeline.process(held);
      const now = new Date();
      await InboundMailModel.updateOne({ _id: old }, { $set: { receivedAt: new Date(now.getTime() - 91 * day) } });
      await InboundMailModel.updateOne({ _id: held }, { $set: { receivedAt: new Date(now.getTime() - 91 * day), status: 'quarantined' } });

      const report = await pass(now);
      expect(report?.jobs['inbound raw messages']).to.equal(1);
      const record = await InboundMailModel.findById(old).lean();
      expect(record?.status).to.equal('done');
      expect(record?.outcome?.kind).to.equal('new_ticket');
      expect(record?.rawRemovedAt).to.be.instanceOf(Date);
      expect(await readdir(path.join(config.dataDir, 'inbound'), { recursive: true })).to.not.include(old);
      const error = await pipeline.raw(old).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(GoneError);
      expect((await pipeline.raw(recent)).equals(message(2))).to.equal(true);
      expect((await pipeline.raw(held)).equals(message(3))).to.equal(true);

      const admin = await signedIn(app, org.staff.administrator.email);
      const page = await admin.get(`/staff/inbound/${old}`).expect(200);
      expect(page.text).to.match(/inbound-raw-removed/);
      expect(page.text).to.not.include(`/staff/inbound/${old}/raw`);
      const raw = await admin.get(`/staff/inbound/${old}/raw`);
      expect(raw.status).to.equal(410);
      // The API: the received message, and the ticket message made from it ("download original").
      const token = await login(app, org.staff.administrator.email);
      const apiRaw = await request(app).get(`/api/v1/inbound/${old}/raw`).set('Authorization', `Bearer ${token}`);
      expect(apiRaw.status).to.equal(410);
      expect(apiRaw.body.error.code).to.equal('gone');
      expect(apiRaw.body.error.message).to.match(/retention/);
      // New members' tickets go to the default office (Charleroi), whose supervisor may read them.
      const reader = await login(app, org.staff.supervisorCharleroi.email);
      const made = await MessageModel.findOne({ inbound: old }).lean();
      expect(made, 'the ticket message made from the mail').to.not.equal(null);
      const original = await request(app)
        .get(`/api/v1/messages/${String(made?._id)}/original`)
        .set('Authorization', `Bearer ${reader}`);
      expect(original.status).to.equal(410);
      expect(original.body.error.message).to.match(/removed .* by the retention period/);
      const kept = await MessageModel.findOne({ inbound: recent }).lean();
      const recentOriginal = await request(app)
        .get(`/api/v1/messages/${String(kept?._id)}/original`)
        .set('Authorization', `Bearer ${reader}`);
      expect(recentOriginal.status).to.equal(200);
    });
  });

  describe('the administrators’ page', () => {
    it('records a failing job with its error, and the other jobs still run', async () => {
      const failing = { name: 'broken', run: () => Promise.reject(new Error('disk on fire')) };
      const working = { name: 'fine', run: () => Promise.resolve(3) };
      const report = await runHousekeeping({ config, now: new Date(Date.now() + 100 * day), only: [failing, working] });
      expect(report?.jobs).to.deep.equal({ fine: 3 });
      const run = await HousekeepingRunModel.findById(report?.period).lean();
      expect(run?.instance).to.match(/:\d+$/);
      expect(run?.finishedAt).to.be.instanceOf(Date);
      expect(run?.jobs?.map((j) => [j.name, j.removed, j.error])).to.deep.equal([
        ['broken', 0, 'disk on fire'],
        ['fine', 3, null],
      ]);
      await HousekeepingRunModel.deleteOne({ _id: report?.period });
    });

    it('runs an hourly job at most once an hour, whatever the passes in between', async () => {
      let calls = 0;
      const hourly = { name: 'hourly probe', everyMs: 3_600_000, run: () => Promise.resolve(++calls) };
      const start = new Date(Date.now() + 200 * day);
      const at = (minutes: number) => runHousekeeping({ config, now: new Date(start.getTime() + minutes * 60_000), only: [hourly] });
      const first = await at(0);
      const second = await at(10);
      const third = await at(60);
      expect(calls).to.equal(2);
      expect(first?.jobs).to.deep.equal({ 'hourly probe': 1 });
      expect(second?.jobs).to.deep.equal({});
      expect(third?.jobs).to.deep.equal({ 'hourly probe': 2 });
      await HousekeepingRunModel.deleteMany({ _id: { $in: [first, second, third].map((r) => r?.period ?? '') } });
    });

    it('shows each job with the last pass: instance, duration, counts, errors', async () => {
      await CaughtMailModel.create({ raw: 'x', envelopeTo: [], subject: 'old', receivedAt: new Date(Date.now() - 30 * day) });
      await runHousekeeping({ config, now: new Date() });
      const admin = await signedIn(app, org.staff.administrator.email);
      const res = await admin.get('/staff/admin/housekeeping?lang=en').expect(200);
      expect(res.text).to.include('Old caught mail');
      expect(res.text).to.include('Orphaned attachment files');
      expect(res.text).to.include('Raw bytes of processed inbound mail');
      expect(res.text).to.match(/Last pass: .+, by [^,]+:\d+, in /);
      // Reached from the administration: its link in the staff bar stays current here.
      expect(res.text).to.include('href="/staff/admin" aria-current="page"');
    });

    it('writes durations with the decimal separator of the page’s language (2,8 s; 2.8 s)', async () => {
      const at = new Date(Date.now() + 365 * day);
      const period = `test:${at.getTime()}`;
      await HousekeepingRunModel.collection.insertOne({
        _id: period,
        at,
        instance: 'web-1:42',
        finishedAt: new Date(at.getTime() + 2_800),
        removed: {},
        jobs: [{ name: 'caught mail', removed: 0, ms: 1_500, error: null }],
      } as never);
      const admin = await signedIn(app, org.staff.administrator.email);
      for (const [lang, last, job] of [
        ['fr', 'en 2,8 s', '1,5 s'],
        ['nl', '2,8 s', '1,5 s'],
        ['en', 'in 2.8 s', '1.5 s'],
      ] as const) {
        const res = await admin.get(`/staff/admin/housekeeping?lang=${lang}`).expect(200);
        expect(res.text, lang).to.include(last).and.include(job);
        // Tokens in attributes (a CSRF token's "…2.8…") are not durations: the page's text only (a CI run failed on one).
        const words = res.text.replace(/\s[a-z-]+="[^"]*"/g, '');
        expect(words, lang).to.not.include(lang === 'en' ? '2,8' : '2.8');
      }
      await HousekeepingRunModel.deleteOne({ _id: period });
    });

    for (const who of ['advisorLiege', 'supervisorLiege', 'support'] as const) {
      it(`refuses ${who} (403) and hides the link`, async () => {
        const agent = await signedIn(app, org.staff[who].email);
        const res = await agent.get('/staff/admin/housekeeping');
        expect(res.status).to.equal(403);
        const queue = await agent.get('/staff/queue');
        expect(queue.text).to.not.include('/staff/admin');
      });
    }

    it('sends someone not signed in to the sign-in form', async () => {
      const res = await request(app).get('/staff/admin/housekeeping');
      expect(res.status).to.be.oneOf([302, 303]);
      expect(res.headers.location).to.match(/\/staff\/login/);
    });
  });
});

describe('housekeeping jobs: files folder missing', () => {
  useTestDatabase();
  it('a data folder without attachments yet is no error', async () => {
    const config = testConfig();
    await mkdir(config.dataDir, { recursive: true });
    const report = await runHousekeeping({ config, now: new Date() });
    expect(report?.jobs['orphaned attachment files']).to.equal(0);
  });
});
