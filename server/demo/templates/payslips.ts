/** Demo ticket templates of the category `payslips` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const payslips: readonly DemoTicketTemplate[] = [
  {
    category: 'payslips',
    language: 'fr',
    subject: 'Erreur sur ma fiche de paie de mars',
    body:
      "Bonjour, sur ma fiche de paie de mars je vois 4 jours prestés alors que j'ai travaillé 6 jours (contrats du 4, 5, 11, 12, 25 et 26 mars). " +
      "Le net est donc beaucoup plus bas que prévu : 612 € au lieu d'environ 900 €. Pouvez-vous vérifier ? Je compte sur ce montant pour mon loyer.",
    priority: 'high',
    followUps: {
      staffReply:
        'Bonjour, vous avez raison : les contrats du 25 et du 26 mars ont été validés après la clôture de la paie de mars. Ils ne sont pas perdus. ' +
        "Je demande à l'équipe administrative s'il est possible de faire un paiement complémentaire plutôt que d'attendre la paie d'avril.",
      handoff:
        'Fiche de paie de mars : 4 jours au lieu de 6. Les contrats du 25 et du 26/03 ont été validés le 28/03, après la clôture. Le membre compte sur ce montant pour son loyer. ' +
        "Besoin : paie complémentaire en mars si possible ; sinon, confirmer qu'ils passent en avril pour que je prévienne le membre.",
      handoffReason: 'payroll_correction',
    },
  },
  {
    category: 'payslips',
    language: 'fr',
    subject: 'Précompte professionnel très élevé ce mois-ci',
    body:
      "Bonjour, je trouve que le précompte retenu sur mon dernier salaire est énorme (plus de 30 %). Ma situation n'a pourtant pas changé. " +
      'Est-ce normal ?',
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, le précompte dépend du brut du mois : en avril, vous avez eu un salaire plus élevé que d'habitude (trois contrats sur le même mois), ce qui fait monter le barème. " +
        "Ce n'est pas une erreur, et la régularisation se fera avec votre déclaration d'impôts. Par contre, votre dossier ne mentionne aucun enfant à charge : si c'est inexact, dites-le-moi, cela réduirait le précompte.",
      memberReply: "Ah, j'ai pourtant deux enfants à charge, je pensais que c'était encodé. Je vous envoie une composition de ménage.",
      internalNote:
        "Situation familiale pas à jour dans le dossier (0 enfant à charge). Composition de ménage reçue, à faire encoder par l'équipe administrative avant la paie de mai.",
    },
  },
  {
    category: 'payslips',
    language: 'fr',
    subject: 'Quand vais-je recevoir mon pécule de vacances ?',
    body:
      "Bonjour, quand est-ce que je recevrai mon pécule de vacances ? Une amie, aussi membre de la coop, l'a déjà reçu et moi pas. " +
      "J'ai commencé mes premiers contrats en septembre.",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, cela dépend du statut de vos contrats. Pour les prestations déclarées comme ouvrier ou comme artiste, le pécule est payé par l'ONVA, en général en mai ou en juin, et pas par la coopérative. " +
        "Pour les prestations sous statut employé, il est versé avec la paie de mai ou de juin. D'après votre dossier, vos contrats sont tous artistiques : c'est donc l'ONVA qui vous paiera.",
    },
  },
  {
    category: 'payslips',
    language: 'fr',
    subject: 'salaire pas reçu',
    body:
      "bonjour, on est le 8 et je n'ai toujours pas reçu le salaire de ma facture payée le 29. c'est normal ? " +
      "j'ai des factures à payer moi aussi... merci",
    priority: 'high',
    followUps: {
      staffReply:
        'Bonjour, je comprends votre inquiétude. Le paiement du client est bien arrivé le 29, mais le virement de votre salaire a été bloqué : vous avez changé de numéro de compte le 3 et le nouvel IBAN attendait une vérification. ' +
        "C'est réglé, le virement est parti ce matin et devrait être sur votre compte demain au plus tard.",
      memberReply: "Ok merci, c'est arrivé ce matin.",
    },
  },
  {
    category: 'payslips',
    language: 'fr',
    subject: 'Frais de déplacement absents de ma fiche de paie',
    body:
      'Bonjour, sur ma fiche de paie de février, je ne retrouve pas le remboursement de mes frais de déplacement (182,40 € pour mes trajets entre Mons et Tournai). ' +
      "Pourtant, j'ai bien introduit la note de frais le 10 février. Pouvez-vous vérifier ? Bien cordialement.",
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, la note de frais a bien été introduite, mais elle attendait la vérification des justificatifs : un ticket de parking de 6 € était illisible. ' +
        "Je l'ai validée sans ce ticket, et 176,40 € seront versés avec la paie de mars. Si vous retrouvez le ticket, ajoutez-le : il sera remboursé ensuite.",
    },
  },
  {
    category: 'payslips',
    language: 'fr',
    subject: 'Fiches de paie de novembre et décembre introuvables',
    body:
      'Bonjour, ma banque me demande mes trois dernières fiches de paie pour un prêt hypothécaire, mais dans mon espace je ne trouve que celles de cette année. ' +
      "Où puis-je trouver celles de novembre et de décembre ? C'est assez urgent, j'ai rendez-vous à la banque vendredi.",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, les fiches de l'année passée sont rangées dans « Mes documents > Archives ». Pour vous faire gagner du temps, je vous les ai aussi jointes à ce message. " +
        'Bonne chance pour votre prêt !',
      memberReply: "Super, c'est exactement ce qu'il me fallait. Merci beaucoup !",
    },
  },
  {
    category: 'payslips',
    language: 'nl',
    subject: 'Fout op mijn loonfiche van april',
    body:
      'Hallo, op mijn loonfiche van april staat een brutobedrag van € 1.120, maar volgens mijn contracten zou het € 1.480 moeten zijn. ' +
      'Het contract van 18 april, bij een cultuurcentrum in Dilbeek, lijkt te ontbreken. Kunnen jullie dat nakijken?',
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, je hebt gelijk: het contract van 18 april werd pas na de loonafsluiting gevalideerd. Ik vraag de administratieve ploeg om een correctie en laat je weten wanneer het bedrag gestort wordt.',
      handoff:
        'Loonfiche april: contract van 18/04 (cultuurcentrum Dilbeek, bruto € 360) ontbreekt, gevalideerd op 29/04, na de afsluiting. ' +
        'Graag een aanvullende loonberekening, of bevestigen dat het met de lonen van mei meegaat, zodat ik het lid kan verwittigen.',
      handoffReason: 'payroll_correction',
    },
  },
  {
    category: 'payslips',
    language: 'nl',
    subject: 'Waarom is mijn nettoloon zo laag?',
    body:
      'Dag, ik snap niet waarom mijn nettoloon deze maand zo laag is. Mijn klant heeft € 2.000 betaald en ik krijg maar € 910 netto. ' +
      'Kan iemand me uitleggen hoe dat berekend wordt? Bedankt.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, van het bedrag dat je klant betaalt, gaan eerst de werkingsbijdrage van de coöperatie en de werkgeversbijdragen af. Daarna worden je persoonlijke RSZ-bijdrage (13,07 %) en de bedrijfsvoorheffing ingehouden. ' +
        'Ik heb de berekening voor je factuur stap voor stap in bijlage gezet. Als je wil, bellen we even om ze samen te overlopen.',
      memberReply: 'Bedankt, met de berekening erbij is het een stuk duidelijker.',
    },
  },
  {
    category: 'payslips',
    language: 'nl',
    subject: 'Wanneer krijg ik mijn vakantiegeld?',
    body: 'Goeiedag, wanneer wordt mijn vakantiegeld uitbetaald? Ik heb vorig jaar vooral als kunstenaar gewerkt via jullie. Alvast bedankt.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, voor prestaties als arbeider of kunstenaar wordt het vakantiegeld niet door ons betaald, maar door de Rijksdienst voor Jaarlijkse Vakantie (RJV), meestal in mei of juni. ' +
        'Je krijgt rechtstreeks bericht van de RJV zodra de betaling vertrekt.',
    },
  },
  {
    category: 'payslips',
    language: 'nl',
    subject: 'Ziek op de dag van mijn contract',
    body:
      'Hallo, ik had morgen een contract van een dag voor een opname in een studio in Vorst, maar ik lig met koorts in bed en heb een doktersbriefje. ' +
      'Word ik dan toch betaald (gewaarborgd loon)? De klant heeft de opname al verplaatst naar volgende week.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, beterschap! Stuur ons het doktersbriefje via dit ticket. Of je recht hebt op gewaarborgd loon hangt af van de duur van je contract en van je vorige contracten, ' +
        'dus ik laat het nakijken door de ondersteuningsploeg. Voor volgende week maken we gewoon een nieuw contract.',
      memberReply: 'Het doktersbriefje zit in bijlage. De nieuwe datum is dinsdag de 14de, zelfde uren.',
      handoff:
        'Lid ziek op de dag van een eendagscontract (opname studio Vorst), doktersbriefje in bijlage. Prestatie verplaatst naar dinsdag 14, zelfde uren. ' +
        'Vraag: recht op gewaarborgd loon voor het oorspronkelijke contract? Graag ook het contract op de nieuwe datum zetten.',
      handoffReason: 'payroll_correction',
    },
  },
];
