/**
 * The supervisors' reports:
 *   GET /staff/reports            figures per office, tier, team and day/week, with charts;
 *   GET /staff/reports/compare    two offices, or two periods, side by side (the pilot comparison);
 *   GET /staff/reports.csv        one table as CSV (`table=offices|tiers|teams|periods|sla|satisfaction|compare`,
 *                                 with the same filters as the page it comes from).
 * Supervisors and administrators only (403 otherwise); each report covers the tickets
 * the person may read (reports/access.ts). Filters are GET parameters, so every view has an address.
 */
import { z } from 'zod';
import { Router, type Request, type Response } from 'express';
import type { StaffActor } from '../../../auth/actor.js';
import type { Config } from '../../../config.js';
import { BadRequestError, ForbiddenError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { mayReadReports, seesPartOf } from '../../../reports/access.js';
import { csvDialect, csvFileName, csvSeparators, tableCsv } from '../../../reports/csv.js';
import { loadReport } from '../../../reports/load.js';
import { filterParams, isProblem, parseFilters, type FilterProblem, type ReportPeriod } from '../../../reports/period.js';
import { tableNames, type ReportTable, type TableName } from '../../../reports/tables.js';
import { loadCatalog, type PageCatalog } from '../catalog.js';
import { pageActor, requirePageActor } from '../page-auth.js';
import { renderForbidden, renderStaffPage, type StaffPageTools } from '../staff-page.js';
import { compareParams, loadComparison, type Comparison } from './compare.js';
import { filterForm, howTo, problemText } from './form.js';
import { reportView, type ReportView, type ViewContext } from './report.view.js';

export const reportsPath = '/staff/reports';

interface Section {
  id: string;
  title: string;
  intro: string | null;
  chart: { id: string; label: string } | null;
  table: ReportTable;
  tableId: string;
  csvHref: string;
  empty: string | null;
}

function csvHref(params: URLSearchParams, table: TableName): string {
  const p = new URLSearchParams(params);
  p.set('table', table);
  return `${reportsPath}.csv?${p.toString()}`;
}

function sections(view: ReportView, params: URLSearchParams, t: (key: string, vars?: Record<string, unknown>) => string): Section[] {
  const section = (name: Exclude<TableName, 'compare'>, chart: boolean, empty: string | null = null): Section => ({
    id: `section-${name}`,
    title: t(name === 'periods' ? `reports.section.periods_${view.periodUnit}` : `reports.section.${name}`),
    intro:
      ['offices', 'tiers', 'teams'].includes(name) && view.partialOffices
        ? `${t(`reports.intro.${name}`)} ${t('reports.intro.partial_rates')}`
        : t(`reports.intro.${name}`),
    chart: chart ? { id: `chart-${name}`, label: t('reports.chart_label', { title: t(`reports.chart.${name}`) }) } : null,
    table: view.tables[name],
    tableId: `table-${name}`,
    csvHref: csvHref(params, name),
    empty,
  });
  return [
    section('offices', view.volume > 0),
    section('tiers', view.volume > 0),
    section('periods', view.volume > 0),
    section('teams', false),
    section('sla', false, view.noSla ? t('reports.sla_none') : null),
    section(
      'satisfaction',
      view.tables.satisfaction.rows.some((r) => Number(r.cells[1]?.value ?? 0) > 0),
    ),
  ];
}

async function refuse(req: Request, res: Response, tools: StaffPageTools): Promise<void> {
  await renderForbidden(req, res, tools, 'board', 'reports', { reportsCurrent: true });
}

/**
 * What the reader sees whole: which offices are partial for them and, on a report of every office,
 * their own, which the key figures count (report.view.ts). A report of one office has only that office.
 */
function readerScope(actor: StaffActor, office: string | null): Pick<ViewContext, 'partial' | 'ownOffice'> {
  return {
    partial: (o) => o !== null && seesPartOf(actor, o),
    ownOffice: office === null && actor.office ? String(actor.office) : null,
  };
}

function scopeNote(actor: StaffActor, catalog: PageCatalog, office: string | null, t: ViewContext['t']): string | null {
  if (!seesPartOf(actor, office)) return null;
  const own = catalog.officeName(actor.office ? String(actor.office) : null);
  return own ? t('reports.scope_supervisor', { office: own }) : t('reports.scope_escalated');
}

export function reportRoutes(config: Config, tools: StaffPageTools): Router {
  const router = Router();

  const context = async (res: Response): Promise<ViewContext> => ({
    t: res.locals.t,
    locale: res.locals.locale,
    timeZone: config.timeZone,
    catalog: await loadCatalog(res.locals.locale),
  });

  router.get(reportsPath, requirePageActor, async (req, res) => {
    const actor = pageActor(req);
    if (!mayReadReports(actor)) return refuse(req, res, tools);
    const c = await context(res);
    const t = c.t;
    const now = new Date();
    const filters = parseFilters(req.query, now, config.timeZone);
    const base = { title: t('reports.title'), reportsCurrent: true, script: 'reports', howTo: howTo(t), compareHref: `${reportsPath}/compare` };
    if (isProblem(filters)) {
      const problems = Array.isArray(filters) ? filters : [filters];
      await renderStaffPage(
        req,
        res,
        tools,
        'staff-reports',
        'board',
        { ...base, form: filterForm(req.query, null, c, problems), problems: problems.map((p) => problemText(p, t)) },
        400,
      );
      return;
    }
    const data = await loadReport(actor, filters, now);
    const view = reportView(data, filters.period, { ...c, ...readerScope(actor, filters.office) });
    const params = filterParams(filters);
    await renderStaffPage(req, res, tools, 'staff-reports', 'board', {
      ...base,
      form: filterForm(req.query, filters, c, []),
      view,
      sections: view.empty ? [] : sections(view, params, t),
      chartData: view.empty ? null : { charts: view.charts },
      scopeNote: scopeNote(actor, c.catalog, filters.office, t),
      periodNote: periodNote(filters.period, now, t),
      truncated: data.truncated,
      compareHref: `${reportsPath}/compare?${params.toString()}`,
    });
  });

  router.get(`${reportsPath}/compare`, requirePageActor, async (req, res) => {
    const actor = pageActor(req);
    if (!mayReadReports(actor)) return refuse(req, res, tools);
    const c = await context(res);
    const t = c.t;
    const now = new Date();
    const comparison = await loadComparison(actor, req.query, now, c, config.timeZone);
    const base = { title: t('reports.compare.title'), reportsCurrent: true, script: 'reports', reportsHref: reportsPath };
    if ('problems' in comparison) {
      await renderStaffPage(
        req,
        res,
        tools,
        'staff-reports-compare',
        'board',
        { ...base, compare: comparison.form, problems: comparison.problems.map((p) => problemText(p, t)) },
        400,
      );
      return;
    }
    await renderStaffPage(req, res, tools, 'staff-reports-compare', 'board', {
      ...base,
      compare: comparison.form,
      result: comparisonResult(comparison, t, (id) => c.catalog.officeName(id), now),
      chartData: { charts: comparison.charts },
      csvHref: csvHref(compareParams(comparison), 'compare'),
    });
  });

  router.get(`${reportsPath}.csv`, requirePageActor, async (req, res) => {
    const actor = pageActor(req);
    if (!mayReadReports(actor)) throw new ForbiddenError('Only supervisors and administrators read reports.');
    const table = String(req.query.table ?? '');
    if (!(tableNames as readonly string[]).includes(table))
      throw new BadRequestError(`table must be one of ${tableNames.join(', ')}.`, [{ path: 'table', message: 'unknown table' }]);
    const c = await context(res);
    const now = new Date();
    // `sep=comma|semicolon`; by default what Excel expects in the page's language (semicolons in French and Dutch).
    const sep = z.enum(csvSeparators).optional().catch(undefined).parse(req.query.sep);
    const dialect = csvDialect(res.locals.locale, sep);
    let csv: string;
    let range: { fromDate: string; toDate: string };
    if (table === 'compare') {
      const comparison = await loadComparison(actor, req.query, now, c, config.timeZone);
      if ('problems' in comparison) throw badFilters(comparison.problems, c.t);
      csv = tableCsv(comparison.table, dialect);
      range = comparison.periods[0];
    } else {
      const filters = parseFilters(req.query, now, config.timeZone);
      if (isProblem(filters)) throw badFilters(Array.isArray(filters) ? filters : [filters], c.t);
      const view = reportView(await loadReport(actor, filters, now), filters.period, { ...c, ...readerScope(actor, filters.office) });
      csv = tableCsv(view.tables[table as Exclude<TableName, 'compare'>], dialect);
      range = filters.period;
    }
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${csvFileName(table, range.fromDate, range.toDate)}"`);
    res.set('X-Content-Type-Options', 'nosniff');
    res.send(csv);
  });

  return router;
}

function badFilters(problems: FilterProblem[], t: ViewContext['t']): BadRequestError {
  return new BadRequestError(
    'These report filters are not valid.',
    problems.map((p) => ({ path: p.field, message: problemText(p, t).text })),
  );
}

/**
 * What a supervisor is told about figures they see in part: per office compared; for two periods, once
 * for the office chosen (all offices: theirs whole, the others' escalated tickets only).
 */
function partialNotices(c: Comparison, t: Translate, officeName: (id: string | null) => string | null): string[] {
  if (c.mode === 'offices') return c.sides.filter((s) => s.partial).map((s) => t('reports.compare.partial', { name: s.plainName }));
  if (!c.sides[0].partial) return [];
  const office = c.filters[0].office;
  return [office ? t('reports.compare.partial', { name: officeName(office) ?? '?' }) : t('reports.compare.partial_periods')];
}

/**
 * What a period's figures cannot say yet: a period not over counts up to now, and "still open at the
 * end" is what is open now (QA: a month of next year "had" 29 tickets open at its end).
 */
function periodNote(p: ReportPeriod, now: Date, t: Translate): string | null {
  if (p.from.getTime() > now.getTime()) return t('reports.period_future');
  if (p.to.getTime() > now.getTime()) return t('reports.period_unfinished');
  return null;
}

/** Two periods side by side: counts compare only over the same length, and common days count on both sides. */
function periodsNotices(c: Comparison, now: Date, t: Translate): string[] {
  const notes = c.periods.map((p) => periodNote(p, now, t)).filter((n): n is string => n !== null);
  if (c.mode !== 'periods') return [...new Set(notes)];
  const days = (p: ReportPeriod) => Math.round((p.to.getTime() - p.from.getTime()) / 86_400_000);
  const [a, b] = c.periods;
  if (days(a) !== days(b)) notes.push(t('reports.compare.unequal_periods', { first: days(a), second: days(b) }));
  if (a.from.getTime() < b.to.getTime() && b.from.getTime() < a.to.getTime()) notes.push(t('reports.compare.overlapping_periods'));
  return [...new Set(notes)];
}

function comparisonResult(c: Comparison, t: Translate, officeName: (id: string | null) => string | null, now: Date) {
  return {
    notices: [...periodsNotices(c, now, t), ...partialNotices(c, t, officeName)],
    table: c.table,
    tableId: 'table-compare',
    mode: c.mode,
    sides: c.sides.map((s) => ({ name: s.name, plainName: s.plainName, partial: s.partial, volume: s.figures.volume })),
    chartHours: 'chart-compare-hours',
    chartRates: 'chart-compare-rates',
  };
}
