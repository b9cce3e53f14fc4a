/**
 * Retention of members' data (MEMBER_RETENTION_YEARS; 0, the default, is off): members with no ticket
 * activity for that many years are erased — but never by the clock alone. A housekeeping job
 * (housekeeping.ts, every pass):
 *
 *  - once a day writes a **dry-run report** (`retention_reports`): who would be erased, shown to
 *    administrators on /staff/admin/members; a new report replaces the one nobody confirmed;
 *  - erases, a few members a pass, the members of a report **an administrator confirmed** (audited),
 *    checking each again first (activity since the report keeps them).
 *
 * Why no grace period after which the report applies itself: an erasure cannot be undone, and a report
 * nobody read is not a decision. The report waits on the members page until someone confirms it (or a
 * newer one replaces it).
 *
 * Finding candidates never reads the tickets collection: one query on the members (`lastActiveAt`
 * before the cut-off, or never active and created before it — both indexed; on the embedded engine it
 * reads the members collection once a day, at most 500 candidates a report), then each candidate's
 * own tickets by `_id` (`member_tickets` keys) to confirm none is open or touched since the cut-off.
 */
import { Schema, model, Types } from 'mongoose';
import { systemActor, type StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { readByIds } from '../db/point-reads.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { MemberModel } from '../members/member.model.js';
import { memberTicketIds } from '../tickets/ticket.keys.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import { isDoneStatus } from '../lib/ticket.vocabulary.js';
import { eraseMember } from './member-erasure.js';
import { pseudonymFor } from './redaction.js';

export const REPORT_LIMIT = 500;
/** Members erased per housekeeping pass: an erasure reads and rewrites every ticket of the member. */
export const ERASURES_PER_PASS = 10;
const DAY = 86_400_000;

export interface RetentionCandidate {
  id: string;
  /** The name and address while the member is not erased; the pseudonym and '' after. */
  name: string;
  email: string;
  lastActiveAt: Date;
  erased: boolean;
  /** Left out when the erasure came: active again, or already erased. */
  skipped?: string | null;
}

export interface RetentionReport {
  _id: Types.ObjectId;
  createdAt: Date;
  years: number;
  cutoff: Date;
  members: RetentionCandidate[];
  /** More candidates than the report lists (the next report lists the rest). */
  more: boolean;
  state: 'pending' | 'confirmed' | 'done';
  confirmedAt: Date | null;
  confirmedBy: string | null;
  finishedAt: Date | null;
}

const reportSchema = new Schema<RetentionReport>(
  {
    createdAt: { type: Date, required: true },
    years: { type: Number, required: true },
    cutoff: { type: Date, required: true },
    members: { type: Schema.Types.Mixed, default: () => [] },
    more: { type: Boolean, default: false },
    state: { type: String, enum: ['pending', 'confirmed', 'done'], required: true },
    confirmedAt: { type: Date, default: null },
    confirmedBy: { type: String, default: null },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'retention_reports', versionKey: false },
);
reportSchema.index({ createdAt: -1 });
export const RetentionReportModel = model<RetentionReport>('RetentionReport', reportSchema);

function cutoffFor(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/** Whether the member did anything on a ticket since `cutoff`, or has a ticket still open (their tickets read by `_id`). */
async function activeSince(memberId: string, cutoff: Date): Promise<boolean> {
  const ids = (await memberTicketIds(memberId)).slice(-100);
  const tickets = await readByIds(ids, (id) => loadTicket(id));
  return tickets.some((t) => !isDoneStatus(t.status) || new Date(t.updatedAt) >= cutoff);
}

interface CandidateRow {
  _id: Types.ObjectId;
  name: string;
  email: string;
  lastActiveAt?: Date | null;
  createdAt: Date;
}

/** The latest report, or null. */
export function latestRetentionReport(): Promise<RetentionReport | null> {
  return RetentionReportModel.findOne({}).sort({ createdAt: -1 }).lean<RetentionReport>();
}

/** Writes a dry-run report for `now` (replacing a report nobody confirmed); erases nothing. */
export async function makeRetentionReport(props: { years: number; now: Date }): Promise<RetentionReport> {
  const cutoff = cutoffFor(props.now, props.years);
  const rows = await MemberModel.collection
    .find<CandidateRow>(
      { $or: [{ lastActiveAt: { $lt: cutoff } }, { lastActiveAt: null, createdAt: { $lt: cutoff } }] },
      { projection: { name: 1, email: 1, lastActiveAt: 1, createdAt: 1, erasedAt: 1 }, limit: REPORT_LIMIT * 2 },
    )
    .toArray();
  const members: RetentionCandidate[] = [];
  for (const row of rows) {
    if ((row as { erasedAt?: Date | null }).erasedAt) continue;
    if (members.length >= REPORT_LIMIT) break;
    if (await activeSince(String(row._id), cutoff)) continue;
    members.push({ id: String(row._id), name: row.name, email: row.email, lastActiveAt: row.lastActiveAt ?? row.createdAt, erased: false });
  }
  // A report nobody confirmed is replaced (it held names and addresses for no decision).
  const latest = await latestRetentionReport();
  if (latest?.state === 'pending') await RetentionReportModel.deleteOne({ _id: latest._id });
  const report: RetentionReport = {
    _id: new Types.ObjectId(),
    createdAt: props.now,
    years: props.years,
    cutoff,
    members,
    more: rows.length >= REPORT_LIMIT * 2,
    state: 'pending',
    confirmedAt: null,
    confirmedBy: null,
    finishedAt: null,
  };
  await RetentionReportModel.collection.insertOne(report as never);
  return report;
}

/** An administrator confirms the latest report: its members are erased by the next housekeeping passes. */
export async function confirmRetentionReport(actor: StaffActor, reportId: string, meta: { ip?: string } = {}): Promise<RetentionReport> {
  assertAdministrator(actor);
  const report = Types.ObjectId.isValid(reportId) ? await RetentionReportModel.findById(reportId).lean<RetentionReport>() : null;
  if (!report) throw new NotFoundError('No such retention report.');
  const latest = await latestRetentionReport();
  if (report.state !== 'pending' || String(latest?._id) !== String(report._id))
    throw new ConflictError('This report was confirmed already or replaced by a newer one.', { reason: 'report_not_pending' });
  const confirmedAt = new Date();
  await RetentionReportModel.updateOne({ _id: report._id }, { $set: { state: 'confirmed', confirmedAt, confirmedBy: actor.name } });
  await recordAudit(actor, {
    action: 'retention.confirm',
    target: { kind: 'retention_report', id: String(report._id), label: `${report.years}` },
    after: { members: report.members.length, years: report.years, cutoff: report.cutoff.toISOString() },
    ip: meta.ip,
  });
  return { ...report, state: 'confirmed', confirmedAt, confirmedBy: actor.name };
}

/** Erases up to `limit` members of a confirmed report; the report is done once none is left. */
async function eraseConfirmed(report: RetentionReport, options: { dataDir: string; limit: number }): Promise<number> {
  const members = report.members.map((m) => ({ ...m }));
  let erased = 0;
  for (const m of members) {
    if (m.erased || m.skipped) continue;
    if (erased >= options.limit) break;
    const member = await MemberModel.findById(m.id, { erasedAt: 1 }).lean<{ erasedAt?: Date | null }>();
    if (!member || member.erasedAt) m.skipped = 'already_erased';
    else if (await activeSince(m.id, report.cutoff)) m.skipped = 'active_again';
    else {
      await eraseMember(
        systemActor,
        m.id,
        { reason: `retention: inactive ${report.years} years (report ${String(report._id)})`, source: 'retention' },
        options,
      );
      erased += 1;
      m.erased = true;
    }
    // The report keeps no name of an erased (or skipped) member.
    m.name = pseudonymFor(m.id);
    m.email = '';
    await RetentionReportModel.updateOne({ _id: report._id }, { $set: { members } });
  }
  if (members.every((m) => m.erased || m.skipped))
    await RetentionReportModel.updateOne({ _id: report._id }, { $set: { state: 'done', finishedAt: new Date() } });
  return erased;
}

/**
 * The housekeeping job: goes on with a confirmed report, else writes a new dry-run report once a day.
 * Returns how many members it erased.
 */
export async function runMemberRetention(props: { years: number; dataDir: string; now: Date; limit?: number }): Promise<number> {
  if (props.years <= 0) return 0;
  const latest = await latestRetentionReport();
  if (latest?.state === 'confirmed') return eraseConfirmed(latest, { dataDir: props.dataDir, limit: props.limit ?? ERASURES_PER_PASS });
  if (!latest || props.now.getTime() - new Date(latest.createdAt).getTime() >= DAY) await makeRetentionReport({ years: props.years, now: props.now });
  return 0;
}
