/**
 * From a loaded report (reports/load.ts) to what the page and the CSV show: the key figures,
 * the six tables with their rows named in the page's language, and the data of the
 * charts (drawn by client/reports.page.ts with Chart.js; each chart's table is its
 * text alternative).
 */
import { DateTime } from 'luxon';
import { intlTags, type Locale, type Translate } from '../../../lib/i18n.js';
import { byOffice, byPeriod, byPlacement, summarize, type Figures } from '../../../reports/compute.js';
import type { ReportDataset } from '../../../reports/load.js';
import { periodBuckets, type ReportPeriod } from '../../../reports/period.js';
import {
  cellFormat,
  compareTable,
  comparedFigures,
  officesTable,
  periodsTable,
  placementTable,
  satisfactionTable,
  slaTable,
  type CellFormat,
  type ReportTable,
  type TableName,
} from '../../../reports/tables.js';
import type { PageCatalog } from '../catalog.js';

export interface ChartDataset {
  label: string;
  data: Array<number | null>;
  type?: 'bar' | 'line';
  axis?: 'y' | 'y2';
  stack?: string;
}

export interface ChartSpec {
  id: string;
  labels: string[];
  datasets: ChartDataset[];
  /** Axis titles. */
  y: string;
  y2?: string;
  stacked?: boolean;
  /** How values read in tooltips: `hours`, `count` or `percent`. */
  unit: 'hours' | 'count' | 'percent';
}

export interface Card {
  label: string;
  text: string;
  hint: string | null;
}

export interface ReportView {
  cards: Card[];
  /** Which tickets the key figures count, when not every row of the report: said above the cards. */
  cardsScope: string | null;
  /** Some office of "By office" is seen in part: its rates are not shown, and the section says why. */
  partialOffices: boolean;
  tables: Record<Exclude<TableName, 'compare'>, ReportTable>;
  charts: ChartSpec[];
  /** The SLA table has no rows: the tickets carry no SLA data yet. */
  noSla: boolean;
  /** No ticket was created in the period: the page says so once instead of cards and tables of zeros (and the backlog, if any). */
  empty: { text: string; backlog: string | null } | null;
  volume: number;
  /** The rows of the "over time" table: days, or weeks beyond a month. */
  periodUnit: 'day' | 'week';
}

export interface ViewContext {
  t: Translate;
  locale: Locale;
  timeZone: string;
  catalog: PageCatalog;
  /** Whether the reader sees only part of an office's tickets (a supervisor and another office: reports/access.ts). */
  partial?: (office: string | null) => boolean;
  /** The reader's own office, which they see whole, when the report also shows others in part (`keyFigures`). */
  ownOffice?: string | null;
}

/**
 * The key figures, and what they cover when that is not the whole report. A supervisor sees the
 * other offices only through the tickets escalated to tiers 2 and 3: there every ticket counted is
 * escalated, so their escalation rate is 100 % by construction, and their volume, medians and SLA
 * rates are those of the hardest cases. Blended with the supervisor's own office they gave a rate
 * no office has (72 % against Liège's real 44 % in QA), which a supervisor would report as theirs.
 * So the cards count the office the supervisor sees whole, and say so; the other offices keep their
 * rows, marked partial, in "By office". A supervisor who sees no office whole (another office
 * chosen, or none of their own) gets the figures of what they see, and a plain warning that only
 * escalated tickets are in them.
 */
function keyFigures(data: ReportDataset, total: Figures, c: ViewContext): { figures: Figures; scope: string | null } {
  const partial = c.partial;
  if (!partial) return { figures: total, scope: null };
  const offices = new Set([...data.facts.map((f) => f.ticket.office), ...data.backlog.map((b) => b.place.office)]);
  const seenInPart = [...offices].filter((o) => partial(o));
  if (seenInPart.length === 0) return { figures: total, scope: null };
  const names = (list: string[]) =>
    list
      .map((o) => c.catalog.officeName(o) ?? c.t('reports.unknown'))
      .sort((a, b) => a.localeCompare(b))
      .join(', ');
  const own = c.ownOffice ?? null;
  if (own && !partial(own)) {
    const figures = summarize(
      data.facts.filter((f) => f.ticket.office === own),
      data.backlog.filter((b) => b.place.office === own).length,
    );
    return { figures, scope: c.t('reports.cards_scope.own', { office: c.catalog.officeName(own) ?? c.t('reports.unknown'), others: names(seenInPart) }) };
  }
  return { figures: withoutPartialRates(total), scope: c.t('reports.cards_scope.partial', { offices: names(seenInPart) }) };
}

/** A row's name, marked "(partiel)" when the reader sees only part of its figures. */
function partialName(t: ViewContext['t'], name: string, partial: boolean): string {
  return partial ? t('wording.reports.partial_name', { name }) : name;
}

/** An office's name, marked when the reader sees only its escalated tickets. */
export function officeLabel(name: string, office: string | null, c: Pick<ViewContext, 't' | 'partial'>): string {
  return partialName(c.t, name, c.partial?.(office) ?? false);
}

const round2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

function tierName(t: Translate, tier: string | number): string {
  return t(`tier.long_${tier}`);
}

function periodLabels(
  period: ReportPeriod,
  c: ViewContext,
): { unit: 'day' | 'week'; labels: Map<string, string>; buckets: ReturnType<typeof periodBuckets>['buckets'] } {
  const { unit, buckets } = periodBuckets(period, c.timeZone);
  const tag = intlTags[c.locale];
  const labels = new Map<string, string>();
  for (const b of buckets) {
    const d = DateTime.fromISO(b.key, { zone: c.timeZone }).setLocale(tag);
    const text = d.toLocaleString({ weekday: unit === 'day' ? 'short' : undefined, day: 'numeric', month: 'short' });
    labels.set(b.key, unit === 'day' ? text : c.t('reports.week_of', { date: text }));
  }
  return { unit, labels, buckets };
}

function cards(f: CellFormat, fig: Figures): Card[] {
  const t = f.t;
  const sla = fig.sla?.first_response.rate ?? null;
  return [
    {
      label: t('reports.card.volume'),
      text: f.cell('count', fig.volume).text,
      // Spam is not a resolution: said apart, only when there was some.
      hint:
        fig.spam > 0
          ? t('reports.card.volume_hint_spam', { count: fig.spam, resolved: t('reports.card.volume_hint', { count: fig.resolved }) })
          : t('reports.card.volume_hint', { count: fig.resolved }),
    },
    {
      label: t('reports.card.frt'),
      text: f.cell('hours', fig.firstResponse.median).text,
      hint: t('reports.card.p90', { value: f.cell('hours', fig.firstResponse.p90).text }),
    },
    {
      label: t('reports.card.resolution'),
      text: f.cell('hours', fig.resolution.median).text,
      hint: t('reports.card.p90', { value: f.cell('hours', fig.resolution.p90).text }),
    },
    { label: t('reports.card.sla'), text: f.cell('percent', sla).text, hint: fig.sla ? null : t('reports.card.no_sla') },
    {
      label: t('reports.card.escalation'),
      text: f.cell('percent', fig.escalationRate).text,
      hint: t('reports.card.escalation_hint', { count: fig.escalated }),
    },
    {
      label: t('reports.card.bounce'),
      text: f.cell('percent', fig.bounceRate).text,
      hint: t('reports.card.bounce_hint', {
        bounces: t('reports.card.bounces', { count: fig.bounces }),
        escalations: t('reports.card.escalations', { count: fig.escalations }),
      }),
    },
    { label: t('reports.card.backlog'), text: f.cell('count', fig.backlog).text, hint: null },
    {
      label: t('reports.card.satisfaction'),
      text: fig.satisfaction.average === null ? '—' : t('reports.card.score', { value: f.cell('score', fig.satisfaction.average).text }),
      hint: t('reports.card.ratings', { count: fig.satisfaction.count }),
    },
  ];
}

/**
 * An office seen in part (only its escalated tickets): its escalation rate is 100 % by construction and
 * its return rate misses the returns that left the reader's view, so neither is shown ("—"), rather than
 * read as the office's (QA: "Bruxelles: escalation 100 %, returns 0 %" beside a whole office's figures);
 * the same for a tier's or team's row seen in part.
 */
export function withoutPartialRates<T extends Pick<Figures, 'escalationRate' | 'bounceRate'>>(figures: T): T {
  return { ...figures, escalationRate: null, bounceRate: null };
}

/** Everything the report page shows for one set of filters. */
export function reportView(data: ReportDataset, period: ReportPeriod, c: ViewContext): ReportView {
  const f = cellFormat(c.locale, c.t);
  const t = c.t;
  const offices = byOffice(data.facts, data.backlog);
  const officeRows = offices.rows
    .map((r) => {
      const name = c.catalog.officeName(r.office) ?? t('reports.unknown');
      const partial = c.partial?.(r.office) ?? false;
      return { name, label: officeLabel(name, r.office, c), partial, figures: partial ? withoutPartialRates(r.figures) : r.figures };
    })
    .sort((a, b) => a.name.localeCompare(b.name, c.locale));
  const tiers = byPlacement(data.facts, data.backlog, 'tier').sort((a, b) => Number(a.key) - Number(b.key));
  const teamOf = new Map(c.catalog.teams.map((tm) => [tm.value, tm]));
  // A tier's row, and a team shared by the offices (tiers 2 and 3), mix the offices in the figures:
  // partial as soon as one of them is seen in part; a team of another office is partial as that office is.
  const mixedPartial = offices.rows.some((r) => c.partial?.(r.office) ?? false);
  const teams = byPlacement(data.facts, data.backlog, 'team')
    .map((row) => {
      const team = teamOf.get(row.key);
      const name = c.catalog.teamName(row.key) ?? t('reports.unknown');
      const partial = team?.office ? (c.partial?.(team.office) ?? false) : mixedPartial;
      return { name, label: partialName(t, name, partial), partial, tier: team?.tier ?? 9, row: partial ? withoutPartialRates(row) : row };
    })
    .sort((a, b) => a.tier - b.tier || a.name.localeCompare(b.name, c.locale));
  const { unit, labels, buckets } = periodLabels(period, c);
  const periods = byPeriod(data.facts, buckets);
  const total = offices.total;

  const tierRows = tiers.map((row) => ({
    name: tierName(t, row.key),
    label: partialName(t, tierName(t, row.key), mixedPartial),
    partial: mixedPartial,
    row: mixedPartial ? withoutPartialRates(row) : row,
  }));
  const tables = {
    offices: officesTable(f, officeRows, mixedPartial ? withoutPartialRates(total) : total, (name, partial) => partialName(t, name, partial)),
    tiers: placementTable('tiers', f, tierRows),
    teams: placementTable('teams', f, teams),
    periods: periodsTable(
      f,
      periods.map((row) => ({ name: labels.get(row.key) ?? row.key, row })),
    ),
    sla: slaTable(f, total.sla),
    satisfaction: satisfactionTable(
      f,
      tierRows.map((r) => ({ name: r.name, label: r.label, partial: r.partial, satisfaction: r.row.satisfaction })),
    ),
  };

  const periodNames = periods.map((p) => labels.get(p.key) ?? p.key);
  const charts: ChartSpec[] = [
    {
      id: 'chart-periods',
      labels: periodNames,
      unit: 'count',
      y: t('reports.axis.tickets'),
      y2: t('reports.axis.hours'),
      datasets: [
        { label: t('reports.col.created'), data: periods.map((p) => p.created), type: 'bar', axis: 'y' },
        { label: t('reports.col.resolved'), data: periods.map((p) => p.resolved), type: 'bar', axis: 'y' },
        { label: t('reports.col.frt_median'), data: periods.map((p) => round2(p.firstResponse.median)), type: 'line', axis: 'y2' },
      ],
    },
    {
      id: 'chart-offices',
      labels: officeRows.map((r) => r.label),
      unit: 'hours',
      y: t('reports.axis.hours'),
      datasets: [
        { label: t('reports.col.frt_median'), data: officeRows.map((r) => round2(r.figures.firstResponse.median)) },
        { label: t('reports.col.resolution_median'), data: officeRows.map((r) => round2(r.figures.resolution.median)) },
      ],
    },
    {
      id: 'chart-tiers',
      labels: tierRows.map((r) => r.label),
      unit: 'hours',
      y: t('reports.axis.hours'),
      datasets: [
        { label: t('reports.col.time_median'), data: tierRows.map((r) => round2(r.row.time.median)) },
        { label: t('reports.col.time_p90'), data: tierRows.map((r) => round2(r.row.time.p90)) },
      ],
    },
    {
      id: 'chart-satisfaction',
      labels: tierRows.map((r) => r.label),
      unit: 'count',
      y: t('reports.axis.ratings'),
      stacked: true,
      datasets: [1, 2, 3, 4, 5].map((score) => ({
        label: t(`reports.col.score_${score}`),
        data: tierRows.map((r) => r.row.satisfaction.distribution[score - 1] ?? 0),
        stack: 'scores',
      })),
    },
  ];
  const key = keyFigures(data, total, c);
  const day = (iso: string) => DateTime.fromISO(iso, { zone: c.timeZone }).setLocale(intlTags[c.locale]).toLocaleString(DateTime.DATE_FULL);
  const empty =
    total.volume === 0
      ? {
          text: t('reports.empty_period', { from: day(period.fromDate), to: day(period.toDate) }),
          backlog: total.backlog > 0 ? t('reports.empty_backlog', { count: total.backlog }) : null,
        }
      : null;
  return {
    cards: cards(f, key.figures),
    cardsScope: key.scope,
    partialOffices: officeRows.some((r) => r.partial),
    tables,
    charts,
    noSla: total.sla === null,
    empty,
    volume: total.volume,
    periodUnit: unit,
  };
}

export interface CompareSide {
  name: string;
  figures: Figures;
}

/**
 * The comparison: the table (figures × A, B, B − A) and two charts (durations, rates). Two periods
 * are in time order whatever the form called them: the difference is then named "change since the earlier period".
 */
export function compareView(
  a: CompareSide,
  b: CompareSide,
  c: Pick<ViewContext, 't' | 'locale'>,
  mode: 'offices' | 'periods' = 'offices',
): { table: ReportTable; charts: ChartSpec[] } {
  const f = cellFormat(c.locale, c.t);
  const pick = (kind: string) => comparedFigures.filter((x) => x.kind === kind);
  const series = (kind: string, scale = 1) =>
    [a, b].map((side) => ({
      label: side.name,
      data: pick(kind).map((x) => round2((x.get(side.figures) ?? null) === null ? null : (x.get(side.figures) ?? 0) * scale)),
    }));
  return {
    table: compareTable(f, a, b, mode === 'periods' ? c.t('reports.col.change_since') : undefined),
    charts: [
      {
        id: 'chart-compare-hours',
        labels: pick('hours').map((x) => c.t(`reports.col.${x.key}`)),
        unit: 'hours',
        y: c.t('reports.axis.hours'),
        datasets: series('hours'),
      },
      {
        id: 'chart-compare-rates',
        labels: pick('percent').map((x) => c.t(`reports.col.${x.key}`)),
        unit: 'percent',
        y: c.t('reports.axis.percent'),
        datasets: series('percent', 100),
      },
    ],
  };
}

/** A group's figures alone (one side of a comparison). */
export function figuresOf(data: ReportDataset): Figures {
  return summarize(data.facts, data.backlog.length);
}
