/**
 * The report tables as one model for both outputs: the page shows each cell's text
 * (formatted in the page's language: "3,5 h", "87 %", "—" for no data) and the CSV
 * export writes each cell's raw value (hours with two decimals, percentages from 0 to
 * 100, empty for no data) under the same column titles.
 */
import { intlTags, type Locale, type Translate } from '../lib/i18n.js';
import type { Figures, PeriodRow, PlacementRow, Satisfaction, SlaKind, SlaTally } from './compute.js';
import { slaKinds } from './compute.js';

export type CellKind = 'text' | 'count' | 'hours' | 'percent' | 'score';
export type TableName = 'offices' | 'tiers' | 'teams' | 'periods' | 'sla' | 'satisfaction' | 'compare';
export const tableNames: readonly TableName[] = ['offices', 'tiers', 'teams', 'periods', 'sla', 'satisfaction', 'compare'];

export interface ReportColumn {
  key: string;
  label: string;
  /** The CSV's title when it says more than the page's: the unit of a duration, which the page's cells say themselves ("44 min", "3,5 h"). */
  csvLabel?: string;
  numeric: boolean;
  /** In the CSV only: what the page says another way (an office seen in part is marked in its name). */
  csvOnly?: boolean;
}

export interface ReportCell {
  text: string;
  /** What the CSV holds: a number, a text, or null (empty). */
  value: number | string | null;
  numeric: boolean;
  /** A header cell of its row (the row's name). */
  head: boolean;
  /** In the CSV only (its column is). */
  csvOnly?: boolean;
}

export interface ReportRow {
  cells: ReportCell[];
  total: boolean;
}

export interface ReportTable {
  name: TableName;
  columns: ReportColumn[];
  rows: ReportRow[];
}

export interface CellFormat {
  locale: Locale;
  t: Translate;
  cell(kind: CellKind, value: number | string | null, head?: boolean): ReportCell;
  /** A signed difference, for the comparison (percentages in points). */
  difference(kind: CellKind, a: number | null, b: number | null): ReportCell;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function cellFormat(locale: Locale, t: Translate): CellFormat {
  const tag = intlTags[locale];
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const signed = (text: string, v: number) => (v > 0 ? `+${text}` : v < 0 ? `−${text.replace(/^[-−]/, '')}` : text);
  const none = (numeric: boolean, head: boolean): ReportCell => ({ text: '—', value: null, numeric, head });
  // Under an hour a duration reads in minutes: "0,2 h" says little and "0,0 h" looked like no wait at all.
  const duration = (hours: number): string =>
    hours < 1 ? t('wording.reports.minutes', { value: integer.format(Math.round(hours * 60)) }) : t('reports.unit.hours', { value: oneDecimal.format(hours) });
  // A figure under a minute is there (an answer given out of hours counts 0 business minutes, so a
  // median is often 0): "< 1 min", not "0 min", which read as missing data. A difference of 0 stays 0.
  const measured = (hours: number): string => (hours * 60 < 1 ? t('reports.unit.under_minute') : duration(hours));
  return {
    locale,
    t,
    cell(kind, value, head = false) {
      if (kind === 'text') return { text: String(value ?? '—'), value: value ?? null, numeric: false, head };
      if (value === null || typeof value === 'string') return none(true, head);
      switch (kind) {
        case 'count':
          return { text: integer.format(value), value, numeric: true, head };
        case 'hours':
          return { text: measured(value), value: round(value, 2), numeric: true, head };
        case 'percent':
          return { text: percent.format(value), value: round(value * 100, 1), numeric: true, head };
        case 'score':
          return { text: oneDecimal.format(value), value: round(value, 2), numeric: true, head };
      }
    },
    difference(kind, a, b) {
      if (a === null || b === null || kind === 'text') return none(true, false);
      const d = b - a;
      switch (kind) {
        case 'count':
          return { text: signed(integer.format(Math.abs(d)), d), value: d, numeric: true, head: false };
        case 'hours':
          return { text: signed(duration(Math.abs(d)), d), value: round(d, 2), numeric: true, head: false };
        case 'percent':
          return {
            text: signed(t('reports.unit.points', { value: integer.format(Math.abs(d * 100)) }), round(d * 100, 0)),
            value: round(d * 100, 1),
            numeric: true,
            head: false,
          };
        case 'score':
          return { text: signed(oneDecimal.format(Math.abs(d)), round(d, 1)), value: round(d, 2), numeric: true, head: false };
      }
    },
  };
}

interface ColumnSpec<R> {
  key: string;
  kind: CellKind;
  get(row: R): number | string | null;
  /** The page's text of a cell when it is not the CSV's value (a row's name marked partial, a day's name). */
  text?(row: R): string;
  csvOnly?: boolean;
}

/** A column's titles: durations' units on the CSV's (its cells are bare numbers of hours), in the cells on the page. */
function column(f: CellFormat, key: string, kind: CellKind, label = f.t(`reports.col.${key}`)): ReportColumn {
  return { key, label, numeric: kind !== 'text', ...(kind === 'hours' ? { csvLabel: f.t('reports.col_csv_hours', { label }) } : {}) };
}

function build<R>(name: TableName, f: CellFormat, specs: ColumnSpec<R>[], rows: Array<{ row: R; total?: boolean }>): ReportTable {
  return {
    name,
    columns: specs.map((s) => ({ ...column(f, s.key, s.kind), ...(s.csvOnly ? { csvOnly: true } : {}) })),
    rows: rows.map(({ row, total }) => ({
      total: Boolean(total),
      cells: specs.map((s, i) => {
        const cell = f.cell(s.kind, s.get(row), i === 0);
        return { ...cell, ...(s.text ? { text: s.text(row) } : {}), ...(s.csvOnly ? { csvOnly: true } : {}) };
      }),
    })),
  };
}

const slaRate = (fig: Figures, kind: SlaKind): number | null => fig.sla?.[kind].rate ?? null;

/** The columns every group of tickets (an office, the total, one side of a comparison) has. */
function figureColumns<R>(figures: (row: R) => Figures): ColumnSpec<R>[] {
  return [
    { key: 'volume', kind: 'count', get: (r) => figures(r).volume },
    { key: 'resolved', kind: 'count', get: (r) => figures(r).resolved },
    { key: 'spam', kind: 'count', get: (r) => figures(r).spam },
    { key: 'frt_median', kind: 'hours', get: (r) => figures(r).firstResponse.median },
    { key: 'frt_p90', kind: 'hours', get: (r) => figures(r).firstResponse.p90 },
    { key: 'resolution_median', kind: 'hours', get: (r) => figures(r).resolution.median },
    { key: 'resolution_p90', kind: 'hours', get: (r) => figures(r).resolution.p90 },
    { key: 'sla_first_response', kind: 'percent', get: (r) => slaRate(figures(r), 'first_response') },
    { key: 'sla_resolution', kind: 'percent', get: (r) => slaRate(figures(r), 'resolution') },
    { key: 'escalation_rate', kind: 'percent', get: (r) => figures(r).escalationRate },
    { key: 'bounce_rate', kind: 'percent', get: (r) => figures(r).bounceRate },
    { key: 'reassignments', kind: 'count', get: (r) => figures(r).reassignments },
    { key: 'backlog', kind: 'count', get: (r) => figures(r).backlog },
    { key: 'satisfaction', kind: 'score', get: (r) => figures(r).satisfaction.average },
    { key: 'ratings', kind: 'count', get: (r) => figures(r).satisfaction.count },
  ];
}

/**
 * One row per office and the total. An office the reader sees only in part (a supervisor and another
 * office: its escalated tickets) is marked in its name on the page ("Bruxelles (partiel)"); the CSV
 * keeps the bare name, which matches the office's name elsewhere, and says it in a column of its own
 * ("Chiffres complets": oui / non) that a spreadsheet can filter on, as the total that includes it.
 */
export function officesTable(
  f: CellFormat,
  rows: Array<{ name: string; label?: string; partial?: boolean; figures: Figures }>,
  total: Figures,
  /** How the page names the total: marked partial like its rows when it adds some seen in part (QA). */
  totalLabel?: (name: string, partial: boolean) => string,
): ReportTable {
  type Row = { name: string; label?: string; partial?: boolean; figures: Figures };
  const specs: ColumnSpec<Row>[] = [
    { key: 'office', kind: 'text', get: (r) => r.name, text: (r) => r.label ?? r.name },
    { key: 'complete', kind: 'text', get: (r) => f.t(r.partial ? 'reports.complete.no' : 'reports.complete.yes'), csvOnly: true },
    ...figureColumns<Row>((r) => r.figures),
  ];
  const partial = rows.some((r) => r.partial);
  const name = f.t('reports.total');
  const totalRow = { name, partial, figures: total, ...(totalLabel ? { label: totalLabel(name, partial) } : {}) };
  return build('offices', f, specs, [...rows.map((row) => ({ row })), { row: totalRow, total: true }]);
}

/** Per tier or team; as by office, a row seen in part is labelled so on the page (`label`) and said in a CSV column. */
export function placementTable(
  name: 'tiers' | 'teams',
  f: CellFormat,
  rows: Array<{ name: string; label?: string; partial?: boolean; row: PlacementRow }>,
): ReportTable {
  type Row = { name: string; label?: string; partial?: boolean; row: PlacementRow };
  const specs: ColumnSpec<Row>[] = [
    { key: name === 'tiers' ? 'tier' : 'team', kind: 'text', get: (r) => r.name, text: (r) => r.label ?? r.name },
    { key: 'complete', kind: 'text', get: (r) => f.t(r.partial ? 'reports.complete.no' : 'reports.complete.yes'), csvOnly: true },
    { key: 'passed', kind: 'count', get: (r) => r.row.tickets },
    { key: 'time_median', kind: 'hours', get: (r) => r.row.time.median },
    { key: 'time_p90', kind: 'hours', get: (r) => r.row.time.p90 },
    { key: 'resolved_here', kind: 'count', get: (r) => r.row.resolvedHere },
    { key: 'escalated_out_rate', kind: 'percent', get: (r) => r.row.escalationRate },
    { key: 'escalations_in', kind: 'count', get: (r) => r.row.escalationsIn },
    { key: 'bounce_rate', kind: 'percent', get: (r) => r.row.bounceRate },
    { key: 'reassigned_out', kind: 'count', get: (r) => r.row.reassignedOut },
    { key: 'backlog', kind: 'count', get: (r) => r.row.backlog },
    { key: 'satisfaction', kind: 'score', get: (r) => r.row.satisfaction.average },
    { key: 'ratings', kind: 'count', get: (r) => r.row.satisfaction.count },
  ];
  return build(
    name,
    f,
    specs,
    rows.map((row) => ({ row })),
  );
}

/** The page names each day or week ("sam. 7 nov."); the CSV writes its first day as an ISO date (2026-11-07), which a spreadsheet sorts and reads as a date. */
export function periodsTable(f: CellFormat, rows: Array<{ name: string; row: PeriodRow }>): ReportTable {
  type Row = { name: string; row: PeriodRow };
  const specs: ColumnSpec<Row>[] = [
    { key: 'period', kind: 'text', get: (r) => r.row.key, text: (r) => r.name },
    { key: 'created', kind: 'count', get: (r) => r.row.created },
    { key: 'resolved', kind: 'count', get: (r) => r.row.resolved },
    { key: 'spam', kind: 'count', get: (r) => r.row.spam },
    { key: 'escalations', kind: 'count', get: (r) => r.row.escalations },
    { key: 'frt_median', kind: 'hours', get: (r) => r.row.firstResponse.median },
    { key: 'resolution_median', kind: 'hours', get: (r) => r.row.resolution.median },
  ];
  return build(
    'periods',
    f,
    specs,
    rows.map((row) => ({ row })),
  );
}

/** One row per deadline kind; no rows when the tickets carry no SLA data (the page says so). */
export function slaTable(f: CellFormat, sla: Record<SlaKind, SlaTally> | null): ReportTable {
  type Row = { kind: SlaKind; tally: SlaTally };
  const specs: ColumnSpec<Row>[] = [
    { key: 'deadline', kind: 'text', get: (r) => f.t(`reports.sla_kind.${r.kind}`) },
    { key: 'met', kind: 'count', get: (r) => r.tally.met },
    { key: 'breached', kind: 'count', get: (r) => r.tally.breached },
    { key: 'pending', kind: 'count', get: (r) => r.tally.pending },
    { key: 'attainment', kind: 'percent', get: (r) => r.tally.rate },
  ];
  return build('sla', f, specs, sla ? slaKinds.map((kind) => ({ row: { kind, tally: sla[kind] } })) : []);
}

export function satisfactionTable(f: CellFormat, rows: Array<{ name: string; label?: string; partial?: boolean; satisfaction: Satisfaction }>): ReportTable {
  type Row = { name: string; label?: string; partial?: boolean; satisfaction: Satisfaction };
  const specs: ColumnSpec<Row>[] = [
    { key: 'resolving_tier', kind: 'text', get: (r) => r.name, text: (r) => r.label ?? r.name },
    { key: 'complete', kind: 'text', get: (r) => f.t(r.partial ? 'reports.complete.no' : 'reports.complete.yes'), csvOnly: true },
    { key: 'ratings', kind: 'count', get: (r) => r.satisfaction.count },
    { key: 'satisfaction', kind: 'score', get: (r) => r.satisfaction.average },
    ...[1, 2, 3, 4, 5].map((score): ColumnSpec<Row> => ({ key: `score_${score}`, kind: 'count', get: (r) => r.satisfaction.distribution[score - 1] ?? 0 })),
  ];
  return build(
    'satisfaction',
    f,
    specs,
    rows.map((row) => ({ row })),
  );
}

/** The figures compared, in order, with how each is shown. */
export const comparedFigures: ReadonlyArray<{ key: string; kind: CellKind; get(fig: Figures): number | null }> = [
  { key: 'volume', kind: 'count', get: (x) => x.volume },
  { key: 'resolved', kind: 'count', get: (x) => x.resolved },
  { key: 'spam', kind: 'count', get: (x) => x.spam },
  { key: 'frt_median', kind: 'hours', get: (x) => x.firstResponse.median },
  { key: 'frt_p90', kind: 'hours', get: (x) => x.firstResponse.p90 },
  { key: 'resolution_median', kind: 'hours', get: (x) => x.resolution.median },
  { key: 'resolution_p90', kind: 'hours', get: (x) => x.resolution.p90 },
  { key: 'sla_first_response', kind: 'percent', get: (x) => slaRate(x, 'first_response') },
  { key: 'sla_resolution', kind: 'percent', get: (x) => slaRate(x, 'resolution') },
  { key: 'escalation_rate', kind: 'percent', get: (x) => x.escalationRate },
  { key: 'bounce_rate', kind: 'percent', get: (x) => x.bounceRate },
  { key: 'reassignments', kind: 'count', get: (x) => x.reassignments },
  { key: 'backlog', kind: 'count', get: (x) => x.backlog },
  { key: 'satisfaction', kind: 'score', get: (x) => x.satisfaction.average },
  { key: 'ratings', kind: 'count', get: (x) => x.satisfaction.count },
  { key: 'tier1_median', kind: 'hours', get: (x) => x.tierTime[1].median },
  { key: 'tier2_median', kind: 'hours', get: (x) => x.tierTime[2].median },
  { key: 'tier3_median', kind: 'hours', get: (x) => x.tierTime[3].median },
];

/** Figures down, the two sides across, then B − A. */
export function compareTable(
  f: CellFormat,
  a: { name: string; figures: Figures },
  b: { name: string; figures: Figures },
  differenceLabel = f.t('reports.col.difference'),
): ReportTable {
  return {
    name: 'compare',
    columns: [
      { key: 'figure', label: f.t('reports.col.figure'), numeric: false },
      { key: 'a', label: a.name, numeric: true },
      { key: 'b', label: b.name, numeric: true },
      { key: 'difference', label: differenceLabel, numeric: true },
    ],
    rows: comparedFigures.map((c) => {
      const [va, vb] = [c.get(a.figures), c.get(b.figures)];
      const name = column(f, c.key, c.kind);
      const head = { ...f.cell('text', name.csvLabel ?? name.label, true), text: name.label };
      return { total: false, cells: [head, f.cell(c.kind, va), f.cell(c.kind, vb), f.difference(c.kind, va, vb)] };
    }),
  };
}
