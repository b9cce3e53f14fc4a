/**
 * The mail a ticket change sends, built as outbox documents that the command stores in its journal
 * event (ticket.journal.ts): the mail is written together with the change, replayed with it after a
 * crash, and sent by the outbox worker. Nothing here sends or stores anything itself.
 *
 * Which configuration mail uses is set once per process (`configureMail`, from `index.ts` and
 * `createApp`); code run inside `withoutMail` (demo seeding, imports) sends nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Types } from 'mongoose';
import type { Config } from '../config.js';
import { memberLinkUrl, replyAddress, type MemberTokenSettings } from '../members/member-links.js';
import { insertWrite } from '../tickets/ticket.journal.js';
import type { JournalWrite } from '../tickets/ticket-event.model.js';
import { buildOutboxMail, mailDomain, type EnqueueMailInput } from './outbox.js';
import type { OutboxMail } from './mail.models.js';
import { mailLocales, type MailLocale, type MailTemplateName } from './templates.js';

export type MailConfig = Pick<Config, 'mailFrom' | 'publicUrl' | 'inboundAddress' | 'memberLinkTtl' | 'defaultLocale'> & MemberTokenSettings;

let configured: MailConfig | null = null;
const suppressed = new AsyncLocalStorage<true>();

/** Sets the configuration ticket mail is built with (null: ticket changes send no mail). */
export function configureMail(config: MailConfig | null): void {
  configured = config;
}

/** The mail configuration in effect here, or null when mail is off or suppressed. */
export function mailConfig(): MailConfig | null {
  return suppressed.getStore() ? null : configured;
}

/** Runs `fn` without sending ticket mail (demo data, imports). */
export function withoutMail<T>(fn: () => Promise<T>): Promise<T> {
  return suppressed.run(true, fn);
}

/** The mail language for a ticket or person: fr, nl or en, else the configured default. */
export function mailLocale(language: string | null | undefined, config: Pick<Config, 'defaultLocale'>): MailLocale {
  return (mailLocales as readonly string[]).includes(language ?? '') ? (language as MailLocale) : config.defaultLocale;
}

export interface MailTicket {
  _id: Types.ObjectId;
  number: string;
  subject: string;
  language: string;
  member: Types.ObjectId;
}

export interface MailMember {
  _id: Types.ObjectId;
  email: string;
  language?: string | null;
}

/** A stable thread root for a ticket: every message about it references it, so mail clients group them. */
export function ticketThreadId(config: Pick<Config, 'mailFrom'>, ticketNumber: string): string {
  return `<${ticketNumber}@${mailDomain(config.mailFrom)}>`;
}

function threadHeaders(config: MailConfig, ticket: MailTicket, inReplyTo?: string | null): NonNullable<EnqueueMailInput<MailTemplateName>['headers']> {
  const root = ticketThreadId(config, ticket.number);
  const references = inReplyTo && inReplyTo !== root ? [root, inReplyTo] : [root];
  return { inReplyTo: inReplyTo ?? root, references, replyTo: replyAddress(config, ticket.number) };
}

function ticketUrl(config: MailConfig, ticket: MailTicket): string {
  return memberLinkUrl(config, { memberId: String(ticket.member), ticketId: String(ticket._id) });
}

function staffTicketUrl(config: MailConfig, ticket: MailTicket): string {
  return `${config.publicUrl}/staff/tickets/${String(ticket._id)}`;
}

function asWrite(mail: OutboxMail): JournalWrite {
  return insertWrite('Outbox', mail as unknown as Record<string, unknown> & { _id: Types.ObjectId });
}

/** The acknowledgement of a new ticket (built when the ticket has its number). */
export function acknowledgementMail(config: MailConfig, ticket: MailTicket, member: MailMember, props: { id: Types.ObjectId; at: Date; inReplyTo?: string | null }): OutboxMail {
  return buildOutboxMail(
    {
      template: 'ticket-acknowledgement',
      locale: mailLocale(ticket.language, config),
      to: member.email,
      ticketId: ticket._id,
      data: { ticketNumber: ticket.number, subject: ticket.subject, ticketUrl: ticketUrl(config, ticket) },
      headers: threadHeaders(config, ticket, props.inReplyTo),
    },
    { config, now: props.at, id: props.id },
  );
}

/** A staff reply, or a request for information when the ticket now waits on the member. */
export function replyMailWrites(
  config: MailConfig | null,
  ticket: MailTicket,
  member: MailMember | null,
  props: { text: string; agentName: string; waitForMember: boolean; at: Date; inReplyTo?: string | null },
): JournalWrite[] {
  if (!config || !member) return [];
  const data = { ticketNumber: ticket.number, subject: ticket.subject, replyText: props.text, agentFirstName: firstName(props.agentName), ticketUrl: ticketUrl(config, ticket) };
  const locale = mailLocale(ticket.language, config);
  const headers = threadHeaders(config, ticket, props.inReplyTo);
  const options = { config, now: props.at };
  const mail = props.waitForMember
    ? buildOutboxMail({ template: 'information-request', locale, to: member.email, ticketId: ticket._id, data, headers }, options)
    : buildOutboxMail({ template: 'staff-reply', locale, to: member.email, ticketId: ticket._id, data, headers }, options);
  return [asWrite(mail)];
}

/** The resolution notice, with the five rating links. */
export function resolvedMailWrites(config: MailConfig | null, ticket: MailTicket, member: MailMember | null, props: { note: string | null; at: Date }): JournalWrite[] {
  if (!config || !member) return [];
  const claims = { memberId: String(ticket.member), ticketId: String(ticket._id) };
  const ratingUrls = Object.fromEntries([1, 2, 3, 4, 5].map((score) => [String(score), memberLinkUrl(config, claims, { score })])) as Record<'1' | '2' | '3' | '4' | '5', string>;
  const mail = buildOutboxMail(
    {
      template: 'ticket-resolved',
      locale: mailLocale(ticket.language, config),
      to: member.email,
      ticketId: ticket._id,
      data: { ticketNumber: ticket.number, subject: ticket.subject, ticketUrl: ticketUrl(config, ticket), ratingUrls, resolutionNote: props.note },
      headers: threadHeaders(config, ticket),
    },
    { config, now: props.at },
  );
  return [asWrite(mail)];
}

export interface MailStaff {
  _id: Types.ObjectId;
  email: string;
  languages?: readonly string[] | null;
}

/** Tells the people of the receiving tier's team that an escalation arrived. */
export function escalationMailWrites(
  config: MailConfig | null,
  ticket: MailTicket,
  recipients: readonly MailStaff[],
  props: { fromTier: 1 | 2; toTier: 2 | 3; teamName: string; escalatedBy: string; reasonLabel: string; handoff: string; at: Date },
): JournalWrite[] {
  if (!config) return [];
  return recipients.map((person) =>
    asWrite(
      buildOutboxMail(
        {
          template: 'staff-escalation',
          locale: mailLocale(person.languages?.[0], config),
          to: person.email,
          ticketId: ticket._id,
          data: {
            ticketNumber: ticket.number,
            subject: ticket.subject,
            fromTier: props.fromTier,
            toTier: props.toTier,
            teamName: props.teamName,
            escalatedBy: props.escalatedBy,
            reasonLabel: props.reasonLabel,
            handoff: props.handoff,
            staffTicketUrl: staffTicketUrl(config, ticket),
          },
        },
        { config, now: props.at },
      ),
    ),
  );
}

/** Tells a staff member a ticket was reassigned to them. */
export function reassignmentMailWrites(config: MailConfig | null, ticket: MailTicket, person: MailStaff | null, props: { reassignedBy: string; reason: string; at: Date }): JournalWrite[] {
  if (!config || !person) return [];
  const mail = buildOutboxMail(
    {
      template: 'staff-reassignment',
      locale: mailLocale(person.languages?.[0], config),
      to: person.email,
      ticketId: ticket._id,
      data: { ticketNumber: ticket.number, subject: ticket.subject, reassignedBy: props.reassignedBy, reason: props.reason, staffTicketUrl: staffTicketUrl(config, ticket) },
    },
    { config, now: props.at },
  );
  return [asWrite(mail)];
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
