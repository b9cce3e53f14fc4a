/**
 * Business calendars: when an office is open, and business-time arithmetic over them.
 *
 * A calendar is local wall-clock opening intervals per ISO weekday, in one IANA time
 * zone, minus public holidays (date-holidays: type `public`, and the chosen region's own days) and extra closure
 * days. Every instant is mapped to the calendar's zone with luxon, so a day with a
 * DST switch is exactly as long as the clock says (09:00–17:00 is 8 hours on both
 * switch days; 00:00–24:00 is 23 or 25 hours). Intervals are half-open: a calendar
 * open 09:00–17:00 is closed at 17:00 exactly.
 *
 * The arithmetic walks day by day over the open intervals (never minute by minute),
 * with exact milliseconds. Calendars are treated as immutable: each one is checked
 * and compiled once (`validateCalendar`), then cached.
 */
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { BadRequestError, type FieldProblem } from '../lib/errors.js';

export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering). */
export type Weekday = (typeof weekdays)[number];

export interface BusinessInterval {
  /** Local wall-clock time `HH:mm`. */
  start: string;
  /** Local wall-clock time `HH:mm`, after `start`; `24:00` means the end of the day. */
  end: string;
}

export interface BusinessCalendar {
  id: string;
  name: string;
  /** IANA zone, e.g. `Europe/Brussels`. */
  timeZone: string;
  /** Opening intervals per weekday; several a day are allowed (a lunch break), none = closed. */
  hours: Record<Weekday, BusinessInterval[]>;
  /** Public holidays to close on (`region`: a date-holidays state such as `VLG`, `WAL`, `BRU`, `DE`). */
  holidays: { country: 'BE'; region?: string } | null;
  /** Extra closure days, local dates `YYYY-MM-DD`. */
  closures: string[];
}

export interface Holiday {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  name: string;
}

const MINUTE = 60_000;
/** More consecutive closed days than this means the calendar never opens again. */
const MAX_CLOSED_DAYS = 3_700;
const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const belgianRegions = ['BRU', 'DE', 'VLG', 'WAL'] as const;
const BE_REGIONS: readonly string[] = belgianRegions;

/** Mon–Fri 09:00–17:00, Belgian public holidays, Europe/Brussels. */
export function defaultCalendar(name = 'Belgique'): BusinessCalendar {
  const day = (): BusinessInterval[] => [{ start: '09:00', end: '17:00' }];
  return {
    id: 'default',
    name,
    timeZone: 'Europe/Brussels',
    hours: { 1: day(), 2: day(), 3: day(), 4: day(), 5: day(), 6: [], 7: [] },
    holidays: { country: 'BE' },
    closures: [],
  };
}

interface Compiled {
  zone: string;
  /** Per weekday, sorted `[startMinute, endMinute]` pairs (minutes after local midnight). */
  hours: Map<number, Array<[number, number]>>;
  closures: Set<string>;
  holidays: BusinessCalendar['holidays'];
  /** Open intervals (epoch ms) per local day number, filled lazily. */
  days: Map<number, Array<[number, number]>>;
}

const compiledCalendars = new WeakMap<BusinessCalendar, Compiled>();

function minutesOf(time: string): number | null {
  const m = TIME.exec(time);
  if (!m) return null;
  return m[3] ? 24 * 60 : Number(m[1]) * 60 + Number(m[2]);
}

function problemsOf(cal: BusinessCalendar): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (typeof cal.timeZone !== 'string' || !IANAZone.isValidZone(cal.timeZone)) {
    problems.push({ path: 'timeZone', message: `"${String(cal.timeZone)}" is not an IANA time zone` });
  }
  let open = 0;
  for (const day of weekdays) {
    const intervals = cal.hours?.[day];
    if (intervals === undefined) {
      problems.push({ path: `hours.${day}`, message: 'missing (give an empty list for a closed day)' });
      continue;
    }
    const parsed: Array<[number, number, number]> = [];
    intervals.forEach((interval, i) => {
      const start = minutesOf(interval.start);
      const end = minutesOf(interval.end);
      if (start === null || start === 24 * 60)
        problems.push({ path: `hours.${day}.${i}.start`, message: 'expected HH:mm between 00:00 and 23:59', reason: { code: 'hour_range' } });
      if (end === null) problems.push({ path: `hours.${day}.${i}.end`, message: 'expected HH:mm between 00:01 and 24:00', reason: { code: 'hour_range' } });
      if (start !== null && end !== null && end <= start)
        problems.push({ path: `hours.${day}.${i}`, message: 'must end after it starts', reason: { code: 'ends_before_start' } });
      else if (start !== null && end !== null) parsed.push([start, end, i]);
    });
    parsed.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < parsed.length; i += 1) {
      const [prev, cur] = [parsed[i - 1], parsed[i]];
      if (prev && cur && cur[0] < prev[1])
        problems.push({ path: `hours.${day}.${cur[2]}`, message: 'overlaps another interval of the same day', reason: { code: 'overlap' } });
    }
    open += parsed.length;
  }
  if (open === 0) problems.push({ path: 'hours', message: 'the calendar is never open: give at least one opening interval' });
  if (cal.holidays !== null) {
    if (cal.holidays?.country !== 'BE') problems.push({ path: 'holidays.country', message: 'only BE is supported' });
    else if (cal.holidays.region !== undefined && !BE_REGIONS.includes(cal.holidays.region)) {
      problems.push({ path: 'holidays.region', message: `expected one of ${BE_REGIONS.join(', ')}` });
    }
  }
  (cal.closures ?? []).forEach((date, i) => {
    if (!LOCAL_DATE.test(date) || !DateTime.fromISO(date).isValid) problems.push({ path: `closures.${i}`, message: 'expected a date YYYY-MM-DD' });
  });
  return problems;
}

/** Throws a BadRequestError (with one field problem each) unless the calendar is usable. */
export function validateCalendar(cal: BusinessCalendar): void {
  const problems = problemsOf(cal);
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new BadRequestError(`The business calendar "${cal.name}" is not valid (${summary}).`, problems);
  }
}

// Callers that read calendars from the database get new objects on every request: the same content
// is compiled once (and keeps its per-day cache) rather than per request. Bounded: calendars are few.
const compiledByContent = new Map<string, Compiled>();

function compile(cal: BusinessCalendar): Compiled {
  const cached = compiledCalendars.get(cal);
  if (cached) return cached;
  const content = JSON.stringify([cal.timeZone, cal.hours, cal.closures, cal.holidays]);
  const same = compiledByContent.get(content);
  if (same) {
    compiledCalendars.set(cal, same);
    return same;
  }
  validateCalendar(cal);
  const hours = new Map<number, Array<[number, number]>>();
  for (const day of weekdays) {
    const pairs = cal.hours[day].map((i): [number, number] => [minutesOf(i.start) ?? 0, minutesOf(i.end) ?? 0]);
    hours.set(
      day,
      pairs.sort((a, b) => a[0] - b[0]),
    );
  }
  const compiled: Compiled = { zone: cal.timeZone, hours, closures: new Set(cal.closures), holidays: cal.holidays, days: new Map() };
  compiledCalendars.set(cal, compiled);
  if (compiledByContent.size >= 100) compiledByContent.delete(compiledByContent.keys().next().value as string);
  compiledByContent.set(content, compiled);
  return compiled;
}

/** Each Belgian region's or community's own holiday (MM-DD), closed when a calendar names the region. */
const regionalDays: Readonly<Record<string, string>> = { VLG: '07-11', WAL: '09-27', BRU: '05-08', DE: '11-15' };

// Public holidays per country, region, language and year: date-holidays recomputes its rules on every call.
const holidayYears = new Map<string, Map<string, Holiday[]>>();

function publicHolidays(country: string, region: string | undefined, year: number, lang: string): Map<string, Holiday[]> {
  const key = `${country}|${region ?? ''}|${lang}|${year}`;
  let byDate = holidayYears.get(key);
  if (!byDate) {
    const days = new Map<string, Holiday[]>();
    byDate = days;
    const source = region ? new Holidays(country, region) : new Holidays(country);
    // A region's own day (Wallonia's 27 September, Flanders' 11 July…) is an `observance` in date-holidays,
    // like Valentine's day, as are the days off of a region's civil servants: the region's own day is
    // kept, by its date (QA: choosing a region added no day at all).
    const own = region ? regionalDays[region] : undefined;
    source.getHolidays(year, lang).forEach((h) => {
      if (h.type !== 'public' && !(own && h.date.slice(5, 10) === own)) return;
      const date = h.date.slice(0, 10);
      days.set(date, [...(days.get(date) ?? []), { date, name: h.name }]);
    });
    holidayYears.set(key, byDate);
  }
  return byDate;
}

/** The public holidays the calendar closes on that local date (`YYYY-MM-DD`); names in `lang` (fr, nl, en). */
export function holidaysOn(localDate: string, cal: BusinessCalendar, lang = 'fr'): Holiday[] {
  if (!cal.holidays || !LOCAL_DATE.test(localDate)) return [];
  return publicHolidays(cal.holidays.country, cal.holidays.region, Number(localDate.slice(0, 4)), lang).get(localDate) ?? [];
}

/** The public holidays the calendar closes on from `from` to `to` (local dates, both included), in order. */
export function holidaysBetween(from: string, to: string, cal: BusinessCalendar, lang = 'fr'): Holiday[] {
  if (!cal.holidays || !LOCAL_DATE.test(from) || !LOCAL_DATE.test(to)) return [];
  const list: Holiday[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    for (const [date, holidays] of publicHolidays(cal.holidays.country, cal.holidays.region, year, lang)) {
      if (date >= from && date <= to) list.push(...holidays);
    }
  }
  return list.sort((a, b) => a.date.localeCompare(b.date));
}

const DAY_MS = 86_400_000;

/** A local date as a day number (days since 1970-01-01), so walking days is integer arithmetic. */
function localDayNumber(c: Compiled, ms: number): number {
  const local = DateTime.fromMillis(ms, { zone: c.zone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
}

/** The epoch-ms instant of a local wall-clock time on a local day (luxon moves a time skipped by DST forward). */
function wallClock(c: Compiled, dayNumber: number, minutes: number): number {
  if (minutes >= 24 * 60) return wallClock(c, dayNumber + 1, 0);
  const date = new Date(dayNumber * DAY_MS);
  const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(minutes / 60), minute: minutes % 60 };
  return DateTime.fromObject(local, { zone: c.zone }).toMillis();
}

/** Open intervals of one local day, in epoch ms (computed once per day and calendar). */
function openIntervals(c: Compiled, dayNumber: number): Array<[number, number]> {
  const cached = c.days.get(dayNumber);
  if (cached) return cached;
  const date = new Date(dayNumber * DAY_MS);
  const iso = date.toISOString().slice(0, 10);
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  let intervals: Array<[number, number]> = [];
  const holiday = c.holidays ? (publicHolidays(c.holidays.country, c.holidays.region, date.getUTCFullYear(), 'fr').get(iso)?.length ?? 0) > 0 : false;
  if (!holiday && !c.closures.has(iso)) {
    intervals = (c.hours.get(weekday) ?? [])
      .map(([s, e]): [number, number] => [wallClock(c, dayNumber, s), wallClock(c, dayNumber, e)])
      .filter(([a, b]) => b > a);
  }
  c.days.set(dayNumber, intervals);
  return intervals;
}

/** Walks days forward (step 1) or backward (step -1) from the day holding `ms`; throws when the calendar stays closed for years. */
function* days(c: Compiled, ms: number, step: 1 | -1): Generator<Array<[number, number]>> {
  let closedRun = 0;
  for (let day = localDayNumber(c, ms); ; day += step) {
    const intervals = openIntervals(c, day);
    closedRun = intervals.length === 0 ? closedRun + 1 : 0;
    if (closedRun > MAX_CLOSED_DAYS) throw new Error(`The business calendar stays closed for more than ${MAX_CLOSED_DAYS} days in a row.`);
    yield step === 1 ? intervals : [...intervals].reverse();
  }
}

function addMs(c: Compiled, start: number, ms: number): number {
  if (ms <= 0) return start;
  let remaining = ms;
  for (const intervals of days(c, start, 1)) {
    for (const [a, b] of intervals) {
      if (b <= start) continue;
      const from = Math.max(a, start);
      if (remaining <= b - from) return from + remaining;
      remaining -= b - from;
    }
  }
  throw new Error('unreachable');
}

function subtractMs(c: Compiled, end: number, ms: number): number {
  if (ms <= 0) return end;
  let remaining = ms;
  for (const intervals of days(c, end, -1)) {
    for (const [a, b] of intervals) {
      if (a >= end) continue;
      const to = Math.min(b, end);
      if (remaining <= to - a) return to - remaining;
      remaining -= to - a;
    }
  }
  throw new Error('unreachable');
}

function betweenMs(c: Compiled, from: number, to: number): number {
  let total = 0;
  const last = localDayNumber(c, to);
  for (let day = localDayNumber(c, from); day <= last; day += 1) {
    for (const [a, b] of openIntervals(c, day)) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  }
  return total;
}

function checkMinutes(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`Business minutes must be a finite number ≥ 0 (got ${minutes}).`);
  return Math.round(minutes * MINUTE);
}

/**
 * The instant `minutes` business minutes after `start`. When `start` is outside opening
 * hours the clock starts at the next opening. Ending exactly at a closing time returns that
 * closing time (Friday 16:00 + 60 → Friday 17:00, not Monday 09:00); zero minutes returns `start`.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  return new Date(addMs(compile(cal), start.getTime(), checkMinutes(minutes)));
}

/** The latest instant from which `minutes` business minutes run until `end` (the inverse of addBusinessMinutes). */
export function subtractBusinessMinutes(end: Date, minutes: number, cal: BusinessCalendar): Date {
  return new Date(subtractMs(compile(cal), end.getTime(), checkMinutes(minutes)));
}

/** Business minutes (exact, possibly fractional) between two instants; 0 when `b` is not after `a`. */
export function businessMinutesBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  if (b.getTime() <= a.getTime()) return 0;
  return betweenMs(compile(cal), a.getTime(), b.getTime()) / MINUTE;
}

/** Whether the calendar is open at that instant (opening time included, closing time excluded). */
export function isOpen(at: Date, cal: BusinessCalendar): boolean {
  const c = compile(cal);
  const t = at.getTime();
  return openIntervals(c, localDayNumber(c, t)).some(([a, b]) => a <= t && t < b);
}

/** The first instant at or after `at` when the calendar is open (`at` itself when open). */
export function nextOpening(at: Date, cal: BusinessCalendar): Date {
  const c = compile(cal);
  const t = at.getTime();
  for (const intervals of days(c, t, 1)) {
    for (const [a, b] of intervals) if (b > t) return new Date(Math.max(a, t));
  }
  throw new Error('unreachable');
}
