/**
 * What administrators see and do with received mail (the quarantine page and the incoming-mail log):
 * pages of `inbound_mail` records, newest first, by status (the quarantine through its hints) — one
 * record read again from its raw bytes is inbound-reading.ts — and the
 * three decisions — reprocess, make a ticket anyway, discard with a note — each recorded in the
 * record's history with who decided. `assertMayAdministerInbound` is the one rule (administrators
 * only) that the staff page and the API both apply, before anything else.
 */
import { hasRole, type StaffActor } from '../../auth/actor.js';
import { readByIds } from '../../db/point-reads.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import type { MailAuthentication } from './authentication.js';
import { InboundMailModel, InboundQuarantineModel, type InboundMail, type InboundOutcome, type InboundStatus } from './inbound.model.js';
import type { InboundPipeline } from './pipeline.js';
import { readableHeader } from './raw.js';

/** The records the inbound pages list. */
export type { InboundHistoryEntry, InboundMail, OutcomeKind } from './inbound.model.js';

export const INBOUND_PAGE_SIZE = 50;

/** The list's tabs: what waits for a decision (default), everything recent, what was set aside. */
export const inboundFilters = ['quarantined', 'all', 'discarded'] as const;
export type InboundFilter = (typeof inboundFilters)[number];

/** The quarantine reasons the pipeline and the parser give (`outcome.reason` of a quarantine). */
export const quarantineReasons = [
  'too_large',
  'too_many_parts',
  'headers_too_large',
  'unparseable',
  'timeout',
  'bulk',
  'no_sender',
  'spoofed_sender',
  'forged_follow_up',
  'unverified_follow_up',
  'unverified_staff',
  'staff_sender',
  'blocked_sender',
] as const;

export const inboundActions = ['reprocess', 'force', 'attach', 'discard'] as const;
export type InboundAction = (typeof inboundActions)[number];

/** Longest discard note kept (the pipeline keeps 500 characters). */
export const DISCARD_NOTE_MAX = 500;

/** Whether this person may see received mail and decide about quarantined messages. */
export function mayAdministerInbound(actor: StaffActor): boolean {
  return hasRole(actor, 'administrator');
}

/** Throws 403 unless the person is an administrator. */
export function assertMayAdministerInbound(actor: StaffActor): void {
  if (!mayAdministerInbound(actor)) throw new ForbiddenError('Only administrators manage incoming mail.');
}

/** How a person is named in a record's history: "Name <email>". */
export function actorLabel(actor: StaffActor): string {
  return `${actor.name} <${actor.email}>`;
}

/** A record's id: the SHA-256 of its bytes, then `.<delivery>` for another delivery of the same bytes. */
const idPattern = /^[0-9a-f]{64}(?:\.[0-9a-f]{24})?$/;
/** The longest record id (`INBOUND_ID_MAX` characters). */
export const INBOUND_ID_MAX = 89;

/** One record, or null (also for an id that is not one). */
export async function findInboundMail(id: string): Promise<InboundMail | null> {
  if (!idPattern.test(id)) return null;
  return InboundMailModel.findById(id).lean<InboundMail>();
}

/** One record, or 404. */
export async function inboundMailOr404(id: string): Promise<InboundMail> {
  const mail = await findInboundMail(id);
  if (!mail) throw new NotFoundError('There is no received message with this id.');
  return mail;
}

export interface InboundMailPage {
  messages: InboundMail[];
  /** Cursor for the next (older) page, or null on the last one. */
  nextCursor: string | null;
}

/** `<receivedAt ms>.<id>` → its parts, or null when it is not one (a hand-edited address). */
export function parseInboundCursor(value: unknown): { at: Date; id: string } | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,15})\.([0-9a-f]{64}(?:\.[0-9a-f]{24})?)$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { at: new Date(Number(match[1])), id: match[2] };
}

function statusFilter(filter: InboundFilter): Record<string, unknown> | null {
  if (filter === 'all') return null;
  return { status: filter satisfies InboundStatus };
}

/** Whether (receivedAt, id) comes before the cursor, newest first. */
function olderThan(at: Date, id: string, cursor: { at: Date; id: string }): boolean {
  return at.getTime() < cursor.at.getTime() || (at.getTime() === cursor.at.getTime() && id < cursor.id);
}

/**
 * The quarantine, newest first: its hints (`inbound_quarantine`, small, read whole and sorted here),
 * then the page's records by `_id`. A hint whose record is no longer quarantined is dropped.
 */
async function quarantinePage(cursor: { at: Date; id: string } | null, limit: number): Promise<InboundMail[]> {
  const hints = (await InboundQuarantineModel.find({}).lean<{ _id: string; receivedAt: Date }[]>())
    .filter((h) => !cursor || olderThan(h.receivedAt, h._id, cursor))
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
  const found: InboundMail[] = [];
  for (let from = 0; from < hints.length && found.length <= limit; from += limit + 1) {
    const slice = hints.slice(from, from + limit + 1);
    const records = await readByIds(
      slice.map((h) => h._id),
      (id) => InboundMailModel.findById(id).lean<InboundMail>(),
    );
    const quarantined = new Map(records.filter((r) => r.status === 'quarantined').map((r) => [r._id, r]));
    for (const hint of slice) {
      const mail = quarantined.get(hint._id);
      if (mail) found.push(mail);
      else await InboundQuarantineModel.collection.deleteOne({ _id: hint._id } as never);
    }
  }
  return found.slice(0, limit + 1);
}

/**
 * One page of received messages, newest first, keyset-paged on (receivedAt, _id). The quarantine (the
 * default tab) is read through its hints; "all" and "discarded" query `inbound_mail`, which FerretDB
 * answers by reading the whole collection (MongoDB uses the declared indexes).
 */
export async function listInboundPage(options: { filter?: InboundFilter; before?: string; limit?: number } = {}): Promise<InboundMailPage> {
  const limit = options.limit ?? INBOUND_PAGE_SIZE;
  const filter = options.filter ?? 'quarantined';
  const cursor = parseInboundCursor(options.before);
  let found: InboundMail[];
  if (filter === 'quarantined') {
    found = await quarantinePage(cursor, limit);
  } else {
    const conditions: Record<string, unknown>[] = [];
    const status = statusFilter(filter);
    if (status) conditions.push(status);
    if (cursor) conditions.push({ $or: [{ receivedAt: { $lt: cursor.at } }, { receivedAt: cursor.at, _id: { $lt: cursor.id } }] });
    const query = conditions.length === 0 ? {} : conditions.length === 1 ? (conditions[0] ?? {}) : { $and: conditions };
    found = await InboundMailModel.find(query)
      .sort({ receivedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<InboundMail[]>();
  }
  const messages = found.slice(0, limit);
  const last = messages.at(-1);
  return { messages, nextCursor: found.length > limit && last ? `${last.receivedAt.getTime()}.${last._id}` : null };
}

/** How many messages wait in quarantine (their hints: one may be stale until the page is read). */
export async function countQuarantined(): Promise<number> {
  return InboundQuarantineModel.countDocuments({});
}

/**
 * What a person may decide about a message in this state. A message that became something (`done`)
 * stays as it is. A follow-up refused because it did not come from the cited ticket's member
 * (`forged_follow_up`) can also be attached to that ticket, in the member's name, by someone who knows it is theirs.
 */
export function allowedInboundActions(status: InboundStatus, outcome?: Pick<InboundOutcome, 'reason' | 'relatedTicket'> | null): InboundAction[] {
  switch (status) {
    case 'quarantined':
      return outcome?.reason === 'forged_follow_up' && outcome.relatedTicket ? ['reprocess', 'attach', 'force', 'discard'] : ['reprocess', 'force', 'discard'];
    case 'discarded':
      return ['reprocess', 'force'];
    case 'pending':
      // Left pending by a failure that was not the message's fault (database down, a bug): retry or set aside.
      return ['reprocess', 'discard'];
    case 'done':
      return [];
  }
}

export interface InboundActionProps {
  id: string;
  action: InboundAction;
  actor: StaffActor;
  /** Why the message is discarded (required for `discard`); kept with a reprocess too when given. */
  note?: string;
}

/**
 * Runs one decision about a received message through the pipeline, recorded in its history with the
 * administrator's name and address: reprocess (the rules again), force (a ticket whatever the rules
 * said), discard (with a note). 404 for an unknown message, 409 when its state does not allow the
 * action (`allowedInboundActions`), 400 for a discard without a note. Returns the record as it is now.
 */
export async function actOnInboundMail(pipeline: InboundPipeline, props: InboundActionProps): Promise<{ mail: InboundMail; outcome: InboundOutcome | null }> {
  const mail = await inboundMailOr404(props.id);
  if (!allowedInboundActions(mail.status, mail.outcome).includes(props.action)) {
    throw new ConflictError(`This message is ${mail.status}: "${props.action}" is not possible any more.`, { inbound: presentInboundMail(mail) });
  }
  const by = actorLabel(props.actor);
  let outcome: InboundOutcome | null;
  if (props.action === 'discard') {
    const note = props.note?.trim() ?? '';
    if (note === '') throw new BadRequestError('Say why the message is discarded: a note is required.', [{ path: 'note', message: 'Required' }]);
    if (note.length > DISCARD_NOTE_MAX)
      throw new BadRequestError(`The note is longer than ${DISCARD_NOTE_MAX} characters.`, [
        { path: 'note', message: `At most ${DISCARD_NOTE_MAX} characters` },
      ]);
    outcome = await pipeline.discard(mail._id, by, note);
  } else {
    outcome =
      props.action === 'force'
        ? await pipeline.force(mail._id, by)
        : props.action === 'attach'
          ? await pipeline.attach(mail._id, by)
          : await pipeline.reprocess(mail._id, by, props.note?.trim() || undefined);
  }
  return { mail: (await findInboundMail(mail._id)) ?? mail, outcome };
}

export interface InboundOutcomeView {
  kind: InboundOutcome['kind'];
  ticketNumber: string | null;
  reason: string | null;
  detail: string | null;
  relatedTicket: string | null;
  at: string | null;
}

export interface InboundMailView {
  id: string;
  messageId: string | null;
  source: InboundMail['source'];
  mailbox: string | null;
  envelope: { from: string | null; to: string[] };
  size: number;
  truncated: boolean;
  subject: string | null;
  from: string | null;
  receivedAt: string;
  status: InboundStatus;
  outcome: InboundOutcomeView | null;
  /** SPF, DKIM and DMARC as evaluated (authentication.ts); null before processing. */
  authentication: MailAuthentication | null;
  attempts: number;
  history: { at: string; action: string; by: string | null; note: string | null }[];
  allowedActions: InboundAction[];
  /** A copy: the id of the same message received first. */
  sameAs: string | null;
  /** Flag: the id of an earlier, different message that came with the same Message-ID and sender. */
  reusesMessageIdOf: string | null;
}

function iso(value: Date | string | null | undefined): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An outcome as the API shows it (the ticket's number, not its database id). */
export function presentInboundOutcome(outcome: InboundOutcome | null): InboundOutcomeView | null {
  if (!outcome) return null;
  return {
    kind: outcome.kind,
    ticketNumber: outcome.ticketNumber,
    reason: outcome.reason,
    detail: outcome.detail,
    relatedTicket: outcome.relatedTicket,
    at: iso(outcome.at),
  };
}

/** A received message's record as the API shows it (no bytes: those are at `…/raw`). */
export function presentInboundMail(mail: InboundMail): InboundMailView {
  return {
    id: mail._id,
    messageId: mail.messageId,
    source: mail.source,
    mailbox: mail.mailbox,
    envelope: { from: mail.envelope?.from ?? null, to: [...(mail.envelope?.to ?? [])] },
    size: mail.size,
    truncated: mail.truncated,
    // Records listed before the pipeline decoded these headers keep the encoded words.
    subject: mail.subject === null ? null : readableHeader(mail.subject),
    from: mail.from === null ? null : readableHeader(mail.from),
    receivedAt: mail.receivedAt.toISOString(),
    status: mail.status,
    outcome: presentInboundOutcome(mail.outcome),
    authentication: mail.authentication ?? null,
    attempts: mail.attempts ?? 0,
    history: (mail.history ?? []).map((h) => ({ at: iso(h.at) ?? '', action: h.action, by: h.by, note: h.note })),
    allowedActions: allowedInboundActions(mail.status, mail.outcome),
    sameAs: mail.sameAs ?? null,
    reusesMessageIdOf: mail.reusesMessageIdOf ?? null,
  };
}
