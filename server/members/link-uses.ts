/**
 * Member links open one session each, and members can end all their sessions (see member-links.ts).
 */
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import { LinkUseModel } from './link-use.model.js';
import { MemberModel } from './member.model.js';

/** Records that the link `useKey` opened a session; false when it had already opened one. */
export async function useMemberLink(useKey: string, memberId: string, now = new Date()): Promise<boolean> {
  try {
    await LinkUseModel.collection.insertOne({ _id: useKey, member: new Types.ObjectId(memberId), at: now } as never);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Whether the link `useKey` has opened a session already (read by `_id`; using it is `useMemberLink`). */
export async function memberLinkUsed(useKey: string): Promise<boolean> {
  return (await LinkUseModel.collection.findOne({ _id: useKey } as never, { projection: { _id: 1 } })) !== null;
}

/** The member's current session version (0 for a member who never signed out everywhere), or null if unknown. */
export async function memberSessionVersion(memberId: string): Promise<number | null> {
  if (!Types.ObjectId.isValid(memberId)) return null;
  const member = await MemberModel.findById(memberId, { sessionVersion: 1 }).lean<{ sessionVersion?: number }>();
  return member ? (member.sessionVersion ?? 0) : null;
}

/**
 * Ends every session of the member, on every device: sessions carry the version they were opened
 * with, and each request compares it with this one. The new value is computed here and written
 * by `_id` (no `$inc`, lossy on FerretDB): two racing sign-outs both leave a value no session has.
 */
export async function endAllMemberSessions(memberId: string): Promise<void> {
  const current = await memberSessionVersion(memberId);
  if (current === null) return;
  await MemberModel.updateOne({ _id: memberId }, { $set: { sessionVersion: current + 1 } });
}
