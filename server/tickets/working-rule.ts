/**
 * Which tickets are "work": open, or resolved in the last `resolvedWindowDays` days (the queues'
 * "resolved" filter; older resolved and closed tickets are history). A leaf: the journal, the
 * key documents and the working set (working-set.ts) all decide with it.
 */
import { isOpenStatus } from '../lib/ticket.vocabulary.js';

export const resolvedWindowDays = 14;
const day = 24 * 3600 * 1000;

export function isWorking(ticket: { status: string; resolvedAt?: Date | string | null; updatedAt?: Date | string | null }, now = Date.now()): boolean {
  if (isOpenStatus(ticket.status)) return true;
  if (ticket.status !== 'resolved') return false;
  const since = ticket.resolvedAt ?? ticket.updatedAt;
  return since ? new Date(since).getTime() > now - resolvedWindowDays * day : false;
}
