/**
 * The values of a reply's placeholders on one ticket, for the person writing it: the saved reply
 * inserted in the reply box, and a reply sent with placeholders typed by hand (ticket.commands.ts).
 */
import type { Types } from 'mongoose';
import { memberById } from '../members/member-lookup.js';
import { firstName, type PlaceholderName } from '../lib/placeholders.js';

interface PlaceholderTicket {
  number: string;
  subject: string;
  member: Types.ObjectId;
  withheldMember?: { name?: string | null } | null;
}

/** `actor`: who writes (a staff member; their office decides whether a withheld member's name shows). */
export async function placeholderValues(
  actor: { name: string; office?: Types.ObjectId | null },
  ticket: PlaceholderTicket,
): Promise<Partial<Record<PlaceholderName, string>>> {
  const member = await memberById<{ name: string; office?: Types.ObjectId | null }>(ticket.member, { name: 1, office: 1 });
  // A member filed for by another office's staff: only what was typed is shown to them (as on the ticket page).
  const withheld = ticket.withheldMember && !(member?.office && actor.office && String(member.office) === String(actor.office));
  const memberName = (withheld ? ticket.withheldMember?.name : member?.name) ?? undefined;
  return {
    'member.name': memberName,
    'member.first_name': memberName ? firstName(memberName) : undefined,
    'ticket.number': ticket.number,
    'ticket.subject': ticket.subject,
    'advisor.name': actor.name,
    'advisor.first_name': firstName(actor.name),
  };
}
