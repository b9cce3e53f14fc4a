/**
 * Human ticket numbers `R-<year>-<6 digits>`, allocated per year without a counter
 * that FerretDB could not increment atomically: the unique index on `number` is the
 * point of serialization. Each process keeps its last number per year and, when an
 * insert collides (another instance took it), re-reads the highest and retries.
 */
import { TicketModel } from './ticket.model.js';

const last = new Map<number, number>();

export function formatTicketNumber(year: number, n: number): string {
  return `R-${year}-${String(n).padStart(6, '0')}`;
}

async function highestInDatabase(year: number): Promise<number> {
  const prefix = `R-${year}-`;
  const [top] = await TicketModel.find({ number: { $regex: `^${prefix}` } }, { number: 1 })
    .sort({ number: -1 })
    .limit(1)
    .lean();
  return top ? Number.parseInt(top.number.slice(prefix.length), 10) : 0;
}

/** The next candidate number for `year`; call `collided` when its insert hit the unique index. */
export async function nextTicketNumber(year: number): Promise<string> {
  let n = last.get(year);
  if (n === undefined) n = await highestInDatabase(year);
  n += 1;
  last.set(year, n);
  return formatTicketNumber(year, n);
}

/** After a duplicate number: forget the cached position so the next call re-reads the database. */
export async function numberCollided(year: number): Promise<void> {
  const fromDb = await highestInDatabase(year);
  last.set(year, Math.max(fromDb, last.get(year) ?? 0));
}

/** For tests that drop the database between files. */
export function resetTicketNumberCache(): void {
  last.clear();
}
