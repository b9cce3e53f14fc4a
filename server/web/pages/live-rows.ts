/**
 * A live list's snapshot without the rows the page already shows. Each change on a queue or the
 * board makes every page showing it fetch a snapshot again (client/lib/live-list.ts): at a year of
 * data the board's rows were about 185 KB and an advisor's queue 70 KB, for every supervisor or
 * advisor at each move, where one or two rows had changed. The page says which rows it shows
 * (`?known=`: each ticket row as the last 12 hex digits of its key and its version, at most 450); the snapshot
 * renders only the others, and gives the order of all as `[key, version]` pairs. The page keeps a
 * row whose version it already has, as it always did (reconcile.ts); a row it lacks makes it
 * fetch the whole snapshot. So a short key that two tickets shared would cost one full fetch,
 * never a wrong row.
 */
import type { Request } from 'express';

/** Ticket rows only (group headings, the empty row and the like are always sent). */
const ticketKey = /^[0-9a-f]{24}$/;
const token = /^[0-9a-f]{12}\.\d{1,9}$/;
/** More than the page sends (client/lib/live-list.ts stops at 450 rows): past it, the list is ignored and the snapshot whole. */
export const maxKnownRows = 1_000;

export function rowToken(key: string, version: number | string): string {
  return `${key.slice(-12)}.${version}`;
}

/** The rows the page says it shows, or null when it says nothing (a whole snapshot). Anything malformed is ignored. */
export function knownRows(req: Request): Set<string> | null {
  const raw = req.query.known;
  if (typeof raw !== 'string' || raw.length > maxKnownRows * 24) return null;
  return new Set(raw.split(',').filter((t) => token.test(t)));
}

/**
 * The rows to render (new or changed ticket rows, and every other row), and the order of all of
 * them, or no order when the page said nothing or the list is empty (then the render is whole).
 */
export function liveRows<R extends { key: string; version: number | string }>(
  rows: readonly R[],
  known: Set<string> | null,
): { render: readonly R[]; order?: Array<[string, number | string]> } {
  if (!known || rows.length === 0) return { render: rows };
  return {
    render: rows.filter((r) => !ticketKey.test(r.key) || !known.has(rowToken(r.key, r.version))),
    order: rows.map((r): [string, number | string] => [r.key, r.version]),
  };
}
