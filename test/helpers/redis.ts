/**
 * A real `redis-server` (the Debian package) for one test file: a free loopback port,
 * nothing written to disk, stopped by `stop()` (and killed if the test process exits
 * first, so none is left behind).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../../server/db/embedded.js';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

const redisBinary = process.env.REDIS_SERVER ?? 'redis-server';

/** Sends PING on a fresh connection; true when the answer is +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts redis-server and resolves once it answers PING; on another port when another process took the chosen one meanwhile. */
export async function startRedis(timeoutMs = 10_000): Promise<TestRedis> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startRedisOn(await freePort(), timeoutMs);
    } catch (error) {
      if (attempt >= 3 || !/already in use/i.test((error as Error).message)) throw error;
    }
  }
}

async function startRedisOn(port: number, timeoutMs: number): Promise<TestRedis> {
  const child = spawn(redisBinary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = ''; // redis-server logs to stdout, "Address already in use" included
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + timeoutMs;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      process.off('exit', killOnExit);
      throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || 'no answer to PING'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The answer may have come from another process's redis on that port, ours then failing to bind: look again.
  await new Promise((r) => setTimeout(r, 100));
  if (child.exitCode !== null) {
    process.off('exit', killOnExit);
    throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || 'it exited'}`);
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
      if (!(await exited(child, 3_000))) {
        child.kill('SIGKILL');
        await exited(child, 3_000);
      }
    },
  };
}
