/**
 * Key documents kept beside the tickets so that every hot lookup is a read by `_id`, the only
 * filter the embedded FerretDB answers without reading the whole collection (docs/FERRETDB.md).
 * On MongoDB they cost one small write each and the same reads stay point reads.
 *
 *  - `ticket_numbers`  `_id` = the human number → the ticket (replies by mail, links, search by number);
 *  - `member_tickets`  `_id` = `<member>:<n>` (n = 1, 2, … per member) → the member's tickets in order,
 *    read by probing n = 1, 2, … until a miss ("my requests", the member's other tickets);
 *  - `ticket_days`     `_id` = `c:<office>:<day>:<n>` (created that UTC day, in that office) or
 *    `d:<day>:<n>` (resolved or closed that day) → the ticket: the reports and the forecast find the
 *    tickets of a period by reading the days' keys, not by querying the tickets;
 *    `u:<office>:<day>:<n>` → the ticket and the version a change makes, for each change of a ticket
 *    already resolved or closed (created that day in that office), written before the change: the
 *    reports' day documents (reports/day-facts.ts) learn from them which tickets to read again; the
 *    history lists walk the `d:` keys back from today (ticket-history.queries.ts), down to the first
 *    day that has one (`meta` `first_done_day`);
 *  - `working_tickets` `_id` = the ticket → a hint that the ticket may be in the working set (open, or
 *    resolved recently): the read model of the queues is rebuilt at start from these hints only
 *    (working-set.ts). A hint is written *before* the change that makes the ticket working, so the
 *    hints are always a superset; stale ones are dropped when the working set is rebuilt.
 *
 * A key is a hint, never the truth: a reader checks the ticket it points to (a crash can leave a
 * key whose ticket was never written, or was written under another number).
 */
import type { Types } from 'mongoose';
import { EmailMessageIdModel, MemberTicketModel, TicketDayModel, TicketNumberModel, WorkingTicketModel, type DonePlace } from './ticket-keys.model.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { isDoneStatus } from '../lib/ticket.vocabulary.js';
import { trailFrom, type Ticket } from './ticket.model.js';

export { EmailMessageIdModel, MemberTicketModel, TicketDayModel, TicketNumberModel, WorkingTicketModel } from './ticket-keys.model.js';
export type { DonePlace } from './ticket-keys.model.js';

type Key = { _id: string; ticket: Types.ObjectId; seq?: number; place?: DonePlace; at?: Date };
const numbers = () => TicketNumberModel.db.collection<Key>('ticket_numbers');
const memberSlots = () => MemberTicketModel.db.collection<Key>('member_tickets');
const emailIds = () => EmailMessageIdModel.db.collection<Key>('email_message_ids');
const days = () => TicketDayModel.db.collection<Key>('ticket_days');

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export type DayKind = { kind: 'created' | 'changed'; office: Types.ObjectId | string } | { kind: 'done' };
const dayPrefix = (k: DayKind, day: string) => (k.kind === 'done' ? `d:${day}` : `${k.kind === 'created' ? 'c' : 'u'}:${String(k.office)}:${day}`);
const slotId = (prefix: string, n: number) => `${prefix}:${String(n).padStart(6, '0')}`;

/**
 * Numbered keys (`<prefix>:<n>`, n = 1, 2, …): a writer takes the next free slot, probing from the
 * last one this process took (insert-and-retry on the unique `_id`; a slot already holding this
 * ticket — and this `seq`, for change keys — is a replay). Its first write to a key reads the taken
 * slots ahead, 16 at a time (a member with years of tickets, a busy day: not an insert and a read
 * each, issue 13's help form at 100,000 tickets). A reader reads slots 1, 2, … until the
 * first empty one. Slots are never removed, so they are always filled from 1 without a gap. Within a
 * process the writers of one key take turns (a chain per key), so simultaneous creations on the same
 * day do not all try the same slot and retry one after another; other processes are still told
 * apart by the unique `_id`.
 */
const lastSlot = new Map<string, number>();
const turns = new Map<string, Promise<void>>();
function takeSlot(collection: ReturnType<typeof days>, prefix: string, ticket: Types.ObjectId, seq?: number, done?: DoneNote): Promise<void> {
  const cacheKey = `${collection.collectionName}|${prefix}`;
  const mine = (turns.get(cacheKey) ?? Promise.resolve()).then(() => probeSlot(collection, cacheKey, prefix, ticket, seq, done));
  const turn = mine.catch(() => undefined);
  turns.set(cacheKey, turn);
  void turn.then(() => {
    if (turns.get(cacheKey) === turn) turns.delete(cacheKey);
  });
  return mine;
}

async function probeSlot(
  collection: ReturnType<typeof days>,
  cacheKey: string,
  prefix: string,
  ticket: Types.ObjectId,
  seq?: number,
  done?: DoneNote,
): Promise<void> {
  let from = (lastSlot.get(cacheKey) ?? 0) + 1;
  if (!lastSlot.has(cacheKey)) {
    const taken = await readSlotsFrom(collection, prefix, from, 16);
    from += taken.length;
    lastSlot.set(cacheKey, from - 1);
    if (taken.some((k) => String(k.ticket) === String(ticket) && k.seq === seq)) return;
  }
  for (let n = from; n < 1_000_000; n += 1) {
    if (await insertIgnoringDuplicate(collection, { _id: slotId(prefix, n), ticket, ...(seq === undefined ? {} : { seq }), ...(done ?? {}) })) {
      lastSlot.set(cacheKey, n);
      return;
    }
    const taken = await collection.findOne({ _id: slotId(prefix, n) });
    if (taken && String(taken.ticket) === String(ticket) && taken.seq === seq) return;
  }
}

/** The keys from slot `first` on, up to the first empty slot. */
async function readSlotsFrom(collection: ReturnType<typeof days>, prefix: string, first: number, batch = 4): Promise<Key[]> {
  const keys: Key[] = [];
  // One read for an empty list, then four at a time. Every read past the last slot is wasted work
  // for the database (each costs about as much as a hit on FerretDB, whose reads are CPU-bound on a
  // small machine): batches growing to 64 read 16 empty slots for a member with 5 tickets, and 64
  // for one with 21; batches of 4 read at most 4, in a few more rounds of a couple of ms each.
  // (A day's done keys, hundreds at Smart's volume, are read up to 16 at a time: `batch`.)
  for (let n = first, step = 1; ; n += step, step = batch) {
    const slots = await Promise.all(Array.from({ length: step }, (_, i) => collection.findOne({ _id: slotId(prefix, n + i) })));
    for (const slot of slots) {
      if (!slot) return keys;
      keys.push(slot);
    }
  }
}

async function readSlots(collection: ReturnType<typeof days>, prefix: string): Promise<Types.ObjectId[]> {
  return (await readSlotsFrom(collection, prefix, 1)).map((k) => k.ticket);
}

function unique(ids: readonly Types.ObjectId[]): Types.ObjectId[] {
  const seen = new Set<string>();
  return ids.filter((id) => !seen.has(String(id)) && Boolean(seen.add(String(id))));
}

/** Notes the ticket under a day (created in an office, or done), in the next free slot. */
export async function rememberTicketDay(kind: 'done' | DayKind, at: Date, ticket: Types.ObjectId, seq?: number): Promise<void> {
  const k: DayKind = typeof kind === 'string' ? { kind: 'done' } : kind;
  if (k.kind === 'done') await noteDoneDay(dayOf(at));
  await takeSlot(days(), dayPrefix(k, dayOf(at)), ticket, seq);
  if (k.kind === 'done') forgetDoneDay(dayOf(at));
}

/** What a `d:` key says beside its ticket: where it was (`DonePlace`) and the instant it became done. */
interface DoneNote {
  place: DonePlace;
  at: Date;
}

/** Notes a ticket that has just become done under the day, with where it was (`DonePlace`) and when. */
export async function rememberDone(at: Date, ticket: Pick<Ticket, '_id' | 'office' | 'tier' | 'team' | 'assignee' | 'category' | 'language'>): Promise<void> {
  await noteDoneDay(dayOf(at));
  await takeSlot(days(), dayPrefix({ kind: 'done' }, dayOf(at)), ticket._id, undefined, { place: donePlace(ticket), at });
  forgetDoneDay(dayOf(at));
}

function donePlace(ticket: Pick<Ticket, 'office' | 'tier' | 'team' | 'assignee' | 'category' | 'language'>): DonePlace {
  return {
    office: ticket.office,
    tier: ticket.tier,
    team: ticket.team,
    assignee: ticket.assignee ?? null,
    category: ticket.category ?? null,
    language: ticket.language,
  };
}

/**
 * When the ticket last became done (resolved or closed from an open status): the time of its `d:` key,
 * as the journal writes it. From the trail; a ticket from before the trail falls back to its dates.
 * Null for a ticket that is not done.
 */
export function doneAt(ticket: Pick<Ticket, 'status' | 'trail' | 'resolvedAt' | 'closedAt'>): Date | null {
  if (!isDoneStatus(ticket.status)) return null;
  const trail = ticket.trail ?? [];
  for (let i = trail.length - 1; i >= 0; i -= 1) {
    const entry = trail[i];
    const from = trailFrom(trail, i);
    if (entry && isDoneStatus(entry.to.status) && !(from && isDoneStatus(from.status))) return new Date(entry.at);
  }
  const at = ticket.resolvedAt ?? ticket.closedAt;
  return at ? new Date(at) : null;
}

export interface DoneKey {
  slot: number;
  ticket: Types.ObjectId;
  place?: DonePlace;
  /**
   * When the ticket became done (`doneAt`). Slots follow the order of the commits, which is not the
   * order of the instants when a change is back-dated (an import, the demo's stories): the history
   * lists order a day by this. Keys written before it have none.
   */
  at?: Date;
}

/**
 * The `d:` keys of days that have ended, as read (a history list reads a few hundred a day, one read
 * each): a day that has ended gets no new key but from a back-dated change or an import, which drops
 * the day here (`forgetDoneDay`); another instance's such key is seen within `doneKeysKeepMs`.
 */
const endedDoneKeys = new Map<string, { at: number; keys: DoneKey[] }>();
const doneKeysKeepMs = 3 * 3_600_000;
/** A day counts as ended this long after its UTC midnight (a commit under way at midnight notes its key just after). */
const doneKeysSettleMs = 24 * 3_600_000 + 10 * 60_000;
const maxEndedDays = 800;

/** The `d:` keys of one UTC day, with their slots (1, 2, …: the order in which the tickets became done). */
export async function doneKeysOfDay(day: string, batch = 16, now = Date.now()): Promise<DoneKey[]> {
  const ended = Date.parse(`${day}T00:00:00Z`) + doneKeysSettleMs <= now;
  const kept = endedDoneKeys.get(day);
  if (ended && kept && now - kept.at < doneKeysKeepMs) return kept.keys;
  const keys = (await readSlotsFrom(days(), dayPrefix({ kind: 'done' }, day), 1, batch)).map((key) => ({
    slot: Number(key._id.slice(key._id.lastIndexOf(':') + 1)),
    ticket: key.ticket,
    ...(key.place ? { place: key.place } : {}),
    ...(key.at ? { at: new Date(key.at) } : {}),
  }));
  if (ended) {
    endedDoneKeys.delete(day);
    endedDoneKeys.set(day, { at: now, keys });
    if (endedDoneKeys.size > maxEndedDays) endedDoneKeys.delete(endedDoneKeys.keys().next().value as string);
  }
  return keys;
}

function forgetDoneDay(day: string): void {
  endedDoneKeys.delete(day);
}

const firstDoneId = 'first_done_day';
const meta = () => TicketDayModel.db.collection<{ _id: string; day: string }>('meta');
/** What this process knows of the first day with a `d:` key: undefined until read, null when there is none. */
let firstDone: Promise<string | null> | undefined;

/**
 * The first UTC day that has a `d:` key (where the history lists stop), or null. Kept in `meta`; a
 * database from before it finds it once from the keys (one `_id` range query: the `_id` index on
 * MongoDB, a read of the keys on the embedded engine).
 */
export function firstDoneDay(): Promise<string | null> {
  firstDone ??= (async () => {
    const known = await meta().findOne({ _id: firstDoneId });
    if (known) return known.day;
    const [first] = await days()
      .find({ _id: { $gte: 'd:', $lt: 'd;' } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(1)
      .toArray();
    const day = first ? first._id.slice(2, 12) : null;
    if (day) await meta().updateOne({ _id: firstDoneId }, { $min: { day } }, { upsert: true });
    return day;
  })().catch((error: unknown) => {
    firstDone = undefined;
    throw error;
  });
  return firstDone;
}

/** Lowers the first done day when a key goes before it (imports, a back-dated change), before the key is written. */
async function noteDoneDay(day: string): Promise<void> {
  const known = await firstDoneDay();
  if (known !== null && known <= day) return;
  await meta().updateOne({ _id: firstDoneId }, { $min: { day } }, { upsert: true });
  firstDone = Promise.resolve(known === null ? day : day < known ? day : known);
}

/**
 * Notes, under the ticket's creation day and office, that a change is about to give this ticket
 * version `seq` (called before the change is journaled, for tickets already resolved or closed).
 */
export async function rememberDayChange(ticket: Pick<Ticket, '_id' | 'office' | 'createdAt'>, seq: number): Promise<void> {
  await takeSlot(days(), dayPrefix({ kind: 'changed', office: ticket.office }, dayOf(new Date(ticket.createdAt))), ticket._id, seq);
}

/**
 * The created (`c:`) or changed (`u:`) keys of one office and UTC day from slot `first` on (1 for
 * all): each with the ticket, and for changes the version the change gives it.
 */
export async function dayKeysFrom(
  k: Extract<DayKind, { kind: 'created' | 'changed' }>,
  day: string,
  first: number,
): Promise<Array<{ ticket: Types.ObjectId; seq: number }>> {
  return (await readSlotsFrom(days(), dayPrefix(k, day), first)).map((key) => ({ ticket: key.ticket, seq: key.seq ?? 0 }));
}

/** The ticket ids noted under each UTC day from `from` to `to` (both included), the days read in parallel. */
export async function ticketIdsOfDays(k: DayKind, from: Date, to: Date): Promise<Types.ObjectId[]> {
  const dayList: string[] = [];
  for (let d = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); d <= to.getTime(); d += 24 * 3600 * 1000)
    dayList.push(dayOf(new Date(d)));
  // Done keys through the ended days kept in memory: the reports' read-ahead at start fills them for the history lists too.
  const read = (day: string) => (k.kind === 'done' ? doneKeysOfDay(day).then((keys) => keys.map((key) => key.ticket)) : readSlots(days(), dayPrefix(k, day)));
  return unique((await Promise.all(dayList.map(read))).flat());
}

/** Records Message-ID → ticket (the first ticket to receive a Message-ID keeps it). */
export async function rememberEmailMessageId(messageId: string, ticket: Types.ObjectId): Promise<void> {
  await insertIgnoringDuplicate(emailIds(), { _id: messageId, ticket });
}

export async function ticketIdByEmailMessageId(messageId: string): Promise<Types.ObjectId | null> {
  return (await emailIds().findOne({ _id: messageId }))?.ticket ?? null;
}

export function memberSlotId(member: Types.ObjectId | string, n: number): string {
  return slotId(String(member), n);
}

async function insertIgnoringDuplicate(collection: { insertOne(doc: never): Promise<unknown> }, doc: Record<string, unknown>): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Marks a ticket as possibly working (before the write that makes it so). Idempotent. */
export async function markWorking(ticket: Types.ObjectId, at = new Date()): Promise<void> {
  await insertIgnoringDuplicate(WorkingTicketModel.collection, { _id: ticket, at });
}

export async function unmarkWorking(tickets: readonly Types.ObjectId[]): Promise<void> {
  for (const _id of tickets) await WorkingTicketModel.collection.deleteOne({ _id });
}

/** Every hint (a small collection: open tickets, recently resolved ones, and not yet cleaned ones): the ticket's id, and when the hint was written. */
export async function workingHints(): Promise<{ _id: Types.ObjectId; at: Date | null }[]> {
  const rows = await WorkingTicketModel.collection.find({}, { projection: { _id: 1, at: 1 } }).toArray();
  return rows.map((r) => ({ _id: r._id, at: r.at instanceof Date ? r.at : null }));
}

/** Records number → ticket; false when the number belongs to another ticket already. */
export async function claimNumber(number: string, ticket: Types.ObjectId): Promise<boolean> {
  if (await insertIgnoringDuplicate(numbers(), { _id: number, ticket })) return true;
  const holder = await numbers().findOne({ _id: number });
  return holder !== null && String(holder.ticket) === String(ticket);
}

/** The ticket id a number points to, or null (the caller checks the ticket carries that number). */
export async function ticketIdByNumber(number: string): Promise<Types.ObjectId | null> {
  const key = await numbers().findOne({ _id: number });
  return key?.ticket ?? null;
}

/** Links the ticket to its member in the next free slot. */
export async function rememberMemberTicket(member: Types.ObjectId, ticket: Types.ObjectId): Promise<void> {
  await takeSlot(memberSlots(), String(member), ticket);
}

/** The ids of a member's tickets, oldest first. */
export async function memberTicketIds(member: Types.ObjectId | string): Promise<Types.ObjectId[]> {
  return unique(await readSlots(memberSlots(), String(member)));
}

export function resetTicketKeyCaches(): void {
  lastSlot.clear();
  firstDone = undefined;
  endedDoneKeys.clear();
}

/** For the bulk writer (ticket-keys.bulk.ts): the key collections, a day key's `_id`, and the done days' bookkeeping. */
export const keyCollections = { numbers, memberSlots, days };
export function dayKeyId(k: DayKind, day: string, n: number): string {
  return slotId(dayPrefix(k, day), n);
}
export function dayKeyPrefix(k: DayKind, day: string): string {
  return dayPrefix(k, day);
}
export { donePlace, forgetDoneDay, noteDoneDay };
