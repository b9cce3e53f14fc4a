/**
 * Rebuilds the search index from the database: every member, ticket and message read once, whole
 * (the one place Relais reads these collections whole, on purpose: on demand, or when the index
 * is missing or of another version). The engine builds the new index beside the live one, which
 * keeps answering and taking live writes, and swaps them at the end.
 */
import { MemberModel } from '../members/member.model.js';
import type { Logger } from '../lib/logger.js';
import { MessageModel } from '../tickets/message.model.js';
import { TicketModel, type Ticket } from '../tickets/ticket.model.js';
import { messageSearchDoc, ticketSearchDoc, type MemberCard } from './search.documents.js';
import type { SearchBatch, SearchEngine } from './search.engine.js';

export interface RebuildResult {
  tickets: number;
  messages: number;
  ms: number;
}

export async function rebuildSearchIndex(engine: SearchEngine, options: { logger?: Logger; batchSize?: number } = {}): Promise<RebuildResult> {
  const started = Date.now();
  const size = options.batchSize ?? 500;
  await engine.beginRebuild();
  try {
    const members = new Map<string, MemberCard>();
    const memberCursor = MemberModel.collection.find({}, { projection: { name: 1, email: 1, memberNumber: 1 }, batchSize: 2000 });
    for await (const m of memberCursor) members.set(String(m._id), { name: String(m.name), email: String(m.email), memberNumber: m.memberNumber ?? null });

    // One batch is sent while the next is read: the database and the engine work side by side.
    let inFlight: Promise<void> = Promise.resolve();
    let batch: SearchBatch = { tickets: [], messages: [] };
    const send = async (force = false) => {
      if (!force && batch.tickets.length + batch.messages.length < size) return;
      const full = batch;
      batch = { tickets: [], messages: [] };
      await inFlight;
      inFlight = engine.writeRebuild(full);
    };

    const languages = new Map<string, string>();
    let tickets = 0;
    for await (const raw of TicketModel.collection.find({}, { batchSize: 1000 })) {
      const ticket = raw as unknown as Ticket;
      languages.set(String(ticket._id), ticket.language);
      batch.tickets.push(ticketSearchDoc(ticket, members.get(String(ticket.member)) ?? null));
      tickets += 1;
      await send();
    }
    members.clear();
    let messages = 0;
    const messageCursor = MessageModel.collection.find({}, { projection: { ticket: 1, text: 1, visibility: 1 }, batchSize: 1000 });
    for await (const m of messageCursor) {
      if (typeof m.text !== 'string') continue;
      batch.messages.push(messageSearchDoc(m._id, { ticket: m.ticket, text: m.text, visibility: m.visibility }, languages.get(String(m.ticket)) ?? ''));
      messages += 1;
      await send();
    }
    await send(true);
    await inFlight;
    await engine.commitRebuild();
    const result = { tickets, messages, ms: Date.now() - started };
    options.logger?.info(result, 'search index rebuilt');
    return result;
  } catch (error) {
    await engine.abortRebuild().catch(() => undefined);
    throw error;
  }
}
