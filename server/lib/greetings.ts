/**
 * Whether a text a person wrote opens with a greeting of its own ("Bonjour Sofie,", "Beste Jef",
 * "Dear Ms Peeters,"). A reply mail then leaves out its own greeting: the member would otherwise read
 * "Beste Sofie Van den Broeck," and, right under it, the advisor's "Beste Sofie,".
 */
const openers = [
  // French
  'bonjour',
  'bonsoir',
  'madame',
  'monsieur',
  'cher',
  'chère',
  'chers',
  'chères',
  'salut',
  'rebonjour',
  // Dutch
  'beste',
  'geachte',
  'goedendag',
  'goedemorgen',
  'goedemiddag',
  'goedenavond',
  // Flemish, as spoken and written every day
  'goeiedag',
  'goeiemorgen',
  'goeiemiddag',
  'goeienavond',
  'goeienacht',
  'dag',
  'hallo',
  'hoi',
  // English
  'hello',
  'hi',
  'hey',
  'dear',
  'good morning',
  'good afternoon',
  'good evening',
  // German (the Eastern cantons)
  'guten tag',
  'sehr geehrte',
  'sehr geehrter',
  'liebe',
  'lieber',
];

const opening = new RegExp(`^(?:${openers.map((o) => o.replace(/ /g, '\\s+')).join('|')})(?=$|[\\s,!.:;*_])`, 'iu');

export function opensWithGreeting(text: string): boolean {
  const first = text
    .split('\n')
    .map((line) => line.replace(/^[\s*_#>]+/u, '').trim())
    .find((line) => line !== '');
  return first !== undefined && opening.test(first);
}
