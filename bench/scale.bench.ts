/**
 * `npm run bench -- scale`: does every screen and every mail stay fast as history grows?
 *
 * For 1,000, 10,000 and 100,000 tickets (bench/scale/dataset.ts; `SCALE_SIZES=1000,10000` picks
 * sizes, `SCALE_ROWS=reports,queue` the rows whose name contains one of the words), Relais runs as
 * a user runs it (`server/index.ts` in its own process, on the embedded FerretDB holding that
 * dataset; one server per size, all running at once), and this process measures over HTTP and SMTP,
 * as staff and members would, each row on every size in one interleaved loop (bench/scale/lockstep.ts):
 * the p50 and p95 of each request, then for each metric the ratio 100,000 ÷ 1,000 (the
 * baseline is the same request on the smallest database of the same run). The goals from the scale
 * issue are printed beside: p95 ≤ 150 ms for interactive requests, growth ≤ 1.5×, a month of reports
 * ≤ 2 s, start-up ≤ 30 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase } from '../server/db/connection.js';
import { freePort } from '../server/db/embedded.js';
import { projectRoot } from '../server/lib/paths.js';
import { signMemberLink } from '../server/members/member-links.js';
import { MemberModel } from '../server/members/member.model.js';
import { OfficeModel } from '../server/offices/office.model.js';
import { workingHints } from '../server/tickets/ticket.keys.js';
import { EmailMessageIdModel } from '../server/tickets/ticket-keys.model.js';
import { TicketModel } from '../server/tickets/ticket.model.js';
import { WorkingSet } from '../server/tickets/working-set.js';
import { startSlaScheduler } from '../server/sla/scheduler.js';
import { recomputeTicket } from '../server/sla/recompute.js';
import { registerTicketEnrichers } from '../server/enrichers.js';
import { StaffModel } from '../server/staff/staff.model.js';
import { toStaffActor } from '../server/auth/actor.js';
import { createLogger } from '../server/lib/logger.js';
import { OutboxDueModel } from '../server/mail/mail.models.js';
import { percentile, type BenchResult } from './lib.js';
import { Lockstep } from './scale/lockstep.js';
import { benchPassword, openScaleDataset } from './scale/dataset.js';
import { ensureScaleSearchIndex } from './scale/search-index.js';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

const sizes = (process.env.SCALE_SIZES ?? '1000,10000,100000')
  .split(',')
  .map((s) => Number.parseInt(s, 10))
  .filter((n) => n > 0);
const samples = Number.parseInt(process.env.SCALE_SAMPLES ?? '60', 10);
const rows = (process.env.SCALE_ROWS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/** Whether a row is measured in this run (`SCALE_ROWS`; the writes measured on the tickets created go with "create"). */
const wanted = (name: string): boolean => rows.length === 0 || rows.some((r) => name.includes(r));
const reportTimeoutMs = 180_000;
const secrets = { JWT_SECRET: 'scale-bench-jwt-secret-0123456789abcdef', CSRF_SECRET: 'scale-bench-csrf-secret-0123456789abcdef' };

interface Metric {
  name: string;
  /** Goal on p95 in ms (null: none). */
  goalMs: number | null;
  p50: number;
  p95: number;
}

/** Runs `task` `count` times, one after the other, `gapMs` apart (not counted), and times each. */
async function timed(count: number, task: (i: number) => Promise<void>, warmUp = true, gapMs = 0): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  if (warmUp) await task(-1); // not counted
  for (let i = 0; i < count; i += 1) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    const started = performance.now();
    await task(i);
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

interface RunningRelais {
  /** From spawn to the banner. */
  ms: number;
  /** Resolves with how long the board's forecast history took to read in the background after start. */
  settled: Promise<number>;
  stop: () => Promise<void>;
}

/**
 * Starts Relais and resolves at its banner. Measurements start once it has settled: the forecast
 * history it reads in the background after each start is logged (`forecast history ready`).
 */
function startRelais(env: Record<string, string>): Promise<RunningRelais> {
  const started = performance.now();
  // SCALE_SERVER_ARGS: extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a row.
  const extra = (process.env.SCALE_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', path.join(projectRoot, 'server', 'index.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // SCALE_SERVER_LOG: a file that receives the server's log (each request's own timing among it).
  const log = process.env.SCALE_SERVER_LOG ? createWriteStream(process.env.SCALE_SERVER_LOG, { flags: 'a' }) : null;
  let out = '';
  let forecastMs: number | null = null;
  let settle: (ms: number) => void = () => undefined;
  const settled = new Promise<number>((resolve) => (settle = resolve));
  let ready = false;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      const text = chunk.toString();
      // Keep only what is needed to find the two markers (request logs are many).
      out = (out + text).slice(-20_000);
      // Settled once the report days are read too (they follow the forecast's history).
      const warmed = /"ms":(\d+)[^\n]*"msg":"forecast history ready"/.exec(out);
      if (warmed) forecastMs = Number(warmed[1]);
      if (forecastMs !== null && out.includes('"msg":"report days ready"')) settle(forecastMs);
      if (!ready && out.includes('Press Ctrl-C to stop.')) {
        ready = true;
        const ms = performance.now() - started;
        resolve({
          ms,
          settled,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Relais exited (${code}) before it was ready:\n${out}`)));
  });
}

async function login(url: string, email: string): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(url);
  const form = await agent.get('/staff/login').expect(200);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
  await agent.post('/staff/login').type('form').send({ _csrf: csrf, email, password: benchPassword }).expect(303);
  return agent;
}

async function apiToken(url: string, email: string): Promise<string> {
  const res = await request(url).post('/api/v1/auth/login').send({ email, password: benchPassword }).expect(200);
  return (res.body as { token: string }).token;
}

/** A name or words with one typing error: the middle letter of its longest word doubled. */
function misspell(text: string): string {
  const words = text.split(' ');
  const longest = words.reduce((best, w, i) => (w.length > (words[best] ?? '').length ? i : best), 0);
  const word = words[longest] ?? '';
  const middle = Math.floor(word.length / 2);
  words[longest] = word.slice(0, middle) + word.charAt(middle) + word.slice(middle);
  return words.join(' ');
}

/** The resident memory of the search process serving `dir` (read from /proc; Linux only). */
function searchRss(dir: string): string {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd[0]?.endsWith('relais-search') || !cmd.includes(dir)) continue;
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return kb ? `${(Number(kb) / 1024).toFixed(0)} MB` : 'unknown';
    } catch {
      // the process ended meanwhile
    }
  }
  return 'not found';
}

/**
 * The dataset copies demo tickets with their journals, shifted in time: a copy can keep an alert time
 * that its copied journal says was fired already. The scheduler finds nothing due for it and waits for
 * a change, but only in memory, so every start of the server would evaluate those tickets again, in
 * the background, while the requests are measured. An administrator ends this in the product by
 * recomputing the deadlines (sla/recompute.ts); the bench does the same for those tickets, through the
 * journal, once per dataset and day.
 */
async function settleStaleAlerts(): Promise<{ stale: number; ms: number }> {
  const started = performance.now();
  const working = new WorkingSet();
  await working.rebuild();
  const now = Date.now();
  const stale = (await working.all())
    .filter((t) => {
      const at = (t as { sla?: { nextAlertAt?: Date | null } | null }).sla?.nextAlertAt;
      return at && new Date(at).getTime() <= now;
    })
    .map((t) => String(t._id));
  if (stale.length === 0) return { stale: 0, ms: performance.now() - started };
  const admin = await StaffModel.findOne({ email: 'admin@relais.demo' }).lean();
  if (!admin) throw new Error('the dataset has no administrator (admin@relais.demo)');
  const actor = toStaffActor(admin, null);
  const job = String(new Types.ObjectId());
  for (let i = 0; i < stale.length; i += 8)
    await Promise.all(stale.slice(i, i + 8).map((id) => recomputeTicket(actor, id, { cause: 'policy', label: 'scale bench: copied alert times', job })));
  return { stale: stale.length, ms: performance.now() - started };
}

/** Waits (at most two minutes) until the outbox of the database behind `db` has nothing left to send. */
async function caughtUp(db: mongoose.mongo.Db, limitMs = 120_000): Promise<{ mails: number; ms: number }> {
  const started = performance.now();
  const due = () => db.collection(OutboxDueModel.collection.collectionName).countDocuments({});
  const mails = await due();
  while ((await due()) > 0 && performance.now() - started < limitMs) await new Promise((r) => setTimeout(r, 250));
  return { mails, ms: performance.now() - started };
}

/** Measures one size; its rows are interleaved with the other sizes' through `lockstep`. */
async function measureSize(size: number, lockstep: Lockstep): Promise<Metric[]> {
  // The dataset is prepared and the server started and settled while no other size does the same.
  let release: (() => void) | null = await lockstep.alone();
  const dataset = await openScaleDataset(size);
  const metrics: Metric[] = [];
  let row = '';
  /** Times a row of requests, interleaved sample by sample with the other sizes' (bench/scale/lockstep.ts). */
  const sampled = (count: number, task: (i: number) => Promise<void>, warmUp = true, gapMs = 0) => lockstep.row(row, size, count, task, warmUp, gapMs);
  const add = async (name: string, goalMs: number | null, measure: () => Promise<{ p50: number; p95: number }>) => {
    if (!wanted(name)) return;
    row = name;
    const r = await measure();
    metrics.push({ name, goalMs, ...r });
    console.log(`  ${size.toLocaleString('en')} · ${name}: p50 ${fmt(r.p50)}, p95 ${fmt(r.p95)}`);
  };
  const port = await freePort();
  const smtpPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-scale-'));
  const url = `http://127.0.0.1:${port}`;
  const uri = `${dataset.uri.replace(/\/$/, '')}/relais`;
  // Search on the embedded engine, its index built beside the dataset (kept for reruns).
  const searchDir = await ensureScaleSearchIndex(dataset);
  const env = {
    ...secrets,
    MONGODB_URI: uri,
    PORT: String(port),
    INBOUND_SMTP_PORT: String(smtpPort),
    DATA_DIR: dataDir,
    DEMO_DATA: 'false',
    PUBLIC_URL: url,
    SEARCH_ENGINE: 'embedded',
    SEARCH_DIR: searchDir,
    // The API token is taken once a size is ready, and the sizes are measured together once all are:
    // on a first run, building the 100,000-ticket dataset takes longer than the default 15 minutes.
    ACCESS_TOKEN_TTL: '3h',
    // All of the help form's samples come from the bench's one address.
    HELP_FORM_PER_IP_PER_HOUR: '10000',
  };
  try {
    // What the SLA scheduler and the queues read at start: the working set, rebuilt from its hints.
    await connectDatabase(dataset.uri, 'relais');
    await add('start-up: working set rebuild (SLA scan)', 30_000, () => timed(3, async () => void (await new WorkingSet().rebuild())));
    const hints = (await workingHints()).length;
    const liege = await OfficeModel.findOne({ code: 'liege' }).lean();
    // Tickets to open: recent and old ones of the Liège advisor's queue (by _id, from the hints and a sample).
    const sample = await TicketModel.find({ office: liege?._id, tier: 1 }, { _id: 1, member: 1 }).limit(400).lean();
    const old = sample.map((t) => String(t._id));
    const members = await MemberModel.find({}, { _id: 1, name: 1, email: 1 }).limit(200).lean();
    const numbers = (await TicketModel.find({ office: liege?._id }, { number: 1 }).limit(50).lean()).map((t) => t.number);
    await disconnectDatabase();

    // Alerts that fell due while no server ran fire once at the next start (each an event, a mail):
    // done here first, measured, so the requests below are measured on a settled server.
    await connectDatabase(dataset.uri, 'relais');
    // This process commits like a server does (alerts, recomputes): the SLA and report enrichers, no mail.
    const stopEnrichers = registerTicketEnrichers({ mail: null });
    const sla = startSlaScheduler({ config: { defaultLocale: 'fr' }, logger: createLogger({ level: 'silent' }) });
    const catchUp = performance.now();
    await sla.ready;
    await sla.idle();
    const fired = sla.stats().fired;
    await sla.stop();
    console.log(`  ${size.toLocaleString('en')} · SLA alerts due since the dataset was built: ${fired} fired in ${fmt(performance.now() - catchUp)}`);
    const settled = await settleStaleAlerts();
    if (settled.stale > 0)
      console.log(
        `  ${size.toLocaleString('en')} · stale alert times (copied tickets whose copied journal already fired them): ${settled.stale}, recomputed in ${fmt(settled.ms)}`,
      );
    stopEnrichers();
    await disconnectDatabase();

    const startup = await startRelais(env);
    await add('server start-up (to ready)', 30_000, async () => ({ p50: startup.ms, p95: startup.ms }));
    // Unref'd: a pending ten-minute timer kept the bench process alive after its table was printed.
    const warm = await Promise.race([startup.settled, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 600_000).unref())]);
    await add('board forecast history (background, at start and every 3 h)', null, async () => ({ p50: warm, p95: warm }));
    // A client of this size's own (the other sizes' preparation connects and disconnects mongoose).
    const client = await new mongoose.mongo.MongoClient(dataset.uri).connect();
    const db = client.db('relais');
    try {
      // Mail queued while no server ran (alerts that fell due since the last run, acknowledgements of the
      // last run's tickets) goes out at start, one after another: measured apart, the screens after it.
      const backlog = await caughtUp(db);
      console.log(`  ${size.toLocaleString('en')} · outbox caught up at start: ${backlog.mails} mails in ${fmt(backlog.ms)}`);
      const advisor = await login(url, 'conseiller.liege@relais.demo');
      const supervisor = await login(url, 'superviseur.liege@relais.demo');
      const token = await apiToken(url, 'conseiller.liege@relais.demo');
      const bearer = { Authorization: `Bearer ${token}` };
      release();
      release = null;

      await add('advisor queue: GET /api/v1/tickets', 150, () =>
        sampled(samples, async () => void (await request(url).get('/api/v1/tickets?limit=50').set(bearer).expect(200))),
      );
      await add('advisor queue page: GET /staff/queue', 150, () => sampled(samples, async () => void (await advisor.get('/staff/queue').expect(200))));
      // History lists walk the done-day keys back from today (tickets/ticket-history.queries.ts): the
      // first page, a filter that keeps one done ticket in about 36 (tested on the keys: it reads more
      // days, not more tickets), and the staff app's history page.
      await add('history list: GET /api/v1/tickets?history=true', 150, () =>
        sampled(samples, async () => void (await request(url).get('/api/v1/tickets?history=true&limit=50').set(bearer).expect(200))),
      );
      await add('history list of one category', 150, () =>
        sampled(samples, async () => void (await request(url).get('/api/v1/tickets?history=true&category=contracts&limit=50').set(bearer).expect(200))),
      );
      await add('history page: GET /staff/history', 150, () => sampled(samples, async () => void (await advisor.get('/staff/history').expect(200))));
      await add('supervisor board: GET /staff/board', 150, () => sampled(samples, async () => void (await supervisor.get('/staff/board').expect(200))));
      const pick = (i: number) => old[Math.abs(i) % old.length] as string;
      await add('ticket page: GET /staff/tickets/:id', 150, () =>
        sampled(samples, async (i) => void (await advisor.get(`/staff/tickets/${pick(i)}`).expect(200))),
      );
      await add('history: GET /api/v1/tickets/:id/history', 150, () =>
        sampled(
          samples,
          async (i) =>
            void (await request(url)
              .get(`/api/v1/tickets/${pick(i + 7)}/history`)
              .set(bearer)
              .expect(200)),
        ),
      );
      await add('explain: GET /api/v1/tickets/:id/explain', 150, () =>
        sampled(
          samples,
          async (i) =>
            void (await request(url)
              .get(`/api/v1/tickets/${pick(i + 13)}/explain`)
              .set(bearer)
              .expect(200)),
        ),
      );

      // Staff search: a member's name, an address, a ticket number, words of subjects and messages.
      const queries = [
        ...members.slice(0, 10).map((m) => m.name),
        ...members.slice(10, 15).map((m) => m.email),
        ...numbers.slice(0, 10),
        'fiche de paie',
        'attestation',
        'facture',
        'contrat de travail',
        'remboursement frais',
      ];
      // Each answer says where its time went (Server-Timing): the engine call, the reads, the page.
      const phases = new Map<string, number[]>();
      const slowest: Array<{ q: string; ms: number; timing: string }> = [];
      await add('search: GET /api/v1/search', 300, () =>
        sampled(samples, async (i) => {
          const q = queries[Math.abs(i) % queries.length] as string;
          const started = performance.now();
          const res = await request(url).get('/api/v1/search').query({ q }).set(bearer).expect(200);
          slowest.push({ q, ms: performance.now() - started, timing: String(res.headers['server-timing'] ?? '') });
          if (i < 0) return;
          for (const [, name, ms] of String(res.headers['server-timing'] ?? '').matchAll(/(\w+);dur=([\d.]+)/g))
            phases.set(name as string, [...(phases.get(name as string) ?? []), Number(ms)]);
        }),
      );
      // The same, typed with an error ("Thonnon", "attestaton"): nothing matches as typed, so a second
      // search with near words follows (search.service.ts); the answer must say it is approximate.
      const typed = [
        ...members.slice(0, 10).map((m) => misspell(m.name)),
        'attestaton',
        'factrue',
        'fiche de paye',
        'contrat de travial',
        'remboursment frais',
      ];
      await add('search with a typing error: GET /api/v1/search', 300, () =>
        sampled(samples, async (i) => {
          const q = typed[Math.abs(i) % typed.length] as string;
          const res = await request(url).get('/api/v1/search').query({ q }).set(bearer).expect(200);
          if ((res.body as { approximate?: unknown }).approximate !== true) throw new Error(`"${q}" was found as typed: not the path this row measures`);
        }),
      );
      if (wanted('search')) {
        const parts = [...phases].map(([name, ms]) => `${name} p50 ${fmt(percentile(ms, 50))} p95 ${fmt(percentile(ms, 95))}`);
        console.log(`  ${size.toLocaleString('en')} · search time: ${parts.join(' · ')}`);
        for (const s of slowest.sort((a, b) => b.ms - a.ms).slice(0, 4)) console.log(`    slow: ${fmt(s.ms)} "${s.q}" (${s.timing})`);
        console.log(`  ${size.toLocaleString('en')} · search engine RSS: ${searchRss(searchDir)}`);
      }

      const config = loadConfig({ ...env, NODE_ENV: 'development' });
      // Members signed in first, as a member is who comes back to the page (the link opens on a button:
      // the GET shows it, the POST uses the link), then their page is measured.
      const signedIn = wanted('my requests')
        ? await Promise.all(
            members.slice(0, 20).map(async (member) => {
              const agent = request.agent(url);
              const page = await agent.get(`/suivi/acces/${signMemberLink(config, { memberId: String(member._id), ticketId: null })}`).expect(200);
              const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
              await agent
                .post('/suivi/acces')
                .type('form')
                .send({ _csrf: field('_csrf'), token: field('token') })
                .expect(303);
              return agent;
            }),
          )
        : [];
      await add('member "my requests": GET /suivi', 150, () =>
        sampled(samples, async (i) => void (await signedIn[Math.abs(i) % signedIn.length]?.get('/suivi').expect(200))),
      );

      const created: string[] = [];
      await add('create: POST /api/v1/tickets', 150, () =>
        sampled(samples, async (i) => {
          const res = await request(url)
            .post('/api/v1/tickets')
            .set(bearer)
            .send({
              subject: `Attestation ${i}`,
              body: 'Bonjour, pourriez-vous m’envoyer mon attestation ? Merci.',
              member: { name: 'Membre 7', email: 'membre.7@scale.relais' },
              office: 'liege',
            })
            .expect(201);
          created.push((res.body as { ticket: { id: string } }).ticket.id);
        }),
      );
      await add(
        'create: POST /aide (help form)',
        150,
        // Every sample comes from this one address: the server's per-address limit is raised for the bench
        // (HELP_FORM_PER_IP_PER_HOUR in its environment above); each sample is another member. The submission is timed, not
        // the form's page before it; it never answers before 120 ms (the answer's time must not tell
        // whether an address is known: help-form.routes.ts, DEFAULT_ANSWER_FLOOR_MS).
        async () => {
          const forms = await Promise.all(
            Array.from({ length: samples + 1 }, async () => {
              const agent = request.agent(url);
              const form = await agent.get('/aide').expect(200);
              return { agent, field: (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form.text)?.[1] ?? '' };
            }),
          );
          return sampled(samples, async (i) => {
            const { agent, field } = forms[i + 1] as (typeof forms)[number];
            await agent
              .post('/aide')
              .field('_csrf', field('_csrf'))
              .field('formToken', field('formToken'))
              .field('name', 'Membre 11')
              .field('email', `membre.${11 + Math.abs(i)}@scale.relais`)
              .field('subject', 'Question sur mon contrat')
              .field('message', 'Bonjour, ma fiche de paie de mars ne correspond pas à mes prestations.')
              .expect(303);
          });
        },
      );

      // Claim, reply, escalate: each on the tickets created above, at the version the last step left.
      const versions = new Map<string, number>([...created].map((id) => [id, 1]));
      const take = (i: number) => created[Math.max(0, i) % created.length] as string;
      const command = (action: string, body: Record<string, unknown>) => async (i: number) => {
        const id = take(i + 1);
        const res = await request(url)
          .post(`/api/v1/tickets/${id}/${action}`)
          .set(bearer)
          .send({ version: versions.get(id), ...body })
          .expect(200);
        versions.set(id, (res.body as { ticket: { version: number } }).ticket.version);
      };
      // Only on the tickets created above (SCALE_ROWS without "create" leaves none).
      if (created.length > 0) await add('claim: POST /api/v1/tickets/:id/claim', 150, () => sampled(samples - 1, command('claim', {})));
      if (created.length > 0)
        await add('reply: POST /api/v1/tickets/:id/replies', 150, () =>
          sampled(samples - 1, command('replies', { text: 'Bonjour, voici votre attestation.' })),
        );
      if (created.length > 0)
        await add('escalate: POST /api/v1/tickets/:id/escalate', 150, () =>
          sampled(samples - 1, command('escalate', { reason: 'payroll_correction', handoff: 'Vérifié le dossier, il faut une correction de paie.' })),
        );

      // One inbound mail, sent, until its ticket exists. Members' mails arrive one at a time, so the
      // samples are 250 ms apart (a stream sent back to back is the ingest bench's). The goal row sends
      // on an SMTP session kept open, as a relaying MTA keeps its connection for the next message. The
      // row on a new connection is shown for reference: smtp-server waits a fixed 100 ms before its
      // greeting to catch clients that talk too early (smtp-connection.js init(), "Keep a small delay
      // for detecting early talkers"), and a bare smtp-server pays it too.
      const inbound = (transport: ReturnType<typeof nodemailer.createTransport>) => async (i: number) => {
        const messageId = `<scale.${new Types.ObjectId().toHexString()}@members.example>`;
        await transport.sendMail({
          from: `membre.${30 + Math.abs(i)}@scale.relais`,
          to: config.inboundAddress,
          subject: 'Demande de document',
          text: 'Bonjour, pouvez-vous m’envoyer mon attestation ?',
          messageId,
        });
        const deadline = Date.now() + 30_000;
        while (!(await db.collection(EmailMessageIdModel.collection.collectionName).findOne({ _id: messageId as never }))) {
          if (Date.now() > deadline) throw new Error('the inbound mail did not become a ticket within 30 s');
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const session = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
        maxMessages: Infinity,
      });
      await add('inbound mail to ticket (open SMTP session)', 150, () => sampled(samples, inbound(session), true, 250));
      session.close();
      const fresh = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: false });
      await add('inbound mail to ticket (new connection, +100 ms greeting pause)', null, () => sampled(samples, inbound(fresh), true, 250));
      fresh.close();

      // Reports read the day documents of the period (server/reports/day-facts.ts): 10 samples, the
      // first request after start counted too (no warm-up); one that takes over `reportTimeout` is
      // recorded as that long.
      const report = (path: string) => async () => {
        try {
          await supervisor.get(path).timeout(reportTimeoutMs).expect(200);
        } catch (error) {
          if ((error as { timeout?: number }).timeout === undefined) throw error;
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      const reportSamples = 10;
      await add('reports: one office, 30 days', 2_000, () => sampled(reportSamples, report(`/staff/reports?preset=30d&office=${String(liege?._id)}`), false));
      // What a supervisor lands on: 30 days, their office whole and the others' escalations.
      await add("reports: a supervisor's default page (30 days, every office)", 2_000, () => sampled(reportSamples, report('/staff/reports'), false));
      await add('reports: comparison page', 2_000, () => sampled(reportSamples, report('/staff/reports/compare'), false));
      console.log(`  ${size.toLocaleString('en')} tickets: working set ${hints.toLocaleString('en')} hints`);
    } finally {
      await client.close().catch(() => undefined);
      await startup.stop();
    }
  } finally {
    release?.();
    lockstep.leave(size);
    await dataset.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return metrics;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export async function run(): Promise<BenchResult[]> {
  const lockstep = new Lockstep(sizes);
  const measured = await Promise.all(sizes.map((size) => measureSize(size, lockstep)));
  const bySize = new Map<number, Metric[]>(sizes.map((size, i) => [size, measured[i] ?? []]));
  const first = sizes[0] as number;
  const last = sizes.at(-1) as number;
  const names = (bySize.get(first) ?? []).map((m) => m.name);
  const header = ['metric', ...sizes.map((s) => `${s.toLocaleString('en')} p50 / p95`), `growth ${last / first}×`, 'goal'];
  const rows = names.map((name) => {
    const cells = sizes.map((s) => {
      const m = bySize.get(s)?.find((x) => x.name === name);
      return m ? `${fmt(m.p50)} / ${fmt(m.p95)}` : '–';
    });
    const a = bySize.get(first)?.find((x) => x.name === name);
    const b = bySize.get(last)?.find((x) => x.name === name);
    const growth = a && b ? b.p95 / a.p95 : Number.NaN;
    const goal = b?.goalMs ?? null;
    const verdict =
      goal === null
        ? ''
        : `${b && b.p95 <= goal ? 'met' : `missed by ${fmt((b?.p95 ?? 0) - goal)}`} (≤ ${fmt(goal)}${goal <= 150 ? ', growth ≤ 1.5×' : ''})${growth > 1.5 && goal <= 150 ? `, growth missed` : ''}`;
    return [name, ...cells, Number.isFinite(growth) ? `${growth.toFixed(2)}×` : '–', verdict];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n'));
  // For the common table: p95 at the largest size against p95 at the smallest (ratio > 1 means it stayed flat or got faster).
  // Only interactive requests have the growth goal; start-up, reports and background work have a time goal (the table above) or none.
  return names.map((name) => {
    const a = bySize.get(first)?.find((x) => x.name === name);
    const b = bySize.get(last)?.find((x) => x.name === name);
    const interactive = b?.goalMs !== null && b?.goalMs !== undefined && b.goalMs <= 150;
    return {
      benchmark: `scale ${first}→${last}`,
      metric: `${name} p95`,
      unit: 'ms',
      relais: b?.p95 ?? Number.NaN,
      baseline: a?.p95 ?? Number.NaN,
      higherIsBetter: false,
      ...(interactive ? { goal: 1 / 1.5 } : {}),
    };
  });
}
