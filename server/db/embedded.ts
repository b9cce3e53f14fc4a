/**
 * The embedded database: FerretDB v1.24.2 (MongoDB wire protocol, SQLite storage),
 * run by the project's own small Go launcher in `tools/ferretdb/`. It is built with
 * `go build` on first use into the tools folder, started as a child process on a free
 * loopback port, and stopped with its parent: the launcher watches its standard input,
 * so even a parent killed with SIGKILL leaves no database behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { ensureGoBinary, GoBuildError } from './go-build.js';
import type { Logger } from '../lib/logger.js';
import { toolsSourceDir } from '../lib/paths.js';

const launcherSource = path.join(toolsSourceDir, 'ferretdb');
const binaryName = 'relais-ferretdb';

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

/**
 * Returns the path of the launcher binary, building it first when it is missing or its sources
 * changed (any `.go` file, `go.mod`, `go.sum`, or a patch in `patches/`). A failed build throws with Go's own output.
 */
export async function ensureFerretBinary(toolsDir: string, logger?: Logger): Promise<string> {
  try {
    return await ensureGoBinary(
      // patches/serialize-writes.patch: one write at a time reaches SQLite, handed over without SQLite's busy sleeps.
      { sourceDir: launcherSource, binaryName, label: 'the embedded database (FerretDB 1.24.2)', patchedModule: 'github.com/FerretDB/FerretDB' },
      toolsDir,
      logger,
    );
  } catch (error) {
    if (error instanceof GoBuildError) throw new EmbeddedDatabaseError(error.message);
    throw error;
  }
}

/** The lowest port the kernel hands out by itself (Linux's default where /proc does not say). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/**
 * A free loopback port below the kernel's ephemeral range. A server given this port may bind it late
 * (Relais binds its own once the working set is ready, 20 s at 100,000 tickets); a port from the
 * ephemeral range could meanwhile be taken by any listener on port 0, its own mail catcher included.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const below = Math.max(10_001, ephemeralLow());
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface EmbeddedDatabase {
  readonly uri: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  toolsDir: string;
  /** SQLite folder; each database is one `<name>.sqlite` file in it. */
  dataDir: string;
  logger?: Logger;
  startTimeoutMs?: number;
  /** Ports the database must not take: the ones Relais itself is about to listen on (the kernel may hand them out, they are free until then). */
  avoidPorts?: readonly number[];
}

async function pingUntilReady(uri: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new EmbeddedDatabaseError('exited during start');
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new EmbeddedDatabaseError(`did not answer in time (${String(lastError)})`);
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Builds (if needed) and starts the embedded FerretDB, and resolves once it answers a ping.
 * Retries on another port if the chosen one was taken in the meantime.
 */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await ensureFerretBinary(options.toolsDir, options.logger);
  const sqliteDir = path.resolve(options.dataDir);
  mkdirSync(sqliteDir, { recursive: true, mode: 0o700 });

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let port = await freePort();
    while (options.avoidPorts?.includes(port)) port = await freePort();
    const args = ['-listen', `127.0.0.1:${port}`, '-dir', sqliteDir, '-watch-stdin', '-log-level', 'error'];
    const child = spawn(binary, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
      for (const line of chunk.split('\n')) if (line.trim() && !line.includes('listening on')) options.logger?.warn({ component: 'ferretdb' }, line.trim());
    });
    // The launcher exits when this pipe closes; never let it keep our event loop alive.
    child.stdin?.on('error', () => undefined);
    const uri = `mongodb://127.0.0.1:${port}/`;
    try {
      await pingUntilReady(uri, child, Date.now() + (options.startTimeoutMs ?? 30_000));
    } catch (error) {
      child.kill('SIGKILL');
      lastError = new EmbeddedDatabaseError(`The embedded database ${(error as Error).message}.\n${stderr.trim()}`);
      if (stderr.includes('address already in use')) continue;
      throw lastError;
    }
    options.logger?.info({ port, dataDir: sqliteDir }, 'embedded database ready');
    child.unref();
    for (const stream of [child.stdin, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    return {
      uri,
      pid: child.pid,
      async stop() {
        child.stdin?.end();
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 2000);
        }
      },
    };
  }
  throw lastError ?? new EmbeddedDatabaseError('The embedded database could not start.');
}
