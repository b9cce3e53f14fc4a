/**
 * Changing what identifies a member — name, address, member number — goes through here, so that
 * everything derived from it follows: the address key (`member_emails`, how a member is found by
 * address) and, through `beforeMemberChange` hooks and the `member.changed` event, the search
 * index, which shows these details on each of the member's tickets.
 *
 * The hooks run before the write and may write durable marks (search does, one per ticket), so a
 * crash between the write and the event still leaves the work to the next start.
 */
import { isValidObjectId, type Types } from 'mongoose';
import { domainEvents } from '../lib/domain-events.js';
import { ConflictError, NotFoundError, isDuplicateKeyError } from '../lib/errors.js';
import { normalizeEmail } from './member-lookup.js';
import { MemberEmailModel, MemberModel, rememberMemberEmail } from './member.model.js';
import { forgetMemberCard } from './member-cards.js';
import { forgetMemberName } from './member-names.js';

export interface MemberDetails {
  name?: string;
  email?: string;
  memberNumber?: string | null;
}

type BeforeHook = (memberId: string) => Promise<void>;
const hooks: BeforeHook[] = [];

/** Runs `hook` before every change of a member's details; returns how to remove it. */
export function beforeMemberChange(hook: BeforeHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Changes a member's name, address or member number; 404 for no such member, 409 for an address another member has. */
export async function changeMemberDetails(memberId: Types.ObjectId | string, details: MemberDetails): Promise<void> {
  const id = String(memberId);
  const before = isValidObjectId(id) ? await MemberModel.findById(id, { email: 1 }).lean() : null;
  if (!before) throw new NotFoundError('No such member.');
  const set: MemberDetails = {};
  if (details.name !== undefined) set.name = details.name.trim();
  if (details.email !== undefined) set.email = normalizeEmail(details.email);
  if (details.memberNumber !== undefined) set.memberNumber = details.memberNumber?.trim() || null;
  if (Object.keys(set).length === 0) return;
  // Asked of the address key first (one read by `_id`): FerretDB reports a unique index violated by
  // an update as a generic error, not as MongoDB's duplicate key.
  if (set.email && set.email !== before.email) {
    const holder = await MemberEmailModel.findById(set.email).lean();
    if (holder && String(holder.member) !== id) throw new ConflictError('Another member already has this address.');
  }
  for (const hook of hooks) await hook(id);
  try {
    await MemberModel.updateOne({ _id: id }, { $set: set }, { runValidators: true });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError('Another member already has this address.');
    throw error;
  }
  // Told once the details are written, whatever happens to the address keys after: the names other
  // instances remember, and the search index, follow the member record (an erased name must not linger).
  if (set.name !== undefined) forgetMemberName(id);
  try {
    if (set.email && set.email !== before.email) {
      await rememberMemberEmail(set.email, before._id);
      // The old address no longer leads to this member (only its own key is removed).
      const old = await MemberEmailModel.findById(before.email).lean();
      if (old && String(old.member) === id) await MemberEmailModel.deleteOne({ _id: before.email });
    }
  } finally {
    forgetMemberCard(id);
    domainEvents.publish('member.changed', { memberId: id });
  }
}
