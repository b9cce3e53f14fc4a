/**
 * The mail a ticket change sends, added to the change by the journal's enrichers
 * (`registerTicketMail`, called by the composition root with the mail settings): the mail is
 * written with the change as outbox documents in its journal event, replayed with it after a
 * crash, and sent by the outbox worker. Nothing here sends anything itself. Changes made inside
 * `withoutNotifications` (tickets/ticket.journal.ts: demo data, imports) send nothing.
 *
 *  - created: the acknowledgement to the member, once the ticket has its number;
 *  - replied: the staff reply (or request for information) to the member, threaded under their last email,
 *    held `REPLY_MAIL_HOLD` (held-replies.ts);
 *  - escalated: the receiving team, each in their language;
 *  - reassigned to a person (not oneself): that person;
 *  - resolved: the member, with the rating links, and the replies still held (their own mail cancelled),
 *    held `REPLY_MAIL_HOLD` too;
 *  - reopened during that hold: the resolution mail is cancelled and the replies it carried go again;
 *  - merged_in: the member, once, on the ticket a duplicate was merged into (the duplicate's own
 *    `merged` event sends nothing, nor does `marked_spam`: spam is never acknowledged).
 */
import { Types } from 'mongoose';
import { sameId } from '../auth/actor.js';
import { ReasonCodeModel } from '../catalog/category.model.js';
import { memberLinkUrl, replyAddress } from '../members/member-links.js';
import { MemberModel } from '../members/member.model.js';
import { StaffModel } from '../staff/staff.model.js';
import { TeamModel } from '../teams/team.model.js';
import { labelIn } from '../lib/labels.js';
import { opensWithGreeting } from '../lib/greetings.js';
import { notificationsSuppressed, registerCreationEnricher, registerEnricher, type CommitInput } from '../tickets/ticket.journal.js';
import type { JournalWrite, TicketEvent } from '../tickets/ticket-event.model.js';
import { ticketEvents } from '../tickets/ticket.queries.js';
import { cancelHeldWrites, claimHeldReplies, claimHeldResolution, replyMailDueAt, type HeldReply, type HeldResolution } from './held-replies.js';
import { fromWithAddress, mailboxAddress, mailLocale, outboxWrites, type MailConfig, type MailTicket } from './mail-parts.js';
import { escalationMailWrites, reassignmentMailWrites } from './staff-ticket-mail.js';
import { buildOutboxMail, mailDomain, outboxMessageId, type EnqueueMailInput } from './outbox.js';
import type { OutboxMail } from './mail.models.js';
import { refreshTemplateTexts } from './template-texts.model.js';
import { receivedFiles } from './received-files.js';
import type { MailTemplateName } from './templates.js';

export interface MailMember {
  _id: Types.ObjectId;
  email: string;
  /** Greets the member by name when it is one (greeting.ts `greetingName`). */
  name?: string | null;
  language?: string | null;
}

/** A stable thread root for a ticket: every message about it references it, so mail clients group them. */
export function ticketThreadId(config: Pick<MailConfig, 'mailFrom'>, ticketNumber: string): string {
  return `<${ticketNumber}@${mailDomain(config.mailFrom)}>`;
}

export function threadHeaders(config: MailConfig, ticket: MailTicket, inReplyTo?: string | null): NonNullable<EnqueueMailInput<MailTemplateName>['headers']> {
  const root = ticketThreadId(config, ticket.number);
  const references = inReplyTo && inReplyTo !== root ? [root, inReplyTo] : [root];
  // Answered from the address the member wrote to (hulp@), and at its own reply address.
  const mailbox = mailboxAddress(config, ticket);
  return {
    inReplyTo: inReplyTo ?? root,
    references,
    replyTo: replyAddress(mailbox ? { ...config, inboundAddress: mailbox } : config, ticket.number),
    ...(mailbox ? { from: fromWithAddress(config.mailFrom, mailbox) } : {}),
  };
}

function ticketUrl(config: MailConfig, ticket: MailTicket): string {
  return memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) }, { lang: mailLocale(ticket.language, config) });
}

/** What every member mail about one ticket carries: the member's name, the ticket's number and subject, their link to it. */
export function memberTicketFields(config: MailConfig, ticket: MailTicket, member: Pick<MailMember, 'name'>) {
  return { memberName: member.name, ticketNumber: ticket.number, subject: ticket.subject, ticketUrl: ticketUrl(config, ticket) };
}

/** The acknowledgement of a new ticket (built when the ticket has its number). */
export function acknowledgementMail(
  config: MailConfig,
  ticket: MailTicket,
  member: MailMember,
  props: { id: Types.ObjectId; at: Date; inReplyTo?: string | null; files?: readonly string[]; byPhone?: boolean; byVisit?: boolean; selfService?: boolean },
): OutboxMail {
  return buildOutboxMail(
    {
      template: 'ticket-acknowledgement',
      locale: mailLocale(ticket.language, config),
      to: member.email,
      ticketId: ticket._id,
      data: {
        ...memberTicketFields(config, ticket, member),
        files: [...(props.files ?? [])],
        // Opened by staff after a call or a visit: the member did not write (QA: "Thank you for writing" after a phone call).
        byPhone: props.byPhone === true,
        byVisit: props.byVisit === true,
        selfService: props.selfService === true,
      },
      headers: threadHeaders(config, ticket, props.inReplyTo),
    },
    { config, now: props.at, id: props.id },
  );
}

/** A staff reply, or a request for information when the ticket now waits on the member. */
export function replyMailWrites(
  config: MailConfig,
  ticket: MailTicket,
  member: MailMember | null,
  props: {
    text: string;
    /** The reply's sanitized HTML (lib/reply-markup.ts), when it has one. */
    html?: string | null;
    /** The author's signature is part of the reply: the mail's own closing is left out. */
    signed?: boolean;
    /** Files of the reply: the outbox attaches their bytes when it sends (ids only are stored). */
    attachments?: readonly Types.ObjectId[];
    agentName: string;
    waitForMember: boolean;
    at: Date;
    inReplyTo?: string | null;
  },
): JournalWrite[] {
  if (!member) return [];
  const data = {
    memberName: member.name,
    ticketNumber: ticket.number,
    subject: ticket.subject,
    replyText: props.text,
    greet: !opensWithGreeting(props.text),
    replyHtml: props.html ?? null,
    signed: props.signed ?? false,
    agentFirstName: firstName(props.agentName),
    ticketUrl: ticketUrl(config, ticket),
  };
  const locale = mailLocale(ticket.language, config);
  const headers = threadHeaders(config, ticket, props.inReplyTo);
  const options = { config, now: props.at, attachments: props.attachments };
  const mail = props.waitForMember
    ? buildOutboxMail({ template: 'information-request', locale, to: member.email, ticketId: ticket._id, data, headers }, options)
    : buildOutboxMail({ template: 'staff-reply', locale, to: member.email, ticketId: ticket._id, data, headers }, options);
  // Held: a resolution during the hold sends it inside its own mail instead (held-replies.ts).
  return outboxWrites({ ...mail, nextAttemptAt: replyMailDueAt(config, props.at) });
}

/**
 * The resolution notice, with the five rating links; it carries the staff replies whose own mail
 * was still held (`replies`, oldest first), and cancels that mail.
 */
export function resolvedMailWrites(
  config: MailConfig,
  ticket: MailTicket,
  member: MailMember | null,
  props: { note: string | null; at: Date; replies?: readonly HeldReply[]; inReplyTo?: string | null },
): JournalWrite[] {
  if (!member) return [];
  const replies = props.replies ?? [];
  const attachments = replies.flatMap((r) => r.attachments);
  const claims = { memberId: String(ticket.member), ticketId: String(ticket._id) };
  const ratingUrls = Object.fromEntries(
    [1, 2, 3, 4, 5].map((score) => [String(score), memberLinkUrl(config, claims, { score, lang: mailLocale(ticket.language, config) })]),
  ) as Record<'1' | '2' | '3' | '4' | '5', string>;
  const mail = buildOutboxMail(
    {
      template: 'ticket-resolved',
      locale: mailLocale(ticket.language, config),
      to: member.email,
      ticketId: ticket._id,
      data: {
        memberName: member.name,
        // The first reply it carries greets the member itself: the mail does not greet them again.
        greet: !(replies[0] && opensWithGreeting(replies[0].text)),
        ticketNumber: ticket.number,
        subject: ticket.subject,
        ticketUrl: ticketUrl(config, ticket),
        ratingUrls,
        resolutionNote: props.note,
        replies: replies.map((r, i) => ({
          agentFirstName: firstName(r.agentName),
          replyText: r.text,
          replyHtml: r.html,
          signed: r.signed,
          continued: i > 0 && replies[i - 1]?.agentName === r.agentName,
        })),
      },
      // Threaded where the first carried reply would have been, or alone: under the member's last email.
      headers: threadHeaders(config, ticket, replies[0]?.mail.inReplyTo ?? props.inReplyTo),
    },
    { config, now: props.at, attachments },
  );
  // Held too, so "Rouvrir" just after "Résoudre" (a mis-click) undoes it for the member (claimHeldResolution).
  return [...outboxWrites({ ...mail, nextAttemptAt: replyMailDueAt(config, props.at) }), ...cancelHeldWrites(replies, mail._id, props.at)];
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/**
 * A resolution undone during its hold: its mail is cancelled, and the replies it carried go again as
 * their own mails (new ids, when they were due), as if the ticket had never been resolved.
 */
function undoResolutionWrites(config: MailConfig, held: HeldResolution, at: Date): JournalWrite[] {
  const again = held.carried.flatMap((reply) => {
    const _id = new Types.ObjectId();
    const { replacedBy: _replacedBy, ...rest } = reply;
    return outboxWrites({
      ...rest,
      _id,
      messageId: outboxMessageId(_id, reply.ticketNumber, mailDomain(config.mailFrom)),
      status: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(Math.max(reply.nextAttemptAt.getTime(), at.getTime())),
      lastError: null,
      sentAt: null,
      createdAt: at,
      updatedAt: at,
    });
  });
  return [{ model: 'Outbox', op: 'update', id: held.mail._id, doc: { status: 'cancelled', replacedBy: null, updatedAt: at } }, ...again];
}

/** The Message-ID of the member's latest email on the ticket, so a reply threads under it in their mailbox. */
async function lastMemberEmailId(ticket: CommitInput['ticket']): Promise<string | null> {
  // The messages a ticket's events inserted, newest first (reads by `_id`).
  for (const event of (await ticketEvents(ticket)).reverse()) {
    for (const w of event.writes ?? []) {
      if (w.model === 'Message' && w.op === 'insert' && w.doc.author.kind === 'member' && w.doc.emailMessageId) return w.doc.emailMessageId;
    }
  }
  return null;
}

/** The mail one change sends (none for most changes). */
async function mailForChange(config: MailConfig, input: CommitInput): Promise<JournalWrite[]> {
  await refreshTemplateTexts(); // administrators' texts, read every few seconds (renderMail is synchronous)
  const { ticket } = input;
  const at = input.at ?? new Date();
  switch (input.type) {
    case 'replied': {
      const messageId = input.data.message;
      const message = (input.writes ?? []).find((w) => w.model === 'Message' && w.op === 'insert' && sameId(w.id, messageId));
      if (!message || message.model !== 'Message' || message.op !== 'insert') return [];
      const member = await MemberModel.findById(ticket.member, { email: 1, name: 1, language: 1 }).lean();
      return replyMailWrites(config, ticket, member, {
        text: message.doc.text,
        html: message.doc.html,
        signed: Boolean(input.data.signed),
        attachments: message.doc.attachments,
        agentName: input.actor.name,
        waitForMember: Boolean(input.data.waitForMember),
        at,
        inReplyTo: await lastMemberEmailId(ticket),
      });
    }
    case 'escalated': {
      const team = input.patch.team;
      const toTier = input.patch.tier;
      if (!team || (toTier !== 2 && toTier !== 3) || (ticket.tier !== 1 && ticket.tier !== 2)) return [];
      const [recipients, teamDoc, reason] = await Promise.all([
        StaffModel.find({ team, active: true }, { email: 1, languages: 1 }).lean(),
        TeamModel.findById(team, { name: 1, labels: 1 }).lean(),
        input.reason ? ReasonCodeModel.findOne({ code: input.reason }, { label: 1 }).lean() : null,
      ]);
      return escalationMailWrites(config, ticket, recipients, {
        fromTier: ticket.tier,
        toTier,
        // Each colleague reads the team and the reason in their own language.
        teamName: (locale) => (teamDoc ? labelIn(teamDoc, locale) : input.data.toTeamName),
        escalatedBy: input.actor.name,
        reasonLabel: (locale) => reason?.label?.[locale] ?? input.reason ?? '',
        handoff: input.note ?? '',
        at,
      });
    }
    case 'reassigned':
    case 'returned': {
      // Given to someone by a supervisor, or sent back to the person who escalated it: they are told,
      // as a person is for an escalation (they may be away from the queue that flags it).
      const assignee = input.patch.assignee;
      if (!assignee || (input.actor.kind === 'staff' && sameId(assignee, input.actor.id))) return [];
      const person = await StaffModel.findById(assignee, { email: 1, languages: 1, active: 1 }).lean();
      if (person?.active === false) return [];
      return reassignmentMailWrites(config, ticket, person, {
        reassignedBy: input.actor.name,
        reason: input.note ?? '',
        at,
        returned: input.type === 'returned',
      });
    }
    case 'resolved': {
      const member = await MemberModel.findById(ticket.member, { email: 1, name: 1, language: 1 }).lean();
      if (!member) return [];
      const replies = await claimHeldReplies(config, ticket, at, `resolution:${String(ticket._id)}:${ticket.version + 1}`);
      return resolvedMailWrites(config, ticket, member, { note: input.note ?? null, at, replies, inReplyTo: await lastMemberEmailId(ticket) });
    }
    case 'reopened': {
      // Reopened during the resolution mail's hold: the resolution is undone for the member too.
      const held = await claimHeldResolution(config, ticket, at, `reopening:${String(ticket._id)}:${ticket.version + 1}`);
      return held ? undoResolutionWrites(config, held, at) : [];
    }
    case 'merged_in': {
      const member = await MemberModel.findById(ticket.member, { email: 1, name: 1 }).lean();
      if (!member) return [];
      const source = input.data;
      const mail = buildOutboxMail(
        {
          template: 'ticket-merged',
          locale: mailLocale(ticket.language, config),
          to: member.email,
          ticketId: ticket._id,
          data: {
            memberName: member.name,
            ticketNumber: ticket.number,
            subject: ticket.subject,
            sourceNumber: source.sourceNumber,
            sourceSubject: source.sourceSubject,
            ticketUrl: ticketUrl(config, ticket),
          },
          headers: threadHeaders(config, ticket),
        },
        { config, now: at },
      );
      return outboxWrites(mail);
    }
    default:
      return [];
  }
}

/** The acknowledgement a new ticket sends, under the id its creation event fixed. */
async function acknowledgementWrites(config: MailConfig, event: TicketEvent<'created'>, number: string): Promise<JournalWrite[]> {
  const { ack, ticket } = event.data;
  if (!ack) return [];
  await refreshTemplateTexts();
  const member = await MemberModel.findById(ticket.member, { email: 1, name: 1, language: 1 }).lean();
  if (!member) return [];
  const files = await receivedFiles(event);
  return outboxWrites(
    acknowledgementMail(config, { ...ticket, number }, member, {
      id: ack.id,
      at: new Date(ticket.createdAt),
      inReplyTo: ack.inReplyTo,
      files,
      byPhone: ticket.channel === 'phone',
      byVisit: ticket.channel === 'visit',
      // Anyone can type an address in the form, or forge a From: the one who did not write is told to ignore it.
      selfService: ticket.channel === 'web' || ticket.channel === 'email',
    }),
  );
}

/**
 * Makes every ticket change send its mail, built with `config` (the composition root calls this
 * once at start-up); returns the way to stop.
 */
export function registerTicketMail(config: MailConfig): () => void {
  const stopChanges = registerEnricher(async (input) => {
    if (notificationsSuppressed()) return input;
    const writes = await mailForChange(config, input);
    return writes.length > 0 ? { ...input, writes: [...(input.writes ?? []), ...writes] } : input;
  });
  const stopCreations = registerCreationEnricher((event, number) => acknowledgementWrites(config, event, number));
  return () => {
    stopChanges();
    stopCreations();
  };
}
