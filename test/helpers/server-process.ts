/**
 * Runs Relais as a user does (`server/index.ts` in its own process, on the embedded
 * database) for end-to-end tests, and waits for it to be ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../server/db/embedded.js';
import { projectRoot } from '../../server/lib/paths.js';

export interface RunningServer {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startServer(env: Record<string, string>): RunningServer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server', 'index.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', REPLY_MAIL_HOLD: '0s', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function waitFor(what: () => boolean, ms: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts a server on a port the kernel just called free, and again on another one when some other
 * process took it in between (the kernel hands out the same ports to outgoing connections): the
 * server then exits saying the port is in use. `envFor` builds the environment for a port;
 * `onSpawn` hears of each process as soon as it exists, so a caller's cleanup can stop one still
 * starting. `ms` bounds all attempts together. Resolves once the server printed its banner, or once
 * it exited for another reason (the caller looks).
 */
export async function startOnFreePort(
  envFor: (port: number) => Record<string, string>,
  options: { ms?: number; onSpawn?: (server: RunningServer) => void } = {},
): Promise<{ server: RunningServer; port: number }> {
  const deadline = Date.now() + (options.ms ?? 240_000);
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const server = startServer(envFor(port));
    options.onSpawn?.(server);
    try {
      await waitFor(
        () => server.output().includes('Press Ctrl-C to stop.') || server.child.exitCode !== null,
        Math.max(1_000, deadline - Date.now()),
        server.output,
      );
    } catch (error) {
      server.child.kill('SIGKILL'); // never leave a half-started server behind
      throw error;
    }
    if (server.child.exitCode !== null && attempt < 3 && server.output().includes(`Port ${port} on 127.0.0.1 is already in use`)) continue;
    return { server, port };
  }
}

export async function stopServer(server: RunningServer): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  return server.exited;
}
