/**
 * An audit entry as a page shows it: who, when, the action and its target in the reader's language,
 * and each changed field as "before → after". Values are turned into text here; the template escapes
 * them (a label typed by an administrator is shown as typed, never as markup).
 */
import type { AuditEntry } from '../../../audit/audit.queries.js';
import type { Translate } from '../../../lib/i18n.js';
import type { Formatter } from '../format.js';

export interface AuditLine {
  whenText: string;
  whenIso: string;
  actor: string;
  action: string;
  kind: string;
  target: string;
  changes: { field: string; before: string; after: string }[];
}

const MAX_VALUE = 300;

/** A stored value as one line of text: labels `fr: … · nl: …`, lists joined, nothing as "—". */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(valueText).join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${valueText(v)}`)
      .join(' · ');
  }
  const text = String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** Actions are dotted (`staff.invite`, `staff.invite.resend`): their labels are flat keys, so one may extend another. */
export function auditActionKey(action: string): string {
  return `admin.audit.action.${action.replace(/\./g, '_')}`;
}

export function auditKindKey(kind: string): string {
  return `admin.audit.kind.${kind}`;
}

export function auditLine(entry: AuditEntry, t: Translate, fmt: Formatter): AuditLine {
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const target = entry.target ?? { kind: '', id: '', label: '' };
  return {
    whenText: fmt.dateTime(entry.at),
    whenIso: entry.at.toISOString(),
    actor: entry.actorName,
    action: t(auditActionKey(entry.action), { defaultValue: entry.action }),
    kind: t(auditKindKey(target.kind), { defaultValue: target.kind }),
    target: target.label || target.id,
    changes: fields.map((field) => ({
      field,
      before: entry.before ? valueText(before[field]) : '—',
      after: entry.after ? valueText(after[field]) : '—',
    })),
  };
}
