/**
 * The queue's filters (from the address bar) and the counts shown next to each
 * filter. Counts are faceted: the number next to "Néerlandais" is how many tickets
 * the list would show with that language and every other filter as it is now.
 * The counts are made from the working set (tickets/working-set.ts: open and recently
 * resolved tickets, in memory) filtered by the policy's `inWorkScope` (or, for "Tickets I handed on",
 * `handedOnBy` and `canRead`), the same rules as the list.
 */
import type { Types } from 'mongoose';
import { z } from 'zod';
import { hasRole, sameId, type StaffActor } from '../../auth/actor.js';
import { workSelection, type ListFilters } from '../../tickets/ticket-list.queries.js';
import { ticketStatuses, type TicketStatus } from '../../lib/ticket.vocabulary.js';
import { canRead, inWorkScope, tiersWorkedBy, workPlaces } from '../../tickets/ticket.policy.js';
import { handedOnBy } from '../../tickets/ticket.workers.js';
import { workingSet } from '../../tickets/working-set.js';
import { isOpenStatus, openStatuses, queueSortKeys, ticketLanguages, type QueueSortKey } from '../../lib/ticket.vocabulary.js';

/** `handed`: "Tickets I handed on" — worked on and no longer held by me, read only (ticket.workers.ts). */
export const queueViews = ['all', 'mine', 'unassigned', 'handed'] as const;
export type QueueView = (typeof queueViews)[number];
/** Without a status filter the queue shows the work still to do, as the API does. */
export { openStatuses, ticketLanguages } from '../../lib/ticket.vocabulary.js';
/** Statuses offered as filters (closed tickets are history, not work). */
export const filterStatuses: readonly TicketStatus[] = [...openStatuses, 'resolved'];

const objectId = /^[0-9a-f]{24}$/i;

/** The category filter's value for tickets without a category (never a category code: codes have no `-`). */
export const noCategory = '-';

/** `due`, `-due` (descending), `subject`… (tickets/queue-order.ts). */
const sortPattern = new RegExp(`^-?(${queueSortKeys.join('|')})$`);

/** Lenient: a filter that makes no sense is dropped rather than answered with an error page (the page says which). */
export const queueQuerySchema = z.object({
  view: z.enum(queueViews).catch('all').default('all'),
  status: z.enum(ticketStatuses).optional().catch(undefined),
  language: z.enum(ticketLanguages).optional().catch(undefined),
  category: z
    .string()
    .regex(/^([a-z0-9_]{2,40}|-)$/)
    .optional()
    .catch(undefined),
  office: z.string().regex(objectId).optional().catch(undefined),
  sort: z.string().regex(sortPattern).optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});

export type QueueQuery = z.infer<typeof queueQuerySchema>;

/** The filters a person can set in the address bar, in the order the notice names them. */
export const queueParams = ['view', 'status', 'language', 'category', 'office', 'sort'] as const;
export type QueueParam = (typeof queueParams)[number];

export interface QueueSort {
  key: QueueSortKey;
  descending: boolean;
}

export function sortOf(q: QueueQuery): QueueSort {
  const raw = q.sort ?? 'due';
  return { key: raw.replace(/^-/, '') as QueueSortKey, descending: raw.startsWith('-') };
}

/** Whether this person's queue spans several offices, so an office filter is useful. */
export function mayFilterOffice(actor: StaffActor): boolean {
  return hasRole(actor, 'supervisor') || tiersWorkedBy(actor).some((tier) => tier > 1);
}

export function parseQueueQuery(raw: unknown, actor: StaffActor): QueueQuery {
  const query = queueQuerySchema.parse(typeof raw === 'object' && raw !== null ? raw : {});
  if (!mayFilterOffice(actor)) delete query.office;
  return query;
}

/** Parameters given in the address but ignored (an unknown value, or a filter this person's queue does not offer). */
export function ignoredQueueParams(raw: unknown, query: QueueQuery): QueueParam[] {
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const given = (key: QueueParam) => input[key] !== undefined && input[key] !== '';
  return queueParams.filter((key) => given(key) && (key === 'view' ? query.view !== input.view : query[key] === undefined));
}

export function toListFilters(q: QueueQuery, limit: number): ListFilters {
  return {
    status: q.status ? [q.status] : undefined,
    language: q.language,
    category: q.category === noCategory ? null : q.category,
    office: q.office,
    assignee: q.view === 'mine' ? 'me' : q.view === 'unassigned' ? 'none' : undefined,
    handedOn: q.view === 'handed',
    cursor: q.cursor,
    limit,
  };
}

/** The address of the queue with these filters (no cursor: a new filter starts at page one). */
export function queueHref(q: QueueQuery, change: Partial<Record<keyof QueueQuery, string | undefined>> = {}): string {
  const merged: Record<string, string | undefined> = {
    view: q.view,
    status: q.status,
    language: q.language,
    category: q.category,
    office: q.office,
    sort: q.sort,
    ...change,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '' || (key === 'view' && value === 'all') || (key === 'sort' && value === 'due')) continue;
    params.set(key, value);
  }
  const query = params.toString();
  return query ? `/staff/queue?${query}` : '/staff/queue';
}

/** The tickets that look alike to every facet, and how many they are. */
interface CountRow {
  status: string;
  language: string;
  category: string | null;
  office: string;
  /** Held by the person counting, by nobody (or by someone else). */
  mine: boolean;
  unassigned: boolean;
  /** In the person's work (all, mine, unassigned) and/or among the tickets they handed on. */
  work: boolean;
  handed: boolean;
  n: number;
}

type Facet = 'view' | 'status' | 'language' | 'category' | 'office';

export interface QueueCounts {
  /** Keys like `view:mine`, `status:open`, `status:` (open work), `language:nl`, `category:invoices`, `office:<id>`. */
  counts: Record<string, number>;
  total: number;
}

// Offices in hex, once per id object: the working set keeps its tickets' ids between requests.
const hexes = new WeakMap<Types.ObjectId, string>();
function hexOf(id: Types.ObjectId): string {
  let hex = hexes.get(id);
  if (hex === undefined) hexes.set(id, (hex = String(id)));
  return hex;
}

/** Faceted counts for the queue with these filters. */
export async function queueCounts(actor: StaffActor, q: QueueQuery, keys: { categories: string[]; offices: string[] }): Promise<QueueCounts> {
  const statuses = [...new Set([...filterStatuses, ...(q.status ? [q.status] : [])])];
  // Only the fields the facets read, and only for the person's tickets: copying whole tickets (trail
  // included) cost more than the counting at 6,000 working tickets, and most of those are other people's.
  // Tickets alike to every facet are counted once, with their number: a person's work is some
  // hundreds of tickets in a few dozen such groups.
  const groups = new Map<string, CountRow>();
  // The person's places: their work and what they worked on (working-set.ts), not every working ticket.
  const places = [...workPlaces(actor), ...workPlaces(actor, { handedOn: true })];
  for (const t of await workingSet.select(workSelection(statuses, undefined, places))) {
    if (!statuses.includes(t.status)) continue;
    const work = inWorkScope(actor, t);
    const handed = handedOnBy(actor.id, t) && canRead(actor, t);
    if (!work && !handed) continue;
    const mine = sameId(t.assignee, actor.id);
    const unassigned = !t.assignee;
    const office = hexOf(t.office);
    const key = `${+work}${+handed}${+mine}${+unassigned}|${t.status}|${t.language}|${t.category ?? ''}|${office}`;
    const group = groups.get(key);
    if (group) group.n += 1;
    else groups.set(key, { status: t.status, language: t.language, category: t.category ?? null, office, mine, unassigned, work, handed, n: 1 });
  }
  const rows = [...groups.values()];
  const test: Record<Facet, (r: CountRow, value: string | undefined) => boolean> = {
    view: (r, v) => (v === 'handed' ? r.handed : r.work && (v === 'mine' ? r.mine : v === 'unassigned' ? r.unassigned : true)),
    status: (r, v) => (v ? r.status === v : isOpenStatus(r.status)),
    language: (r, v) => !v || r.language === v,
    category: (r, v) => !v || (v === noCategory ? r.category === null : r.category === v),
    office: (r, v) => !v || r.office === v,
  };
  const current: Record<Facet, string | undefined> = { view: q.view, status: q.status, language: q.language, category: q.category, office: q.office };
  const facets = Object.keys(test) as Facet[];

  const values: Record<Facet, (string | undefined)[]> = {
    view: [...queueViews],
    status: [undefined, ...filterStatuses],
    language: [undefined, ...ticketLanguages],
    category: [undefined, ...keys.categories, noCategory],
    office: [undefined, ...keys.offices],
  };
  const keysOf = (facet: Facet, r: CountRow): string[] => {
    if (facet === 'view')
      return [
        ...(r.work ? ['view:all', ...(r.mine ? ['view:mine'] : []), ...(r.unassigned ? ['view:unassigned'] : [])] : []),
        ...(r.handed ? ['view:handed'] : []),
      ];
    if (facet === 'status') return [...(isOpenStatus(r.status) ? ['status:'] : []), `status:${r.status}`];
    if (facet === 'language') return ['language:', `language:${r.language}`];
    if (facet === 'category') return ['category:', r.category ? `category:${r.category}` : `category:${noCategory}`];
    return ['office:', `office:${r.office}`];
  };
  // One pass over the rows: a row counts for a facet's values when it passes every other facet.
  const counts: Record<string, number> = {};
  for (const facet of facets) for (const value of values[facet]) counts[`${facet}:${value ?? ''}`] = 0;
  let total = 0;
  for (const r of rows) {
    const failed = facets.filter((f) => !test[f](r, current[f]));
    if (failed.length === 0) total += r.n;
    if (failed.length > 1) continue;
    for (const facet of facets) {
      if (failed.length === 1 && failed[0] !== facet) continue;
      // The values this row has for the facet (only those listed are counted).
      for (const key of keysOf(facet, r)) if (key in counts) counts[key] = (counts[key] ?? 0) + r.n;
    }
  }
  return { counts, total };
}
