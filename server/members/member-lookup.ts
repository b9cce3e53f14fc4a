/**
 * Finding a member by email address. On MongoDB the unique index on `members.email` answers it; the
 * embedded FerretDB pushes only `_id` filters down to SQLite and would read every member for each
 * lookup (a web form, an email, a "send me a link"). So a small key collection maps the lower-cased
 * address to the member (`member_emails`, `_id` = the address): a lookup is one read by `_id` on
 * both databases. It is filled by a hook whenever a member is saved, and once at start for members
 * written before it existed (`backfillMemberEmails`).
 */
import { isValidObjectId, type Types } from 'mongoose';
import { MemberEmailModel, MemberModel, MemberNumberModel, normalizeMemberNumber, rememberMemberEmail } from './member.model.js';
import { memberNamesByIds } from './member-names.js';

export { rememberMemberEmail };
export { memberNamesByIds };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The member with this address (lower-cased), with the fields of `projection`, or null. */
export async function findMemberByEmail<T = Record<string, unknown>>(
  email: string,
  projection: Record<string, 0 | 1> = {},
): Promise<(T & { _id: Types.ObjectId }) | null> {
  const address = normalizeEmail(email);
  const key = await MemberEmailModel.findById(address).lean();
  if (key) {
    const member = await MemberModel.findById(key.member, projection).lean<T & { _id: Types.ObjectId }>();
    if (member) return member;
  }
  return null;
}

/** The member with this member number (`member_numbers` key, then the member by `_id`), or null. */
export async function findMemberByNumber<T = Record<string, unknown>>(
  number: string,
  projection: Record<string, 0 | 1> = {},
): Promise<(T & { _id: Types.ObjectId }) | null> {
  const key = await MemberNumberModel.findById(normalizeMemberNumber(number)).lean();
  return key ? MemberModel.findById(key.member, projection).lean<T & { _id: Types.ObjectId }>() : null;
}

/**
 * Adds the missing keys for members written without the hook (before this collection existed, or by
 * a raw import). Runs once per database (a marker in `meta`), at start; it reads every member once.
 */
export async function backfillMemberEmails(): Promise<number> {
  const meta = MemberModel.db.collection<{ _id: string; at: Date }>('meta');
  const marker = 'member-emails-backfilled';
  if (await meta.findOne({ _id: marker })) return 0;
  let added = 0;
  for await (const member of MemberModel.find({}, { email: 1 }).lean().cursor()) {
    if (!(await MemberEmailModel.exists({ _id: member.email }))) {
      await rememberMemberEmail(member.email, member._id);
      added += 1;
    }
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return added;
}

/** One member by `_id` with the fields of `projection`, or null (also for a malformed id). */
export async function memberById<T = Record<string, unknown>>(
  id: Types.ObjectId | string,
  projection: Record<string, 0 | 1> = {},
): Promise<(T & { _id: Types.ObjectId }) | null> {
  if (!isValidObjectId(id)) return null;
  return MemberModel.findById(id, projection).lean<T & { _id: Types.ObjectId }>();
}

/**
 * Names for sorting a queue by member: a whole work list (thousands of tickets) is sorted, not one
 * page; a member without a name (unknown id) sorts as ''.
 */
export async function memberNamesForSorting(ids: readonly string[]): Promise<Map<string, string>> {
  const read = await memberNamesByIds(ids);
  return new Map(ids.map((id) => [id, read.get(id) ?? '']));
}
