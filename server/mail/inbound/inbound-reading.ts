/**
 * One received mail read again from its raw bytes for a person checking it (the quarantine page and
 * the API): the headers that matter, the raw header block, the text and the attachments — nothing
 * rendered as HTML here. Apart from inbound-admin.ts (the pages of records and the decisions on them)
 * because it reads bytes, not records.
 */
import type { ParsedMail } from 'mailparser';
import { messageContent } from './message-content.js';
import { rawHeaders } from './headers.js';
import { parseRaw } from './parse.js';

export interface HeaderRow {
  /** A stable key (`from`, `message_id`, …), for labels. */
  key: string;
  value: string | null;
}

export interface InboundAttachmentView {
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
}

/** A received message read again from its bytes, for a person to judge: text only, never rendered. */
export interface InboundMessageReading {
  /** Null when the bytes parse; else why not (the parser's reason and detail). */
  parseFailure: { reason: string; detail: string } | null;
  headers: HeaderRow[];
  /** When the message does not parse: the start of its raw header block, as text. */
  rawHeaderBlock: string | null;
  /** The whole text (quotes and signature included), control characters replaced; null when none. */
  text: string | null;
  textTruncated: boolean;
  /** The sanitized HTML (content.ts), only ever served in a sandboxed frame; null when none. */
  html: string | null;
  attachments: InboundAttachmentView[];
  warnings: string[];
}

/** The headers always shown (a dash when absent), then those shown only when present. */
const mainHeaders = ['from', 'to', 'cc', 'reply_to', 'subject', 'date', 'message_id', 'in_reply_to', 'auto_submitted', 'authentication_results'] as const;
const extraHeaders = ['references', 'return_path', 'sender', 'list_id', 'precedence', 'list_unsubscribe', 'x_auto_response_suppress', 'received_spf'] as const;

const MAX_HEADER_VALUE = 2_000;
const MAX_TEXT = 100_000;
const MAX_RAW_HEADER_LINES = 200;
const MAX_RAW_HEADER_BYTES = 64 * 1024;

/** Control characters (other than tab and newline) would garble a page or a terminal: shown as "�". */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- these are exactly the characters replaced
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '\uFFFD');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function addressText(value: ParsedMail['to']): string | null {
  if (!value) return null;
  const list = Array.isArray(value) ? value : [value];
  const text = list
    .map((v) => v.text)
    .filter(Boolean)
    .join(', ');
  return text || null;
}

function headerValue(mail: ParsedMail, key: string): string | null {
  const decoded: Record<string, () => string | null | undefined> = {
    from: () => addressText(mail.from),
    to: () => addressText(mail.to),
    cc: () => addressText(mail.cc),
    reply_to: () => addressText(mail.replyTo),
    subject: () => mail.subject,
  };
  const value = decoded[key]?.() ?? (rawHeaders(mail, key.replace(/_/g, '-')).join('\n') || null);
  return value ? clip(printable(value), MAX_HEADER_VALUE) : null;
}

/** The top of the raw header block (up to the first empty line), at most 200 lines, as text. */
export function rawHeaderBlock(raw: Buffer): string {
  const head = raw.subarray(0, MAX_RAW_HEADER_BYTES).toString('utf8');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end >= 0 ? head.slice(0, end) : head).split(/\r?\n/);
  const shown = lines.slice(0, MAX_RAW_HEADER_LINES).map((line) => clip(line, 1_000));
  if (lines.length > MAX_RAW_HEADER_LINES) shown.push('…');
  return printable(shown.join('\n'));
}

/**
 * Reads a received message again from its raw bytes with the pipeline's own bounded parser: the
 * headers, the whole text, the sanitized HTML, the attachments (names, types, sizes). When the
 * bytes do not parse, the start of their header block instead.
 */
export async function readInboundMessage(raw: Buffer): Promise<InboundMessageReading> {
  const parsed = await parseRaw(raw);
  if (!parsed.ok) {
    return {
      parseFailure: { reason: parsed.reason, detail: parsed.detail },
      headers: [],
      rawHeaderBlock: rawHeaderBlock(raw),
      text: null,
      textTruncated: false,
      html: null,
      attachments: [],
      warnings: [],
    };
  }
  const mail = parsed.mail;
  const content = await messageContent(mail);
  const headers: HeaderRow[] = [
    ...mainHeaders.map((key) => ({ key, value: headerValue(mail, key) })),
    ...extraHeaders.map((key) => ({ key, value: headerValue(mail, key) })).filter((h) => h.value !== null),
  ];
  const fullText = content.fullText.trim() === '' ? null : printable(content.fullText);
  return {
    parseFailure: null,
    headers,
    rawHeaderBlock: null,
    text: fullText ? fullText.slice(0, MAX_TEXT) : null,
    textTruncated: fullText !== null && fullText.length > MAX_TEXT,
    html: content.html,
    attachments: content.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.bytes.length, inline: a.inline })),
    warnings: parsed.warnings,
  };
}
