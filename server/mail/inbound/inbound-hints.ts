/**
 * The hints of the inbound pipeline: `inbound_pending` (a message stored and not yet accounted for)
 * and `inbound_quarantine` (a record in quarantine). Small collections written and deleted by `_id`
 * only, so that start-up (`recover`) and the quarantine page read them whole instead of filtering
 * `inbound_mail` (FerretDB filters only `_id` in the database). Separate from pipeline.ts because
 * they are storage bookkeeping, not the rules: the pipeline and the one-off backfill share them.
 */
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../lib/errors.js';
import {
  InboundHeldByTicketModel,
  InboundMailModel,
  InboundPendingModel,
  InboundQuarantineModel,
  type InboundMail,
  type InboundPending,
} from './inbound.model.js';

/**
 * Once per database: the hints for records written before hints existed — a `pending` one gets its
 * `inbound_pending` hint (its bytes are in their file already), a `quarantined` one its
 * `inbound_quarantine` hint — so that start-up and the quarantine page read only the hints.
 */
export async function backfillInboundHints(): Promise<number> {
  const meta = InboundMailModel.db.collection<{ _id: string; at: Date }>('meta');
  const marker = 'inbound-hints-backfilled';
  if (await meta.findOne({ _id: marker })) return 0;
  let marked = 0;
  for await (const doc of InboundMailModel.find({ status: 'pending' }).lean<InboundMail>().cursor()) {
    const hint: InboundPending = {
      _id: doc._id,
      raw: null,
      source: doc.source,
      mailbox: doc.mailbox,
      envelope: doc.envelope,
      truncated: doc.truncated,
      routing: doc.routing ?? { category: null, office: null },
      receivedAt: doc.receivedAt,
      plannedTicket: doc.plannedTicket ?? new Types.ObjectId(),
    };
    if (await insertOnce(InboundPendingModel.collection, hint)) marked += 1;
  }
  for await (const doc of InboundMailModel.find({ status: 'quarantined' }, { receivedAt: 1 }).lean<Pick<InboundMail, '_id' | 'receivedAt'>>().cursor()) {
    if (await insertOnce(InboundQuarantineModel.collection, { _id: doc._id, receivedAt: doc.receivedAt })) marked += 1;
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return marked;
}

/**
 * Once per database: the mail held in quarantine before tickets listed it (`inbound_held_by_ticket`),
 * listed under the ticket it cites, so that ticket's page says so. Reads the quarantine's hints (a small
 * collection) and their records by `_id`.
 */
export async function backfillHeldByTicket(): Promise<number> {
  const meta = InboundMailModel.db.collection<{ _id: string; at: Date }>('meta');
  const marker = 'inbound-held-by-ticket-backfilled';
  if (await meta.findOne({ _id: marker })) return 0;
  let listed = 0;
  for (const hint of await InboundQuarantineModel.find({}, { _id: 1 }).lean()) {
    const record = await InboundMailModel.findById(hint._id, { status: 1, outcome: 1 }).lean<Pick<InboundMail, '_id' | 'status' | 'outcome'>>();
    const ticket = record?.status === 'quarantined' ? record.outcome?.relatedTicket : null;
    if (!record || !ticket) continue;
    await heldUnder(ticket, record._id);
    listed += 1;
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return listed;
}

/** Inserts a document by `_id`; false when it is there already. */
export async function insertOnce<T extends { _id: string }>(collection: { insertOne(doc: never): Promise<unknown> }, doc: T): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

/** The quarantine hint, written before a record enters quarantine; and under the ticket it cites, if any. */
async function markQuarantined(id: string, receivedAt: Date, ticket: string | null = null): Promise<void> {
  await insertOnce(InboundQuarantineModel.collection, { _id: id, receivedAt });
  if (ticket) await heldUnder(ticket, id);
}

/** Lists a held record under the ticket it cites; two at once for a new key may collide on FerretDB's upsert: then it is there, add to it. */
async function heldUnder(ticket: string, id: string): Promise<void> {
  try {
    await InboundHeldByTicketModel.collection.updateOne({ _id: ticket } as never, { $addToSet: { mails: id } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await InboundHeldByTicketModel.collection.updateOne({ _id: ticket } as never, { $addToSet: { mails: id } });
  }
}

/** The quarantine hint goes when a record leaves quarantine, and from the ticket it cited. */
async function unmarkQuarantined(id: string, ticket: string | null = null): Promise<void> {
  await InboundQuarantineModel.collection.deleteOne({ _id: id } as never);
  if (ticket) await InboundHeldByTicketModel.collection.updateOne({ _id: ticket } as never, { $pull: { mails: id } as never });
}

/**
 * Writes a record (`write`) with its quarantine hint and its place under the ticket it cites kept in
 * step: listed before the write when it enters quarantine or, held again, cites another ticket now;
 * taken off after the write when it leaves, or off the ticket it no longer cites. A crash in between
 * leaves at worst a listing too many, which `heldMailsCiting` checks against the record.
 */
export async function withQuarantineHints(
  doc: Pick<InboundMail, '_id' | 'receivedAt' | 'status' | 'outcome'>,
  set: Partial<InboundMail>,
  write: () => Promise<void>,
): Promise<void> {
  const leaves = set.status !== undefined && set.status !== 'quarantined' && doc.status === 'quarantined';
  const citedBefore = doc.status === 'quarantined' ? (doc.outcome?.relatedTicket ?? null) : null;
  const citedAfter = set.status === 'quarantined' && set.outcome ? (set.outcome.relatedTicket ?? null) : leaves ? null : citedBefore;
  if (set.status === 'quarantined' && (doc.status !== 'quarantined' || citedAfter !== citedBefore)) await markQuarantined(doc._id, doc.receivedAt, citedAfter);
  await write();
  if (leaves) await unmarkQuarantined(doc._id, citedBefore);
  else if (citedBefore && citedBefore !== citedAfter) {
    await InboundHeldByTicketModel.collection.updateOne({ _id: citedBefore } as never, { $pull: { mails: doc._id } as never });
  }
}

type HeldMail = Pick<InboundMail, '_id' | 'from' | 'subject' | 'receivedAt' | 'outcome' | 'status'>;

/**
 * The messages in quarantine that cite one of these tickets (a ticket and the duplicates merged
 * into it), newest first (at most `limit`), checked against their records: still held, still
 * citing the ticket that lists them.
 */
export async function heldMailsCiting(ticketNumbers: readonly string[], limit = 3): Promise<HeldMail[]> {
  const keys = await Promise.all(ticketNumbers.map((n) => InboundHeldByTicketModel.findById(n).lean()));
  const listed = keys.flatMap((key) => (key?.mails ?? []).slice(-20).map((id) => ({ id, ticket: key?._id })));
  const records = await Promise.all(
    listed.map(async ({ id, ticket }) => {
      const r = await InboundMailModel.findById(id, { from: 1, subject: 1, receivedAt: 1, outcome: 1, status: 1 }).lean<HeldMail>();
      return r?.status === 'quarantined' && r.outcome?.relatedTicket === ticket ? r : null;
    }),
  );
  return records
    .filter((r): r is HeldMail => r !== null)
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())
    .slice(0, limit);
}

/** The pending hint goes once the message's record holds its outcome. */
export async function dropPending(id: string): Promise<void> {
  await InboundPendingModel.collection.deleteOne({ _id: id } as never);
}

/**
 * One insert by `_id` in `inbound_pending`. The same bytes waiting already (a sender that retried
 * after a lost 250) take a second insert, under `<hash>.<delivery>`: that delivery is recorded too,
 * as the same as the first. Idempotent, for the spool's recovery: this very delivery there already
 * is found by its planned ticket.
 */
export async function admitPending(pending: InboundPending): Promise<{ id: string; known: boolean }> {
  if (await insertOnce(InboundPendingModel.collection, pending)) return { id: pending._id, known: false };
  const there = await InboundPendingModel.collection.findOne<Pick<InboundPending, 'plannedTicket'>>({ _id: pending._id } as never, {
    projection: { plannedTicket: 1 },
  });
  if (there && String(there.plannedTicket) === String(pending.plannedTicket)) return { id: pending._id, known: false };
  const id = `${pending._id}.${String(pending.plannedTicket)}`;
  await insertOnce(InboundPendingModel.collection, { ...pending, _id: id });
  return { id, known: true };
}
