/**
 * A real SMTP server for tests, on loopback, built with smtp-server: it keeps what it received
 * (parsed with mailparser) so tests can `await smtp.sentMail({ to, subject: /…/ })`. It can refuse
 * messages with a chosen SMTP code, and be stopped and restarted on the same port (an outage).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP session (connection) it came on. */
  session: string;
  parsed: ParsedMail;
  raw: string;
  envelopeTo: string[];
  subject: string;
  to: string;
  header(name: string): string | undefined;
}

export interface MailMatch {
  to?: string;
  subject?: RegExp | string;
  text?: RegExp;
}

export interface TestSmtp {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Refuse every message with this code (e.g. 550 permanent, 451 transient); null accepts again. */
  rejectWith(code: number | null): void;
  /**
   * Waits (up to `timeoutMs`) for a received message matching `to`, `subject` and `text` (a pattern
   * of its text part: the member's mails about one ticket share their subject).
   */
  sentMail(match: MailMatch, timeoutMs?: number): Promise<ReceivedMail>;
  /** Closes the server (connections are then refused); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase());
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : undefined;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let rejectCode: number | null = null;
  let port = 0;
  let server: SMTPServer | undefined;

  const build = (): SMTPServer =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Stopped, it drops the connections still open (a pooled client's) instead of waiting 30 s: an outage.
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (rejectCode !== null) {
            callback(Object.assign(new Error(`Refused by the test server (${rejectCode})`), { responseCode: rejectCode }));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              received.push({
                session: session.id,
                parsed,
                raw: raw.toString('utf8'),
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                subject: parsed.subject ?? '',
                to: session.envelope.rcptTo.map((r) => r.address).join(', '),
                header: (name) => headerText(parsed, name),
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });

  const start = async (): Promise<void> => {
    server = build();
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.server.address() as AddressInfo).port;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await start();

  const matches = (mail: ReceivedMail, match: MailMatch): boolean =>
    (match.to === undefined || mail.envelopeTo.includes(match.to.toLowerCase()) || mail.envelopeTo.includes(match.to)) &&
    (match.subject === undefined || (typeof match.subject === 'string' ? mail.subject === match.subject : match.subject.test(mail.subject))) &&
    (match.text === undefined || match.text.test(mail.parsed.text ?? ''));

  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    rejectWith(code) {
      rejectCode = code;
    },
    async sentMail(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((m) => matches(m, match));
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `No mail matching ${JSON.stringify({ to: match.to, subject: String(match.subject), text: String(match.text) })}; received: ${received.map((m) => m.subject).join(' | ') || 'nothing'}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop,
    start,
  };
}
