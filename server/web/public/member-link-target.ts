/**
 * Where a member link leads once it opened a session: the ticket it names (with the score chosen in
 * the resolution mail preselected), or the member's list; and the score sent from the link's page,
 * recorded by that page's button (a person's POST, never a link's GET, which mail filters make).
 */
import { ConflictError } from '../../lib/errors.js';
import type { MemberSession } from '../../members/member-links.js';
import { rateTicket } from '../../tickets/member.commands.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import type { Ticket } from '../../tickets/ticket.queries.js';
import { ratingFormSchema } from './form-fields.js';
import { memberActorFor } from './member-session.js';

/** Where a followed link lands: its ticket (with the rating preselected) or the list. */
export async function linkTarget(claims: { ticketId: string | null }, note: unknown): Promise<string> {
  const score = Number(note);
  if (!claims.ticketId) return '/suivi';
  const ticket = await loadTicket(claims.ticketId);
  return ticket ? `/suivi/demandes/${ticket.number}${Number.isInteger(score) && score >= 1 && score <= 5 ? `?note=${score}#evaluation` : ''}` : '/suivi';
}

/**
 * Records the score (and comment) sent from the link's page: `rated` with the ticket's number; `refused`
 * with the ticket when it cannot be rated now (reopened since the mail, or rated already), so the page
 * says why and keeps the comment; null when nothing was sent to rate.
 */
export async function rateFromLink(
  session: MemberSession,
  ticketId: string | null,
  note: unknown,
  comment: string,
): Promise<{ kind: 'rated'; number: string } | { kind: 'refused'; ticket: Ticket } | null> {
  const parsed = ratingFormSchema.safeParse({ score: typeof note === 'string' ? note : '', comment });
  const actor = ticketId && parsed.success ? await memberActorFor(session) : null;
  if (!actor || !ticketId || !parsed.success) return null;
  try {
    return { kind: 'rated', number: (await rateTicket({ actor, ticketId, score: parsed.data.score, comment: parsed.data.comment ?? null })).number };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const ticket = await loadTicket(ticketId);
    return ticket ? { kind: 'refused', ticket } : null;
  }
}

