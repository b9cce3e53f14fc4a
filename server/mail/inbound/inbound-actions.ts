/**
 * What the inbound pipeline does with a message it has decided about (pipeline.ts decides): make a
 * new ticket, append a follow-up from a participant, and tell whether a delivery report answers mail
 * Relais sent. Kept apart from the decision so each file reads on its own.
 */
import type { ParsedMail } from 'mailparser';
import { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { toStaffActor, type MemberActor, type StaffActor } from '../../auth/actor.js';
import type { AttachmentStorage } from '../../attachments/storage.js';
import { isActiveCategory } from '../../catalog/catalog.queries.js';
import { ConflictError, isDuplicateKeyError } from '../../lib/errors.js';
import { isLocale, translator } from '../../lib/i18n.js';
import type { UploadProblem } from '../../attachments/attachments.service.js';
import { findMemberByEmail } from '../../members/member-lookup.js';
import { MemberModel } from '../../members/member.model.js';
import { OfficeModel } from '../../offices/office.model.js';
import { StaffModel } from '../../staff/staff.model.js';
import { TeamModel, type Tier } from '../../teams/team.model.js';
import { memberReply, thanksOnly } from '../../tickets/member.commands.js';
import { PHOTO_BYTES } from '../received-files.js';
import { addNote } from '../../tickets/ticket.commands.js';
import { createTicket } from '../../tickets/ticket.create.js';
import { ticketIdByEmailMessageId } from '../../tickets/ticket.keys.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import { ticketByNumber } from '../../tickets/ticket.queries.js';
import { TicketModel, type Ticket } from '../../tickets/ticket.model.js';
import { can } from '../../tickets/ticket.policy.js';
import { Outbox } from '../mail.models.js';
import { mailDomain } from '../outbox.js';
import { outboxIdFromVerp, type VerpSettings } from '../verp.js';
import { verdictLine, type MailAuthentication } from './authentication.js';
import { type AutomaticVerdict, type ThreadRefs } from './classify.js';
import { ticketSubject } from './subject.js';
import { detectLanguage, wordsAboveHistory, type MessageContent } from './content.js';
import { attachmentType, headerAddresses } from './headers.js';
import { emailIdOf } from './identity.js';
import { storeInboundFiles, type StoredFiles } from './inbound-files.js';
import { AutoReplyModel, InboundMailModel, type InboundMail, type InboundOutcome } from './inbound.model.js';
import { outcome, Quarantine } from './inbound-outcome.js';
import { proofOf, type Admission } from './message-proof.js';
import { ticketNumberPattern } from '../../lib/ticket.vocabulary.js';

/** The most of our Message-IDs a delivery report is searched for (each costs a read by `_id`). */
const MAX_BOUNCE_REFS = 10;
/** Acknowledgements an address gets in 24 hours at most (mayAutoReply). */
export const acknowledgementsPerDay = 5;

export type Participant = { kind: 'member'; actor: MemberActor } | { kind: 'staff'; actor: StaffActor } | null;

export interface InboundActionDeps {
  config: Pick<Config, 'defaultLocale' | 'mailFrom'> & VerpSettings;
  attachmentStore: AttachmentStorage;
  limits: { maxFiles: number; maxBytes: number };
  resolveToken: (token: string) => string | null;
}

export function createInboundActions(deps: InboundActionDeps) {
  const { config, attachmentStore, limits, resolveToken } = deps;

  async function findTicket(number: string): Promise<Ticket | null> {
    if (!ticketNumberPattern.test(number)) return null;
    return ticketByNumber(number);
  }

  async function participantOf(ticket: Ticket, address: string): Promise<Participant> {
    const member = await MemberModel.findById(ticket.member, { name: 1, email: 1 }).lean();
    if (member && member.email === address) return { kind: 'member', actor: { kind: 'member', id: member._id, name: member.name, email: member.email } };
    const staff = await StaffModel.findOne({ email: address, active: true }).lean();
    if (!staff) return null;
    const team = staff.team ? await TeamModel.findById(staff.team, { tier: 1 }).lean() : null;
    const actor = toStaffActor(staff, (team?.tier as Tier | undefined) ?? null);
    // A staff mail becomes an internal note: only someone who may note the ticket (not a read-only follower).
    return can(actor, 'note', ticket) ? { kind: 'staff', actor } : null;
  }

  /**
   * Whether an address is a staff account's (active or not). Their mail that cannot go into a ticket
   * as their note is not filed as a member's request (a colleague answering a notification would
   * otherwise become a "member" and get an acknowledgement): it is held for a person instead.
   */
  async function isStaffAddress(address: string): Promise<boolean> {
    return (await StaffModel.exists({ email: address })) !== null;
  }

  /** The ticket's member as the author of a mail a person attached to it (null when the member is gone, or erased: no one's words go under a pseudonym). */
  async function memberOf(ticket: Ticket): Promise<Participant> {
    const member = await MemberModel.findById(ticket.member, { name: 1, email: 1, erasedAt: 1 }).lean();
    return member && !member.erasedAt ? { kind: 'member', actor: { kind: 'member', id: member._id, name: member.name, email: member.email } } : null;
  }

  async function storeAttachments(content: MessageContent, member: Types.ObjectId | null): Promise<StoredFiles> {
    return storeInboundFiles(content, member, { storage: attachmentStore, ...limits });
  }

  /**
   * The message's text for the ticket, with the files that were refused named at its end — in the
   * ticket's language: the member reads it on their page, as their own message.
   */
  /** Words in a ticket's language (one Relais does not write, such as German: the default's). */
  function wordsIn(language: string) {
    return translator(isLocale(language) ? language : config.defaultLocale);
  }

  /** "[Envoyé depuis x@y ; ajouté à la demande par Anne (administratrice)]", for a mail a person attached from another address. */
  function attachedFrom(sentFrom: string | null, actor: { email?: string }, admission: Admission, language: string): string {
    if (!sentFrom || sentFrom === actor.email || admission.by !== 'person') return '';
    const who = admission.who.replace(/\s*<[^>]*>$/, ''); // the name, not the staff address: the member reads it
    return `[${wordsIn(language)('inbound_text.attached_from', { address: sentFrom, who })}]\n`;
  }

  /** How many files the member chose: all but the small images the mail's HTML shows (a signature's logo). */
  function chosenFiles(content: MessageContent): number {
    const shown = new Set(content.inlineImages);
    const logo = (a: MessageContent['attachments'][number]) =>
      a.contentId !== null && shown.has(a.contentId) && a.contentType.startsWith('image/') && a.bytes.length < PHOTO_BYTES;
    return content.attachments.filter((a) => !logo(a)).length;
  }

  /** A mail a person confirmed or attached later is dated in the thread by its receipt, not the decision. */
  function heldSince(doc: InboundMail, admission: Admission): Date | null {
    return admission.by === 'person' ? doc.receivedAt : null;
  }

  function bodyText(content: MessageContent, refused: readonly UploadProblem[], language: string): string {
    const t = wordsIn(language);
    const text = content.text.trim() || content.fullText.trim() || t('inbound_text.no_text');
    const files = refused.map((p) => `${p.file} (${t(`inbound_text.refused_reason.${p.problem}`)})`).join(', ');
    const note = refused.length > 0 ? `\n\n[${t('inbound_text.refused_files', { files })}]` : '';
    return `${text}${note}`.slice(0, 100_000);
  }

  /**
   * At most `acknowledgementsPerDay` automatic replies per address in 24 hours: a member's second
   * question of the day is acknowledged (they need its number), a loop with an automaton that marks
   * nothing (the marked ones get none at all) stops after a few.
   */
  async function mayAutoReply(address: string): Promise<boolean> {
    const last = await AutoReplyModel.findById(address).lean();
    const now = new Date();
    const recent = (last?.times ?? (last ? [last.at] : [])).filter((t) => now.getTime() - t.getTime() < 24 * 3600_000);
    if (recent.length >= acknowledgementsPerDay) return false;
    // An insert, or an update of the time just read (an upsert costs FerretDB several times more);
    // whoever loses a race answered nothing, the winner answers.
    if (!last) {
      try {
        await AutoReplyModel.collection.insertOne({ _id: address, at: now, times: [now] } as never);
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return false;
      }
    }
    const updated = await AutoReplyModel.collection.updateOne({ _id: address, at: last.at } as never, { $set: { at: now, times: [...recent, now] } });
    return updated.modifiedCount === 1;
  }

  async function newTicket(
    doc: InboundMail,
    mail: ParsedMail,
    content: MessageContent,
    sender: { address: string; name: string },
    props: {
      related?: Ticket | null;
      /** `cites`: a stranger's mail naming the ticket; `follows`: its member writing after it was closed. */
      relation?: 'cites' | 'follows';
      automatic: AutomaticVerdict;
      forced?: boolean;
      verdict: MailAuthentication;
      /** How the mail was shown to be its sender's (a person's word, a reply token), and, attached by a person, where it came from. */
      admission?: Admission;
      sentFrom?: string | null;
      /** The files stored already for an answer to a ticket closed meanwhile: not stored twice. */
      stored?: StoredFiles;
    },
  ): Promise<InboundOutcome> {
    let ticketId = doc.plannedTicket;
    if (!ticketId) {
      ticketId = new Types.ObjectId();
      await InboundMailModel.collection.updateOne({ _id: doc._id } as never, { $set: { plannedTicket: ticketId } });
    }
    // A ticket made from this message already (a retry after a crash): that one.
    const existing = await TicketModel.findById(ticketId, { number: 1 }).lean();
    if (existing) return outcome('new_ticket', { ticket: ticketId, ticketNumber: existing.number, relatedTicket: props.related?.number ?? null });
    const member = await findMemberByEmail<{ language?: string | null }>(sender.address, { language: 1 });
    const language = member?.language ?? detectLanguage(`${mail.subject ?? ''}\n${content.text || content.fullText}`) ?? config.defaultLocale;
    const hints = doc.routing ?? { category: null, office: null };
    const category = hints.category && (await isActiveCategory(hints.category)) ? hints.category : null;
    // A mailbox's office, while it is open (once closed, its mail is routed like every other mail: routing-admin.ts).
    const office = hints.office ? await OfficeModel.findOne({ code: hints.office, active: { $ne: false } }, { _id: 1 }).lean() : null;
    const { ids, refused, html } = props.stored ?? (await storeAttachments(content, member?._id ?? null));
    const relation = props.relation === 'follows' ? 'inbound_text.follows_closed' : 'inbound_text.cites_ticket';
    const related = props.related ? `\n\n[${wordsIn(language)(relation, { number: props.related.number })}]` : '';
    const admission = props.admission ?? { by: 'none' as const };
    const acknowledge = props.automatic.kind === 'none' && (await mayAutoReply(sender.address));
    const ticket = await createTicket({
      actor: { kind: 'system', name: 'Relais' },
      ticketId,
      subject: ticketSubject(mail.subject, content.text || content.fullText, language),
      body: `${attachedFrom(props.sentFrom ?? null, { email: sender.address }, admission, language)}${bodyText(content, refused, language)}${related}`,
      html,
      quoted: content.quoted?.slice(0, 200_000) ?? null,
      member: { name: sender.name || sender.address, email: sender.address, language },
      channel: 'email',
      category,
      language,
      office: office?._id ?? null,
      mailbox: doc.mailbox,
      attachments: ids,
      emailMessageId: emailIdOf(doc),
      inbound: doc._id,
      mailAuth: proofOf(props.verdict, admission),
      acknowledge,
    });
    return outcome('new_ticket', {
      ticket: ticket._id,
      ticketNumber: ticket.number,
      relatedTicket: props.related?.number ?? null,
      reason: props.forced ? 'forced' : acknowledge ? null : `no acknowledgement (automatic, or ${acknowledgementsPerDay} already today)`,
    });
  }

  /**
   * The ticket a duplicate was merged into (following a chain of merges, a few hops at most), or the
   * ticket itself. A member answering the duplicate's old mail writes into the thread that carries on;
   * a merge joins tickets of one member only, so the member is the target's participant too.
   */
  async function mergedTarget(ticket: Ticket): Promise<Ticket> {
    let current = ticket;
    for (let hops = 0; current.merged && hops < 5; hops += 1) {
      const next = await loadTicket(current.merged.into);
      if (!next) break;
      current = next;
    }
    return current;
  }

  async function followUp(
    doc: InboundMail,
    addressed: Ticket,
    participant: NonNullable<Participant>,
    content: MessageContent,
    sender: { address: string; name: string },
    mail: ParsedMail,
    automatic: AutomaticVerdict,
    verdict: MailAuthentication,
    admission: Admission,
    /** Attached by a person (`Forced` 'attach'): the address it really came from, said above the text when not the member's. */
    sentFrom: string | null = null,
  ): Promise<InboundOutcome> {
    const target = await mergedTarget(addressed);
    // A colleague's note goes where they may still note; a member's answer always follows the merge.
    const ticket = participant.kind === 'staff' && !can(participant.actor, 'note', target) ? addressed : target;
    const emailMessageId = emailIdOf(doc);
    const confirmed = admission.by === 'person' ? `confirmed by ${admission.who}` : null;
    if (String(await ticketIdByEmailMessageId(emailMessageId)) === String(ticket._id)) {
      return outcome('follow_up', { ticket: ticket._id, ticketNumber: ticket.number, reason: 'already appended' });
    }
    if (participant.kind === 'staff') {
      // Staff writing into a ticket by email: an internal note in their name, so only with proof that
      // the mail is theirs (a From address is anyone's to write); a reply token is the member's, not proof.
      if (!verdict.aligned && admission.by !== 'person') {
        throw new Quarantine(
          'unverified_staff',
          `${sender.address} is staff of ${ticket.number}, but the mail carries no aligned DKIM or DMARC pass (${verdictLine(verdict)}): held for a person to confirm`,
          ticket.number,
        );
      }
      const proof = verdict.aligned
        ? `authentifié : ${verdictLine(verdict)}`
        : `non authentifié, confirmé par ${admission.by === 'person' ? admission.who : '?'}`;
      await addNote({
        actor: participant.actor,
        ticketId: String(ticket._id),
        version: ticket.version,
        text: `[e-mail de ${sender.address} — ${proof}]\n${bodyText(content, [], config.defaultLocale)}`,
        channel: 'email',
        emailMessageId,
        inbound: doc._id,
        mailAuth: proofOf(verdict, admission),
        writtenAt: heldSince(doc, admission),
      });
      return outcome('follow_up', {
        ticket: ticket._id,
        ticketNumber: ticket.number,
        reason: ['staff email kept as an internal note', verdict.aligned ? `verified ${sender.address}` : null, confirmed].filter(Boolean).join(' · '),
      });
    }
    // A thank-you alone leaves a resolved or closed ticket as it is (tickets/thanks.ts), judged on the
    // words above the quoted history (a PS under the signature counts) and the files the member chose
    // (not a signature's logo). On a closed ticket, only with proof that it is the member's: a From
    // line proves nothing, and a forged "merci" must not slip into a finished conversation.
    const chosen = chosenFiles(content);
    const ownWords = wordsAboveHistory(content.fullText) ?? '';
    const keptOnClosed = ticket.status === 'closed' && admission.by !== 'none' && (await thanksOnly(ticket, ownWords, participant.actor.name, chosen));
    // Attached by a person who vouched it is the member's: a new request is the member's too, not the sender's.
    const requester = sentFrom && participant.kind === 'member' ? { address: participant.actor.email, name: participant.actor.name } : sender;
    const follows = { related: ticket, relation: 'follows' as const, automatic, verdict, admission, sentFrom };
    if (ticket.status === 'closed' && !keptOnClosed) {
      const created = await newTicket(doc, mail, content, requester, follows);
      return { ...created, reason: `the ticket ${ticket.number} is closed: a new ticket` };
    }
    const { ids, refused, html } = await storeAttachments(content, participant.actor.id);
    const after = await memberReply({
      actor: participant.actor,
      ticketId: String(ticket._id),
      text: attachedFrom(sentFrom, participant.actor, admission, ticket.language) + bodyText(content, refused, ticket.language),
      html,
      quoted: content.quoted?.slice(0, 200_000) ?? null,
      channel: 'email',
      attachments: ids,
      emailMessageId,
      inbound: doc._id,
      mailAuth: proofOf(verdict, admission),
      writtenAt: heldSince(doc, admission),
      chosenFiles: chosen,
      ownWords,
    }).catch(async (error: unknown) => {
      // Closed between the look and the answer (a colleague, the member's other tab): a new request, as for any closed one.
      if (error instanceof ConflictError && error.details?.reason === 'ticket_closed') return null;
      throw error;
    });
    if (!after) {
      const created = await newTicket(doc, mail, content, requester, { ...follows, stored: { ids, refused, html } });
      return { ...created, reason: `the ticket ${ticket.number} was closed meanwhile: a new ticket` };
    }
    return outcome('follow_up', {
      ticket: ticket._id,
      ticketNumber: ticket.number,
      reason: [
        admission.by === 'authentication' ? `authenticated (${verdictLine(verdict)})` : confirmed,
        (ticket.status === 'resolved' || ticket.status === 'closed') && after.status === ticket.status
          ? `a thank-you: the ticket stays ${ticket.status}`
          : null,
      ]
        .filter(Boolean)
        .join(' · '),
    });
  }

  /** Our own Message-IDs (`<outboxId[.R-…]@our domain>`) in a text, bounded. */
  function ownMessageIdsIn(text: string): string[] {
    const domain = mailDomain(config.mailFrom).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`<([0-9a-f]{24})(?:\\.R-\\d{4}-\\d{6})?@${domain}>`, 'gi');
    return [...text.slice(0, 512 * 1024).matchAll(pattern)].map((m) => (m[1] ?? '').toLowerCase());
  }

  /**
   * Whether a delivery report answers a message Relais sent to `recipient`: one of our Message-IDs
   * (in its headers, its text, or the returned message or headers it carries) names an outbox
   * message to that address, or it came to a genuine reply address of a ticket of that member.
   * Anyone can write a report naming a member; only one about our own mail may touch their record.
   */
  async function answersOurMail(mail: ParsedMail, raw: Buffer, refs: ThreadRefs, recipient: string, envelopeTo: readonly string[]): Promise<boolean> {
    // Sent to a genuine VERP address (verp.ts): the envelope (or, fetched by IMAP, Delivered-To) names our message.
    const verpIds = [...envelopeTo, ...headerAddresses(mail, ['delivered-to', 'x-original-to', 'to'])]
      .map((address) => outboxIdFromVerp(config, address))
      .filter((id): id is string => id !== null);
    const texts = [
      raw.toString('latin1'),
      mail.text ?? '',
      ...(mail.attachments ?? []).filter((a) => /^message\/|rfc822-headers/.test(attachmentType(a))).map((a) => a.content.toString('latin1')),
    ];
    const ids = [...new Set([...verpIds, ...refs.ownOutboxIds, ...texts.flatMap(ownMessageIdsIn)])].slice(0, MAX_BOUNCE_REFS);
    for (const id of ids) {
      const sent = await Outbox.findById(id, { to: 1 }).lean();
      if (sent?.to.some((to) => to.trim().toLowerCase() === recipient)) return true;
    }
    for (const token of refs.replyTokens) {
      const number = resolveToken(token);
      const ticket = number ? await findTicket(number) : null;
      const member = ticket ? await MemberModel.findById(ticket.member, { email: 1 }).lean() : null;
      if (member?.email === recipient) return true;
    }
    return false;
  }

  return { findTicket, participantOf, isStaffAddress, memberOf, newTicket, followUp, answersOurMail };
}
