/**
 * Keeps each member's `lastActiveAt` (members/member.model.ts): the ticket they file and every change
 * they make themselves (a reply, a close, a reopen, a rating) set it, inside the change (an enricher,
 * before the event is written). The retention job then finds inactive members with one indexed query
 * on the members, never by reading tickets; it checks each candidate's tickets again before listing
 * them (retention.ts), so a write lost here can only make a member a candidate who is then left out.
 */
import { registerEnricher } from '../tickets/ticket.journal.js';
import { MemberModel } from '../members/member.model.js';

/** Registers the enricher; returns the way to remove it. */
export function registerMemberActivity(): () => void {
  return registerEnricher(async (input) => {
    if (input.type === 'created' || input.actor.kind === 'member') {
      await MemberModel.collection.updateOne({ _id: input.ticket.member }, { $set: { lastActiveAt: input.at ?? new Date() } });
    }
    return input;
  });
}
