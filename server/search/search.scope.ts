/**
 * The coarse pre-filter a search hands the engine: the placements (tier, office, team, holder) whose
 * tickets this person may read, written from the same rules as `canRead` (tickets/ticket.policy.ts),
 * so the engine's candidates are nearly all readable and few are read only to be refused. It is a
 * pre-filter, never the decision: the engine's placements follow the journal and may lag a move, so
 * every result still passes `canRead` on the ticket as it is now. It must never be narrower than
 * the policy (test/unit/search.scope.test.ts checks every combination): a ticket it leaves out
 * cannot be found by someone who may read it.
 */
import type { Types } from 'mongoose';
import { hasRole, sameId, type StaffActor } from '../auth/actor.js';
import { polyvalentOfficeIds } from '../routing/office-models.js';
import { tiersWorkedBy } from '../tickets/ticket.policy.js';
import { tiers } from '../tickets/ticket.vocabulary.js';

/** One way of being allowed to read a ticket: every field given must match; a scope is a list of them (any one). */
export interface ScopeClause {
  tier?: number;
  office?: string;
  team?: string;
  assignee?: string;
}

/** Where a ticket is, as the engine knows it. */
export interface ScopePlacement {
  tier: number;
  office: Types.ObjectId | string;
  team: Types.ObjectId | string;
  assignee?: Types.ObjectId | string | null;
}

/** The placements `actor` may read, mirroring `canRead`: their own, their queues, and what they supervise. */
export function searchScope(actor: StaffActor): ScopeClause[] {
  const scope: ScopeClause[] = [{ assignee: String(actor.id) }];
  for (const tier of tiersWorkedBy(actor)) {
    if (tier !== 1) scope.push({ tier });
    else {
      if (actor.team) scope.push({ tier: 1, team: String(actor.team) });
      if (actor.office) scope.push({ tier: 1, office: String(actor.office) });
    }
  }
  if (hasRole(actor, 'support')) for (const office of polyvalentOfficeIds()) scope.push({ tier: 1, office: String(office) });
  // Read-only following (ticket.policy.ts): advisors and supervisors read every ticket of their
  // office's members wherever it went, and each person the tickets they worked on. The engine knows
  // where a ticket is, not whose member it is or who worked on it: the office clause covers a member's
  // tickets that stayed placed in their office (escalated ones included); a followed ticket placed
  // elsewhere is on the person's "handed on by me" list, not in search (ARCHITECTURE, Search).
  if ((hasRole(actor, 'advisor') || hasRole(actor, 'supervisor')) && actor.office) scope.push({ office: String(actor.office) });
  if (hasRole(actor, 'supervisor')) {
    for (const tier of tiers) if (tier > 1) scope.push({ tier });
  }
  return scope;
}

/** Whether `scope` lets a ticket placed at `p` through (what the engine does with the same clauses). */
export function scopeAllows(scope: readonly ScopeClause[], p: ScopePlacement): boolean {
  return scope.some(
    (c) =>
      (c.tier === undefined || c.tier === p.tier) &&
      (c.office === undefined || sameId(c.office, p.office)) &&
      (c.team === undefined || sameId(c.team, p.team)) &&
      (c.assignee === undefined || sameId(c.assignee, p.assignee)),
  );
}
