/**
 * Marking a ticket as spam: it is closed (`marked_spam`) and nothing is sent — the mail enricher has
 * no case for it, so no acknowledgement, no resolution notice, no rating links reach the sender. If the
 * person chooses, the sender's address is blocked (members/blocked-sender.model.ts): their later mail
 * is quarantined with the reason `blocked_sender`, never lost.
 */
import { blockSender } from '../members/blocked-sender.model.js';
import { memberById } from '../members/member-lookup.js';
import { finish, prepare, type CommandBase } from './ticket.commands.js';
import type { TicketView } from './ticket.presenter.js';

export async function markSpam(props: CommandBase & { blockSender?: boolean; note?: string }): Promise<TicketView> {
  const ticket = await prepare(props, 'spam');
  const at = props.at ?? new Date();
  let blocked: string | null = null;
  if (props.blockSender) {
    // The block first: a stop before the commit leaves a blocked sender and an open ticket, and marking it again finishes.
    const member = ticket.withheldMember ? null : await memberById<{ email: string }>(ticket.member, { email: 1 });
    const address = ticket.withheldMember?.email ?? member?.email;
    if (address) blocked = await blockSender(address, props.actor.name, ticket._id, at);
  }
  return finish({
    ticket,
    type: 'marked_spam',
    actor: props.actor,
    at,
    note: props.note ?? null,
    data: { blocked },
    patch: { status: 'closed', closedAt: at, spam: true },
  });
}
