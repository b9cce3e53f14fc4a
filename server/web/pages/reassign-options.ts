/**
 * Where a supervisor may send a ticket: a person (grouped by team), a team, or a
 * tier. Only active people with a team whose tier they work (`tiersWorkedBy`, the rule the
 * reassign command applies).
 */
import type { Translate } from '../../lib/i18n.js';
import { staffInTeams } from '../../staff/staff.queries.js';
import { tiersWorkedBy } from '../../tickets/ticket.policy.js';
import type { Tier } from '../../lib/ticket.vocabulary.js';
import type { PageCatalog } from './catalog.js';

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
        .filter((s) => String(s.team) === team.value && tiersWorkedBy(s).includes(team.tier as Tier))
        .map((s) => ({ value: String(s._id), label: s.name })),
    }))
    .filter((group) => group.options.length > 0);
  return {
    people,
    teams: catalog.teams.map((team) => ({ value: team.value, label: `${team.label} · ${t('tier.short', { tier: team.tier })}` })),
    tiers: [1, 2, 3].map((n) => ({ value: String(n), label: t(`tier.long_${n}`) })),
  };
}
