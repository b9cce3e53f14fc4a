/**
 * The report filter form (GET, works without JavaScript): preset links that keep the
 * other filters, the two dates of a custom period, office, tier and team; the problems
 * to show next to the fields; and the "how these figures are computed" definitions.
 */
import type { Translate } from '../../../lib/i18n.js';
import { maxPeriodDays, presets, type FilterProblem, type ReportFilters } from '../../../reports/period.js';
import type { ViewContext } from './report.view.js';

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface FilterForm {
  /** The preset in force (kept by the form while its dates are untouched), or null for custom dates. */
  preset: string | null;
  maxDays: number;
  presets: Array<{ label: string; href: string; current: boolean }>;
  fromDate: string;
  toDate: string;
  offices: Choice[];
  tiers: Choice[];
  teams: Choice[];
  errors: Record<string, string>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 40) : '');

/** The label of each filter a problem can be about, on the report page and on the comparison. */
const fieldLabels: Record<string, string> = {
  preset: 'reports.filter.presets',
  from: 'reports.filter.from',
  to: 'reports.filter.to',
  office: 'reports.filter.office',
  tier: 'reports.filter.tier',
  team: 'reports.filter.team',
  a: 'reports.compare.office_a',
  b: 'reports.compare.office_b',
  from2: 'reports.compare.second_from',
  to2: 'reports.compare.second_to',
};

/**
 * A problem as the list above the form says it: naming the filter ("Agence : valeur de filtre
 * invalide."), since a hand-edited address may break a filter the form does not show as changed.
 * Next to its field the problem is said alone (`filterForm`).
 */
export function problemText(p: FilterProblem, t: Translate): { field: string; text: string } {
  const problem = t(p.key, p.vars);
  const label = fieldLabels[p.field];
  if (!label) return { field: p.field, text: problem };
  return { field: p.field, text: t('reports.error.in_field', { field: t(label), problem: problem.charAt(0).toLowerCase() + problem.slice(1) }) };
}

export function filterForm(
  query: Record<string, unknown>,
  filters: ReportFilters | null,
  c: Pick<ViewContext, 't' | 'catalog'>,
  problems: FilterProblem[],
): FilterForm {
  const t = c.t;
  const office = filters ? (filters.office ?? '') : text(query.office);
  const tier = filters ? String(filters.tier ?? '') : text(query.tier);
  const team = filters ? (filters.team ?? '') : text(query.team);
  const choice = (value: string, label: string, current: string): Choice => ({ value, label, selected: value === current });
  const keep = new URLSearchParams();
  if (office) keep.set('office', office);
  if (tier) keep.set('tier', tier);
  if (team) keep.set('team', team);
  return {
    preset: filters && filters.period.preset !== 'custom' ? filters.period.preset : null,
    maxDays: maxPeriodDays,
    presets: presets
      .filter((p) => p !== 'custom')
      .map((p) => {
        const params = new URLSearchParams(keep);
        params.set('preset', p);
        return { label: t(`reports.preset.${p}`), href: `/staff/reports?${params.toString()}`, current: filters?.period.preset === p };
      }),
    fromDate: filters ? filters.period.fromDate : text(query.from),
    toDate: filters ? filters.period.toDate : text(query.to),
    offices: [choice('', t('reports.filter.all_offices'), office), ...c.catalog.offices.map((o) => choice(o.value, o.label, office))],
    tiers: [choice('', t('reports.filter.all_tiers'), tier), ...[1, 2, 3].map((n) => choice(String(n), t(`tier.long_${n}`), tier))],
    teams: [choice('', t('reports.filter.all_teams'), team), ...c.catalog.teams.map((tm) => choice(tm.value, tm.label, team))],
    errors: Object.fromEntries(problems.map((p) => [p.field, t(p.key, p.vars)])),
  };
}

/** "How these figures are computed": one definition per figure, in the page's language. */
export function howTo(t: Translate): Array<{ term: string; text: string }> {
  const keys = [
    'population',
    'business_hours',
    'percentiles',
    'frt',
    'resolution',
    'sla',
    'escalation',
    'bounce',
    'tier_time',
    'reassignments',
    'backlog',
    'satisfaction',
    'scope',
  ];
  return keys.map((k) => ({ term: t(`reports.howto.${k}.term`), text: t(`reports.howto.${k}.text`) }));
}
