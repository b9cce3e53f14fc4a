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
  /^(bonjour|bonsoir|salut|madame|monsieur|mesdames|messieurs|cher|chère|chers|chères|hallo|dag|beste|geachte|goedemorgen|goedemiddag|goedenavond|hello|hi|hey|dear|good (morning|afternoon|evening))\b/i;
const isGreeting = (line: string): boolean => greetingStart.test(line) && line.split(' ').length <= 4 && !line.includes('?');
/** A line that is not the member's words: a quote, a rule, a bracketed note. */
const notWords = /^(>|__|-{3,}|={3,}|\[)/;
/** A signature begins (RFC 3676's "-- "): nothing below names the request. */
const signature = /^--\s*$/;

const maxLength = 80;

/** The first line of `text` that is more than a greeting, cut at a word near 80 characters; '' if none. */
export function subjectFromBody(text: string): string {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (signature.test(line)) break;
    if (!line || notWords.test(line) || isGreeting(line)) continue;
    if (line.length <= maxLength) return line;
    const cut = line.slice(0, maxLength);
    const space = cut.lastIndexOf(' ');
    return `${(space > maxLength / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`;
  }
  return '';
}

/** The new ticket's subject: the mail's own, else its first words, else "(no subject)" in its language. */
export function ticketSubject(mailSubject: string | null | undefined, bodyText: string, language: string): string {
  const subject = withoutReplyPrefixes(mailSubject ?? '') || subjectFromBody(bodyText) || NO_SUBJECT[language] || '(sans objet)';
  return subject.slice(0, 200);
}
