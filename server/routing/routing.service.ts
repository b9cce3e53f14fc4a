/**
 * Routing on arrival: category, channel/mailbox, language and the member's office
 * choose the tier-1 team. The decision carries its explanation, stored on the
 * ticket, so "why is this ticket here?" always has an answer.
 */
import type { Types } from 'mongoose';
import { NotFoundError } from '../lib/errors.js';
import { OfficeModel } from '../offices/office.model.js';
import { TeamModel, type Tier } from '../teams/team.model.js';
import { RoutingRuleModel } from './routing-rule.model.js';
import { clearConfigCaches, configTtlMs, ttlCache } from '../lib/ttl-cache.js';
import type { MatchedFact, RoutingFacts } from './routing-facts.js';

export type { MatchedFact, RoutingFacts } from './routing-facts.js';

export interface ArrivalFacts {
  category: string | null;
  channel: string;
  mailbox?: string | null;
  language: string;
  /** The member's own office, when known. */
  memberOffice: Types.ObjectId | null;
  /** An office chosen explicitly by a staff member creating the ticket. */
  requestedOffice?: Types.ObjectId | null;
  requestedBy?: string;
}

export interface RoutingDecision {
  office: Types.ObjectId;
  team: Types.ObjectId;
  tier: Tier;
  rule: string;
  explanation: string;
  facts: RoutingFacts;
}

type RuleMatch = { category?: string | null; channel?: string | null; mailbox?: string | null; language?: string | null; office?: Types.ObjectId | null };

function matches(match: RuleMatch, facts: ArrivalFacts): MatchedFact[] | null {
  const matched: MatchedFact[] = [];
  if (match.category) {
    if (match.category !== facts.category) return null;
    matched.push({ field: 'category', value: match.category });
  }
  if (match.channel) {
    if (match.channel !== facts.channel) return null;
    matched.push({ field: 'channel', value: match.channel });
  }
  if (match.mailbox) {
    if (match.mailbox !== facts.mailbox) return null;
    matched.push({ field: 'mailbox', value: match.mailbox });
  }
  if (match.language) {
    if (match.language !== facts.language) return null;
    matched.push({ field: 'language', value: match.language });
  }
  if (match.office) {
    if (String(match.office) !== String(facts.memberOffice)) return null;
    matched.push({ field: 'office', value: String(match.office) });
  }
  return matched;
}

/** The English sentence the API (and tickets stored before the facts) carry. */
function englishReason(m: MatchedFact): string {
  return m.field === 'office' ? 'member office matches' : `${m.field} = ${m.value}`;
}

// Configuration changes rarely and is read on every arrival: keep it a few seconds.
const activeTeams = ttlCache(configTtlMs, () => TeamModel.find({ active: true }, { name: 1, office: 1, tier: 1 }).lean());
const activeOffices = ttlCache(configTtlMs, () => OfficeModel.find({ active: true }, { name: 1, isDefault: 1 }).lean());
const activeRules = ttlCache(configTtlMs, () => RoutingRuleModel.find({ active: true }).sort({ order: 1 }).lean());

/** Forgets cached configuration (after an administrator's change, and between tests). */
export function clearRoutingCache(): void {
  clearConfigCaches(); // the routing's lists, and what else is cached the same way (categories, team tiers)
}

/** The tier-`tier` team serving an office (its own team first, else the global one), or null. */
async function findTeamForTier(office: Types.ObjectId, tier: Tier): Promise<{ _id: Types.ObjectId; name: string } | null> {
  const teams = (await activeTeams.get()).filter((t) => t.tier === tier);
  return teams.find((t) => String(t.office) === String(office)) ?? teams.find((t) => t.office === null) ?? null;
}

/** The tier-`tier` team serving an office: the office's own team first, else the global one. */
export async function teamForTier(office: Types.ObjectId, tier: Tier): Promise<{ _id: Types.ObjectId; name: string }> {
  const team = await findTeamForTier(office, tier);
  if (!team) throw new NotFoundError(`No active tier-${tier} team is configured for this office.`);
  return team;
}

/**
 * Where a done ticket coming back to work (reopened, or answered by its member) can be worked when the
 * team it was left with has closed since (a team deactivated once its queue was empty, an office closed
 * with its teams: routing-admin.ts): its office's active team of its tier, else its office's tier 1;
 * its office closed, the default office's team of its tier, else tier 1 there (its members' next
 * requests go there too). `why` says which closed. Null while its team and its office are still open:
 * it goes back where it was.
 */
export async function placeToResume(t: {
  office: Types.ObjectId;
  tier: number;
  team?: Types.ObjectId | null;
}): Promise<{ office: Types.ObjectId; tier: Tier; team: Types.ObjectId; why: 'team_closed' | 'office_closed' } | null> {
  const [teams, offices] = await Promise.all([activeTeams.get(), activeOffices.get()]);
  const officeOpen = offices.some((o) => String(o._id) === String(t.office));
  if (officeOpen && t.team && teams.some((x) => String(x._id) === String(t.team))) return null;
  const office = officeOpen ? t.office : offices.find((o) => o.isDefault)?._id;
  if (!office) throw new NotFoundError('No default office is configured: an administrator must mark one office as default.');
  for (const tier of [t.tier as Tier, 1 as const]) {
    const team = await findTeamForTier(office, tier);
    if (team) return { office, tier, team: team._id, why: officeOpen ? 'team_closed' : 'office_closed' };
  }
  throw new NotFoundError('No active tier-1 team is configured for this office.');
}

/** Chooses office and tier-1 team for a new ticket, with the reason. */
export async function routeNewTicket(facts: ArrivalFacts): Promise<RoutingDecision> {
  const [rules, teams, offices] = await Promise.all([activeRules.get(), activeTeams.get(), activeOffices.get()]);
  // The mailbox it came to is kept with the facts: the answers go out from that address (mail/mail-parts.ts `mailboxAddress`).
  const arrival = { category: facts.category, language: facts.language, channel: facts.channel, ...(facts.mailbox ? { mailbox: facts.mailbox } : {}) };
  for (const rule of rules) {
    const matched = matches(rule.match ?? {}, facts);
    if (!matched) continue;
    const reasons = matched.map(englishReason);
    const team = teams.find((t) => String(t._id) === String(rule.team));
    if (!team || team.tier !== 1 || !team.office) continue;
    return {
      office: team.office,
      team: team._id,
      tier: 1,
      rule: `rule:${rule.name}`,
      explanation: `Routed to ${team.name} by rule "${rule.name}"${reasons.length ? ` because ${reasons.join(' and ')}` : ''}.`,
      facts: { ...arrival, kind: 'rule', team: String(team._id), office: String(team.office), ruleName: rule.name, matched },
    };
  }

  let office: { _id: Types.ObjectId; name: string } | null = null;
  let why = '';
  let rule: Exclude<RoutingFacts['kind'], 'rule'> = 'default_office';
  if (facts.requestedOffice) {
    office = offices.find((o) => String(o._id) === String(facts.requestedOffice)) ?? null;
    if (!office) throw new NotFoundError('That office does not exist or is closed.');
    why = `office chosen by ${facts.requestedBy ?? 'staff'}`;
    rule = 'requested_office';
  }
  // The member's office, when it has closed since (routing-admin.ts): the default office takes its requests.
  let closedOffice: Types.ObjectId | null = null;
  if (!office && facts.memberOffice) {
    office = offices.find((o) => String(o._id) === String(facts.memberOffice)) ?? null;
    if (office) {
      why = `member's office = ${office.name}`;
      rule = 'member_office';
    } else closedOffice = facts.memberOffice;
  }
  if (!office) {
    office = offices.find((o) => o.isDefault) ?? null;
    if (!office) throw new NotFoundError('No default office is configured: an administrator must mark one office as default.');
    why = closedOffice
      ? `no routing rule matched and the member's office is closed, so the default office (${office.name})`
      : `no routing rule matched and the member has no office, so the default office (${office.name})`;
    rule = 'default_office';
  }
  let team = await findTeamForTier(office._id, 1);
  let wanted: { _id: Types.ObjectId; name: string } | null = null;
  if (!team) {
    // An office without an active tier-1 team (just opened, or its team moved): the request is not
    // refused, it goes to the default office's tier-1 team, and the reason says so.
    const fallback = offices.find((o) => o.isDefault && String(o._id) !== String(office?._id)) ?? null;
    team = fallback ? await findTeamForTier(fallback._id, 1) : null;
    if (!fallback || !team) throw new NotFoundError(`No active tier-1 team is configured for ${office.name} nor for the default office.`);
    wanted = office;
    why = `${why}, which has no active tier-1 team, so the default office (${fallback.name})`;
    office = fallback;
  }
  const extra = [facts.category ? `category = ${facts.category}` : null, `language = ${facts.language}`, `channel = ${facts.channel}`].filter(Boolean);
  return {
    office: office._id,
    team: team._id,
    tier: 1,
    rule,
    explanation: `Routed to ${team.name} (tier 1) because ${why}; ${extra.join(', ')}.`,
    facts: {
      ...arrival,
      kind: rule,
      team: String(team._id),
      office: String(office._id),
      ...(rule === 'requested_office' ? { requestedBy: facts.requestedBy ?? '' } : {}),
      ...(wanted ? { wantedOffice: String(wanted._id) } : {}),
      ...(closedOffice ? { closedOffice: String(closedOffice) } : {}),
    },
  };
}
