/**
 * Human ticket numbers `R-<year>-<6 digits>`, allocated per year without a counter
 * that FerretDB could not increment atomically: the number's key (`ticket_numbers`,
 * ticket.keys.ts) is the point of serialization. Each process keeps its last number per
 * year; the highest number given is also noted in `meta` (a hint, written after each
 * allocation), so a process starting or colliding reads one document, not the tickets.
 */
import { isDuplicateKeyError } from '../lib/errors.js';
import { TicketModel } from './ticket.model.js';

type Meta = { _id: string; n: number };
const meta = () => TicketModel.db.collection<Meta>('meta');
const hintId = (year: number) => `ticket_number:${year}`;

const last = new Map<number, number>();

export function formatTicketNumber(year: number, n: number): string {
  return `R-${year}-${String(n).padStart(6, '0')}`;
}

async function highestInDatabase(year: number): Promise<number> {
  const hint = await meta().findOne({ _id: hintId(year) });
  if (hint) return hint.n;
  // A database from before the hint: one query (served by the unique index on MongoDB).
  const prefix = `R-${year}-`;
  const [top] = await TicketModel.find({ number: { $regex: `^${prefix}` } }, { number: 1 })
    .sort({ number: -1 })
    .limit(1)
    .lean();
  return top ? Number.parseInt(top.number.slice(prefix.length), 10) : 0;
}

/**
 * Raises the hint to at least `n`. Two first upserts at the same moment race on FerretDB (its upsert
 * is not atomic): the loser's duplicate key means the document exists now, so it updates it.
 */
async function raiseHint(id: string, n: number): Promise<void> {
  try {
    await meta().updateOne({ _id: id }, { $max: { n } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await meta().updateOne({ _id: id }, { $max: { n } });
  }
}

/** The next candidate number for `year`; call `collided` when its insert hit the unique index. */
export async function nextTicketNumber(year: number): Promise<string> {
  let n = last.get(year);
  if (n === undefined) n = await highestInDatabase(year);
  n += 1;
  last.set(year, n);
  // A hint only (a lost update under concurrency just costs a collision): one write by `_id`.
  await raiseHint(hintId(year), n);
  return formatTicketNumber(year, n);
}

/** After a duplicate number: forget the cached position so the next call re-reads the database. */
export async function numberCollided(year: number): Promise<void> {
  const fromDb = await highestInDatabase(year);
  // Past the hint when it lags behind (another instance, or a database from before it).
  last.set(year, Math.max(fromDb, last.get(year) ?? 0));
}

/** For tests that drop the database between files. */
export function resetTicketNumberCache(): void {
  last.clear();
}
