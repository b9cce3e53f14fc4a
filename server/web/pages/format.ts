/**
 * Dates, ages and deadlines as staff read them: in the office's time zone
 * (Europe/Brussels by default) and in the page's language. The browser module
 * `client/lib/time.ts` refreshes ages with the same keys, so both read alike.
 */
import { formatSize } from '../../attachments/limits.js';
import { intlTags, type Locale, type Translate } from '../../lib/i18n.js';

const intlLocales = intlTags;

/** How soon a deadline counts as "soon" (shown in amber before it is missed). */
const soonMs = 4 * 3600_000;

export interface DueView {
  text: string;
  /** `none`, `ok`, `soon` or `overdue`: a CSS modifier and a screen-reader hint. */
  state: 'none' | 'ok' | 'soon' | 'overdue';
  label: string;
  iso: string | null;
  /** Which deadline it is ("Première réponse", "Résolution"…), when the row knows. */
  kind?: string;
}

export interface Formatter {
  readonly now: Date;
  /** "27 nov. 2026, 14:21" */
  dateTime(value: string | Date): string;
  /** "27 nov. 2026": a date without its time. */
  date(value: string | Date): string;
  /** "27 nov., 14:21" — compact, for tables. */
  short(value: string | Date): string;
  /** "3 h", "2 j": how long ago, compact. */
  age(value: string | Date): string;
  due(value: string | null): DueView;
  /** "1,5 Mo", "30 octets": a file's size in the page's language. */
  size(bytes: number): string;
  /** "1,5" (French, Dutch) or "1.5" (English), at most `digits` decimals, no thousands separator (a form field reads it back). */
  decimal(value: number, digits?: number): string;
}

/** A short, unit-suffixed age ("12 min", "5 h", "3 j"), shared wording with the browser. */
export function ageText(from: Date, now: Date, t: Translate): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return t('time.now');
  if (minutes < 60) return t('time.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.hours', { count: hours });
  return t('time.days', { count: Math.floor(hours / 24) });
}

// Building an Intl.DateTimeFormat costs more than formatting hundreds of dates with it: one pair per
// language and zone for the life of the process.
const dateFormats = new Map<string, { long: Intl.DateTimeFormat; day: Intl.DateTimeFormat; compact: Intl.DateTimeFormat }>();

function formatsFor(tag: string, timeZone: string) {
  const key = `${tag}|${timeZone}`;
  let formats = dateFormats.get(key);
  if (!formats) {
    formats = {
      long: new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium', timeStyle: 'short' }),
      day: new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium' }),
      compact: new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
    };
    dateFormats.set(key, formats);
  }
  return formats;
}

const decimalFormats = new Map<string, Intl.NumberFormat>();

function decimalFormat(tag: string, digits: number): Intl.NumberFormat {
  const key = `${tag}|${digits}`;
  let format = decimalFormats.get(key);
  if (!format) decimalFormats.set(key, (format = new Intl.NumberFormat(tag, { maximumFractionDigits: digits, useGrouping: false })));
  return format;
}

export function createFormatter(locale: Locale, t: Translate, timeZone: string, now = new Date()): Formatter {
  const { long, day, compact } = formatsFor(intlLocales[locale], timeZone);
  const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
  // A page of a hundred rows asks for the same few phrases ("3 h", "overdue") again and again.
  const phrases = new Map<string, string>();
  const phrase = (key: string, make: () => string) => {
    let text = phrases.get(key);
    if (text === undefined) phrases.set(key, (text = make()));
    return text;
  };
  return {
    now,
    size: (bytes) => formatSize(bytes, locale),
    decimal: (value, digits = 1) => decimalFormat(intlLocales[locale], digits).format(value),
    dateTime: (v) => long.format(asDate(v)),
    date: (v) => day.format(asDate(v)),
    short: (v) => compact.format(asDate(v)),
    age: (v) => {
      const minutes = Math.floor((now.getTime() - asDate(v).getTime()) / 60_000);
      return phrase(`age:${minutes}`, () => ageText(asDate(v), now, t));
    },
    due(value) {
      if (!value) return { text: '—', state: 'none', label: phrase('due:none', () => t('due.none')), iso: null };
      const at = new Date(value);
      const left = at.getTime() - now.getTime();
      const state = left < 0 ? 'overdue' : left < soonMs ? 'soon' : 'ok';
      return { text: compact.format(at), state, label: phrase(`due:${state}`, () => t(`due.${state}`)), iso: at.toISOString() };
    },
  };
}

/** Initials for an avatar chip: "Julie Lambert" → "JL". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
