/**
 * An audit entry as a page shows it: who, when, the action and its target in the reader's language,
 * and each changed field as "before → after". Values are turned into text here; the template escapes
 * them (a label typed by an administrator is shown as typed, never as markup).
 */
import type { AuditEntry } from '../../../audit/audit.queries.js';
import { intlTags, type Locale, type Translate } from '../../../lib/i18n.js';
import type { Formatter } from '../format.js';
import { targetHoursText } from './sla-policy-form.js';

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

/** What a page knows to turn stored values into words: names of ids, dates, its language. */
export interface AuditWords {
  t: Translate;
  fmt: Formatter;
  locale: Locale;
  /** The name of an office or team by its id, in the page's language; null when it is neither. */
  nameOf?: (id: string) => string | null;
  /** A category's label by its code, in the page's language; null when there is none. */
  categoryOf?: (code: string) => string | null;
  /**
   * What the entry is about, named as it is now in the page's language (a category, a policy, an
   * office…); undefined when it is gone or has no such name: the label stored with the entry stays.
   */
  targetName?: (target: { kind: string; id: string; label: string }) => string | undefined;
}

/** Values stored as codes, said with the words the forms use (QA: "Statut invited → active", "none" for "Rien"). */
const codeWords: Readonly<Record<string, string>> = {
  status: 'accounts.admin.status',
  acceptance: 'slaPolicies.breach',
  resolution: 'slaPolicies.breach',
};

/** The SLA targets are typed in business hours and stored in minutes: shown as the policy pages show them ("2 h", "1,5 u"), under an hour in minutes. */
function durationText(minutes: number, w: AuditWords): string {
  return minutes < 60 ? `${w.fmt.decimal(minutes)} min` : targetHoursText(minutes, w.t, w.fmt);
}

const objectId = /^[0-9a-f]{24}$/i;
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** A field's name in the reader's language ("capacity" → "Capacité"); an unknown one as stored. */
export function fieldLabel(field: string, w: Pick<AuditWords, 't'>): string {
  return w.t(`admin.audit.field.${field}`, { defaultValue: field });
}

/** Monday to Sunday (ISO 1–7) in the page's language, for opening hours stored by day number. */
function weekday(n: number, locale: Locale): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(intlTags[locale], { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, n)));
}

/**
 * A stored value as one line of text a person reads: ids as the office or team they name, yes/no,
 * dates in the page's language, opening hours by day name, roles by their label, the empty parts of
 * an object left out, nothing as "—".
 */
export function valueText(value: unknown, w?: AuditWords, field = ''): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => valueText(v, w, field)).join(', ');
  if (value instanceof Date) return w ? w.fmt.dateTime(value) : value.toISOString();
  if (typeof value === 'boolean' && w) return w.t(value ? 'admin.audit.yes' : 'admin.audit.no');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const parts = entries
      .filter(([, v]) => !(v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)))
      .map(([k, v]) => {
        // A target per tier (`acceptanceMinutes: { 1: 120, 2: 240 }`): "Niveau 1 : 2 h".
        const perTier = /Minutes$/.test(field) && /^[1-3]$/.test(k);
        const name = !w
          ? k
          : field === 'hours' && /^[1-7]$/.test(k)
            ? weekday(Number(k), w.locale)
            : perTier
              ? w.t('admin.calendars.tier', { tier: k })
              : fieldLabel(k, w);
        const shown = valueText(v, w, perTier ? field : k);
        return w ? w.t('admin.audit.pair', { name, value: shown }) : `${name}: ${shown}`;
      });
    return parts.length === 0 ? '—' : parts.join(' · ');
  }
  if (w && typeof value === 'number' && /Minutes$/.test(field)) return durationText(value, w);
  const text = String(value);
  if (w && typeof value === 'string') {
    const words = codeWords[field];
    if (words) return w.t(`${words}.${text}`, { defaultValue: text });
    if (field === 'category' || field === 'categories') return w.categoryOf?.(text) ?? text;
    if (objectId.test(text)) return w.nameOf?.(text) ?? text;
    if (isoInstant.test(text) && !Number.isNaN(Date.parse(text))) return w.fmt.dateTime(text);
    if (isoDay.test(text)) return w.fmt.date(`${text}T12:00:00Z`);
    if (field === 'roles') return w.t(`roles.${text}`, { defaultValue: text });
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** Actions are dotted (`staff.invite`, `staff.invite.resend`): their labels are flat keys, so one may extend another. */
export function auditActionKey(action: string): string {
  return `admin.audit.action.${action.replace(/\./g, '_')}`;
}

export function auditKindKey(kind: string): string {
  return `admin.audit.kind.${kind}`;
}

export function auditLine(entry: AuditEntry, w: AuditWords): AuditLine {
  const { t, fmt } = w;
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
    target: w.targetName?.(target) ?? (target.label || target.id),
    changes: fields
      // The target names what was made; its id says nothing to a person.
      .filter((field) => field !== 'id')
      .map((field) => ({
        field: fieldLabel(field, w),
        before: entry.before ? valueText(before[field], w, field) : '—',
        after: entry.after ? valueText(after[field], w, field) : '—',
      }))
      // A field written the same before and after (an object saved whole) tells nothing.
      .filter((c) => c.before !== c.after),
  };
}
