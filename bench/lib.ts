/**
 * Shared pieces of the benchmark harness: the result type every `*.bench.ts` returns,
 * one embedded database for the whole run, an HTTP load helper and the table printer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded.js';
import { projectRoot } from '../server/lib/paths.js';

/** One measured metric, Relais against a baseline doing the same work with less around it. */
export interface BenchResult {
  benchmark: string;
  metric: string;
  unit: string;
  relais: number;
  baseline: number;
  /** Decides the ratio's direction, so that a ratio above 1 always means "Relais did better". */
  higherIsBetter: boolean;
  /** Smallest acceptable ratio (e.g. 0.8 for "at least 80 % of the baseline"); informational only. */
  goal?: number;
}

/** The exports the runner expects from a `bench/*.bench.ts` file. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** relais/baseline when higher is better, baseline/relais otherwise: above 1 is better for Relais. */
export function ratioOf(result: BenchResult): number {
  const [num, den] = result.higherIsBetter ? [result.relais, result.baseline] : [result.baseline, result.relais];
  return den === 0 ? Number.NaN : num / den;
}

/** The p-th percentile (0–100) of a list of numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

let database: Promise<{ embedded: EmbeddedDatabase; dir: string }> | undefined;

/**
 * Starts the embedded FerretDB (SQLite files in a temporary folder, as users run it) on first call and returns its URI; later calls
 * reuse it, so every bench of a run shares one server. `stopBenchDatabase` ends it.
 */
export async function benchDatabaseUri(): Promise<string> {
  database ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-db-'));
    const embedded = await startEmbeddedDatabase({
      toolsDir: path.join(projectRoot, '.relais', 'bin'),
      dataDir: dir,
      startTimeoutMs: 60_000,
    });
    return { embedded, dir };
  })();
  return (await database).embedded.uri;
}

/** The process id of the bench's database (started by `benchDatabaseUri`). */
export async function benchDatabasePid(): Promise<number | undefined> {
  return database ? (await database).embedded.pid : undefined;
}

export async function stopBenchDatabase(): Promise<void> {
  if (!database) return;
  const started = database;
  database = undefined;
  const { embedded, dir } = await started;
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Listens on a free loopback port; the returned `close` also drops keep-alive connections. */
export async function listenLocal(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export interface LoadOptions {
  connections?: number;
  warmupSeconds?: number;
  seconds?: number;
}

export interface LoadSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/**
 * Loads one URL with autocannon: a discarded warm-up, then a timed run. The client runs in
 * a worker thread so it does not share the server's event loop. Any error or non-2xx answer
 * throws, because a rate of failures is not a rate of work.
 */
export async function loadTest(url: string, options: LoadOptions = {}): Promise<LoadSummary> {
  const connections = options.connections ?? 10;
  const base = { url, connections, workers: 1 };
  await autocannon({ ...base, duration: options.warmupSeconds ?? 1 });
  const result = await autocannon({ ...base, duration: options.seconds ?? 5 });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers out of ${result.requests.total} requests`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

/** One HTTP request for `runRequests`: a path on the base URL, headers and an optional body. */
export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** How one request went: status (0 for a network error), time to the whole answer in ms, and the answer's text. */
export interface RequestOutcome {
  status: number;
  ms: number;
  body: string;
}

export interface RequestsOptions {
  /** Requests in flight at once (a sliding window over the list, in order). */
  concurrency: number;
  /** Stop starting new requests after this many seconds; outcomes then cover only those started. */
  maxSeconds?: number;
}

export interface RequestsSummary {
  /** One per request started, in the order of the list. */
  outcomes: RequestOutcome[];
  /** Wall time from the first start to the last answer. */
  seconds: number;
}

// Plain JavaScript run in a worker thread: node:http on kept-alive connections with a bounded window,
// timed with performance.now(). Not fetch: the client shares this machine's two cores with the server
// and its database, and fetch (undici) spent about 3.5 ms of CPU a request in the creation bench,
// half the process's CPU, which the raw-driver baseline never pays.
const requestWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { baseUrl, requests, concurrency, maxMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const outcomes = new Array(requests.length);
let next = 0;
const started = performance.now();
function send(r) {
  return new Promise((resolve, reject) => {
    const headers = Object.assign({}, r.headers);
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
    const req = http.request(baseUrl + r.path, { method: r.method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}
async function lane() {
  while (next < requests.length && performance.now() - started < maxMs) {
    const i = next++;
    const r = requests[i];
    const t0 = performance.now();
    try {
      const { status, body } = await send(r);
      outcomes[i] = { status, ms: performance.now() - t0, body };
    } catch (error) {
      outcomes[i] = { status: 0, ms: performance.now() - t0, body: String(error && error.cause || error) };
    }
  }
}
Promise.all(Array.from({ length: concurrency }, lane)).then(() => {
  agent.destroy();
  parentPort.postMessage({ outcomes: outcomes.filter(Boolean), seconds: (performance.now() - started) / 1000 });
});
`;

/**
 * Sends a list of distinct requests (e.g. one per ticket) from a worker thread, so the client
 * does not share the server's event loop, keeping `concurrency` in flight. Unlike `loadTest`,
 * every answer is returned, whatever its status: the caller decides what counts as work.
 */
export async function runRequests(baseUrl: string, requests: readonly RequestSpec[], options: RequestsOptions): Promise<RequestsSummary> {
  const worker = new Worker(requestWorkerSource, {
    eval: true,
    workerData: { baseUrl, requests, concurrency: options.concurrency, maxMs: (options.maxSeconds ?? Number.POSITIVE_INFINITY) * 1000 },
  });
  try {
    return await new Promise<RequestsSummary>((resolve, reject) => {
      worker.once('message', (summary: RequestsSummary) => resolve(summary));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`request worker exited with code ${code} before answering`)));
    });
  } finally {
    await worker.terminate();
  }
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  // Whole numbers stay whole: autocannon's latencies are whole milliseconds, and "8.00 ms" would claim a precision it lacks.
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** Renders results as a plain-text table (one per bench file). */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'metric', 'relais', 'baseline', 'ratio', 'goal', 'met'];
  const rows = results.map((r) => {
    const ratio = ratioOf(r);
    const unit = r.unit ? ` ${r.unit}` : '';
    return [
      r.benchmark,
      `${r.metric} (${r.higherIsBetter ? 'higher' : 'lower'} is better)`,
      `${formatNumber(r.relais)}${unit}`,
      `${formatNumber(r.baseline)}${unit}`,
      `${Number.isFinite(ratio) ? ratio.toFixed(2) : '–'}×`,
      r.goal === undefined ? '' : `≥ ${Number(r.goal.toFixed(2))}×`,
      r.goal === undefined ? '' : ratio >= r.goal ? 'yes' : 'no',
    ];
  });
  const numeric = new Set([2, 3, 4]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
