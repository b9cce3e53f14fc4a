/**
 * Merging a duplicate into another ticket of the same member: the duplicate is closed as "merged
 * into #N", its messages and files move to the other ticket, whose page shows the duplicate's history
 * with its own, and the member is told once, on the ticket that stays.
 *
 * FerretDB has no transactions, so a merge is three steps, each an idempotent journal commit or a
 * write by `_id`, started by a record that makes it resumable:
 *
 *  1. insert `ticket_merges` `{ _id: <duplicate> , state: 'started' }` — the unique `_id` is the
 *     point of serialization (a duplicate merged twice at once: the second is refused, or resumes the
 *     same merge);
 *  2. commit `merged` on the duplicate (closed, `merged.into`): from now on it takes no reply, no
 *     reopen (the lifecycle's `ticket_merged`), so its thread cannot grow while it moves;
 *  3. commit `merged_in` on the ticket that stays: its writes move each message and file (`ticket`
 *     set to the target), its patch adds the duplicate to `mergedFrom` (and opens a resolved or
 *     waiting ticket again: the member's messages need an answer there), and the mail enricher adds the
 *     one mail to the member — all in one journal event, replayed after a crash by `loadTicket`;
 *  4. mark the record `done`.
 *
 * Each step looks first whether it was done (`merged` on the duplicate, `mergedFrom` on the target,
 * read after `loadTicket` replayed any pending event), so running a merge again — the same person
 * retrying, or `resumeMerges` at start — finishes it without doing anything twice.
 */
import type { Types } from 'mongoose';
import { sameId, type StaffActor } from '../auth/actor.js';
import { BadRequestError, ConflictError, NotFoundError, isDuplicateKeyError } from '../lib/errors.js';
import { prepare, resumePlace, staffId, type CommandBase } from './ticket.commands.js';
import { commit, loadTicket } from './ticket.journal.js';
import { refusal } from './ticket.lifecycle.js';
import type { Ticket } from './ticket.model.js';
import { TicketMergeModel, type TicketMerge } from './ticket-merge.model.js';
import { authorize } from './ticket.policy.js';
import { presentTicket, type TicketView } from './ticket.presenter.js';
import { ticketByNumber, ticketThread } from './ticket.queries.js';
import { fullTicketNumber } from '../lib/ticket.vocabulary.js';

/** The ticket named by an id or a human number (R-2026-000123), or null. */
export async function ticketByIdOrNumber(ref: string, near?: { number: string }): Promise<Ticket | null> {
  const trimmed = ref.trim();
  const number = fullTicketNumber(trimmed, near?.number);
  if (number) return ticketByNumber(number);
  return loadTicket(trimmed);
}

/**
 * Checks that `actor` may merge `source` into the ticket named `into`: the duplicate as for any move
 * (holder or supervisor, current version, an open state), the ticket that stays in their work (it
 * receives messages and a mail goes out on it: `note` rights, 404 when they may not read it), not
 * closed nor merged itself, and the same member's (another member's words never land in a stranger's
 * thread, which that stranger would read on their page).
 */
async function checkMerge(props: CommandBase & { into: string }): Promise<{ source: Ticket; target: Ticket }> {
  const source = await prepare(props, 'merge');
  const target = await ticketByIdOrNumber(props.into, source);
  if (!target) throw new NotFoundError('No such ticket to merge into.');
  authorize(props.actor, 'note', target);
  if (sameId(target._id, source._id)) throw new BadRequestError('A ticket cannot be merged into itself.', [{ path: 'into', message: 'same ticket' }]);
  const refused = target.merged
    ? refusal('merge', target)
    : target.status === 'closed'
      ? { code: 'ticket_closed' as const, message: 'The ticket to merge into is closed: reopen it first.' }
      : null;
  if (refused) throw new ConflictError(refused.message, { reason: refused.code });
  if (!sameId(target.member, source.member)) {
    throw new ConflictError("These tickets are different members' requests: only one member's duplicates can be merged.", { reason: 'different_member' });
  }
  return { source, target };
}

/** The actor a merge record names, rebuilt to write the events of a resumed merge. */
function recordActor(record: TicketMerge): StaffActor {
  return {
    kind: 'staff',
    id: record.actor.staff,
    name: record.actor.name,
    email: record.actor.email,
    roles: [],
    team: null,
    tier: null,
    office: null,
    languages: [],
  };
}

/** Commits `make(ticket)` on the ticket's current version, again if someone committed first (a few times). */
async function commitOnCurrent(
  ticketId: Types.ObjectId,
  done: (t: Ticket) => boolean,
  make: (t: Ticket) => Parameters<typeof commit>[0] | Promise<Parameters<typeof commit>[0]>,
): Promise<Ticket> {
  for (let attempt = 0; ; attempt += 1) {
    const ticket = await loadTicket(ticketId);
    if (!ticket) throw new NotFoundError('No such ticket.');
    if (done(ticket)) return ticket;
    try {
      return (await commit(await make(ticket))).ticket;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

/** Steps 2–4 of a merge (see the top of the file); safe to run again at any point. */
export async function completeMerge(record: TicketMerge): Promise<Ticket> {
  const actor = recordActor(record);
  const first = await loadTicket(record.target);
  if (!first) throw new NotFoundError('The ticket to merge into no longer exists.');
  const source = await commitOnCurrent(
    record.source,
    (t) => sameId(t.merged?.into, record.target),
    (t) => ({
      ticket: t,
      type: 'merged',
      actor,
      at: record.at,
      note: record.note,
      data: { into: record.target, intoNumber: first.number },
      // Closed for good, out of every queue; a pending escalation into it has nobody left to take it.
      patch: { status: 'closed', closedAt: record.at, merged: { into: record.target, number: first.number }, escalation: null },
    }),
  );
  // The duplicate is closed now: its thread is final. Its messages (notes included) and their files move.
  const thread = await ticketThread(source, { publicOnly: false });
  const messages = thread.messages.map((m) => m._id);
  const files = [...thread.files.values()].map((a) => a._id);
  const lastAt = thread.messages.reduce<Date | null>((max, m) => (!max || new Date(m.createdAt) > max ? new Date(m.createdAt) : max), null);
  // The ticket that stays may itself have been merged on since this merge was checked (or while it
  // waited to be resumed): the messages go where the conversation went, following the chain; a step 3
  // done on a ticket of the chain before it moved on is not done again (one mail to the member).
  const chain = [first];
  for (let last = first; last.merged && chain.length <= 5; chain.push(last)) {
    const next = await loadTicket(last.merged.into);
    if (!next) break;
    last = next;
  }
  const into = chain[chain.length - 1] ?? first;
  if (chain.slice(0, -1).some((t) => (t.mergedFrom ?? []).some((m) => sameId(m.ticket, record.source)))) {
    await TicketMergeModel.collection.updateOne({ _id: record._id } as never, { $set: { state: 'done', doneAt: new Date() } });
    return into;
  }
  const target = await commitOnCurrent(
    into._id,
    (t) => (t.mergedFrom ?? []).some((m) => sameId(m.ticket, record.source)),
    async (t) => {
      // Resolved, it comes back to work as when the member answers it: to a team that works if its own has closed.
      const resume = t.status === 'resolved' ? await resumePlace(t, actor, record.at) : { patch: {}, note: null, writes: [] };
      return {
        ticket: t,
        type: 'merged_in',
        actor,
        at: record.at,
        note: [record.note, resume.note].filter(Boolean).join('; ') || null,
        data: { source: source._id, sourceNumber: source.number, sourceSubject: source.subject, messages, attachments: files },
        patch: {
          // The duplicate's messages are the member's and need an answer here: a ticket that was
          // resolved or waited on the member is open again, as when the member answers it.
          ...(t.status === 'resolved' || t.status === 'pending_member' ? { status: 'open' as const, resolvedAt: null } : {}),
          ...resume.patch,
          mergedFrom: [...(t.mergedFrom ?? []), { ticket: source._id, number: source.number }],
          messageCount: (t.messageCount ?? 0) + messages.length,
          ...(lastAt && (!t.lastMessageAt || lastAt > new Date(t.lastMessageAt)) ? { lastMessageAt: lastAt } : {}),
        },
        writes: [
          ...messages.map((id) => ({ model: 'Message' as const, op: 'update' as const, id, doc: { ticket: t._id } })),
          ...files.map((id) => ({ model: 'Attachment' as const, op: 'update' as const, id, doc: { ticket: t._id } })),
          ...resume.writes,
        ],
      };
    },
  );
  await TicketMergeModel.collection.updateOne({ _id: record._id } as never, { $set: { state: 'done', doneAt: new Date() } });
  return target;
}

/** Merges the duplicate `ticketId` into the ticket `into` (an id or a number); returns the ticket that stays. */
export async function mergeTicket(props: CommandBase & { into: string; note?: string }): Promise<TicketView> {
  const { source, target } = await checkMerge(props);
  const me = staffId(props.actor);
  const record: TicketMerge = {
    _id: String(source._id),
    source: source._id,
    target: target._id,
    actor: { staff: me, name: props.actor.name, email: props.actor.kind === 'staff' ? props.actor.email : '' },
    note: props.note ?? null,
    at: props.at ?? new Date(),
    state: 'started',
    doneAt: null,
  };
  try {
    await TicketMergeModel.collection.insertOne(record as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const existing = await TicketMergeModel.collection.findOne<TicketMerge>({ _id: record._id } as never);
    // The same merge, interrupted: finish it. Another one at the same moment: the first wins.
    if (!existing || !sameId(existing.target, target._id)) throw new ConflictError('Someone is merging this ticket into another one at this moment.', {});
    return presentTicket(await completeMerge(existing), props.actor);
  }
  return presentTicket(await completeMerge(record), props.actor);
}

/** Finishes the merges a stop interrupted (start-up); returns how many. */
export async function resumeMerges(): Promise<number> {
  const open = await TicketMergeModel.collection.find<TicketMerge>({ state: 'started' } as never).toArray();
  for (const record of open) await completeMerge(record);
  return open.length;
}
