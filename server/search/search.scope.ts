/**
 * The coarse pre-filter a search hands the engine: the placements (tier, office, team, holder) and
 * followers (member's office, workers) whose tickets this person may read, written from the same rules as `canRead` (tickets/ticket.policy.ts),
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
import { tiers } from '../lib/ticket.vocabulary.js';

/** One way of being allowed to read a ticket: every field given must match; a scope is a list of them (any one). */
export interface ScopeClause {
  tier?: number;
  office?: string;
  team?: string;
  assignee?: string;
  /** Followers (read-only): the office of the member who filed it, one of the staff who worked on it. */
  memberOffice?: string;
  worker?: string;
}

/** Where a ticket is, and who follows it, as the engine knows it. */
export interface ScopePlacement {
  tier: number;
  office: Types.ObjectId | string;
  team: Types.ObjectId | string;
  assignee?: Types.ObjectId | string | null;
  memberOffice?: Types.ObjectId | string | null;
  workers?: ReadonlyArray<Types.ObjectId | string> | null;
}

/** The placements `actor` may read, mirroring `canRead`: their own, their queues, what they supervise and what they follow. */
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
  // Read-only following (followsTicket): each person reads the tickets they worked on, and advisors
  // and supervisors every ticket of their office's members, wherever it went since.
  scope.push({ worker: String(actor.id) });
  if ((hasRole(actor, 'advisor') || hasRole(actor, 'supervisor')) && actor.office) scope.push({ memberOffice: String(actor.office) });
  if (hasRole(actor, 'supervisor')) {
    if (actor.office) scope.push({ office: String(actor.office) });
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
      (c.assignee === undefined || sameId(c.assignee, p.assignee)) &&
      (c.memberOffice === undefined || sameId(c.memberOffice, p.memberOffice)) &&
      (c.worker === undefined || Boolean(p.workers?.some((w) => sameId(c.worker, w)))),
  );
}
