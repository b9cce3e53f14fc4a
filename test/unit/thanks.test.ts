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
      expect(onlyThanks(text, ['Claire Martin', 'Sophie Delvaux', 'Jef Claes', 'Mark Evans', 'Marie Dupont']), text).to.equal(true);
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
      // Review: a capitalised word is no name unless it is one the caller gives
      'Merci\nAnnulez',
      'Thanks\nRefund',
      'Thanks,\nWrong Amount',
      'MERCI\nURGENT',
      'Merci, Annulation',
      'Danke, Nein',
      'Thanks. Help!',
      'Merci 🙁',
      'Merci 😡😡',
      // thanks in advance expects something still to come
      'Merci d’avance',
      'Alvast bedankt',
      'Thanks in advance',
      'Bonjour',
      'Ok',
      '',
      // long: a real letter, not a thanks
      `Merci ${'beaucoup '.repeat(30)}`,
    ])
      expect(onlyThanks(text, ['Claire Martin']), text).to.equal(false);
  });

  it('takes a name only when it is one the caller gives (the member’s, the advisor’s), wherever it stands', () => {
    expect(onlyThanks('Merci beaucoup, Claire Martin', ['Claire Martin'])).to.equal(true);
    expect(onlyThanks('Merci beaucoup, Claire Martin', [])).to.equal(false);
    expect(onlyThanks('Merci Sophie !\nClaire', ['Claire Martin', 'Sophie Delvaux'])).to.equal(true);
    expect(onlyThanks('Merci, Claire', [])).to.equal(false);
    expect(onlyThanks('Merci\nCe document', ['Claire Martin'])).to.equal(false);
    expect(onlyThanks('Merci pour votre aide', [])).to.equal(true);
    expect(onlyThanks('Bedankt voor de hulp', [])).to.equal(true);
  });
});
