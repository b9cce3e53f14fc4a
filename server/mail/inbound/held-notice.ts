/**
 * A member's mail about their ticket that is held for a person to confirm (no reply token and no
 * authentication pass: `unverified_follow_up`) would otherwise wait unseen while the member believes
 * it arrived. The member is told, at the address on the ticket — never the `From:`, which proves
 * nothing, so a forged mail cannot make Relais write to anyone else — that it is not lost, and how
 * the next ones arrive directly. At most one notice per ticket and day: the outbox id is derived from
 * both, so a second held mail, or the same one processed again, stores nothing new.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { MemberModel } from '../../members/member.model.js';
import { ticketByNumber } from '../../tickets/ticket.queries.js';
import { mailLocale, type MailConfig } from '../mail-parts.js';
import { buildOutboxMail, storeOutboxMailOnce } from '../outbox.js';
import { refreshTemplateTexts } from '../template-texts.model.js';
import { memberTicketFields, threadHeaders } from '../ticket-mail.js';

/** The notice's outbox id for a ticket on a day (`YYYY-MM-DD`, UTC): the same for every held mail of that day. */
export function heldNoticeId(ticketNumber: string, day: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`follow-up-held:${ticketNumber}:${day}`).digest().subarray(0, 12));
}

/**
 * Tells the member, once a day, that a mail about ticket `ticketNumber` is held. `heldMail`: its own
 * Message-ID, as it came (the notice answers it, so a mail app shows it under the member's mail), or
 * null when it had none.
 */
export async function tellMemberMailIsHeld(config: MailConfig, ticketNumber: string, heldMail: string | null, now = new Date()): Promise<void> {
  const ticket = await ticketByNumber(ticketNumber);
  if (!ticket) return;
  const member = await MemberModel.findById(ticket.member, { email: 1, name: 1, erasedAt: 1 }).lean();
  if (!member?.email || member.erasedAt) return;
  await refreshTemplateTexts();
  const locale = mailLocale(ticket.language, config);
  const mail = buildOutboxMail(
    {
      template: 'follow-up-held',
      locale,
      to: member.email,
      ticketId: ticket._id,
      data: memberTicketFields(config, ticket, member),
      headers: threadHeaders(config, ticket, heldMail),
    },
    { config, now, id: heldNoticeId(ticket.number, now.toISOString().slice(0, 10)) },
  );
  await storeOutboxMailOnce(mail);
}
