/**
 * The language of a member's mail, short ones included: "Hi, my payslip is wrong. Thanks, Mark" was
 * answered in French (franc cannot tell so few letters); the everyday words of each language can.
 */
import { expect } from 'chai';
import { detectLanguage } from '../../server/mail/inbound/content.js';

describe('inbound: the language of a short mail', () => {
  it('tells French, Dutch, English and German apart in one short sentence', () => {
    const cases: Array<[string, string]> = [
      ['payslip\nHi, my payslip is wrong. Thanks, Mark', 'en'],
      ['Hello, I cannot log in anymore, can you help?', 'en'],
      ['Bonjour, ma fiche de paie est fausse. Merci', 'fr'],
      ['Dag, mijn loonbrief klopt niet. Bedankt', 'nl'],
      ['Hallo, meine Rechnung ist falsch. Danke', 'de'],
    ];
    for (const [text, language] of cases) expect(detectLanguage(text), text).to.equal(language);
  });

  it('says nothing rather than guess from a word or two', () => {
    for (const text of ['ok', 'Facture', 'Merci !', 'Thanks!', '', 'R-2026-000123 https://example.be']) expect(detectLanguage(text), text).to.equal(null);
  });
});
