/**
 * Where a supervisor may send a ticket: a person (grouped by team), a team, or a
 * tier. Only active people with a team whose tier they work, as the reassign
 * command requires; the command checks again.
 */
import type { Translate } from '../../lib/i18n.js';
import { staffInTeams } from '../../staff/staff.queries.js';
import type { PageCatalog } from './catalog.js';

const roleTier: Record<string, number> = { advisor: 1, support: 2, administrative: 3 };

export interface ReassignOptions {
  people: { label: string; options: { value: string; label: string }[] }[];
  teams: { value: string; label: string }[];
  tiers: { value: string; label: string }[];
}

export async function reassignOptions(t: Translate, catalog: PageCatalog): Promise<ReassignOptions> {
  const staff = await staffInTeams();
  const people = catalog.teams
    .map((team) => ({
      label: `${team.label} · ${t('tier.short', { tier: team.tier })}`,
      options: staff
        .filter((s) => String(s.team) === team.value && s.roles.some((r) => roleTier[r] === team.tier))
        .map((s) => ({ value: String(s._id), label: s.name })),
    }))
    .filter((group) => group.options.length > 0);
  return {
    people,
    teams: catalog.teams.map((team) => ({ value: team.value, label: `${team.label} · ${t('tier.short', { tier: team.tier })}` })),
    tiers: [1, 2, 3].map((n) => ({ value: String(n), label: t(`tier.long_${n}`) })),
  };
}
