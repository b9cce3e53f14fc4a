/**
 * The working set: every ticket someone may still work on — open, or resolved in the last
 * `resolvedWindowDays` days — held in memory by each instance. The queues, their counts, the
 * supervisor board, the workload figures and the SLA scheduler read it instead of querying the
 * tickets collection, so they cost the same at 1,000 tickets as at 100,000 (closed history is not
 * in the hot path; see docs/ARCHITECTURE.md, "A year of tickets").
 *
 * How it stays true:
 *  - `commit()` and `createTicket` hand every new state of a ticket to `apply` before they return
 *    (ticket.journal.ts), so a request sees its own write;
 *  - other instances learn of a change through Redis (working-set.sync.ts) and re-read that ticket
 *    by `_id`; a gap in an instance's sequence or a lost connection makes them rebuild;
 *  - at start (and on a rebuild) it is read from the `working_tickets` hints (ticket.keys.ts): one
 *    small collection, then one read by `_id` per hinted ticket, which also replays any event a crash
 *    left unapplied. Hints of tickets that left the working set are removed then, except young
 *    ones (a creation in flight has its hint before its event); news applied while it reads is
 *    kept over what it read when newer, and a ticket created meanwhile is kept too.
 * A row is replaced only by a newer version of its ticket, so late or repeated news is harmless.
 */
import type { Types } from 'mongoose';
import { loadTicket, observeCommits } from './ticket.journal.js';
import { recoverCreation } from './ticket.create.js';
import { unmarkWorking, workingHints } from './ticket.keys.js';
import type { Ticket } from './ticket.model.js';
import { isWorking } from './working-rule.js';
import { isOpenStatus } from '../lib/ticket.vocabulary.js';

export { isWorking, resolvedWindowDays } from './working-rule.js';

type Listener = (ticket: Ticket) => void;

/** A hint younger than this without its ticket is not dropped by a rebuild: it may be a creation in flight. */
export const YOUNG_HINT_MS = 10 * 60_000;

/** Which part of the working set a read needs: open tickets only (of some tiers), or every working ticket. */
export interface WorkSelection {
  /** Only open tickets (the queues' default, the board): the recently resolved are left out unread. */
  openOnly: boolean;
  /** With `openOnly`, only these tiers. */
  tiers?: readonly number[];
}

/**
 * The bucket a working ticket is kept in: open tickets by tier, recently resolved ones together. A
 * queue or the board reads its buckets only — at a year of data, about half the working set is
 * recently resolved and most open work is at tier 1, which the board never reads.
 */
const bucketOf = (ticket: Ticket): string => (isOpenStatus(ticket.status) ? `open:${ticket.tier}` : 'done');

export class WorkingSet {
  private rows = new Map<string, Ticket>();
  /** The same rows by bucket (`bucketOf`), kept with every change of `rows`. */
  private buckets = new Map<string, Map<string, Ticket>>();
  /** Open tickets each person holds (kept with every change of `rows`: the load panels read it per request). */
  private held = new Map<string, number>();
  /** What `apply` took while a rebuild was reading (the rebuild keeps it when newer than what it read). */
  private arrivals: Map<string, Ticket> | null = null;
  private loading: Promise<unknown> | null = null;
  private loaded = false;
  private generation = 0;
  private readonly listeners = new Set<Listener>();

  /**
   * Builds the set from the hints (concurrency: reads in flight at once). Safe to call again.
   * Says how many creations it finished (interrupted by a crash) and how many hints it dropped.
   */
  rebuild(concurrency = 32): Promise<{ recovered: number; dropped: number }> {
    const generation = ++this.generation;
    const arrivals = new Map<string, Ticket>();
    this.arrivals = arrivals;
    const run = (async () => {
      const hints = await workingHints();
      const next = new Map<string, Ticket>();
      const stale: Types.ObjectId[] = [];
      // A hint this young without its ticket may be a creation in flight (its hint is written first):
      // it stays for a later rebuild to judge.
      const youngSince = Date.now() - YOUNG_HINT_MS;
      let recovered = 0;
      let i = 0;
      const worker = async () => {
        while (i < hints.length) {
          const { _id: id, at } = hints[i++] as (typeof hints)[number];
          // A hint without a ticket is a creation a crash interrupted (finished now) or one that failed.
          let ticket = await loadTicket(id);
          if (!ticket) {
            ticket = await recoverCreation(id);
            if (ticket) recovered += 1;
          }
          if (ticket && isWorking(ticket)) next.set(String(id), ticket);
          else if (ticket || at === null || at.getTime() < youngSince) stale.push(id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, hints.length)) }, worker));
      if (generation !== this.generation) return { recovered, dropped: 0 }; // a newer rebuild started meanwhile
      if (this.arrivals === arrivals) this.arrivals = null;
      // News applied during the rebuild is kept when it is newer than what was read, and so is a
      // ticket created meanwhile (its hint came after the hints were read, or before its ticket).
      for (const [id, ticket] of arrivals) {
        const read = next.get(id);
        if (read && read.version >= ticket.version) continue;
        if (isWorking(ticket)) next.set(id, ticket);
        else next.delete(id);
      }
      // Its hint stays for the next start even if read as stale before the ticket existed.
      const dropped = stale.filter((id) => !next.has(String(id)));
      this.rows = next;
      this.held = new Map();
      this.buckets = new Map();
      for (const [id, ticket] of next) {
        this.count(ticket, 1);
        this.file(id, ticket);
      }
      this.loaded = true;
      await unmarkWorking(dropped);
      return { recovered, dropped: dropped.length };
    })();
    const guarded = run.finally(() => {
      if (this.loading === guarded) this.loading = null;
    });
    this.loading = guarded;
    return guarded;
  }

  /** Resolves once the set has been read (the first read triggers it). */
  async ready(): Promise<void> {
    if (this.loaded && !this.loading) return;
    await (this.loading ?? this.rebuild());
  }

  /** Takes a ticket's new state (a newer version replaces an older one; an older one is ignored). */
  apply(ticket: Ticket): void {
    const id = String(ticket._id);
    const known = this.rows.get(id);
    if (known && known.version > ticket.version) return;
    const arrived = this.arrivals?.get(id);
    if (!arrived || arrived.version <= ticket.version) this.arrivals?.set(id, ticket);
    if (known) {
      this.count(known, -1);
      this.unfile(id, known);
    }
    if (isWorking(ticket)) {
      this.rows.set(id, ticket);
      this.count(ticket, 1);
      this.file(id, ticket);
    } else this.rows.delete(id);
    for (const listener of this.listeners) listener(ticket);
  }

  /** Re-reads one ticket by `_id` (news from another instance). */
  async refresh(id: string | Types.ObjectId, version?: number): Promise<void> {
    const known = this.rows.get(String(id));
    if (known && version !== undefined && known.version >= version) return;
    const ticket = await loadTicket(id);
    if (ticket) this.apply(ticket);
  }

  /** Every working ticket (after `ready()`); resolved tickets past the window are left out. */
  async all(): Promise<Ticket[]> {
    await this.ready();
    return [...this.openRows(), ...this.recentlyResolved()];
  }

  /**
   * The working tickets a read needs (after `ready()`): with `openOnly`, the open tickets (of `tiers`)
   * without touching the recently resolved; otherwise `all()`. Callers still test their own filters:
   * this only narrows what they test.
   */
  async select(selection: WorkSelection): Promise<Ticket[]> {
    if (!selection.openOnly) return this.all();
    await this.ready();
    return this.openRows(selection.tiers);
  }

  private openRows(tiers?: readonly number[]): Ticket[] {
    const out: Ticket[] = [];
    for (const [key, bucket] of this.buckets) {
      if (key === 'done' || (tiers && !tiers.some((tier) => key === `open:${tier}`))) continue;
      for (const ticket of bucket.values()) out.push(ticket);
    }
    return out;
  }

  /** The resolved tickets still in the window; those past it leave the set here. */
  private recentlyResolved(): Ticket[] {
    const now = Date.now();
    const out: Ticket[] = [];
    for (const [id, ticket] of this.buckets.get('done') ?? []) {
      if (isWorking(ticket, now)) out.push(ticket);
      else {
        this.rows.delete(id);
        this.unfile(id, ticket);
      }
    }
    return out;
  }

  private file(id: string, ticket: Ticket): void {
    const key = bucketOf(ticket);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    bucket.set(id, ticket);
  }

  private unfile(id: string, ticket: Ticket): void {
    this.buckets.get(bucketOf(ticket))?.delete(id);
  }

  /** How many open tickets `person` holds (after `ready()`). */
  async heldBy(person: Types.ObjectId | string): Promise<number> {
    await this.ready();
    return this.held.get(String(person)) ?? 0;
  }

  private count(ticket: Ticket, delta: 1 | -1): void {
    if (!ticket.assignee || !isOpenStatus(ticket.status)) return;
    const key = String(ticket.assignee);
    const n = (this.held.get(key) ?? 0) + delta;
    if (n > 0) this.held.set(key, n);
    else this.held.delete(key);
  }

  get(id: string): Ticket | undefined {
    return this.rows.get(id);
  }

  /** Called with every ticket applied (the SLA scheduler follows deadlines this way). */
  onApply(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets everything; the next read rebuilds (tests that change the database under it). */
  reset(): void {
    this.generation += 1;
    this.arrivals = null;
    this.rows = new Map();
    this.buckets = new Map();
    this.held = new Map();
    this.loaded = false;
    this.loading = null;
  }

  get size(): number {
    return this.rows.size;
  }
}

/** The instance's working set, fed by every commit of this process (ticket.journal.ts). */
export const workingSet = new WorkingSet();
observeCommits((ticket) => workingSet.apply(ticket));
