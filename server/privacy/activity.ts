/**
 * Keeps each member's `lastActiveAt` (members/member.model.ts): the ticket they file and every change
 * they make themselves (a reply, a close, a reopen, a rating) set it, inside the change (an enricher,
 * before the event is written). The retention job then finds inactive members with one indexed query
 * on the members, never by reading tickets; it checks each candidate's tickets again before listing
 * them (retention.ts), so a write lost here can only make a member a candidate who is then left out.
 *
 * Retention counts in years, so a day is precision enough: an instance writes a member's activity at
 * most once a day (a member filing and answering all morning costs one write, not one per change —
 * one write of fourteen in a creation).
 */
import { registerEnricher } from '../tickets/ticket.journal.js';
import { MemberModel } from '../members/member.model.js';

const DAY = 24 * 3600 * 1000;
/** Members whose activity this instance wrote recently, with the time written (oldest first). */
const written = new Map<string, number>();
const rememberAtMost = 50_000;

/** Whether the activity at `at` is worth a write: none written in the day before it. */
function due(member: string, at: number): boolean {
  const last = written.get(member);
  if (last !== undefined && at >= last && at - last < DAY) return false;
  written.delete(member);
  written.set(member, at);
  if (written.size > rememberAtMost) written.delete(written.keys().next().value as string);
  return true;
}

/** Registers the enricher; returns the way to remove it. */
export function registerMemberActivity(): () => void {
  return registerEnricher(async (input) => {
    if (input.type === 'created' || input.actor.kind === 'member') {
      const at = input.at ?? new Date();
      if (due(String(input.ticket.member), at.getTime())) {
        await MemberModel.collection.updateOne({ _id: input.ticket.member }, { $set: { lastActiveAt: at } });
      }
    }
    return input;
  });
}
