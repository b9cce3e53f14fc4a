/**
 * Writing the audit trail. Every administration change calls `recordAudit` after it is stored, with
 * the presented record before and after (never a password hash, a TOTP secret or a token): the entry
 * keeps only the fields that changed, so the audit page shows "capacity 15 → 20" and not two copies of
 * the whole record.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StaffActor, SystemActor } from '../auth/actor.js';
import { AuditEntryModel } from './audit.model.js';

export interface AuditChange {
  action: string;
  target: { kind: string; id: string; label?: string };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string;
}

/** Keeps the fields whose values differ (both sides), or everything when one side is absent. */
export function changedFields(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (!before || !after) return { before: before ?? null, after: after ?? null };
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of keys) {
    if (isDeepStrictEqual(before[key], after[key])) continue;
    b[key] = before[key] ?? null;
    a[key] = after[key] ?? null;
  }
  return { before: b, after: a };
}

export async function recordAudit(actor: StaffActor | SystemActor, change: AuditChange): Promise<void> {
  const diff = changedFields(change.before, change.after);
  await AuditEntryModel.create({
    at: new Date(),
    actor: actor.kind === 'staff' ? actor.id : null,
    actorName: actor.name,
    action: change.action,
    target: { kind: change.target.kind, id: change.target.id, label: change.target.label ?? '' },
    before: diff.before,
    after: diff.after,
    ip: change.ip ?? '',
  });
}
