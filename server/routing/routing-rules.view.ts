/**
 * The arrival rules as the administration reads them: in the order they are tried, and each with
 * whether it can ever apply (rule-reach.ts) given the rules before it, the teams routing may use and
 * the categories still offered.
 */
import { CategoryModel } from '../catalog/category.model.js';
import { TeamModel } from '../teams/team.model.js';
import { deadRules, type DeadRule } from './rule-reach.js';
import { RoutingRuleModel } from './routing-rule.model.js';

export interface RuleView {
  id: string;
  name: string;
  order: number;
  active: boolean;
  match: { category: string | null; channel: string | null; mailbox: string | null; language: string | null; office: string | null };
  team: string;
}

/** The arrival rules in the order they are tried. */
export async function routingRules(): Promise<RuleView[]> {
  const rules = await RoutingRuleModel.find({}).sort({ order: 1 }).lean();
  return rules.map((r) => ({
    id: String(r._id),
    name: r.name,
    order: r.order,
    active: r.active !== false,
    match: {
      category: r.match?.category ?? null,
      channel: r.match?.channel ?? null,
      mailbox: r.match?.mailbox ?? null,
      language: r.match?.language ?? null,
      office: r.match?.office ? String(r.match.office) : null,
    },
    team: String(r.team),
  }));
}

/** A rule as the routing page and the API list it: with whether, and why, it never applies (rule-reach.ts). */
export type RuleWithReach = RuleView & { neverApplies: DeadRule | null };

/** The arrival rules in order, each with whether it can ever apply given the rules before it. */
export async function routingRulesWithReach(): Promise<RuleWithReach[]> {
  const [rules, teams, categories] = await Promise.all([
    routingRules(),
    TeamModel.find({ tier: 1 }, { office: 1, active: 1 }).lean(),
    CategoryModel.find({}, { code: 1, active: 1 }).lean(),
  ]);
  // The teams routing may send a new ticket to (routing.service.ts skips the others), the categories a new ticket may have.
  const usable = new Set(teams.filter((t) => t.office && t.active !== false).map((t) => String(t._id)));
  const offered = new Set(categories.filter((c) => c.active !== false).map((c) => c.code));
  const dead = deadRules(
    rules,
    (team) => usable.has(team),
    (category) => offered.has(category),
  );
  return rules.map((r) => ({ ...r, neverApplies: dead.get(r.id) ?? null }));
}
