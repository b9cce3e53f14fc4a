/**
 * Housekeeping: deleting records that only matter for a while, once they expired. The embedded
 * FerretDB has no TTL indexes (docs/ARCHITECTURE.md, Database), so a job does what MongoDB's TTL
 * monitor would. Each job is one small function deleting by an indexed expiry field (or a collection
 * read whole on purpose, bounded by its limits); new jobs (issue 17) are one more entry in `jobs`.
 *
 * Several instances may run: a pass belongs to one period (`intervalMs`, aligned on the clock), and
 * the instance that inserts `housekeeping_runs` `{ _id: <period> }` runs it; the others get a
 * duplicate key and skip it (the unique `_id` is the lease, as for the outbox's attempts). A pass
 * that failed half-way is simply done again next period: every job is a delete of what expired.
 */
import { Schema, model } from 'mongoose';
import type { Config } from '../config.js';
import { deleteExpiredSignInCounts } from '../auth/sign-in-counts.js';
import { unlockLinkTtlSeconds } from '../auth/unlock.js';
import { UnlockRequestModel, UnlockUseModel } from '../auth/unlock.model.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { LinkRequestModel } from '../members/link-request.model.js';
import { LinkUseModel } from '../members/link-use.model.js';

/** A request for a link that waited this long was not worked (a mail layer down, a bad address): a link asked for yesterday is of no use today. */
export const STALE_REQUEST_MS = 86_400_000;
/** How long the record of past passes is kept (it says when housekeeping last ran, and what it removed). */
const RUNS_KEPT_MS = 7 * 86_400_000;
export const DEFAULT_HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

export interface HousekeepingContext {
  config: Pick<Config, 'memberLinkTtl'>;
  now: Date;
}

export interface HousekeepingJob {
  name: string;
  /** Deletes what expired by `now`; returns how many records went. */
  run(context: HousekeepingContext): Promise<number>;
}

const before = (now: Date, ms: number): Date => new Date(now.getTime() - ms);

interface HousekeepingRun {
  _id: string;
  at: Date;
  removed: Record<string, number>;
}

const runSchema = new Schema<HousekeepingRun>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, removed: { type: Schema.Types.Mixed, default: {} } },
  { collection: 'housekeeping_runs', versionKey: false },
);
runSchema.index({ at: 1 });
export const HousekeepingRunModel = model<HousekeepingRun>('HousekeepingRun', runSchema);

/** The jobs, in the order they run. */
export const jobs: readonly HousekeepingJob[] = [
  { name: 'sign-in counters', run: ({ now }) => deleteExpiredSignInCounts(now) },
  {
    // A used member link's record only has to outlive the link (it makes the link single-use).
    name: 'used member links',
    run: async ({ config, now }) => (await LinkUseModel.deleteMany({ at: { $lt: before(now, config.memberLinkTtl * 1000) } })).deletedCount,
  },
  {
    name: 'used unlock links',
    run: async ({ now }) => (await UnlockUseModel.deleteMany({ at: { $lt: before(now, unlockLinkTtlSeconds * 1000) } })).deletedCount,
  },
  {
    name: 'stale member link requests',
    run: async ({ now }) => (await LinkRequestModel.deleteMany({ at: { $lt: before(now, STALE_REQUEST_MS) } })).deletedCount,
  },
  { name: 'stale unlock requests', run: async ({ now }) => (await UnlockRequestModel.deleteMany({ at: { $lt: before(now, STALE_REQUEST_MS) } })).deletedCount },
  { name: 'housekeeping runs', run: async ({ now }) => (await HousekeepingRunModel.deleteMany({ at: { $lt: before(now, RUNS_KEPT_MS) } })).deletedCount },
];

export interface HousekeepingReport {
  period: string;
  jobs: Record<string, number>;
}

/**
 * One pass for the period `now` falls in, unless another instance (or an earlier call) took it:
 * then null. A failing job is logged and the others still run.
 */
export async function runHousekeeping(props: {
  config: HousekeepingContext['config'];
  now?: Date;
  intervalMs?: number;
  logger?: Logger;
}): Promise<HousekeepingReport | null> {
  const now = props.now ?? new Date();
  const intervalMs = props.intervalMs ?? DEFAULT_HOUSEKEEPING_INTERVAL_MS;
  const period = `${intervalMs}:${Math.floor(now.getTime() / intervalMs)}`;
  try {
    await HousekeepingRunModel.collection.insertOne({ _id: period, at: now, removed: {} } as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
  const removed: Record<string, number> = {};
  for (const job of jobs) {
    try {
      removed[job.name] = await job.run({ config: props.config, now });
    } catch (error) {
      props.logger?.error({ err: error, job: job.name }, 'a housekeeping job failed; it runs again next period');
    }
  }
  await HousekeepingRunModel.collection.updateOne({ _id: period } as never, { $set: { removed } });
  return { period, jobs: removed };
}

export interface Housekeeping {
  stop(): Promise<void>;
}

/** Runs a pass now and then every `intervalMs` (one instance per period does the work). */
export function startHousekeeping(options: { config: HousekeepingContext['config']; logger: Logger; intervalMs?: number }): Housekeeping {
  const intervalMs = options.intervalMs ?? DEFAULT_HOUSEKEEPING_INTERVAL_MS;
  let running: Promise<unknown> | null = null;
  const pass = (): void => {
    if (running) return;
    running = runHousekeeping({ config: options.config, intervalMs, logger: options.logger })
      .then((report) => {
        const total = report ? Object.values(report.jobs).reduce((a, b) => a + b, 0) : 0;
        if (total > 0) options.logger.info({ removed: report?.jobs }, 'housekeeping removed expired records');
      })
      .catch((error: unknown) => options.logger.error({ err: error }, 'housekeeping failed; it runs again next period'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  pass();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
