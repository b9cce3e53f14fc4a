/**
 * Keeps the search index up to date from the journal:
 *  - inside every commit and creation (an enricher, before the event is written) a mark
 *    `<ticket>:<seq>` is stored in `search_pending`;
 *  - the commit's new state and event reach `onCommit` (a commit observer, synchronously): the
 *    ticket's document and the messages the event inserted are queued and sent to the engine in
 *    batches, then their marks are removed;
 *  - at start, the marks left (engine down, a crash) are indexed from the database: the ticket and
 *    the event, both by `_id`; and a missing or outdated index is rebuilt (search.rebuild.ts).
 * Indexing is idempotent (documents by fixed ids), so indexing something twice is harmless.
 */
import { Types } from 'mongoose';
import { domainEvents } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { beforeMemberChange } from '../members/member-changes.js';
import { memberTicketIds } from '../tickets/ticket.keys.js';
import { applied, loadTicket, observeCommits, registerEnricher } from '../tickets/ticket.journal.js';
import { workingSet } from '../tickets/working-set.js';
import { TicketEventModel, eventId, type TicketEvent } from '../tickets/ticket-event.model.js';
import type { Ticket } from '../tickets/ticket.model.js';
import { MessageModel, type Message } from '../tickets/message.model.js';
import { MemberCards, messageSearchDoc, ticketSearchDoc } from './search.documents.js';
import type { MessageSearchDoc, SearchEngine, TicketSearchDoc } from './search.engine.js';
import { clearMarks, markPending, pendingMarks } from './search-pending.model.js';
import { rebuildSearchIndex, type RebuildResult } from './search.rebuild.js';

interface Change {
  ticket: Ticket;
  event: Pick<TicketEvent, '_id' | 'writes'>;
}

const batchLimit = 200;
/** A member's tickets rewritten after a change of their details, at most (past it, a rebuild catches up). */
const memberTicketLimit = 1000;

/** The mark of a ticket to rewrite because its member changed (no event behind it: the ticket alone is indexed). */
const memberMark = (ticket: string): string => `${ticket}:member`;

async function memberTickets(memberId: string): Promise<string[]> {
  return (await memberTicketIds(memberId)).slice(-memberTicketLimit).map(String);
}

export class SearchIndexer {
  private queue: Change[] = [];
  private flushing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 1000;
  private readonly cards = new MemberCards();
  private readonly stops: Array<() => void> = [];
  private rebuilding: Promise<RebuildResult> | null = null;
  lastRebuild: RebuildResult | null = null;
  lastError: string | null = null;

  constructor(
    readonly engine: SearchEngine,
    private readonly logger?: Logger,
  ) {}

  /** Hooks onto the journal; from now on no change is missed. */
  attach(): void {
    this.stops.push(
      // A creation passes through the enrichers too (ticket.create.ts), before its event (seq 1) is written.
      registerEnricher(async (input) => {
        await markPending(eventId(input.ticket._id, input.type === 'created' ? 1 : input.ticket.version + 1));
        return input;
      }),
      observeCommits((ticket, event) => this.onCommit(ticket, event)),
      // A member's name, address or number is on each of their tickets' documents: marked before
      // the change is written (durable), rewritten once it is.
      beforeMemberChange(async (memberId) => {
        for (const id of await memberTickets(memberId)) await markPending(memberMark(id));
      }),
      domainEvents.subscribe('member.changed', ({ memberId }) => this.memberChanged(memberId)),
    );
  }

  /** Rewrites the documents of a member's tickets with their new details. */
  async memberChanged(memberId: string): Promise<void> {
    this.cards.forget(memberId);
    for (const id of await memberTickets(memberId)) {
      const ticket = workingSet.get(id) ?? (await loadTicket(id));
      if (ticket) this.onCommit(ticket, { _id: memberMark(id), writes: [] });
      else await clearMarks([memberMark(id)]);
    }
  }

  onCommit(ticket: Ticket, event: Change['event']): void {
    this.queue.push({ ticket, event });
    this.schedule();
  }

  private schedule(delay = 0): void {
    if (this.flushing || this.retryTimer) return;
    if (delay > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.schedule();
      }, delay);
      this.retryTimer.unref();
      return;
    }
    this.flushing = this.flush().then((retryIn) => {
      this.flushing = null;
      if (retryIn > 0) this.schedule(retryIn);
      else if (this.queue.length > 0) this.schedule();
    });
  }

  /** Sends a batch; resolves with 0, or how long to wait before trying again after a failure. */
  private async flush(): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve)); // gather the changes of the same tick
    const changes = this.queue.splice(0, batchLimit);
    if (changes.length === 0) return 0;
    try {
      // A change is announced while it is applied (ticket.journal.ts): what is read back below (a
      // message an erasure or a merge rewrote) is read once it is written.
      await Promise.all(changes.map((c) => applied(c.ticket._id)));
      const tickets = new Map<string, Ticket>();
      const messages: MessageSearchDoc[] = [];
      for (const { ticket, event } of changes) {
        const known = tickets.get(String(ticket._id));
        if (!known || known.version < ticket.version) tickets.set(String(ticket._id), ticket);
        for (const write of event.writes) {
          if (write.model !== 'Message') continue;
          if (write.op === 'insert') messages.push(messageSearchDoc(write.id, write.doc, ticket.language));
          else {
            // A merge moved the message, or an erasure rewrote it: indexed again as stored now (read by `_id`),
            // under the ticket it joined.
            const moved = await MessageModel.collection.findOne<Message>({ _id: new Types.ObjectId(String(write.id)) });
            if (moved) messages.push(messageSearchDoc(write.id, { ...moved, ticket: write.doc.ticket }, ticket.language));
          }
        }
      }
      const cards = await this.cards.get([...tickets.values()].filter((t) => !t.withheldMember).map((t) => t.member));
      const docs: TicketSearchDoc[] = [...tickets.values()].map((t) => ticketSearchDoc(t, cards.get(String(t.member)) ?? null));
      await this.engine.write({ tickets: docs, messages });
      await clearMarks(changes.map((c) => c.event._id));
      this.retryMs = 1000;
      this.lastError = null;
      return 0;
    } catch (error) {
      // The marks stay: a later try, or the next start, indexes these changes.
      this.queue.unshift(...changes);
      this.lastError = (error as Error).message;
      const retryIn = this.retryMs;
      this.logger?.warn({ err: error, retryInMs: retryIn }, 'could not update the search index; will retry');
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
      return retryIn;
    }
  }

  /** Indexes the changes marked but not indexed (the engine was down, or the process stopped). */
  async catchUp(): Promise<number> {
    const marks = await pendingMarks();
    for (let i = 0; i < marks.length; i += batchLimit) {
      const changes: Change[] = [];
      for (const mark of marks.slice(i, i + batchLimit)) {
        const ticketId = mark.split(':')[0] ?? '';
        const [ticket, event] = await Promise.all([loadTicket(ticketId), TicketEventModel.findById(mark).lean<TicketEvent>()]);
        // A mark without its event: the commit lost a race or stopped before writing it.
        // A member's details changed: what this process remembers of them is older.
        if (ticket && mark === memberMark(ticketId)) this.cards.forget(String(ticket.member));
        if (ticket) changes.push({ ticket, event: { _id: mark, writes: event?.writes ?? [] } });
        else await clearMarks([mark]);
      }
      this.queue.push(...changes);
    }
    this.schedule();
    await this.idle();
    return marks.length;
  }

  /** Resolves once every queued change is in the index (or waiting for a retry). */
  async idle(): Promise<void> {
    while (this.flushing || (this.queue.length > 0 && !this.retryTimer)) {
      if (!this.flushing) this.schedule();
      await this.flushing;
    }
  }

  /** Rebuilds from the database; a rebuild already running is joined, not started twice. */
  rebuild(): Promise<RebuildResult> {
    this.rebuilding ??= rebuildSearchIndex(this.engine, { logger: this.logger })
      .then((result) => {
        this.lastRebuild = result;
        return result;
      })
      .finally(() => {
        this.rebuilding = null;
      });
    return this.rebuilding;
  }

  get isRebuilding(): boolean {
    return this.rebuilding !== null;
  }

  /** At start: what was left is indexed, and a missing or outdated index is rebuilt in the background. */
  async start(): Promise<{ caughtUp: number; rebuilding: boolean }> {
    const caughtUp = await this.catchUp();
    const health = await this.engine.health();
    // Several instances share a MongoDB index: one already rebuilding is left to finish.
    if (!health.complete && !health.building) {
      this.logger?.info('the search index is missing or of another version: rebuilding it from the database');
      this.rebuild().catch((error: unknown) => this.logger?.error({ err: error }, 'could not rebuild the search index'));
    }
    return { caughtUp, rebuilding: !health.complete };
  }

  detach(): void {
    for (const stop of this.stops.splice(0)) stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
