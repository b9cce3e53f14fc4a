/**
 * The outbox worker: sends due messages every few seconds and whenever kicked (a command that queued
 * mail kicks it), one pass at a time per process; several processes may run one (outbox.ts leases
 * each message).
 */
import type { Transporter } from 'nodemailer';
import { attachmentStorage } from '../attachments/storage.js';
import type { Config } from '../config.js';
import { createMailTransport, describeError, processOutbox, type ProcessOutboxOptions } from './outbox.js';

export interface OutboxWorker {
  stop(): Promise<void>;
  /** Runs a pass now (e.g. right after enqueueing); resolves when a pass started after the call has finished. */
  kick(): Promise<void>;
}

export interface OutboxWorkerOptions extends Omit<ProcessOutboxOptions, 'transport'> {
  config: Config;
  /** Defaults to an SMTP transport on `config.smtpUrl`. */
  transport?: Transporter;
  /** How often due messages are looked for. */
  pollIntervalMs?: number;
}

/** Sends due outbox messages every `pollIntervalMs` (default 5 s) and whenever kicked; a pass runs again at once while batches come back full. */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { config, pollIntervalMs = 5_000, ...rest } = options;
  let transport = options.transport;
  const ownTransport = !transport;
  if (!transport) {
    if (!config.smtpUrl) throw new Error('No SMTP server: set SMTP_URL, start the mail catcher, or pass a transport.');
    transport = createMailTransport(config.smtpUrl);
  }
  const logger = options.logger.child({ component: 'outbox' });
  const processOptions: ProcessOutboxOptions = { verp: config, attachmentStorage: attachmentStorage(config), ...rest, logger, transport };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), pollIntervalMs);
    timer.unref();
  };

  const pass = async (): Promise<void> => {
    do {
      again = false;
      try {
        // A backlog (mail queued while the relay was down, alerts that fell due at once) drains at the
        // relay's pace, a batch after another, not one batch per poll interval (50 every 5 s before).
        if ((await processOutbox(processOptions)).more) again = true;
      } catch (error) {
        logger.error({ err: describeError(error) }, 'outbox pass failed');
      }
    } while (again && !stopped);
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      // If the pass had already made its last loop check, the kick's pass is the next run: wait for it too.
      const current = running;
      return current.then(() => (running && running !== current ? running : undefined));
    }
    running = pass().finally(() => {
      running = undefined;
      // A kick that arrived after the last loop check still gets its pass.
      if (again && !stopped) void run();
      else schedule();
    });
    return running;
  };

  schedule();
  void run();

  return {
    kick: () => (stopped ? Promise.resolve() : run()),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (ownTransport) transport.close();
    },
  };
}
