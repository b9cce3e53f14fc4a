/**
 * Reading what the embedded mail catcher caught (`caught_mail`), for the administrators' mail
 * page: pages of 50, newest first, with a keyset cursor on (receivedAt, _id) and an optional
 * recipient search; one message with the headers a person checks (parsed again from its raw
 * source, which the catcher keeps); and the web addresses in its text, so a demo user can follow
 * a magic link that was never delivered.
 */
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { Types } from 'mongoose';
import { CaughtMailModel, type CaughtMail } from './mail.models.js';

/** The records the catcher's page lists. */
export type { CaughtMail } from './mail.models.js';

export const CAUGHT_PAGE_SIZE = 50;

export type CaughtMailSummary = Pick<CaughtMail, '_id' | 'from' | 'to' | 'subject' | 'date' | 'receivedAt'> & {
  /** What an inbox shows under the subject: the hidden first line of the HTML, else the text's start. */
  snippet: string;
};

const SNIPPET_LENGTH = 160;
const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x60': '`', '#x3D': '=' };

/**
 * The line a mail app shows under the subject. Member mail about one ticket shares one subject (one
 * conversation in Gmail), so what each mail is lives in its HTML's hidden first line (`_layout`'s
 * preheader); mail without one shows the start of its text.
 */
export function caughtSnippet(mail: { text?: string; html?: string | null }): string {
  const hidden = /<body[^>]*>\s*<div style="display: none;[^"]*">([^<]{1,300})<\/div>/.exec((mail.html ?? '').slice(0, 4000))?.[1];
  const start = (mail.text ?? '').replace(/\s+/g, ' ').trim();
  const line = hidden ? `${hidden.replace(/&(amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (_, name: string) => entities[name] ?? '')} ${start}` : start;
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH - 1).trimEnd()}…` : line;
}

export interface CaughtMailPage {
  messages: CaughtMailSummary[];
  /** Cursor for the next (older) page, or null on the last one. */
  nextCursor: string | null;
}

interface Cursor {
  at: Date;
  id: Types.ObjectId;
}

const objectIdPattern = /^[0-9a-f]{24}$/i;

/** `<receivedAt ms>.<id>` → its parts, or null when it is not one (a hand-edited address). */
export function parseCaughtCursor(value: unknown): Cursor | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,15})\.([0-9a-f]{24})$/i.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { at: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

function cursorOf(mail: CaughtMailSummary): string {
  return `${mail.receivedAt.getTime()}.${String(mail._id)}`;
}

/** Escapes text for a `$regex` (Go's RE2 on FerretDB, PCRE on MongoDB: the same escapes). */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One page of caught mail, newest first; `recipient` matches part of a To address or envelope recipient. */
export async function listCaughtMailPage(options: { before?: string; recipient?: string; limit?: number } = {}): Promise<CaughtMailPage> {
  const limit = options.limit ?? CAUGHT_PAGE_SIZE;
  const conditions: Record<string, unknown>[] = [];
  const cursor = parseCaughtCursor(options.before);
  if (cursor) conditions.push({ $or: [{ receivedAt: { $lt: cursor.at } }, { receivedAt: cursor.at, _id: { $lt: cursor.id } }] });
  const recipient = options.recipient?.trim().slice(0, 200);
  if (recipient) {
    const pattern = { $regex: escapeRegex(recipient), $options: 'i' };
    conditions.push({ $or: [{ to: pattern }, { envelopeTo: pattern }] });
  }
  const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
  const found = await CaughtMailModel.find(filter ?? {}, { from: 1, to: 1, subject: 1, date: 1, receivedAt: 1, text: 1, html: 1 })
    .sort({ receivedAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<Array<CaughtMail>>();
  const messages = found.slice(0, limit).map(({ _id, from, to, subject, date, receivedAt, text, html }) => ({
    _id,
    from,
    to,
    subject,
    date,
    receivedAt,
    snippet: caughtSnippet({ text, html }),
  }));
  const last = messages.at(-1);
  return { messages, nextCursor: found.length > limit && last ? cursorOf(last) : null };
}

/** One caught message, or null (also for an id that is not one). */
export async function findCaughtMail(id: string): Promise<CaughtMail | null> {
  if (!objectIdPattern.test(id)) return null;
  return CaughtMailModel.findById(id).lean<CaughtMail>();
}

export interface CaughtHeaders {
  from: string;
  to: string;
  replyTo: string | null;
  subject: string;
  date: Date | null;
  messageId: string | null;
  inReplyTo: string | null;
  /** The thread's earlier messages, as mail apps chain them. */
  references: string | null;
  autoSubmitted: string | null;
}

function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => headerText(v) ?? '').join(', ');
  if ('text' in value) return (value as AddressObject).text;
  const params = Object.entries(value.params)
    .map(([k, v]) => `; ${k}=${v}`)
    .join('');
  return `${value.value}${params}`;
}

/** The headers a person checks on a caught message, read again from its raw source. */
export async function caughtMailHeaders(mail: CaughtMail): Promise<CaughtHeaders> {
  const parsed = await simpleParser(mail.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  return {
    from: mail.from,
    to: mail.to,
    replyTo: parsed.replyTo?.text ?? null,
    subject: mail.subject,
    date: mail.date,
    messageId: mail.messageId,
    inReplyTo: parsed.inReplyTo ?? null,
    references: (Array.isArray(parsed.references) ? parsed.references.join(' ') : parsed.references) || null,
    autoSubmitted: headerText(parsed.headers.get('auto-submitted')),
  };
}

export interface MessageLink {
  url: string;
  /** What the text says just before the address (same line, else the line above): "5 — Very satisfied". */
  label: string;
  /** True for http(s) addresses on Relais's own public origin: shown as links; others as text. */
  followable: boolean;
}

/**
 * The words introducing the address at `index`: what stands between it and the start of its line
 * (or the previous address on that line), else the previous non-empty line.
 */
function labelBefore(text: string, index: number, previousEnd: number): string {
  const tidy = (line: string) => line.replace(/^[\s.,;:)\]]+|[\s:：([]+$/gu, '').trim();
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  let label = tidy(text.slice(Math.max(lineStart, previousEnd), index));
  if (!label) {
    const above = text
      .slice(0, Math.max(0, lineStart - 1))
      .split('\n')
      .reverse()
      .find((line) => line.trim() !== '');
    label = tidy(above ?? '');
  }
  return label.length > 100 ? `${label.slice(0, 99)}…` : label;
}

function onOrigin(url: string, origin: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === origin;
  } catch {
    return false;
  }
}

/**
 * The web addresses in a message's text, in order, each once. Only addresses on `publicUrl`'s
 * origin may be followed from the admin page: a caught message is untrusted content.
 */
export function linksIn(text: string, publicUrl: string, max = 50): MessageLink[] {
  const origin = new URL(publicUrl).origin;
  const seen = new Set<string>();
  const links: MessageLink[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"'`]+/gi)) {
    // Sentence punctuation and closing brackets around an address are not part of it.
    const url = match[0].replace(/[.,;:!?)\]}»›”’]+$/u, '');
    const label = labelBefore(text, match.index, previousEnd);
    previousEnd = match.index + url.length;
    if (seen.has(url)) continue;
    seen.add(url);
    links.push({ url, label, followable: onOrigin(url, origin) });
    if (links.length >= max) break;
  }
  return links;
}
