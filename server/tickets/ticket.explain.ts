/**
 * "Why is this ticket here?": the ticket's moves since it arrived, each put into a plain sentence,
 * and a summary of where it is and who holds it (the API's explanation). Separate from the reads of
 * ticket.queries.ts because it is wording, not reading: the reads it needs it takes from there.
 */
import type { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import type { TicketEvent } from './ticket-event.model.js';
import type { NameBook } from './ticket.presenter.js';
import { nameBook, readableTicket, ticketEvents } from './ticket.queries.js';

export interface Explanation {
  ticket: { id: string; number: string; tier: number; team: string; office: string; assignee: string | null; status: string };
  /** Plain sentences, oldest first, answering "why is this ticket here?". */
  because: { at: string; type: string; text: string }[];
  summary: string;
}

function describe(e: TicketEvent, names: NameBook): string | null {
  const who = e.actor.name;
  const team = (x: Types.ObjectId | null | undefined) => (x ? (names.get(String(x)) ?? 'a team') : 'no team');
  const person = (x: Types.ObjectId | null | undefined) => (x ? (names.get(String(x)) ?? 'a colleague') : 'nobody');
  switch (e.type) {
    case 'created':
      return `Arrived by ${String(e.data.channel ?? 'web')}. ${e.note ?? ''}`.trim();
    case 'claimed':
      return `${who} took it.`;
    case 'accepted':
      return `${who} accepted the escalation into tier ${e.to.tier}.`;
    case 'released':
      return `${who} put it back in the ${team(e.to.team)} queue${e.note ? `: ${e.note}` : '.'}`;
    case 'escalated':
      return `${who} escalated it from tier ${e.from?.tier} to tier ${e.to.tier} (${team(e.to.team)}), reason "${e.reason}". Handoff: ${e.note}`;
    case 'returned':
      return `${who} sent it back from tier ${e.from?.tier} to tier ${e.to.tier} (${team(e.to.team)})${e.to.assignee ? `, to ${person(e.to.assignee)}` : ''}: ${e.note}`;
    case 'reassigned':
      return `${who} (supervisor) reassigned it to ${e.to.assignee ? person(e.to.assignee) : team(e.to.team)} on tier ${e.to.tier}. Reason: ${e.note}`;
    case 'resolved':
      return `${who} resolved it.`;
    case 'reopened':
      return `${who} reopened it.`;
    default:
      return null;
  }
}

/** Answers "why is this ticket here?" from the routing decision and every move since. */
export async function explainTicket(actor: Actor, ticketId: string): Promise<Explanation> {
  const ticket = await readableTicket(actor, ticketId);
  const events = await ticketEvents(ticket);
  const names = await nameBook(events.flatMap((e) => [e.to.assignee, e.from?.assignee]).concat([ticket.assignee]));
  const because: Explanation['because'] = [];
  for (const e of events) {
    const text = describe(e, names);
    if (text !== null) because.push({ at: new Date(e.at).toISOString(), type: e.type, text });
  }
  const where = `tier ${ticket.tier}, ${names.get(String(ticket.team)) ?? 'team'} (${names.get(String(ticket.office)) ?? 'office'})`;
  const holder = ticket.assignee ? `held by ${names.get(String(ticket.assignee)) ?? 'a colleague'}` : 'waiting in the queue, unassigned';
  const lastMove = [...because].reverse().find((b) => ['escalated', 'returned', 'reassigned', 'created', 'released'].includes(b.type));
  return {
    ticket: {
      id: String(ticket._id),
      number: ticket.number,
      tier: ticket.tier,
      team: String(ticket.team),
      office: String(ticket.office),
      assignee: ticket.assignee ? String(ticket.assignee) : null,
      status: ticket.status,
    },
    because,
    summary: `${ticket.number} is on ${where}, ${holder}. ${lastMove ? `Last move: ${lastMove.text}` : ''}`.trim(),
  };
}
