/**
 * The start-up every browser test shares, written once: Relais in its own process on a fresh data
 * folder with demo data (server-process.ts), Chromium launched beside it (browser.ts), and after the
 * file both stopped and the folder removed. `useE2eServer` registers the mocha hooks in the
 * `describe` that calls it, so call it before the file's own hooks: they then run once the server
 * answers, and the file's `after` once it is gone.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths.js';
import { ensureClientBundles, launchBrowser, signIn, useScreenshotFolder, type StaffSession } from './browser.js';
import { startOnFreePort, stopServer, type RunningServer } from './server-process.js';

/** A fresh data folder, in memory (/dev/shm) where the machine has it. */
export function e2eDataDir(prefix: string): string {
  return mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), prefix));
}

/** Copies a screenshot into docs/screenshots/ under `name`, only when RELAIS_DOC_SCREENSHOTS is set (a test run leaves the tree clean). */
export function keepForDocs(file: string, name: string): void {
  if (process.env.RELAIS_DOC_SCREENSHOTS) copyFileSync(file, path.join(projectRoot, 'docs', 'screenshots', name));
}

export interface E2eServerOptions {
  /** The folder of this file's screenshots under test-results/e2e/ (emptied first). */
  screenshots: string;
  /** The start of the data folder's name (`relais-e2e-…-`). */
  dataPrefix: string;
  /** The demo accounts' password (DEMO_PASSWORD). */
  password: string;
  demoTickets: number;
  /** PUBLIC_URL set to the server's own address (the links in mail and pages point at it). */
  publicUrl?: boolean;
  /** More environment, read when the server starts (after the hooks registered before this call). */
  env?: () => Record<string, string>;
}

export interface E2eServer {
  /** `http://127.0.0.1:<port>`, once the server started. */
  readonly base: string;
  readonly server: RunningServer | undefined;
  /** The browser; throws when it did not start. */
  browser(): Browser;
  /** A fresh context signed in through the sign-in form (browser.ts `signIn`), with the demo password. */
  signIn(email: string, options?: BrowserContextOptions): Promise<StaffSession>;
  /** A bearer token for a demo account, through the API's login. */
  token(email: string): Promise<string>;
}

/**
 * Starts the server and the browser before the file's tests, stops both after them. On a failed
 * test whose server has exited, prints the end of its output.
 */
export function useE2eServer(options: E2eServerOptions): E2eServer {
  let base = '';
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;

  before(async function () {
    this.timeout(240_000);
    useScreenshotFolder(options.screenshots);
    await ensureClientBundles();
    // Server and browser start together; both are kept as soon as they exist, so `after` stops them even when the other failed.
    const launching = launchBrowser().then((b) => (browser = b));
    launching.catch(() => undefined); // awaited below; this only avoids an "unhandled rejection" meanwhile
    const started = await startOnFreePort(
      (port) => {
        // A fresh folder for each attempt: a start that found its port taken may have seeded the last one.
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        dataDir = e2eDataDir(options.dataPrefix);
        return {
          PORT: String(port),
          ...(options.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
          DATA_DIR: dataDir,
          DEMO_PASSWORD: options.password,
          DEMO_TICKETS: String(options.demoTickets),
          ...options.env?.(),
        };
      },
      { ms: 200_000, onSpawn: (spawned) => (server = spawned) },
    );
    const running = started.server;
    base = `http://127.0.0.1:${started.port}`;
    if (running.child.exitCode !== null) throw new Error(`the server exited:\n${running.output()}`);
    await launching;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server && server.child.exitCode !== null) console.log(`the server exited:\n${server.output().slice(-3000)}`);
  });

  after(async function () {
    this.timeout(30_000);
    // Closing the browser closes every context the tests opened in it.
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const e2e: E2eServer = {
    get base() {
      return base;
    },
    get server() {
      return server;
    },
    browser() {
      if (!browser) throw new Error('no browser');
      return browser;
    },
    signIn(email, contextOptions = {}) {
      return signIn(e2e.browser(), base, email, options.password, contextOptions);
    },
    async token(email) {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: options.password }),
      });
      return ((await res.json()) as { token: string }).token;
    },
  };
  return e2e;
}
