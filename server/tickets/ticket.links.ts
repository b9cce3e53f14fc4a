/**
 * Related tickets: a symmetric link, each ticket listing the other in `links`, written as a journal
 * event on each (`linked` / `unlinked`: the history says who linked what, the working set and the
 * search index see the change like any other). Two commits without a transaction: the path ticket's
 * first, then the other's; a stop in between leaves one side, and linking again completes it (each side
 * is skipped when it already says so).
 *
 * Who may: someone whose work includes the ticket they act from (as for an internal note) and, to add
 * a link, who may read the other ticket — 404 for a ticket they may not read, so linking reveals
 * nothing; a link the ticket shows may be removed even when the other ticket moved out of reach. Linking is
 * possible in every state, a merged ticket included (it stays a record).
 */
import type { Types } from 'mongoose';
import { sameId, type Actor } from '../auth/actor.js';
import { BadRequestError, ConflictError, NotFoundError } from '../lib/errors.js';
import { finish, prepare, type CommandBase } from './ticket.commands.js';
import { commit, loadTicket } from './ticket.journal.js';
import { ticketByIdOrNumber } from './ticket.merge.js';
import type { Ticket } from './ticket.model.js';
import { authorize } from './ticket.policy.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';

const maxLinks = 50;

const has = (t: Pick<Ticket, 'links'>, other: Types.ObjectId) => (t.links ?? []).some((l) => sameId(l, other));

/** Writes the other side of a link change on its current version (again if someone committed first). */
async function otherSide(actor: Actor, otherId: Types.ObjectId, self: Ticket, add: boolean, at: Date): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const other = await loadTicket(otherId);
    if (!other || has(other, self._id) === add) return;
    const links = add ? [...(other.links ?? []), self._id] : (other.links ?? []).filter((l) => !sameId(l, self._id));
    try {
      await commit({ ticket: other, type: add ? 'linked' : 'unlinked', actor, at, data: { other: self._id, otherNumber: self.number }, patch: { links } });
      return;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

async function change(props: CommandBase & { other: string }, add: boolean): Promise<TicketView> {
  const ticket = await prepare(props, 'link');
  const other = await ticketByIdOrNumber(props.other, ticket);
  if (!other) throw new NotFoundError('No such ticket to link.');
  if (sameId(other._id, ticket._id)) throw new BadRequestError('A ticket cannot be linked to itself.', [{ path: 'other', message: 'same ticket' }]);
  // Linking needs to read the other ticket; removing a link this ticket shows does not (the other may have moved out of reach).
  if (add) authorize(props.actor, 'read', other);
  else if (!has(ticket, other._id)) throw new NotFoundError('These tickets are not linked.');
  const at = props.at ?? new Date();
  let view: TicketView | null = null;
  if (has(ticket, other._id) !== add) {
    if (add && (ticket.links?.length ?? 0) >= maxLinks) throw new ConflictError(`A ticket has at most ${maxLinks} related tickets.`);
    const links = add ? [...(ticket.links ?? []), other._id] : (ticket.links ?? []).filter((l) => !sameId(l, other._id));
    view = await finish({
      ticket,
      type: add ? 'linked' : 'unlinked',
      actor: props.actor,
      at,
      data: { other: other._id, otherNumber: other.number },
      patch: { links },
    });
  }
  await otherSide(props.actor, other._id, ticket, add, at);
  if (view) return view;
  const current = await loadTicket(ticket._id);
  if (!current) throw new NotFoundError('No such ticket.');
  return presentTicket(current, props.actor);
}

/** Links the ticket to another (an id or a number), on both sides. */
export function linkTickets(props: CommandBase & { other: string }): Promise<TicketView> {
  return change(props, true);
}

/** Removes the link between the ticket and another, on both sides. */
export function unlinkTickets(props: CommandBase & { other: string }): Promise<TicketView> {
  return change(props, false);
}
