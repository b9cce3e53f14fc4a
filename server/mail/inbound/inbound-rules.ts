/**
 * The rules that decide what a parsed inbound message is and what it does, in the order of
 * test/fixtures/mail/README.md ("The outcome rules"): parse, own address, bounce, machine mail,
 * auto-reply, bulk, sender checks (none, blocked, spoofed), then threading — a reply token, our
 * Message-ID or a ticket number names the ticket a participant's mail follows up — else a new ticket.
 * Separate from pipeline.ts, which stores, records and retries: here only the decision, which
 * throws Quarantine for a quarantine and acts through inbound-actions.ts.
 */
import type { ParsedMail } from 'mailparser';
import { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { findMemberByEmail } from '../../members/member-lookup.js';
import { senderBlock } from '../../members/blocked-sender.model.js';
import { MemberModel } from '../../members/member.model.js';
import { loadTicket } from '../../tickets/ticket.journal.js';
import { ticketIdByEmailMessageId } from '../../tickets/ticket.keys.js';
import type { Ticket } from '../../tickets/ticket.model.js';
import { Outbox } from '../mail.models.js';
import { mailDomain } from '../outbox.js';
import type { Admission } from './message-proof.js';
import { authenticateMail, dmarcRejects, verdictLine, type DnsResolver, type MailAuthentication } from './authentication.js';
import { detectAutomatic, isFromOwnAddress, senderAddress, threadRefs } from './classify.js';
import { messageContent } from './message-content.js';
import { parseRaw, type ParseLimits } from './parse.js';
import type { createInboundActions } from './inbound-actions.js';
import { outcome, Quarantine } from './inbound-outcome.js';
import type { InboundHistoryEntry, InboundMail, InboundOutcome } from './inbound.model.js';

/**
 * Quarantine reasons that mean "held for a person to confirm": the mail would act as someone of the
 * ticket (its member, or staff) without proof. A person's "force" confirms it: it is appended, with
 * who confirmed, instead of becoming a new ticket.
 */
const heldReasons = new Set(['unverified_follow_up', 'unverified_staff']);

/** A person's decision: `true` makes a ticket whatever the rules say (or confirms a held mail); `attach` adds it to the ticket it cites. */
export type Forced = boolean | 'attach';

/** The history line of a processing: a decision that ends in quarantine again says so, not what was asked. */
export function historyAction(forced: Forced, status: InboundMail['status'], by: string | null): InboundHistoryEntry['action'] {
  if (forced === 'attach') return status === 'quarantined' ? 'quarantined' : 'attached';
  if (forced) return 'forced';
  if (status === 'quarantined') return 'quarantined';
  return by ? 'reprocessed' : 'processed';
}

export interface InboundRulesDeps {
  config: Pick<Config, 'inboundAddress' | 'mailFrom'> & { inbound: Pick<Config['inbound'], 'extraAddresses' | 'trustedAuthservIds'> };
  options: { parseLimits?: ParseLimits; resolver?: DnsResolver; authservId?: string };
  resolveToken: (token: string) => string | null;
  actions: ReturnType<typeof createInboundActions>;
}

/** The decision of the pipeline (`decide`), bound to its settings and actions. */
export function createInboundRules({ config, options, resolveToken, actions }: InboundRulesDeps) {
  const { findTicket, participantOf, isStaffAddress, memberOf, newTicket, followUp, answersOurMail } = actions;
  const ownAddresses = [config.inboundAddress, ...config.inbound.extraAddresses, config.mailFrom];
  const inboundAddresses = [config.inboundAddress, ...config.inbound.extraAddresses].map((a) => {
    const at = a.lastIndexOf('@');
    return { local: a.slice(0, at).toLowerCase(), domain: a.slice(at + 1).toLowerCase() };
  });

  /** The verdict on the message: the one recorded at its first processing (unless DNS failed then), else evaluated now. */
  async function verdictOf(doc: InboundMail, raw: Buffer, mail: ParsedMail): Promise<MailAuthentication> {
    if (doc.authentication && doc.authentication.dmarc !== 'temperror') return doc.authentication;
    const smtp =
      doc.source === 'smtp' && options.resolver
        ? { client: doc.client ?? { ip: null, helo: null }, sender: doc.envelope.from, resolver: options.resolver, mta: options.authservId ?? 'relais' }
        : null;
    return authenticateMail({ raw, mail, from: senderAddress(mail)?.address ?? null, trustedAuthservIds: config.inbound.trustedAuthservIds, smtp });
  }

  /**
   * The rules, in order (test/fixtures/mail/README.md). Throws Quarantine for a quarantine.
   * `seen.authentication` receives the verdict as soon as it is known, to be stored with the outcome.
   */
  async function decide(
    doc: InboundMail,
    raw: Buffer,
    forced: Forced,
    by: string | null,
    seen: { authentication?: MailAuthentication },
  ): Promise<InboundOutcome> {
    if (doc.truncated) throw new Quarantine('too_large', `the message is larger than the mailbox intake's limit (${doc.size} bytes)`);
    const parsed = await parseRaw(raw, options.parseLimits);
    if (!parsed.ok) throw new Quarantine(parsed.reason, parsed.detail);
    const mail = parsed.mail;
    if (isFromOwnAddress(mail, ownAddresses)) return outcome('ignored_own', { reason: 'sent from one of our own addresses (a loop)' });
    const verdict = await verdictOf(doc, raw, mail);
    seen.authentication = verdict;
    const automatic = detectAutomatic(mail, { mailFrom: doc.envelope.from });
    const refs = threadRefs(mail, { inboundAddresses, ownMessageIdDomain: mailDomain(config.mailFrom), envelopeRecipients: doc.envelope.to });
    if (automatic.kind === 'bounce') {
      const recipient = automatic.bounce?.recipient?.toLowerCase() ?? null;
      const member = recipient ? await findMemberByEmail(recipient, { _id: 1 }) : null;
      const ours = member && recipient ? await answersOurMail(mail, raw, refs, recipient, doc.envelope.to) : false;
      if (member && ours) {
        await MemberModel.collection.updateOne(
          { _id: member._id },
          {
            $set: {
              lastBounce: {
                at: new Date(),
                status: automatic.bounce?.status ?? null,
                action: automatic.bounce?.action ?? null,
                diagnostic: automatic.bounce?.diagnostic?.slice(0, 500) ?? null,
                inbound: doc._id,
              },
            },
          },
        );
      }
      const about = !member ? ' (no member with this address)' : ours ? '' : " (answers no message Relais sent: the member's record is unchanged)";
      return outcome('bounce', {
        reason: automatic.reason,
        detail: recipient ? `${recipient}${about}: ${automatic.bounce?.status ?? '?'}` : 'no recipient in the report',
      });
    }
    if (automatic.kind === 'machine') {
      // Reports, notices, alerts: recorded and listed, never answered, never a ticket, and a delay
      // notice never marks an address as bouncing.
      const report = automatic.bounce;
      return outcome('machine', {
        reason: automatic.reason,
        detail: report ? `${report.recipient ?? '?'}: ${report.action ?? '?'} ${report.status ?? ''}`.trim() : null,
      });
    }
    if (automatic.kind === 'auto_reply') {
      // Recorded with the ticket it answers, for the record; nothing is sent and the ticket is unchanged.
      const number = refs.replyTokens.map(resolveToken).find(Boolean) ?? refs.referencedTicketNumbers[0] ?? refs.ticketNumbers[0] ?? null;
      return outcome('auto_reply', { reason: automatic.reason, ticketNumber: number });
    }
    const content = await messageContent(mail);
    const sender = senderAddress(mail);
    if (automatic.kind === 'bulk' && !forced) throw new Quarantine('bulk', `mailing-list or newsletter mail (${automatic.reason})`);
    if (!sender) throw new Quarantine('no_sender', 'the message has no usable From address: nobody to answer');
    // Staff marked this sender's mail as spam and blocked them: kept in quarantine, never acted on unless forced.
    const block = forced ? null : await senderBlock(sender.address);
    if (block) throw new Quarantine('blocked_sender', `${sender.address} was blocked by ${block.by} when marking a ticket as spam`);
    if (!forced && dmarcRejects(verdict)) {
      throw new Quarantine(
        'spoofed_sender',
        `dmarc=fail for ${sender.address}, whose domain publishes p=${verdict.dmarcPolicy ?? '?'} (${verdict.by.join(', ')})`,
      );
    }
    // A person vouches that a follow-up refused as someone else's is the member's (their accountant's
    // address, their work address): it goes to the ticket it cites, in the member's name, the sender said above it.
    if (forced === 'attach') {
      const number = doc.outcome?.relatedTicket ?? null;
      const cited = number ? await findTicket(number) : null;
      const member = cited ? await memberOf(cited) : null;
      if (!cited || !member || !by)
        throw new Quarantine(doc.outcome?.reason ?? 'forged_follow_up', `nothing to attach to: the ticket ${number ?? '?'} or its member is gone`, number);
      return followUp(doc, cited, member, content, sender, mail, automatic, verdict, { by: 'person', who: by }, sender.address);
    }
    // A person confirms a message held for want of proof: the rules again, the proof being their word.
    const confirmedBy = forced && by && doc.outcome?.kind === 'quarantine' && heldReasons.has(doc.outcome.reason ?? '') ? by : null;
    if (forced && !confirmedBy) return newTicket(doc, mail, content, sender, { automatic, forced: true, verdict });
    const proven: Admission | null = confirmedBy ? { by: 'person', who: confirmedBy } : verdict.aligned ? { by: 'authentication' } : null;

    for (const token of refs.replyTokens) {
      const number = resolveToken(token);
      const ticket = number ? await findTicket(number) : null;
      if (!ticket) continue;
      const participant = await participantOf(ticket, sender.address);
      if (!participant)
        throw new Quarantine(
          'forged_follow_up',
          `${sender.address} wrote with the reply address of ${ticket.number}, whose member is someone else`,
          ticket.number,
        );
      // The signed token is the member's proof; staff need their own (followUp checks it).
      return followUp(doc, ticket, participant, content, sender, mail, automatic, verdict, proven ?? { by: 'token' });
    }
    let named: Ticket | null = null;
    for (const id of refs.ownOutboxIds) {
      const sent = Types.ObjectId.isValid(id) ? await Outbox.findById(id, { ticket: 1 }).lean() : null;
      named = sent?.ticket ? await loadTicket(String(sent.ticket)) : null;
      if (named) break;
    }
    for (const messageId of named ? [] : refs.messageIds) {
      const ticketId = await ticketIdByEmailMessageId(messageId);
      named = ticketId ? await loadTicket(String(ticketId)) : null;
      if (named) break;
    }
    for (const number of [...refs.referencedTicketNumbers, ...refs.ticketNumbers]) {
      if (named) break;
      named = await findTicket(number);
    }
    /** A staff address whose mail found no ticket to note: held, never filed as a member's request. */
    const notAsMember = async (ticket: Ticket | null): Promise<void> => {
      if (await isStaffAddress(sender.address))
        throw new Quarantine(
          'staff_sender',
          `${sender.address} is a staff address${ticket ? ` that may not note ${ticket.number}` : ''}: not filed as a member's request`,
          ticket?.number ?? null,
        );
    };
    if (named) {
      const participant = await participantOf(named, sender.address);
      if (!participant) {
        await notAsMember(named);
        return newTicket(doc, mail, content, sender, { related: named, automatic, verdict });
      }
      // A ticket number is public and a From address anyone's to write: without a reply token, only
      // proof that the mail is the participant's appends it; otherwise a person confirms (held, not lost).
      if (!proven && participant.kind === 'member' && named.status !== 'closed') {
        throw new Quarantine(
          'unverified_follow_up',
          `${sender.address} is the member of ${named.number}, but the mail has no reply token and no aligned DKIM or DMARC pass (${verdictLine(verdict)}): held for a person to confirm`,
          named.number,
          // A person's mail (never a machine's): the member learns it is held, at the ticket's address.
          automatic.kind === 'none' && !forced,
        );
      }
      return followUp(doc, named, participant, content, sender, mail, automatic, verdict, proven ?? { by: 'none' });
    }
    await notAsMember(null);
    return newTicket(doc, mail, content, sender, { automatic, verdict });
  }

  return { decide };
}
