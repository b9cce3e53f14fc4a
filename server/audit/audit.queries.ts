/**
 * Reading the audit trail: the latest entries first, optionally of one kind of record, a page at a
 * time. Pages continue from a cursor (the last entry's `at` and `_id`), never by skipping: the trail
 * only grows, and a skip would read every earlier entry again on each page. Both filters are served
 * by the model's indexes (`at`, `target.kind` + `at`).
 */
import { Types } from 'mongoose';
import { AuditEntryModel, type AuditEntry } from './audit.model.js';

/** The records these queries return. */
export type { AuditEntry } from './audit.model.js';

/** The kinds of record the administration audits (others may appear: they are listed as written). */
export const auditKinds = [
  'staff',
  'office',
  'team',
  'category',
  'reason_code',
  'routing_rule',
  'calendar',
  'sla_policy',
  'sla_recompute',
  'member',
  'retention_report',
  'mail_template',
  'imap_mailbox',
  'outbox',
  'routing_rules',
  'blocked_sender',
] as const;

export const AUDIT_PAGE_SIZE = 50;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{24})$/;

export interface AuditPage {
  entries: AuditEntry[];
  /** Where the next (older) page starts, or null at the end. */
  next: string | null;
}

export function auditCursor(entry: Pick<AuditEntry, 'at' | '_id'>): string {
  return `${entry.at.toISOString()}_${String(entry._id)}`;
}

/** Whether a cursor is well formed (a malformed one is a 400, not an empty page). */
export function isAuditCursor(value: string): boolean {
  return CURSOR.test(value);
}

/** One page of the trail, latest first: `kind` keeps one kind of record, `before` continues a page. */
export async function listAudit(props: { kind?: string; before?: string; limit?: number }): Promise<AuditPage> {
  const limit = Math.min(Math.max(props.limit ?? AUDIT_PAGE_SIZE, 1), 200);
  const filter: Record<string, unknown> = {};
  if (props.kind) filter['target.kind'] = props.kind;
  const cursor = props.before ? CURSOR.exec(props.before) : null;
  if (cursor?.[1] && cursor[2]) {
    const at = new Date(cursor[1]);
    // Entries of the same millisecond are told apart by their id, so none is skipped or shown twice.
    filter.$or = [{ at: { $lt: at } }, { at, _id: { $lt: new Types.ObjectId(cursor[2]) } }];
  }
  const rows = await AuditEntryModel.find(filter)
    .sort({ at: -1, _id: -1 })
    .limit(limit + 1)
    .lean<AuditEntry[]>();
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last ? auditCursor(last) : null };
}

/** The latest few changes (the landing page). */
export async function latestAuditEntries(count: number): Promise<AuditEntry[]> {
  return (await listAudit({ limit: count })).entries;
}
