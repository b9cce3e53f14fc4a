/**
 * The README's first command, as a user runs it: a real `server/index.ts` process on
 * the embedded database, in an empty data folder. It must print the URL and the demo
 * accounts, answer /readyz, stop cleanly on Ctrl-C (SIGINT) without leaving the
 * database behind, and find its data again on the next start; mail it answered 250 and was killed
 * before putting in the database (only in its spool file) is made on the next start.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { freePort } from '../../server/db/embedded.js';
import { bytesOf } from '../../server/mail/inbound/inbound.model.js';
import { decodeRecords } from '../../server/mail/inbound/spool.js';
import { e2eDataDir } from '../helpers/e2e.js';
import { startServer as start, waitFor } from '../helpers/server-process.js';

function ferretProcessesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'relais-ferretdb'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(dir));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('npm start on a fresh data folder (real process, real embedded database)', function () {
  this.timeout(300_000);
  const dataDir = e2eDataDir('relais-start-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the URL and demo accounts, answers /readyz, stops on SIGINT with nothing left, and keeps its data', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-password-123', DEMO_TICKETS: '12' };
    const first = start(env);
    await waitFor(() => first.output().includes('Press Ctrl-C to stop.'), 240_000, first.output);
    const out = first.output();
    expect(out).to.contain(`Relais is running at http://127.0.0.1:${port}`);
    for (const email of [
      'conseiller.liege@relais.demo',
      'conseiller.charleroi@relais.demo',
      'soutien@relais.demo',
      'administratif@relais.demo',
      'superviseur.liege@relais.demo',
      'admin@relais.demo',
    ]) {
      expect(out).to.contain(email);
    }
    expect(out).to.contain('password: demo-password-123');
    // The demo receives at its own two addresses (hulp@ is the one its routing rule sends to Bruxelles).
    expect(out).to.match(/Incoming mail: SMTP on 127\.0\.0\.1:\d+, for support@relais\.demo, hulp@relais\.demo/);
    expect(out).to.match(/created 12 tickets/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).to.equal(200);
    const loginRes = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'conseiller.liege@relais.demo', password: 'demo-password-123' }),
    });
    expect(loginRes.status).to.equal(200);
    // The demo's shared saved replies: the reply box's picker has something to show on first start.
    const { token } = (await loginRes.json()) as { token: string };
    const replies = await fetch(`http://127.0.0.1:${port}/api/v1/saved-replies`, { headers: { authorization: `Bearer ${token}` } });
    const listed = ((await replies.json()) as { savedReplies: { title: string; scope: string }[] }).savedReplies;
    expect(listed.filter((r) => r.scope === 'shared').map((r) => r.title)).to.include('Documents bien reçus');
    expect(ferretProcessesUsing(dataDir)).to.have.length(1);

    first.child.kill('SIGINT');
    expect(await first.exited).to.equal(0);
    await waitFor(
      () => ferretProcessesUsing(dataDir).length === 0,
      10_000,
      () => ferretProcessesUsing(dataDir).join('\n'),
    );

    const second = start(env);
    await waitFor(() => second.output().includes('Press Ctrl-C to stop.'), 120_000, second.output);
    expect(second.output()).to.match(/already present \(12 tickets\)/);
    second.child.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
  });

  it('leaves no database behind when the server is killed outright', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-password-123' });
    await waitFor(() => run.output().includes('Press Ctrl-C to stop.'), 120_000, run.output);
    expect(ferretProcessesUsing(dataDir)).to.have.length(1);
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(
      () => ferretProcessesUsing(dataDir).length === 0,
      10_000,
      () => ferretProcessesUsing(dataDir).join('\n'),
    );
  });

  it('keeps mail it answered 250 when killed outright before the database had it, and makes it the next start', async () => {
    const [port, smtpPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), INBOUND_SMTP_PORT: String(smtpPort), DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-password-123', DEMO_TICKETS: '12' };
    const first = start(env);
    await waitFor(() => first.output().includes('Press Ctrl-C to stop.'), 120_000, first.output);
    // Back to back on one session, as an MTA delivers a queue: the receiver answers each 250 from its
    // spool and waits for the session to quiet down before the database; the kill comes first.
    const session = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    const subjects = ['Spool un', 'Spool deux', 'Spool trois'].map((s) => `${s} ${Date.now()}`);
    for (const [i, subject] of subjects.entries()) {
      const info = await session.sendMail({
        envelope: { from: `membre.spool${i}@example.be`, to: ['support@relais.demo'] },
        raw: [
          'From: Membre <membre.spool' + i + '@example.be>',
          'To: support@relais.demo',
          `Subject: ${subject}`,
          `Message-ID: <spool-${i}-${Date.now()}@example.be>`,
          '',
          'Bonjour, une question.',
          '',
        ].join('\r\n'),
      });
      expect(info.response).to.match(/^250/);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    session.close();
    const spool = path.join(dataDir, 'inbound-spool');
    const files = readdirSync(spool).filter((f) => f.endsWith('.spool'));
    expect(files, 'the spool file stays after the kill').to.have.length(1);
    const spooled = decodeRecords(readFileSync(path.join(spool, files[0] ?? ''))).records.map((r) => bytesOf(r.raw as Buffer).toString());
    expect(
      spooled.some((raw) => raw.includes(subjects[2] ?? '?')),
      'the last message was in the spool only',
    ).to.equal(true);

    const second = start(env);
    try {
      await waitFor(() => second.output().includes('Press Ctrl-C to stop.'), 120_000, second.output);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@relais.demo', password: 'demo-password-123' }),
      });
      const { token } = (await login.json()) as { token: string };
      const listed = async (): Promise<Array<{ subject: string; status: string }>> => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/inbound?show=all`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as { messages: Array<{ subject: string; status: string }> }).messages;
      };
      let seen = await listed();
      for (const deadline = Date.now() + 60_000; !subjects.every((s) => seen.some((m) => m.subject === s && m.status !== 'pending')); seen = await listed()) {
        if (Date.now() > deadline) throw new Error(`not all processed: ${JSON.stringify(seen.slice(0, 6))}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(subjects.map((s) => seen.filter((m) => m.subject === s).length)).to.deep.equal([1, 1, 1]);
      expect(
        readdirSync(spool).filter((f) => f.endsWith('.spool')),
        'the file left by the kill is gone',
      ).to.have.length(0);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('explains a taken port instead of printing a stack trace', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const run = start({ PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-password-123' });
      expect(await run.exited).to.equal(1);
      expect(run.output()).to.contain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.output()).not.to.match(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('exits with the list of every configuration problem', async () => {
    const run = start({ PORT: 'eighty', MONGODB_URI: 'http://wrong', DATA_DIR: dataDir });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain('Invalid configuration');
    expect(run.output()).to.contain('PORT');
    expect(run.output()).to.contain('MONGODB_URI: must start with mongodb://');
  });
});
