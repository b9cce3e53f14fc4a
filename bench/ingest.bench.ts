/**
 * Inbound mail throughput over one SMTP session, on the embedded database (issue 13).
 *
 * Relais: 200 messages sent back to back over one SMTP connection (nodemailer, as an MTA delivers)
 * to the SMTP receiver. Two rows against the same baseline:
 * - **accepted**: until the last 250, i.e. every message durably stored (on disk in the receiver's
 *   spool file, synced; what the sending MTA waits for; goal ≥ 0.5×). That a 250 means stored, and that what is stored is processed after a crash,
 *   is what test/integration/inbound.*.test.ts prove; here every message must end as a ticket.
 * - **to ticket**: until the last ticket exists, each message stored, parsed, classified and turned
 *   into a ticket with its acknowledgement in the outbox (no goal: the cost of the whole work).
 * Baseline: the same messages through the same client to a bare smtp-server that accepts and
 * discards them, also over one session; measured before and after Relais, the mean is used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../server/db/connection.js';
import { createLogger } from '../server/lib/logger.js';
import { createInboundPipeline } from '../server/mail/inbound/pipeline.js';
import { startInboundSmtp } from '../server/mail/inbound/smtp-receiver.js';
import { registerTicketEnrichers } from '../server/enrichers.js';
import '../server/models.js';
import { OfficeModel } from '../server/offices/office.model.js';
import { TeamModel } from '../server/teams/team.model.js';
import { TicketModel } from '../server/tickets/ticket.model.js';
import { clearRoutingCache } from '../server/routing/routing.service.js';
import { benchDatabaseUri, type BenchResult } from './lib.js';

const messages = 200;

function message(i: number): string {
  return [
    `From: Membre ${i} <membre${i}@bench.example>`,
    'To: support@relais.bench',
    `Subject: Question numéro ${i} sur ma fiche de paie`,
    `Message-ID: <bench-${i}-${Date.now()}@bench.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Bonjour,\nLe montant net de ma fiche de paie de mars ne correspond pas à mes prestations (${i}).\nMerci de vérifier.\nMarie`,
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Bonjour,</p><p>Le montant net de ma fiche de paie de mars ne correspond pas à mes prestations (${i}).</p><p>Merci de vérifier.<br>Marie</p>`,
    '--alt--',
    '',
  ].join('\r\n');
}

/** One SMTP session: one connection, each message sent once the previous one was answered. */
async function sendOnOneSession(port: number, raws: readonly string[]): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 1,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  try {
    for (const [i, raw] of raws.entries()) {
      const info = await transport.sendMail({ envelope: { from: `membre${i}@bench.example`, to: ['support@relais.bench'] }, raw });
      if (!/^250/.test(info.response)) throw new Error(`message ${i} answered ${info.response}`);
    }
  } finally {
    transport.close();
  }
}

async function baseline(raws: readonly string[]): Promise<number> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  await sendOnOneSession(port, raws.slice(0, 10));
  const started = performance.now();
  await sendOnOneSession(port, raws);
  const seconds = (performance.now() - started) / 1000;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return raws.length / seconds;
}

export async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-ingest-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-jwt-secret-0123456789-abcdefghijkl',
    CSRF_SECRET: 'bench-csrf-secret-0123456789-abcdefghijk',
    MAIL_FROM: 'Relais <support@relais.bench>',
    INBOUND_SMTP_PORT: '0',
  });
  const logger = createLogger({ level: 'silent' });
  await connectDatabase(await benchDatabaseUri(), `bench_ingest_${Date.now()}`);
  await ensureIndexes();
  clearRoutingCache();
  const stopEnrichers = registerTicketEnrichers({ mail: config });
  try {
    const office = await OfficeModel.create({ code: 'bench', name: 'Bench', isDefault: true });
    await TeamModel.create({ code: 'bench-conseil', name: 'Conseil Bench', tier: 1, office: office._id });
    await TeamModel.create({ code: 'bench-soutien', name: 'Soutien', tier: 2 });
    await TeamModel.create({ code: 'bench-admin', name: 'Administratif', tier: 3 });
    const raws = Array.from({ length: messages }, (_, i) => message(i));
    const warm = Array.from({ length: 10 }, (_, i) => message(10_000 + i));

    const bareBefore = await baseline(raws);
    const pipeline = createInboundPipeline({ config, logger });
    const receiver = await startInboundSmtp({ config, pipeline, logger });
    await sendOnOneSession(receiver.port, warm);
    await receiver.idle();
    const before = await TicketModel.countDocuments();
    const started = performance.now();
    await sendOnOneSession(receiver.port, raws);
    const acceptedSeconds = (performance.now() - started) / 1000;
    await receiver.idle();
    const processedSeconds = (performance.now() - started) / 1000;
    const made = (await TicketModel.countDocuments()) - before;
    await receiver.stop();
    if (made !== messages) throw new Error(`expected ${messages} tickets, got ${made}`);
    const bare = (bareBefore + (await baseline(raws))) / 2;
    return [
      {
        benchmark: 'ingest',
        metric: `SMTP accepted (250, stored), ${messages} messages, one session`,
        unit: 'msg/s',
        relais: messages / acceptedSeconds,
        baseline: bare,
        higherIsBetter: true,
        goal: 0.5,
      },
      {
        benchmark: 'ingest',
        metric: `SMTP → ticket with acknowledgement, ${messages} messages, one session`,
        unit: 'msg/s',
        relais: messages / processedSeconds,
        baseline: bare,
        higherIsBetter: true,
      },
    ];
  } finally {
    stopEnrichers();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
