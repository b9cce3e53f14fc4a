/** A reply that greets the member itself is not greeted twice in its mail (lib/greetings.ts). */
import { expect } from 'chai';
import { opensWithGreeting } from '../../server/lib/greetings.js';

describe('greetings: does a reply open with its own?', () => {
  it('knows the greetings of French, Dutch, English and German replies, whatever the case, markup or blank lines first', () => {
    for (const text of [
      'Bonjour Sofie,\nVoici votre attestation.',
      'bonjour,\n…',
      '\n\n  Beste Jef,\nUw attest is klaar.',
      'Geachte heer Claes,',
      'Dag Marleen, hier is het.',
      'Dear Ms Peeters,',
      'Hi!',
      'Good  morning Anna,',
      '**Madame**, votre dossier…',
      'Chère Madame Dupont,',
      'Sehr geehrte Frau Schmitz,',
      // Flemish as written every day (QA: "Goedendag," then the advisor's "Goeiemorgen Tom,")
      'Goeiemorgen Tom,',
      'Goeiedag mevrouw,',
      'Rebonjour Madame,',
      'Hey Sam,',
    ])
      expect(opensWithGreeting(text), text).to.equal(true);
  });

  it('does not take a word that only starts like one, or a greeting later in the text, for a greeting', () => {
    for (const text of [
      'Votre attestation est prête.',
      'Dagelijks bekijken wij uw vraag.',
      'Histoire de compléter : bonjour à votre collègue.',
      'Hier is uw attest. Dag!',
      'Highlights of your contract:',
      'Heyday of the cooperative',
      'Monsieurcompte',
      '',
      '   \n  ',
    ])
      expect(opensWithGreeting(text), text).to.equal(false);
  });
});
