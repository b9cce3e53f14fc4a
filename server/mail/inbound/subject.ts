/**
 * The subject of a ticket opened by mail. Usually the mail's own, without its `Re:` and an earlier
 * ticket's `[R-…]` tag. A mail with none (an empty subject, or only `Re: [R-2026-000123]` from an
 * address that cannot add to that ticket) is named by its first words, as a phone's mail app lists
 * it: an advisor scanning forty tickets reads "Mon attestation de décembre n'est pas arrivée", not
 * "(sans objet)".
 */
import { withoutReplyPrefixes } from './classify.js';

const NO_SUBJECT: Record<string, string> = { fr: '(sans objet)', nl: '(geen onderwerp)', en: '(no subject)', de: '(ohne Betreff)' };

/** A line that only greets ("Bonjour,", "Beste Anna,", "Hi team!"): a greeting word and a name at most. */
const greetingStart =
  /^(bonjour|bonsoir|salut|madame|monsieur|mesdames|messieurs|cher|chère|chers|chères|hallo|dag|beste|geachte|goedemorgen|goedemiddag|goedenavond|hello|hi|hey|dear|good (morning|afternoon|evening)|guten (tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?)\b/i;
const isGreeting = (line: string): boolean => greetingStart.test(line) && line.split(' ').length <= 5 && !line.includes('?');
/** A line that is not the member's words: a quote, a rule, a bracketed note. */
const notWords = /^(>|__|-{3,}|={3,}|\[)/;
/** A quoted mail's attribution ("Le lun. 3 mars 2026, Relais <…> a écrit :", "Op ma 3 mrt … schreef Relais <…>:"): what follows is not theirs. */
const attribution = /^(on|le|op|am)\b.*\b(wrote|a écrit|schreef|schrieb)\b.*:$/i;
/** A forwarded or quoted mail's header line ("De : Anna <anna@…>", "Sent:", "Onderwerp:"). */
const headerLine = /^(from|de|van|von|sent|envoyé|verzonden|gesendet|date|datum|to|à|aan|an|cc|subject|objet|onderwerp|betreff)\s*:/i;
/** A forwarded mail's own subject line, the best name for a forward without one of its own. */
const forwardedSubject = /^(subject|objet|onderwerp|betreff)\s*:\s*(.+)$/i;
/** A signature begins (RFC 3676's "-- "): nothing below names the request. */
const signature = /^--\s*$/;

const maxLength = 80;

/** The first line of `text` that is more than a greeting, cut at a word near 80 characters; '' if none. */
export function subjectFromBody(text: string): string {
  const lines = text.split(/\r?\n/).map((raw) => raw.replace(/\s+/g, ' ').trim());
  // A forward that says nothing of its own: the forwarded mail's subject.
  const forwarded = lines.map((line) => forwardedSubject.exec(line)?.[2]).find(Boolean);
  for (const [i, line] of lines.entries()) {
    // An attribution may be wrapped over two lines ("…, Relais <" / "support@…> a écrit :").
    if (signature.test(line) || attribution.test(line) || attribution.test(`${line} ${lines[i + 1] ?? ''}`.trim())) break;
    if (headerLine.test(line) && forwarded) return cut(withoutReplyPrefixes(forwarded));
    if (!line || notWords.test(line) || headerLine.test(line) || isGreeting(line)) continue;
    return cut(line);
  }
  return '';
}

/** A line cut at a word near 80 characters, with an ellipsis. */
function cut(line: string): string {
  if (line.length <= maxLength) return line;
  const start = line.slice(0, maxLength);
  const space = start.lastIndexOf(' ');
  return `${(space > maxLength / 2 ? start.slice(0, space) : start).replace(/[\s,;:.–-]+$/, '')}…`;
}

/** The new ticket's subject: the mail's own, else its first words, else "(no subject)" in its language. */
export function ticketSubject(mailSubject: string | null | undefined, bodyText: string, language: string): string {
  const subject = withoutReplyPrefixes(mailSubject ?? '') || subjectFromBody(bodyText) || NO_SUBJECT[language] || '(sans objet)';
  return subject.slice(0, 200);
}
