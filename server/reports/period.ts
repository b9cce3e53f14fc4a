/**
 * The reports' filters, read from the query string: a period (a preset — last 7 days,
 * last 30 days, this month — or two local dates, both included), an office, a tier and
 * a team. Dates are calendar days in the organisation's time zone. A period is at most
 * 92 days, so a report never reads more than a quarter of tickets. Also the buckets of
 * the "over time" table: days, or weeks (from Monday) for periods longer than a month.
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Bucket } from './compute.js';

export const maxPeriodDays = 92;
export const presets = ['7d', '30d', 'month', 'custom'] as const;
export type Preset = (typeof presets)[number];

export interface ReportPeriod {
  preset: Preset;
  /** First instant (local midnight of the first day). */
  from: Date;
  /** End, exclusive (local midnight after the last day). */
  to: Date;
  /** Local dates `YYYY-MM-DD`, both included. */
  fromDate: string;
  toDate: string;
  days: number;
}

export interface ReportFilters {
  period: ReportPeriod;
  office: string | null;
  tier: number | null;
  team: string | null;
}

/** A problem with one field, as a translation key for the form. */
export interface FilterProblem {
  field: string;
  key: string;
  vars?: Record<string, unknown>;
}

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const objectId = z.string().refine((v) => Types.ObjectId.isValid(v) && /^[0-9a-f]{24}$/i.test(v));
const blankToUndefined = (v: unknown) => (v === '' || v === undefined || Array.isArray(v) ? undefined : v);

const filterSchema = z.object({
  preset: z.preprocess(blankToUndefined, z.enum(presets).optional()),
  from: z.preprocess(blankToUndefined, localDate.optional()),
  to: z.preprocess(blankToUndefined, localDate.optional()),
  office: z.preprocess(blankToUndefined, objectId.optional()),
  tier: z.preprocess(blankToUndefined, z.enum(['1', '2', '3']).optional()),
  team: z.preprocess(blankToUndefined, objectId.optional()),
});

function day(date: string, zone: string): DateTime | null {
  const d = DateTime.fromISO(date, { zone });
  return d.isValid ? d.startOf('day') : null;
}

function presetRange(preset: Exclude<Preset, 'custom'>, today: DateTime): [DateTime, DateTime] {
  if (preset === '7d') return [today.minus({ days: 6 }), today];
  if (preset === 'month') return [today.startOf('month'), today];
  return [today.minus({ days: 29 }), today];
}

/**
 * A period from a preset or two dates. Without anything: the last 30 days. Dates win
 * over a preset, which is kept only when they are its own dates (the form sends both,
 * so changing only the office keeps "last 7 days").
 */
export function resolvePeriod(
  input: { preset?: Preset | undefined; from?: string | undefined; to?: string | undefined },
  now: Date,
  zone: string,
): ReportPeriod | FilterProblem {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const asked = input.preset ?? '30d';
  let [first, last] = presetRange(asked === 'custom' ? '30d' : asked, today);
  let preset: Preset = asked;
  if (input.from || input.to || asked === 'custom') {
    const from = input.from ? day(input.from, zone) : first;
    const to = input.to ? day(input.to, zone) : last;
    if (!from) return { field: 'from', key: 'reports.error.date' };
    if (!to) return { field: 'to', key: 'reports.error.date' };
    if (to < from) return { field: 'to', key: 'reports.error.order' };
    if (asked === 'custom' || from.toMillis() !== first.toMillis() || to.toMillis() !== last.toMillis()) preset = 'custom';
    [first, last] = [from, to];
  }
  const end = last.plus({ days: 1 }).startOf('day');
  const days = Math.round(end.diff(first, 'days').days);
  if (days > maxPeriodDays) return { field: 'to', key: 'reports.error.too_long', vars: { max: maxPeriodDays } };
  return { preset, from: first.toJSDate(), to: end.toJSDate(), fromDate: first.toISODate() ?? '', toDate: last.toISODate() ?? '', days };
}

/** The filters of a report page or CSV, or the problems to show next to the fields. */
export function parseFilters(query: Record<string, unknown>, now: Date, zone: string): ReportFilters | FilterProblem[] {
  const parsed = filterSchema.safeParse(query);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'period'), key: 'reports.error.invalid' }));
  const q = parsed.data;
  const period = resolvePeriod(q, now, zone);
  if ('key' in period) return [period];
  return { period, office: q.office ?? null, tier: q.tier ? Number(q.tier) : null, team: q.team ?? null };
}

export function isProblem<T extends object>(value: T | FilterProblem | FilterProblem[]): value is FilterProblem | FilterProblem[] {
  return Array.isArray(value) || 'key' in value;
}

/** Days for a month or less; weeks starting on Monday beyond (the first and last may be partial). */
export function periodBuckets(period: Pick<ReportPeriod, 'from' | 'to' | 'days'>, zone: string): { unit: 'day' | 'week'; buckets: Bucket[] } {
  const unit = period.days <= 31 ? 'day' : 'week';
  const end = DateTime.fromJSDate(period.to, { zone });
  const buckets: Bucket[] = [];
  let start = DateTime.fromJSDate(period.from, { zone }).startOf('day');
  while (start < end) {
    const next = unit === 'day' ? start.plus({ days: 1 }).startOf('day') : start.plus({ weeks: 1 }).startOf('week');
    const stop = next < end ? next : end;
    buckets.push({ key: start.toISODate() ?? '', start: start.toJSDate(), end: stop.toJSDate() });
    start = stop;
  }
  return { unit, buckets };
}

/** The query string of a set of filters (for links, CSV addresses and the comparison). */
export function filterParams(f: ReportFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.period.preset === 'custom') {
    params.set('from', f.period.fromDate);
    params.set('to', f.period.toDate);
  } else {
    params.set('preset', f.period.preset);
  }
  if (f.office) params.set('office', f.office);
  if (f.tier) params.set('tier', String(f.tier));
  if (f.team) params.set('team', f.team);
  return params;
}
