/** Demo ticket templates of the category `certificates` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const certificates: readonly DemoTicketTemplate[] = [
  {
    category: 'certificates',
    language: 'fr',
    subject: 'Demande de C4',
    body:
      "Bonjour, mon dernier contrat avec vous s'est terminé le 31 mai et mon syndicat me demande un C4 pour ouvrir mes droits au chômage. " +
      "Pouvez-vous me l'envoyer rapidement ? Sans ce document, je n'aurai pas d'allocations pour juin. Merci beaucoup.",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, je transmets la demande de C4 à l'équipe administrative. Comme vous avez eu plusieurs contrats courts en mai, le C4 reprendra chaque période. " +
        'Vous le recevrez par e-mail, et votre syndicat pourra aussi le consulter par voie électronique.',
      handoff:
        'Demande de C4, fin du dernier contrat au 31/05. Le membre en a besoin rapidement pour ses allocations de juin. ' +
        "Besoin : établir le C4 pour les contrats courts de mai (7 jours) et l'envoyer au membre.",
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'fr',
    subject: 'Attestation de revenus pour un bail',
    body:
      'Bonjour, mon futur propriétaire me demande une attestation de revenus des six derniers mois pour signer le bail. ' +
      "Est-ce que vous pouvez me faire ça rapidement ? Je dois la lui donner lundi. Merci d'avance.",
    priority: 'high',
    followUps: {
      staffReply:
        'Bonjour, vous pouvez télécharger vous-même une attestation de revenus dans votre espace (Mes documents > Attestations > Revenus) en choisissant la période. ' +
        "Si votre propriétaire veut un document signé, dites-le-moi et je demande une version signée à l'équipe administrative.",
      memberReply: 'Il veut une version signée avec cachet, oui. Ce serait possible pour lundi ?',
      handoff:
        "Attestation de revenus sur les six derniers mois, signée et cachetée, demandée par le futur propriétaire du membre. L'attestation téléchargeable ne suffit pas. " +
        'Échéance : lundi (signature du bail).',
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'fr',
    subject: 'Fiche 281.10 et montants dans Tax-on-web',
    body:
      "Bonjour, je remplis ma déclaration d'impôts et les montants préremplis dans Tax-on-web me semblent bizarres. " +
      "Je ne retrouve pas non plus ma fiche 281.10 de l'année passée. Est-ce qu'elle a bien été envoyée ? Bien à vous.",
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, les fiches 281.10 ont été transmises au SPF Finances fin février et sont disponibles dans votre espace (Mes documents > Fiscal). ' +
        "Les montants préremplis viennent de cette fiche. Si un montant vous semble faux, envoyez-moi une capture d'écran et je compare avec nos données.",
      memberReply: 'Je vois 14 230 € en rémunérations (code 1250) alors que je pensais avoir gagné moins de 12 000 € brut. Capture en pièce jointe.',
      internalNote:
        "La différence correspond peut-être au salaire de décembre payé en janvier, ou aux indemnités de frais mal classées. À vérifier avec l'équipe administrative avant de répondre au membre.",
    },
  },
  {
    category: 'certificates',
    language: 'fr',
    subject: 'Document pour la mutuelle (incapacité de travail)',
    body:
      "Bonjour, je suis en incapacité de travail depuis le 2 avril après une opération du genou. Ma mutuelle me demande un document de l'employeur, " +
      "je crois que c'est une feuille de renseignements. Je ne sais pas trop quoi vous demander exactement. Merci de votre aide.",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, bon rétablissement ! La mutuelle a besoin des renseignements de l'employeur, que nous transmettons par une déclaration électronique. " +
        "Je la demande à l'équipe administrative. Pouvez-vous me confirmer votre dernier jour de travail sous contrat ?",
      memberReply: 'Mon dernier contrat était le 28 mars.',
      handoff:
        'Incapacité de travail depuis le 02/04 (opération du genou), dernier jour presté le 28/03. La mutuelle demande les renseignements employeur. ' +
        'Besoin : déclaration de risque social (maladie) et confirmation au membre une fois envoyée.',
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'fr',
    subject: 'Récapitulatif de mes contrats artistiques depuis 2019',
    body:
      'Bonjour, pour le renouvellement de mon attestation du travail des arts, je dois prouver mes prestations artistiques des dernières années. ' +
      "Pouvez-vous m'envoyer un récapitulatif de tous mes contrats artistiques depuis 2019, avec les montants ? Merci.",
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, je peux vous sortir tout de suite la liste de vos contrats depuis 2019 avec les montants bruts, je la joins à ce message. ' +
        "Pour la Commission du travail des arts, une attestation signée est préférable : je la demande à l'équipe administrative, comptez environ une semaine.",
      handoff:
        "Attestation signée des prestations artistiques depuis 2019 (dates, régime cachet/horaire, montants bruts), pour un renouvellement de l'attestation du travail des arts. " +
        'La liste non signée a déjà été envoyée au membre.',
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'fr',
    subject: 'attestation de travail pour la crèche - urgent',
    body:
      'bonjour, la crèche me demande une attestation de travail pour garder la place de mon fils (prouver que je travaille). ' +
      "ils la veulent pour demain. c'est possible ??",
    priority: 'urgent',
    followUps: {
      staffReply:
        "Bonjour, je vous ai préparé une attestation d'occupation avec vos contrats des trois derniers mois. Elle est jointe à ce message et se trouve aussi dans votre espace. " +
        'Si la crèche exige son propre formulaire, envoyez-le-moi et je le fais compléter.',
      memberReply: "Merci, c'est parfait, la crèche l'a acceptée.",
    },
  },
  {
    category: 'certificates',
    language: 'nl',
    subject: 'C4 nodig voor de RVA',
    body:
      'Goedendag, mijn laatste contract via jullie eindigde op 30 april en mijn vakbond vraagt een C4. ' +
      'Kunnen jullie dat opmaken? Het is vrij dringend, anders krijg ik geen uitkering voor mei. Groeten.',
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, ik heb de aanvraag voor je C4 doorgestuurd naar de administratieve ploeg. Je krijgt het per mail en je vakbond kan het ook elektronisch raadplegen.',
      handoff:
        'Aanvraag C4, einde laatste contract op 30/04. Dringend voor de uitkering van mei. Graag de C4 opmaken, elektronisch aangeven en het lid verwittigen.',
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'nl',
    subject: 'Werkgeversattest voor de kinderopvang',
    body:
      'Dag, de kinderopvang van mijn dochter vraagt een werkgeversattest waaruit blijkt dat ik werk. Kunnen jullie dat opmaken? ' +
      'Liefst met het aantal uren per week erop. Alvast bedankt.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, ik heb een attest van tewerkstelling opgemaakt met je contracten van de laatste drie maanden. Omdat je met korte contracten werkt, staat er een gemiddelde van 22 uur per week op. ' +
        'Je vindt het in bijlage en in je online ruimte.',
    },
  },
  {
    category: 'certificates',
    language: 'nl',
    subject: 'Geen inkomsten zichtbaar in Tax-on-web',
    body:
      'Hallo, in Tax-on-web staat bij mij geen enkel inkomen van jullie, terwijl ik vorig jaar meerdere contracten had. ' +
      'Is de fiche 281.10 wel doorgestuurd? Ik moet mijn aangifte tegen eind juni indienen. Mvg.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, je fiche 281.10 werd wel opgemaakt, maar met een fout in je rijksregisternummer (twee cijfers omgewisseld). Daardoor is ze niet aan je dossier bij de FOD Financiën gekoppeld. ' +
        'Ik vraag de administratieve ploeg om een verbeterde fiche in te dienen; je hoort van ons zodra het gebeurd is.',
      internalNote: 'Rijksregisternummer in de ledenfiche intussen verbeterd, na controle met de kopie van de identiteitskaart.',
      handoff:
        'Fiche 281.10 van vorig jaar ingediend met een fout rijksregisternummer (cijfers 5 en 6 omgewisseld), daardoor niet zichtbaar in Tax-on-web. ' +
        'Ledenfiche is al verbeterd. Graag een gecorrigeerde fiche indienen bij de FOD Financiën; het lid moet zijn aangifte tegen eind juni indienen.',
      handoffReason: 'certificate_request',
    },
  },
  {
    category: 'certificates',
    language: 'nl',
    subject: 'Attest van inkomsten voor een lening',
    body:
      'Dag, de bank vraagt een attest van mijn inkomsten van de laatste twaalf maanden voor een woonkrediet. ' +
      "Kunnen jullie zo'n attest opmaken, liefst ondertekend? Bedankt!",
    priority: 'normal',
  },
  {
    category: 'certificates',
    language: 'en',
    subject: 'Employer form for my registration at the commune',
    body:
      "Hello, I'm from Poland and I'm registering at the commune of Ixelles. They gave me a form that has to be filled in by my employer to prove that I work. " +
      "Could you fill it in? I've attached it. Thank you!",
    priority: 'high',
    followUps: {
      staffReply:
        "Hi, we've received the form. As you work on short contracts, the commune sometimes asks for extra proof, so I've asked the administrative team to fill in the form and add an overview of your contracts over the last six months. " +
        'You should have it within three working days.',
      handoff:
        'Member (EU citizen) registering at the commune of Ixelles; the employer section of the attached form needs to be completed. ' +
        "Please also add an overview of the member's contracts over the last six months. The member writes in English.",
      handoffReason: 'certificate_request',
    },
  },
];
