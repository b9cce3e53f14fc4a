/**
 * What an inbound message is, from its headers alone (pure functions over mailparser's `ParsedMail`).
 *
 * - `detectAutomatic`: bounce, machine mail (reports and notices), auto-reply or bulk mail, which
 *   must never be answered (RFC 3834) and never open a ticket; the reason says which signal decided
 *   it. Decided by structure — report types, DSN actions, Auto-Submitted, Precedence, list headers —
 *   never by the sender's name alone: a person may well write from postmaster@.
 * - `isFromOwnAddress`: mail from Relais itself (a loop).
 * - `threadRefs`: everything that may tie the message to a ticket — numbers in the subject, reply
 *   tokens in the recipient addresses, Message-IDs it answers and which of them are ours. None of it
 *   is proof: the pipeline decides, with the sender, whether to trust it.
 * - `senderAddress` / `replyToAddress`: who wrote, who wants the answer.
 * - `authenticationVerdict`: the SPF/DKIM/DMARC results our own receiving server recorded.
 */
import type { ParsedMail } from 'mailparser';
import { bounceDetails, hasDeliveryStatus, type BounceDetails } from './dsn.js';
import { attachmentType, bareAddress, contentType, headerAddresses, mailboxes, rawHeaders, splitAddress } from './headers.js';

export type AutomaticKind = 'bounce' | 'machine' | 'auto_reply' | 'bulk' | 'none';

export interface AutomaticVerdict {
  kind: AutomaticKind;
  /** The signal that decided, e.g. `auto_submitted:auto-replied`, `report:delivery-status`, `subject:automatic reply`. */
  reason: string;
  /** The delivery report's details (a bounce, or a delay or success notice). */
  bounce?: BounceDetails;
}

/** DSN actions that report no failure (RFC 3464 §2.3.3): a notice, not a bounce. */
const noticeActions = new Set(['delayed', 'delivered', 'relayed', 'expanded']);
/** A DMARC aggregate report's file (RFC 7489 §7.2.1.1): `receiver!policy-domain!begin!end[!id].xml[.gz]` or `.zip`. */
const aggregateReportName = /^[^!\s/\\]+![^!\s/\\]+!\d{1,12}!\d{1,12}(?:![^!\s/\\]+)?\.(?:xml|xml\.gz|gz|zip)$/i;
const compressedTypes = new Set(['application/zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip']);

const daemonLocalParts = /^(mailer-daemon|postmaster|mail-daemon|maildaemon)$/i;
/** Subjects of delivery failures, for null-sender messages without a report part. */
const bounceSubject =
  /undeliver|undelivered|delivery (status notification|failure|has failed)|mail delivery (failed|subsystem)|returned mail|non remis|non distribu|onbestelbaar|niet bezorgd|unzustellbar|nicht zustellbar|failure notice/i;
/** Subject starts of out-of-office replies that no person would write (Outlook, Exchange, Thunderbird). */
const strongAutoSubject =
  /^(réponse automatique|reponse automatique|automatisch antwoord|automatic reply|auto[- ]?reply|autoreply|automatische antwort|abwesenheitsnotiz|out of (the )?office)\b/i;
/** Subject starts that are auto-replies only when the message answers another (vacation responders). */
const weakAutoSubject = /^(absence|absent|afwezig|afwezigheid|abwesend|abwesenheit|vacances|vakantie|congé|conge|urlaub|away)\b/i;
/** `Re:`, `RE :`, `Antw:`, `TR:`, `Fwd:`, `WG:`, `AW:` … (also `Re[2]:`). */
const replyPrefixes = /^(?:\s*(?:re|ré|aw|antw|antwoord|tr|fw|fwd|wg|sv|vs|rv|réf|ref|doorst|wtr)\s*(?:\[\d+\]|\(\d+\))?\s*:)+\s*/i;

/** A ticket's tag in the subjects Relais writes (`[R-2026-000123]`). */
const ticketTag = /^\s*\[R-\d{4}-\d{6}\]\s*/i;

/**
 * A subject without its leading `Re:` / `Fwd:` / `Doorst:` … and an earlier ticket's `[R-…]` tag, in
 * any order: a new ticket's subject, which every mail about it repeats under its own tag (QA: an answer
 * to a closed request read "[R-2026-000235] [R-2026-000234] …").
 */
export function withoutReplyPrefixes(subject: string): string {
  let rest = subject;
  for (let before = ''; before !== rest;) {
    before = rest;
    rest = rest.replace(replyPrefixes, '').replace(ticketTag, '');
  }
  return rest.trim();
}

function isDaemon(address: string): boolean {
  const parts = splitAddress(address);
  return parts !== null && daemonLocalParts.test(parts.local);
}

function hasNullReturnPath(mail: ParsedMail, envelope?: { mailFrom?: string | null }): boolean {
  const mailFrom = envelope?.mailFrom;
  if (mailFrom !== undefined && mailFrom !== null && (mailFrom.trim() === '' || mailFrom.trim() === '<>')) return true;
  return rawHeaders(mail, 'return-path').some((value) => /^<\s*>$/.test(value) || value === '');
}

/** Lower-cased header values up to the first `;` or comment, printable ASCII only (they end up in reasons). */
function headerTokens(mail: ParsedMail, name: string): string[] {
  return rawHeaders(mail, name).map((v) => (v.toLowerCase().split(/[;(]/)[0] ?? '').replace(/[^\x20-\x7e]/g, '').trim());
}

/**
 * Whether the message was sent by a machine, in the order of certainty: delivery reports (a failure
 * is a bounce; a delay or success notice is machine mail), other reports and DMARC aggregate reports
 * (machine), mail daemons with a bounce's shape (bounce), then the RFC 3834 and vendor headers
 * (auto-reply when it answers a message, machine when it answers none), list managers' notices
 * (machine), mailing-list headers (bulk), then a null return path, then out-of-office subjects as a
 * last resort.
 */
export function detectAutomatic(mail: ParsedMail, envelope?: { mailFrom?: string | null }): AutomaticVerdict {
  const type = contentType(mail);
  const reportType = (type.params['report-type'] ?? '').toLowerCase().replace(/[^a-z0-9._-]/g, '');
  if (type.value === 'multipart/report' && reportType === 'delivery-status') return deliveryReport(mail, 'report:delivery-status');
  if (hasDeliveryStatus(mail)) return deliveryReport(mail, 'delivery-status part');
  if (type.value === 'multipart/report' && reportType === 'disposition-notification') {
    return { kind: 'auto_reply', reason: 'report:disposition-notification' };
  }
  // Spam complaints (ARF, feedback-report), TLS reports (tlsrpt) and any other report: machine mail.
  if (type.value === 'multipart/report' && reportType !== '') return { kind: 'machine', reason: `report:${reportType}` };
  if (isAggregateReport(mail)) return { kind: 'machine', reason: 'dmarc-aggregate-report' };
  const subject = (mail.subject ?? '').trim();
  // A mail daemon's address is a bounce only with a bounce's shape: a person may write from postmaster@.
  const senders = [...headerAddresses(mail, ['from', 'sender']), ...(envelope?.mailFrom ? [bareAddress(envelope.mailFrom)] : [])];
  const daemon = senders.find(isDaemon);
  if (daemon && (hasNullReturnPath(mail, envelope) || bounceSubject.test(subject))) {
    return { kind: 'bounce', reason: `sender:${daemon}`, bounce: bounceDetails(mail) };
  }

  const autoSubmitted = headerTokens(mail, 'auto-submitted').find((v) => v !== '' && v !== 'no');
  if (autoSubmitted) {
    // RFC 3834: `auto-replied` answers a message; `auto-generated` (a notice, an alert) answers none,
    // unless it says it does (Exchange marks its out-of-office replies auto-generated).
    const answers = autoSubmitted === 'auto-replied' || rawHeaders(mail, 'in-reply-to').length > 0 || rawHeaders(mail, 'references').length > 0;
    return { kind: answers ? 'auto_reply' : 'machine', reason: `auto_submitted:${autoSubmitted}` };
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-mail-autoreply']) {
    const value = headerTokens(mail, name)[0];
    if (value !== undefined && value !== 'no' && value !== 'false') return { kind: 'auto_reply', reason: `${name}:${value}` };
  }
  const suppress = headerTokens(mail, 'x-auto-response-suppress')
    .flatMap((v) => v.split(/[\s,]+/))
    .find((v) => v === 'all' || v === 'oof' || v === 'autoreply');
  if (suppress) return { kind: 'auto_reply', reason: `x-auto-response-suppress:${suppress}` };
  // A list manager's own notices (held for moderation, rejected, subscription): about the list, not for us.
  if (headerTokens(mail, 'x-list-administrivia')[0] === 'yes') return { kind: 'machine', reason: 'x-list-administrivia' };
  const precedence = headerTokens(mail, 'precedence')[0];
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: 'precedence:auto_reply' };
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return { kind: 'bulk', reason: `precedence:${precedence}` };
  for (const name of ['list-id', 'list-unsubscribe']) {
    if (rawHeaders(mail, name).length > 0) return { kind: 'bulk', reason: name };
  }

  if (hasNullReturnPath(mail, envelope)) {
    if (bounceSubject.test(subject)) return { kind: 'bounce', reason: 'null_return_path+subject', bounce: bounceDetails(mail) };
    return { kind: 'auto_reply', reason: 'null_return_path' };
  }
  const strong = strongAutoSubject.exec(subject.replace(replyPrefixes, ''));
  if (strong) return { kind: 'auto_reply', reason: `subject:${strong[1]?.toLowerCase()}` };
  // "Absence …" is only a vacation reply when it answers a message and the subject starts with it:
  // "Re: Absence de paiement" is a person replying.
  const weak = weakAutoSubject.exec(subject);
  if (weak && rawHeaders(mail, 'in-reply-to').length > 0) return { kind: 'auto_reply', reason: `subject:${weak[1]?.toLowerCase()}` };
  return { kind: 'none', reason: 'none' };
}

/** A delivery report: a bounce when a delivery failed, machine mail when it only reports a delay or a success. */
function deliveryReport(mail: ParsedMail, reason: string): AutomaticVerdict {
  const bounce = bounceDetails(mail);
  if (bounce.action && noticeActions.has(bounce.action)) return { kind: 'machine', reason: `dsn:${bounce.action}`, bounce };
  return { kind: 'bounce', reason, bounce };
}

/**
 * A DMARC aggregate report (RFC 7489 §7.2.1.1): a file named `receiver!domain!begin!end…`, or the
 * report's subject ("Report Domain: … Submitter: …") with a zip or gzip file.
 */
function isAggregateReport(mail: ParsedMail): boolean {
  const files = mail.attachments ?? [];
  if (files.some((a) => aggregateReportName.test(a.filename ?? ''))) return true;
  return /^report domain:\s*\S+\s+submitter:/i.test((mail.subject ?? '').trim()) && files.some((a) => compressedTypes.has(attachmentType(a)));
}

/**
 * True when the message comes from one of Relais's own addresses (`support@…`, or a `support+…@…`
 * variant of one): mail we sent that came back, which must never be processed again.
 */
export function isFromOwnAddress(mail: ParsedMail, ownAddresses: readonly string[]): boolean {
  const own = ownAddresses
    .map(bareAddress)
    .map(splitAddress)
    .filter((a) => a !== null);
  return headerAddresses(mail, ['from']).some((address) => {
    const parts = splitAddress(address);
    if (!parts) return false;
    const local = parts.local.split('+')[0];
    return own.some((o) => o.domain === parts.domain && (o.local === parts.local || o.local === local));
  });
}

export interface ThreadContext {
  /** The addresses mail is fetched for; reply tokens are looked for as `<local>+<token>@<domain>`. */
  inboundAddresses: ReadonlyArray<{ local: string; domain: string }>;
  /** The domain of our own Message-IDs (`mailDomain(config.mailFrom)`). */
  ownMessageIdDomain: string;
  /** The SMTP envelope recipients, when the message came over SMTP rather than IMAP. */
  envelopeRecipients?: readonly string[];
}

export interface ThreadRefs {
  /** Ticket numbers named in the subject, `R-2026-000123`, in order of appearance. */
  ticketNumbers: string[];
  /** Reply tokens from the recipient addresses (case kept: tokens are opaque). */
  replyTokens: string[];
  /** In-Reply-To then References, with angle brackets, newest first, without duplicates. */
  messageIds: string[];
  /** The ObjectId part of our own Message-IDs among `messageIds`. */
  ownOutboxIds: string[];
  /** Ticket numbers carried by our own Message-IDs among `messageIds`. */
  referencedTicketNumbers: string[];
}

const ticketInBrackets = /\[\s*(R-\d{4}-\d{6})\s*\]/gi;
const ticketAtStart = /^(R-\d{4}-\d{6})\b/i;
const tokenPattern = /^[A-Za-z0-9_-]{8,200}$/;
const MAX_MESSAGE_IDS = 100;
/** A real reply carries one token; a message with hundreds is an attack, the first few are enough. */
const MAX_TOKENS = 20;

function subjectTickets(subject: string): string[] {
  const found = [...subject.matchAll(ticketInBrackets)].map((m) => m[1] ?? '');
  const bare = ticketAtStart.exec(subject.replace(replyPrefixes, ''))?.[1];
  if (bare) found.push(bare);
  return [...new Set(found.filter((n) => n !== '').map((n) => n.toUpperCase()))];
}

/** Message-IDs of a header value, with brackets; a bare `id@host` gets them added. */
function messageIdsIn(value: string): string[] {
  const bounded = value.slice(0, 64 * 1024);
  const bracketed = [...bounded.matchAll(/<([^<>\s]{1,998})>/g)].map((m) => m[0]).filter((id) => id.includes('@'));
  if (bracketed.length > 0) return bracketed;
  return bounded
    .split(/[\s,;]+/)
    .filter((token) => /^[^\s<>()@]{1,500}@[^\s<>()@]{1,500}$/.test(token))
    .map((id) => `<${id}>`);
}

const recipientHeaders = ['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'resent-to'];

/** Every recipient address of the headers and the envelope, case kept (tokens are case-sensitive). */
function recipientAddresses(mail: ParsedMail, envelope: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of recipientHeaders) {
    for (const box of mailboxes(mail.headers?.get(name))) if (box.address) found.add(box.address.trim());
  }
  for (const address of envelope) found.add(bareAddressKeepCase(address));
  return [...found];
}

function bareAddressKeepCase(value: string): string {
  const match = /<([^<>]*)>\s*$/.exec(value);
  return (match ? (match[1] ?? '') : value).trim();
}

/** Reply tokens, ticket numbers and Message-IDs that may tie the message to a ticket. */
export function threadRefs(mail: ParsedMail, ctx: ThreadContext): ThreadRefs {
  const inbound = ctx.inboundAddresses.map((a) => ({ local: a.local.toLowerCase(), domain: a.domain.toLowerCase() }));
  const replyTokens = new Set<string>();
  for (const address of recipientAddresses(mail, ctx.envelopeRecipients ?? [])) {
    if (replyTokens.size >= MAX_TOKENS) break;
    const at = address.lastIndexOf('@');
    const plus = address.indexOf('+');
    if (plus <= 0 || at < plus) continue;
    const local = address.slice(0, plus).toLowerCase();
    const domain = address.slice(at + 1).toLowerCase();
    if (!inbound.some((a) => a.local === local && a.domain === domain)) continue;
    const token = address.slice(plus + 1, at);
    if (tokenPattern.test(token)) replyTokens.add(token);
  }

  const chain = [...rawHeaders(mail, 'in-reply-to').flatMap(messageIdsIn), ...rawHeaders(mail, 'references').flatMap(messageIdsIn).reverse()];
  const messageIds = [...new Set(chain)].slice(0, MAX_MESSAGE_IDS);
  const domain = ctx.ownMessageIdDomain.toLowerCase();
  const ownOutboxIds: string[] = [];
  const referencedTicketNumbers: string[] = [];
  for (const id of messageIds) {
    const match = /^<([0-9a-f]{24})(?:\.(R-\d{4}-\d{6}))?@([^<>]+)>$/i.exec(id);
    if (!match?.[1] || match[3]?.toLowerCase() !== domain) continue;
    if (!ownOutboxIds.includes(match[1].toLowerCase())) ownOutboxIds.push(match[1].toLowerCase());
    const number = match[2]?.toUpperCase();
    if (number && !referencedTicketNumbers.includes(number)) referencedTicketNumbers.push(number);
  }
  return { ticketNumbers: subjectTickets(mail.subject ?? ''), replyTokens: [...replyTokens], messageIds, ownOutboxIds, referencedTicketNumbers };
}

/** The first `From` mailbox: lower-cased address and decoded display name; null without a usable address. */
export function senderAddress(mail: ParsedMail): { address: string; name: string } | null {
  return firstMailbox(mail, 'from');
}

/** The first `Reply-To` mailbox, like `senderAddress`. */
export function replyToAddress(mail: ParsedMail): { address: string; name: string } | null {
  return firstMailbox(mail, 'reply-to');
}

function firstMailbox(mail: ParsedMail, header: string): { address: string; name: string } | null {
  for (const box of mailboxes(mail.headers?.get(header))) {
    const address = box.address?.trim().toLowerCase() ?? '';
    if (splitAddress(address)) return { address, name: (box.name ?? '').replace(/\s+/g, ' ').trim() };
  }
  return null;
}

export interface AuthenticationVerdict {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  /** The DMARC policy the header names (`dmarc=fail (p=reject)`, `policy.published-domain-policy=…`), lower-cased. */
  dmarcPolicy: string | null;
  /** The signing domains (`header.d`, else the domain of `header.i`) of the DKIM results that passed. */
  dkimPassDomains: string[];
  /** The trusted authserv-id whose headers gave the results; null when none did. */
  authservId: string | null;
}

/** One `method=result …` clause of an Authentication-Results value, up to the next `;`. */
function resultClauses(value: string, method: string): Array<{ result: string; text: string }> {
  const clauses: Array<{ result: string; text: string }> = [];
  for (const clause of value.split(';').slice(1)) {
    const match = new RegExp(`^\\s*${method}\\s*=\\s*([a-z]+)`, 'i').exec(clause);
    if (match?.[1]) clauses.push({ result: match[1].toLowerCase(), text: clause });
  }
  return clauses;
}

/**
 * SPF/DKIM/DMARC results from the `Authentication-Results` headers (RFC 8601) written by our own
 * receiving servers, named by their authserv-id. Headers from anyone else are ignored: a sender can
 * write any result it likes.
 */
export function authenticationVerdict(mail: ParsedMail, trustedAuthservIds: readonly string[]): AuthenticationVerdict {
  const trusted = new Set(trustedAuthservIds.map((id) => id.toLowerCase()));
  const verdict: AuthenticationVerdict = { spf: null, dkim: null, dmarc: null, dmarcPolicy: null, dkimPassDomains: [], authservId: null };
  for (const value of rawHeaders(mail, 'authentication-results')) {
    const authserv = value.split(';')[0]?.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (!trusted.has(authserv)) continue;
    verdict.authservId ??= authserv;
    for (const method of ['spf', 'dkim', 'dmarc'] as const) {
      const result = resultClauses(value, method)[0]?.result;
      if (result && verdict[method] === null) verdict[method] = result;
    }
    for (const { result, text } of resultClauses(value, 'dkim')) {
      if (result !== 'pass') continue;
      const domain = /header\.d\s*=\s*([a-z0-9.-]+)/i.exec(text)?.[1] ?? /header\.i\s*=\s*[^@\s;]*@([a-z0-9.-]+)/i.exec(text)?.[1];
      if (domain && !verdict.dkimPassDomains.includes(domain.toLowerCase())) verdict.dkimPassDomains.push(domain.toLowerCase());
    }
    const dmarc = resultClauses(value, 'dmarc')[0]?.text;
    const policy = dmarc ? (/\(\s*p\s*=\s*([a-z]+)/i.exec(dmarc)?.[1] ?? /policy\.published-domain-policy\s*=\s*([a-z]+)/i.exec(dmarc)?.[1]) : undefined;
    if (policy && verdict.dmarcPolicy === null) verdict.dmarcPolicy = policy.toLowerCase();
  }
  return verdict;
}
