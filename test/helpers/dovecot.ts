/**
 * A real Dovecot IMAP server (Debian's `dovecot-imapd`, Dovecot 2.3) for one test file: our own
 * dovecot.conf in a temporary folder, a free loopback port, three test users with maildirs,
 * plain-text login (loopback only, no TLS). The Debian package's own service is never used: it
 * would listen on 143 with /etc/dovecot, while this one has its own base_dir, port and users.
 *
 * Dovecot refuses to give mail access to root (uid 0 is refused whatever `first_valid_uid`
 * says: "Mail access not allowed for root"), so it always runs "rootless": every Dovecot
 * process, the mail files included, runs as one unprivileged account, with no chroot. When the
 * tests run as root (CI), that account is `nobody` (the child is spawned with its uid and gid and
 * the temporary folder is given to it); otherwise it is the current user.
 *
 * `restart()` stops it and starts it again on the same port (the mail stays), to test reconnects:
 * `doveadm kick` ends the sessions, then SIGTERM ends the master; `{ kill: true }` sends SIGKILL to
 * the master alone, like a crash (its session processes then notice and end about 10 s later).
 * If the test process exits first, the server is stopped with it. Set DOVECOT_BINARY to use a
 * binary other than /usr/sbin/dovecot (or `dovecot` on the PATH).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../server/db/embedded.js';

export interface TestImapUser {
  user: string;
  password: string;
}

export interface TestMessageState {
  uid: number;
  flags: string[];
  subject: string | undefined;
}

export interface TestDovecot {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly users: readonly TestImapUser[];
  /** `imap://user:password@127.0.0.1:port` for one of the users. */
  url(user: string, password?: string): string;
  /** Appends a message over IMAP (creating the mailbox when missing); resolves with its UID. */
  append(user: string, mailbox: string, raw: Buffer | string, flags?: string[]): Promise<number>;
  /** The messages of a mailbox, oldest first, with their flags but \Recent ([] when the mailbox does not exist). */
  messages(user: string, mailbox: string): Promise<TestMessageState[]>;
  /** Everything Dovecot logged so far. */
  log(): string;
  /** Stops the server (connections are dropped). */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()`. */
  start(): Promise<void>;
  /** `stop()` then `start()`; with `{ kill: true }` the master is killed with SIGKILL instead of SIGTERM. */
  restart(options?: { kill?: boolean }): Promise<void>;
  /** Stops the server for good and removes its folder. */
  dispose(): Promise<void>;
}

export const TEST_IMAP_USERS: readonly TestImapUser[] = Object.freeze([
  { user: 'support', password: 'support-password-1' },
  { user: 'billing', password: 'billing-password-2' },
  { user: 'office', password: 'office-password-3' },
]);

const installHint =
  'The IMAP tests need a real Dovecot 2.3 (Debian package dovecot-imapd). Install it with\n' +
  '  sudo apt-get install dovecot-imapd\n' +
  '(the tests start their own server on a free loopback port; the system service can stay off:\n' +
  '  sudo systemctl disable --now dovecot)\n' +
  'or set DOVECOT_BINARY to the dovecot binary.';

/** Finds the dovecot binary, or throws saying how to install it. */
export function dovecotBinary(): string {
  const candidates = [process.env.DOVECOT_BINARY, '/usr/sbin/dovecot', ...(process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'dovecot'))];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`Dovecot was not found. ${installHint}`);
}

/** doveadm, to end client sessions at once on stop (Dovecot's own shutdown leaves them ~10 s). */
function doveadmBinary(dovecot: string): string | undefined {
  const candidates = [
    path.join(path.dirname(dovecot), 'doveadm'),
    path.join(path.dirname(dovecot), '..', 'bin', 'doveadm'),
    ...(process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'doveadm')),
  ];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function checkVersion(binary: string): void {
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  // 2.4 changed the configuration format (dovecot_config_version, mail_path…): this file writes 2.3's.
  if (!/^2\.3\./.test(version)) throw new Error(`Dovecot ${version} found, but the test configuration is written for Dovecot 2.3. ${installHint}`);
}

interface RunAs {
  user: string;
  group: string;
  /** Set when the tests run as root: the child is spawned as this account. */
  uid?: number;
  gid?: number;
}

function id(...args: string[]): string {
  return execFileSync('id', args, { encoding: 'utf8' }).trim();
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { user: id('-un'), group: id('-gn') };
  // Dovecot refuses mail access as root: run everything as `nobody`.
  return { user: 'nobody', group: id('-gn', 'nobody'), uid: Number(id('-u', 'nobody')), gid: Number(id('-g', 'nobody')) };
}

// Dovecot 2.3's own capability list after login, without IDLE (for the polling fallback).
const capabilitiesWithoutIdle =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT ' +
  'MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ' +
  'ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY';

function configText(props: { dir: string; port: number; runAs: RunAs; instance: string; idle: boolean }): string {
  const { dir, port, runAs: account, instance } = props;
  return `# Written by test/helpers/dovecot.ts for one test run (Dovecot 2.3, rootless).
instance_name = ${instance}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Wrong passwords are part of the tests: answer them at once (the default waits 2 s).
auth_failure_delay = 0
default_internal_user = ${account.user}
default_internal_group = ${account.group}
default_login_user = ${account.user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
shutdown_clients = yes
# IDLE notices new mail through inotify; where inotify is unavailable, check every second.
mailbox_idle_check_interval = 1 secs
# Logs the client's ID name, so a test can tell its sessions apart.
imap_id_log = name
${props.idle ? '' : `imap_capability = ${capabilitiesWithoutIdle}\n`}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
  default_fields = home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # No growing login delay for 127.0.0.1 after the wrong-password tests (Dovecot's documented way).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

/** Connects and reads the greeting; true once it is `* OK`. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('* OK')));
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function chownTree(target: string, uid: number, gid: number): void {
  chownSync(target, uid, gid);
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) chownTree(full, uid, gid);
    else chownSync(full, uid, gid);
  }
}

async function withClient<T>(port: number, account: TestImapUser, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
    disableAutoIdle: true,
    disableBinary: true,
  });
  client.on('error', () => undefined); // connect() and the commands reject on their own
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Starts Dovecot and resolves once it greets with `* OK` on its port. */
export async function startDovecot(
  options: { startTimeoutMs?: number; /** false: IDLE is not announced after login. */ idle?: boolean } = {},
): Promise<TestDovecot> {
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const binary = dovecotBinary();
  checkVersion(binary);
  const account = runAs();
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'relais-dovecot-'));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'mail'));
  writeFileSync(path.join(dir, 'passwd'), TEST_IMAP_USERS.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''));
  writeFileSync(path.join(dir, 'dovecot.log'), '');
  if (account.uid !== undefined && account.gid !== undefined) chownTree(dir, account.uid, account.gid);
  const instance = `relais-test-${path.basename(dir).slice(-6)}`;
  const logFile = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');

  let port = 0;
  let child: ChildProcess | undefined;
  let stderr = '';
  const killOnExit = () => child?.kill('SIGTERM');
  process.on('exit', killOnExit);

  const readLog = (): string => {
    try {
      return readFileSync(logFile, 'utf8') + stderr;
    } catch {
      return stderr;
    }
  };
  const logTail = (): string => readLog().split('\n').slice(-40).join('\n');

  const launch = async (): Promise<'ok' | 'port-taken'> => {
    writeFileSync(conf, configText({ dir, port, runAs: account, instance, idle: options.idle ?? true }));
    if (account.uid !== undefined && account.gid !== undefined) chownSync(conf, account.uid, account.gid);
    stderr = '';
    const started = spawn(binary, ['-F', '-c', conf], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      ...(account.uid !== undefined ? { uid: account.uid, gid: account.gid } : {}),
    });
    child = started;
    started.stderr?.setEncoding('utf8');
    started.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await greets(port))) {
      if (started.exitCode !== null || started.signalCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL');
        await exited(started, 3_000);
        const log = logTail();
        if (/Address already in use/.test(log)) return 'port-taken';
        throw new Error(`Dovecot did not start on port ${port}:\n${log.trim() || 'no greeting'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return 'ok';
  };

  const doveadm = doveadmBinary(binary);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (!running) return;
    child = undefined;
    // A stopping master leaves its IMAP sessions open for about 10 s: kick them first, as an
    // administrator would. A SIGKILL simulates a crash: no kick then.
    if (signal === 'SIGTERM' && doveadm) {
      await new Promise<void>((resolve) => execFile(doveadm, ['-c', conf, 'kick', '127.0.0.1'], { timeout: 3_000 }, () => resolve()));
    }
    running.kill(signal);
    if (!(await exited(running, 5_000))) {
      running.kill('SIGKILL');
      await exited(running, 3_000);
    }
  };

  const start = async (): Promise<void> => {
    if (child) return;
    // Right after a stop the port can still be held for a moment by an exiting login process.
    const deadline = Date.now() + timeoutMs;
    while ((await launch()) === 'port-taken') {
      if (Date.now() > deadline) throw new Error(`Dovecot could not listen on port ${port} again:\n${logTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  try {
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      if ((await launch()) === 'ok') break;
      if (attempt >= 4) throw new Error(`Dovecot found no free port:\n${logTail()}`);
    }
  } catch (error) {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const findUser = (user: string, password?: string): TestImapUser => {
    const known = TEST_IMAP_USERS.find((u) => u.user === user);
    if (!known) throw new Error(`No test IMAP user ${user}`);
    return password === undefined ? known : { user, password };
  };

  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    users: TEST_IMAP_USERS,
    url(user, password) {
      const account = findUser(user, password);
      return `imap://${encodeURIComponent(account.user)}:${encodeURIComponent(account.password)}@127.0.0.1:${port}`;
    },
    async append(user, mailbox, raw, flags = []) {
      return withClient(port, findUser(user), async (client) => {
        if (mailbox.toUpperCase() !== 'INBOX') {
          const existing = await client.list();
          if (!existing.some((m) => m.path === mailbox)) await client.mailboxCreate(mailbox);
        }
        const result = await client.append(mailbox, typeof raw === 'string' ? Buffer.from(raw) : raw, flags);
        if (!result || result.uid === undefined) throw new Error(`APPEND to ${user}/${mailbox} returned no UID`);
        return result.uid;
      });
    },
    async messages(user, mailbox) {
      return withClient(port, findUser(user), async (client) => {
        const existing = await client.list();
        if (!existing.some((m) => m.path === mailbox)) return [];
        const lock = await client.getMailboxLock(mailbox, { readOnly: true });
        try {
          if (client.mailbox === false || client.mailbox.exists === 0) return [];
          const list = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
          // fetchAll also returns the FETCH rows the server adds on its own: when another session
          // (the intake) changed flags after this one opened the folder, Dovecot appends
          // `* 1 FETCH (FLAGS (…))` after the answer, a row with neither UID nor envelope. Counted, it
          // made one processed message look like two. Only the rows answering the FETCH (they carry
          // the envelope asked for) are kept, one per UID.
          const byUid = new Map<number, TestMessageState>();
          for (const m of list) {
            if (!m.envelope || !m.uid) continue;
            byUid.set(m.uid, { uid: m.uid, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(), subject: m.envelope.subject });
          }
          return [...byUid.values()].sort((a, b) => a.uid - b.uid);
        } finally {
          lock.release();
        }
      });
    },
    log: readLog,
    stop: () => stop(),
    start,
    async restart(restartOptions = {}) {
      await stop(restartOptions.kill ? 'SIGKILL' : 'SIGTERM');
      await start();
    },
    async dispose() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
