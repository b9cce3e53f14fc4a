/**
 * Creating a ticket: find or create the member, route it, allocate a number, and
 * write it so that a crash at any point loses nothing (the "created" event is
 * written first, with everything needed to finish the job; see `recoverCreation`,
 * which the working set's rebuild runs for a hinted ticket that does not exist).
 */
import { Types } from 'mongoose';
import { actorRef, announce, creationWrites, enrich, notificationsSuppressed, trailEntry } from './ticket.journal.js';
import { applyWrites, attachmentLink, messageWrite } from './journal-writes.js';
import { sameId, type Actor } from '../auth/actor.js';
import type { MailProof } from './message.model.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { memberCardByEmail } from '../members/member-cards.js';
import { MemberModel } from '../members/member.model.js';
import { routeNewTicket } from '../routing/routing.service.js';
import { nextTicketNumber, numberCollided } from './ticket-number.js';
import { claimNumber, markWorking, rememberMemberTicket, rememberTicketDay } from './ticket.keys.js';
import { NO_DUE_DATE, TicketModel, type Channel, type Priority, type Ticket } from './ticket.model.js';
import { isTicketLanguage } from '../lib/ticket.vocabulary.js';
import {
  TicketEventModel,
  eventId,
  type EventData,
  type JournalWrite,
  type MessageDocument,
  type NewTicketDocument,
  type TicketEvent,
} from './ticket-event.model.js';

export interface CreateTicketProps {
  actor: Actor;
  subject: string;
  body: string;
  member: { name: string; email: string; memberNumber?: string | null; language?: string | null };
  channel: Channel;
  category?: string | null;
  language?: string | null;
  priority?: Priority;
  /** An office chosen by the staff member creating the ticket (e.g. after a phone call). */
  office?: Types.ObjectId | null;
  mailbox?: string | null;
  at?: Date;
  /**
   * A ticket id chosen by the caller, so that submitting the same thing twice (a double-clicked
   * form, a re-delivered email) finds the first ticket instead of making a second one.
   */
  ticketId?: Types.ObjectId;
  /** Files already stored (attachments.service), linked to the first message. */
  attachments?: readonly Types.ObjectId[];
  /** Sanitized HTML of the first message, when it came by email with HTML. */
  html?: string | null;
  /** The quoted history and signature split off an email (kept, shown collapsed). */
  quoted?: string | null;
  /** The `Message-ID` of the email the ticket came from: the acknowledgement answers it. */
  emailMessageId?: string | null;
  /** The received message (`inbound_mail._id`) the ticket came from: its original stays downloadable. */
  inbound?: string | null;
  /** By email: how the mail was shown to be its sender's, if at all (shown to staff next to it). */
  mailAuth?: MailProof | null;
  /**
   * Whether to send the member an acknowledgement (default true: the member wrote; mail intake turns
   * it off for automatic mail, and staff creating a ticket by API send one only when they choose to).
   */
  acknowledge?: boolean;
}

/**
 * Staff typing the address of a member of another office must not learn who that member is (their
 * number, office, bounce status, registered name): the address is all they were given. Members just
 * created by this ticket have no office yet, so they are never withheld.
 */
function withholdsMember(actor: Actor, member: { office?: Types.ObjectId | null }): boolean {
  return actor.kind === 'staff' && Boolean(member.office) && !sameId(member.office, actor.office);
}

/** Finds the member by e-mail (case-insensitively) or creates them; safe under concurrency. */
export async function findOrCreateMember(
  input: CreateTicketProps['member'],
): Promise<{ _id: Types.ObjectId; name: string; office?: Types.ObjectId | null; language?: string | null }> {
  const email = input.email.trim().toLowerCase();
  const existing = await memberCardByEmail(email);
  if (existing) return existing;
  try {
    const language = input.language === 'fr' || input.language === 'nl' || input.language === 'en' || input.language === 'de' ? input.language : null;
    const created = await MemberModel.create({ name: input.name, email, memberNumber: input.memberNumber ?? null, language });
    return created.toObject();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const raced = await MemberModel.findOne({ email }).lean();
    if (!raced) throw error;
    return raced;
  }
}

/**
 * Inserts the ticket under a fresh number: the number's key (`ticket_numbers`, `_id` = the number) is
 * the point of serialization, so allocating never reads the tickets collection; the unique index on
 * `tickets.number` stays as a second guard.
 */
async function insertWithNumber(doc: NewTicketDocument, year: number, mayExist: boolean): Promise<string> {
  // Finishing a creation another may have finished (a second submission, a recovery): its number, if
  // it has one already, rather than a second number claimed and left as a gap. One read by `_id`.
  if (mayExist) {
    const existing = await TicketModel.findById(doc._id, { number: 1 }).lean();
    if (existing) return existing.number;
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const number = await nextTicketNumber(year);
    if (!(await claimNumber(number, doc._id))) {
      await numberCollided(year);
      continue;
    }
    try {
      await TicketModel.collection.insertOne({ ...doc, number });
      return number;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await TicketModel.findById(doc._id, { number: 1 }).lean();
      if (existing) return existing.number; // written already (replay after a crash)
      await numberCollided(year);
    }
  }
  throw new Error('Could not allocate a ticket number after 50 attempts.');
}

/**
 * The creations this process is finishing, by ticket: the same submission again at the same moment
 * (a double tap, a re-delivered mail) waits for the first instead of finishing it too, which would
 * claim a second number for the same ticket and leave a gap in the numbering (QA).
 */
const finishing = new Map<string, Promise<string>>();

/**
 * Finishes `event`'s creation, or waits for this process's finish of it already running (`joined`:
 * then the one running it announces the ticket, not this caller). `mayExist`: someone else may have
 * finished it already (a second submission, a recovery), not this process's own new creation.
 */
async function finishOnce(event: TicketEvent<'created'>, mayExist: boolean): Promise<{ number: string; joined: boolean }> {
  const key = String(event.ticket);
  const running = finishing.get(key);
  if (running) return { number: await running, joined: true };
  const done = finishCreation(event, mayExist).finally(() => finishing.delete(key));
  finishing.set(key, done);
  return { number: await done, joined: false };
}

async function finishCreation(event: TicketEvent<'created'>, mayExist: boolean): Promise<string> {
  const ticketDoc = event.data.ticket;
  await applyWrites(event.writes);
  await rememberMemberTicket(ticketDoc.member, ticketDoc._id);
  await rememberTicketDay({ kind: 'created', office: ticketDoc.office }, new Date(ticketDoc.createdAt), ticketDoc._id);
  const number = await insertWithNumber(ticketDoc, new Date(ticketDoc.createdAt).getFullYear(), mayExist);
  // What the new ticket sends once it has its number (the acknowledgement): fixed ids, so a replay writes it once.
  await applyWrites(await creationWrites(event, number));
  await TicketEventModel.collection.updateOne({ _id: event._id } as never, { $set: { 'data.number': number }, $unset: { pending: '' } });
  return number;
}

/** Creates a ticket on tier 1 of the right office and returns it. */
export async function createTicket(props: CreateTicketProps): Promise<Ticket> {
  const at = props.at ?? new Date();
  const ticketId = props.ticketId ?? new Types.ObjectId();
  // The working-set hint first, written while the member is looked up: the start-up rebuild finds
  // this creation even if it stops half-way (a hint left without its event is dropped by a later
  // rebuild). Its time is when it was written, which tells a rebuild a creation in flight.
  const [member] = await Promise.all([findOrCreateMember(props.member), markWorking(ticketId)]);
  const withheld = withholdsMember(props.actor, member);
  // A withheld member's language and office are theirs: neither may show through the new ticket.
  const language = props.language ?? (withheld ? null : member.language) ?? props.member.language ?? 'fr';
  const shownName = withheld ? props.member.name : member.name;
  const routing = await routeNewTicket({
    category: props.category ?? null,
    channel: props.channel,
    mailbox: props.mailbox ?? null,
    language,
    memberOffice: withheld ? null : (member.office ?? null),
    requestedOffice: props.office ?? null,
    requestedBy: props.actor.name,
  });
  const messageId = new Types.ObjectId();
  const attachments = [...(props.attachments ?? [])];
  const author: MessageDocument['author'] =
    props.actor.kind === 'staff'
      ? // Staff filing for a member (phone call): the words are the member's, recorded by staff.
        { kind: 'member', staff: props.actor.id, member: member._id, name: shownName }
      : { kind: 'member', staff: null, member: member._id, name: shownName };
  const ticketDoc: NewTicketDocument = {
    _id: ticketId,
    subject: props.subject,
    status: 'new',
    priority: props.priority ?? 'normal',
    category: props.category ?? null,
    language: isTicketLanguage(language) ? language : 'fr',
    channel: props.channel,
    member: member._id,
    office: routing.office,
    tier: 1,
    team: routing.team,
    assignee: null,
    escalation: null,
    escalations: [],
    routing: { rule: routing.rule, explanation: routing.explanation, facts: routing.facts },
    version: 1,
    messageCount: 1,
    lastMessageAt: at,
    lastMemberMessageAt: at,
    firstResponseAt: null,
    dueAt: NO_DUE_DATE,
    resolvedAt: null,
    closedAt: null,
    createdBy: props.actor.kind === 'staff' ? props.actor.id : null,
    // The member's advisors follow their requests wherever they are routed (ticket.policy.ts); it is
    // never shown, so a withheld member's office stays hidden from the staff who filed it.
    memberOffice: member.office ?? null,
    ...(withheld ? { withheldMember: { name: props.member.name, email: props.member.email.trim().toLowerCase() } } : {}),
    createdAt: at,
    updatedAt: at,
  };
  const data: EventData['created'] = {
    ticket: ticketDoc,
    channel: props.channel,
    ...(withheld ? { memberWithheld: true as const } : {}),
    ...(props.acknowledge !== false && !notificationsSuppressed() ? { ack: { id: new Types.ObjectId(), inReplyTo: props.emailMessageId ?? null } } : {}),
  };
  const firstWrites: JournalWrite[] = [
    messageWrite(messageId, {
      ticket: ticketId,
      author,
      visibility: 'public',
      text: props.body,
      html: props.html ?? null,
      quoted: props.quoted ?? null,
      channel: props.channel,
      attachments,
      emailMessageId: props.emailMessageId ?? null,
      inbound: props.inbound ?? null,
      ...(props.mailAuth ? { mailAuth: props.mailAuth } : {}),
      createdAt: at,
    }),
    ...attachments.map((id) => attachmentLink(id, ticketId, messageId)),
  ];
  // The enrichers see the creation like any change (the SLA's deadlines from the start; with no
  // SLA policy the document keeps its shape: dueAt no deadline). The new ticket is "before" and "after".
  const enriched = await enrich({ ticket: { ...ticketDoc, number: '' }, type: 'created', actor: props.actor, at, patch: {}, data, writes: firstWrites });
  Object.assign(ticketDoc, enriched.patch);
  const event: TicketEvent<'created'> = {
    _id: eventId(ticketId, 1),
    ticket: ticketId,
    seq: 1,
    type: 'created',
    actor: actorRef(props.actor),
    at,
    from: null,
    to: { tier: 1, team: routing.team, office: routing.office, assignee: null, status: 'new' },
    reason: routing.rule,
    note: routing.explanation,
    data,
    patch: {},
    writes: enriched.writes ?? firstWrites,
    pending: true,
  };
  // The ticket's trail starts with its creation (the event carries the document, trail included).
  Object.assign(ticketDoc, { trail: [trailEntry(event)] });
  try {
    await TicketEventModel.collection.insertOne(event as never);
  } catch (error) {
    // The same submission again (props.ticketId): finish the first one, if need be, and return it.
    if (!isDuplicateKeyError(error) || !props.ticketId) throw error;
    return existingCreation(ticketId);
  }
  const { number, joined } = await finishOnce(event, false);
  const ticket = { ...ticketDoc, number } as unknown as Ticket;
  // A recovery that ran this creation meanwhile (the working set's rebuild) announced it already.
  if (!joined) announce(ticket, event);
  return ticket;
}

async function existingCreation(ticketId: Types.ObjectId): Promise<Ticket> {
  const first = await TicketEventModel.collection.findOne<TicketEvent<'created'>>({ _id: eventId(ticketId, 1) } as never);
  if (!first) throw new Error(`The creation event of ticket ${String(ticketId)} vanished.`);
  if (first.pending) await finishOnce(first, true);
  const ticket = await TicketModel.findById(ticketId).lean<Ticket>();
  if (!ticket) throw new Error(`Ticket ${String(ticketId)} was not written.`);
  return ticket;
}

/**
 * Finishes a creation a crash interrupted (its event written, its ticket not yet); returns the
 * ticket, or null when there is no pending creation of that id.
 */
export async function recoverCreation(ticketId: Types.ObjectId): Promise<Ticket | null> {
  const first = await TicketEventModel.collection.findOne<TicketEvent<'created'>>({ _id: eventId(ticketId, 1) } as never);
  if (!first?.pending) return null;
  const { joined } = await finishOnce(first, true);
  const ticket = await TicketModel.findById(ticketId).lean<Ticket>();
  // Joined: the creation it found in flight in this process announces its ticket itself.
  if (ticket && !joined) announce(ticket, first);
  return ticket;
}
