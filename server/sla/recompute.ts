/**
 * Recomputing the open tickets' deadlines after an administrator changed a calendar or a policy.
 * A ticket's deadlines are stored with it (`sla`, `dueAt`) by the journal: queues sort on them, the
 * scheduler fires on them. They move only through the journal, like every other change: each open
 * ticket whose recomputed deadlines differ gets one `sla_recomputed` event, whose patch the SLA
 * enricher (engine.ts `withSla`) fills exactly as on a move — so the read models, the live queues
 * and the scheduler follow, and the trail says who changed what. Tickets whose deadlines do not move
 * get no event.
 *
 * Runs in the background on the instance that was asked (the page answers at once and shows the
 * progress, read by `_id`). The open tickets come from the working set (in memory, fed by the
 * journal). A ticket someone changes at the same moment is retried (a conflict means their event
 * already carried the new deadlines only if it was committed after the change; so we recompute again).
 */
import type { StaffActor } from '../auth/actor.js';
import { recordAudit } from '../audit/audit.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { commit, loadTicket } from '../tickets/ticket.journal.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';
import { workingSet } from '../tickets/working-set.js';
import { clearSlaCache, slaPatch } from './engine.js';
import { RecomputeJobModel, type RecomputeJob } from './recompute-job.model.js';

const BATCH = 20;
const RETRIES = 3;
/** A running job whose instance has not written for this long is shown as interrupted. */
export const STALE_JOB_MS = 3 * 60_000;

export interface RecomputeRequest {
  cause: 'calendar' | 'policy';
  label: string;
}

export interface RecomputeJobView {
  id: string;
  startedAt: Date;
  by: string;
  cause: string;
  label: string;
  total: number;
  done: number;
  changed: number;
  failed: number;
  errors: string[];
  state: 'running' | 'done' | 'interrupted';
  finishedAt: Date | null;
}

export function presentJob(job: RecomputeJob, now = Date.now()): RecomputeJobView {
  const state = job.finishedAt ? 'done' : now - job.heartbeatAt.getTime() > STALE_JOB_MS ? 'interrupted' : 'running';
  return {
    id: String(job._id),
    startedAt: job.startedAt,
    by: job.by,
    cause: job.cause,
    label: job.label,
    total: job.total,
    done: job.done ?? 0,
    changed: job.changed ?? 0,
    failed: job.failed ?? 0,
    errors: [...(job.problems ?? [])],
    state,
    finishedAt: job.finishedAt ?? null,
  };
}

function sameSla(a: Ticket['sla'] | null | undefined, b: Ticket['sla'] | null | undefined, dueA: Date | undefined, dueB: Date): boolean {
  const due = (d: Date | undefined) => (d ? new Date(d).getTime() : null);
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) && due(dueA) === due(dueB);
}

/** Recomputes one ticket; true when its deadlines moved (an event was committed). */
export async function recomputeTicket(actor: StaffActor, id: string, request: RecomputeRequest & { job: string }): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    const ticket = await loadTicket(id);
    if (!ticket || !isOpenStatus(ticket.status)) return false;
    const at = new Date();
    const next = await slaPatch({ ticket, next: {}, event: { type: 'sla_recomputed', at } });
    // Compared as stored (JSON): the same deadlines and alert plan mean nothing to write.
    if (
      sameSla(JSON.parse(JSON.stringify(ticket.sla ?? null)) as Ticket['sla'], JSON.parse(JSON.stringify(next.sla)) as Ticket['sla'], ticket.dueAt, next.dueAt)
    )
      return false;
    try {
      await commit({ ticket, type: 'sla_recomputed', actor, at, data: { cause: request.cause, label: request.label, job: request.job }, patch: {} });
      return true;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= RETRIES) throw error;
    }
  }
}

async function run(actor: StaffActor, job: RecomputeJob, ids: string[], request: RecomputeRequest): Promise<void> {
  let done = 0;
  let changed = 0;
  let failed = 0;
  const errors: string[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const id of ids.slice(i, i + BATCH)) {
      try {
        if (await recomputeTicket(actor, id, { ...request, job: String(job._id) })) changed += 1;
      } catch (error) {
        failed += 1;
        if (errors.length < 20) errors.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
      done += 1;
    }
    await RecomputeJobModel.updateOne({ _id: job._id }, { $set: { done, changed, failed, problems: errors, heartbeatAt: new Date() } });
  }
  await RecomputeJobModel.updateOne({ _id: job._id }, { $set: { done, changed, failed, problems: errors, heartbeatAt: new Date(), finishedAt: new Date() } });
}

/**
 * Starts recomputing every open ticket's deadlines in the background and returns the job at once
 * (`finished` settles when it ends: tests and shutdown wait on it). Audited as asked by `actor`.
 */
export async function startRecompute(
  actor: StaffActor,
  request: RecomputeRequest,
  meta: { ip?: string } = {},
): Promise<{ job: RecomputeJobView; finished: Promise<void> }> {
  clearSlaCache();
  const open = (await workingSet.select({ openOnly: true })).map((t) => String(t._id));
  const now = new Date();
  const job = await RecomputeJobModel.create({
    startedAt: now,
    by: actor.name,
    cause: request.cause,
    label: request.label,
    total: open.length,
    heartbeatAt: now,
  });
  await recordAudit(actor, {
    action: 'sla_recompute.start',
    target: { kind: 'sla_recompute', id: String(job._id), label: request.label },
    after: { cause: request.cause, tickets: open.length },
    ip: meta.ip,
  });
  const finished = run(actor, job.toObject() as RecomputeJob, open, request).catch(async (error: unknown) => {
    await RecomputeJobModel.updateOne(
      { _id: job._id },
      { $set: { problems: [error instanceof Error ? error.message : String(error)], finishedAt: new Date(), heartbeatAt: new Date() } },
    ).catch(() => undefined);
  });
  return { job: presentJob(job.toObject() as RecomputeJob), finished };
}

export async function recomputeJob(id: string): Promise<RecomputeJobView> {
  const job = /^[0-9a-f]{24}$/i.test(id) ? await RecomputeJobModel.findById(id).lean<RecomputeJob>() : null;
  if (!job) throw new NotFoundError('No such recompute.');
  return presentJob(job);
}

/** The latest recompute (the calendar page shows its progress), or null. */
export async function latestRecomputeJob(): Promise<RecomputeJobView | null> {
  const job = await RecomputeJobModel.findOne({}).sort({ startedAt: -1 }).lean<RecomputeJob>();
  return job ? presentJob(job) : null;
}
