/**
 * Housekeeping: deleting records that only matter for a while, once they expired. The embedded
 * FerretDB has no TTL indexes (docs/ARCHITECTURE.md, Database), so a job does what MongoDB's TTL
 * monitor would. Each job is one small function deleting a bounded batch by an indexed expiry field
 * (or a collection read whole on purpose, bounded by its limits); a new job is one more entry in
 * `jobs`. Each pass is recorded (who ran it, how long each job took, what it removed, its errors)
 * for the administrators' page `/staff/admin/housekeeping`.
 *
 * Several instances may run: a pass belongs to one period (`intervalMs`, aligned on the clock), and
 * the instance that inserts `housekeeping_runs` `{ _id: <period> }` runs it; the others get a
 * duplicate key and skip it (the unique `_id` is the lease, as for the outbox's attempts). A pass
 * that failed half-way is simply done again next period: every job is a delete of what expired.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { Schema, model } from 'mongoose';
import type { Config } from '../config.js';
import { SessionModel } from '../auth/session.model.js';
import { deleteExpiredSignInCounts } from '../auth/sign-in-counts.js';
import { unlockLinkTtlSeconds } from '../auth/unlock.js';
import { UnlockRequestModel, UnlockUseModel } from '../auth/unlock.model.js';
import { passwordLinkTtlSeconds } from '../auth/password-links.js';
import { PasswordLinkRequestModel, PasswordLinkUseModel } from '../auth/password-links.model.js';
import { TotpUseModel } from '../auth/totp.model.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { removeExpiredInboundRaw } from '../mail/inbound/raw-retention.js';
import { CaughtMailModel } from '../mail/mail.models.js';
import { remarkUnsentMail } from '../mail/outbox-sweep.js';
import { LinkRequestModel } from '../members/link-request.model.js';
import { LinkUseModel } from '../members/link-use.model.js';
import { runMemberRetention } from '../privacy/retention.js';
import { deleteBatch, HOUSEKEEPING_BATCH } from './batch.js';
import { deleteUnlinkedAttachments, removeOrphanFiles } from './orphan-files.js';
import { HousekeepingStateModel } from './state.model.js';

/** A request for a link that waited this long was not worked (a mail layer down, a bad address): a link asked for yesterday is of no use today. */
export const STALE_REQUEST_MS = 86_400_000;
/** How long a used TOTP step or second-step token is kept (its window is 90 s, the token 5 minutes). */
const TOTP_USE_KEPT_MS = 10 * 60_000;
/** A revoked staff session is kept this long (someone may look at "signed out everywhere" just after). */
export const REVOKED_SESSION_KEPT_MS = 86_400_000;
/** How long the record of past passes is kept (it says when housekeeping last ran, and what it removed). */
const RUNS_KEPT_MS = 7 * 86_400_000;
export const DEFAULT_HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

export interface HousekeepingContext {
  config: Pick<Config, 'memberLinkTtl' | 'dataDir' | 'retention'>;
  now: Date;
}

export interface HousekeepingJob {
  name: string;
  /**
   * At most this often (ms; default: every pass). For the jobs whose filter reads a large collection
   * whole on the embedded engine (attachments, inbound mail hourly; the queued mail daily): it keeps a pass short.
   */
  everyMs?: number;
  /**
   * Deletes what expired by `now` (a bounded batch) and returns how many records or files went; or,
   * for the one job that repairs instead (`unsent queued mail`), how many it repaired.
   */
  run(context: HousekeepingContext): Promise<number>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const before = (now: Date, ms: number): Date => new Date(now.getTime() - ms);

/** One job's part of a pass. */
export interface HousekeepingJobRun {
  name: string;
  removed: number;
  ms: number;
  error: string | null;
  /** Not due in this pass (`everyMs`): the numbers are those of an earlier pass. */
  skipped?: boolean;
}

export interface HousekeepingRun {
  _id: string;
  at: Date;
  /** Which process ran it (host and pid). */
  instance?: string;
  finishedAt?: Date | null;
  removed: Record<string, number>;
  jobs?: HousekeepingJobRun[];
}

const runSchema = new Schema<HousekeepingRun>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    instance: { type: String, default: null },
    finishedAt: { type: Date, default: null },
    removed: { type: Schema.Types.Mixed, default: {} },
    jobs: { type: Schema.Types.Mixed, default: () => [] },
  },
  { collection: 'housekeeping_runs', versionKey: false },
);
runSchema.index({ at: 1 });
export const HousekeepingRunModel = model<HousekeepingRun>('HousekeepingRun', runSchema);

/** The jobs, in the order they run (unlinked attachment records before the files they leave). */
export const jobs: readonly HousekeepingJob[] = [
  { name: 'sign-in counters', run: ({ now }) => deleteExpiredSignInCounts(now) },
  {
    // A used member link's record only has to outlive the link (it makes the link single-use).
    name: 'used member links',
    run: ({ config, now }) => deleteBatch(LinkUseModel.collection, { at: { $lt: before(now, config.memberLinkTtl * 1000) } }),
  },
  { name: 'used unlock links', run: ({ now }) => deleteBatch(UnlockUseModel.collection, { at: { $lt: before(now, unlockLinkTtlSeconds * 1000) } }) },
  { name: 'stale member link requests', run: ({ now }) => deleteBatch(LinkRequestModel.collection, { at: { $lt: before(now, STALE_REQUEST_MS) } }) },
  { name: 'stale unlock requests', run: ({ now }) => deleteBatch(UnlockRequestModel.collection, { at: { $lt: before(now, STALE_REQUEST_MS) } }) },
  {
    // A used password link's record only has to outlive the longest link (an invitation).
    name: 'used password links',
    run: ({ now }) => deleteBatch(PasswordLinkUseModel.collection, { at: { $lt: before(now, passwordLinkTtlSeconds.invite * 1000) } }),
  },
  { name: 'stale password requests', run: ({ now }) => deleteBatch(PasswordLinkRequestModel.collection, { at: { $lt: before(now, STALE_REQUEST_MS) } }) },
  // A TOTP step is refused again only within its window (90 s), a second-step token lives 5 minutes;
  // used recovery codes stay marked on the person.
  { name: 'used second factor codes', run: ({ now }) => deleteBatch(TotpUseModel.collection, { at: { $lt: before(now, TOTP_USE_KEPT_MS) } }) },
  {
    // An expired session can no longer refresh; a revoked one is kept a day, then goes too.
    name: 'staff sessions',
    run: async ({ now }) =>
      (await deleteBatch(SessionModel.collection, { expiresAt: { $lt: now } })) +
      (await deleteBatch(SessionModel.collection, { revokedAt: { $lt: before(now, REVOKED_SESSION_KEPT_MS) } })),
  },
  {
    name: 'caught mail',
    run: ({ config, now }) => deleteBatch(CaughtMailModel.collection, { receivedAt: { $lt: before(now, config.retention.caughtMail * 1000) } }),
  },
  { name: 'unlinked attachments', everyMs: HOUR, run: ({ now }) => deleteUnlinkedAttachments(now) },
  {
    name: 'orphaned attachment files',
    everyMs: HOUR,
    run: ({ config, now }) => removeOrphanFiles({ dir: path.resolve(config.dataDir, 'attachments'), now }),
  },
  {
    name: 'inbound raw messages',
    everyMs: HOUR,
    run: ({ config, now }) =>
      removeExpiredInboundRaw({ dataDir: config.dataDir, retentionSeconds: config.retention.inboundRaw, now, limit: HOUSEKEEPING_BATCH }),
  },
  {
    // Dry-run report once a day; erasures only of a report an administrator confirmed (privacy/retention.ts).
    name: 'member retention',
    run: ({ config, now }) => runMemberRetention({ years: config.retention.memberYears, dataDir: config.dataDir, now }),
  },
  // Not a removal: queued mail the outbox worker cannot see (no due mark) is marked again (mail/outbox-sweep.ts).
  { name: 'unsent queued mail', everyMs: DAY, run: ({ now }) => remarkUnsentMail(now) },
  { name: 'housekeeping runs', run: ({ now }) => deleteBatch(HousekeepingRunModel.collection, { at: { $lt: before(now, RUNS_KEPT_MS) } }) },
];

export interface HousekeepingReport {
  period: string;
  jobs: Record<string, number>;
}

/**
 * Whether a job with `everyMs` is due at `now`; if so, it is marked as run (before it runs: a job that
 * fails is tried again at its next time, not at every pass). A clock that went back does not hold it.
 */
async function due(job: HousekeepingJob, now: Date): Promise<boolean> {
  const key = `job:${job.name}`;
  const last = await HousekeepingStateModel.findById(key).lean();
  const since = last?.at ? now.getTime() - last.at.getTime() : Infinity;
  if (since >= 0 && since < (job.everyMs ?? 0)) return false;
  await HousekeepingStateModel.updateOne({ _id: key }, { $set: { at: now } }, { upsert: true });
  return true;
}

/** This process, as the runs page names it. */
export const instanceName = `${hostname()}:${process.pid}`;

/**
 * One pass for the period `now` falls in, unless another instance (or an earlier call) took it:
 * then null. A failing job is logged and recorded with its error, and the others still run.
 */
export async function runHousekeeping(props: {
  config: HousekeepingContext['config'];
  now?: Date;
  intervalMs?: number;
  logger?: Logger;
  /** The jobs to run (tests); all of them by default. */
  only?: readonly HousekeepingJob[];
}): Promise<HousekeepingReport | null> {
  const now = props.now ?? new Date();
  const intervalMs = props.intervalMs ?? DEFAULT_HOUSEKEEPING_INTERVAL_MS;
  const period = `${intervalMs}:${Math.floor(now.getTime() / intervalMs)}`;
  try {
    await HousekeepingRunModel.collection.insertOne({ _id: period, at: now, instance: instanceName, finishedAt: null, removed: {}, jobs: [] } as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
  const removed: Record<string, number> = {};
  const runs: HousekeepingJobRun[] = [];
  for (const job of props.only ?? jobs) {
    if (job.everyMs && !(await due(job, now))) {
      runs.push({ name: job.name, removed: 0, ms: 0, error: null, skipped: true });
      continue;
    }
    const started = performance.now();
    try {
      removed[job.name] = await job.run({ config: props.config, now });
      runs.push({ name: job.name, removed: removed[job.name] ?? 0, ms: Math.round(performance.now() - started), error: null });
    } catch (error) {
      props.logger?.error({ err: error, job: job.name }, 'a housekeeping job failed; it runs again next period');
      const message = error instanceof Error ? error.message : String(error);
      runs.push({ name: job.name, removed: 0, ms: Math.round(performance.now() - started), error: message.slice(0, 500) });
    }
  }
  await HousekeepingRunModel.collection.updateOne({ _id: period } as never, { $set: { removed, jobs: runs, finishedAt: new Date() } });
  return { period, jobs: removed };
}

/** The latest passes, newest first (the administration page). */
export function recentHousekeepingRuns(limit = 20): Promise<HousekeepingRun[]> {
  return HousekeepingRunModel.find({}).sort({ at: -1 }).limit(limit).lean<HousekeepingRun[]>();
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
