/**
 * What the members' administration page and API show (administrators only): finding a member by
 * address, member number, ticket number or id — each one read by `_id` (the address and number keys,
 * the ticket number key) — and one member's record with their tickets in brief and their erasure.
 * Finding by name goes through staff search (the page adds it: search is a layer above).
 */
import type { Types } from 'mongoose';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { findMemberByEmail, findMemberByNumber, memberById } from '../members/member-lookup.js';
import { memberTickets, ticketByNumber } from '../tickets/ticket.queries.js';
import { loadTicket } from '../tickets/ticket.journal.js';
import { NotFoundError, UnprocessableError } from '../lib/errors.js';
import { eraseMember, erasureOf } from './member-erasure.js';
import type { MemberErasure } from './erasure.model.js';

export interface MemberCardView {
  id: string;
  name: string;
  email: string;
  memberNumber: string | null;
  erased: boolean;
}

export interface MemberAdminView extends MemberCardView {
  language: string | null;
  createdAt: string | null;
  lastActiveAt: string | null;
  tickets: Array<{ id: string; number: string; subject: string; status: string; createdAt: string }>;
  erasure: { pseudonym: string; at: string; finishedAt: string | null; by: string; source: string; counts: MemberErasure['counts'] } | null;
}

interface StoredMember {
  _id: Types.ObjectId;
  name: string;
  email: string;
  memberNumber?: string | null;
  language?: string | null;
  createdAt?: Date;
  lastActiveAt?: Date | null;
  erasedAt?: Date | null;
}

function card(m: StoredMember): MemberCardView {
  return { id: String(m._id), name: m.name, email: m.email, memberNumber: m.memberNumber ?? null, erased: !!m.erasedAt };
}

/** The member `q` names exactly (address, member number, ticket number, id), or null. */
export async function findMemberExactly(actor: StaffActor, q: string): Promise<MemberCardView | null> {
  assertAdministrator(actor);
  const text = q.trim();
  if (!text) return null;
  if (text.includes('@')) {
    const m = await findMemberByEmail<StoredMember>(text);
    return m ? card(m) : null;
  }
  if (/^[0-9a-f]{24}$/i.test(text)) {
    const m = await memberById<StoredMember>(text);
    if (m) return card(m);
  }
  if (/^R-\d{4}-\d{1,9}$/i.test(text)) {
    const ticket = await ticketByNumber(text.toUpperCase());
    const m = ticket ? await memberById<StoredMember>(ticket.member) : null;
    if (m) return card(m);
  }
  const m = await findMemberByNumber<StoredMember>(text);
  return m ? card(m) : null;
}

/** The members of some tickets (a name search's results), each once, in order. */
export async function membersOfTickets(actor: StaffActor, ticketIds: readonly string[]): Promise<MemberCardView[]> {
  assertAdministrator(actor);
  const seen = new Map<string, MemberCardView>();
  for (const id of ticketIds) {
    const ticket = await loadTicket(id);
    if (!ticket || seen.has(String(ticket.member))) continue;
    const m = await memberById<StoredMember>(ticket.member);
    if (m) seen.set(String(m._id), card(m));
  }
  return [...seen.values()];
}

/** One member for the administration: record, latest tickets, erasure. 404 is the caller's (null). */
export async function memberForAdmin(actor: StaffActor, memberId: string): Promise<MemberAdminView | null> {
  assertAdministrator(actor);
  const m = await memberById<StoredMember>(memberId);
  if (!m) return null;
  const [tickets, erasure] = await Promise.all([memberTickets(m._id, 50), erasureOf(String(m._id))]);
  return {
    ...card(m),
    language: m.language ?? null,
    createdAt: m.createdAt ? new Date(m.createdAt).toISOString() : null,
    lastActiveAt: m.lastActiveAt ? new Date(m.lastActiveAt).toISOString() : null,
    tickets: tickets.map((t) => ({
      id: String(t._id),
      number: t.number,
      subject: t.subject,
      status: t.status,
      createdAt: new Date(t.createdAt).toISOString(),
    })),
    erasure: erasure
      ? {
          pseudonym: erasure.pseudonym,
          at: new Date(erasure.startedAt).toISOString(),
          finishedAt: erasure.finishedAt ? new Date(erasure.finishedAt).toISOString() : null,
          by: erasure.by.name,
          source: erasure.source,
          counts: erasure.counts,
        }
      : null,
  };
}

/**
 * An administrator erases a member: the confirmation typed must be the member's address (so the
 * person erasing reads who it is), and a reason is required (kept in the erasure record, not in the
 * audit entry, which holds no personal data). 422 when the confirmation does not match.
 */
export async function eraseMemberAsAdministrator(
  actor: StaffActor,
  memberId: string,
  props: { confirm: string; reason: string; ip?: string },
  options: { dataDir: string },
): Promise<MemberErasure> {
  assertAdministrator(actor);
  const m = await memberById<StoredMember>(memberId, { email: 1, erasedAt: 1 });
  if (!m) throw new NotFoundError('No such member.');
  if (!m.erasedAt && props.confirm.trim().toLowerCase() !== m.email.toLowerCase())
    throw new UnprocessableError('Type the member’s address to confirm the erasure.', [{ path: 'confirm', message: 'does not match the member’s address' }], {
      reason: 'confirmation_mismatch',
    });
  return eraseMember(actor, memberId, { reason: props.reason.trim(), source: 'administrator', ip: props.ip }, options);
}
