/**
 * What a new ticket needs of the member its address names (`_id`, name, office, language), the
 * member's part remembered by each instance. Finding them took two reads by `_id` on every ticket
 * created by staff, the help form or mail: the address key, then the member.
 *
 * The address key is still read every time: which address names which member is never remembered,
 * so an erasure (which takes the key away) or a change of address counts at once on every instance,
 * and mail from an erased address opens a request for a new member, never one on the erased record.
 * The member's part is kept true the way members' names are (member-names.ts): it changes only through
 * `changeMemberDetails` (erasure too), which forgets it here once the record is written, and publishes
 * `member.changed`, which the working set's news carries to the other instances (working-set.sync.ts;
 * a lost message makes them forget every card). A read begun before a change does not store what it
 * read. Should a process die between a change and its news, the other instances would show
 * the old name on a new ticket for at most a minute.
 */
import type { Types } from 'mongoose';
import { forgettingMemo } from '../lib/forgetting-memo.js';
import { normalizeEmail } from './member-lookup.js';
import { MemberEmailModel, MemberModel } from './member.model.js';

/** What a new ticket needs of the member its address names. */
export interface MemberCard {
  _id: Types.ObjectId;
  name: string;
  office?: Types.ObjectId | null;
  language?: string | null;
}

/** About 20,000 active members a year. */
const cards = forgettingMemo<MemberCard>({ maxAgeMs: 60_000, maxEntries: 50_000 });

/** The member this address names (its key read, the member remembered or read), or null. */
export async function memberCardByEmail(email: string): Promise<MemberCard | null> {
  const began = cards.begin();
  const key = await MemberEmailModel.findById(normalizeEmail(email)).lean();
  if (!key) return null;
  const id = String(key.member);
  const known = cards.get(id);
  if (known) return known;
  const found = await MemberModel.findById(key.member, { name: 1, office: 1, language: 1 }).lean<MemberCard>();
  if (!found) return null;
  const card: MemberCard = { _id: found._id, name: found.name, office: found.office ?? null, language: found.language ?? null };
  cards.keep(id, card, began);
  return card;
}

/** Forgets what is remembered of one member (their details changed, here or on another instance). */
export function forgetMemberCard(id: string): void {
  cards.forget(id);
}

/** Forgets every card (news from the other instances may have been lost; tests between cases). */
export function forgetMemberCards(): void {
  cards.forgetAll();
}
