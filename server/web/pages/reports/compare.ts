/**
 * The pilot comparison: the same figures for two offices over one period
 * (`mode=offices&a=<office>&b=<office>`), or for two periods
 * (`mode=periods&from=…&to=…&from2=…&to2=…`, optionally one office). Without a choice, two
 * periods: this month so far against the same days of the month before (a chosen period against
 * the one just before it); offices chosen without periods: the viewer's office against the next one.
 * Periods are shown in time order, the earlier as A: "B − A" is then the change since.
 */
import { DateTime } from 'luxon';
import { intlTags } from '../../../lib/i18n.js';
import type { StaffActor } from '../../../auth/actor.js';
import { seesPartOf } from '../../../reports/access.js';
import type { Figures } from '../../../reports/compute.js';
import { loadReports, type ReportDataset } from '../../../reports/load.js';
import { filterParams, isProblem, parseFilters, resolvePeriod, type FilterProblem, type ReportFilters, type ReportPeriod } from '../../../reports/period.js';
import type { ReportTable } from '../../../reports/tables.js';
import type { Choice } from './form.js';
import { compareView, figuresOf, officeLabel, withoutPartialRates, type ChartSpec, type ViewContext } from './report.view.js';

export type CompareMode = 'offices' | 'periods';

export interface CompareForm {
  mode: CompareMode;
  byOffices: boolean;
  officesA: Choice[];
  officesB: Choice[];
  /** The office of a two-period comparison (all offices by default). */
  office: Choice[];
  tiers: Choice[];
  teams: Choice[];
  fromDate: string;
  toDate: string;
  from2Date: string;
  to2Date: string;
  errors: Record<string, string>;
}

export interface CompareSideView {
  /** The column's heading (an office seen in part is marked so). */
  name: string;
  /** The office or period without the mark, for sentences. */
  plainName: string;
  /** A supervisor sees only the escalated tickets of another office. */
  partial: boolean;
  figures: Figures;
}

export interface Comparison {
  mode: CompareMode;
  filters: [ReportFilters, ReportFilters];
  periods: [ReportPeriod, ReportPeriod];
  sides: [CompareSideView, CompareSideView];
  table: ReportTable;
  charts: ChartSpec[];
  form: CompareForm;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 40) : '');

function rangeLabel(p: ReportPeriod, c: Pick<ViewContext, 'locale'>, zone: string): string {
  const tag = intlTags[c.locale];
  const show = (d: string) => DateTime.fromISO(d, { zone }).setLocale(tag).toLocaleString({ day: 'numeric', month: 'short', year: 'numeric' });
  return `${show(p.fromDate)} – ${show(p.toDate)}`;
}

/** The period just before `p`, as long as it; for "this month", the same days of the month before. */
function previousPeriod(p: ReportPeriod, zone: string): { from: string; to: string } {
  const first = DateTime.fromISO(p.fromDate, { zone });
  if (p.preset === 'month') {
    const start = first.minus({ months: 1 });
    const end = DateTime.min(start.plus({ days: p.days - 1 }), start.endOf('month'));
    return { from: start.toISODate() ?? '', to: end.toISODate() ?? '' };
  }
  return { from: first.minus({ days: p.days }).toISODate() ?? '', to: first.minus({ days: 1 }).toISODate() ?? '' };
}

function form(
  query: Record<string, unknown>,
  mode: CompareMode,
  chosen: { a: string; b: string; office: string; first: ReportPeriod | null; second: ReportPeriod | null },
  c: ViewContext,
  problems: FilterProblem[],
): CompareForm {
  const t = c.t;
  const offices = (current: string, withAll: boolean): Choice[] => [
    ...(withAll ? [{ value: '', label: t('reports.filter.all_offices'), selected: current === '' }] : []),
    ...c.catalog.offices.map((o) => ({ value: o.value, label: o.label, selected: o.value === current })),
  ];
  const tier = text(query.tier);
  const team = text(query.team);
  return {
    mode,
    byOffices: mode === 'offices',
    officesA: offices(chosen.a, false),
    officesB: offices(chosen.b, false),
    office: offices(chosen.office, true),
    tiers: [
      { value: '', label: t('reports.filter.all_tiers'), selected: tier === '' },
      ...[1, 2, 3].map((n) => ({ value: String(n), label: t(`tier.long_${n}`), selected: tier === String(n) })),
    ],
    teams: [
      { value: '', label: t('reports.filter.all_teams'), selected: team === '' },
      ...c.catalog.teams.map((tm) => ({ value: tm.value, label: tm.label, selected: tm.value === team })),
    ],
    fromDate: chosen.first?.fromDate ?? text(query.from),
    toDate: chosen.first?.toDate ?? text(query.to),
    from2Date: chosen.second?.fromDate ?? text(query.from2),
    to2Date: chosen.second?.toDate ?? text(query.to2),
    errors: Object.fromEntries(problems.map((p) => [p.field, t(p.key, p.vars)])),
  };
}

/** Reads the comparison's parameters, loads both sides and builds the table and charts. */
export async function loadComparison(
  actor: StaffActor,
  query: Record<string, unknown>,
  now: Date,
  c: ViewContext,
  zone: string,
): Promise<Comparison | { problems: FilterProblem[]; form: CompareForm }> {
  // Without a choice, two periods (this one and the one before): two offices would put a supervisor's
  // own office beside one they see only in part.
  const mode: CompareMode = query.mode === 'offices' || (query.mode === undefined && (query.a !== undefined || query.b !== undefined)) ? 'offices' : 'periods';
  const known = new Set(c.catalog.offices.map((o) => o.value));
  const own = actor.office && known.has(String(actor.office)) ? String(actor.office) : (c.catalog.offices[0]?.value ?? '');
  const a = known.has(text(query.a)) ? text(query.a) : own;
  const b = known.has(text(query.b)) ? text(query.b) : (c.catalog.offices.find((o) => o.value !== a)?.value ?? a);
  // Two periods of a supervisor's own office unless they chose otherwise: all offices would be partial for them.
  const ownByDefault = query.office === undefined && actor.office && seesPartOf(actor, null) && known.has(String(actor.office)) ? String(actor.office) : '';
  const office = mode === 'periods' ? (known.has(text(query.office)) ? text(query.office) : ownByDefault) : '';
  const base = parseFilters(
    {
      // Nothing asked: this month so far, against the same days of the month before.
      preset: query.preset ?? (query.from === undefined && query.to === undefined ? 'month' : undefined),
      from: query.from,
      to: query.to,
      tier: query.tier,
      team: query.team,
      office: office || undefined,
    },
    now,
    zone,
  );
  const problems: FilterProblem[] = [];
  let first: ReportFilters | null = null;
  let second: ReportFilters | null = null;
  if (isProblem(base)) problems.push(...(Array.isArray(base) ? base : [base]));
  else if (mode === 'offices') {
    if (a === b) problems.push({ field: 'b', key: 'reports.error.same_office' });
    first = { ...base, office: a };
    second = { ...base, office: b };
  } else {
    const fallback = previousPeriod(base.period, zone);
    const hasSecond = Boolean(text(query.from2) || text(query.to2));
    const period2 = resolvePeriod(
      { from: hasSecond ? text(query.from2) || undefined : fallback.from, to: hasSecond ? text(query.to2) || undefined : fallback.to },
      now,
      zone,
    );
    if ('key' in period2) problems.push({ ...period2, field: period2.field === 'from' ? 'from2' : 'to2' });
    else {
      first = base;
      second = { ...base, period: period2 };
    }
  }
  const chosen = { a, b, office, first: first?.period ?? null, second: second?.period ?? null };
  if (problems.length > 0 || !first || !second) return { problems, form: form(query, mode, chosen, c, problems) };

  const [da, db] = await loadReports(actor, [first, second], now);
  if (!da || !db) throw new Error('a side of the comparison is missing');
  const side = (f: ReportFilters, data: ReportDataset): CompareSideView => {
    const plainName = mode === 'offices' ? (c.catalog.officeName(f.office) ?? '?') : rangeLabel(f.period, c, zone);
    // A supervisor's view of another office is marked in the column itself, not only in the notice above.
    const name = mode === 'offices' ? officeLabel(plainName, f.office, { t: c.t, partial: (o) => seesPartOf(actor, o) }) : plainName;
    return {
      name,
      plainName,
      partial: seesPartOf(actor, f.office),
      figures: seesPartOf(actor, f.office) ? withoutPartialRates(figuresOf(data)) : figuresOf(data),
    };
  };
  // Two periods read left to right in time, so B − A is the change since the earlier one: by default
  // this month so far is compared with the same days of the month before, which came first.
  const later = mode === 'periods' && second.period.fromDate < first.period.fromDate;
  const sides: [CompareSideView, CompareSideView] = later ? [side(second, db), side(first, da)] : [side(first, da), side(second, db)];
  const view = compareView(sides[0], sides[1], c, mode);
  return {
    mode,
    filters: [first, second],
    periods: [first.period, second.period],
    sides,
    table: view.table,
    charts: view.charts,
    form: form(query, mode, chosen, c, []),
  };
}

/** The query string that gives this comparison again (for its CSV). */
export function compareParams(cmp: Comparison): URLSearchParams {
  const [first, second] = cmp.filters;
  const params = filterParams({ ...first, office: cmp.mode === 'periods' ? first.office : null });
  params.set('mode', cmp.mode);
  if (cmp.mode === 'offices') {
    params.set('a', first.office ?? '');
    params.set('b', second.office ?? '');
  } else {
    params.set('from2', second.period.fromDate);
    params.set('to2', second.period.toDate);
  }
  return params;
}
