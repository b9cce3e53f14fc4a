/**
 * Undoing a block: the addresses blocked when a ticket was marked as spam (blocked-sender.model.ts),
 * listed newest first and unblocked with a reason, recorded in the audit trail. Anyone who may mark
 * spam may block; lifting a block is a supervisor's or an administrator's call — the people who can
 * already reverse a colleague's decision (reassign, reopen) and who run the incoming-mail quarantine
 * — so a block set in a hurry is checked by someone else before mail flows again.
 */
import { hasRole, type StaffActor } from '../auth/actor.js';
import { recordAudit } from '../audit/audit.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { TicketModel } from './ticket.model.js';
import { BlockedSenderModel, type BlockedSender } from '../members/blocked-sender.model.js';

export const BLOCKED_PAGE_SIZE = 50;
export const UNBLOCK_REASON_MAX = 500;

/** Whether this person may see blocked senders and unblock them. */
export function mayManageBlockedSenders(actor: StaffActor): boolean {
  return hasRole(actor, 'supervisor') || hasRole(actor, 'administrator');
}

export function assertMayManageBlockedSenders(actor: StaffActor): void {
  if (!mayManageBlockedSenders(actor)) throw new ForbiddenError('Only supervisors and administrators unblock senders.');
}

export interface BlockedSenderView {
  address: string;
  at: string;
  by: string;
  /** The number of the ticket marked as spam that led to the block, when it is known. */
  ticketNumber: string | null;
}

/** `<at ms>.<address>`: where the next (older) page starts. */
const cursorPattern = /^(\d{1,15})\.(.{3,320})$/s;

export function isBlockedCursor(value: string): boolean {
  return cursorPattern.test(value);
}

async function present(blocks: readonly BlockedSender[]): Promise<BlockedSenderView[]> {
  // One read by `_id` per row (a page is at most 50), for the ticket's number.
  const numbers = await Promise.all(
    blocks.map(async (b) => (b.ticket ? ((await TicketModel.findById(b.ticket, { number: 1 }).lean())?.number ?? null) : null)),
  );
  return blocks.map((b, i) => ({ address: b._id, at: new Date(b.at).toISOString(), by: b.by, ticketNumber: numbers[i] ?? null }));
}

/** One page of blocked senders, newest first (keyset-paged on `at`, then the address). */
export async function listBlockedSenders(options: { before?: string; limit?: number } = {}): Promise<{ senders: BlockedSenderView[]; next: string | null }> {
  const limit = options.limit ?? BLOCKED_PAGE_SIZE;
  const match = options.before ? cursorPattern.exec(options.before) : null;
  const filter = match ? { $or: [{ at: { $lt: new Date(Number(match[1])) } }, { at: new Date(Number(match[1])), _id: { $lt: match[2] } }] } : {};
  const found = await BlockedSenderModel.find(filter)
    .sort({ at: -1, _id: -1 })
    .limit(limit + 1)
    .lean<BlockedSender[]>();
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return { senders: await present(page), next: found.length > limit && last ? `${new Date(last.at).getTime()}.${last._id}` : null };
}

/** The block on one address (typed in any case), presented, or null. */
export async function findBlockedSender(address: string): Promise<BlockedSenderView | null> {
  const block = await BlockedSenderModel.findById(address.trim().toLowerCase()).lean<BlockedSender>();
  return block ? ((await present([block]))[0] ?? null) : null;
}

/**
 * Lifts the block on `address` (404 when it is not blocked), and records who did it and why. The mail
 * quarantined meanwhile stays where it is: an administrator reprocesses it from the quarantine.
 */
export async function unblockSender(actor: StaffActor, address: string, reason: string, meta: { ip?: string } = {}): Promise<string> {
  assertMayManageBlockedSenders(actor);
  const id = address.trim().toLowerCase();
  const block = await BlockedSenderModel.findById(id).lean<BlockedSender>();
  if (!block) throw new NotFoundError('This address is not blocked.');
  await BlockedSenderModel.collection.deleteOne({ _id: id } as never);
  const [shown] = await present([block]);
  await recordAudit(actor, {
    action: 'blocked_sender.unblock',
    target: { kind: 'blocked_sender', id, label: id },
    before: { address: id, by: block.by, at: shown?.at ?? null, ticket: shown?.ticketNumber ?? null },
    after: { reason },
    ip: meta.ip,
  });
  return id;
}
