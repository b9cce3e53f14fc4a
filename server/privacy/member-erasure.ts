/**
 * Erasing a member (GDPR art. 17): their personal data is removed or pseudonymised everywhere Relais
 * keeps it, while the tickets' figures (status, times, tier, office, team, category, the rating's
 * score) stay for the reports.
 *
 * No transactions on FerretDB, so an erasure is a sequence of idempotent steps behind a durable intent:
 *  1. insert `member_erasures` `{ _id: <member> }` (the intent; a second start finds it and resumes);
 *  2. each ticket of the member (`member_tickets` keys), in order (ticket-erasure.ts), noted as done;
 *  3. the records beside the tickets: "send me a link" requests, and the mail no ticket names — a link
 *     mail in the outbox, a mail held in quarantine, the local catcher's copies — found by the member's
 *     address keys (mail/address-mail.ts, address-mail-erasure.ts);
 *  4. the member record last — its address and number keys removed, name → "Membre effacé #…",
 *     address → a unique non-routable placeholder, number and language cleared, every member session
 *     ended (`sessionVersion`), `erasedAt` set — through `changeMemberDetails`, so the search index
 *     writes the member's tickets again with the pseudonym. Last, because the steps before it look for
 *     the member's name and address in staff text: a resumed erasure still reads them here;
 *  5. the member's tickets again, until a sweep finds none new: a ticket filed while the steps ran (its
 *     creation found the member before the address key went) is erased like the others; one stored
 *     after this last sweep is caught when it is created (erasure-watch.ts);
 *  6. `finishedAt`, and the audit entry (the member's id, the pseudonym and counts — never the data).
 *
 * An erasure interrupted (a stop, a crash) is finished at the next start (`resumeErasures`, index.ts).
 */
import type { StaffActor, SystemActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { ConflictError, NotFoundError, isDuplicateKeyError } from '../lib/errors.js';
import { domainEvents } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';
import { LinkRequestModel } from '../members/link-request.model.js';
import { forgetMemberCard } from '../members/member-cards.js';
import { changeMemberDetails } from '../members/member-changes.js';
import { memberById } from '../members/member-lookup.js';
import { MemberEmailModel, MemberModel, MemberNumberModel, normalizeMemberNumber } from '../members/member.model.js';
import { memberTicketIds } from '../tickets/ticket.keys.js';
import { TicketModel } from '../tickets/ticket.model.js';
import { MemberErasureModel, type MemberErasure, type ErasureCounts } from './erasure.model.js';
import { identityPatterns, isPlaceholderEmail, placeholderEmail, pseudonymFor } from './redaction.js';
import { eraseTicket } from './ticket-erasure.js';
import { eraseAddressMail } from './address-mail-erasure.js';

export interface ErasureRequest {
  reason: string;
  source: MemberErasure['source'];
  ip?: string;
}

export interface ErasureOptions {
  dataDir: string;
  /** Tests: runs after a step (a ticket filed, a link asked for, a mail received meanwhile). */
  afterStep?: (step: 'tickets' | 'records' | 'member') => Promise<void>;
}

interface StoredMember {
  _id: unknown;
  name: string;
  email: string;
  memberNumber?: string | null;
  erasedAt?: Date | null;
  sessionVersion?: number;
  language?: string | null;
}

/**
 * Erases a member: administrators (or the retention job, as Relais). 404 for no such member, 409 when
 * already erased. Returns the finished record. An erasure of the member left half-way is resumed.
 */
export async function eraseMember(actor: StaffActor | SystemActor, memberId: string, request: ErasureRequest, options: ErasureOptions): Promise<MemberErasure> {
  if (actor.kind === 'staff') assertAdministrator(actor);
  const member = await memberById<StoredMember>(memberId, { name: 1, erasedAt: 1 });
  if (!member) throw new NotFoundError('No such member.');
  const id = String(member._id);
  const intent: MemberErasure = {
    _id: id,
    pseudonym: pseudonymFor(id),
    startedAt: new Date(),
    finishedAt: null,
    by: { staff: actor.kind === 'staff' ? String(actor.id) : null, name: actor.name },
    source: request.source,
    reason: request.reason,
    ticketsDone: [],
    counts: { tickets: 0, messages: 0, files: 0, mails: 0 },
    steps: [],
    ip: request.ip ?? '',
  };
  try {
    await MemberErasureModel.collection.insertOne(intent as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const existing = await MemberErasureModel.findById(id).lean<MemberErasure>();
    if (existing?.finishedAt) throw new ConflictError('This member was erased already.', { reason: 'already_erased' });
    if (existing) return runErasure(existing, actor, options);
  }
  return runErasure(intent, actor, options);
}

async function note(id: string, set: Partial<MemberErasure>): Promise<void> {
  await MemberErasureModel.collection.updateOne({ _id: id } as never, { $set: set });
}

/** Runs (or resumes) the steps of an erasure whose intent is recorded. */
async function runErasure(record: MemberErasure, actor: StaffActor | SystemActor, options: ErasureOptions): Promise<MemberErasure> {
  const id = record._id;
  const member = await memberById<StoredMember>(id, { name: 1, email: 1, memberNumber: 1, sessionVersion: 1, language: 1 });
  if (!member) throw new NotFoundError('No such member.');
  // Once the member record is pseudonymised there is nothing of theirs left to look for in free text.
  const identity = isPlaceholderEmail(member.email) ? null : { name: member.name, email: member.email, memberNumber: member.memberNumber ?? null };
  const context = {
    actor,
    memberId: id,
    pseudonym: record.pseudonym,
    pattern: identity ? identityPatterns(identity) : null,
    email: member.email,
    dataDir: options.dataDir,
  };
  const counts: ErasureCounts = { ...record.counts };
  const done = new Set(record.ticketsDone);
  /** Erases the member's tickets not done yet; true when there was one. */
  const sweep = async (): Promise<boolean> => {
    let found = false;
    for (const ticketId of await memberTicketIds(id)) {
      if (done.has(String(ticketId))) continue;
      const c = await eraseTicket(ticketId, context);
      // A key written by a creation still under way names a ticket not stored yet: not done (the
      // next sweep, or the watch on new tickets, erases it once it exists; erasure-watch.ts).
      if (!c && !(await TicketModel.exists({ _id: ticketId }))) continue;
      found = true;
      done.add(String(ticketId));
      if (c) {
        counts.tickets += 1;
        counts.messages += c.messages;
        counts.files += c.files;
        counts.mails += c.mails;
      }
      await note(id, { ticketsDone: [...done], counts });
    }
    return found;
  };
  await sweep();
  await options.afterStep?.('tickets');
  const steps = new Set(record.steps);
  if (!steps.has('records') && identity) {
    await LinkRequestModel.collection.deleteOne({ _id: identity.email.trim().toLowerCase() } as never);
    counts.mails += await eraseAddressMail(context, member.language ?? 'fr');
    steps.add('records');
    await note(id, { steps: [...steps], counts });
  }
  await options.afterStep?.('records');
  if (!steps.has('member')) {
    if (identity) {
      if (identity.memberNumber) {
        const key = normalizeMemberNumber(identity.memberNumber);
        const held = await MemberNumberModel.findById(key).lean();
        if (held && String(held.member) === id) await MemberNumberModel.deleteOne({ _id: key });
      }
      // Moves the address key to the placeholder and asks search to write the member's tickets again.
      await changeMemberDetails(id, { name: record.pseudonym, email: placeholderEmail(id), memberNumber: null });
    }
    const old = identity ? await MemberEmailModel.findById(identity.email).lean() : null;
    if (old && String(old.member) === id) await MemberEmailModel.deleteOne({ _id: identity?.email });
    await MemberModel.collection.updateOne({ _id: member._id } as never, {
      $set: { language: null, erasedAt: new Date(), sessionVersion: (member.sessionVersion ?? 0) + 1 },
    });
    if (!identity) {
      // Resumed after the record was pseudonymised: the news of that change may not have gone out
      // (a stop right after it); told again, harmlessly, so no instance keeps the erased name or
      // finds the member by their old address.
      forgetMemberCard(id);
      domainEvents.publish('member.changed', { memberId: id });
    }
    steps.add('member');
    await note(id, { steps: [...steps] });
  }
  await options.afterStep?.('member');
  // Tickets filed while the steps above ran (the creation had found the member before its address
  // key went): none can name the member once the key is gone, so a sweep that finds nothing new ends it.
  for (let round = 0; round < 5 && (await sweep()); round += 1);
  // Mail stored under the address while the steps ran (a link asked for, a mail held in quarantine):
  // nothing new can be once the member record no longer has the address.
  if (identity) {
    await LinkRequestModel.collection.deleteOne({ _id: identity.email.trim().toLowerCase() } as never);
    counts.mails += await eraseAddressMail(context, member.language ?? 'fr');
  }
  const finishedAt = new Date();
  await note(id, { finishedAt, counts });
  await recordAudit(actor, {
    action: 'member.erase',
    target: { kind: 'member', id, label: record.pseudonym },
    after: { pseudonym: record.pseudonym, source: record.source, ...counts },
    ip: record.ip,
  });
  return { ...record, steps: [...steps], ticketsDone: [...done], counts, finishedAt };
}

/** Finishes the erasures a stop interrupted (at start, before the server takes requests). */
export async function resumeErasures(options: { dataDir: string; logger?: Logger }): Promise<number> {
  const open = await MemberErasureModel.find({ finishedAt: null }).limit(100).lean<MemberErasure[]>();
  for (const record of open) {
    try {
      const actor: SystemActor = { kind: 'system', name: record.by.name };
      await runErasure(record, actor, options);
    } catch (error) {
      options.logger?.error({ err: error, member: record._id }, 'could not finish an interrupted erasure; it is tried again at the next start');
    }
  }
  return open.length;
}

/** The latest erasures (no personal data in them), newest first. */
export function latestErasures(limit = 20): Promise<MemberErasure[]> {
  return MemberErasureModel.find({}).sort({ startedAt: -1 }).limit(limit).lean<MemberErasure[]>();
}

/** The erasure record of a member, or null. */
export function erasureOf(memberId: string): Promise<MemberErasure | null> {
  return MemberErasureModel.findById(memberId).lean<MemberErasure>();
}
