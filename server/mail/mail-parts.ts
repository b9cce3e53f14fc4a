/**
 * What every mail about a ticket is built from: the mail settings, the language a mail is written in,
 * the ticket's fields it names, the staff page's link, and a message as journal writes. Shared by the
 * member mail (ticket-mail.ts), the staff notifications (staff-ticket-mail.ts), the SLA warnings and
 * the account mail.
 */
import type { Types } from 'mongoose';
import type { Config } from '../config.js';
import type { MemberTokenSettings } from '../members/member-links.js';
import type { JournalWrite } from '../tickets/ticket-event.model.js';
import type { HoldConfig } from './held-replies.js';
import type { OutboxMail } from './mail.models.js';
import { intlTags } from '../lib/i18n.js';
import { mailLocales, type MailLocale } from './templates.js';
import { mailDomain } from './outbox.js';

export type MailConfig = Pick<Config, 'mailFrom' | 'publicUrl' | 'inboundAddress' | 'memberLinkTtl' | 'defaultLocale'> & {
  inbound?: Pick<Config['inbound'], 'extraAddresses'>;
} & MemberTokenSettings &
  HoldConfig;

/** A moment as a mail says it to its reader: "7 décembre 2026 à 10:42", in Relais's time zone. */
export function mailDateTime(at: Date, locale: MailLocale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'long', timeStyle: 'short', timeZone }).format(at);
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
  /** Where it came from: `facts.mailbox`, the address a mail that opened it was written to. */
  routing?: { facts?: { mailbox?: string } } | null;
}

/**
 * The address a ticket's mail goes out from and is answered at: the one the member wrote to when it
 * is one of Relais's other addresses (`INBOUND_EXTRA_ADDRESSES`: hulp@ beside support@), so a member
 * who wrote to hulp@ is answered from hulp@; else null (the main address, `MAIL_FROM`).
 */
export function mailboxAddress(config: Pick<MailConfig, 'inbound' | 'mailFrom'>, ticket: Pick<MailTicket, 'routing'>): string | null {
  const mailbox = ticket.routing?.facts?.mailbox?.trim().toLowerCase();
  if (!mailbox) return null;
  const plain = mailbox.replace(/\+[^@]*@/, '@');
  const address = config.inbound?.extraAddresses.find((a) => a.trim().toLowerCase() === plain) ?? null;
  // Only on MAIL_FROM's own domain: mail From another domain, sent with ours, would fail DMARC alignment.
  return address && address.slice(address.lastIndexOf('@') + 1).toLowerCase() === mailDomain(config.mailFrom) ? address : null;
}

/** `MAIL_FROM` with another address: "Relais <support@…>" → "Relais <hulp@…>". */
export function fromWithAddress(mailFrom: string, address: string): string {
  return /<[^>]*>\s*$/.test(mailFrom) ? mailFrom.replace(/<[^>]*>\s*$/, `<${address}>`) : address;
}

export function staffTicketUrl(config: MailConfig, ticket: MailTicket): string {
  return `${config.publicUrl}/staff/tickets/${String(ticket._id)}`;
}

/**
 * A message as journal writes: its `outbox_due` mark first (the outbox worker reads the marks, so a
 * message stored is never missed), then the message.
 */
export function outboxWrites(mail: OutboxMail): JournalWrite[] {
  const { _id, ...doc } = mail;
  return [
    // When it is due; the journal dates the mark as it writes it (tickets/journal-writes.ts `applyWrite`).
    { model: 'OutboxDue', op: 'insert', id: _id, doc: { due: mail.nextAttemptAt } },
    { model: 'Outbox', op: 'insert', id: _id, doc },
  ];
}
