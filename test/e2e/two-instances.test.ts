/**
 * Two Relais processes on one database and one real redis-server: the queues are read from each
 * instance's working set in memory (server/tickets/working-set.ts), so a change made through one
 * instance must show in the other's queue, through Redis (working-set.sync.ts), without a restart.
 * The members' names each instance remembers (members/member-names.ts) follow the same way, and so
 * do the staff records it remembers for the sign-in check (staff/staff-records.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { testPassword, buildOrg, type Org } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/db.js';
import { signInForm } from '../helpers/page-agent.js';
import { testDatabaseUri } from '../helpers/global.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startOnFreePort, stopServer, type RunningServer } from '../helpers/server-process.js';

interface Instance {
  server: RunningServer;
  url: string;
  token: string;
}

type QueueRow = { id: string; version: number; assignee: string | null; status: string };

describe('two instances behind Redis: one queue', function () {
  this.timeout(240_000);
  const db = useTestDatabase();
  let org: Org;
  let redis: TestRedis;
  let dataDir: string;
  const instances: Instance[] = [];

  async function start(): Promise<Instance> {
    const { server, port } = await startOnFreePort((port) => ({
      MONGODB_URI: `${testDatabaseUri().replace(/\/$/, '')}/${db.name()}`,
      REDIS_URL: redis.url,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      INBOUND_SMTP_PORT: '0',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      JWT_SECRET: 'two-instances-jwt-secret-0123456789abcdef',
      CSRF_SECRET: 'two-instances-csrf-secret-0123456789abcdef',
    }));
    if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
    const url = `http://127.0.0.1:${port}`;
    const res = await request(url).post('/api/v1/auth/login').send({ email: org.staff.advisorLiege.email, password: testPassword }).expect(200);
    return { server, url, token: (res.body as { token: string }).token };
  }

  const queue = async (i: Instance): Promise<QueueRow[]> =>
    ((await request(i.url).get('/api/v1/tickets?limit=200').set('Authorization', `Bearer ${i.token}`).expect(200)).body as { tickets: QueueRow[] }).tickets;

  /** Polls an instance's queue until `check` holds (the news crosses Redis in milliseconds; 10 s is generous). */
  async function until(i: Instance, check: (rows: QueueRow[]) => boolean, what: string): Promise<QueueRow[]> {
    let rows: QueueRow[];
    const deadline = Date.now() + 10_000;
    for (;;) {
      rows = await queue(i);
      if (check(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`${what}: not seen within 10 s; the queue shows ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => {
    org = await buildOrg();
    redis = await startRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-two-'));
    instances.push(await start(), await start());
  });

  after(async () => {
    for (const i of instances) await stopServer(i.server);
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a ticket created, claimed and resolved on one instance in the queue of the other', async () => {
    const [a, b] = instances as [Instance, Instance];
    const created = await request(a.url)
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${a.token}`)
      .send({
        subject: 'Attestation de revenus',
        body: 'Bonjour, il me faut mon attestation de revenus.',
        member: { name: 'Claire Martin', email: 'claire@example.org' },
        office: 'liege',
      })
      .expect(201);
    const id = (created.body as { ticket: { id: string } }).ticket.id;

    await until(b, (rows) => rows.some((r) => r.id === id && r.status === 'new'), 'the new ticket on B');

    const claimed = await request(a.url).post(`/api/v1/tickets/${id}/claim`).set('Authorization', `Bearer ${a.token}`).send({ version: 1 }).expect(200);
    const version = (claimed.body as { ticket: { version: number } }).ticket.version;
    await until(b, (rows) => rows.some((r) => r.id === id && r.assignee === String(org.staff.advisorLiege.id) && r.version === version), 'the claim on B');

    // And the other way round: resolved through B, gone from A's open queue.
    await request(b.url).post(`/api/v1/tickets/${id}/resolve`).set('Authorization', `Bearer ${b.token}`).send({ version }).expect(200);
    await until(a, (rows) => !rows.some((r) => r.id === id), 'the resolution on A');
    const resolvedOnA = (
      (await request(a.url).get('/api/v1/tickets?status=resolved').set('Authorization', `Bearer ${a.token}`).expect(200)).body as { tickets: QueueRow[] }
    ).tickets;
    expect(resolvedOnA.map((r) => r.id)).to.include(id);
  });

  it('forgets a member’s name on every instance when the member is erased on one', async () => {
    const [a, b] = instances as [Instance, Instance];
    const created = await request(a.url)
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${a.token}`)
      .send({
        subject: 'Fiche de paie de mars',
        body: 'Bonjour, ma fiche de paie de mars est introuvable.',
        member: { name: 'Odile Verhaegen', email: 'odile.verhaegen@example.org' },
        office: 'liege',
      })
      .expect(201);
    const { id, member } = (created.body as { ticket: { id: string; member: string } }).ticket;
    // B names her on its queue page, and so remembers her name (members/member-names.ts).
    const page = request.agent(b.url);
    expect((await signInForm(page, org.staff.advisorLiege.email)).status).to.equal(303);
    const deadline = Date.now() + 10_000;
    while (!(await page.get('/staff/queue').expect(200)).text.includes('Odile Verhaegen')) {
      if (Date.now() > deadline) throw new Error('the new ticket never showed on B’s queue page');
      await new Promise((r) => setTimeout(r, 50));
    }

    const admin = await request(a.url).post('/api/v1/auth/login').send({ email: org.staff.administrator.email, password: testPassword }).expect(200);
    await request(a.url)
      .post(`/api/v1/admin/members/${member}/erase`)
      .set('Authorization', `Bearer ${(admin.body as { token: string }).token}`)
      .send({ confirm: 'odile.verhaegen@example.org', reason: 'Demande écrite de la membre' })
      .expect(200);

    for (;;) {
      const text = (await page.get('/staff/queue').expect(200)).text;
      if (!text.includes('Odile Verhaegen')) {
        expect(text, 'the ticket is still in the queue').to.include(`/staff/tickets/${id}`);
        break;
      }
      if (Date.now() > deadline + 10_000) throw new Error('B still names the erased member 10 s after the erasure');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('applies a change of roles made on one instance to the next requests on the other (the sign-in memo follows)', async () => {
    const [a, b] = instances as [Instance, Instance];
    const signIn = async (i: Instance, email: string) =>
      ((await request(i.url).post('/api/v1/auth/login').send({ email, password: testPassword }).expect(200)).body as { token: string }).token;
    const person = org.staff.supervisorCharleroi;
    const onB = await signIn(b, person.email);
    const staffList = () => request(b.url).get('/api/v1/admin/staff').set('Authorization', `Bearer ${onB}`);
    expect((await staffList()).status, 'a supervisor is not an administrator').to.equal(403);
    const admin = await signIn(a, org.staff.administrator.email);
    const setRoles = (roles: string[]) =>
      request(a.url)
        .patch(`/api/v1/admin/staff/${String(person.id)}`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ roles })
        .expect(200);
    /** Polls B until the supervisor's request answers `status` (the news crosses Redis in milliseconds; 10 s is generous). */
    const untilStatus = async (status: number, what: string) => {
      const deadline = Date.now() + 10_000;
      for (let last = 0; last !== status; last = (await staffList()).status) {
        if (Date.now() > deadline) throw new Error(`${what}: B still answers ${last} after 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await setRoles(['supervisor', 'administrator']);
    await untilStatus(200, 'the role given on A');
    await setRoles(['supervisor']);
    await untilStatus(403, 'the role taken away on A');
  });

  it('a new instance reads the open work from the database at start', async () => {
    const [a] = instances as [Instance, Instance];
    const before = (await queue(a)).map((r) => r.id).sort();
    const late = await start();
    instances.push(late);
    expect((await queue(late)).map((r) => r.id).sort()).to.deep.equal(before);
  });
});
