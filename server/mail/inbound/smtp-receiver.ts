/**
 * The SMTP receiver an organisation's MTA forwards members' mail to (smtp-server, in process).
 *
 * - Recipients are checked at RCPT TO: INBOUND_ADDRESS, its `+token` variants and the extra
 *   addresses; anything else is refused with 550, so the sender learns it at once.
 * - The size is announced (EHLO SIZE) and enforced: a larger message is refused with 552.
 * - At most `MAX_RECIPIENTS` RCPT TO per message; more are refused with 452 (RFC 5321 §4.5.3.1.10:
 *   a sender delivers them in another transaction).
 * - The client's IP and HELO name are stored with the message, for SPF: authentication is evaluated
 *   when the message is processed (DNS lookups take time), not before the 250.
 * - A message is answered 250 only once its raw bytes are on disk (`pipeline.accept`: the spool file,
 *   synced), so an accepted message is never lost; it is then put in the database and processed in
 *   the background (a few at a time, one sender's in order, after the deliveries under way: see
 *   `intakeQuiet`). A message the database could not take yet is retried; one whose processing
 *   failed stays pending and is retried (`pipeline.recover` at start, which reads the spool first).
 * - STARTTLS when a key and certificate are configured; no AUTH (bind it to loopback or a private
 *   network, as INBOUND_SMTP_HOST says).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import type { InboundPending } from './inbound.model.js';
import type { InboundPipeline } from './pipeline.js';

export interface InboundSmtp {
  readonly port: number;
  /** Resolves when the messages accepted so far have been processed (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface InboundSmtpOptions {
  config: Pick<Config, 'inboundAddress' | 'inbound'>;
  pipeline: InboundPipeline;
  logger: Logger;
  /** How many messages are processed at once (default 4; one sender's stay in order). */
  lanes?: number;
  /** A session that sends its next message within this long of the last answer is delivering back to back; processing waits until each such session has quit or been quiet this long (default 100 ms)… */
  quietMs?: number;
  /** …or until the message has waited this long (default 2 s). */
  maxDeferMs?: number;
  /** How often the spool files of stopped receivers are looked for (default a minute). */
  takeOverMs?: number;
  /** After how many refused attempts in a row an accepted message is set aside (default 5: about 30 s). */
  setAsideAfter?: number;
}

/**
 * RCPT TO accepted per message. Relais receives at a handful of addresses, so more is abuse (one
 * message fanned out to many reply tokens); the sender is told 452 and may send the rest in another
 * transaction (RFC 5321 §4.5.3.1.10).
 */
export const MAX_RECIPIENTS = 20;

/** Whether `address` is one Relais receives at (`local@domain` or `local+anything@domain`). */
export function isInboundRecipient(address: string, accepted: readonly string[]): boolean {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return false;
  const local = lower.slice(0, at).split('+')[0];
  const domain = lower.slice(at + 1);
  return accepted.some((a) => a === `${local}@${domain}`);
}

/** Waits `ms`, or less when one of `wakers` (where the waiting puts its wake-up) is called. */
function sleep(ms: number, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      wakers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    wakers.add(wake);
  });
}

/** The addresses the receiver takes mail for (lower-cased): INBOUND_ADDRESS and INBOUND_EXTRA_ADDRESSES. */
export function receivedAddresses(config: Pick<Config, 'inboundAddress'> & { inbound: Pick<Config['inbound'], 'extraAddresses'> }): string[] {
  return [config.inboundAddress, ...config.inbound.extraAddresses].map((a) => a.toLowerCase());
}

/**
 * The mailboxes mail arrives by: the addresses the SMTP receiver takes and each IMAP mailbox by its
 * name. A routing rule's mailbox is one of them, or it could never match (routing/routing-rules-admin.ts).
 */
export function knownMailboxes(config: Pick<Config, 'inboundAddress' | 'imapMailboxes'> & { inbound: Pick<Config['inbound'], 'extraAddresses'> }): string[] {
  return [...receivedAddresses(config), ...config.imapMailboxes.map((m) => m.name)];
}

export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const { config, pipeline, logger } = options;
  const log = logger.child({ component: 'inbound-smtp' });
  const accepted = receivedAddresses(config);
  const { host, port, maxBytes, tlsKey, tlsCert } = config.inbound.smtp;
  const tls = tlsKey && tlsCert ? { key: readFileSync(tlsKey), cert: readFileSync(tlsCert) } : null;

  // A few lanes processed in parallel (the work is mostly waiting on the database); one sender's
  // messages always take the same lane, so a member's answer is never handled before their first mail.
  const lanes: Promise<void>[] = Array.from({ length: options.lanes ?? 4 }, () => Promise.resolve());
  const laneOf = (sender: string): number => {
    let h = 0;
    for (const c of sender.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h % lanes.length;
  };
  // Intake first: processing writes a dozen documents a message, and on the embedded database every
  // write waits for SQLite's one writer, so a sender delivering back to back would wait behind them
  // for each 250. A session delivers back to back when its next MAIL FROM comes within `quietMs` of
  // its last answer. While one does, a lane starts its next message once every such session has quit
  // or been quiet for `quietMs`, or once that message has waited `maxDeferMs` (a long stream of
  // deliveries is still processed, at the pace both can share). A message that is not followed at
  // once by another (one per session, as most senders do, or the first of a stream) is processed at once.
  const quietMs = options.quietMs ?? 100;
  const maxDeferMs = options.maxDeferMs ?? 2_000;
  const answered = new Map<string, number>(); // session id → when its last message was answered
  const delivering = new Map<string, number>(); // sessions delivering back to back → their last MAIL FROM or answer
  const wakers = new Set<() => void>();
  const touch = (session: SMTPServerSession): void => {
    delivering.set(session.id, Date.now());
  };
  const ended = (session: SMTPServerSession): void => {
    if (delivering.delete(session.id)) for (const wake of [...wakers]) wake();
  };
  const mailFrom = (session: SMTPServerSession): void => {
    const last = answered.get(session.id) ?? Number.NEGATIVE_INFINITY;
    answered.set(session.id, last); // open until onClose
    if (Date.now() - last < quietMs) touch(session);
    else ended(session); // its first message, or quiet since its last: a new start, not a stream
  };
  const intakeQuiet = async (acceptedAt: number): Promise<void> => {
    for (;;) {
      let busyUntil = 0;
      for (const at of delivering.values()) busyUntil = Math.max(busyUntil, at + quietMs);
      const wait = Math.min(busyUntil, acceptedAt + maxDeferMs) - Date.now();
      if (wait <= 0) return;
      await sleep(wait, wakers);
    }
  };
  // An accepted message is safe in the spool: putting it in the database is retried (the database
  // restarting, say). One refused `setAsideAfter` times in a row is set aside in a spool file of its
  // own, taken over every minute, so the messages after it in its lane go on; at a stop it stays in
  // the spool for the next start.
  let stopping = false;
  const sleepers = new Set<() => void>();
  const setAsideAfter = options.setAsideAfter ?? 5;
  const admitted = async (pending: InboundPending): Promise<string | null> => {
    for (let attempt = 1, wait = 1_000; ; attempt += 1, wait = Math.min(wait * 2, 30_000)) {
      try {
        return await pipeline.admit(pending);
      } catch (error) {
        if (stopping) {
          log.error({ err: error, inbound: pending._id }, 'an accepted message is not in the database yet; it stays in the spool for the next start');
          return null;
        }
        if (attempt >= setAsideAfter) {
          const setAside = await pipeline.setAside(pending).then(
            () => true,
            () => false,
          );
          if (setAside) {
            log.error(
              { err: error, inbound: pending._id, attempts: attempt },
              'the database keeps refusing an accepted message; set aside in the spool, tried again every minute',
            );
            return null;
          }
        }
        log.warn({ err: error, inbound: pending._id, retryMs: wait }, 'could not put an accepted message in the database; it is safe in the spool, retrying');
        await sleep(wait, sleepers);
      }
    }
  };
  const enqueue = (pending: InboundPending, sender: string): void => {
    const lane = laneOf(sender);
    const acceptedAt = Date.now();
    lanes[lane] = (lanes[lane] ?? Promise.resolve()).then(async () => {
      try {
        await intakeQuiet(acceptedAt);
        const id = await admitted(pending);
        if (id !== null) await pipeline.process(id);
      } catch (error) {
        log.error({ err: error, inbound: pending._id }, 'processing failed; the message stays pending and is retried at the next start');
      }
    });
  };
  const drained = async (): Promise<void> => {
    let seen: Promise<void>[] = [];
    while (seen.length !== lanes.length || seen.some((p, i) => p !== lanes[i])) {
      seen = [...lanes];
      await Promise.all(seen);
    }
  };

  const server = new SMTPServer({
    name: 'relais',
    banner: 'Relais inbound mail',
    size: maxBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    onMailFrom(_address, session, callback) {
      mailFrom(session);
      callback();
    },
    onClose(session) {
      answered.delete(session.id);
      ended(session);
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
        return callback(Object.assign(new Error(`4.5.3 Too many recipients: at most ${MAX_RECIPIENTS} per message`), { responseCode: 452 }));
      }
      if (isInboundRecipient(address.address, accepted)) return callback();
      const error = Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox here`), { responseCode: 550 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error(`5.3.4 Message too large: at most ${maxBytes} bytes`), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const rcpt = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        pipeline
          .accept({
            raw,
            source: 'smtp',
            mailbox: rcpt.find((r) => isInboundRecipient(r, accepted)) ?? null,
            envelopeFrom: mailFrom,
            envelopeTo: rcpt,
            client: { ip: session.remoteAddress || null, helo: session.hostNameAppearsAs || null },
          })
          .then((pending) => {
            // Still delivering (unless it left meanwhile: a closed session is not waited for).
            if (answered.has(session.id)) answered.set(session.id, Date.now());
            if (delivering.has(session.id)) touch(session);
            callback(null, 'Queued');
            enqueue(pending, mailFrom || rcpt.join(','));
          })
          .catch((error: unknown) => {
            log.error({ err: error }, 'could not store an incoming message; answered 451 so the sender retries');
            callback(Object.assign(new Error('4.3.0 Temporary failure, please retry'), { responseCode: 451 }));
          });
      });
    },
  });
  server.on('error', (error) => log.warn({ err: error }, 'SMTP receiver error'));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  // A receiver that stopped without a restart here (another host, a container with a new name) left
  // its spool file: once its lease runs out, a running receiver takes it over (spool.ts).
  let takingOver = false;
  const takeOverTimer = setInterval(() => {
    if (takingOver) return;
    takingOver = true;
    void pipeline
      .takeOverSpools()
      .catch((error: unknown) => log.warn({ err: error }, 'could not take over the spool files of stopped receivers'))
      .finally(() => (takingOver = false));
  }, options.takeOverMs ?? 60_000);
  takeOverTimer.unref();
  const bound = (server.server.address() as AddressInfo).port;
  log.info({ host, port: bound, tls: Boolean(tls) }, 'SMTP receiver listening');
  return {
    port: bound,
    idle: drained,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearInterval(takeOverTimer);
      stopping = true;
      for (const wake of [...sleepers]) wake();
      await drained();
      await pipeline.close();
    },
  };
}
