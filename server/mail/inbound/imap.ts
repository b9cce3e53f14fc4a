/**
 * The IMAP channel of inbound email: one independent watcher per configured mailbox (its own
 * ImapFlow connection, its own loop: an error in one never touches the others) that hands every
 * unprocessed message, raw, to the inbound pipeline's `handle`, oldest first, one at a time.
 *
 * A message is marked processed only after `handle` resolved (the pipeline committed its
 * outcome): it gets the keyword `$RelaisProcessed` and \Seen, or, with `processedFolder`, is moved
 * there (the folder is created when missing). When `handle` throws, the message is left as it is
 * and retried on a later pass, after a backoff; the next messages go on meanwhile.
 *
 * Delivery is at least once: a message whose handler succeeded but whose flag or move was lost
 * (a crash, a dropped connection) is handed over again on the next pass. That is safe because the
 * pipeline is idempotent (it recognises a message it already stored by Message-ID / content hash).
 * In move mode the keyword is set before the MOVE, so a failed MOVE is finished without handing
 * the message over again.
 *
 * Waiting: IDLE (a new message wakes the watcher at once), and a rescan every `pollSeconds`
 * whatever happens, which is also the fallback when the server has no IDLE or IDLE breaks.
 * A lost connection is reopened with a backoff (1 s, 2 s, 5 s, 15 s, 60 s, then 60 s); a failure
 * is logged once per change of state, not once per attempt.
 *
 * Messages larger than `maxBytes` (default 40 MB) are still handed over, never skipped: only
 * their first `maxBytes` bytes are fetched (a partial FETCH), with `truncated: true`, so the
 * pipeline can quarantine them. The commands on the folder itself are in imap-folder.ts.
 */
import { ImapFlow } from 'imapflow';
import type { ImapMailboxConfig } from '../../config.imap.js';
import type { Logger } from '../../lib/logger.js';
import { ensureFolder, fetchMessage, markProcessed, pendingUids, PROCESSED_KEYWORD, type InboundImapMessage } from './imap-folder.js';

/** Waits before reconnecting, and before retrying a message whose handler failed (the last value repeats). */
export const DEFAULT_IMAP_BACKOFF_MS: readonly number[] = [1_000, 2_000, 5_000, 15_000, 60_000];
export const DEFAULT_IMAP_MAX_BYTES = 40 * 1024 * 1024;
/** How long `stop()` lets a watcher finish its current message and log out before closing its connection. */
const STOP_GRACE_MS = 4_000;
const LOGOUT_TIMEOUT_MS = 2_000;

export interface MailboxStatus {
  name: string;
  connected: boolean;
  /** The last connection or server error (never a password), null once a pass succeeded after it. */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** When a pass over the folder last completed. */
  lastSuccessAt: Date | null;
  /** Messages handed over and marked processed since the start. */
  processed: number;
  /** Messages whose handler failed and that wait for a retry. */
  failing: number;
}

export interface ImapIntakeProps {
  mailboxes: readonly ImapMailboxConfig[];
  /** The inbound pipeline. Resolving means the outcome is committed: the message is then marked processed. */
  handle: (message: InboundImapMessage) => Promise<void>;
  logger: Logger;
  backoffMs?: readonly number[];
  maxBytes?: number;
}

export interface ImapIntake {
  /** Ends IDLE, lets the current message finish (a few seconds at most), logs out. */
  stop(): Promise<void>;
  status(): MailboxStatus[];
}

/** A readable reason for an ImapFlow or socket error; never the command sent (LOGIN carries the password). */
export function describeImapError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; responseText?: string; authenticationFailed?: boolean };
  if (e.authenticationFailed) return `authentication failed${e.responseText ? `: ${e.responseText}` : ''}`;
  const text = e.responseText ? `${e.message}: ${e.responseText}` : e.message;
  return e.code && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

function delayFor(backoff: readonly number[], attempt: number): number {
  return backoff[Math.min(attempt, backoff.length - 1)] ?? 60_000;
}

interface Failure {
  count: number;
  retryAt: number;
}

class MailboxWatcher {
  private stopped = false;
  private client: ImapFlow | undefined;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  /** New mail was announced while a pass was running: scan again before waiting. */
  private dirty = false;
  private reconnectAttempt = 0;
  private uidValidity = '';
  private readonly failures = new Map<number, Failure>();
  /** What was last logged as a failure, so the same failure repeating is not logged again. */
  private lastLogged: string | null = null;
  private readonly state: Omit<MailboxStatus, 'name' | 'failing'> = { connected: false, lastError: null, lastErrorAt: null, lastSuccessAt: null, processed: 0 };
  private readonly log: Logger;

  constructor(
    private readonly mailbox: ImapMailboxConfig,
    private readonly handle: ImapIntakeProps['handle'],
    logger: Logger,
    private readonly backoff: readonly number[],
    private readonly maxBytes: number,
  ) {
    this.log = logger.child({ mailbox: mailbox.name });
  }

  start(): void {
    this.loop = this.run();
  }

  status(): MailboxStatus {
    return { name: this.mailbox.name, ...this.state, failing: this.failures.size };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    const finished = await Promise.race([this.loop?.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!finished) {
      this.client?.close();
      await Promise.race([this.loop, sleep(1_000)]);
    }
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    clearTimeout(this.sleepTimer);
    wakeUp?.();
  }

  /** Waits `ms`, or less when woken (new mail, a closed connection, stop). */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      this.wakeUp = resolve;
      this.sleepTimer = setTimeout(() => this.wake(), Math.max(0, ms));
      this.sleepTimer.unref();
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (error) {
        if (!this.stopped) this.failed(error);
      } finally {
        this.state.connected = false;
        await this.closeClient();
      }
      if (this.stopped) break;
      await this.wait(delayFor(this.backoff, this.reconnectAttempt));
      this.reconnectAttempt += 1;
    }
  }

  private failed(error: unknown): void {
    const reason = describeImapError(error);
    const wasConnected = this.state.connected;
    this.state.lastError = reason;
    this.state.lastErrorAt = new Date();
    const retryInMs = delayFor(this.backoff, this.reconnectAttempt);
    if (wasConnected || reason !== this.lastLogged) {
      this.log.warn({ error: reason, retryInMs }, wasConnected ? 'IMAP connection lost; reconnecting' : 'IMAP mailbox unavailable; retrying with backoff');
      this.lastLogged = reason;
    } else {
      this.log.debug({ error: reason, retryInMs }, 'IMAP mailbox still unavailable');
    }
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.usable) await Promise.race([client.logout().catch(() => undefined), sleep(LOGOUT_TIMEOUT_MS)]);
    client.close();
  }

  /** One connection: connect, open the folder, then scan and wait until it fails or the watcher stops. */
  private async session(): Promise<void> {
    const { host, port, secure, user, password, folder, processedFolder } = this.mailbox;
    const client = new ImapFlow({
      host,
      port,
      secure,
      auth: { user, pass: password },
      clientInfo: { name: 'Relais' },
      logger: false,
      disableAutoIdle: true,
      // BODY.PEEK[] gives the message byte for byte; BINARY could decode parts.
      disableBinary: true,
      connectionTimeout: 30_000,
      // IDLE is restarted now and then: some servers drop a long IDLE without a word.
      maxIdleTime: 5 * 60_000,
    });
    this.client = client;
    let lost: Error | undefined;
    client.on('error', (error: Error) => {
      lost = error;
      if (this.client === client) this.wake();
    });
    client.on('close', () => {
      lost ??= new Error('the server closed the connection');
      if (this.client === client) this.wake();
    });
    client.on('exists', (event) => {
      if (event.count > event.prevCount && this.client === client) {
        this.dirty = true;
        this.wake();
      }
    });

    await client.connect();
    if (processedFolder && !this.stopped) await ensureFolder(client, processedFolder);
    const lock = await client.getMailboxLock(folder);
    try {
      const opened = client.mailbox;
      if (!opened) throw new Error(`folder ${folder} could not be opened`);
      const uidValidity = String(opened.uidValidity);
      if (uidValidity !== this.uidValidity) this.failures.clear();
      this.uidValidity = uidValidity;
      if (!processedFolder && opened.permanentFlags && !opened.permanentFlags.has('\\*') && !opened.permanentFlags.has(PROCESSED_KEYWORD)) {
        throw new Error(`the server keeps no custom keywords in ${folder}: set processedFolder for this mailbox`);
      }
      this.state.connected = true;
      if (this.lastLogged !== null || this.state.lastSuccessAt === null) {
        this.log.info({ folder, processedFolder }, this.lastLogged !== null ? 'IMAP mailbox reconnected' : 'Watching IMAP mailbox');
      }
      this.lastLogged = null;

      while (!this.stopped) {
        if (lost) throw lost;
        this.dirty = false;
        await this.scan(client);
        this.state.lastSuccessAt = new Date();
        this.state.lastError = null;
        this.reconnectAttempt = 0;
        if (this.dirty || this.stopped) continue;
        if (lost) throw lost;
        await this.idle(client);
      }
    } finally {
      lock.release();
    }
  }

  /** IDLE until new mail, the next poll or retry, a lost connection, or stop. */
  private async idle(client: ImapFlow): Promise<void> {
    const now = Date.now();
    let next = this.mailbox.pollSeconds * 1000;
    for (const failure of this.failures.values()) next = Math.min(next, failure.retryAt - now);
    if (next <= 0) return;
    const waiting = this.wait(next);
    // Ends when the next command breaks it (or returns false at once without IDLE: the timer polls then).
    void client.idle().catch(() => undefined);
    await waiting;
  }

  private async scan(client: ImapFlow): Promise<void> {
    const { uids, alreadyProcessed } = await pendingUids(client, this.mailbox.processedFolder !== null);
    const present = new Set(uids);
    for (const uid of this.failures.keys()) if (!present.has(uid)) this.failures.delete(uid);
    for (const uid of uids) {
      if (this.stopped) return;
      if (alreadyProcessed.has(uid)) {
        // Handled before, but the MOVE did not happen: finish it.
        await markProcessed(client, uid, this.mailbox.processedFolder);
        continue;
      }
      const failure = this.failures.get(uid);
      if (failure && failure.retryAt > Date.now()) continue;
      await this.processOne(client, uid);
    }
  }

  private async processOne(client: ImapFlow, uid: number): Promise<void> {
    const message = await fetchMessage(client, uid, { mailbox: this.mailbox.name, uidValidity: this.uidValidity, maxBytes: this.maxBytes });
    if (!message) return;
    if (message.truncated) {
      this.log.warn({ uid, size: message.size, maxBytes: this.maxBytes }, 'Inbound message larger than the limit: handing over its beginning only');
    }
    try {
      await this.handle(message);
    } catch (error) {
      const failure = this.failures.get(uid) ?? { count: 0, retryAt: 0 };
      failure.count += 1;
      const retryInMs = delayFor(this.backoff, failure.count - 1);
      failure.retryAt = Date.now() + retryInMs;
      this.failures.set(uid, failure);
      this.log.error(
        { err: error, uid, attempt: failure.count, retryInMs },
        'Inbound message handler failed; the message stays unprocessed and will be retried',
      );
      return;
    }
    this.failures.delete(uid);
    await markProcessed(client, uid, this.mailbox.processedFolder);
    this.state.processed += 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Starts one watcher per mailbox. Each hands its messages to `handle` one at a time (mailboxes
 * run side by side) and marks one processed only once `handle` resolved. Never throws for a
 * mailbox that cannot be reached: it keeps retrying it and reports it in `status()`.
 */
export function startImapIntake(props: ImapIntakeProps): ImapIntake {
  const logger = props.logger.child({ component: 'imap-intake' });
  const backoff = props.backoffMs && props.backoffMs.length > 0 ? props.backoffMs : DEFAULT_IMAP_BACKOFF_MS;
  const maxBytes = props.maxBytes ?? DEFAULT_IMAP_MAX_BYTES;
  const watchers = props.mailboxes.map((mailbox) => new MailboxWatcher(mailbox, props.handle, logger, backoff, maxBytes));
  for (const watcher of watchers) watcher.start();
  return {
    async stop() {
      await Promise.all(watchers.map((w) => w.stop()));
    },
    status() {
      return watchers.map((w) => w.status());
    },
  };
}
