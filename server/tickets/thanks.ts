/**
 * Whether a member's message to a resolved request only says thank you ("Merci beaucoup !",
 * "Bedankt!", "Thanks a lot, that sorted it. Mark"). Such a message is kept on the request but does
 * not reopen it: otherwise every polite member puts a finished request back in an advisor's queue,
 * and the figures count a reopening that was none (Freshdesk's "thank you detector" exists for the
 * same complaint).
 *
 * Deliberately narrow: every word must be a word of thanks, praise, greeting or sign-off in French,
 * Dutch, English or German, or a name (the member's own, or the one a thanks or greeting addresses:
 * "Merci Sophie"). A question mark, a digit, any other word ("mais", "toujours", "niet", "still"),
 * or more than a couple of short lines, and the message reopens the request as before.
 */

/** Words that say thank you: one of them must be there. */
const thanks = new Set([
  'merci',
  'remercie',
  'remerciements',
  'thanks',
  'thank',
  'thx',
  'ty',
  'cheers',
  'bedankt',
  'dank',
  'dankjewel',
  'dankuwel',
  'dankje',
  'danke',
  'dankeschon',
]);

/** Words that may surround a thanks without asking anything. Never a negation, never a question word. */
const courtesy = new Set([
  // French
  'a',
  'aide',
  'beaucoup',
  'bien',
  'bon',
  'bonne',
  'bonjour',
  'bonsoir',
  'bises',
  'bientot',
  'belle',
  'c',
  'ca',
  'cest',
  'cordialement',
  'de',
  'des',
  'du',
  'encore',
  'est',
  'excellente',
  'fois',
  'fonctionne',
  'genial',
  'infiniment',
  'impeccable',
  'journee',
  'la',
  'le',
  'les',
  'madame',
  'marche',
  'mille',
  'monsieur',
  'nickel',
  'parfait',
  'pour',
  'rapide',
  'regle',
  'reponse',
  'resolu',
  'retour',
  'salutations',
  'semaine',
  'sinceres',
  'soiree',
  'super',
  'top',
  'tout',
  'tous',
  'tres',
  'vos',
  'votre',
  'vous',
  'week',
  'end',
  // Dutch
  'alvast',
  'antwoord',
  'beste',
  'dag',
  'de',
  'fijne',
  'goed',
  'goeiedag',
  'goedendag',
  'groet',
  'groeten',
  'groetjes',
  'hallo',
  'hartelijk',
  'hartelijke',
  'heel',
  'het',
  'hulp',
  'in',
  'is',
  'je',
  'jullie',
  'met',
  'mvg',
  'opgelost',
  'orde',
  'prima',
  'reactie',
  'snelle',
  'u',
  'uw',
  'veel',
  'voor',
  'vriendelijke',
  'weekend',
  'wel',
  'werkt',
  'ontvangen',
  // French, on receiving
  'grand',
  'j',
  'ai',
  'recu',
  'document',
  // English
  'again',
  'got',
  'many',
  'received',
  'all',
  'answer',
  'awesome',
  'best',
  'brilliant',
  'day',
  'dear',
  'fine',
  'for',
  'good',
  'great',
  'have',
  'hello',
  'help',
  'hi',
  'it',
  'kind',
  'lot',
  'lots',
  'much',
  'nice',
  'perfect',
  'quick',
  'regards',
  'reply',
  'response',
  's',
  'so',
  'solved',
  'sorted',
  'that',
  'the',
  'very',
  'wishes',
  'works',
  'you',
  'your',
  // German (the Eastern cantons)
  'schon',
  'sehr',
  'vielen',
  'grusse',
  'freundliche',
  'mit',
  // Any language
  'ok',
  'okay',
  'oke',
  'oui',
  'ja',
  'yes',
  'et',
  'en',
  'and',
  'und',
]);

/**
 * Words that say the member is not done — a negation, a "but", a request — whatever else the message
 * says: never taken for a name or a signature (QA: "Merci. Pas résolu." read as thanks to someone named Pas).
 */
const notDone = new Set([
  'pas',
  'ne',
  'n',
  'non',
  'jamais',
  'rien',
  'toujours',
  'mais',
  'pourtant',
  'cependant',
  'svp',
  'stp',
  'rappelez',
  'rappeler',
  'appelez',
  'niet',
  'geen',
  'nee',
  'nooit',
  'niets',
  'steeds',
  'nog',
  'maar',
  'toch',
  'aub',
  'alsjeblieft',
  'alstublieft',
  'bel',
  'bellen',
  'not',
  'no',
  'never',
  'nothing',
  'still',
  'but',
  'however',
  'please',
  'call',
  'nicht',
  'kein',
  'keine',
  'aber',
  'bitte',
]);

/** Words after which a capitalised unknown word is taken for a name ("Merci Sophie", "Beste Jef"). */
const addressing = new Set([...thanks, 'bonjour', 'bonsoir', 'hello', 'hi', 'dear', 'beste', 'dag', 'hallo', 'dank', 'madame', 'monsieur']);

/** Mail apps' own last line ("Envoyé de mon iPhone"): not the member's words. */
const appFooter = /^(?:envoy[ée] (?:de|depuis) |sent from |verzonden (?:vanaf|met|van) |verstuurd (?:vanaf|met|van) |get outlook for |obtenir outlook pour )/iu;

const maxCharacters = 240;
const maxWords = 24;

/** A word of a text: lower-cased, without accents and apostrophes, letters repeated for emphasis made single ("merciii"). */
interface Word {
  word: string;
  capitalised: boolean;
  /** What stands between it and the word before (", ", ". ", "\n"…). */
  before: string;
}

function wordsOf(text: string): Word[] {
  let end = 0;
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((match) => {
    const raw = match[0];
    const before = text.slice(end, match.index);
    end = match.index + raw.length;
    const word = raw
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/(\p{L})\1{2,}/gu, '$1');
    return { word, capitalised: /^\p{Lu}\p{Ll}/u.test(raw) || /^\p{Lu}$/u.test(raw), before };
  });
}

/** Placeholders mail apps write for images in the text part ("[cid:image001.png@01DA…]", "[image: logo.png]"). */
const imagePlaceholder = /\[(?:cid|image):[^\]\n]*\]/giu;

/**
 * Whether `text` only thanks (see the module comment). `names` are the member's own names (their
 * signature); a file sent with the message is decided by the caller (it always reopens).
 */
export function onlyThanks(text: string, names: readonly string[] = []): boolean {
  const lines = text
    .replace(imagePlaceholder, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !appFooter.test(line));
  if (wordsOf(lines.join('\n')).some(({ word }) => notDone.has(word))) return false;
  // A last line of one to three names under the thanks is a signature ("Jef", "Marie D.", "Jean-Pierre").
  const last = lines[lines.length - 1] ?? '';
  const signature =
    /^\p{Lu}\p{Ll}*[\p{L}'’-]*\.?(?:\s+\p{Lu}\p{Ll}*[\p{L}'’-]*\.?){0,2}$/u.test(last) &&
    wordsOf(last).every(({ word }) => !thanks.has(word) && !courtesy.has(word));
  if (lines.length > 1 && signature) lines.pop();
  const body = lines.join('\n');
  if (body === '' || body.length > maxCharacters || lines.length > 6 || /[?¿]/u.test(body)) return false;
  const words = wordsOf(body);
  if (words.length === 0 || words.length > maxWords) return false;
  const own = new Set(names.flatMap((name) => wordsOf(name).map((w) => w.word)));
  let thanked = false;
  for (const [i, { word, capitalised, before }] of words.entries()) {
    if (thanks.has(word)) thanked = true;
    else if (courtesy.has(word) || own.has(word)) continue;
    // "Merci Sophie", "Bedankt, Jef": a name right after a thanks or a greeting, in the same sentence.
    else if (!(capitalised && /^\p{L}+$/u.test(word) && /^[\s,]*$/u.test(before) && !before.includes('\n') && addressing.has(words[i - 1]?.word ?? '')))
      return false;
  }
  return thanked;
}
