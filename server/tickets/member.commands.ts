/**
 * What members do to their own tickets, from their page or by email: answer, close, reopen, rate.
 * They act on the ticket as it is now (they never saw a version), so a command that races a staff
 * action is simply tried again on the new version.
 */
import { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import type { MailProof } from './message.model.js';
import { BadRequestError } from '../lib/errors.js';
import { finish, onCurrentVersion, reopenTicket, resumePlace } from './ticket.commands.js';
import { attachmentLink, messageWrite } from './journal-writes.js';
import type { Ticket } from './ticket.model.js';
import { nameBook, ticketEvents } from './ticket.queries.js';
import { assertStateAllows, type TicketAction } from './ticket.lifecycle.js';
import { authorize } from './ticket.policy.js';
import { onlyThanks } from './thanks.js';
import type { TicketView } from './ticket.presenter.js';

interface MemberCommandBase {
  /** The member (web page, email) or Relais itself acting for them (mail intake). */
  actor: Actor;
  ticketId: string;
  at?: Date;
}

/** A member's command on the ticket as it is now (ticket.commands.ts `onCurrentVersion`), checked as the member's. */
function asMember<T>(props: MemberCommandBase, action: TicketAction, run: (ticket: Ticket) => Promise<T>): Promise<T> {
  return onCurrentVersion(props.ticketId, (ticket) => {
    authorize(props.actor, action, ticket);
    assertStateAllows(action, ticket, 'member');
    return run(ticket);
  });
}

export interface MemberReplyProps extends MemberCommandBase {
  text: string;
  /** Sanitized HTML when the answer came by email with HTML. */
  html?: string | null;
  /** The quoted history and signature split off an email (kept, shown collapsed). */
  quoted?: string | null;
  channel: 'web' | 'email';
  /** Attachments already stored (attachments.service), linked to the new message here. */
  attachments?: readonly Types.ObjectId[];
  emailMessageId?: string | null;
  /** The received message (`inbound_mail._id`) the answer came in. */
  inbound?: string | null;
  /** By email: how the mail was shown to be the member's (shown to staff next to it). */
  mailAuth?: MailProof | null;
  /** When the member wrote it, if earlier than now (a mail held until a person confirmed it): the thread shows it there. */
  writtenAt?: Date | null;
  /** How many of `attachments` the member chose (a mail's signature logo is none); default: all of them. */
  chosenFiles?: number;
  /** The member's own words, without what Relais adds to `text` (refused files, who attached it): what a thank-you is judged on. */
  ownWords?: string;
}

/**
 * Whether a member's words to this ticket only thank (tickets/thanks.ts), sent with no file of their
 * choosing; the names they may carry are the member's and those of the staff who worked on it ("Merci Sophie").
 */
export async function thanksOnly(ticket: Ticket, words: string, memberName: string, chosenFiles: number): Promise<boolean> {
  if (chosenFiles > 0) return false;
  const staff = [ticket.assignee, ...(ticket.trail ?? []).map((e) => e.staff)];
  const book = await nameBook(staff);
  return onlyThanks(words, [memberName, ...staff.flatMap((id) => (id ? [book.get(String(id)) ?? ''] : []))]);
}

/**
 * A member's answer, from their ticket page or by email. It wakes a ticket that waited on them and
 * reopens a resolved one (the member is not done), unless it only says thank you (`thanks.ts`): then
 * it is kept and the request stays resolved, or closed. A closed ticket takes no other answer (409).
 */
export async function memberReply(props: MemberReplyProps): Promise<TicketView> {
  return onCurrentVersion(props.ticketId, async (ticket) => {
    authorize(props.actor, 'reply', ticket);
    const at = props.at ?? new Date();
    const messageId = new Types.ObjectId();
    const attachments = [...(props.attachments ?? [])];
    const done = ticket.status === 'resolved' || ticket.status === 'closed';
    const thanked = done && (await thanksOnly(ticket, props.ownWords ?? props.text, props.actor.name, props.chosenFiles ?? attachments.length));
    // A thank-you is kept on a closed ticket, never on a merged one (its messages went to the other).
    if (!thanked || ticket.merged) assertStateAllows('reply', ticket, 'member');
    const reopens = ticket.status === 'resolved' && !thanked;
    const status = ticket.status === 'pending_member' || reopens ? 'open' : ticket.status;
    const resume = reopens ? await resumePlace(ticket, props.actor, at) : { patch: {}, note: null, writes: [] };
    const author = ticket.member;
    return finish({
      ticket,
      type: 'member_replied',
      actor: props.actor,
      at,
      note: reopens ? ["reopened by the member's answer", resume.note].filter(Boolean).join('; ') : null,
      data: { message: messageId, channel: props.channel, attachments: attachments.length, ...(thanked ? { thanks: true as const } : {}) },
      patch: {
        status,
        ...(reopens ? { resolvedAt: null, ...resume.patch } : {}),
        lastMessageAt: at,
        lastMemberMessageAt: at,
        messageCount: (ticket.messageCount ?? 0) + 1,
      },
      writes: [
        messageWrite(messageId, {
          ticket: ticket._id,
          author: { kind: 'member', staff: null, member: author, name: props.actor.name },
          visibility: 'public',
          text: props.text,
          html: props.html ?? null,
          quoted: props.quoted ?? null,
          channel: props.channel,
          attachments,
          emailMessageId: props.emailMessageId ?? null,
          inbound: props.inbound ?? null,
          ...(props.mailAuth ? { mailAuth: props.mailAuth } : {}),
          createdAt: props.writtenAt && props.writtenAt < at ? props.writtenAt : at,
        }),
        ...attachments.map((id) => attachmentLink(id, ticket._id, messageId)),
        ...resume.writes,
      ],
    });
  });
}

/** The member says they are done: the ticket is closed (it can be reopened). */
export async function memberClose(props: MemberCommandBase): Promise<TicketView> {
  return asMember(props, 'close', async (ticket) => {
    const at = props.at ?? new Date();
    return finish({ ticket, type: 'closed', actor: props.actor, at, note: 'closed by the member', patch: { status: 'closed', closedAt: at } });
  });
}

/** The member reopens a resolved or closed ticket. */
export async function memberReopen(props: MemberCommandBase): Promise<TicketView> {
  return asMember(props, 'reopen', (ticket) =>
    reopenTicket({ actor: props.actor, ticketId: String(ticket._id), version: ticket.version, at: props.at, note: 'reopened by the member' }),
  );
}

/**
 * The member's satisfaction rating, once per ticket, after it was resolved. It is stored with the
 * tier, team and office that resolved it and who resolved it, for reports.
 */
export async function rateTicket(props: MemberCommandBase & { score: number; comment?: string | null }): Promise<TicketView> {
  if (!Number.isInteger(props.score) || props.score < 1 || props.score > 5)
    throw new BadRequestError('A rating is a whole number from 1 to 5.', [{ path: 'score', message: 'from 1 to 5' }]);
  return asMember(props, 'rate', async (ticket) => {
    const at = props.at ?? new Date();
    const resolved = (await ticketEvents(ticket)).reverse().find((e) => e.type === 'resolved');
    const comment = props.comment?.trim() ? props.comment.trim().slice(0, 2000) : null;
    const rating = { score: props.score, comment, at, tier: ticket.tier, team: ticket.team, office: ticket.office, resolvedBy: resolved?.actor.staff ?? null };
    return finish({ ticket, type: 'rated', actor: props.actor, at, note: comment, data: { score: props.score }, patch: { rating } });
  });
}
