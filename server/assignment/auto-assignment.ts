/**
 * Automatic assignment. Each team has a mode (`Team.assignmentMode`):
 *
 * - `manual` (default): tickets wait in the queue until someone claims them;
 * - `round_robin`: the next person in turn;
 * - `least_loaded`: the person holding the fewest open tickets (turn order breaks ties).
 *
 * Only people who can take the ticket count: active members of the ticket's team, **online** (a live
 * socket, from the live layer), who **speak the ticket's language**, and under their cap (the
 * person's `capacity`: open tickets held). When nobody fits, the ticket stays in the queue for a
 * manual claim — it is never given to someone away. The choice is a journal event (`assigned`)
 * whose note says why this person ("round-robin; 3 open tickets of 15; speaks nl").
 *
 * It runs after a ticket arrives in a team unassigned: created, escalated, returned, reassigned to
 * a team, released, reopened (`startAutoAssignment` subscribes to the domain events).
 */
import { heldCounts, waitingInTeams } from '../tickets/ticket-list.queries.js';
import { Types } from 'mongoose';
import { systemActor } from '../auth/actor.js';
import type { DomainEvents } from '../lib/domain-events.js';
import { ConflictError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { assignTicket } from '../tickets/ticket.commands.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import type { TicketView } from '../tickets/ticket.presenter.js';
import { openStatuses } from '../lib/ticket.vocabulary.js';

/** The turn pointer of a round-robin team: the last person given a ticket. `_id` is the team. */
const cursors = () => TeamModel.db.collection<{ _id: Types.ObjectId; last: string; at: Date }>('assignment_cursors');

export interface Candidate {
  id: string;
  name: string;
  load: number;
  capacity: number;
}

/**
 * Picks one of the candidates (pure): least-loaded takes the smallest load, round-robin ignores load;
 * both go in id order starting after `last`, so the turn moves on.
 */
export function pickCandidate(mode: 'round_robin' | 'least_loaded', candidates: readonly Candidate[], last: string | null): Candidate | null {
  const open = candidates.filter((c) => c.load < c.capacity).sort((a, b) => a.id.localeCompare(b.id));
  if (open.length === 0) return null;
  const start = last ? open.findIndex((c) => c.id > last) : 0;
  const turn = [...open.slice(start < 0 ? 0 : start), ...open.slice(0, start < 0 ? 0 : start)];
  if (mode === 'round_robin') return turn[0] ?? null;
  const least = Math.min(...turn.map((c) => c.load));
  return turn.find((c) => c.load === least) ?? null;
}

export interface AutoAssignDeps {
  /** Ids of staff online now; null when presence is unknown (then nobody is assigned automatically). */
  online: () => Promise<Set<string> | null>;
  now?: () => Date;
}

/** Assigns the ticket if its team assigns automatically and someone fits; returns the new view or null. */
export async function autoAssign(ticketId: string, deps: AutoAssignDeps): Promise<TicketView | null> {
  const ticket = await loadTicket(ticketId);
  if (!ticket || ticket.assignee || !(openStatuses as readonly string[]).includes(ticket.status)) return null;
  const team = await TeamModel.findById(ticket.team, { assignmentMode: 1, active: 1 }).lean();
  const mode = team?.assignmentMode;
  if (!team || !team.active || (mode !== 'round_robin' && mode !== 'least_loaded')) return null;
  const online = await deps.online();
  if (!online || online.size === 0) return null;
  const people = (await StaffModel.find({ team: team._id, active: true }, { name: 1, languages: 1, capacity: 1 }).lean()).filter(
    (p) => online.has(String(p._id)) && (p.languages ?? []).includes(ticket.language),
  );
  if (people.length === 0) return null;
  // Everyone's load, from the working set (in memory).
  const loads = await heldCounts(people.map((p) => p._id));
  const candidates = people.map((p) => ({ id: String(p._id), name: p.name, load: loads.get(String(p._id)) ?? 0, capacity: p.capacity ?? 15 }));
  const cursor = await cursors().findOne({ _id: team._id });
  const chosen = pickCandidate(mode, candidates, cursor?.last ?? null);
  if (!chosen) return null;
  const why = `${mode === 'round_robin' ? 'round-robin' : 'least-loaded'}; ${chosen.load} open ticket(s) of ${chosen.capacity}; online; speaks ${ticket.language}`;
  try {
    const view = await assignTicket({ actor: systemActor, ticketId, version: ticket.version, assignee: new Types.ObjectId(chosen.id), why, at: deps.now?.() });
    await cursors().updateOne({ _id: team._id }, { $set: { last: chosen.id, at: new Date() } }, { upsert: true });
    return view;
  } catch (error) {
    // Someone claimed it, or it moved, in the meantime: nothing to do.
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/** Event types after which a ticket may be waiting unassigned in a team. */
const arrivals = new Set(['created', 'escalated', 'returned', 'reassigned', 'released', 'reopened']);

/**
 * Tickets already waiting in automatic teams (they arrived while nobody fitting was online, or before
 * the team switched mode): the oldest-due first, at most `limit` per sweep. Returns how many were assigned.
 */
export async function sweepWaiting(deps: AutoAssignDeps, limit = 200): Promise<number> {
  const teams = await TeamModel.find({ assignmentMode: { $in: ['round_robin', 'least_loaded'] }, active: true }, { _id: 1 }).lean();
  if (teams.length === 0) return 0;
  const online = await deps.online();
  if (!online || online.size === 0) return 0;
  const waiting = await waitingInTeams(
    teams.map((t) => t._id),
    limit,
  );
  let assigned = 0;
  for (const { _id } of waiting) if (await autoAssign(String(_id), { ...deps, online: async () => online })) assigned += 1;
  return assigned;
}

/**
 * Subscribes automatic assignment to ticket arrivals, and sweeps the tickets already waiting every
 * `sweepMs` (someone came online, a team switched mode); returns the stop function.
 */
export function startAutoAssignment(props: { events: DomainEvents; logger: Logger; deps: AutoAssignDeps; sweepMs?: number }): () => void {
  // One at a time in this process: the turn and the loads read by one choice include the previous one.
  // (Several instances may still choose at the same moment: the journal lets one assignment win per
  // ticket, and the turn can then repeat a person once.)
  let chain: Promise<void> = Promise.resolve();
  const run = (ticketId: string): Promise<void> => {
    chain = chain.then(async () => {
      try {
        await autoAssign(ticketId, props.deps);
      } catch (error) {
        props.logger.error({ err: error, ticket: ticketId }, 'automatic assignment failed; the ticket stays in its queue');
      }
    });
    return chain;
  };
  const offCreated = props.events.subscribe('ticket.created', ({ ticketId }) => run(ticketId));
  const offChanged = props.events.subscribe('ticket.changed', ({ ticketId, type }) => (arrivals.has(type) ? run(ticketId) : undefined));
  const sweep = setInterval(() => {
    chain = chain.then(async () => {
      try {
        const n = await sweepWaiting(props.deps);
        if (n > 0) props.logger.info({ assigned: n }, 'automatic assignment: waiting tickets given to people now online');
      } catch (error) {
        props.logger.error({ err: error }, 'automatic assignment sweep failed');
      }
    });
  }, props.sweepMs ?? 60_000);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    offCreated();
    offChanged();
  };
}
