/**
 * The commands that hold and answer a ticket (claim, assign, release, reply, note, resolve, reopen,
 * update), and the frame every command shares (`prepare`, `finish`). Each takes one typed props
 * object with the actor and the ticket version the client saw, checks the policy and the ticket's
 * state, and commits one event (ticket.journal.ts). What the change sends (mail) and recomputes
 * (SLA) is added by the journal's enrichers; the journal announces it. The moves between tiers,
 * teams and people (escalate, return, reassign) are in ticket.moves.ts.
 */
import { Types } from 'mongoose';
import { saveAttachments, type CheckedUpload } from '../attachments/attachments.service.js';
import type { AttachmentStorage } from '../attachments/storage.js';
import { sameId, type Actor } from '../auth/actor.js';
import type { MailProof } from './message.model.js';
import { endsWithSignOff, formatReply } from '../lib/reply-markup.js';
import { BadRequestError, ConflictError, NotFoundError } from '../lib/errors.js';
import { StaffModel } from '../staff/staff.model.js';
import { attachmentLink, escalationUpdate, messageWrite } from './journal-writes.js';
import type { JournalWrite } from './ticket-event.model.js';
import { commit, loadTicket, type CommitInput } from './ticket.journal.js';
import { placeToResume } from '../routing/routing.service.js';
import type { Priority, Ticket } from './ticket.model.js';
import { refusal, type TicketAction } from './ticket.lifecycle.js';
import { authorize } from './ticket.policy.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';
import { replyLanguage, type TicketLanguage } from '../lib/ticket.vocabulary.js';
import { placeholderValues } from './reply-placeholders.js';
import { fillPlaceholders, hasPlaceholders, refuseUnknownPlaceholders } from '../lib/placeholders.js';

export interface CommandBase {
  actor: Actor;
  ticketId: string;
  /** The version the actor saw; a stale one is refused with 409 and the current ticket. */
  version: number;
  /** When it happened; defaults to now (imports and demo data give past times). */
  at?: Date;
}

/**
 * Loads the ticket, checks that the actor may read it (404 otherwise: strangers learn nothing, not
 * even from a 409), then the version, then the policy for the action, then whether the ticket's state
 * allows it (the lifecycle table, as the page offers it). The version comes before the action's
 * policy: an advisor whose draft was overtaken (the ticket reassigned away meanwhile) gets the 409
 * with what changed, which the page lists, not a bare 403.
 */
export async function prepare(props: CommandBase, action: TicketAction): Promise<Ticket> {
  const ticket = await loadTicket(props.ticketId, props.version);
  if (!ticket) throw new NotFoundError('No such ticket.');
  authorize(props.actor, 'read', ticket);
  if (ticket.version !== props.version) {
    throw new ConflictError(
      `This ticket changed since you loaded it (you saw version ${props.version}, it is now at ${ticket.version}). Review the changes and try again.`,
      { reason: 'stale_version', ticket: presentTicket(ticket, props.actor) },
    );
  }
  authorize(props.actor, action, ticket);
  const refused = refusal(action, ticket);
  if (refused) {
    const mine = refused.code === 'already_held' && props.actor.kind === 'staff' && sameId(ticket.assignee, props.actor.id);
    throw new ConflictError(mine ? 'You already hold this ticket.' : refused.message, {
      reason: mine ? 'already_yours' : refused.code,
      ticket: presentTicket(ticket, props.actor),
    });
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
  refuseUnknownPlaceholders(props.text, 'text');
  const at = props.at ?? new Date();
  const messageId = new Types.ObjectId();
  const signature = await signatureOf(me, ticket.language);
  // Placeholders typed by hand are filled as in a saved reply: "{member.first_name}" never reaches the member.
  const text = hasPlaceholders(props.text) ? fillPlaceholders(props.text, await placeholderValues(props.actor, ticket)) : props.text;
  const formatted = formatReply(signature ? `${text}\n\n${signature}` : text);
  const saved = props.files?.uploads.length
    ? await saveAttachments(props.files.uploads, { storage: props.files.storage, uploadedBy: { kind: 'staff', staff: me, member: null }, source: 'staff', at })
    : [];
  const attachments = saved.map((a) => a._id);
  return finish({
    ticket,
    type: 'replied',
    actor: props.actor,
    at,
    // Signed: by the signature set in "My account", or by the advisor's own last line (no second closing in the mail).
    data: {
      message: messageId,
      ...(props.waitForMember ? { waitForMember: true } : {}),
      ...(signature || endsWithSignOff(text, props.actor.name) ? { signed: true } : {}),
    },
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
        text: formatted.text || text,
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
type NoteProps = CommandBase & {
  text: string;
  channel?: 'web' | 'email';
  emailMessageId?: string | null;
  inbound?: string | null;
  mailAuth?: MailProof | null;
  /** When it was written, if earlier than now (a staff mail held until a person confirmed it). */
  writtenAt?: Date | null;
};

/**
 * An internal note. It decides nothing others could have decided differently meanwhile, so it is
 * added to the ticket as it is now, whatever version the author saw (a colleague's reply or claim
 * since does not refuse it); a change committed at the very same moment makes it try again on the
 * newer version. Authorization is checked on the version it is added to.
 */
export async function addNote(props: NoteProps): Promise<TicketView> {
  return onCurrentVersion(props.ticketId, (current) => noteOn({ ...props, version: current.version }));
}

/**
 * Runs `run` on the ticket as it is now, for a command no one else's change can make wrong (a note, a
 * member's answer): again, a few times, when another change took that version at the same moment.
 */
export async function onCurrentVersion<T>(ticketId: string, run: (ticket: Ticket) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const ticket = await loadTicket(ticketId);
    if (!ticket) throw new NotFoundError('No such ticket.');
    try {
      return await run(ticket);
    } catch (error) {
      const raced = error instanceof ConflictError && (error.details?.reason === 'stale_version' || typeof error.details?.currentVersion === 'number');
      if (!raced || attempt >= 5) throw error;
    }
  }
}

async function noteOn(props: NoteProps): Promise<TicketView> {
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
        createdAt: props.writtenAt && props.writtenAt < at ? props.writtenAt : at,
      }),
    ],
  });
}

export async function resolveTicket(props: CommandBase & { note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'resolve');
  const at = props.at ?? new Date();
  return finish({ ticket, type: 'resolved', actor: props.actor, at, note: props.note ?? null, patch: { status: 'resolved', resolvedAt: at } });
}

export async function reopenTicket(props: CommandBase & { note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'reopen');
  const at = props.at ?? new Date();
  const resume = await resumePlace(ticket, props.actor, at);
  return finish({
    ticket,
    type: 'reopened',
    actor: props.actor,
    at,
    note: [props.note, resume.note].filter(Boolean).join('; ') || null,
    patch: { status: 'open', resolvedAt: null, closedAt: null, ...resume.patch },
    writes: resume.writes,
  });
}

/**
 * Where a done ticket goes back to work: where it was, unless its team or its office has closed since;
 * then to a team that works (routing.service.ts `placeToResume`), unheld, and the note says why
 * (nothing comes back to a queue no one reads). Back on tier 1 its escalation is over, as after a
 * supervisor's move; one still pending is closed as moved.
 */
export async function resumePlace(ticket: Ticket, actor: Actor, at: Date): Promise<{ patch: Partial<Ticket>; note: string | null; writes: JournalWrite[] }> {
  const place = await placeToResume(ticket);
  if (!place) return { patch: {}, note: null, writes: [] };
  const note =
    place.why === 'office_closed'
      ? 'its office has closed since: back to a queue of the default office'
      : 'its team has closed since: back to a queue that works';
  const closedBy = actor.kind === 'staff' ? actor.id : null;
  return {
    patch: { office: place.office, tier: place.tier, team: place.team, assignee: null, escalation: null, ...(place.tier === 1 ? { escalated: null } : {}) },
    note,
    writes: ticket.escalation ? [escalationUpdate(ticket.escalation, { outcome: 'reassigned', closedBy, closedAt: at, closingNote: note })] : [],
  };
}

type Classification = { priority?: Priority; category?: string | null; language?: TicketLanguage };

/** The first of the asked changes that is one (priority, then category, then language), as its event. */
function nextChange(current: { priority: Priority; category: string | null; language: string }, props: Classification) {
  if (props.priority !== undefined && props.priority !== current.priority)
    return { field: 'priority', type: 'priority_changed', data: { from: current.priority, to: props.priority }, patch: { priority: props.priority } } as const;
  if (props.category !== undefined && props.category !== current.category)
    return { field: 'category', type: 'category_changed', data: { from: current.category, to: props.category }, patch: { category: props.category } } as const;
  if (props.language !== undefined && props.language !== current.language)
    return { field: 'language', type: 'language_changed', data: { from: current.language, to: props.language }, patch: { language: props.language } } as const;
  return null;
}

/**
 * Changes priority, category and/or language (one event each, so history reads naturally). The
 * language is the one mail and pages speak to the member in: staff correct it when a short mail was
 * read as another language.
 */
export async function updateTicket(props: CommandBase & Classification): Promise<TicketView> {
  const ticket = await prepare(props, 'update');
  const change = nextChange(ticket, props);
  // Already so: a bulk change counts it done (bulk.commands.ts), one by one it is a 400.
  if (!change)
    throw new BadRequestError('Nothing to change: give a new priority, category or language.', undefined, {
      reason: 'unchanged',
      ticket: presentTicket(ticket, props.actor),
    });
  const { actor } = props;
  const view = await (change.field === 'priority'
    ? finish({ ticket, type: change.type, actor, data: change.data, patch: change.patch })
    : change.field === 'category'
      ? finish({ ticket, type: change.type, actor, data: change.data, patch: change.patch })
      : finish({ ticket, type: change.type, actor, data: change.data, patch: change.patch }));
  const rest = { ...props, version: view.version, [change.field]: undefined };
  // The next field asked for, on the version this change made.
  const more = (['priority', 'category', 'language'] as const).some((f) => rest[f] !== undefined && rest[f] !== view[f]);
  return more ? updateTicket(rest) : view;
}
