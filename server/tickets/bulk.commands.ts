/**
 * Acting on many tickets at once: the same command as on one ticket, applied ticket by ticket, with
 * the same policy, version check and lifecycle; nothing is all-or-nothing. Each ticket gets its own
 * result — done (with its new version), or refused with the reason code and the sentence a person
 * reads (someone else holds it, it changed since you looked, it is resolved…). A ticket the person may
 * not read answers "not found" without its number, as on a single ticket.
 *
 * One at a time, in the order given: every commit is one journal event and one live update (the live
 * lists coalesce them), and the embedded engine has one writer anyway.
 */
import type { Actor } from '../auth/actor.js';
import { AppError, PayloadTooLargeError } from '../lib/errors.js';
import { claimTicket, resolveTicket, updateTicket } from './ticket.commands.js';
import { reassignTicket } from './ticket.moves.js';
import type { Priority } from './ticket.model.js';
import type { TicketView } from './ticket.presenter.js';
import { markSpam } from './ticket.spam.js';

/** Most tickets one request may act on (a page of the queue is 50; "select all" of a long filter stays bounded). */
export const BULK_MAX_TICKETS = 200;

export type BulkAction =
  | { action: 'claim' }
  | { action: 'assign'; assignee: string; reason: string }
  | { action: 'priority'; priority: Priority }
  | { action: 'category'; category: string | null }
  | { action: 'resolve'; note?: string }
  | { action: 'spam'; blockSender?: boolean; note?: string };

export interface BulkTarget {
  id: string;
  version: number;
}

export type BulkResult =
  | { id: string; ok: true; number: string; version: number; status: string }
  | { id: string; ok: false; number: string | null; status: number; code: string; reason: string | null; message: string };

export interface BulkOutcome {
  results: BulkResult[];
  done: number;
  refused: number;
}

function run(actor: Actor, target: BulkTarget, what: BulkAction): Promise<TicketView> {
  const base = { actor, ticketId: target.id, version: target.version };
  switch (what.action) {
    case 'claim':
      return claimTicket(base);
    case 'assign':
      return reassignTicket({ ...base, assignee: what.assignee, reason: what.reason });
    case 'priority':
      return updateTicket({ ...base, priority: what.priority });
    case 'category':
      return updateTicket({ ...base, category: what.category });
    case 'resolve':
      return resolveTicket({ ...base, note: what.note });
    case 'spam':
      return markSpam({ ...base, blockSender: what.blockSender, note: what.note });
  }
}

/** The number of a ticket a refusal may name: only when the refusal shows the person could read it. */
function numberIn(error: AppError): string | null {
  const ticket = error.details?.ticket;
  return ticket && typeof ticket === 'object' && 'number' in ticket && typeof ticket.number === 'string' ? ticket.number : null;
}

/**
 * Applies one action to each ticket in turn and says, for each, what happened. Refuses the whole
 * request (413) above `BULK_MAX_TICKETS`; repeated ids are acted on once.
 */
export async function actOnMany(actor: Actor, targets: readonly BulkTarget[], what: BulkAction): Promise<BulkOutcome> {
  if (targets.length > BULK_MAX_TICKETS) {
    throw new PayloadTooLargeError(
      `At most ${BULK_MAX_TICKETS} tickets at once (you sent ${targets.length}): select fewer, or act on them in several goes.`,
      [{ path: 'tickets', message: `at most ${BULK_MAX_TICKETS}` }],
      { max: BULK_MAX_TICKETS },
    );
  }
  const seen = new Set<string>();
  const results: BulkResult[] = [];
  for (const target of targets) {
    if (seen.has(target.id)) continue;
    seen.add(target.id);
    try {
      const view = await run(actor, target, what);
      results.push({ id: target.id, ok: true, number: view.number, version: view.version, status: view.status });
    } catch (error) {
      // Only the refusals a person can act on are reported per ticket; anything unexpected stops here (500), with what was done so far committed.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const reason = typeof error.details?.reason === 'string' ? error.details.reason : null;
      // Already at that priority or category: what was asked holds, nothing to refuse.
      const same = reason === 'unchanged' ? (error.details?.ticket as TicketView | undefined) : undefined;
      if (same) {
        results.push({ id: target.id, ok: true, number: same.number, version: same.version, status: same.status });
        continue;
      }
      results.push({
        id: target.id,
        ok: false,
        number: error.status === 404 ? null : numberIn(error),
        status: error.status,
        code: error.code,
        reason,
        message: error.message,
      });
    }
  }
  const done = results.filter((r) => r.ok).length;
  return { results, done, refused: results.length - done };
}
