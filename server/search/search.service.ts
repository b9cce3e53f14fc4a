/**
 * Staff search: the engine finds ticket ids, best first; each is then read as it is now (the
 * working set, else by `_id`) and kept only when the policy lets this person read it (`canRead`),
 * so neither the results nor "more" say anything about tickets they may not see.
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { hasRole } from '../auth/actor.js';
import { AppError, ConflictError, ForbiddenError } from '../lib/errors.js';
import { MemberModel } from '../members/member.model.js';
import { canRead } from '../tickets/ticket.policy.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { presentTicket, type TicketView } from '../tickets/ticket.presenter.js';
import { cachedNames } from '../realtime/presenter.js';
import type { NameBook } from '../tickets/ticket.presenter.js';
import { workingSet } from '../tickets/working-set.js';
import type { SearchEngine, SearchHealth, SearchHits } from './search.engine.js';
import type { SearchIndexer } from './search.indexer.js';
import { searchScope } from './search.scope.js';

/** How many candidates the engine gives at most; past them, the person is asked to refine. */
export const candidateLimit = 200;
const readChunk = 20;

let indexer: SearchIndexer | null = null;

/** Set by the composition root (index.ts) or a test; null turns search off. */
export function useSearch(next: SearchIndexer | null): void {
  indexer = next;
}

export function searchIndexer(): SearchIndexer | null {
  return indexer;
}

export class SearchOffError extends AppError {
  constructor() {
    super(503, 'unavailable', 'Search is not available right now.');
  }
}

function engine(): SearchEngine {
  if (!indexer) throw new SearchOffError();
  return indexer.engine;
}

export interface SearchResultView {
  ticket: TicketView;
  /** The member as this person may see them (what was typed, when the member's details are withheld). */
  member: { name: string; email: string } | null;
}

export interface SearchAnswer {
  results: SearchResultView[];
  /** More readable tickets match than were returned. */
  more: boolean;
  /** The engine had more candidates than were checked: a more precise search may find others. */
  refine: boolean;
  /**
   * Nothing matched the words as typed, so these tickets have words a typing error or two away
   * ("Thonnon" finds "Thonon"); the page says so.
   */
  approximate: boolean;
}

async function current(id: string): Promise<Ticket | null> {
  return workingSet.get(id) ?? (await loadTicket(id));
}

/** Where one search spent its time (ms), sent as `Server-Timing` so the bench can say which part is slow. */
export interface SearchTimings {
  engine: number;
  /** The engine's own time, as it reports it (the rest of `engine` is the loopback call). */
  engineOwn: number;
  read: number;
  present: number;
  candidates: number;
  checked: number;
}

/**
 * Whether a second search with near words may find something: a word of four letters or more (the
 * engine approximates none shorter, nor numbers and addresses), in a query of six words at most (each
 * word of a longer one widens the search many times over).
 */
const worthApproximating = (q: string): boolean => /\p{L}{4,}/u.test(q) && q.trim().split(/\s+/).length <= 6;

/**
 * The tickets matching `q` that `actor` may read, best first, at most `limit`. When none matches
 * the words as typed, the engine is asked again for words a typing error away (where it can), and
 * those readable tickets come back marked `approximate`, through the same policy.
 */
export async function searchTickets(actor: StaffActor, q: string, limit: number, timings?: SearchTimings): Promise<SearchAnswer> {
  const exact = await searchOnce(actor, q, limit, false, timings);
  if (exact.results.length > 0 || exact.refine || !engine().forgivesTypos || !worthApproximating(q)) return exact;
  const second: SearchTimings | undefined = timings && { engine: 0, engineOwn: 0, read: 0, present: 0, candidates: 0, checked: 0 };
  const near = await searchOnce(actor, q, limit, true, second);
  // Both searches' durations; the candidates and checks are the second's.
  if (timings && second) {
    for (const key of ['engine', 'engineOwn', 'read', 'present'] as const) timings[key] += second[key];
    Object.assign(timings, { candidates: second.candidates, checked: second.checked });
  }
  return near.results.length > 0 ? near : exact;
}

async function searchOnce(actor: StaffActor, q: string, limit: number, fuzzy: boolean, timings?: SearchTimings): Promise<SearchAnswer> {
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const scope = searchScope(actor);
  const ask = async (want: number): Promise<SearchHits> => {
    try {
      return await engine().search(q, { limit: want, internal: true, scope, fuzzy });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new SearchOffError();
    }
  };
  // The scope makes nearly every candidate readable: a page and one more, twice over, is usually
  // plenty; the full list is asked for only when the policy refused enough of them to leave the page short.
  let want = Math.min(candidateLimit, 2 * (limit + 1));
  let hits = await ask(want);
  const engineMs = lap();
  let againMs = 0;
  const readable: Array<{ ticket: Ticket; member: { name: string; email: string } | null }> = [];
  const seen = new Set<string>();
  for (;;) {
    const rest = hits.tickets.filter((h) => !seen.has(h.id));
    let checked = 0;
    while (checked < rest.length && readable.length <= limit) {
      const chunk = rest.slice(checked, checked + (readable.length === 0 && checked === 0 ? limit + 1 : readChunk));
      checked += chunk.length;
      const tickets = await Promise.all(chunk.map((h) => current(h.id)));
      chunk.forEach((hit, i) => {
        seen.add(hit.id);
        const ticket = tickets[i];
        if (ticket && canRead(actor, ticket)) readable.push({ ticket, member: hit.name === undefined ? null : { name: hit.name, email: hit.email ?? '' } });
      });
    }
    if (readable.length > limit || !hits.more || want >= candidateLimit) break;
    want = candidateLimit;
    const before = performance.now();
    hits = await ask(want);
    againMs += performance.now() - before;
  }
  if (timings) {
    timings.engine = engineMs + againMs;
    timings.engineOwn = hits.tookMs ?? 0;
    timings.candidates = hits.tickets.length;
    timings.read = lap() - againMs;
    timings.checked = seen.size;
  }
  const page = readable.slice(0, limit);
  const [names, members] = await Promise.all([placeNames(page.map((r) => r.ticket)), memberNames(page.filter((r) => !r.member).map((r) => r.ticket))]);
  if (timings) timings.present = lap();
  return {
    results: page.map(({ ticket: t, member }) => ({
      ticket: presentTicket(t, actor, names),
      member: t.withheldMember ? { name: t.withheldMember.name, email: t.withheldMember.email } : (member ?? members.get(String(t.member)) ?? null),
    })),
    more: readable.length > limit,
    // Every candidate was checked (the loop stops early only on a full page) and the engine had more.
    refine: readable.length <= limit && hits.more,
    approximate: fuzzy,
  };
}

// Team, office and holder names change rarely: kept a while, as for live updates (realtime/presenter.ts).
const names = cachedNames();

async function placeNames(tickets: readonly Ticket[]): Promise<NameBook> {
  const book = new Map<string, string>();
  for (const part of await Promise.all(tickets.map((t) => names.forTicket(t)))) for (const [k, v] of part) book.set(k, v);
  return book;
}

async function memberNames(tickets: readonly Ticket[]): Promise<Map<string, { name: string; email: string }>> {
  const ids = [...new Set(tickets.filter((t) => !t.withheldMember).map((t) => String(t.member)))];
  const out = new Map<string, { name: string; email: string }>();
  await Promise.all(
    ids.map(async (id) => {
      const m = await MemberModel.findById(id as unknown as Types.ObjectId, { name: 1, email: 1 }).lean();
      if (m) out.set(id, { name: m.name, email: m.email });
    }),
  );
  return out;
}

export function assertMayAdministerSearch(actor: StaffActor): void {
  if (!hasRole(actor, 'administrator')) throw new ForbiddenError('Only administrators rebuild the search index.');
}

export interface SearchStatus extends SearchHealth {
  /** null: search is off on this server. */
  engine: string | null;
  rebuilding: boolean;
  lastRebuild: { tickets: number; messages: number; ms: number } | null;
  lastError: string | null;
}

export async function searchStatus(): Promise<SearchStatus> {
  const running = indexer;
  if (!running) return { engine: null, complete: false, building: false, docs: 0, rebuilding: false, lastRebuild: null, lastError: null };
  const health = await running.engine.health();
  return { ...health, engine: running.engine.kind, rebuilding: running.isRebuilding, lastRebuild: running.lastRebuild, lastError: running.lastError };
}

/** Starts a rebuild from the database in the background (administrators). */
export function startRebuild(): void {
  const running = indexer;
  if (!running) throw new ConflictError('Search is off on this server: there is no index to rebuild.');
  void running.rebuild().catch(() => undefined);
}
