/**
 * Measures the same row on every size of the scale bench in one interleaved loop: sample i of the
 * 1,000-ticket server, then of the 10,000, then of the 100,000, then sample i + 1 (each round starting
 * with the next size)… Each size runs its
 * own server at once (prepared and started one after the other: `alone`), and a row starts when every size still
 * running has reached it (`row`). The machine's moment (another process, a garbage collection, the
 * host) then falls on every size alike, so the growth ratio compares like with like. Measured one size
 * after the other, two runs of the same code differed by up to 2× on the fastest rows' p95.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { percentile } from '../lib.js';

export interface Sampled {
  p50: number;
  p95: number;
}

interface Arrival {
  party: number;
  count: number;
  task: (i: number) => Promise<void>;
  warmUp: boolean;
  gapMs: number;
  done: (result: Sampled) => void;
  fail: (error: unknown) => void;
}

export class Lockstep {
  private readonly active: Set<number>;
  private readonly waiting = new Map<string, Arrival[]>();
  private serial: Promise<void> = Promise.resolve();

  /**
   * `parties`: one per size, in the order their samples are taken. `settle` runs before each row
   * (by default: wait for the machine to be quiet) and says how long it waited.
   */
  constructor(
    parties: readonly number[],
    private readonly settle: () => Promise<{ ms: number; busy: number }> = quiet,
  ) {
    this.active = new Set(parties);
  }

  /**
   * Waits until no other party holds the machine alone (preparing its dataset, starting its server,
   * measuring its start-up), then holds it until the returned function is called.
   */
  async alone(): Promise<() => void> {
    let release: () => void = () => undefined;
    const before = this.serial;
    this.serial = new Promise<void>((r) => (release = r));
    await before;
    return release;
  }

  /**
   * Times `count` samples of `task` for `party`, interleaved with the other parties' samples of the
   * same row (`name`), each sample `gapMs` after the one before (not counted), after one warm-up each.
   */
  row(name: string, party: number, count: number, task: (i: number) => Promise<void>, warmUp = true, gapMs = 0): Promise<Sampled> {
    return new Promise<Sampled>((done, fail) => {
      const arrivals = this.waiting.get(name) ?? [];
      arrivals.push({ party, count, task, warmUp, gapMs, done, fail });
      this.waiting.set(name, arrivals);
      this.startReadyRows();
    });
  }

  /** A party that ended (finished or failed) is no longer waited for. */
  leave(party: number): void {
    this.active.delete(party);
    this.startReadyRows();
  }

  private startReadyRows(): void {
    for (const [name, arrivals] of this.waiting) {
      if (![...this.active].every((party) => arrivals.some((a) => a.party === party))) continue;
      this.waiting.delete(name);
      void interleave(
        name,
        this.settle,
        arrivals.sort((a, b) => a.party - b.party),
      );
    }
  }
}

/** The machine's busy and total CPU time so far (Linux `/proc/stat`; zeros elsewhere). */
function cpuTimes(): { busy: number; total: number } {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle and iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * Waits until the machine has been quiet (under 15 % of its CPUs busy) for a second, at most
 * `limitMs`: work the servers started in the background (indexing what an earlier step changed,
 * sending its mail, a garbage collection) ends before a row is timed. Says how long it waited.
 */
export async function quiet(limitMs = 60_000): Promise<{ ms: number; busy: number }> {
  const started = performance.now();
  let calm = 0;
  let busy = 0;
  while (performance.now() - started < limitMs) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 500));
    const b = cpuTimes();
    busy = b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
    calm = busy < 0.15 ? calm + 1 : 0;
    if (calm >= 2) break;
  }
  return { ms: performance.now() - started, busy };
}

async function interleave(name: string, settle: () => Promise<{ ms: number; busy: number }>, arrivals: Arrival[]): Promise<void> {
  const settled = await settle();
  if (settled.ms > 2_000)
    console.log(
      `  (${name}: waited ${(settled.ms / 1000).toFixed(1)} s for the machine to be quiet${settled.busy >= 0.15 ? `; still ${Math.round(settled.busy * 100)} % busy` : ''})`,
    );
  const times = new Map<Arrival, number[]>(arrivals.map((a) => [a, []]));
  const failed = new Set<Arrival>();
  const attempt = async (a: Arrival, i: number, timedRun: boolean) => {
    if (failed.has(a)) return;
    try {
      if (a.gapMs > 0) await new Promise((r) => setTimeout(r, a.gapMs));
      const started = performance.now();
      await a.task(i);
      if (timedRun) times.get(a)?.push(performance.now() - started);
    } catch (error) {
      failed.add(a);
      a.fail(error);
    }
  };
  for (const a of arrivals) if (a.warmUp) await attempt(a, -1, false);
  const rounds = Math.max(...arrivals.map((a) => a.count));
  // Each round starts with the next party, so none is always measured right after the same other.
  for (let i = 0; i < rounds; i += 1)
    for (let k = 0; k < arrivals.length; k += 1) {
      const a = arrivals[(i + k) % arrivals.length] as Arrival;
      if (i < a.count) await attempt(a, i, true);
    }
  for (const a of arrivals) {
    const t = times.get(a) ?? [];
    if (!failed.has(a)) a.done({ p50: percentile(t, 50), p95: percentile(t, 95) });
  }
}
