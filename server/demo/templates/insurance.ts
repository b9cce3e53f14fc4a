/** Demo ticket templates of the category `insurance` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const insurance: readonly DemoTicketTemplate[] = [
  {
    category: 'insurance',
    language: 'fr',
    subject: 'Accident pendant un cours de danse',
    body:
      "Bonjour, je me suis fait une entorse à la cheville hier en donnant un cours de danse à Marchienne-au-Pont, et le médecin me prescrit 10 jours d'arrêt. " +
      "J'étais sous contrat avec vous ce jour-là. Comment déclarer l'accident de travail ? J'ai le certificat médical.",
    priority: 'urgent',
    followUps: {
      staffReply:
        "Bonjour, bon rétablissement ! L'accident doit être déclaré à l'assureur dans les 8 jours. Je vous envoie le formulaire de déclaration à compléter ; " +
        "renvoyez-le avec le certificat médical en réponse à ce message et je transmets directement à l'équipe qui gère les déclarations.",
      memberReply: 'Voici le formulaire complété et le certificat médical. Une élève a vu la chute, ses coordonnées sont dans le formulaire.',
      handoff:
        "Accident de travail pendant une prestation sous contrat (cours de danse, Marchienne-au-Pont, hier). Entorse à la cheville, 10 jours d'incapacité. " +
        "Formulaire et certificat médical joints, un témoin identifié. Besoin : déclaration à l'assureur dans le délai de 8 jours (il en reste 6).",
      handoffReason: 'insurance_claim',
    },
  },
  {
    category: 'insurance',
    language: 'fr',
    subject: 'RC professionnelle pour des travaux chez des particuliers',
    body:
      "Bonjour, je fais de la menuiserie et des petits travaux chez des particuliers. Si j'abîme quelque chose chez un client, par exemple un parquet, " +
      "est-ce que l'assurance RC professionnelle de la coopérative me couvre ? Ou dois-je en prendre une moi-même ?",
    priority: 'low',
    followUps: {
      staffReply:
        'Bonjour, la coopérative a une assurance responsabilité civile professionnelle qui couvre les dommages causés à des tiers pendant vos prestations sous contrat. ' +
        "Certaines activités de construction demandent toutefois une couverture spécifique ; je demande à l'équipe de soutien de vérifier ce qui s'applique à la menuiserie.",
      handoff:
        'Membre qui fait de la menuiserie et des petits travaux chez des particuliers. Question : la RC pro couvre-t-elle les dégâts chez le client, ' +
        'et une assurance complémentaire est-elle obligatoire (loi Peeters-Borsus) ? Besoin : réponse précise selon la police en cours.',
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'insurance',
    language: 'fr',
    subject: 'Matériel photo volé dans ma voiture',
    body:
      "Bonjour, on m'a volé mon appareil photo et deux objectifs dans ma voiture après un shooting à Mons samedi soir, pour une valeur d'environ 2 800 €. " +
      "J'ai porté plainte, le PV est en pièce jointe. Est-ce que l'assurance de la coopérative couvre le vol de matériel ?",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, quel coup dur, ce vol. L'assurance RC professionnelle ne couvre malheureusement pas le vol de votre propre matériel : il faut pour cela une assurance « tous risques matériel ». " +
        "Je vérifie quand même avec l'équipe de soutien si une garantie peut jouer dans votre cas, et je reviens vers vous cette semaine.",
      internalNote:
        "Le membre n'a pas souscrit l'option tous risques matériel (vérifié dans son dossier). Réponse probable : pas couvert, mais demander au soutien si son assurance auto ou habitation peut intervenir.",
    },
  },
  {
    category: 'insurance',
    language: 'fr',
    subject: "Attestation d'assurance demandée par un centre culturel",
    body:
      "Bonjour, un centre culturel de Soignies me demande une attestation d'assurance RC pour une installation artistique dans leur hall, du 2 au 30 septembre. " +
      'Vous pouvez me la fournir ? Merci.',
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, voici l'attestation d'assurance RC professionnelle de la coopérative, au nom de votre activité. " +
        "Si le centre culturel veut aussi que l'installation soit assurée contre la casse ou le vol, c'est une autre couverture : dites-le-moi et on regarde ensemble.",
    },
  },
  {
    category: 'insurance',
    language: 'nl',
    subject: 'Gevallen met de fiets op weg naar een klant',
    body:
      'Goedemiddag, ik ben vanmorgen met de fiets gevallen op weg naar een klant in Elsene. Mijn pols is gebroken, ik heb een attest van de spoeddienst. ' +
      'Ik had een contract voor vandaag. Wat moet ik doen?',
    priority: 'urgent',
    followUps: {
      staffReply:
        'Dag, veel beterschap! Een ongeval op weg naar het werk is een arbeidswegongeval en valt onder onze arbeidsongevallenverzekering, omdat je voor vandaag een contract had. ' +
        'Ik stuur je het aangifteformulier: stuur het ingevuld terug samen met het attest van de spoeddienst. Laat je klant ook weten dat je niet komt.',
      memberReply: 'Formulier en attest in bijlage. Ik ben waarschijnlijk zes weken out.',
      handoff:
        'Arbeidswegongeval vanmorgen (fiets, onderweg naar een klant in Elsene), contract voor vandaag bestond. Gebroken pols, ongeveer 6 weken arbeidsongeschikt. ' +
        'Formulier en attest van de spoeddienst in bijlage. Graag aangifte bij de verzekeraar binnen de 8 dagen, en nagaan wat er gebeurt met de geplande contracten van de komende weken.',
      handoffReason: 'insurance_claim',
    },
  },
  {
    category: 'insurance',
    language: 'nl',
    subject: 'Verzekeringsattest burgerlijke aansprakelijkheid',
    body:
      'Hallo, ik geef een workshop voor kinderen in een jeugdhuis in Jette. De organisator vraagt of ik verzekerd ben voor burgerlijke aansprakelijkheid. ' +
      'Ben ik dat via jullie? En kunnen jullie een attest sturen?',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, ja: tijdens je prestaties onder contract ben je gedekt door onze verzekering burgerlijke aansprakelijkheid. Het verzekeringsattest zit in bijlage. ' +
        'Let wel: de kinderen zelf zijn daarmee niet verzekerd tegen lichamelijke ongevallen; dat regelt de organisator meestal zelf.',
    },
  },
  {
    category: 'insurance',
    language: 'en',
    subject: 'Am I insured while working in Lisbon?',
    body:
      "Hi, next month I'm giving a three-day workshop in Lisbon for a Belgian client. " +
      "Am I covered by the cooperative's insurance while I'm there, for accidents and liability? Thanks!",
    priority: 'normal',
    followUps: {
      staffReply:
        "Hi, yes: the work accident and professional liability insurance cover you abroad as long as you're working under a contract with us. " +
        "For healthcare, take your European Health Insurance Card from your mutuelle. For a posting abroad we also need an A1 form, so I'm asking the support team to request it.",
      handoff:
        'Member working three days in Lisbon next month for a Belgian client; insurance cover confirmed to the member. ' +
        'Needed: A1 application (posting, three days) before departure. Contract dates are already in the system.',
      handoffReason: 'legal_question',
    },
  },
];
