/**
 * Starts Relais: configuration, database (embedded FerretDB unless MONGODB_URI is
 * set), indexes, demo data, HTTP; and stops it all gracefully on SIGTERM/SIGINT.
 */
import { resumeMerges } from './tickets/ticket.merge.js';
import { resumeErasures } from './privacy/member-erasure.js';
import { startErasureWatch } from './privacy/erasure-watch.js';
import http from 'node:http';
import path from 'node:path';
import { createApp } from './app.js';
import { loadConfig, loadDotEnv, type Config } from './config.js';
import { ConfigError } from './config.problems.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from './db/connection.js';
import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { seedDemoData, type DemoSeedResult } from './demo/demo.seed.js';
import { createLogger, type Logger } from './lib/logger.js';
import { startMailCatcher, type MailCatcher } from './mail/catcher.js';
import { backfillOutboxDue, createMailTransport } from './mail/outbox.js';
import { startOutboxWorker, type OutboxWorker } from './mail/outbox-worker.js';
import { startLinkRequestWorker } from './mail/member-link-mail.js';
import { startUnlockRequestWorker } from './mail/staff-unlock-mail.js';
import { startPasswordChangedMail } from './mail/password-changed-mail.js';
import { startPasswordLinkWorker } from './mail/password-link-mail.js';
import { systemResolver } from './mail/inbound/authentication.js';
import { startImapIntake } from './mail/inbound/imap.js';
import { createInboundPipeline } from './mail/inbound/pipeline.js';
import { backfillHeldByTicket, backfillInboundHints } from './mail/inbound/inbound-hints.js';
import { backfillAddressMail } from './mail/address-mail.backfill.js';
import { startInboundSmtp, type InboundSmtp } from './mail/inbound/smtp-receiver.js';
import { attachRealtime, type Realtime } from './realtime/index.js';
import './models.js';
import { domainEvents } from './lib/domain-events.js';
import { backfillMemberEmails } from './members/member-lookup.js';
import { ensureSlaReasonCode } from './sla/actions.js';
import { startAutoAssignment } from './assignment/auto-assignment.js';
import { refreshOfficeModels, startOfficeModelRefresh } from './routing/office-models.js';
import type { OnlineSource } from './realtime/online.js';
import { startSlaScheduler } from './sla/scheduler.js';
import { startHousekeeping } from './housekeeping/housekeeping.js';
import { warmForecast } from './reports/forecast.board.js';
import { warmDoneDays } from './reports/done-days.js';
import { warmReportDays } from './reports/load.js';
import { workingSet } from './tickets/working-set.js';
import { firstDoneDay } from './tickets/ticket.keys.js';
import { withoutNotifications } from './tickets/ticket.journal.js';
import { registerTicketEnrichers } from './enrichers.js';
import { startWorkingSetSync, type WorkingSetSync } from './tickets/working-set.sync.js';
import { startSearch, type RunningSearch } from './search/search.start.js';

/** The database name when the URI does not carry one. */
function databaseName(uri: string | undefined): string | undefined {
  if (!uri) return 'relais';
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? undefined : 'relais';
}

function printBanner(config: Config, demo: DemoSeedResult | undefined, embedded: boolean, inboundSmtp: string | null): void {
  const lines = [
    '',
    `  Relais is running at ${config.publicUrl}`,
    `  Database: ${embedded ? `embedded FerretDB, data in ${path.join(config.dataDir, 'db')}` : 'MONGODB_URI'}`,
  ];
  if (inboundSmtp) lines.push(`  Incoming mail: SMTP on ${inboundSmtp}, for ${[config.inboundAddress, ...config.inbound.extraAddresses].join(', ')}`);
  if (!config.smtpUrl && config.env !== 'production')
    lines.push(`  Outgoing mail is caught locally: sign in as an administrator and open ${config.publicUrl}/staff/mail`);
  if (demo) {
    lines.push('', `  Demo accounts (password: ${demo.password})${demo.passwordGenerated ? '  — generated once, kept in the data folder' : ''}:`);
    for (const account of demo.accounts) lines.push(`    ${account.email.padEnd(34)} ${account.description}`);
    lines.push('', `  Demo data: ${demo.created ? `created ${demo.ticketCount} tickets` : `already present (${demo.ticketCount} tickets)`}`);
  }
  lines.push('', '  Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

function listen(server: http.Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable and its meaning.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger: Logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' && process.stdout.isTTY });
  domainEvents.setLogger(logger);
  // What every ticket change carries (SLA recompute, the mail it sends), before anything commits:
  // an interrupted creation finished at start still sends its acknowledgement.
  registerTicketEnrichers({ mail: config });

  let embedded: EmbeddedDatabase | undefined;
  const stopDatabase = async (): Promise<void> => {
    await disconnectDatabase().catch(() => undefined);
    await embedded?.stop();
  };

  try {
    let uri = config.mongodbUri;
    if (!uri) {
      embedded = await startEmbeddedDatabase({
        toolsDir: config.toolsDir,
        dataDir: path.join(config.dataDir, 'db'),
        logger,
        avoidPorts: [config.port, config.inbound.smtp.port],
      });
      uri = embedded.uri;
    }
    await connectDatabase(uri, databaseName(config.mongodbUri));
    await ensureIndexes();
    await ensureSlaReasonCode();
    const queued = await backfillOutboxDue();
    if (queued > 0) logger.info({ mails: queued }, 'marked the queued outgoing mail for the outbox worker');
    const keyed = await backfillMemberEmails();
    if (keyed > 0) logger.info({ members: keyed }, 'indexed member addresses for lookups by email');
    const hinted = await backfillInboundHints();
    if (hinted > 0) logger.info({ messages: hinted }, 'marked the pending and quarantined inbound mail with their hints');
    const held = await backfillHeldByTicket();
    if (held > 0) logger.info({ messages: held }, 'listed the mail held in quarantine under the tickets it cites');
    const addressed = await backfillAddressMail();
    if (addressed > 0) logger.info({ mails: addressed }, 'noted the addresses of the mail stored before, for erasure and export');
  } catch (error) {
    await stopDatabase();
    if (error instanceof EmbeddedDatabaseError) {
      process.stderr.write(`\n${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`\nCannot connect to the database: ${(error as Error).message}\nCheck MONGODB_URI, or unset it to use the embedded database.\n`);
    process.exit(1);
  }

  // Staff search (server/search), before anything commits (demo data, mail left pending, recovered
  // creations), so every change is marked and indexed: its engine, then the changes it missed while
  // stopped; a missing or outdated index is rebuilt from the database in the background. Search
  // failing to start leaves the rest up.
  let search: RunningSearch | undefined;
  if (config.search.engine !== 'off') {
    try {
      search = await startSearch({ engine: config.search.engine, toolsDir: config.toolsDir, indexDir: config.search.dir, logger });
    } catch (error) {
      logger.error({ err: error }, 'the search engine could not start: search is off until the next start');
    }
  }

  // Demo tickets are played through the real commands; their members get no mail.
  const demo = config.demoData ? await withoutNotifications(() => seedDemoData({ config, logger })) : undefined;

  // Outgoing mail: the configured SMTP server, or (outside production) a local catcher so the
  // whole flow works on one machine. Mail waits in the durable outbox until SMTP accepts it.
  let mailCatcher: MailCatcher | undefined;
  let outboxWorker: OutboxWorker | undefined;
  let smtpUrl = config.smtpUrl;
  if (!smtpUrl && config.env !== 'production') {
    mailCatcher = await startMailCatcher({ logger });
    smtpUrl = mailCatcher.url;
  }
  // One connection kept from message to message (a backlog drains at the exchange's pace, not the connection's).
  const mailTransport = smtpUrl ? createMailTransport(smtpUrl, { pool: true }) : undefined;
  if (mailTransport) outboxWorker = startOutboxWorker({ config, logger, transport: mailTransport });
  else logger.warn('SMTP_URL is not set: outgoing mail stays queued in the outbox until it is');
  // "Send me a link": the page answers at once; this worker looks the addresses up afterwards.
  const linkRequests = startLinkRequestWorker({ config, logger });
  // "Email me an unlock link" (a locked staff account): the same, for staff addresses.
  const unlockRequests = startUnlockRequestWorker({ config, logger });
  const stopPasswordChangedMail = startPasswordChangedMail({ config, logger });
  // Invitations and "forgot password" requests: links to set a password, mailed after the answer.
  const passwordLinks = startPasswordLinkWorker({ config, logger });

  // Incoming mail: the SMTP receiver (INBOUND_SMTP_PORT) and the IMAP mailboxes (IMAP_MAILBOXES)
  // feed one pipeline; messages a stop left pending are processed first. SMTP mail's SPF, DKIM and
  // DMARC are evaluated with the system's DNS while it is processed.
  const pipeline = createInboundPipeline({ config, logger, resolver: systemResolver() });
  void pipeline.recover().then(
    (n) => n > 0 && logger.info({ recovered: n }, 'processed inbound messages left pending by the last stop'),
    (error: unknown) => logger.error({ err: error }, 'could not process pending inbound messages'),
  );
  let inboundSmtp: InboundSmtp | undefined;
  if (config.inbound.smtp.port !== 0) {
    try {
      inboundSmtp = await startInboundSmtp({ config, pipeline, logger });
    } catch (error) {
      logger.warn(
        { err: error },
        `the SMTP receiver could not listen on ${config.inbound.smtp.host}:${config.inbound.smtp.port}; mail can still come through IMAP. Set INBOUND_SMTP_PORT to a free port (0 turns it off).`,
      );
    }
  }
  const imapIntake =
    config.imapMailboxes.length > 0
      ? startImapIntake({
          mailboxes: config.imapMailboxes,
          logger,
          handle: async (message) => {
            const box = config.imapMailboxes.find((m) => m.name === message.mailbox);
            const outcome = await pipeline.ingest({
              raw: message.raw,
              source: 'imap',
              mailbox: message.mailbox,
              truncated: message.truncated,
              routing: { category: box?.category, office: box?.office },
            });
            if (!outcome) throw new Error('the message was stored but has no outcome yet');
          },
        })
      : undefined;
  const stopMail = async (): Promise<void> => {
    await imapIntake?.stop();
    await inboundSmtp?.stop();
    await linkRequests.stop();
    await unlockRequests.stop();
    stopPasswordChangedMail();
    await passwordLinks.stop();
    await outboxWorker?.stop();
    mailTransport?.close();
    await mailCatcher?.stop();
  };

  // The pages and automatic assignment ask the live layer who is online (it starts just below).
  let realtime: Realtime | undefined;
  const online: OnlineSource = async () => (realtime ? realtime.onlineStaffIds() : null);
  const app = createApp({ config, logger, inbound: pipeline, online });
  const server = http.createServer(app);
  try {
    realtime = await attachRealtime({ httpServer: server, config, logger });
  } catch (error) {
    await stopMail();
    await stopDatabase();
    process.stderr.write(`\nCannot start the live layer: ${(error as Error).message}\nCheck REDIS_URL, or unset it to run one instance without Redis.\n`);
    process.exit(1);
  }
  // The open work in memory (tickets/working-set.ts), kept coherent across instances through Redis:
  // subscribed first, then read, so no change made meanwhile by another instance is missed.
  let workingSync: WorkingSetSync | undefined;
  try {
    if (config.redisUrl) workingSync = await startWorkingSetSync({ redisUrl: config.redisUrl, workingSet, logger });
    // Reading it also finishes the creations and replays the commits a crash interrupted.
    const rebuilt = await workingSet.rebuild();
    if (rebuilt.recovered > 0) logger.warn({ recovered: rebuilt.recovered }, 'finished ticket creations interrupted by the last stop');
    // Merges a stop interrupted (tickets/ticket.merge.ts): each step is done once, so finishing them is safe.
    const merges = await resumeMerges();
    if (merges > 0) logger.warn({ merges }, 'finished ticket merges interrupted by the last stop');
    // Member erasures a stop interrupted (privacy/member-erasure.ts): every step can run again.
    const erasures = await resumeErasures({ dataDir: config.dataDir, logger });
    if (erasures > 0) logger.warn({ erasures }, 'finished member erasures interrupted by the last stop');
    logger.info({ tickets: workingSet.size }, 'working set ready');
  } catch (error) {
    await realtime.close();
    await stopMail();
    await stopDatabase();
    process.stderr.write(`\nCannot read the open tickets: ${(error as Error).message}\n`);
    process.exit(1);
  }
  try {
    await listen(server, config);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    await realtime.close();
    await stopMail();
    await stopDatabase();
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(
        `\nPort ${config.port} on ${config.host} is already in use by another program.\nStop that program, or start Relais on another port, e.g. PORT=3001 npm start\n`,
      );
    } else if (err.code === 'EACCES') {
      process.stderr.write(`\nNot allowed to listen on ${config.host}:${config.port}. Use a port above 1024, e.g. PORT=3000.\n`);
    } else {
      process.stderr.write(`\nCannot listen on ${config.host}:${config.port}: ${err.message}\n`);
    }
    process.exit(1);
  }
  // Automatic assignment (teams in round-robin or least-loaded mode) and the offices' routing models.
  await refreshOfficeModels();
  const stopOfficeModels = startOfficeModelRefresh(10_000, (error) => logger.warn({ err: error }, "could not refresh the offices' routing models"));
  // The board's forecast reads weeks of history: read it now, in the background, not on the first board.
  const warming = Date.now();
  // Then the tickets done since the start of last month, which the comparison page's default reads (reports/done-days.ts),
  // and the tickets created since then, which the default report and comparison read (reports/day-facts.ts).
  void warmForecast(config.timeZone)
    .then(
      () => logger.info({ ms: Date.now() - warming }, 'forecast history ready'),
      (error: unknown) => logger.warn({ err: error }, 'could not read the forecast history'),
    )
    .then(async () => {
      const reading = Date.now();
      const tickets = (await warmDoneDays()) + (await warmReportDays());
      logger.info({ ms: Date.now() - reading, tickets }, 'report days ready');
      // Where the history lists stop: found once from the keys on a database from before it was kept.
      await firstDoneDay();
    })
    .catch((error: unknown) => logger.warn({ err: error }, 'could not read the report days since last month'));
  const stopAutoAssignment = startAutoAssignment({ events: domainEvents, logger, deps: { online } });
  // A ticket stored for a member whose erasure had already swept their tickets is erased as it is created.
  const erasureWatch = startErasureWatch({ dataDir: config.dataDir, logger, events: domainEvents });
  printBanner(config, demo, Boolean(embedded), inboundSmtp ? `${config.inbound.smtp.host}:${inboundSmtp.port}` : null);
  // SLA timers: alerts whose time passed while stopped fire now, once.
  const slaScheduler = startSlaScheduler({ config, logger });
  // Expired links, requests and sign-in counters (no TTL indexes on FerretDB): one instance a period.
  const housekeeping = startHousekeeping({ config, logger });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing them');
      server.closeAllConnections();
    }, config.shutdownTimeoutSeconds * 1000);
    force.unref();
    // Open WebSockets would keep server.close() waiting: close them first. Clients see a
    // transport close, reconnect (to another instance, or here after a restart) and resync.
    stopAutoAssignment();
    stopOfficeModels();
    await realtime.close();
    await workingSync?.close();
    // Stop accepting; keep-alive connections that are idle are closed now, busy ones when done.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    await slaScheduler.stop();
    await housekeeping.stop();
    await erasureWatch.stop();
    await search?.stop();
    await stopMail();
    await stopDatabase();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}

void main().catch((error: unknown) => {
  process.stderr.write(`Relais could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
