import { expect } from 'chai';
import { endsWithSignOff } from '../../server/lib/reply-markup.js';

describe('a reply signed by hand (endsWithSignOff)', () => {
  it('sees a short last line naming the author', () => {
    expect(endsWithSignOff('Het is in orde.\n\nMet vriendelijke groeten,\nPieter', 'Pieter Janssens')).to.equal(true);
    expect(endsWithSignOff('Voilà.\n\nBien à vous,\nPieter Janssens\n\n', 'Pieter Janssens')).to.equal(true);
    expect(endsWithSignOff('Done.\n— pieter, Advice Liège', 'Pieter Janssens')).to.equal(true);
    expect(endsWithSignOff('Merci !\nÉlodie', 'Élodie Martin')).to.equal(true);
  });

  it('does not take a name inside a word, in a long line or elsewhere in the text for a sign-off', () => {
    expect(endsWithSignOff('Pieter a vérifié votre dossier.\nNous revenons vers vous demain.', 'Pieter Janssens')).to.equal(false);
    expect(endsWithSignOff('Voir la note de Pietersen.', 'Pieter Janssens')).to.equal(false);
    expect(endsWithSignOff(`Pieter ${'x'.repeat(80)}`, 'Pieter Janssens')).to.equal(false);
    expect(endsWithSignOff('Bien à vous', 'A')).to.equal(false);
    expect(endsWithSignOff('', 'Pieter Janssens')).to.equal(false);
  });
});
