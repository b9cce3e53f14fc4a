/**
 * The IMAP intake against a real Dovecot (test/helpers/dovecot.ts): handover order, marking
 * processed only after the handler resolved, handler failures and retries, IDLE and the polling
 * fallback, move mode, truncation, a mailbox with a wrong password next to a working one,
 * reconnects after the server went away, and a clean stop.
 */
import { expect } from 'chai';
import pino from 'pino';
import type { ImapMailboxConfig } from '../../server/config.imap.js';
import type { Logger } from '../../server/lib/logger.js';
import { startImapIntake, type ImapIntake, type MailboxStatus } from '../../server/mail/inbound/imap.js';
import { PROCESSED_KEYWORD, type InboundImapMessage } from '../../server/mail/inbound/imap-folder.js';
import { testConfig } from '../helpers/config.js';
import { startDovecot, type TestDovecot } from '../helpers/dovecot.js';

interface LogLine {
  level: number;
  msg: string;
  mailbox?: string;
  [key: string]: unknown;
}

/** A real pino logger whose lines are kept, to check what is logged (and what is not). */
function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** Polls `check` until it returns true (or a value), at most `ms`; fails with `describe()` otherwise. */
async function waitFor(check: () => boolean | Promise<boolean>, describe: () => string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function mail(subject: string, body = 'Bonjour,\r\n\r\nMa question.\r\n'): string {
  return `From: Marie Dupont <marie@example.org>\r\nTo: support@relais.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Date.now()}@example.org>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0100\r\n\r\n${body}`;
}

function subjectOf(message: InboundImapMessage): string {
  return /^Subject: (.*)$/m.exec(message.raw.toString('utf8'))?.[1]?.trim() ?? '';
}

/** How each Dovecot session of the intake (ID name=Relais) for `user` ended, from the log: "Logged out", "Connection closed"… */
function relaisSessionsEnded(log: string, user: string): string[] {
  const sessions = [...log.matchAll(new RegExp(`imap\\(${user}\\)<\\d+><([^>]+)>: Info: ID sent: name=Relais`, 'g'))].map((m) => m[1]);
  return sessions.map(
    (session = '') =>
      new RegExp(`<${session.replace(/[+/]/g, '\\$&')}>: Info: Disconnected: ([^.(]+?)(?: in=| \\(|$)`, 'm').exec(log)?.[1]?.trim() ?? 'still open',
  );
}

let folderCount = 0;
/** A folder of its own for each test, so tests never see each other's messages. */
function freshFolder(prefix = 'Test'): string {
  folderCount += 1;
  return `${prefix}${folderCount}`;
}

/** Mailboxes as an operator writes them in IMAP_MAILBOXES, read through the real configuration. */
function mailboxes(entries: Record<string, unknown>[]): readonly ImapMailboxConfig[] {
  return testConfig({ IMAP_MAILBOXES: JSON.stringify(entries) }).imapMailboxes;
}

/** A handler that records what it got; `failFor` subjects throw, `gate` holds a subject until released. */
function recorder() {
  const received: InboundImapMessage[] = [];
  const attempts = new Map<string, number>();
  const failFor = new Set<string>();
  const gates = new Map<string, Promise<void>>();
  const handle = async (message: InboundImapMessage): Promise<void> => {
    const subject = subjectOf(message);
    attempts.set(subject, (attempts.get(subject) ?? 0) + 1);
    await gates.get(subject);
    if (failFor.has(subject)) throw new Error(`pipeline refused ${subject}`);
    received.push(message);
  };
  const subjects = (): string[] => received.map(subjectOf);
  const gate = (subject: string): (() => void) => {
    let open: () => void = () => undefined;
    gates.set(subject, new Promise<void>((resolve) => (open = resolve)));
    return () => open();
  };
  return { received, attempts, failFor, handle, subjects, gate };
}

function statusOf(intake: ImapIntake, name: string): MailboxStatus {
  const status = intake.status().find((s) => s.name === name);
  if (!status) throw new Error(`no status for ${name}`);
  return status;
}

const fastBackoff = [50, 100, 200] as const;

describe('IMAP intake (real Dovecot)', function () {
  let dovecot: TestDovecot;
  let intake: ImapIntake | undefined;

  before(async function () {
    dovecot = await startDovecot();
  });

  afterEach(async function () {
    await intake?.stop();
    intake = undefined;
  });

  after(async function () {
    await dovecot?.dispose();
  });

  async function processedSubjects(user: string, folder: string): Promise<string[]> {
    const list = await dovecot.messages(user, folder);
    return list.filter((m) => m.flags.includes(PROCESSED_KEYWORD)).map((m) => m.subject ?? '');
  }

  it('hands over the messages already there, oldest first, byte for byte, and flags each only after its handler resolved', async function () {
    const folder = freshFolder();
    const raws = [mail('Premier'), mail('Deuxième'), mail('Troisième')];
    const uids: number[] = [];
    for (const raw of raws) uids.push(await dovecot.append('support', folder, raw));
    const rec = recorder();
    const releaseFirst = rec.gate('Premier');
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder, team: 'SUPPORT' }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
    });

    await waitFor(
      () => rec.attempts.get('Premier') === 1,
      () => 'the first message was not handed over',
    );
    // The handler has not resolved yet: nothing may be marked processed.
    expect(await processedSubjects('support', folder)).to.deep.equal([]);
    expect((await dovecot.messages('support', folder)).every((m) => !m.flags.includes('\\Seen'))).to.equal(true);
    releaseFirst();

    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 3,
      () => `processed: ${rec.subjects().join(', ')}`,
    );
    expect(rec.subjects()).to.deep.equal(['Premier', 'Deuxième', 'Troisième']);
    expect(rec.received.map((m) => m.uid)).to.deep.equal(uids);
    rec.received.forEach((m, i) => {
      expect(m.raw.equals(Buffer.from(raws[i] ?? ''))).to.equal(true);
      expect(m.mailbox).to.equal('support');
      expect(m.truncated).to.equal(false);
      expect(m.size).to.equal(Buffer.byteLength(raws[i] ?? ''));
      expect(m.internalDate).to.be.instanceOf(Date);
      expect(m.uidValidity).to.match(/^\d+$/);
    });
    const onServer = await dovecot.messages('support', folder);
    expect(onServer.map((m) => m.flags)).to.deep.equal([0, 1, 2].map(() => [PROCESSED_KEYWORD, '\\Seen']));
    const status = statusOf(intake, 'support');
    expect(status).to.include({ connected: true, processed: 3, failing: 0, lastError: null });
    expect(status.lastSuccessAt).to.be.instanceOf(Date);
  });

  it('leaves a message whose handler throws unflagged, processes the others, and retries it until it succeeds', async function () {
    const folder = freshFolder();
    for (const subject of ['Alpha', 'Refusé', 'Gamma']) await dovecot.append('support', folder, mail(subject));
    const rec = recorder();
    rec.failFor.add('Refusé');
    const { logger, lines } = capturingLogger();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder }]),
      handle: rec.handle,
      logger,
      backoffMs: fastBackoff,
    });

    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 2 && (rec.attempts.get('Refusé') ?? 0) >= 3,
      () => `attempts: ${JSON.stringify([...rec.attempts])}`,
    );
    expect(rec.subjects()).to.deep.equal(['Alpha', 'Gamma']);
    expect(await processedSubjects('support', folder)).to.have.members(['Alpha', 'Gamma']);
    const refused = (await dovecot.messages('support', folder)).find((m) => m.subject === 'Refusé');
    expect(refused?.flags).to.deep.equal([]);
    expect(statusOf(intake, 'support').failing).to.equal(1);
    const failure = lines.find((l) => l.msg.startsWith('Inbound message handler failed'));
    expect(failure).to.include({ mailbox: 'support', uid: refused?.uid });

    rec.failFor.delete('Refusé');
    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 3,
      () => 'the refused message was not retried',
    );
    expect(rec.subjects()).to.deep.equal(['Alpha', 'Gamma', 'Refusé']);
    expect(statusOf(intake, 'support')).to.include({ failing: 0, processed: 3 });
  });

  it('picks up a message appended while watching through IDLE, long before the next poll', async function () {
    const folder = freshFolder();
    await dovecot.append('support', folder, mail('Avant'));
    const rec = recorder();
    // pollSeconds 600: only IDLE can bring the new message within the wait below.
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder, pollSeconds: 600 }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
    });
    await waitFor(
      () => rec.subjects().length === 1,
      () => 'the first message was not handed over',
    );

    await dovecot.append('support', folder, mail('Pendant'));
    await waitFor(
      () => rec.subjects().length === 2,
      () => 'the new message did not arrive through IDLE',
      10_000,
    );
    expect(rec.subjects()).to.deep.equal(['Avant', 'Pendant']);
    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 2,
      () => 'not flagged',
    );
  });

  it('moves processed messages to processedFolder, creating it, and never hands a moved message over again', async function () {
    const folder = freshFolder();
    const done = freshFolder('Traités');
    for (const subject of ['Un', 'Deux']) await dovecot.append('billing', folder, mail(subject));
    const rec = recorder();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'billing', url: dovecot.url('billing'), folder, processedFolder: done, category: 'BILLING' }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
    });
    await waitFor(
      async () => (await dovecot.messages('billing', done)).length === 2,
      () => `moved: ${rec.subjects().join(', ')}`,
    );
    expect(await dovecot.messages('billing', folder)).to.deep.equal([]);
    const moved = await dovecot.messages('billing', done);
    expect(moved.map((m) => m.subject)).to.deep.equal(['Un', 'Deux']);
    expect(moved.every((m) => m.flags.includes(PROCESSED_KEYWORD))).to.equal(true);

    await dovecot.append('billing', folder, mail('Trois'));
    await waitFor(
      async () => (await dovecot.messages('billing', done)).length === 3,
      () => 'the third message was not moved',
    );
    expect(rec.subjects()).to.deep.equal(['Un', 'Deux', 'Trois']);
  });

  it('in move mode, finishes the move of a message already marked processed without handing it over again', async function () {
    const folder = freshFolder();
    const done = freshFolder('Traités');
    // As left by a watcher that flagged the message, then lost its connection before the MOVE.
    await dovecot.append('billing', folder, mail('Déjà traité'), [PROCESSED_KEYWORD, '\\Seen']);
    await dovecot.append('billing', folder, mail('Nouveau'));
    const rec = recorder();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'billing', url: dovecot.url('billing'), folder, processedFolder: done }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
    });
    await waitFor(
      async () => (await dovecot.messages('billing', done)).length === 2,
      () => 'not moved',
    );
    expect(rec.subjects()).to.deep.equal(['Nouveau']);
  });

  it('hands over a message larger than maxBytes truncated to its first maxBytes bytes, flagged truncated', async function () {
    const folder = freshFolder();
    const big = mail('Gros', `${'x'.repeat(76)}\r\n`.repeat(100));
    await dovecot.append('support', folder, big);
    await dovecot.append('support', folder, mail('Petit'));
    const rec = recorder();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
      maxBytes: 1024,
    });
    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 2,
      () => `processed: ${rec.subjects().join(', ')}`,
    );
    // Flagged only after the handler resolved: both were handed over by now.
    expect(rec.subjects()).to.deep.equal(['Gros', 'Petit']);
    const [gros, petit] = rec.received;
    expect(gros?.truncated).to.equal(true);
    expect(gros?.size).to.equal(Buffer.byteLength(big));
    expect(gros?.raw.length).to.equal(1024);
    expect(gros?.raw.equals(Buffer.from(big).subarray(0, 1024))).to.equal(true);
    expect(petit?.truncated).to.equal(false);
  });

  it('keeps a working mailbox going next to one with a wrong password, and reports the error in status() logged once', async function () {
    const folder = freshFolder();
    await dovecot.append('office', folder, mail('Bureau'));
    const rec = recorder();
    const { logger, lines } = capturingLogger();
    intake = startImapIntake({
      mailboxes: mailboxes([
        { name: 'broken', url: dovecot.url('billing', 'not-the-password'), folder },
        { name: 'office', url: dovecot.url('office'), folder, office: 'LIEGE' },
      ]),
      handle: rec.handle,
      logger,
      backoffMs: [20, 20, 20],
    });
    await waitFor(
      () => rec.subjects().includes('Bureau'),
      () => 'the working mailbox handed nothing over',
    );
    // Several attempts on the broken mailbox, but a single warning.
    await waitFor(
      () => lines.filter((l) => l.mailbox === 'broken' && l.msg === 'IMAP mailbox still unavailable').length >= 3,
      () => JSON.stringify(lines.filter((l) => l.mailbox === 'broken')),
    );
    expect(lines.filter((l) => l.mailbox === 'broken' && l.level >= 40)).to.have.length(1);
    expect(JSON.stringify(lines)).not.to.include('not-the-password');

    const broken = statusOf(intake, 'broken');
    expect(broken).to.include({ connected: false, processed: 0 });
    expect(broken.lastError).to.match(/authentication failed/i);
    expect(broken.lastErrorAt).to.be.instanceOf(Date);
    expect(statusOf(intake, 'office')).to.include({ connected: true, processed: 1, lastError: null });
    await waitFor(
      async () => (await processedSubjects('office', folder)).length === 1,
      () => 'not flagged',
    );
  });

  it('reconnects after Dovecot went down and came back on the same port, and processes mail appended after the restart', async function () {
    const folder = freshFolder();
    await dovecot.append('support', folder, mail('Avant la panne'));
    const rec = recorder();
    const { logger, lines } = capturingLogger();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder, pollSeconds: 600 }]),
      handle: rec.handle,
      logger,
      backoffMs: [50, 100, 200, 400],
    });
    await waitFor(
      () => statusOf(intake!, 'support').processed === 1,
      () => 'the first message was not processed',
    );

    await dovecot.stop();
    await waitFor(
      () => !statusOf(intake!, 'support').connected && statusOf(intake!, 'support').lastError !== null,
      () => JSON.stringify(intake!.status()),
    );
    await dovecot.start();
    await dovecot.append('support', folder, mail('Après la panne'));
    await waitFor(
      () => rec.subjects().includes('Après la panne'),
      () => JSON.stringify(intake!.status()),
    );
    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 2,
      () => 'not flagged after the restart',
    );
    expect(statusOf(intake, 'support')).to.include({ connected: true, processed: 2, lastError: null });
    expect(lines.filter((l) => l.msg === 'IMAP connection lost; reconnecting')).to.have.length(1);
    expect(lines.some((l) => l.msg === 'IMAP mailbox reconnected')).to.equal(true);
  });

  it('reconnects after the Dovecot master was killed (SIGKILL) and restarted', async function () {
    this.timeout(60_000);
    const folder = freshFolder();
    await dovecot.append('support', folder, mail('Avant le kill'));
    const rec = recorder();
    const { logger, lines } = capturingLogger();
    intake = startImapIntake({
      mailboxes: mailboxes([{ name: 'support', url: dovecot.url('support'), folder, pollSeconds: 600 }]),
      handle: rec.handle,
      logger,
      backoffMs: [50, 100, 200, 400],
    });
    await waitFor(
      () => rec.subjects().includes('Avant le kill'),
      () => 'the first message was not handed over',
    );
    await dovecot.restart({ kill: true });
    // The orphaned session process of the killed master ends the session about 10 s later.
    await waitFor(
      () => lines.some((l) => l.msg === 'IMAP mailbox reconnected'),
      () => JSON.stringify(intake!.status()),
      40_000,
    );
    await dovecot.append('support', folder, mail('Après le kill'));
    await waitFor(
      () => rec.subjects().includes('Après le kill'),
      () => JSON.stringify(intake!.status()),
    );
    await waitFor(
      async () => (await processedSubjects('support', folder)).length === 2,
      () => 'not flagged after the kill',
    );
    expect(rec.subjects()).to.deep.equal(['Avant le kill', 'Après le kill']);
  });

  it('stop() lets the message in hand finish, logs out and leaves no connection open', async function () {
    const folder = freshFolder();
    await dovecot.append('office', folder, mail('En cours'));
    const rec = recorder();
    const release = rec.gate('En cours');
    const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const running = startImapIntake({
      mailboxes: mailboxes([{ name: 'office', url: dovecot.url('office'), folder }]),
      handle: rec.handle,
      logger: capturingLogger().logger,
      backoffMs: fastBackoff,
    });
    await waitFor(
      () => rec.attempts.get('En cours') === 1,
      () => 'not handed over',
    );
    const stopped = running.stop();
    release();
    await stopped;

    expect(await processedSubjects('office', folder)).to.deep.equal(['En cours']);
    expect(running.status()[0]).to.include({ connected: false, processed: 1 });
    await waitFor(
      () => sockets() <= before,
      () => `${sockets()} sockets open, ${before} before`,
      2_000,
    );
    // The intake's session (ID name=Relais) ended with LOGOUT, not a dropped connection.
    await waitFor(
      () => relaisSessionsEnded(dovecot.log(), 'office').every((end) => end === 'Logged out'),
      () => dovecot.log(),
      2_000,
    );
    expect(relaisSessionsEnded(dovecot.log(), 'office')).not.to.deep.equal([]);
  });

  it('falls back to polling every pollSeconds on a server without IDLE', async function () {
    const noIdle = await startDovecot({ idle: false });
    try {
      const folder = freshFolder();
      await noIdle.append('support', folder, mail('Avant'));
      const rec = recorder();
      intake = startImapIntake({
        mailboxes: mailboxes([{ name: 'support', url: noIdle.url('support'), folder, pollSeconds: 1 }]),
        handle: rec.handle,
        logger: capturingLogger().logger,
        backoffMs: fastBackoff,
      });
      await waitFor(
        () => rec.subjects().includes('Avant'),
        () => 'the first message was not handed over',
      );
      await noIdle.append('support', folder, mail('Sans IDLE'));
      await waitFor(
        () => rec.subjects().includes('Sans IDLE'),
        () => JSON.stringify(intake!.status()),
      );
      await waitFor(
        async () => (await noIdle.messages('support', folder)).every((m) => m.flags.includes(PROCESSED_KEYWORD)),
        () => 'not flagged',
      );
    } finally {
      await intake?.stop();
      intake = undefined;
      await noIdle.dispose();
    }
  });
});
