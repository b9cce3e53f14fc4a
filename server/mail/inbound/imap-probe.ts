/**
 * "Test connection" for an IMAP mailbox of IMAP_MAILBOXES: one short ImapFlow session that connects,
 * logs in, opens the watched folder read-only (no flag changes, nothing fetched) and logs out, within
 * a time limit. The answer says which step failed and why as a code the page translates, plus the
 * server's own words — never the password (removed from any text, should a server echo it).
 */
import { ImapFlow } from 'imapflow';
import type { ImapMailboxConfig } from '../../config.imap.js';
import { describeImapError } from './imap.js';

export type ImapProbeStep = 'connect' | 'login' | 'open';
export type ImapProbeProblem = 'timeout' | 'refused' | 'not_found' | 'tls' | 'authentication' | 'folder' | 'other';

export interface ImapProbeResult {
  ok: boolean;
  /** The step reached: the last one that succeeded when ok, the one that failed otherwise. */
  step: ImapProbeStep;
  problem: ImapProbeProblem | null;
  /** The server's or the socket's words, password removed. */
  detail: string | null;
  /** Messages in the folder, when it was opened. */
  messages: number | null;
  elapsedMs: number;
}

export const IMAP_PROBE_TIMEOUT_MS = 10_000;

function problemOf(error: unknown, step: ImapProbeStep): ImapProbeProblem {
  const e = error as { code?: string; authenticationFailed?: boolean } | null;
  if (e?.authenticationFailed) return 'authentication';
  if (e?.code === 'ECONNREFUSED') return 'refused';
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return 'not_found';
  if (e?.code === 'ETIMEDOUT' || e?.code === 'CONNECT_TIMEOUT' || e?.code === 'GREETING_TIMEOUT') return 'timeout';
  if (typeof e?.code === 'string' && /CERT|SSL|TLS/i.test(e.code)) return 'tls';
  return step === 'open' ? 'folder' : 'other';
}

function scrub(text: string, password: string): string {
  return (password ? text.split(password).join('••••') : text).slice(0, 500);
}

/** Connects, logs in and opens the folder of `mailbox`; resolves (never rejects) within about `timeoutMs`. */
export async function probeImapMailbox(mailbox: ImapMailboxConfig, timeoutMs = IMAP_PROBE_TIMEOUT_MS): Promise<ImapProbeResult> {
  const started = Date.now();
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.user, pass: mailbox.password },
    clientInfo: { name: 'Relais (test)' },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  // A socket error after the answer (or during the race below) must not become an unhandled event.
  client.on('error', () => undefined);
  let step: ImapProbeStep = 'connect';
  const attempt = async (): Promise<ImapProbeResult> => {
    await client.connect();
    // ImapFlow logs in as part of connect(): reaching here means both worked.
    step = 'open';
    const opened = await client.mailboxOpen(mailbox.folder, { readOnly: true });
    const messages = opened.exists;
    await client.logout().catch(() => undefined);
    return { ok: true, step: 'open', problem: null, detail: null, messages, elapsedMs: Date.now() - started };
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ImapProbeResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          step,
          problem: 'timeout',
          detail: `no answer within ${Math.round(timeoutMs / 1000)} s`,
          messages: null,
          elapsedMs: Date.now() - started,
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      attempt().catch((error: unknown): ImapProbeResult => {
        const failedStep: ImapProbeStep = (error as { authenticationFailed?: boolean } | null)?.authenticationFailed ? 'login' : step;
        return {
          ok: false,
          step: failedStep,
          problem: problemOf(error, failedStep),
          detail: scrub(describeImapError(error), mailbox.password),
          messages: null,
          elapsedMs: Date.now() - started,
        };
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
