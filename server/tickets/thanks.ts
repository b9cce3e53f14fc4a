/**
 * Whether a member's message to a resolved request only says thank you ("Merci beaucoup !",
 * "Bedankt!", "Thanks a lot, that sorted it. Mark"). Such a message is kept on the request but does
 * not reopen it: otherwise every polite member puts a finished request back in an advisor's queue,
 * and the figures count a reopening that was none (Freshdesk's "thank you detector" exists for the
 * same complaint).
 *
 * Deliberately narrow: every word must be a word of thanks, praise, greeting or sign-off in French,
 * Dutch, English or German, or a name the caller gives (the member's own, the advisor's: "Merci
 * Sophie"). A question mark, a digit, a sad emoji, a "not" or a "but", thanks "in advance", any other
 * word, or more than a couple of short lines, and the message reopens the request as before.
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
  // Thanks "in advance" expects something still to come
  'avance',
  'alvast',
  'advance',
  'voraus',
]);

/** "Help" is thanks only when it is the help given: "merci pour votre aide", not "Merci. Aide". */
const helpWords = new Set(['aide', 'help', 'hulp', 'hilfe']);
const helpGiven = new Set(['pour', 'votre', 'vos', 'l', 'de', 'for', 'your', 'the', 'voor', 'uw', 'je', 'jullie', 'die', 'ihre', 'fur']);

/** The emoji a thank-you may carry; any other (🙁, 😡, ⚠️…) says something else. */
const kindEmoji = new Set([...'🙏👍😊🙂😀😃😄😁☺❤♥💐🌸🌷👏🤗😉✨🎉✅💪🥰😍💙💚🌞☀']);

/** Mail apps' own last line ("Envoyé de mon iPhone"): not the member's words. */
const appFooter = /^(?:envoy[ée] (?:de|depuis) |sent from |verzonden (?:vanaf|met|van) |verstuurd (?:vanaf|met|van) |get outlook for |obtenir outlook pour )/iu;

const maxCharacters = 240;
const maxWords = 24;

/** The words of a text: lower-cased, without accents and apostrophes, letters repeated for emphasis made single ("merciii"). */
function wordsOf(text: string): string[] {
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map(([raw]) =>
    raw
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/(\p{L})\1{2,}/gu, '$1'),
  );
}

/** Placeholders mail apps write for images in the text part ("[cid:image001.png@01DA…]", "[image: logo.png]"). */
const imagePlaceholder = /\[(?:cid|image):[^\]\n]*\]/giu;

/**
 * Whether `text` only thanks (see the module comment). `names` are the names a thank-you may carry:
 * the member's own (their signature) and the advisor's ("Merci Sophie"); any other capitalised word is
 * a word like any other. A file sent with the message is decided by the caller (it always reopens).
 */
export function onlyThanks(text: string, names: readonly string[] = []): boolean {
  const pictographs = text.match(/\p{Extended_Pictographic}/gu) ?? [];
  if (pictographs.some((p) => !kindEmoji.has(p))) return false;
  const lines = text
    .replace(imagePlaceholder, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !appFooter.test(line));
  const body = lines.join('\n');
  const words = wordsOf(body);
  if (words.some((word) => notDone.has(word))) return false;
  if (body === '' || body.length > maxCharacters || lines.length > 6 || /[?¿]/u.test(body)) return false;
  if (words.length === 0 || words.length > maxWords) return false;
  const own = new Set(names.flatMap(wordsOf));
  let thanked = false;
  for (const [i, word] of words.entries()) {
    if (thanks.has(word)) thanked = true;
    else if (courtesy.has(word) || own.has(word)) continue;
    else if (!(helpWords.has(word) && helpGiven.has(words[i - 1] ?? ''))) return false;
  }
  return thanked;
}
