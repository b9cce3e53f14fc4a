/**
 * The search engine of the embedded default: `tools/search/` (bleve), built with Go on first use
 * like the database's launcher, started as a child process with its index under the data folder.
 *
 * It listens on a loopback port it picks itself and prints it; every request must carry a secret
 * made for this start and handed over on its standard input (never on the command line, which any
 * local user can read). It watches that pipe, so it stops with its parent, even after SIGKILL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureGoBinary } from '../db/go-build.js';
import type { Logger } from '../lib/logger.js';
import { toolsSourceDir } from '../lib/paths.js';

export const searchProgram = { sourceDir: path.join(toolsSourceDir, 'search'), binaryName: 'relais-search', label: 'the search engine (bleve)' };

export class SearchProcessError extends Error {
  override name = 'SearchProcessError';
}

export interface SearchProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly secret: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface SearchProcessOptions {
  toolsDir: string;
  /** Index folder (`<DATA_DIR>/search`). */
  indexDir: string;
  logger?: Logger;
  startTimeoutMs?: number;
}

/** Builds (if needed) and starts the search engine; resolves once it listens. */
export async function startSearchProcess(options: SearchProcessOptions): Promise<SearchProcess> {
  const binary = await ensureGoBinary(searchProgram, options.toolsDir, options.logger);
  const dir = path.resolve(options.indexDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  const child = spawn(binary, ['-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${secret}\n`);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
    for (const line of chunk.split('\n')) if (line.trim()) options.logger?.warn({ component: 'search' }, line.trim());
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new SearchProcessError('The search engine did not start in time.')), options.startTimeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const found = /^listening (127\.0\.0\.1:\d+)$/m.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => fail(new SearchProcessError(`The search engine exited during start (code ${String(code)}).\n${stderr.trim()}`)));
  });
  child.removeAllListeners('exit');
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  options.logger?.info({ address, indexDir: dir }, 'search engine ready');
  return {
    url: `http://${address}`,
    secret,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
