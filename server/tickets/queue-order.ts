/**
 * The order of a queue list: by due date (the default), age, priority, subject, member, category or
 * status, ascending or descending, always then by due date, creation and `_id` so the order is total
 * and a page's cursor names an exact place in it. Sorting happens in memory over the working set
 * (tickets/working-set.ts); the keys are computed once per ticket, not in every comparison.
 */
import { Types } from 'mongoose';
import { BadRequestError } from '../lib/errors.js';
import { memberNamesForSorting } from '../members/member-lookup.js';
import type { Ticket } from './ticket.model.js';
import { priorities, ticketStatuses, type QueueSortKey } from '../lib/ticket.vocabulary.js';

export { queueSortKeys, type QueueSortKey } from '../lib/ticket.vocabulary.js';

export interface QueueOrder {
  key: QueueSortKey;
  descending: boolean;
  /** The category's label in the reader's language (sorting by code would look random to them). */
  categoryLabel?: (code: string | null) => string | null;
}

export const defaultQueueOrder: QueueOrder = { key: 'due', descending: false };

type SortValue = string | number;

interface Keyed {
  t: Ticket;
  v: SortValue;
  due: number;
  created: number;
  id: string;
}

interface Cursor {
  /** The sort it was made for: a cursor of another sort starts the list again. */
  k: QueueSortKey;
  r: boolean;
  v: SortValue;
  d: string;
  c: string;
  i: string;
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** A date field as milliseconds (documents hold Dates; a few tests and old rows hold strings). */
function ms(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** Urgent first when ascending, like the due date: what needs doing first comes first. */
const priorityRank = (p: string): number => priorities.length - priorities.indexOf(p as (typeof priorities)[number]);
const statusRank = (s: string): number => ticketStatuses.indexOf(s as (typeof ticketStatuses)[number]);

async function valueOf(order: QueueOrder, rows: readonly Ticket[]): Promise<(t: Ticket) => SortValue> {
  switch (order.key) {
    case 'due':
      return (t) => ms(t.dueAt);
    case 'age':
      return (t) => ms(t.createdAt);
    case 'priority':
      return (t) => priorityRank(t.priority);
    case 'status':
      return (t) => statusRank(t.status);
    case 'subject':
      return (t) => t.subject ?? '';
    case 'category':
      // Without a category last (a high code point), so "to classify" tickets gather at the end.
      return (t) => order.categoryLabel?.(t.category ?? null) ?? t.category ?? '\uffff';
    case 'member': {
      // What the row shows: a withheld member's typed name, never the record's (ticket.presenter.ts).
      const names = await memberNamesForSorting(rows.filter((t) => !t.withheldMember).map((t) => String(t.member)));
      return (t) => t.withheldMember?.name ?? names.get(String(t.member)) ?? '';
    }
  }
}

function compareKeyed(a: Omit<Keyed, 't'>, b: Omit<Keyed, 't'>, descending: boolean): number {
  const primary = compareValues(a.v, b.v);
  if (primary !== 0) return descending ? -primary : primary;
  return a.due - b.due || a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The first `count` tickets after `cursor` in this order. */
export async function firstInOrder(
  rows: readonly Ticket[],
  order: QueueOrder,
  count: number,
  cursor: string | undefined,
): Promise<{ rows: Ticket[]; cursorOf: (t: Ticket) => string }> {
  const at = cursor ? decodeQueueCursor(cursor, order) : null;
  const value = await valueOf(order, rows);
  let keyed: Keyed[] = rows.map((t) => ({ t, v: value(t), due: ms(t.dueAt), created: ms(t.createdAt), id: String(t._id) }));
  if (at) {
    const mark = { v: at.v, due: ms(at.d), created: ms(at.c), id: at.i };
    keyed = keyed.filter((k) => compareKeyed(k, mark, order.descending) > 0);
  }
  keyed.sort((a, b) => compareKeyed(a, b, order.descending));
  const byId = new Map(keyed.slice(0, count).map((k) => [k.id, k]));
  return {
    rows: keyed.slice(0, count).map((k) => k.t),
    cursorOf: (t) => {
      const k = byId.get(String(t._id));
      const c: Cursor = {
        k: order.key,
        r: order.descending,
        v: k?.v ?? '',
        d: new Date(t.dueAt).toISOString(),
        c: new Date(t.createdAt).toISOString(),
        i: String(t._id),
      };
      return Buffer.from(JSON.stringify(c)).toString('base64url');
    },
  };
}

/** The answer to a cursor this list did not make (queue and history lists alike). */
export const invalidCursor = () =>
  new BadRequestError('The cursor is not valid: use the nextCursor value of a previous page.', [{ path: 'cursor', message: 'invalid cursor' }]);

/** The place a cursor names; one made for another order (or malformed) is refused. */
export function decodeQueueCursor(cursor: string, order: QueueOrder): Cursor {
  let parsed: Partial<Cursor>;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw invalidCursor();
  }
  // Cursors made before sorting existed hold only d, c, i: the due-date order.
  const k = parsed.k ?? 'due';
  const r = parsed.r ?? false;
  const v = parsed.v ?? (typeof parsed.d === 'string' ? ms(parsed.d) : undefined);
  const valid =
    typeof parsed.d === 'string' &&
    typeof parsed.c === 'string' &&
    typeof parsed.i === 'string' &&
    Types.ObjectId.isValid(parsed.i) &&
    (typeof v === 'string' || typeof v === 'number') &&
    k === order.key &&
    r === order.descending;
  if (!valid) throw invalidCursor();
  return { k, r, v: v as SortValue, d: parsed.d as string, c: parsed.c as string, i: parsed.i as string };
}
