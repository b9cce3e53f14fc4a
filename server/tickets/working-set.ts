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
import { knowTicketsFrom, loadTicket, observeCommits } from './ticket.journal.js';
import { recoverCreation } from './ticket.create.js';
import { unmarkWorking, workingHints } from './ticket.keys.js';
import type { Ticket } from './ticket.model.js';
import { isWorking, type Place } from './working-rule.js';
import { isOpenStatus, tiers } from '../lib/ticket.vocabulary.js';

export { isWorking, resolvedWindowDays, type Place } from './working-rule.js';

type Listener = (ticket: Ticket) => void;

/** A hint younger than this without its ticket is not dropped by a rebuild: it may be a creation in flight. */
export const YOUNG_HINT_MS = 10 * 60_000;

/** Which part of the working set a read needs: open tickets only (of some tiers), or every working ticket. */
export interface WorkSelection {
  /** Only open tickets (the queues' default, the board): the recently resolved are left out unread. */
  openOnly: boolean;
  /** With `openOnly`, only these tiers. */
  tiers?: readonly number[];
  /**
   * Only the tickets filed under one of these places (each once). Callers still test their own rules:
   * places only narrow what they test, so a place may hold more than a rule keeps, never less.
   */
  places?: readonly Place[];
}

type State = 'open' | 'done';

/** The state part of a ticket's index keys: open, or recently resolved. */
const stateOf = (ticket: Ticket): State => (isOpenStatus(ticket.status) ? 'open' : 'done');

/** The index key of a place in one state (the same keys `keysOf` files tickets under). */
function keyOf(state: State, place: Place): string {
  if ('assignee' in place) return `${state}|a|${String(place.assignee)}`;
  if ('worker' in place) return `${state}|w|${String(place.worker)}`;
  if (place.office !== undefined && place.team !== undefined) throw new Error('a place is a tier of one office or of one team, not both');
  if (place.office !== undefined) return `${state}|${place.tier}|o|${String(place.office)}`;
  if (place.team !== undefined) return `${state}|${place.tier}|t|${String(place.team)}`;
  return `${state}|${place.tier}`;
}

/** Every index key a ticket is filed under: its tier, its tier in its office and in its team, its holder, its workers. */
function keysOf(ticket: Ticket): string[] {
  const state = stateOf(ticket);
  const keys = [keyOf(state, { tier: ticket.tier }), keyOf(state, { tier: ticket.tier, office: ticket.office })];
  if (ticket.team) keys.push(keyOf(state, { tier: ticket.tier, team: ticket.team }));
  if (ticket.assignee) keys.push(keyOf(state, { assignee: ticket.assignee }));
  for (const worker of ticket.workers ?? []) keys.push(keyOf(state, { worker }));
  return keys;
}

export class WorkingSet {
  private rows = new Map<string, Ticket>();
  /** The same rows under each of their index keys (`keysOf`), kept with every change of `rows`. */
  private index = new Map<string, Map<string, Ticket>>();
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
      this.index = new Map();
      for (const [id, ticket] of next) this.file(id, ticket);
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
    if (known) this.unfile(id, known);
    if (isWorking(ticket)) {
      this.rows.set(id, ticket);
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
  all(): Promise<Ticket[]> {
    return this.select({ openOnly: false });
  }

  /**
   * The working tickets a read needs (after `ready()`): with `openOnly`, the open tickets (of `tiers`)
   * without touching the recently resolved; with `places`, only those filed there. Callers still test
   * their own filters: this only narrows what they test. Resolved tickets past the window leave the
   * set when met here.
   */
  async select(selection: WorkSelection): Promise<Ticket[]> {
    await this.ready();
    const tierFilter = selection.openOnly ? selection.tiers : undefined;
    const places = (selection.places ?? (tierFilter ?? tiers).map((tier) => ({ tier }))).filter(
      (place) => !tierFilter || !('tier' in place) || tierFilter.includes(place.tier),
    );
    // Tier places are disjoint; a person's places overlap (their office and their team, what they hold).
    const seen = selection.places && places.length > 1 ? new Set<Ticket>() : null;
    const now = Date.now();
    const out: Ticket[] = [];
    for (const state of selection.openOnly ? (['open'] as const) : (['open', 'done'] as const)) {
      for (const key of new Set(places.map((place) => keyOf(state, place)))) {
        for (const [id, ticket] of this.index.get(key) ?? []) {
          if (seen) {
            if (seen.has(ticket)) continue;
            seen.add(ticket);
          }
          if (state === 'done' && !isWorking(ticket, now)) {
            this.rows.delete(id);
            this.unfile(id, ticket);
          } else if (!tierFilter || tierFilter.includes(ticket.tier)) out.push(ticket);
        }
      }
    }
    return out;
  }

  private file(id: string, ticket: Ticket): void {
    for (const key of keysOf(ticket)) {
      let filed = this.index.get(key);
      if (!filed) this.index.set(key, (filed = new Map()));
      filed.set(id, ticket);
    }
  }

  private unfile(id: string, ticket: Ticket): void {
    for (const key of keysOf(ticket)) {
      const filed = this.index.get(key);
      filed?.delete(id);
      // People and teams come and go: an empty place is not kept.
      if (filed?.size === 0) this.index.delete(key);
    }
  }

  /** How many open tickets `person` holds (after `ready()`). */
  async heldBy(person: Types.ObjectId | string): Promise<number> {
    await this.ready();
    return this.index.get(keyOf('open', { assignee: person }))?.size ?? 0;
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
    this.index = new Map();
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
knowTicketsFrom((id) => workingSet.get(id));

/**
 * How many open tickets are in a team's queue (after `ready()`), at any tier (a team moved to another
 * tier keeps the tickets filed at its old one): what a team's deactivation checks (routing/routing-admin.ts).
 */
export async function openTicketsOfTeam(team: { id: Types.ObjectId | string }): Promise<number> {
  const filed = await workingSet.select({ openOnly: true, places: tiers.map((tier) => ({ tier, team: team.id })) });
  return filed.filter((t) => String(t.team) === String(team.id)).length;
}

/** How many open tickets belong to an office, at any tier: what an office's closing checks (routing/routing-admin.ts). */
export async function openTicketsOfOffice(office: { id: Types.ObjectId | string }): Promise<number> {
  const filed = await workingSet.select({ openOnly: true, places: tiers.map((tier) => ({ tier, office: office.id })) });
  return filed.filter((t) => String(t.office) === String(office.id)).length;
}
