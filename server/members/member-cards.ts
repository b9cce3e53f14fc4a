/**
 * The member a new request's address names, remembered by each instance: who they are (`_id`,
 * name) and what a new ticket copies from them (office, language). Finding them took two reads by
 * `_id` (the address key, then the member) on every ticket created by staff, the help form or mail,
 * two of a creation's thirteen calls on a database whose single writer every call waits behind.
 *
 * Kept true the way members' names are (member-names.ts): a member's details change only through
 * `changeMemberDetails` (erasure too), which forgets the member here once the record and its address
 * keys are written, and publishes `member.changed`, which the working set's news carries to the other
 * instances (working-set.sync.ts; a lost message makes them forget every card). A read begun before a
 * change does not store what it read (`epoch`). Addresses not found are not remembered: the next
 * request for a new address reads again. Should a process die between a change and its news, the
 * other instances would keep the old card for at most `maxAgeMs`.
 */
import type { Types } from 'mongoose';
import { findMemberByEmail, normalizeEmail } from './member-lookup.js';

/** What a new ticket needs of the member its address names. */
export interface MemberCard {
  _id: Types.ObjectId;
  name: string;
  office?: Types.ObjectId | null;
  language?: string | null;
}

const maxAgeMs = 60_000;
/** About 20,000 active members a year. */
const maxCards = 50_000;

const byAddress = new Map<string, { card: MemberCard; at: number }>();
/** The addresses remembered for each member id, to forget them all when the member changes. */
const addressesOf = new Map<string, Set<string>>();
/** Bumped by every forgetting: a read begun before it does not store what it read. */
let epoch = 0;

function drop(address: string): void {
  const known = byAddress.get(address);
  if (!known) return;
  byAddress.delete(address);
  const id = String(known.card._id);
  const addresses = addressesOf.get(id);
  addresses?.delete(address);
  if (addresses?.size === 0) addressesOf.delete(id);
}

/** The member this address names (remembered, or read: the address key, then the member), or null. */
export async function memberCardByEmail(email: string): Promise<MemberCard | null> {
  const address = normalizeEmail(email);
  const known = byAddress.get(address);
  if (known && Date.now() - known.at < maxAgeMs) return known.card;
  const began = epoch;
  const found = await findMemberByEmail<MemberCard>(address, { name: 1, office: 1, language: 1 });
  if (!found || epoch !== began) return found;
  const card: MemberCard = { _id: found._id, name: found.name, office: found.office ?? null, language: found.language ?? null };
  drop(address); // re-inserted last: the oldest entries go first when the map is full
  byAddress.set(address, { card, at: Date.now() });
  const id = String(card._id);
  addressesOf.set(id, (addressesOf.get(id) ?? new Set()).add(address));
  while (byAddress.size > maxCards) drop(byAddress.keys().next().value as string);
  return card;
}

/** Forgets what is remembered of one member (their details changed, here or on another instance). */
export function forgetMemberCard(id: string): void {
  epoch += 1;
  for (const address of [...(addressesOf.get(id) ?? [])]) drop(address);
}

/** Forgets every card (news from the other instances may have been lost; tests between cases). */
export function forgetMemberCards(): void {
  epoch += 1;
  byAddress.clear();
  addressesOf.clear();
}
