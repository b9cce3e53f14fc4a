/**
 * The content of an inbound message with what its attachments hold unpacked: `bodyContent`
 * (content.ts) reads the message's own parts, then
 *
 * - a TNEF stream (winmail.dat) gives up its files and, when the message has no text of its own,
 *   its body (tnef.ts); the stream itself is not kept as a file;
 * - a forwarded message (message/rfc822) is parsed and shown as what it is — a block "Message
 *   transféré" with its sender, date, subject and recipients, then its whole text — and its own
 *   files join the message's; a forward that cannot be parsed, or the message a delivery report
 *   returns, stays a file;
 * - an S/MIME signature (smime.p7s) is recognised and left out of the files (not verified).
 *
 * Bounded: forwarded messages nest at most `MAX_DEPTH` deep, at most `MAX_FORWARDED` of them are
 * parsed per message (each under the parse limits, with its own timeout).
 */
import type { ParsedMail } from 'mailparser';
import {
  bodyContent,
  htmlAsText,
  isForwardSubject,
  normalizeText,
  sanitizeMessageHtml,
  splitQuoted,
  type InboundAttachment,
  type MessageContent,
} from './content.js';
import { contentType, rawHeaders } from './headers.js';
import { parseRaw } from './parse.js';
import { isTnef, readTnef } from './tnef.js';

const MAX_DEPTH = 3;
const MAX_FORWARDED = 10;
const FORWARD_TIMEOUT_MS = 5_000;

const smimeTypes = /^application\/(x-)?pkcs7-signature$/i;

function isSmimeSignature(a: InboundAttachment): boolean {
  return smimeTypes.test(a.contentType) || (/^smime\.p7s$/i.test(a.filename) && !a.inline);
}

/** A forwarded message as text: the heading and fields mail clients write, then its whole text. */
function forwardedBlock(mail: ParsedMail, content: MessageContent): string {
  const field = (label: string, value: string | null | undefined): string[] => (value && value.trim() !== '' ? [`${label} : ${value.trim()}`] : []);
  const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : mail.to?.text;
  const lines = [
    '---------- Message transféré ----------',
    ...field('De', mail.from?.text),
    ...field('Date', rawHeaders(mail, 'date')[0]),
    ...field('Objet', mail.subject),
    ...field('À', to),
  ];
  return `${lines.join('\n')}\n\n${content.fullText || '(message sans texte)'}`;
}

function file(filename: string, contentType: string, bytes: Buffer): InboundAttachment {
  return { filename: filename.split(/[/\\]/).pop()?.trim() || 'attachment', contentType, bytes, contentId: null, inline: false };
}

/** The content of a parsed message, attachments unpacked (see the module comment). */
export async function messageContent(mail: ParsedMail, depth = 0): Promise<MessageContent> {
  const content = bodyContent(mail);
  const attachments: InboundAttachment[] = [];
  const forwarded: string[] = [];
  let { text, fullText, quoted, html } = content;
  let signed = false;
  let parsedForwards = 0;
  // A delivery report's returned message is evidence for classify.ts, not a forward.
  const report = contentType(mail).value === 'multipart/report';
  for (const attachment of content.attachments) {
    if (isSmimeSignature(attachment)) {
      signed = true;
      continue;
    }
    if (isTnef(attachment.contentType, attachment.filename, attachment.bytes)) {
      const tnef = readTnef(attachment.bytes);
      if (tnef) {
        attachments.push(...tnef.attachments.map((f) => file(f.filename, 'application/octet-stream', f.bytes)));
        if (tnef.rtf) attachments.push(file('message.rtf', 'application/rtf', tnef.rtf));
        const body = normalizeText(tnef.text ?? (tnef.html ? htmlAsText(tnef.html) : ''));
        if (fullText === '' && body !== '') {
          fullText = body;
          ({ text, quoted } = splitQuoted(body, { forward: isForwardSubject(mail.subject) }));
        }
        if (html === null && tnef.html) html = sanitizeMessageHtml(tnef.html) || null;
        continue;
      }
    }
    if (attachment.contentType === 'message/rfc822' && !report && depth < MAX_DEPTH && parsedForwards < MAX_FORWARDED) {
      parsedForwards += 1;
      const parsed = await parseRaw(attachment.bytes, { timeoutMs: FORWARD_TIMEOUT_MS });
      if (parsed.ok) {
        const inner = await messageContent(parsed.mail, depth + 1);
        forwarded.push(forwardedBlock(parsed.mail, inner));
        attachments.push(...inner.attachments.map((a) => ({ ...a, inline: false, contentId: null })));
        continue;
      }
    }
    attachments.push(attachment);
  }
  if (forwarded.length > 0) {
    const blocks = forwarded.join('\n\n');
    text = text.trim() === '' ? blocks : `${text}\n\n${blocks}`;
    fullText = fullText.trim() === '' ? blocks : `${fullText}\n\n${blocks}`;
  }
  return { ...content, text, fullText, quoted, html, attachments, signed };
}
