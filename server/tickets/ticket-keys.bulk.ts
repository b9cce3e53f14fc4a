/**
 * The key documents of tickets written in bulk (imports, the scale bench's dataset): the same keys
 * the journal writes one at a time (ticket.keys.ts), with their slots numbered by the writer.
 */
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Ticket } from './ticket.model.js';
import {
  WorkingTicketModel,
  dayKeyId,
  dayKeyPrefix,
  dayOf,
  doneAt,
  donePlace,
  forgetDoneDay,
  keyCollections,
  memberSlotId,
  noteDoneDay,
} from './ticket.keys.js';

/** The key documents of one ticket written in bulk (imports, the scale bench): `slot` is its place among its member's tickets. */
export function ticketKeyDocuments(
  ticket: Pick<
    Ticket,
    | '_id'
    | 'number'
    | 'member'
    | 'status'
    | 'createdAt'
    | 'office'
    | 'tier'
    | 'team'
    | 'assignee'
    | 'category'
    | 'language'
    | 'resolvedAt'
    | 'closedAt'
    | 'trail'
  >,
  slots: { member: number; created: number; done: number },
  working: boolean,
) {
  const done = doneAt(ticket);
  return {
    number: { _id: ticket.number, ticket: ticket._id },
    member: { _id: memberSlotId(ticket.member, slots.member), ticket: ticket._id },
    days: [
      { _id: dayKeyId({ kind: 'created', office: ticket.office }, dayOf(new Date(ticket.createdAt)), slots.created), ticket: ticket._id },
      ...(done ? [{ _id: dayKeyId({ kind: 'done' }, dayOf(done), slots.done), ticket: ticket._id, place: donePlace(ticket), at: done }] : []),
    ],
    working: working ? { _id: ticket._id, at: new Date(ticket.createdAt) } : null,
  };
}

/** The day keys' prefixes of a ticket (for bulk writers that number the slots themselves). */
export function dayPrefixes(ticket: Pick<Ticket, 'status' | 'createdAt' | 'office' | 'resolvedAt' | 'closedAt' | 'trail'>): {
  created: string;
  done: string | null;
} {
  const done = doneAt(ticket);
  return {
    created: dayKeyPrefix({ kind: 'created', office: ticket.office }, dayOf(new Date(ticket.createdAt))),
    done: done ? dayKeyPrefix({ kind: 'done' }, dayOf(done)) : null,
  };
}

export async function writeTicketKeyDocuments(list: readonly ReturnType<typeof ticketKeyDocuments>[]): Promise<void> {
  const insert = async (collection: { insertMany(docs: never[], options: { ordered: false }): Promise<unknown> }, docs: Record<string, unknown>[]) => {
    if (docs.length === 0) return;
    try {
      await collection.insertMany(docs as never[], { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  };
  await insert(
    keyCollections.numbers(),
    list.map((k) => k.number),
  );
  await insert(
    keyCollections.memberSlots(),
    list.map((k) => k.member),
  );
  const dayKeys = list.flatMap((k) => k.days);
  const firstDay = dayKeys
    .map((k) => String(k._id))
    .filter((id) => id.startsWith('d:'))
    .map((id) => id.slice(2, 12))
    .sort()[0];
  if (firstDay) await noteDoneDay(firstDay);
  await insert(keyCollections.days(), dayKeys);
  for (const id of dayKeys.map((k) => String(k._id)).filter((id) => id.startsWith('d:'))) forgetDoneDay(id.slice(2, 12));
  await insert(
    WorkingTicketModel.collection,
    list.flatMap((k) => (k.working ? [k.working] : [])),
  );
}
