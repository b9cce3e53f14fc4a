/**
 * What Relais asks of a search engine, whichever serves it: bleve in `tools/search/` on the
 * embedded default (bleve.engine.ts), a MongoDB text index with MONGODB_URI (mongo.engine.ts).
 * The engine only finds ticket ids, best first; who may see them is decided afterwards, on the
 * current ticket, by the policy (search.service.ts).
 */

import type { ScopeClause } from './search.scope.js';

/** What is searchable about a ticket itself (rewritten on each of its changes). */
export interface TicketSearchDoc {
  id: string;
  /** The ticket's version: a rebuild never overwrites a newer live write with an older read. */
  v: number;
  number: string;
  subject: string;
  name: string;
  email: string;
  memberNumber: string;
  category: string;
  lang: string;
  /** Where the ticket is now, for the engine's pre-filter (search.scope.ts); not searchable. */
  tier: number;
  office: string;
  team: string;
  assignee: string;
  /** Who may follow it wherever it is (ticket.policy.ts, followsTicket), for the same pre-filter. */
  memberOffice: string;
  workers: string[];
}

/** One thread message (written once: messages do not change). */
export interface MessageSearchDoc {
  id: string;
  ticket: string;
  lang: string;
  text: string;
  internal: boolean;
}

export interface SearchBatch {
  tickets: TicketSearchDoc[];
  messages: MessageSearchDoc[];
}

export interface SearchHits {
  /**
   * Ticket ids with their score, best first, and the member as indexed on the ticket (what its page
   * shows: the typed name when the member is withheld), when the engine keeps it.
   */
  tickets: Array<{ id: string; score: number; name?: string; email?: string }>;
  /** The engine had more candidates than it returned. */
  more: boolean;
  /** The engine's own time for this search, when it says. */
  tookMs?: number;
}

export interface SearchHealth {
  /** False when the index is missing, of another version, or a rebuild never finished. */
  complete: boolean;
  building: boolean;
  docs: number;
}

export interface SearchEngine {
  readonly kind: 'bleve' | 'mongodb';
  /** Whether `search` can be asked for words a typing error away (`fuzzy`); MongoDB's text index cannot. */
  readonly forgivesTypos: boolean;
  write(batch: SearchBatch): Promise<void>;
  /**
   * `internal`: whether internal notes may match (staff searching; members never do). `scope`: the
   * placements the person may read, a pre-filter only (the policy still decides on every result).
   * `fuzzy`: the words of names, subjects and messages may carry typing errors (numbers and
   * addresses stay whole).
   */
  search(q: string, options: { limit: number; internal: boolean; scope?: readonly ScopeClause[]; fuzzy?: boolean }): Promise<SearchHits>;
  health(): Promise<SearchHealth>;
  /** A rebuild: live writes keep going to the live index meanwhile, and to the new one. */
  beginRebuild(): Promise<void>;
  writeRebuild(batch: SearchBatch): Promise<void>;
  commitRebuild(): Promise<void>;
  abortRebuild(): Promise<void>;
}

export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError';
}
