/**
 * The commands that move and answer a ticket. Each takes one typed props object
 * with the actor and the ticket version the client saw, checks the policy and the
 * ticket's state, and commits one event (ticket.journal.ts). What the change sends (mail) and
 * recomputes (SLA) is added by the journal's enrichers; the journal announces it.
 */
import { Types } from 'mongoose';
import { saveAttachments, type CheckedUpload } from '../attachments/attachments.service.js';
import type { AttachmentStorage } from '../attachments/storage.js';
import { sameId, type Actor } from '../auth/actor.js';
import type { MailProof } from './message.model.js';
import { formatReply } from '../lib/reply-markup.js';
import { BadRequestError, ConflictError, NotFoundError } from '../lib/errors.js';
import { ReasonCodeModel } from '../catalog/category.model.js';
import { officeModelOf } from '../routing/office-models.js';
import { teamForTier } from '../routing/routing.service.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel, type Tier } from '../teams/team.model.js';
import { attachmentLink, commit, escalationUpdate, escalationWrite, loadTicket, messageWrite, type CommitInput } from './ticket.journal.js';
import type { EventData, JournalWrite } from './ticket-event.model.js';
import type { Priority, Ticket } from './ticket.model.js';
import { escalationTarget, refusal, returnTarget, type TicketAction } from './ticket.lifecycle.js';
import { authorize, tiersWorkedBy } from './ticket.policy.js';
import { escalatorTakesItBack } from './ticket.escalator.js';
import { escalationOrigin } from './ticket.queries.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';
import { replyLanguage } from './ticket.vocabulary.js';

export interface CommandBase {
  actor: Actor;
  ticketId: string;
  /** The version the actor saw; a stale one is refused with 409 and the current ticket. */
  version: number;
  /** When it happened; defaults to now (imports and demo data give past times). */
  at?: Date;
}

/**
 * Loads the ticket, checks the policy, then the version (so strangers learn nothing from a 409),
 * then whether the ticket's state allows the action (the lifecycle table, as the page offers it).
 */
export async function prepare(props: CommandBase, action: TicketAction): Promise<Ticket> {
  const ticket = await loadTicket(props.ticketId);
  if (!ticket) throw new NotFoundError('No such ticket.');
  authorize(props.actor, action, ticket);
  if (ticket.version !== props.version) {
    throw new ConflictError(
      `This ticket changed since you loaded it (you saw version ${props.version}, it is now at ${ticket.version}). Review the changes and try again.`,
      { reason: 'stale_version', ticket: presentTicket(ticket, props.actor) },
    );
  }
  const refused = refusal(action, ticket);
  if (refused) {
    const mine = refused.code === 'already_held' && props.actor.kind === 'staff' && sameId(ticket.assignee, props.actor.id);
    throw new ConflictError(mine ? 'You already hold this ticket.' : refused.message, { reason: refused.code, ticket: presentTicket(ticket, props.actor) });
  }
  return ticket;
}

/** Commits a command's event (the journal's enrichers add the SLA recompute; it announces the change). Member commands use it too. */
export async function finish(input: CommitInput): Promise<TicketView> {
  const { ticket } = await commit(input);
  return presentTicket(ticket, input.actor);
}

export function staffId(actor: Actor): Types.ObjectId {
  if (actor.kind !== 'staff') throw new BadRequestError('Only staff can do this.');
  return actor.id;
}

async function requireReason(code: string, appliesTo: 'escalate' | 'return' | 'reassign'): Promise<void> {
  const reason = await ReasonCodeModel.findOne({ code, active: true }).lean();
  if (!reason || !reason.appliesTo.includes(appliesTo)) {
    throw new BadRequestError(`"${code}" is not a reason code for this move. See GET /api/v1/reason-codes.`, [
      { path: 'reason', message: 'unknown reason code' },
    ]);
  }
}

/** Takes a ticket: exactly one holder. Claiming an escalated ticket accepts the escalation. */
export async function claimTicket(props: CommandBase): Promise<TicketView> {
  const ticket = await prepare(props, 'claim');
  const me = staffId(props.actor);
  const at = props.at ?? new Date();
  const writes = ticket.escalation ? [escalationUpdate(ticket.escalation, { acceptedBy: me, acceptedAt: at, outcome: 'accepted' })] : [];
  return finish({
    ticket,
    type: ticket.escalation ? 'accepted' : 'claimed',
    actor: props.actor,
    at,
    patch: { assignee: me, status: ticket.status === 'new' ? 'open' : ticket.status, escalation: null },
    writes,
  });
}

/**
 * Relais gives a waiting ticket to a person (automatic assignment: round-robin or least-loaded,
 * assignment/auto-assignment.ts). Like a claim: it accepts a pending escalation. The reason says how the
 * person was chosen, for "why is this ticket here?".
 */
export async function assignTicket(props: CommandBase & { assignee: Types.ObjectId; why: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'claim');
  const at = props.at ?? new Date();
  const writes = ticket.escalation ? [escalationUpdate(ticket.escalation, { acceptedBy: props.assignee, acceptedAt: at, outcome: 'accepted' })] : [];
  return finish({
    ticket,
    type: 'assigned',
    actor: props.actor,
    at,
    reason: 'automatic_assignment',
    note: props.why,
    patch: { assignee: props.assignee, status: ticket.status === 'new' ? 'open' : ticket.status, escalation: null },
    writes,
  });
}

/** Puts a held ticket back in its queue. */
export async function releaseTicket(props: CommandBase & { note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'release');
  return finish({ ticket, type: 'released', actor: props.actor, at: props.at, note: props.note ?? null, patch: { assignee: null } });
}

/** The signature a person adds under replies in a language (null when they set none). */
async function signatureOf(staff: Types.ObjectId, language: string): Promise<string | null> {
  const person = await StaffModel.findById(staff, { signatures: 1 }).lean();
  const signature = person?.signatures?.[replyLanguage(language)];
  return signature?.trim() ? signature.trim() : null;
}

export interface ReplyFiles {
  /** Uploads that passed `checkUploads` (the same limits and allow-list as members' files). */
  uploads: CheckedUpload[];
  storage: AttachmentStorage;
}

/**
 * A public reply to the member (optionally asking for information: status pending_member). `text`
 * is the reply markup (lib/reply-markup.ts): the message keeps its sanitized HTML and plain text.
 * The author's signature for the ticket's language is added under it, so the thread, the member's
 * page and the mail show the same words. Files are stored only once the policy, the version and
 * the ticket's state allowed the reply, and go with it (the mail attaches them).
 */
export async function replyToTicket(props: CommandBase & { text: string; waitForMember?: boolean; files?: ReplyFiles }): Promise<TicketView> {
  const ticket = await prepare(props, 'reply');
  const me = staffId(props.actor);
  const at = props.at ?? new Date();
  const messageId = new Types.ObjectId();
  const signature = await signatureOf(me, ticket.language);
  const formatted = formatReply(signature ? `${props.text}\n\n${signature}` : props.text);
  const saved = props.files?.uploads.length
    ? await saveAttachments(props.files.uploads, { storage: props.files.storage, uploadedBy: { kind: 'staff', staff: me, member: null }, source: 'staff', at })
    : [];
  const attachments = saved.map((a) => a._id);
  return finish({
    ticket,
    type: 'replied',
    actor: props.actor,
    at,
    data: { message: messageId, ...(props.waitForMember ? { waitForMember: true } : {}), ...(signature ? { signed: true } : {}) },
    patch: {
      status: props.waitForMember ? 'pending_member' : ticket.status === 'new' || ticket.status === 'pending_member' ? 'open' : ticket.status,
      firstResponseAt: ticket.firstResponseAt ?? at,
      lastMessageAt: at,
      messageCount: (ticket.messageCount ?? 0) + 1,
    },
    writes: [
      messageWrite(messageId, {
        ticket: ticket._id,
        author: { kind: 'staff', staff: me, member: null, name: props.actor.name },
        visibility: 'public',
        text: formatted.text || props.text,
        html: formatted.html,
        channel: 'web',
        attachments,
        createdAt: at,
      }),
      ...attachments.map((id) => attachmentLink(id, ticket._id, messageId)),
    ],
  });
}

/**
 * An internal note: never visible to the member. A staff member's email (the inbound pipeline) is
 * kept with `channel: 'email'` and its Message-ID, so a retry of the same message appends it once.
 */
export async function addNote(
  props: CommandBase & { text: string; channel?: 'web' | 'email'; emailMessageId?: string | null; inbound?: string | null; mailAuth?: MailProof | null },
): Promise<TicketView> {
  const ticket = await prepare(props, 'note');
  const me = staffId(props.actor);
  const at = props.at ?? new Date();
  const messageId = new Types.ObjectId();
  return finish({
    ticket,
    type: 'noted',
    actor: props.actor,
    at,
    data: { message: messageId },
    patch: { messageCount: (ticket.messageCount ?? 0) + 1 },
    writes: [
      messageWrite(messageId, {
        ticket: ticket._id,
        author: { kind: 'staff', staff: me, member: null, name: props.actor.name },
        visibility: 'internal',
        text: props.text,
        html: null,
        channel: props.channel ?? 'web',
        attachments: [],
        ...(props.emailMessageId ? { emailMessageId: props.emailMessageId } : {}),
        ...(props.inbound ? { inbound: props.inbound } : {}),
        ...(props.mailAuth ? { mailAuth: props.mailAuth } : {}),
        createdAt: at,
      }),
    ],
  });
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
  const toTeam = origin && origin.fromTier === toTier ? { _id: origin.fromTeam } : await teamForTier(ticket.office, toTier);
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
    patch: { tier: toTier, team: toTeam._id, assignee, escalation: null, ...(assignee ? { returned: { to: assignee, by: props.actor.name, at } } : {}) },
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
    patch: { tier, team, office, assignee, escalation: null },
    writes,
  });
}

export async function resolveTicket(props: CommandBase & { note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'resolve');
  const at = props.at ?? new Date();
  return finish({ ticket, type: 'resolved', actor: props.actor, at, note: props.note ?? null, patch: { status: 'resolved', resolvedAt: at } });
}

export async function reopenTicket(props: CommandBase & { note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'reopen');
  return finish({
    ticket,
    type: 'reopened',
    actor: props.actor,
    at: props.at,
    note: props.note ?? null,
    patch: { status: 'open', resolvedAt: null, closedAt: null },
  });
}

/** Changes priority and/or category (one event each, so history reads naturally). */
export async function updateTicket(props: CommandBase & { priority?: Priority; category?: string | null }): Promise<TicketView> {
  const ticket = await prepare(props, 'update');
  if (props.priority !== undefined && props.priority !== ticket.priority) {
    const view = await finish({
      ticket,
      type: 'priority_changed',
      actor: props.actor,
      data: { from: ticket.priority, to: props.priority },
      patch: { priority: props.priority },
    });
    if (props.category === undefined || props.category === ticket.category) return view;
    return updateTicket({ ...props, version: view.version, priority: undefined });
  }
  if (props.category !== undefined && props.category !== ticket.category) {
    return finish({
      ticket,
      type: 'category_changed',
      actor: props.actor,
      data: { from: ticket.category, to: props.category },
      patch: { category: props.category },
    });
  }
  throw new BadRequestError('Nothing to change: give a new priority or category.');
}
