/**
 * What a ticket keeps of an inbound message: the new text (quoted history and signature split off),
 * the full text, sanitized HTML, inline images and attachments, and a guess at the language.
 * Pure functions over mailparser's `ParsedMail`.
 *
 * Splitting is line-based first (our own patterns for French, Dutch, English and German Outlook and
 * Gmail replies, forwards and signatures: linear in the text), then `email-reply-parser` polishes the
 * part above the cut (signatures such as "Cordialement,", trailing `>` quotes) when it is small: its
 * expressions backtrack badly, so it only sees bounded input (see `MAX_ERP_CHARS`). The text is
 * never empty when the message had text: if splitting leaves nothing, the full text is kept.
 * A forward is content, not a quote: after a forward's own marker ("Forwarded message", "Message
 * transféré", "Doorgestuurd bericht", "Begin forwarded message:"), or Outlook's header block when
 * the subject is a forward's (`TR:`, `Fwd:`…), everything stays in the text; "-----Original
 * Message-----" under `RE:` is a reply's quote and is split off.
 *
 * The HTML is for display only, through an allow-list: no scripts, styles, event handlers, forms,
 * frames, `data:`, `javascript:` or relative URLs; links open in a new tab without an opener; images only from
 * `cid:` parts of the message itself (rewritten to their files' download URLs when stored,
 * inbound-files.ts).
 */
import EmailReplyParser from 'email-reply-parser';
import { francAll } from 'franc-min';
import type { Attachment, ParsedMail } from 'mailparser';
import { attachmentType } from './headers.js';
import { htmlAsText, sanitizeMessageHtml } from './message-html.js';

export { htmlAsText, sanitizeMessageHtml } from './message-html.js';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
  contentId: string | null;
  inline: boolean;
}

export interface MessageContent {
  /** The new part of the message: plain text where there is one, else the HTML as text. */
  text: string;
  /** The whole text, quotes and signature included. */
  fullText: string;
  /** What was split off `text`: quoted history and signature; null when nothing was. */
  quoted: string | null;
  /** The HTML, sanitized (see the module comment); null when the message has none or it nests absurdly deep. */
  html: string | null;
  /** Content-IDs (without brackets) of the images the HTML shows inline. */
  inlineImages: string[];
  attachments: InboundAttachment[];
  /** The message carried an S/MIME signature (recognised and left out of the files; not verified). */
  signed: boolean;
}

/**
 * email-reply-parser's expressions backtrack: some span lines (`Op [\s\S]+? schreef [\s\S]+:`),
 * some nest three `(.*)` in one line. It therefore sees at most this much text, with every line
 * longer than `MAX_ERP_LINE` or containing a word of those spanning expressions replaced by a
 * placeholder (restored afterwards). Measured worst cases stay in the milliseconds.
 */
const MAX_ERP_CHARS = 4 * 1024;
const MAX_ERP_LINE = 120;
const erpRiskyWords = /schreef|skrev|pisze|napisa|写道|kirjoitti/i;
/** Lines longer than this are never a quote header. */
const MAX_HEADER_LINE = 400;

const signatureLine =
  /^(envoyé de mon|envoyé depuis mon|verstuurd vanaf mijn|verzonden vanaf mijn|verzonden met|sent from my|get outlook for|télécharger outlook|von meinem .{1,40} gesendet|gesendet von meinem)\b/i;
/** A reply's quoted original (Outlook, Thunderbird…): a quote, unless the subject says the mail is a forward. */
const originalMarker = /^-{2,}\s*(message d'origine|message d’origine|original message|oorspronkelijk bericht|ursprüngliche nachricht)\s*-{2,}$/i;
/** A forward's own marker (Gmail, Outlook.com, Apple Mail, Thunderbird): what follows is content. */
const forwardMarker =
  /^(-{2,}\s*(message transféré|forwarded message|doorgestuurd bericht|weitergeleitete nachricht|mensaje reenviado|messaggio inoltrato)\s*-{2,}|begin forwarded message\s*:|début du message réexpédié\s*:|begin doorgestuurd bericht\s*:|anfang der weitergeleiteten nachricht\s*:)$/i;
/**
 * A subject that starts with a forward prefix (`TR:`, `Fwd:`, `Doorst:`, `WG:`…) not followed by a
 * reply prefix: `TR: RE: [R-…]` forwards a conversation, usually ours, whose messages the thread has.
 */
const forwardSubject = /^\s*(fwd?|tr|wg|doorst|rv|enc|i)\s*(\[\d+\])?\s*:(?!\s*(re|aw|antw|sv|vs|ref|r)\s*(\[\d+\])?\s*:)/i;
/** "Le … a écrit :", "On … wrote:", "Op … schreef X:", "Am … schrieb X:", iOS "Op … heeft X het volgende geschreven:". */
const attribution =
  /^(?:(le|op|on|am|el|il)\s.{4,300}\s(a écrit|schreef|wrote|schrieb|escribió|ha scritto|het volgende geschreven)|(op|am)\s.{4,300}\s(schreef|schrieb)\s.{1,300})\s*:$/i;
const looseAttribution = /^.{1,300}\s(a écrit|schreef|wrote|schrieb)\s*:$/i;
const fromField = /^\*?\s*(de|from|van|von|expéditeur|afzender|absender)\s*\*?\s*:\s*\*?\s*\S/i;
const headerField = /^\*?\s*(envoyé|sent|verzonden|gesendet|date|datum|à|to|aan|an|objet|subject|onderwerp|betreff|cc)\s*\*?\s*:/i;
const separator = /^(_{10,}|-{5,})$/;

/**
 * Where the quoted history or signature starts, and what starts it: `signature`, `quote` (an
 * attribution line), `header` (a From/Sent/To block, which Outlook writes for replies and forwards
 * alike), `original` ("-----Original Message-----") or `forward` (a forward's own marker). Linear.
 */
function cutLine(lines: readonly string[]): { index: number; kind: 'signature' | 'quote' | 'header' | 'original' | 'forward' } | null {
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i] ?? '';
    if (raw === '-- ' || raw === '--') return { index: i, kind: 'signature' };
    const line = raw.trim();
    if (line === '' || line.length > MAX_HEADER_LINE) continue;
    if (signatureLine.test(line)) return { index: i, kind: 'signature' };
    if (forwardMarker.test(line)) return { index: i, kind: 'forward' };
    if (originalMarker.test(line)) return { index: i, kind: 'original' };
    const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
    if (attribution.test(line) || (line.length < 200 && attribution.test(joined))) return { index: i, kind: 'quote' };
    if (looseAttribution.test(line) && (lines[i + 1] ?? '').trimStart().startsWith('>')) return { index: i, kind: 'quote' };
    if (fromField.test(line)) {
      const next = lines.slice(i + 1, i + 5).map((l) => l.trim());
      if (next.some((l) => headerField.test(l))) {
        let previous = i - 1;
        while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous -= 1;
        if (previous >= 0 && separator.test((lines[previous] ?? '').trim())) return { index: previous, kind: 'header' };
        return { index: i, kind: 'header' };
      }
    }
  }
  return null;
}

/**
 * Where forwarded content starts, or -1: a forward's own marker, or (when the subject says the mail
 * is a forward) Outlook's header block or "Original Message" line, with only a signature above it.
 */
function forwardStart(lines: readonly string[], forward: boolean): number {
  let from = 0;
  for (let guard = 0; guard < 50; guard += 1) {
    const cut = cutLine(lines.slice(from));
    if (!cut) return -1;
    if (cut.kind === 'forward' || (forward && (cut.kind === 'header' || cut.kind === 'original'))) return from + cut.index;
    // A reply's quote comes first: whatever it quotes (a forward too) is history.
    if (cut.kind !== 'signature') return -1;
    from += cut.index + 1;
  }
  return -1;
}

/** Outlook's stand-in for an inline image in the text part ("[cid:image001.png@01DA2B3C.4D5E6F70]"): the image is shown, the stand-in is noise. */
const outlookImagePlaceholder = /[ \t]*\[cid:[^\]\n]{1,300}\]/gi;
const outlookImageLine = /^[ \t]*(?:\[cid:[^\]\n]{1,300}\][ \t]*)+(?:\n|$)/gim;

export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(outlookImageLine, '')
    .replace(outlookImagePlaceholder, '')
    .trim();
}

/** The text as email-reply-parser may see it (see `MAX_ERP_CHARS`), or null when too long. */
function erpInput(text: string): { input: string; originals: string[] } | null {
  const originals: string[] = [];
  // Runs of blank lines make every `^\s*` expression quadratic: at most two in a row.
  const compact = text.replace(/^[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n');
  const lines = compact.split('\n').map((line) => {
    if (line.length <= MAX_ERP_LINE && !erpRiskyWords.test(line)) return line;
    originals.push(line);
    // Keep the quote markers: they decide whether the line is quoted.
    return `${(/^[\s>]*/.exec(line)?.[0] ?? '').replace(/\s/g, '')}\u27e6${originals.length - 1}\u27e7`;
  });
  const input = lines.join('\n');
  return input.length > MAX_ERP_CHARS ? null : { input, originals };
}

function restoreLines(text: string, originals: readonly string[]): string {
  return text.replace(/^>*\u27e6(\d+)\u27e7$/gm, (placeholder, index: string) => originals[Number(index)] ?? placeholder);
}

/**
 * Splits the new text from quoted history and signature (see the module comment). A forward's
 * content is content: with `forward` (the subject says so) or a forward's own marker, the text
 * keeps everything from the forward on, and only what stood above it is split.
 */
export function splitQuoted(fullText: string, options: { forward?: boolean } = {}): { text: string; quoted: string | null } {
  const lines = fullText.split('\n');
  const start = forwardStart(lines, options.forward ?? false);
  if (start !== -1) {
    const forwarded = lines.slice(start).join('\n').trim();
    const above = lines.slice(0, start).join('\n').trim();
    const split = above === '' ? { text: '', quoted: null } : splitReply(above);
    return { text: split.text === '' ? forwarded : `${split.text}\n\n${forwarded}`, quoted: split.quoted };
  }
  return splitReply(fullText);
}

function splitReply(fullText: string): { text: string; quoted: string | null } {
  const lines = fullText.split('\n');
  const cut = cutLine(lines)?.index ?? -1;
  let head = (cut === -1 ? lines : lines.slice(0, cut)).join('\n').trim();
  const hidden: string[] = cut === -1 ? [] : [lines.slice(cut).join('\n').trim()];
  const safe = head === '' ? null : erpInput(head);
  if (safe) {
    const email = new EmailReplyParser().read(safe.input);
    const visible = restoreLines(email.getVisibleText(), safe.originals).trim();
    const hiddenParts = email
      .getFragments()
      .filter((f) => f.isHidden() && f.getContent().trim() !== '')
      .map((f) => restoreLines(f.getContent(), safe.originals).trim());
    // email-reply-parser trims every line; keep the original when it hid nothing.
    if (visible !== '' && hiddenParts.length > 0) {
      head = visible;
      hidden.unshift(...hiddenParts);
    }
  }
  if (head === '') return { text: fullText, quoted: null };
  const quoted = hidden.filter((h) => h !== '').join('\n\n');
  return { text: head, quoted: quoted === '' ? null : quoted };
}

/**
 * What the sender wrote themselves, to judge a short answer by (tickets/thanks.ts): the text above the
 * quoted history, signature and PS included (`text` leaves them out, shown collapsed), or null when
 * they answered between the quoted lines ("> Avez-vous déménagé ?\nNon, …"), which is never a mere thanks.
 */
export function wordsAboveHistory(fullText: string): string | null {
  const lines = fullText.split('\n');
  let quoted = false;
  for (const line of lines) {
    if (/^\s*>/.test(line)) quoted = true;
    else if (quoted && line.trim() !== '') return null;
  }
  let from = 0;
  for (let guard = 0; guard < 50; guard += 1) {
    const cut = cutLine(lines.slice(from));
    if (!cut) break;
    if (cut.kind !== 'signature')
      return lines
        .slice(0, from + cut.index)
        .join('\n')
        .trim();
    from += cut.index + 1;
  }
  return lines
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .trim();
}

/** Names for the parts that usually come without one. */
const defaultNames: Record<string, string> = {
  'text/calendar': 'invite.ics',
  'message/rfc822': 'message.eml',
  'message/delivery-status': 'delivery-status.txt',
  'message/global-delivery-status': 'delivery-status.txt',
  'message/disposition-notification': 'disposition-notification.txt',
  'text/rfc822-headers': 'original-headers.txt',
};
const extensions: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/html': 'html',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
};

/** A safe file name: no folders, no control characters, not empty, at most 200 characters. */
function safeFilename(attachment: Attachment, index: number): string {
  const given = [...(typeof attachment.filename === 'string' ? attachment.filename : '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .split(/[/\\]/)
    .pop()
    ?.trim()
    .replace(/^\.+/, '');
  if (given) return given.length > 200 ? given.slice(0, 200) : given;
  const type = attachmentType(attachment);
  return defaultNames[type] ?? `attachment-${index + 1}.${extensions[type] ?? 'bin'}`;
}

function cidOf(attachment: Attachment): string | null {
  const raw: unknown = attachment.cid ?? attachment.contentId;
  const cid = typeof raw === 'string' ? raw.replace(/^<|>$/g, '').trim() : '';
  return cid === '' ? null : cid;
}

/** A forward's subject (see `forwardSubject`). */
export function isForwardSubject(subject: string | undefined): boolean {
  return forwardSubject.test(subject ?? '');
}

/**
 * Splits, sanitizes and lists the content of a parsed message's own parts (see the module comment);
 * `message-content.ts` then unpacks what the attachments hold (TNEF, forwarded messages).
 */
export function bodyContent(mail: ParsedMail): MessageContent {
  const rawHtml = typeof mail.html === 'string' && mail.html.trim() !== '' ? mail.html : null;
  const fullText = normalizeText(mail.text && mail.text.trim() !== '' ? mail.text : rawHtml ? htmlAsText(rawHtml) : '');
  const forward = forwardSubject.test(mail.subject ?? '');
  const { text, quoted } = fullText === '' ? { text: '', quoted: null } : splitQuoted(fullText, { forward });
  const html = rawHtml ? sanitizeMessageHtml(rawHtml) : null;
  const referenced = new Set([...(html ?? '').matchAll(/src="cid:([^"]{1,500})"/gi)].map((m) => decodeURIComponent(m[1] ?? '').trim()));
  const inlineImages: string[] = [];
  const attachments = (mail.attachments ?? []).map((attachment, index): InboundAttachment => {
    const contentId = cidOf(attachment);
    const contentType = attachmentType(attachment);
    const shown = contentId !== null && (referenced.has(contentId) || attachment.related === true);
    if (shown && contentType.startsWith('image/') && !inlineImages.includes(contentId)) inlineImages.push(contentId);
    return {
      filename: safeFilename(attachment, index),
      contentType,
      bytes: attachment.content,
      contentId,
      inline: attachment.contentDisposition === 'inline' || shown,
    };
  });
  return { text, fullText, quoted, html: html === '' ? null : html, inlineImages, attachments, signed: false };
}

export type InboundLanguage = 'fr' | 'nl' | 'en' | 'de';

const languages: Record<string, InboundLanguage> = { fra: 'fr', nld: 'nl', eng: 'en', deu: 'de' };
const MIN_LETTERS = 20;
/** The best of our languages must beat the next one by this factor (franc scores, best = 1). */
const MAX_RUNNER_UP = 0.9;

/**
 * The everyday words of each language that a short message is made of ("Hi, my payslip is wrong.
 * Thanks"): franc's trigrams cannot tell a sentence that short, and a member who wrote in English was
 * answered in French. Words shared by two languages (`is`, `in`, `de`, `die`) are left out.
 */
const commonWords: Readonly<Record<InboundLanguage, ReadonlySet<string>>> = {
  fr: new Set(
    'bonjour bonsoir merci je vous mon ma mes est pas les une pour avec dans sur votre nous suis ai avez pouvez cordialement madame monsieur'.split(' '),
  ),
  nl: new Set('dag goedendag goeiedag hallo bedankt dank ik mijn niet het een van voor met op uw wij ben heb kunt graag groeten vriendelijke'.split(' ')),
  en: new Set('hi hello dear thanks thank you my the not for with on your we am have can could please regards'.split(' ')),
  de: new Set('hallo danke ich mein meine nicht das ein eine für mit auf ihr wir bin habe können bitte grüße'.split(' ')),
};

/** The language whose everyday words a short text uses most: at least two, and more than any other. */
function byCommonWords(text: string): InboundLanguage | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const scores = (Object.keys(commonWords) as InboundLanguage[])
    .map((l) => [l, words.filter((w) => commonWords[l].has(w)).length] as const)
    .sort((a, b) => b[1] - a[1]);
  const [best, next] = scores;
  return best && best[1] >= 2 && best[1] > (next?.[1] ?? 0) ? best[0] : null;
}

/**
 * The language of a text, when it is French, Dutch, English or German: by franc when the text is long
 * enough to tell, else by its everyday words. The subject is part of what a member wrote: give it too.
 */
export function detectLanguage(text: string): InboundLanguage | null {
  const cleaned = text
    .slice(0, 4000)
    .replace(/https?:\/\/\S+|[^\s@]+@\S+|R-\d{4}-\d{6}/gi, ' ')
    .replace(/[\d_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if ((cleaned.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) return byCommonWords(cleaned);
  const ranking = francAll(cleaned, { minLength: MIN_LETTERS });
  const best = ranking[0];
  const language = best ? languages[best[0]] : undefined;
  const runnerUp = ranking.slice(1).find(([code]) => code in languages);
  if (!language || (runnerUp && runnerUp[1] > MAX_RUNNER_UP)) return byCommonWords(cleaned);
  return language;
}
