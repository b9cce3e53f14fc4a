/**
 * Where a supervisor may send a ticket: a person (grouped by team), a team, or a
 * tier. Only active people with a team whose tier they work (`tiersWorkedBy`, the rule the
 * reassign command applies).
 */
import type { Translate } from '../../lib/i18n.js';
import { staffInTeams } from '../../staff/staff.queries.js';
import { heldCounts } from '../../tickets/ticket-list.queries.js';
import { tiersWorkedBy } from '../../tickets/ticket.policy.js';
import type { Tier } from '../../lib/ticket.vocabulary.js';
import type { PageCatalog } from './catalog.js';

export interface ReassignOptions {
  /** Each group and team carries its tier: the dialog says when a choice moves the ticket to another tier. */
  people: { label: string; tier: number; options: { value: string; label: string }[] }[];
  teams: { value: string; label: string; tier: number }[];
  tiers: { value: string; label: string }[];
}

export async function reassignOptions(t: Translate, catalog: PageCatalog): Promise<ReassignOptions> {
  const staff = await staffInTeams();
  // What each person holds against their capacity (the working set), so a supervisor sees who is overloaded while choosing.
  const held = await heldCounts(staff.map((s) => s._id));
  const people = catalog.teams
    .map((team) => ({
      label: `${team.label} · ${t('tier.short', { tier: team.tier })}`,
      tier: team.tier,
      options: staff
        .filter((s) => String(s.team) === team.value && tiersWorkedBy(s).includes(team.tier as Tier))
        // The languages each person works in: a Dutch-speaking member's ticket goes to someone who reads Dutch (QA).
        .map((s) => {
          const languages = s.languages?.length ? ` (${s.languages.map((l) => l.toUpperCase()).join(', ')})` : '';
          // Without a capacity set (0), only what they hold, as the load panel counts it.
          const count = held.get(String(s._id)) ?? 0;
          const load = s.capacity ? t('reassign.load', { held: count, capacity: s.capacity }) : t('reassign.held', { held: count });
          return { value: String(s._id), label: `${s.name}${languages} · ${load}` };
        }),
    }))
    .filter((group) => group.options.length > 0);
  return {
    people,
    teams: catalog.teams.map((team) => ({ value: team.value, label: `${team.label} · ${t('tier.short', { tier: team.tier })}`, tier: team.tier })),
    tiers: [1, 2, 3].map((n) => ({ value: String(n), label: t(`tier.long_${n}`) })),
  };
}
