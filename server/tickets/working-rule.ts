/**
 * Which tickets are "work": open, or resolved in the last `resolvedWindowDays` days (the queues'
 * "resolved" filter; older resolved and closed tickets are history). A leaf: the journal, the
 * key documents and the working set (working-set.ts) all decide with it, and the policy names the
 * places of the working set a person's work is found in (`Place`).
 */
import type { Types } from 'mongoose';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';

/**
 * A place in the working set that reads can start from: a tier (of one office or one team), the
 * tickets one person holds, or those one person worked on (ticket.workers.ts). Every working ticket
 * is filed under each place it is in, so a queue reads its person's places — some hundreds of
 * tickets — instead of the instance's whole working set (thousands at a year of data).
 */
export type Place =
  | { tier: number; office?: Types.ObjectId | string; team?: Types.ObjectId | string }
  | { assignee: Types.ObjectId | string }
  | { worker: Types.ObjectId | string };

export const resolvedWindowDays = 14;
const day = 24 * 3600 * 1000;

export function isWorking(ticket: { status: string; resolvedAt?: Date | string | null; updatedAt?: Date | string | null }, now = Date.now()): boolean {
  if (isOpenStatus(ticket.status)) return true;
  if (ticket.status !== 'resolved') return false;
  const since = ticket.resolvedAt ?? ticket.updatedAt;
  return since ? new Date(since).getTime() > now - resolvedWindowDays * day : false;
}
