/**
 * Turns one raw inbound message into mailparser's `ParsedMail`, or into a reason to quarantine it.
 *
 * Everything is bounded before the parser runs: the size, the top-level header block and the
 * number of MIME parts (counted by a linear pre-scan, `mime-scan.ts`), then the parse itself by a
 * timeout. The raw bytes reach mailparser in small chunks, so a large message yields to the event
 * loop between chunks instead of blocking it for the whole parse. `parseRaw` never throws: every
 * failure is a `ParseResult` with a reason the pipeline stores next to the raw message, so a bad
 * message is quarantined and can be reprocessed, and never stops the others.
 *
 * Options given to mailparser, and why:
 * - `keepCidLinks`: inline images stay `cid:` references (content.ts rewrites them later) instead
 *   of being copied into the HTML as `data:` URLs.
 * - `keepDeliveryStatus`: a bounce's `message/delivery-status` part stays a separate attachment,
 *   which classify.ts reads, instead of being mixed into the text.
 * - An HTML-only message still needs a plain text for the ticket: Relais converts it itself
 *   (`skipHtmlToText`), without mailparser's wrapping at 80 columns, which broke every sentence of an
 *   Outlook mail in two on the member's phone; `MAX_HTML_TO_TEXT` bounds that conversion.
 * - `maxHeadSize` / `maxChildNodes` repeat our limits inside the parser, for nested parts.
 */
import { Readable } from 'node:stream';
import { htmlToText } from 'html-to-text';
import { simpleParser, type ParsedMail } from 'mailparser';
import { repairCharsets, scanMime } from './mime-scan.js';

export interface ParseLimits {
  /** Largest raw message accepted, in bytes. */
  maxBytes?: number;
  /** Most MIME parts accepted, below the message itself (a text with one attachment: 2). */
  maxParts?: number;
  /** Largest top-level header block (and, inside the parser, any part's header block), in bytes. */
  maxHeaderBytes?: number;
  /** Longest a parse may take. */
  timeoutMs?: number;
}

export type ParseFailure = 'too_large' | 'too_many_parts' | 'headers_too_large' | 'unparseable' | 'timeout';

export type ParseResult = { ok: true; mail: ParsedMail; warnings: string[] } | { ok: false; reason: ParseFailure; detail: string };

/**
 * 25 MiB: the usual provider limit on sent mail is 20–25 MB of attachments, which base64 makes
 * about a third larger; bigger messages are refused by most senders' servers anyway.
 * 256 KiB of headers: real messages carry a few kilobytes (a long Received chain stays under 64 KiB),
 * so more is a loop or an attack. 500 parts: generous for real mail (a message with 100 attachments
 * has about 100 parts). 10 s: a 25 MiB message parses in well under a second on a small machine.
 */
export const DEFAULT_PARSE_LIMITS: Readonly<Required<ParseLimits>> = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxParts: 500,
  maxHeaderBytes: 256 * 1024,
  timeoutMs: 10_000,
});

/** Longest HTML part converted to text; a longer one keeps its HTML and gets an empty text. */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;
/** Size of the chunks the raw message is fed to the parser in. */
const CHUNK_BYTES = 64 * 1024;

const headerLine = /^[!-9;-~]+[ \t]*:/;

/** An mbox `From sender date` line some fetchers leave in front of the headers. */
function withoutMboxLine(raw: Buffer): Buffer {
  // `From : …` is a header in obsolete syntax, not an mbox line.
  if (raw.toString('latin1', 0, 5) !== 'From ' || /^From[ \t]*:/.test(raw.toString('latin1', 0, 100))) return raw;
  const nl = raw.indexOf(0x0a);
  return nl === -1 ? raw : raw.subarray(nl + 1);
}

/** Blank lines and spaces in front of the first header (left by scripts that fetch or forward mail). */
function withoutLeadingWhitespace(raw: Buffer): Buffer {
  let start = 0;
  while (start < raw.length && start < 64 * 1024 && (raw[start] === 0x20 || raw[start] === 0x09 || raw[start] === 0x0d || raw[start] === 0x0a)) start += 1;
  return start === 0 || start === raw.length ? raw : raw.subarray(start);
}

function failure(reason: ParseFailure, detail: string): ParseResult {
  return { ok: false, reason, detail };
}

function mapParserError(error: unknown): ParseResult {
  const message = error instanceof Error ? error.message : String(error);
  if (/child nodes/i.test(message)) return failure('too_many_parts', message);
  if (/header size/i.test(message)) return failure('headers_too_large', message);
  return failure('unparseable', message);
}

/**
 * Gives an HTML-only message its text, paragraphs unwrapped (`wordwrap: false`); links keep their
 * address in brackets, images are left out. An HTML too long or too deeply
 * nested keeps an empty text and says why (`textConversionError`), as mailparser did.
 */
function withTextOfHtml(mail: ParsedMail): void {
  if ((mail.text ?? '').trim() !== '' || typeof mail.html !== 'string' || mail.html.trim() === '') return;
  if (mail.html.length > MAX_HTML_TO_TEXT) {
    mail.textConversionError = new Error(`HTML too long for parsing ${mail.html.length} bytes`);
    return;
  }
  try {
    mail.text = htmlToText(mail.html, {
      wordwrap: false,
      limits: { maxDepth: 100 },
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    });
  } catch (error) {
    mail.textConversionError = error instanceof Error ? error : new Error(String(error));
  }
}

function warningsFor(mail: ParsedMail, repairs: string[]): string[] {
  const warnings = [...new Set(repairs)];
  if (!mail.messageId) warnings.push('missing_message_id');
  if (!mail.headers.has('date')) warnings.push('missing_date');
  if (!mail.from?.value.some((a) => a.address)) warnings.push('missing_from');
  if (mail.textConversionError) warnings.push(`html_to_text_failed: ${mail.textConversionError.message}`);
  if (/\uFFFD/.test(mail.text ?? '') || /\uFFFD/.test(mail.subject ?? '')) warnings.push('undecodable_characters');
  return warnings;
}

/**
 * Parses a raw message within `limits` (see `DEFAULT_PARSE_LIMITS`). Never throws.
 * Warnings are kept for the record (missing Message-ID, repaired charsets, …); none of them stops the message.
 */
export async function parseRaw(raw: Buffer, limits: ParseLimits = {}): Promise<ParseResult> {
  const { maxBytes, maxParts, maxHeaderBytes, timeoutMs } = { ...DEFAULT_PARSE_LIMITS, ...limits };
  try {
    if (raw.length > maxBytes) return failure('too_large', `${raw.length} bytes, the limit is ${maxBytes}`);
    if (raw.length === 0) return failure('unparseable', 'empty message');
    const scan = scanMime(raw, maxHeaderBytes);
    if (scan.headerBytes === null) return failure('headers_too_large', `the header block is larger than ${maxHeaderBytes} bytes`);
    if (scan.parts > maxParts || scan.boundaries > maxParts) {
      return failure('too_many_parts', `${scan.parts} parts and ${scan.boundaries} boundaries, the limit is ${maxParts}`);
    }
    const message = withoutMboxLine(withoutLeadingWhitespace(raw));
    const firstLine = message.toString('latin1', 0, Math.min(message.length, 1000)).split(/\r?\n/, 1)[0] ?? '';
    if (!headerLine.test(firstLine)) return failure('unparseable', 'the message does not start with a header');

    const repaired = repairCharsets(message);
    if (repaired.damaged) return failure('unparseable', 'every text part is declared base64 but holds other characters: the text is damaged');
    const mail = await parseWithTimeout(repaired.raw, { maxParts, maxHeaderBytes, timeoutMs });
    if (mail === 'timeout') return failure('timeout', `parsing took longer than ${timeoutMs} ms`);
    if (!mail.headers || mail.headers.size === 0) return failure('unparseable', 'no header could be read');
    withTextOfHtml(mail);
    return { ok: true, mail, warnings: warningsFor(mail, repaired.repairs) };
  } catch (error) {
    return mapParserError(error);
  }
}

/** Feeds the parser chunk by chunk (one chunk per event-loop turn); gives up after `timeoutMs`. */
async function parseWithTimeout(raw: Buffer, limits: { maxParts: number; maxHeaderBytes: number; timeoutMs: number }): Promise<ParsedMail | 'timeout'> {
  let offset = 0;
  const source = new Readable({
    read() {
      // setImmediate: the next chunk waits for the event loop to run other work first.
      setImmediate(() => {
        if (offset >= raw.length) {
          this.push(null);
          return;
        }
        this.push(raw.subarray(offset, offset + CHUNK_BYTES));
        offset += CHUNK_BYTES;
      });
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      source.destroy(new Error('parse timeout'));
      resolve('timeout');
    }, limits.timeoutMs);
  });
  const parsed = simpleParser(source, {
    keepCidLinks: true,
    keepDeliveryStatus: true,
    skipHtmlToText: true,
    maxHeadSize: limits.maxHeaderBytes,
    // mailparser counts the root node too; our parts are the ones below it.
    maxChildNodes: limits.maxParts + 1,
    checksumAlgo: 'sha256',
  });
  try {
    return await Promise.race([parsed, timedOut]);
  } finally {
    clearTimeout(timer);
    // A parse that lost the race may still reject later: nobody is waiting for it any more.
    parsed.catch(() => undefined);
  }
}
