/**
 * The embedded mail catcher: when no SMTP server is configured (outside production), an in-process
 * SMTP server on a free 127.0.0.1 port receives everything Relais sends and keeps it in `caught_mail`
 * (raw source plus parsed subject, from, to, date, text, html) for an admin page. Nothing leaves the machine.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Types } from 'mongoose';
import type { Logger } from '../lib/logger.js';
import { noteAddressMail } from './address-mail.js';
import { CaughtMailModel, type CaughtMail } from './mail.models.js';

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, for `createMailTransport`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const MAX_SIZE = 25 * 1024 * 1024;

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

export async function startMailCatcher(options: { logger: Logger; host?: string; port?: number }): Promise<MailCatcher> {
  const logger = options.logger.child({ component: 'mail-catcher' });
  const host = options.host ?? '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_SIZE,
    logger: false,
    banner: 'Relais mail catcher',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void (async () => {
          const parsed = await simpleParser(raw);
          const _id = new Types.ObjectId();
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          // Keyed by address, so a member's erasure finds their copies without reading the catcher whole.
          await noteAddressMail([...envelopeTo, ...(envelopeFrom ? [envelopeFrom] : [])], 'caught', String(_id));
          await CaughtMailModel.create({
            _id,
            raw: raw.toString('utf8'),
            envelopeFrom,
            envelopeTo,
            messageId: parsed.messageId ?? null,
            subject: parsed.subject ?? '',
            from: addressText(parsed.from),
            to: addressText(parsed.to),
            date: parsed.date ?? null,
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            receivedAt: new Date(),
          });
          logger.info({ subject: parsed.subject, to: addressText(parsed.to) }, 'mail caught');
        })().then(
          () => callback(),
          (error: unknown) => {
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not store caught mail');
            // 451: transient, so the outbox retries instead of losing the message.
            const failure = Object.assign(new Error('Could not store the message, try again later'), { responseCode: 451 });
            callback(failure);
          },
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error.message }, 'mail catcher error'));
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port }, 'no SMTP_URL: mail is caught locally, not delivered');
  return {
    url: `smtp://${host}:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Caught messages, newest first. */
export async function listCaughtMail(options: { limit?: number } = {}): Promise<CaughtMail[]> {
  return CaughtMailModel.find()
    .sort({ receivedAt: -1 })
    .limit(options.limit ?? 100)
    .lean<CaughtMail[]>();
}
