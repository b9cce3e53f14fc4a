/**
 * Reads a delivery status notification (RFC 3464): the `message/delivery-status` part of a
 * `multipart/report` bounce, or, for the older bounces that have none, the best guess from the text.
 */
import type { ParsedMail } from 'mailparser';
import { attachmentType } from './headers.js';

export interface BounceDetails {
  /** The address that could not be reached, lower-cased, without the `rfc822;` type. */
  recipient: string | null;
  /** The enhanced status code, `5.1.1`. */
  status: string | null;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded`. */
  action: string | null;
  /** The remote server's answer, without the `smtp;` type, whitespace collapsed. */
  diagnostic: string | null;
}

const statusTypes = new Set(['message/delivery-status', 'message/global-delivery-status']);
const MAX_STATUS_BYTES = 64 * 1024;

/** Field blocks (separated by blank lines) of a delivery-status body, names lower-cased. */
function fieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  for (const chunk of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    for (const line of chunk.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const match = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:(.*)$/.exec(line);
      if (match?.[1] && !fields.has(match[1].toLowerCase())) fields.set(match[1].toLowerCase(), (match[2] ?? '').trim());
    }
    if (fields.size > 0) blocks.push(fields);
  }
  return blocks;
}

/** `rfc822; user@example.com` → `user@example.com`. */
function withoutType(value: string | undefined): string | null {
  if (!value) return null;
  const semicolon = value.indexOf(';');
  const rest = (semicolon === -1 ? value : value.slice(semicolon + 1)).replace(/\s+/g, ' ').trim();
  return rest === '' ? null : rest;
}

export function parseDeliveryStatus(text: string): BounceDetails | null {
  const recipients = fieldBlocks(text.slice(0, MAX_STATUS_BYTES)).filter((b) => b.has('final-recipient') || b.has('original-recipient'));
  if (recipients.length === 0) return null;
  const chosen = recipients.find((b) => b.get('action')?.toLowerCase() === 'failed') ?? recipients[0];
  if (!chosen) return null;
  const recipient = withoutType(chosen.get('final-recipient') ?? chosen.get('original-recipient'));
  const status = /\d\.\d{1,3}\.\d{1,3}/.exec(chosen.get('status') ?? '')?.[0] ?? null;
  const diagnostic = withoutType(chosen.get('diagnostic-code'));
  return {
    recipient: recipient ? recipient.replace(/^<|>$/g, '').toLowerCase() : null,
    status,
    action: chosen.get('action')?.toLowerCase().split(/\s/)[0] ?? null,
    diagnostic: diagnostic ? diagnostic.slice(0, 1000) : null,
  };
}

/** Guesses from a bounce's text when it carries no delivery-status part (qmail, old Exchange). */
function guessFromText(text: string): BounceDetails {
  const head = text.slice(0, MAX_STATUS_BYTES);
  let recipient: string | null = null;
  for (const line of head.split('\n')) {
    // Short lines only: the expression backtracks on long ones.
    const match = line.length <= 300 ? /^[ \t]*<?([^\s<>@"]+@[^\s<>@"]+\.[^\s<>@":]+)>?:?[ \t]*$/.exec(line) : null;
    if (match?.[1]) {
      recipient = match[1].toLowerCase();
      break;
    }
  }
  const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(head)?.[1] ?? null;
  return { recipient, status, action: status?.startsWith('5') ? 'failed' : null, diagnostic: null };
}

/** The details of a bounce: from its delivery-status part when there is one, else from its text. */
export function bounceDetails(mail: ParsedMail): BounceDetails {
  for (const attachment of mail.attachments ?? []) {
    if (!statusTypes.has(attachmentType(attachment))) continue;
    const parsed = parseDeliveryStatus(attachment.content.toString('utf8'));
    if (parsed) return parsed;
  }
  // Parsed without keepDeliveryStatus: the status fields are in the text.
  return parseDeliveryStatus(mail.text ?? '') ?? guessFromText(mail.text ?? '');
}

/** True when a part of the message is a delivery-status report. */
export function hasDeliveryStatus(mail: ParsedMail): boolean {
  return (mail.attachments ?? []).some((a) => statusTypes.has(attachmentType(a)));
}
