/** A member's "thank you" to a resolved request does not reopen it (tickets/thanks.ts); anything more does. */
import { expect } from 'chai';
import { onlyThanks } from '../../server/tickets/thanks.js';

describe('thanks: does a message only say thank you?', () => {
  it('knows thanks in French, Dutch, English and German, with greetings, praise, emoji, a signature and a phone footer', () => {
    for (const text of [
      'Merci !',
      'Merci beaucoup pour votre aide 🙏',
      "Merci, c'est parfait.\n\nBonne journée,\nMarie",
      'MERCIIII',
      'Bonjour,\nmerci pour la réponse rapide.\nCordialement,\nClaire Martin',
      'Bedankt!',
      'Dank u wel, het werkt.\nGroetjes\nJef',
      'Hartelijk dank voor de snelle reactie!',
      'Thanks a lot, that sorted it.\nMark',
      'Thank you so much! 👍',
      'Merci Sophie !',
      'Ok merci',
      'Vielen Dank',
      'Danke schön!',
      'Merci beaucoup\n\nEnvoyé de mon iPhone',
      // QA: common thanks that reopened
      'Many thanks!',
      'Grand merci',
      'Thanks, got it!',
      'Bedankt, ontvangen.',
      "Merci, j'ai bien reçu le document.",
      // Outlook's text part names the signature's logo
      'Merci beaucoup !\n\nClaire Martin\n[cid:image001.png@01DA2B3C.4D5E6F70]',
      'Bedankt!\n[image: logo.png]',
      'Bedankt, Jef',
    ])
      expect(onlyThanks(text, ['Claire Martin']), text).to.equal(true);
  });

  it('reopens for anything that asks, objects, or adds: a question, a "but", a number, another sentence', () => {
    for (const text of [
      'Merci, mais ça ne fonctionne toujours pas.',
      'Merci ! Et pour le mois prochain ?',
      'Bedankt, maar ik heb nog een vraag',
      'Thanks, but the amount is still wrong.',
      'Merci, je vous renvoie le formulaire demain.',
      'Merci. Mon numéro est 12345.',
      'Bonjour, je ne suis pas d’accord.',
      'Merci beaucoup Pourtant',
      // QA: capitalised after a full stop, these are not names, nor a signature
      'Merci. Pas résolu.',
      'Bedankt. Niet opgelost.',
      'Thanks. Not solved.',
      'Merci\nRappelez-moi SVP',
      'Merci.\nNon.',
      'Merci. Toujours rien reçu.',
      'Thanks. Still waiting',
      'Bedankt. Nog steeds niets.',
      'Bonjour',
      'Ok',
      '',
      // long: a real letter, not a thanks
      `Merci ${'beaucoup '.repeat(30)}`,
    ])
      expect(onlyThanks(text, ['Claire Martin']), text).to.equal(false);
  });

  it('takes the member’s own name anywhere, an unknown name only after a thanks or a greeting or alone on the last line', () => {
    expect(onlyThanks('Merci beaucoup, Claire Martin', ['Claire Martin'])).to.equal(true);
    expect(onlyThanks('Merci beaucoup, Claire Martin', [])).to.equal(false);
    expect(onlyThanks('Merci, Claire', [])).to.equal(true);
    expect(onlyThanks('Merci\nClaire', [])).to.equal(true);
    expect(onlyThanks('Merci\nCe document', [])).to.equal(false);
  });
});
