/**
 * The small configuration lists staff pages need (categories, reason codes, teams,
 * offices), with labels in the page's language. These collections are tiny, so
 * they are read per request rather than cached: an administrator's change shows at once.
 */
import { referenceLists } from '../../catalog/catalog.queries.js';
import type { Locale } from '../../lib/i18n.js';
import { labelIn } from '../../lib/labels.js';
import { slaNames } from '../../sla/sla-names.js';

export interface Option {
  value: string;
  label: string;
}

/** A `<select>`'s options: "all" (the empty value) first, then these, the current one selected. */
export function selectOptions(values: readonly Option[], current: string | undefined, allLabel: string): Array<Option & { selected: boolean }> {
  return [{ value: '', label: allLabel, selected: !current }, ...values.map((v) => ({ value: v.value, label: v.label, selected: v.value === current }))];
}

export interface TeamOption extends Option {
  tier: number;
  office: string | null;
}

export interface ReasonOption extends Option {
  appliesTo: string[];
}

export interface PageCatalog {
  categories: Option[];
  reasonCodes: ReasonOption[];
  teams: TeamOption[];
  offices: (Option & { code: string })[];
  categoryLabel(code: string | null): string | null;
  /** The label of a reason code, or the code itself when it is unknown (e.g. a retired one). */
  reasonLabel(code: string | null): string | null;
  teamName(id: string | null | undefined): string | null;
  officeName(id: string | null | undefined): string | null;
  /** An SLA policy's or calendar's name in the page's language, by the id a deadline carries; else the name it carries. */
  slaName(ref: { id: string; name: string }): string;
}

export async function loadCatalog(locale: Locale): Promise<PageCatalog> {
  const [{ categories, reasons, teams, offices }, slaThings] = await Promise.all([referenceLists(), slaNames()]);
  const slaLabels = new Map(slaThings.map((x) => [String(x._id), labelIn(x, locale)]));
  const categoryLabels = new Map(categories.map((c) => [c.code, c.label[locale]]));
  const reasonLabels = new Map(reasons.map((r) => [r.code, r.label[locale]]));
  // Teams and offices in the page's language (their `labels`), else their one name.
  const teamNames = new Map(teams.map((t) => [String(t._id), labelIn(t, locale)]));
  const officeNames = new Map(offices.map((o) => [String(o._id), labelIn(o, locale)]));
  return {
    categories: categories.filter((c) => c.active).map((c) => ({ value: c.code, label: c.label[locale] })),
    reasonCodes: reasons.filter((r) => r.active).map((r) => ({ value: r.code, label: r.label[locale], appliesTo: [...r.appliesTo] })),
    teams: teams
      .filter((t) => t.active)
      .map((t) => ({ value: String(t._id), label: labelIn(t, locale), tier: t.tier, office: t.office ? String(t.office) : null })),
    offices: offices.filter((o) => o.active).map((o) => ({ value: String(o._id), label: labelIn(o, locale), code: o.code })),
    categoryLabel: (code) => (code ? (categoryLabels.get(code) ?? code) : null),
    reasonLabel: (code) => (code ? (reasonLabels.get(code) ?? code) : null),
    teamName: (id) => (id ? (teamNames.get(id) ?? null) : null),
    officeName: (id) => (id ? (officeNames.get(id) ?? null) : null),
    slaName: (ref) => slaLabels.get(ref.id) ?? ref.name,
  };
}
