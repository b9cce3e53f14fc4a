/**
 * The staff sign-in counters, in the database (`sign_in_counts`), so that every instance behind a
 * load balancer counts the same failures: spreading attempts over N instances buys no N× budget.
 * What is counted, and why, is in login-throttle.ts; this file only counts.
 *
 * Built from point reads and inserts by `_id`: FerretDB serves nothing else fast, and its `$inc` and
 * conditional updates are not atomic under concurrency (a read, then a write by `_id`: two instances
 * can both "win", an increment can be lost). So:
 *
 * - A **series** (one counter: an IP's failures in one window, a pair's failures, …) is a row of slot
 *   documents `_id = "<series>#<n>"`, n = 0, 1, 2 … Counting one more is inserting the next slot; the
 *   unique `_id` is the serialization point: of two instances charging at once, one gets slot n and
 *   the other a duplicate key, and takes n+1. No charge is lost, none counts twice.
 * - A **hint** `_id = "<series>"` holds `next`, a lower bound of the slots written, set after each
 *   insert with a plain `$set` (losing one to a race only makes the next reader probe one slot
 *   further). The count is "the first free slot from the hint on": two point reads as a rule. Every
 *   slot below a written hint exists (a slot is only inserted after seeing all those below it) and
 *   slots are never deleted while their series is in use (windows end first, see `expiresAt`).
 *
 * Rejected: one document per key holding a count (`$inc` loses updates here; a read-then-`$set` lets
 * two instances both take the last place), and "one document per failure, counted by a query" (a
 * range query: the whole collection read in Go on every sign-in on FerretDB).
 *
 * Series names are digests (the address and IP are not stored in clear, and no separator inside an
 * address can make two keys meet). Every document carries `expiresAt`, the end of the window it
 * counts in; the housekeeping job deletes the expired ones (indexed on MongoDB).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';

interface SignInCount {
  _id: string;
  /** Slots: when the charge was made. */
  at?: Date;
  /** Hints: a lower bound of the slots written. */
  next?: number;
  /** Generations: the current name of a series that can start over. */
  gen?: string;
  expiresAt: Date;
}

const signInCountSchema = new Schema<SignInCount>(
  {
    _id: { type: String, required: true },
    at: { type: Date },
    next: { type: Number },
    gen: { type: String },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sign_in_counts', versionKey: false },
);
signInCountSchema.index({ expiresAt: 1 });
export const SignInCountModel = model<SignInCount>('SignInCount', signInCountSchema);

/** One counter: its name and when its documents may be deleted. */
export interface Series {
  id: string;
  expiresAt: Date;
}

const digest = (key: string): string => createHash('sha256').update(key).digest('base64url').slice(0, 22);

/** The series `kind` of `key` (an IP, an address, a pair) in the window `part`. */
export function seriesOf(kind: string, key: string, part: string, expiresAt: Date): Series {
  return { id: `${kind}:${digest(key)}:${part}`, expiresAt };
}

const collection = () => SignInCountModel.collection;
const slotId = (series: Series, n: number): string => `${series.id}#${n}`;

/** A bound on probing: far above any limit, so a runaway loop cannot happen. */
const MAX_PROBES = 10_000;

/** How many charges the series holds: the first free slot from the hint on. */
export async function countOf(series: Series): Promise<number> {
  const hint = await collection().findOne<SignInCount>({ _id: series.id } as never);
  let n = hint?.next ?? 0;
  for (let probes = 0; probes < MAX_PROBES; probes += 1) {
    if (!(await collection().findOne({ _id: slotId(series, n) } as never, { projection: { _id: 1 } }))) return n;
    n += 1;
  }
  return n;
}

/** When slot `n` was charged (null when it does not exist). */
export async function chargedAt(series: Series, n: number): Promise<Date | null> {
  if (n < 0) return null;
  const slot = await collection().findOne<SignInCount>({ _id: slotId(series, n) } as never);
  return slot?.at ?? null;
}

/**
 * Charges one more to the series, trying slot `from` first (the count the caller read): returns the
 * slot taken. A higher slot than `from` means other instances charged in between.
 */
export async function charge(series: Series, from: number, at: Date): Promise<number> {
  for (let n = from; n < from + MAX_PROBES; n += 1) {
    try {
      await collection().insertOne({ _id: slotId(series, n), at, expiresAt: series.expiresAt } as never);
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    try {
      await collection().updateOne({ _id: series.id } as never, { $set: { next: n + 1, expiresAt: series.expiresAt } }, { upsert: true });
    } catch (error) {
      // Two first hints at once (an upsert is an insert): either will do, it is only a hint.
      if (!isDuplicateKeyError(error)) throw error;
    }
    return n;
  }
  throw new Error(`sign-in counter ${series.id} is full`);
}

/** The current generation of a series that can start over (see `startOver`): '0' until it first does. */
export async function generationOf(id: string): Promise<string> {
  const doc = await collection().findOne<SignInCount>({ _id: `gen:${id}` } as never);
  return doc?.gen ?? '0';
}

/**
 * Starts the series `id` over by naming a new generation: its old slots are left to expire. Two
 * instances starting over at once both leave a fresh generation, whichever write lands last.
 */
export async function startOver(id: string, expiresAt: Date): Promise<void> {
  try {
    await collection().updateOne({ _id: `gen:${id}` } as never, { $set: { gen: randomBytes(9).toString('base64url'), expiresAt } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** A digest-named id for `startOver`/`generationOf`. */
export const generationId = (kind: string, key: string, part: string): string => `${kind}:${digest(key)}:${part}`;

/**
 * A series is never in use after its window ended, on an instance whose clock is right; this margin
 * covers instances whose clocks are a little behind (a slot deleted under a series still in use
 * would let its count start over).
 */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** Deletes what expired before `now` (housekeeping), with a margin for clocks; returns how many documents went. */
export async function deleteExpiredSignInCounts(now: Date): Promise<number> {
  const result = await collection().deleteMany({ expiresAt: { $lte: new Date(now.getTime() - CLOCK_MARGIN_MS) } } as never);
  return result.deletedCount;
}
