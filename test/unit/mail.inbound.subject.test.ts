import { expect } from 'chai';
import { subjectFromBody, ticketSubject } from '../../server/mail/inbound/subject.js';

describe('inbound: the subject of a ticket opened by mail', () => {
  it("keeps the mail's own subject, without Re: and an earlier ticket's tag", () => {
    expect(ticketSubject('Re: [R-2026-000123] Attestation de décembre', 'Bonjour,\nToujours rien reçu.', 'fr')).to.equal('Attestation de décembre');
  });

  it('names a mail without a subject of its own by its first words, after the greeting', () => {
    const body = 'Bonjour Madame,\n\nMon attestation de décembre n’est pas arrivée.\nMerci d’avance,\nLéa';
    expect(ticketSubject('Re: [R-2026-000123]', body, 'fr')).to.equal('Mon attestation de décembre n’est pas arrivée.');
    expect(ticketSubject('', 'Beste,\n\nIk heb mijn loonbrief van maart nog niet ontvangen.', 'nl')).to.equal(
      'Ik heb mijn loonbrief van maart nog niet ontvangen.',
    );
    expect(ticketSubject(null, 'Hi team!\n> quoted line\nCan I change my bank account?', 'en')).to.equal('Can I change my bank account?');
  });

  it('keeps a first line that greets and asks at once', () => {
    expect(subjectFromBody('Bonjour, je n’ai pas reçu ma fiche de paie de mars')).to.equal('Bonjour, je n’ai pas reçu ma fiche de paie de mars');
    expect(subjectFromBody('Hallo?')).to.equal('Hallo?');
  });

  it('cuts a long first line at a word, with an ellipsis', () => {
    const line = 'Je voudrais savoir pourquoi le montant net de ma fiche de paie de mars ne correspond pas à mes prestations déclarées';
    const subject = subjectFromBody(line);
    expect(subject.length).to.be.at.most(81);
    expect(subject).to.equal('Je voudrais savoir pourquoi le montant net de ma fiche de paie de mars ne…');
  });

  it('says "no subject" in the ticket’s language when the body has no words either', () => {
    expect(ticketSubject('Re: [R-2026-000123]', '', 'nl')).to.equal('(geen onderwerp)');
    expect(ticketSubject('', 'Bonjour,\n-- \nLéa Martin', 'fr')).to.equal('(sans objet)');
    expect(ticketSubject('', '   ', 'xx')).to.equal('(sans objet)');
  });

  it('never takes a quoted mail’s attribution, a forwarded header or a German greeting for the request', () => {
    // Nothing written above the quote: no words of the member's own.
    expect(subjectFromBody('Le lun. 3 mars 2026 à 10:12, Relais <support@relais.demo> a écrit :\n> Votre demande R-2026-000123')).to.equal('');
    expect(subjectFromBody('Op ma 3 mrt 2026 om 10:12 schreef Relais <\nhulp@relais.demo>:\n> Uw vraag')).to.equal('');
    // A forward that says nothing: the forwarded mail's subject, never a third party's address.
    const forward =
      '---------- Forwarded message ---------\nDe : Anna Peeters <anna@example.be>\nDate: lun. 3 mars 2026\nSubject: Fwd: Attestation de travail 2025\nÀ : Léa <lea@example.be>\n\nBonjour Léa, voici…';
    expect(subjectFromBody(forward)).to.equal('Attestation de travail 2025');
    expect(subjectFromBody('Sehr geehrte Damen und Herren,\n\nmeine Lohnabrechnung fehlt.')).to.equal('meine Lohnabrechnung fehlt.');
    expect(subjectFromBody('Guten Tag,\nIch brauche eine Bescheinigung.')).to.equal('Ich brauche eine Bescheinigung.');
  });
});
