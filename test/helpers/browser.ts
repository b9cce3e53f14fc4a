/**
 * Browser tests: Debian's Chromium driven by playwright-core, the page scripts built
 * when they are missing or older than client/, people signed in through the real form,
 * page errors collected, screenshots under test-results/e2e/, and axe-core (read from
 * node_modules, never a CDN) run in the page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { projectRoot, publicDir } from '../../server/lib/paths.js';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = path.join(projectRoot, 'test-results', 'e2e');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM.`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
}

function newestMtime(dir: string, test: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, test));
    else if (test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The pages load `/static/js/<page>.page.js`, built from client/ by `npm run build`
 * (git-ignored). Builds them with `scripts/build.mjs --client` when
 * one is missing or older than a client source file.
 */
export async function ensureClientBundles(): Promise<void> {
  const clientDir = path.join(projectRoot, 'client');
  const outDir = path.join(publicDir, 'js');
  const entries = readdirSync(clientDir).filter((f) => f.endsWith('.page.ts'));
  const sourcesAt = newestMtime(clientDir, (name) => name.endsWith('.ts'));
  const stale = entries.some((entry) => {
    const bundle = path.join(outDir, entry.replace(/\.ts$/, '.js'));
    return !existsSync(bundle) || statSync(bundle).mtimeMs < sourcesAt;
  });
  if (!stale) return;
  // The project's own build, so tests load exactly what `npm start` serves.
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), '--client'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the browser modules failed (see above)');
}

export interface StaffSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors, prefixed with who saw them. */
  errors: string[];
}

/** Records uncaught exceptions and console errors of a page (and of the pages opened after it in its context). */
export function collectErrors(page: Page, who: string, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`${who}: uncaught ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${who}: console ${message.text()}`);
  });
}

/**
 * Errors worth failing a test for. A refused request (409 stale version, 404 once a
 * ticket left one's reach) is logged by Chromium as "Failed to load resource": those are
 * answers the pages handle, so they are left out.
 */
export function unexpectedErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (404|409)/.test(e));
}

/** A fresh browser context, signed in through the sign-in form; the page ends on the person's home (queue, or board for a supervisor). */
export async function signIn(browser: Browser, base: string, email: string, password: string, options: BrowserContextOptions = {}): Promise<StaffSession> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE', ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const errors: string[] = [];
  context.on('page', (page) => collectErrors(page, email, errors));
  const page = await context.newPage();
  await page.goto(`${base}/staff/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  // Where the person's work is: the queue, the board (supervisors), the administration (administrators).
  await Promise.all([page.waitForURL(/\/staff\/(queue|board|admin)/), page.click('button[type=submit]')]);
  return { context, page, errors };
}

/** Waits until the page's socket is connected (client/lib/live.ts sets the state on `#live-status`). */
export async function waitLive(page: Page, timeout = 10_000): Promise<void> {
  await page.locator('#live-status[data-state="online"]').waitFor({ state: 'visible', timeout });
}

/**
 * Loads a live page (queue, board, ticket) and waits until its socket is connected and
 * the snapshot the page fetches on connecting (`/snapshot` for lists, `/parts` for a
 * ticket) has arrived: from then on every change reaches the page as a live update,
 * not mixed up with that first refresh.
 */
export async function gotoLive(page: Page, url: string, timeout = 15_000): Promise<void> {
  const synced = page.waitForResponse((res) => /\/(snapshot|parts)$/.test(new URL(res.url()).pathname), { timeout });
  await page.goto(url);
  await waitLive(page, timeout);
  await synced;
}

let shotDir = screenshotDir;
let shotNumber = 0;
/** Screenshots of this test file go to test-results/e2e/<folder>/, emptied first (it shows the last run only). */
export function useScreenshotFolder(folder: string): void {
  shotDir = path.join(screenshotDir, folder);
  rmSync(shotDir, { recursive: true, force: true });
  shotNumber = 0;
}

/** Saves a screenshot (numbered in the order taken) and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(shotDir, { recursive: true });
  shotNumber += 1;
  const file = path.join(shotDir, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Starts a clock in the page: the moment (`Date.now()`, the same clock as the test's)
 * an element matching `selector`, containing `text` when given, first exists. A
 * MutationObserver checks at every change, so the time is the DOM change itself, not a
 * polling tick. `seenAt()` waits for it (auto-waiting, bounded) and returns it.
 */
export async function startAppearanceClock(page: Page, selector: string, text?: string): Promise<{ seenAt(timeout?: number): Promise<number> }> {
  const key = `__seen_${Math.random().toString(36).slice(2)}`;
  // No named function inside: tsx compiles them with a `__name` helper the page does not have.
  await page.evaluate(
    ({ key, selector, text }) => {
      const store = window as unknown as Record<string, number | undefined>;
      if ([...document.querySelectorAll(selector)].some((el) => text === null || (el.textContent ?? '').includes(text))) {
        store[key] = Date.now();
        return;
      }
      const observer = new MutationObserver(() => {
        if (![...document.querySelectorAll(selector)].some((el) => text === null || (el.textContent ?? '').includes(text))) return;
        store[key] = Date.now();
        observer.disconnect();
      });
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true });
    },
    { key, selector, text: text ?? null },
  );
  return {
    async seenAt(timeout = 10_000) {
      const handle = await page.waitForFunction((k) => (window as unknown as Record<string, number | undefined>)[k], key, { timeout });
      const at = await handle.jsonValue();
      await handle.dispose();
      if (typeof at !== 'number') throw new Error(`no time recorded for ${selector}`);
      return at;
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const axeSource = (): string => readFileSync(path.join(projectRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page. The pages' CSP allows no inline script, so axe is not added
 * as a `<script>`: `page.evaluate` runs it through the DevTools protocol, which the CSP
 * does not govern.
 */
export async function runAxe(page: Page, tags: string[] = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  return page.evaluate(async (runOnly) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe;
    const result = await axe.run(document, { runOnly });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.map(String).join(' ')} — ${n.failureSummary ?? ''}`.replace(/\s+/g, ' ')),
    }));
  }, tags);
}
