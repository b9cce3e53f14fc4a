/**
 * What of a ticket and its messages goes into the search index, built the same way for the live
 * updates (from the journal) and for a rebuild (from the database).
 */
import type { Types } from 'mongoose';
import { MemberModel } from '../members/member.model.js';
import type { Ticket } from '../tickets/ticket.model.js';
import type { MessageDocument } from '../tickets/ticket-event.model.js';
import type { MessageSearchDoc, TicketSearchDoc } from './search.engine.js';

/** The start of a long message is what people search; the engine clips at the same length. */
export const maxIndexedText = 20_000;

export interface MemberCard {
  name: string;
  email: string;
  memberNumber: string | null;
}

/**
 * When staff of another office filed the ticket for an existing member, what they typed is all
 * they were shown (ticket.create.ts): only that is indexed, so a search reveals nothing more.
 */
export function ticketSearchDoc(ticket: Ticket, member: MemberCard | null): TicketSearchDoc {
  const shown = ticket.withheldMember ? { name: ticket.withheldMember.name, email: ticket.withheldMember.email, memberNumber: null } : member;
  return {
    id: String(ticket._id),
    v: ticket.version,
    number: ticket.number,
    subject: ticket.subject,
    name: shown?.name ?? '',
    email: shown?.email ?? '',
    memberNumber: shown?.memberNumber ?? '',
    category: ticket.category ?? '',
    lang: ticket.language,
    tier: ticket.tier,
    office: String(ticket.office ?? ''),
    team: String(ticket.team ?? ''),
    assignee: ticket.assignee ? String(ticket.assignee) : '',
    memberOffice: ticket.memberOffice ? String(ticket.memberOffice) : '',
    workers: (ticket.workers ?? []).map(String),
  };
}

export function messageSearchDoc(
  id: Types.ObjectId | string,
  message: Pick<MessageDocument, 'ticket' | 'text' | 'visibility'>,
  lang: string,
): MessageSearchDoc {
  return {
    id: String(id),
    ticket: String(message.ticket),
    lang,
    text: message.text.length > maxIndexedText ? message.text.slice(0, maxIndexedText) : message.text,
    internal: message.visibility === 'internal',
  };
}

/** Members by id, read by `_id` and remembered a while (a member's tickets are often indexed together). */
export class MemberCards {
  private cards = new Map<string, MemberCard | null>();

  constructor(private readonly capacity = 20_000) {}

  // Bumped by `forget`: a read that started before a member changed must not put back the old card.
  private generation = 0;

  async get(ids: Iterable<Types.ObjectId | string>): Promise<Map<string, MemberCard | null>> {
    const wanted = [...new Set([...ids].map(String))];
    const missing = wanted.filter((id) => !this.cards.has(id));
    if (this.cards.size + missing.length > this.capacity) this.cards.clear();
    const generation = this.generation;
    const read = new Map<string, MemberCard | null>();
    await Promise.all(
      missing.map(async (id) => {
        const m = await MemberModel.findById(id, { name: 1, email: 1, memberNumber: 1 }).lean();
        read.set(id, m ? { name: m.name, email: m.email, memberNumber: m.memberNumber ?? null } : null);
      }),
    );
    if (generation === this.generation) for (const [id, card] of read) this.cards.set(id, card);
    return new Map(wanted.map((id) => [id, read.has(id) ? (read.get(id) ?? null) : (this.cards.get(id) ?? null)]));
  }

  /** A member's details changed: the next `get` reads them again. */
  forget(id: string): void {
    this.cards.delete(id);
    this.generation += 1;
  }

  set(id: string, card: MemberCard): void {
    this.cards.set(id, card);
  }
}
