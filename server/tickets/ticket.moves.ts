/**
 * The moves of a ticket between tiers, teams and people: escalate (with a reason code and a
 * handoff note), return (a bounce-back, to the escalator when they may take it), and a
 * supervisor's reassignment, each keeping the escalation records up to date. Separate from
 * ticket.commands.ts because these carry the tiered-escalation rules (lifecycle targets, reason
 * codes, the escalation trail); they use its `prepare` and `finish` like every command.
 */
import { Types } from 'mongoose';
import { sameId, type Actor } from '../auth/actor.js';
import { BadRequestError, ConflictError } from '../lib/errors.js';
import { ReasonCodeModel } from '../catalog/category.model.js';
import { officeModelOf } from '../routing/office-models.js';
import { teamForTier } from '../routing/routing.service.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel, type Tier } from '../teams/team.model.js';
import { escalationUpdate, escalationWrite } from './journal-writes.js';
import type { CommitInput } from './ticket.journal.js';
import type { EventData, JournalWrite } from './ticket-event.model.js';
import type { Ticket } from './ticket.model.js';
import { escalationTarget, returnTarget } from './ticket.lifecycle.js';
import { tiersWorkedBy } from './ticket.policy.js';
import { escalatorTakesItBack } from './ticket.escalator.js';
import { escalationOrigin } from './ticket.queries.js';
import type { TicketView } from './ticket.presenter.js';
import { finish, prepare, staffId, type CommandBase } from './ticket.commands.js';

async function requireReason(code: string, appliesTo: 'escalate' | 'return' | 'reassign'): Promise<void> {
  const reason = await ReasonCodeModel.findOne({ code, active: true }).lean();
  if (!reason || !reason.appliesTo.includes(appliesTo)) {
    throw new BadRequestError(`"${code}" is not a reason code for this move. See GET /api/v1/reason-codes.`, [
      { path: 'reason', message: 'unknown reason code' },
    ]);
  }
}

export interface EscalationPlanInput {
  ticket: Ticket;
  /** A staff member, or Relais itself (the SLA automatic escalation). */
  actor: Actor;
  reason: string;
  handoff: string;
  at: Date;
  /** Extra event data (the automatic escalation says which alert fired it). */
  data?: Pick<EventData['escalated'], 'automatic' | 'alert'>;
  /** A note left on the pending escalation this one replaces, if any. */
  closingNote?: string;
}

/**
 * Everything an escalation writes, for a staff member's escalation and the SLA automatic one
 * alike: the target from the lifecycle table (a polyvalent office's tier 1 goes to tier 3), the
 * escalation record, the closing of a pending escalation it replaces. (The receiving team's mail is
 * added by the mail enricher, as for every change.)
 */
export async function planEscalation(input: EscalationPlanInput): Promise<CommitInput<'escalated'> & { at: Date }> {
  const { ticket, actor, at } = input;
  const toTier = escalationTarget(ticket, officeModelOf(ticket.office));
  if (!toTier) throw new ConflictError('This ticket cannot be escalated further.', { reason: 'last_tier' });
  const toTeam = await teamForTier(ticket.office, toTier);
  const by = actor.kind === 'staff' ? actor.id : null;
  const escalationId = new Types.ObjectId();
  const closePrevious = ticket.escalation
    ? [
        escalationUpdate(ticket.escalation, {
          outcome: 'reassigned',
          closedBy: by,
          closedAt: at,
          ...(input.closingNote ? { closingNote: input.closingNote } : {}),
        }),
      ]
    : [];
  return {
    ticket,
    type: 'escalated',
    actor,
    at,
    reason: input.reason,
    note: input.handoff,
    data: { escalation: escalationId, toTeamName: toTeam.name, ...input.data },
    patch: {
      tier: toTier,
      team: toTeam._id,
      assignee: null,
      escalation: escalationId,
      ...(ticket.escalations ? { escalations: [...ticket.escalations, escalationId] } : {}),
      status: ticket.status === 'new' ? 'open' : ticket.status,
      escalated: { by: actor.name, reason: input.reason, at },
    },
    writes: [
      ...closePrevious,
      escalationWrite(escalationId, {
        ticket: ticket._id,
        fromTier: ticket.tier,
        fromTeam: ticket.team,
        toTier,
        toTeam: toTeam._id,
        reason: input.reason,
        handoff: input.handoff,
        by,
        at,
        acceptedBy: null,
        acceptedAt: null,
        outcome: 'pending',
        closedBy: null,
        closedAt: null,
        closingNote: null,
      }),
    ],
  };
}

/** Escalates to the next tier (ticket.lifecycle.ts says which) with a reason code and a handoff note; lands unassigned there. */
export async function escalateTicket(props: CommandBase & { reason: string; handoff: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'escalate');
  staffId(props.actor);
  await requireReason(props.reason, 'escalate');
  const at = props.at ?? new Date();
  return finish(await planEscalation({ ticket, actor: props.actor, reason: props.reason, handoff: props.handoff, at }));
}

/**
 * Sends the ticket back one tier (a bounce-back). It goes to the person who escalated it, flagged
 * "returned to you" in their queue, when they are still active and may still take it there (same tier,
 * team or office); otherwise to the team's queue. The event says which, and why (`data.escalator`).
 */
export async function returnTicket(props: CommandBase & { note: string; reason?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'return');
  const me = staffId(props.actor);
  if (props.reason) await requireReason(props.reason, 'return');
  const at = props.at ?? new Date();
  const origin = await escalationOrigin(ticket);
  const toTier = returnTarget(ticket, origin);
  if (!toTier) throw new ConflictError('There is no lower tier to return this ticket to.', { reason: 'first_tier' });
  // Back to the team it came from, unless that team was deactivated since: then the tier's team for the office.
  const fromTeamActive = origin && origin.fromTier === toTier ? await TeamModel.exists({ _id: origin.fromTeam, active: { $ne: false } }) : null;
  const toTeam = origin && fromTeamActive ? { _id: origin.fromTeam } : await teamForTier(ticket.office, toTier);
  const back = await escalatorTakesItBack(origin, { ...ticket, tier: toTier, team: toTeam._id, assignee: null });
  const assignee = back.outcome === 'given_back' ? back.staff : null;
  const writes = origin ? [escalationUpdate(origin._id, { outcome: 'returned', closedBy: me, closedAt: at, closingNote: props.note })] : [];
  return finish({
    ticket,
    type: 'returned',
    actor: props.actor,
    at,
    reason: props.reason ?? null,
    note: props.note,
    data: { escalation: origin?._id ?? null, escalator: { outcome: back.outcome, name: back.name } },
    patch: {
      tier: toTier,
      team: toTeam._id,
      assignee,
      escalation: null,
      // Back on tier 1 the escalation is over; one tier down from 3 it is still tier 2's, escalated as it was.
      ...(toTier === 1 ? { escalated: null } : {}),
      ...(assignee ? { returned: { to: assignee, by: props.actor.name, at } } : {}),
    },
    writes,
  });
}

export interface ReassignTarget {
  tier?: Tier;
  team?: string;
  assignee?: string;
}

/** Supervisors move any ticket they oversee to a tier, team or person, always with a reason. */
export async function reassignTicket(props: CommandBase & ReassignTarget & { reason: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'reassign');
  const me = staffId(props.actor);
  let tier: Tier;
  let team: Types.ObjectId;
  let assignee: Types.ObjectId | null = null;
  let targetName: string;
  if (props.assignee) {
    const person = Types.ObjectId.isValid(props.assignee) ? await StaffModel.findOne({ _id: props.assignee, active: true }).lean() : null;
    if (!person || !person.team)
      throw new BadRequestError('That person does not exist, is deactivated, or has no team.', [
        { path: 'assignee', message: 'not an active staff member with a team' },
      ]);
    const personTeam = await TeamModel.findById(person.team).lean();
    if (!personTeam) throw new BadRequestError("That person's team no longer exists.", [{ path: 'assignee', message: 'no team' }]);
    if (!tiersWorkedBy(person).includes(personTeam.tier as Tier))
      throw new BadRequestError(`${person.name} does not work in tier ${personTeam.tier}.`, [{ path: 'assignee', message: 'does not work this tier' }]);
    tier = personTeam.tier as Tier;
    team = personTeam._id;
    assignee = person._id;
    targetName = person.name;
  } else if (props.team) {
    const target = Types.ObjectId.isValid(props.team) ? await TeamModel.findOne({ _id: props.team, active: true }).lean() : null;
    if (!target) throw new BadRequestError('That team does not exist or is inactive.', [{ path: 'team', message: 'unknown team' }]);
    tier = target.tier as Tier;
    team = target._id;
    targetName = target.name;
  } else if (props.tier) {
    const target = await teamForTier(ticket.office, props.tier);
    tier = props.tier;
    team = target._id;
    targetName = target.name;
  } else {
    throw new BadRequestError('Say where to: give one of tier, team or assignee.', [{ path: 'tier', message: 'one of tier, team, assignee is required' }]);
  }
  if (ticket.tier === tier && sameId(ticket.team, team) && sameId(ticket.assignee, assignee)) {
    throw new ConflictError('The ticket is already there.');
  }
  const at = props.at ?? new Date();
  // Moving to another office's tier-1 team moves the ticket to that office.
  const teamDoc = await TeamModel.findById(team, { office: 1 }).lean();
  const office = tier === 1 && teamDoc?.office ? teamDoc.office : ticket.office;
  const writes: JournalWrite[] = ticket.escalation
    ? [escalationUpdate(ticket.escalation, { outcome: 'reassigned', closedBy: me, closedAt: at, closingNote: props.reason })]
    : [];
  return finish({
    ticket,
    type: 'reassigned',
    actor: props.actor,
    at,
    note: props.reason,
    reason: 'supervisor_reassignment',
    data: { targetName },
    // Moved to another tier above the first: the receiving queue names the supervisor and their reason, not the escalation before.
    patch: {
      tier,
      team,
      office,
      assignee,
      escalation: null,
      ...(tier === 1
        ? { escalated: null }
        : tier !== ticket.tier
          ? { escalated: { by: props.actor.name, reason: 'supervisor_reassignment', at, reassigned: true, note: props.reason } }
          : {}),
    },
    writes,
  });
}
