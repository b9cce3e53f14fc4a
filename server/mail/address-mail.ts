/**
 * `address_mail`: which stored mail names an address, for the mail no ticket leads to — a "send me a
 * link" mail in the outbox, a received mail held in quarantine or answered by no ticket, a copy in the
 * local catcher. The member's erasure and export (privacy/) find that mail here; a ticket's own mail
 * they find through its events.
 *
 * Built from point reads and inserts by `_id`, the only reads the embedded FerretDB serves from an
 * index (docs/FERRETDB.md): an address's keys are a row of slot documents `_id = "<digest>#<n>"`,
 * n = 0, 1, 2 … — noting one more inserts the next slot, and a duplicate key (another instance noted
 * at the same moment) takes n+1 — with a hint `_id = "<digest>"` holding `next`, a lower bound of the
 * slots written (a plain `$set`: a lost one only makes the next writer probe further). Reading is
 * "every slot from 0 up to the first missing one": a slot is only inserted after its predecessors
 * exist, and slots go only all together (`forgetAddressMail`). The same sign-in counters use this
 * shape (auth/sign-in-counts.ts).
 *
 * The digest is of the lower-cased address: the address itself is not stored here, so an erasure
 * leaves nothing behind when it forgets the slots.
 */
import { createHash } from 'node:crypto';
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { readByIds } from '../db/point-reads.js';

export const addressMailKinds = ['outbox', 'inbound', 'caught'] as const;
export type AddressMailKind = (typeof addressMailKinds)[number];

interface AddressMailDoc {
  _id: string;
  /** Slots: what the mail is and its id in its collection. */
  kind?: AddressMailKind;
  ref?: string;
  at?: Date;
  /** Hints: a lower bound of the slots written. */
  next?: number;
}

const schema = new Schema<AddressMailDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: addressMailKinds },
    ref: { type: String },
    at: { type: Date },
    next: { type: Number },
  },
  { collection: 'address_mail', versionKey: false },
);
export const AddressMailModel = model<AddressMailDoc>('AddressMail', schema);

const collection = () => AddressMailModel.collection;
const MAX_PROBES = 100_000;

/** The digest an address's keys are named by (lower-cased, trimmed). */
export function addressDigest(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('base64url').slice(0, 27);
}

/** The bare addresses in header-like text ("Name <a@b>", "a@b, c@d"), lower-cased, each once. */
export function addressesIn(...texts: ReadonlyArray<string | null | undefined>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(/[^\s<>()",;:@]+@[^\s<>()",;:@]+\.[^\s<>()",;:@]+/g)) found.add(match[0].toLowerCase());
  }
  return [...found];
}

async function note(digest: string, kind: AddressMailKind, ref: string, at: Date): Promise<void> {
  const hint = await collection().findOne<AddressMailDoc>({ _id: digest } as never);
  let n = hint?.next ?? 0;
  for (let probes = 0; probes < MAX_PROBES; probes += 1, n += 1) {
    try {
      await collection().insertOne({ _id: `${digest}#${n}`, kind, ref, at } as never);
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    // An insert for the first hint, a plain update after (an upsert costs FerretDB several times more).
    if (hint) await collection().updateOne({ _id: digest } as never, { $set: { next: n + 1 } });
    else {
      try {
        await collection().insertOne({ _id: digest, next: n + 1 } as never);
      } catch (error) {
        // Two first hints at once: either will do, it is only a hint.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return;
  }
  throw new Error(`address mail keys ${digest} are full`);
}

/**
 * Notes that the mail `ref` of `kind` names each of `addresses`. Called before the mail is stored, so
 * a stop in between leaves a key to nothing (skipped by readers), never mail without its key.
 */
export async function noteAddressMail(addresses: readonly string[], kind: AddressMailKind, ref: string, at = new Date()): Promise<void> {
  for (const address of new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a.includes('@')))) {
    await note(addressDigest(address), kind, ref, at);
  }
}

/** The mail noted for an address, each once, by kind. */
export async function addressMail(address: string): Promise<Record<AddressMailKind, string[]>> {
  const digest = addressDigest(address);
  const hint = await collection().findOne<AddressMailDoc>({ _id: digest } as never);
  // Every slot below the hint exists: read them a few at a time, then probe on from there.
  const known = await readByIds(
    Array.from({ length: hint?.next ?? 0 }, (_, n) => `${digest}#${n}`),
    (id) => collection().findOne<AddressMailDoc>({ _id: id } as never),
  );
  const slots = [...known];
  for (let n = known.length; n < MAX_PROBES; n += 1) {
    const slot = await collection().findOne<AddressMailDoc>({ _id: `${digest}#${n}` } as never);
    if (!slot) break;
    slots.push(slot);
  }
  const out: Record<AddressMailKind, string[]> = { outbox: [], inbound: [], caught: [] };
  for (const slot of slots) if (slot.kind && slot.ref && !out[slot.kind].includes(slot.ref)) out[slot.kind].push(slot.ref);
  return out;
}

/** Removes an address's keys (after its mail was erased): the hint first, then the slots. */
export async function forgetAddressMail(address: string): Promise<void> {
  const digest = addressDigest(address);
  const hint = await collection().findOne<AddressMailDoc>({ _id: digest } as never);
  await collection().deleteOne({ _id: digest } as never);
  for (let n = 0; n < Math.max(hint?.next ?? 0, 0) + MAX_PROBES; n += 1) {
    const gone = await collection().deleteOne({ _id: `${digest}#${n}` } as never);
    if (gone.deletedCount === 0 && n >= (hint?.next ?? 0)) break;
  }
}

/** Notes a received mail under its sender's addresses (the From header and the envelope's), before its record is written. */
export async function noteInboundMail(doc: { _id: string; from: string | null; envelope: { from: string | null }; receivedAt: Date }): Promise<void> {
  await noteAddressMail(addressesIn(doc.from, doc.envelope.from), 'inbound', doc._id, doc.receivedAt);
}
