/**
 * The mail ticket work sends to staff: the receiving team of an escalation, each in their language,
 * and the person a supervisor reassigned a ticket to. Built inside the journal's mail enricher
 * (ticket-mail.ts), like the member mail.
 */
import type { Types } from 'mongoose';
import type { JournalWrite } from '../tickets/ticket-event.model.js';
import { mailLocale, outboxWrites, staffTicketUrl, type MailConfig, type MailTicket } from './mail-parts.js';
import { buildOutboxMail } from './outbox.js';
import type { MailLocale } from './templates.js';

export interface MailStaff {
  _id: Types.ObjectId;
  email: string;
  languages?: readonly string[] | null;
}

/** Tells the people of the receiving tier's team that an escalation arrived. */
export function escalationMailWrites(
  config: MailConfig,
  ticket: MailTicket,
  recipients: readonly MailStaff[],
  props: {
    fromTier: 1 | 2;
    toTier: 2 | 3;
    /** The team's name, and the reason's label, in each recipient's language. */
    teamName: string | ((locale: MailLocale) => string);
    escalatedBy: string;
    reasonLabel: string | ((locale: MailLocale) => string);
    handoff: string;
    at: Date;
  },
): JournalWrite[] {
  const inLocale = (text: string | ((locale: MailLocale) => string), locale: MailLocale) => (typeof text === 'string' ? text : text(locale));
  return recipients.flatMap((person) => {
    const locale = mailLocale(person.languages?.[0], config);
    return outboxWrites(
      buildOutboxMail(
        {
          template: 'staff-escalation',
          locale,
          to: person.email,
          ticketId: ticket._id,
          data: {
            ticketNumber: ticket.number,
            subject: ticket.subject,
            fromTier: props.fromTier,
            toTier: props.toTier,
            teamName: inLocale(props.teamName, locale),
            escalatedBy: props.escalatedBy,
            reasonLabel: inLocale(props.reasonLabel, locale),
            handoff: props.handoff,
            staffTicketUrl: staffTicketUrl(config, ticket),
          },
        },
        { config, now: props.at },
      ),
    );
  });
}

/** Tells a staff member a ticket was reassigned to them. */
export function reassignmentMailWrites(
  config: MailConfig,
  ticket: MailTicket,
  person: MailStaff | null,
  props: { reassignedBy: string; reason: string; at: Date; returned?: boolean },
): JournalWrite[] {
  if (!person) return [];
  const mail = buildOutboxMail(
    {
      template: 'staff-reassignment',
      locale: mailLocale(person.languages?.[0], config),
      to: person.email,
      ticketId: ticket._id,
      data: {
        ticketNumber: ticket.number,
        subject: ticket.subject,
        reassignedBy: props.reassignedBy,
        returned: props.returned ?? false,
        reason: props.reason,
        staffTicketUrl: staffTicketUrl(config, ticket),
      },
    },
    { config, now: props.at },
  );
  return outboxWrites(mail);
}
