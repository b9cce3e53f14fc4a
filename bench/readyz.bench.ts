/**
 * `GET /readyz` through the whole Relais middleware stack (request id, pino-http, helmet,
 * cookies, locale, body parsers, static files, router) against a bare `node:http` server
 * that does the same database ping on the same Mongoose connection. The difference is
 * what the stack costs on the cheapest request that still touches the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../server/db/connection.js';
import { createLogger } from '../server/lib/logger.js';
import '../server/models.js';
import { benchDatabaseUri, listenLocal, loadTest, type BenchResult } from './lib.js';

const load = { connections: 10, warmupSeconds: 1, seconds: 5 };

/** The baseline: nothing but routing on the URL, the ping, and the same JSON answer. */
function bareServer(): http.Server {
  return http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/readyz') {
      res.writeHead(404).end();
      return;
    }
    const db = mongoose.connection.db;
    const ping = db ? db.admin().ping() : Promise.reject(new Error('not connected'));
    ping.then(
      () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ status: 'ready', database: 'ok' }));
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ status: 'unavailable', database: 'not answering' }));
      },
    );
  });
}

export async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-readyz-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'x'.repeat(40),
    CSRF_SECRET: 'y'.repeat(40),
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ level: 'silent' });

  await connectDatabase(await benchDatabaseUri(), `bench_readyz_${randomBytes(4).toString('hex')}`);
  const servers: Array<{ close: () => Promise<void> }> = [];
  try {
    await ensureIndexes();
    const bare = await listenLocal(bareServer());
    servers.push(bare);
    const relais = await listenLocal(http.createServer(createApp({ config, logger })));
    servers.push(relais);

    // Baseline first, then Relais, each with its own warm-up.
    const baseline = await loadTest(`${bare.url}/readyz`, load);
    const measured = await loadTest(`${relais.url}/readyz`, load);

    const benchmark = 'GET /readyz';
    return [
      {
        benchmark,
        metric: 'requests/s',
        unit: 'req/s',
        relais: measured.requestsPerSecond,
        baseline: baseline.requestsPerSecond,
        higherIsBetter: true,
        goal: 0.8,
      },
      { benchmark, metric: 'p50 latency', unit: 'ms', relais: measured.p50Ms, baseline: baseline.p50Ms, higherIsBetter: false },
      { benchmark, metric: 'p99 latency', unit: 'ms', relais: measured.p99Ms, baseline: baseline.p99Ms, higherIsBetter: false, goal: 0.8 },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
