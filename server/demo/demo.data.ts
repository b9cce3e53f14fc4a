/**
 * Demo data for Relais: categories, reason codes, members and ticket templates
 * for a Belgian shared-enterprise cooperative of freelancers.
 *
 * Pure data: no imports, no I/O. The demo seeder turns these constants into documents.
 * Every e-mail address uses a reserved example domain; every name, client, invoice number
 * and amount is invented. Ticket texts never name the member (templates are paired with
 * members at random), so bodies and replies greet and sign without first names.
 */

export type DemoLanguage = 'fr' | 'nl' | 'en';
export type DemoOfficeCode = 'liege' | 'charleroi' | 'mons' | 'bruxelles';
export type DemoMove = 'escalate' | 'return' | 'reassign';
export type DemoPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface DemoLabel {
  readonly fr: string;
  readonly nl: string;
  readonly en: string;
}

// ---------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------

export interface DemoCategory {
  /** snake_case ASCII, matches /^[a-z0-9_]{2,40}$/. */
  readonly code: string;
  readonly label: DemoLabel;
  readonly order: number;
}

export const demoCategories = [
  { code: 'contracts', label: { fr: 'Contrats', nl: 'Contracten', en: 'Contracts' }, order: 10 },
  { code: 'invoices', label: { fr: 'Factures et TVA', nl: 'Facturen en btw', en: 'Invoices and VAT' }, order: 20 },
  { code: 'payslips', label: { fr: 'Fiches de paie et salaires', nl: 'Loonfiches en lonen', en: 'Payslips and salary' }, order: 30 },
  {
    code: 'certificates',
    label: { fr: 'Attestations et documents sociaux', nl: 'Attesten en sociale documenten', en: 'Certificates and social documents' },
    order: 40,
  },
  { code: 'advances', label: { fr: 'Avances sur facture', nl: 'Voorschotten op facturen', en: 'Advances on invoices' }, order: 50 },
  { code: 'expenses', label: { fr: 'Notes de frais', nl: "Onkostennota's", en: 'Expense claims' }, order: 60 },
  { code: 'insurance', label: { fr: 'Assurances et accidents', nl: 'Verzekeringen en ongevallen', en: 'Insurance and accidents' }, order: 70 },
  { code: 'account', label: { fr: 'Accès au compte et profil', nl: 'Toegang tot account en profiel', en: 'Account access and profile' }, order: 80 },
  { code: 'other', label: { fr: 'Autre question', nl: 'Andere vraag', en: 'Other question' }, order: 90 },
] as const satisfies readonly DemoCategory[];

export type DemoCategoryCode = (typeof demoCategories)[number]['code'];

// ---------------------------------------------------------------------------
// Reason codes (escalate = tier n → n+1, return = back to a lower tier, reassign = supervisor move)
// ---------------------------------------------------------------------------

export interface DemoReasonCode {
  /** snake_case ASCII, matches /^[a-z0-9_]{2,40}$/. */
  readonly code: string;
  readonly label: DemoLabel;
  readonly appliesTo: readonly DemoMove[];
  readonly order: number;
}

export const demoReasonCodes = [
  {
    code: 'needs_contract_change',
    label: { fr: 'Modification de contrat nécessaire', nl: 'Contractwijziging nodig', en: 'Contract change needed' },
    appliesTo: ['escalate'],
    order: 10,
  },
  {
    code: 'payroll_correction',
    label: { fr: 'Correction de paie', nl: 'Looncorrectie', en: 'Payroll correction' },
    appliesTo: ['escalate'],
    order: 20,
  },
  {
    code: 'certificate_request',
    label: {
      fr: 'Attestation ou document officiel à établir',
      nl: 'Attest of officieel document op te maken',
      en: 'Certificate or official document to issue',
    },
    appliesTo: ['escalate'],
    order: 30,
  },
  {
    code: 'invoice_dispute',
    label: { fr: 'Recouvrement ou litige sur facture', nl: 'Invordering of betwisting van factuur', en: 'Invoice recovery or dispute' },
    appliesTo: ['escalate'],
    order: 40,
  },
  {
    code: 'advance_approval',
    label: { fr: 'Avance à valider', nl: 'Voorschot goed te keuren', en: 'Advance to approve' },
    appliesTo: ['escalate'],
    order: 50,
  },
  {
    code: 'legal_question',
    label: { fr: 'Question juridique, fiscale ou sociale', nl: 'Juridische, fiscale of sociale vraag', en: 'Legal, tax or social security question' },
    appliesTo: ['escalate'],
    order: 60,
  },
  {
    code: 'insurance_claim',
    label: { fr: "Déclaration d'accident ou de sinistre", nl: 'Aangifte van ongeval of schadegeval', en: 'Accident or insurance claim' },
    appliesTo: ['escalate'],
    order: 70,
  },
  {
    code: 'technical_account_issue',
    label: { fr: 'Problème technique de compte', nl: 'Technisch probleem met account', en: 'Technical account issue' },
    appliesTo: ['escalate'],
    order: 80,
  },
  {
    code: 'missing_information',
    label: { fr: 'Informations manquantes dans le transfert', nl: 'Ontbrekende informatie in de overdracht', en: 'Missing information in the handoff' },
    appliesTo: ['return'],
    order: 90,
  },
  {
    code: 'wrong_tier',
    label: { fr: 'Mauvais niveau de traitement', nl: 'Verkeerd behandelingsniveau', en: 'Wrong tier' },
    appliesTo: ['return', 'reassign'],
    order: 100,
  },
  {
    code: 'workload_balance',
    label: { fr: 'Équilibrage de la charge de travail', nl: 'Spreiding van de werklast', en: 'Workload balancing' },
    appliesTo: ['reassign'],
    order: 110,
  },
  {
    code: 'language_match',
    label: { fr: 'Langue du membre', nl: 'Taal van het lid', en: "Member's language" },
    appliesTo: ['reassign'],
    order: 120,
  },
] as const satisfies readonly DemoReasonCode[];

export type DemoReasonCodeCode = (typeof demoReasonCodes)[number]['code'];

// ---------------------------------------------------------------------------
// Members (39 fr, 18 nl, 3 en)
// ---------------------------------------------------------------------------

export interface DemoMember {
  readonly name: string;
  /** Lower-case, always on a reserved example domain. */
  readonly email: string;
  /** 'M-' followed by six digits, or null for a member whose file is not complete yet. */
  readonly memberNumber: string | null;
  readonly language: DemoLanguage;
  readonly office: DemoOfficeCode;
}

export const demoMembers: readonly DemoMember[] = [
  // Liège
  { name: 'Jean-Pierre Lejeune', email: 'jp.lejeune@example.be', memberNumber: 'M-104233', language: 'fr', office: 'liege' },
  { name: 'Marie Dethier', email: 'marie.dethier@example.be', memberNumber: 'M-118702', language: 'fr', office: 'liege' },
  { name: 'Céline Renard', email: 'celine.renard@mail.example', memberNumber: 'M-121459', language: 'fr', office: 'liege' },
  { name: 'Michaël Bastin', email: 'michael.bastin@example.com', memberNumber: 'M-097815', language: 'fr', office: 'liege' },
  { name: 'Nathalie Lambotte', email: 'n.lambotte@example.be', memberNumber: 'M-130044', language: 'fr', office: 'liege' },
  { name: 'Gauthier Hanquet', email: 'gauthier.hanquet@example.be', memberNumber: 'M-112390', language: 'fr', office: 'liege' },
  { name: 'Aurélie Collignon', email: 'aurelie.collignon@mail.example', memberNumber: 'M-125871', language: 'fr', office: 'liege' },
  { name: 'Sébastien Grosjean', email: 'seb.grosjean@example.com', memberNumber: 'M-108826', language: 'fr', office: 'liege' },
  { name: 'Julie Delhez', email: 'julie.delhez@example.be', memberNumber: null, language: 'fr', office: 'liege' },
  { name: 'François Thonon', email: 'francois.thonon@example.be', memberNumber: 'M-099341', language: 'fr', office: 'liege' },
  { name: 'Amandine Léonard', email: 'amandine.leonard@mail.example', memberNumber: 'M-133508', language: 'fr', office: 'liege' },
  { name: 'Hélène Piron', email: 'atelier.piron@example.be', memberNumber: 'M-102967', language: 'fr', office: 'liege' },
  { name: 'Kevin Joris', email: 'kevin.joris@example.com', memberNumber: 'M-127410', language: 'fr', office: 'liege' },
  // Charleroi
  { name: 'Laurent Dufrasne', email: 'laurent.dufrasne@example.be', memberNumber: 'M-111902', language: 'fr', office: 'charleroi' },
  { name: 'Sophie Delvaux', email: 'sophie.delvaux@mail.example', memberNumber: 'M-119334', language: 'fr', office: 'charleroi' },
  { name: 'Caroline Hubaut', email: 'caroline.hubaut@example.be', memberNumber: 'M-124785', language: 'fr', office: 'charleroi' },
  { name: 'Jérôme Mathy', email: 'jerome.mathy@example.com', memberNumber: 'M-106653', language: 'fr', office: 'charleroi' },
  { name: 'Fabienne Dumont', email: 'fabienne.dumont@example.be', memberNumber: 'M-095127', language: 'fr', office: 'charleroi' },
  { name: 'Maxime Desmet', email: 'maxime.desmet@mail.example', memberNumber: 'M-131276', language: 'fr', office: 'charleroi' },
  { name: 'Élodie Lemaire', email: 'elodie.lemaire@example.be', memberNumber: 'M-128019', language: 'fr', office: 'charleroi' },
  { name: 'Olivier Gilson', email: 'olivier.gilson@example.be', memberNumber: 'M-103588', language: 'fr', office: 'charleroi' },
  { name: 'Sandrine Baudoux', email: 'sandrine.baudoux@example.com', memberNumber: 'M-116240', language: 'fr', office: 'charleroi' },
  { name: 'Giuseppe Lo Bue', email: 'giuseppe.lobue@example.be', memberNumber: 'M-109977', language: 'fr', office: 'charleroi' },
  { name: 'Carmela Russo', email: 'carmela.russo@mail.example', memberNumber: null, language: 'fr', office: 'charleroi' },
  // Mons
  { name: 'Benoît Delattre', email: 'benoit.delattre@example.be', memberNumber: 'M-114561', language: 'fr', office: 'mons' },
  { name: 'Virginie Wautier', email: 'virginie.wautier@example.be', memberNumber: 'M-122908', language: 'fr', office: 'mons' },
  { name: 'Thomas Bourlard', email: 'thomas.bourlard@mail.example', memberNumber: 'M-126633', language: 'fr', office: 'mons' },
  { name: 'Camille Debève', email: 'camille.debeve@example.com', memberNumber: 'M-132150', language: 'fr', office: 'mons' },
  { name: 'Mélanie Dupuis', email: 'melanie.dupuis@example.be', memberNumber: 'M-107492', language: 'fr', office: 'mons' },
  { name: 'Christophe Flament', email: 'christophe.flament@example.be', memberNumber: 'M-100875', language: 'fr', office: 'mons' },
  { name: 'Alice Hennaut', email: 'alice.hennaut@mail.example', memberNumber: 'M-129564', language: 'fr', office: 'mons' },
  { name: 'Quentin Ghislain', email: 'quentin.ghislain@example.com', memberNumber: 'M-134217', language: 'fr', office: 'mons' },
  { name: 'Manon Hanot', email: 'manon.hanot@example.be', memberNumber: null, language: 'fr', office: 'mons' },
  // Bruxelles, French-speaking
  { name: 'Yasmina El Idrissi', email: 'yasmina.elidrissi@example.be', memberNumber: 'M-117083', language: 'fr', office: 'bruxelles' },
  { name: 'Karim Benali', email: 'karim.benali@mail.example', memberNumber: 'M-105726', language: 'fr', office: 'bruxelles' },
  { name: 'Chloé Vandenbroucke', email: 'chloe.vandenbroucke@example.be', memberNumber: 'M-123647', language: 'fr', office: 'bruxelles' },
  { name: 'Inès Moreau', email: 'ines.moreau@example.com', memberNumber: 'M-120318', language: 'fr', office: 'bruxelles' },
  { name: 'Pierre-Yves Janssens', email: 'py.janssens@example.be', memberNumber: 'M-098452', language: 'fr', office: 'bruxelles' },
  { name: 'Fatou Diallo', email: 'fatou.diallo@mail.example', memberNumber: 'M-135002', language: 'fr', office: 'bruxelles' },
  // Bruxelles, Dutch-speaking
  { name: 'Lies Vermeulen', email: 'lies.vermeulen@example.be', memberNumber: 'M-115389', language: 'nl', office: 'bruxelles' },
  { name: 'Jens Peeters', email: 'jens.peeters@example.be', memberNumber: 'M-110264', language: 'nl', office: 'bruxelles' },
  { name: 'Eline De Smet', email: 'eline.desmet@mail.example', memberNumber: 'M-126095', language: 'nl', office: 'bruxelles' },
  { name: 'Wouter Claes', email: 'wouter.claes@example.com', memberNumber: 'M-101743', language: 'nl', office: 'bruxelles' },
  { name: 'Sien Maes', email: 'sien.maes@example.be', memberNumber: 'M-129870', language: 'nl', office: 'bruxelles' },
  { name: 'Bram Wouters', email: 'bram.wouters@example.be', memberNumber: 'M-113456', language: 'nl', office: 'bruxelles' },
  { name: 'Hanne Goossens', email: 'hanne.goossens@mail.example', memberNumber: 'M-124112', language: 'nl', office: 'bruxelles' },
  { name: 'Toon Verhoeven', email: 'toon.verhoeven@example.be', memberNumber: 'M-107958', language: 'nl', office: 'bruxelles' },
  { name: 'Joke Mertens', email: 'joke.mertens@example.com', memberNumber: 'M-096284', language: 'nl', office: 'bruxelles' },
  { name: 'Stijn Van Damme', email: 'stijn.vandamme@example.be', memberNumber: 'M-118527', language: 'nl', office: 'bruxelles' },
  { name: 'Annelies De Backer', email: 'annelies.debacker@example.be', memberNumber: 'M-130691', language: 'nl', office: 'bruxelles' },
  { name: 'Kobe Jacobs', email: 'kobe.jacobs@mail.example', memberNumber: null, language: 'nl', office: 'bruxelles' },
  { name: 'Fien Willems', email: 'studio.fien@example.be', memberNumber: 'M-133874', language: 'nl', office: 'bruxelles' },
  { name: 'Ruben Van den Bossche', email: 'ruben.vandenbossche@example.com', memberNumber: 'M-121006', language: 'nl', office: 'bruxelles' },
  { name: 'Lotte Hermans', email: 'lotte.hermans@example.be', memberNumber: 'M-127745', language: 'nl', office: 'bruxelles' },
  { name: 'Jeroen Dierckx', email: 'jeroen.dierckx@mail.example', memberNumber: 'M-104918', language: 'nl', office: 'bruxelles' },
  { name: 'Nele Vandenberghe', email: 'nele.vandenberghe@example.be', memberNumber: 'M-112673', language: 'nl', office: 'bruxelles' },
  { name: 'Dries Aerts', email: 'dries.aerts@example.be', memberNumber: 'M-119850', language: 'nl', office: 'bruxelles' },
  // Bruxelles, English-speaking
  { name: 'Emma Clarke', email: 'emma.clarke@example.com', memberNumber: 'M-131588', language: 'en', office: 'bruxelles' },
  { name: 'Daniel Okafor', email: 'daniel.okafor@mail.example', memberNumber: null, language: 'en', office: 'bruxelles' },
  { name: 'Marta Kowalska', email: 'marta.kowalska@example.com', memberNumber: 'M-125230', language: 'en', office: 'bruxelles' },
];

// ---------------------------------------------------------------------------
// Ticket templates
// ---------------------------------------------------------------------------

export interface DemoFollowUps {
  /** An advisor's public answer to the member. */
  readonly staffReply?: string;
  /** The member's answer to that reply. */
  readonly memberReply?: string;
  /** A note between colleagues, never shown to the member. */
  readonly internalNote?: string;
  /** Escalation handoff: what was tried, what is needed. */
  readonly handoff?: string;
  /** The reason code that fits the handoff, when there is one. */
  readonly handoffReason?: DemoReasonCodeCode;
}

export interface DemoTicketTemplate {
  readonly category: DemoCategoryCode;
  readonly language: DemoLanguage;
  readonly subject: string;
  /** What the member writes: 2–6 sentences, never signed with a name. */
  readonly body: string;
  readonly priority: DemoPriority;
  readonly followUps?: DemoFollowUps;
}

export const demoTicketTemplates: readonly DemoTicketTemplate[] = [
  // ----- contracts ---------------------------------------------------------
  {
    category: 'contracts',
    language: 'fr',
    subject: "Modifier la date d'un contrat déjà validé",
    body:
      "Bonjour, j'ai encodé un contrat pour un atelier à la Maison de la culture d'Ath le 12 avril, mais le client vient de déplacer l'atelier au 19. " +
      "Le contrat est déjà validé et je ne vois plus comment le modifier dans mon espace. Est-ce que je dois en refaire un nouveau ? Merci d'avance.",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, une fois le contrat validé, le changement de date passe par l'équipe administrative, parce que la déclaration Dimona a déjà été faite pour le 12. " +
        "Je lui transmets votre demande avec la nouvelle date : vous n'avez rien à réencoder. Je reviens vers vous dès que c'est fait.",
      handoff:
        "Contrat validé pour le 12/04 (atelier, Maison de la culture d'Ath), Dimona déjà envoyée. Le client déplace au 19/04, même durée (6 h) et même montant. " +
        "Besoin : annuler la Dimona du 12, en faire une pour le 19 et mettre le contrat à jour. Le membre sait que c'est en cours.",
      handoffReason: 'needs_contract_change',
    },
  },
  {
    category: 'contracts',
    language: 'fr',
    subject: 'Mission de trois mois pour un client à Lille',
    body:
      'Bonjour, un client basé à Lille me propose une mission de graphisme de trois mois, de janvier à mars, en partie sur place. ' +
      "Est-ce que je peux faire ça via la coopérative ? Je me pose des questions sur la sécurité sociale (belge ou française ?) et sur le formulaire A1 dont on m'a parlé. Merci de m'éclairer.",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, oui c'est possible. Pour une mission qui se déroule en partie en France, il faut un formulaire A1 pour que la sécurité sociale belge reste d'application. " +
        "Je transmets votre dossier à l'équipe de soutien, qui gère les missions à l'étranger. Pouvez-vous déjà nous dire combien de jours vous serez sur place ?",
      memberReply:
        'Merci ! Ce serait environ deux jours par semaine à Lille, le reste en télétravail depuis Liège. Le devis est de 9 800 € HTVA pour les trois mois.',
      internalNote: 'Attention, le membre a aussi un mi-temps salarié chez un autre employeur : à vérifier pour le régime de pluriactivité.',
      handoff:
        "Mission de graphisme pour un client à Lille, janvier à mars, environ 2 jours/semaine sur place, 9 800 € HTVA. Membre informé qu'un A1 est nécessaire. " +
        "Mi-temps salarié ailleurs en parallèle. Besoin : vérifier détachement ou pluriactivité et introduire la demande d'A1 auprès de l'ONSS.",
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'contracts',
    language: 'fr',
    subject: 'contrat pas reçu pour samedi',
    body:
      "bonjour je n'ai toujours pas recu mon contrat pour le concert de samedi au café-concert Le Zinc à Marcinelle, le client m'a deja envoyé le bon de commande. " +
      "c'est urgent svp le concert est dans 2 jours. merci",
    priority: 'urgent',
    followUps: {
      staffReply:
        "Bonjour, je vois votre contrat dans le système : il était bloqué parce que l'heure de fin n'était pas indiquée. " +
        "Je l'ai complété avec les informations du bon de commande (20 h – 23 h 30) et validé. Vous devriez le recevoir par e-mail dans l'heure. Bon concert samedi !",
      memberReply: 'Bien reçu, merci beaucoup !',
    },
  },
  {
    category: 'contracts',
    language: 'fr',
    subject: 'Un contrat par séance ou un seul contrat ?',
    body:
      "Bonjour, je donne un atelier d'écriture dans une école communale de Jemappes tous les mercredis après-midi, du 8 janvier au 12 mars (10 séances de 3 heures). " +
      "Faut-il encoder un contrat par séance ou un seul contrat pour tout le cycle ? L'école paiera une seule facture à la fin. Bien à vous.",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, il faut un contrat par jour presté puisque les séances ne sont pas consécutives, mais vous pouvez tous les encoder en une fois avec l'option « dates multiples ». " +
        "La facture, elle, peut être unique et envoyée en fin de cycle. N'hésitez pas si l'encodage pose problème.",
    },
  },
  {
    category: 'contracts',
    language: 'fr',
    subject: "Attestation du travail des arts : qu'est-ce qui change pour mes contrats ?",
    body:
      "Bonjour, je viens d'obtenir mon attestation du travail des arts. Est-ce que ça change quelque chose à la façon dont je dois encoder mes contrats ? " +
      "Je voudrais éviter que mes cachets soient mal déclarés et que ça pose problème avec l'ONEM. Merci pour votre aide.",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, félicitations ! Pour que vos prestations artistiques soient bien prises en compte, il faut cocher « prestation artistique » et choisir le bon régime (cachet ou horaire) lors de l'encodage. " +
        "Je vous propose un rendez-vous téléphonique d'une vingtaine de minutes pour passer vos prochains contrats en revue ensemble. Quel moment vous convient ?",
      memberReply: 'Jeudi matin, ce serait parfait, avant 11 h si possible.',
      internalNote:
        "RDV téléphonique fixé jeudi à 10 h. J'ai vu trois contrats de février encodés en régime horaire alors qu'il s'agit de cachets : à revoir avec le soutien avant le RDV.",
    },
  },
  {
    category: 'contracts',
    language: 'fr',
    subject: 'Tournage annulé la veille par le client',
    body:
      "Bonjour, mon client, la Brasserie du Vieux Marché, a annulé la veille le tournage publicitaire prévu le 3 juin. J'avais déjà un contrat validé pour deux jours. " +
      "Mon devis signé prévoit une indemnité de 50 % en cas d'annulation à moins de 7 jours. Est-ce que j'ai droit à quelque chose ? Je joins le devis.",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, merci pour la copie du devis. Puisque vos conditions prévoient une indemnité de 50 %, nous allons la facturer au client, et l'équipe administrative va adapter le contrat en conséquence. " +
        "Je lui transmets le dossier avec vos documents ; vous n'avez rien d'autre à faire pour l'instant.",
      handoff:
        "Tournage annulé la veille par le client (Brasserie du Vieux Marché), contrat validé sur 2 jours (2 200 € HTVA). Le devis signé prévoit 50 % d'indemnité si annulation à moins de 7 jours (copie jointe). " +
        "Besoin : annuler les Dimona, émettre une facture d'indemnité de 1 100 € HTVA et adapter le contrat.",
      handoffReason: 'needs_contract_change',
    },
  },
  {
    category: 'contracts',
    language: 'nl',
    subject: 'Verkeerd uurloon in gevalideerd contract',
    body:
      'Goedemiddag, ik heb gisteren een arbeidsovereenkomst ingevoerd voor een workshop in een bibliotheek in Schaarbeek, maar ik heb per ongeluk 25 euro per uur ingegeven in plaats van 35. ' +
      "Het contract staat al op 'gevalideerd'. Kunnen jullie dat nog aanpassen vóór de prestatie van donderdag? Alvast bedankt.",
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, bedankt voor je bericht. Omdat het contract al gevalideerd is, kan ik het niet zelf aanpassen; ik stuur het door naar de administratieve ploeg met het juiste uurloon. ' +
        'De workshop van donderdag kan gewoon doorgaan.',
      handoff:
        'Contract gevalideerd met een uurloon van € 25, moet € 35 zijn (workshop bibliotheek Schaarbeek, donderdag, 4 uur). Het lid heeft de offerte met € 35 doorgestuurd. ' +
        'Graag het contract corrigeren vóór donderdag; de Dimona blijft ongewijzigd.',
      handoffReason: 'needs_contract_change',
    },
  },
  {
    category: 'contracts',
    language: 'nl',
    subject: 'Opdracht voor een klant uit Nederland',
    body:
      'Hallo, ik ben fotograaf en een klant uit Rotterdam wil me inhuren voor een fotoreportage van twee dagen in Antwerpen in mei. ' +
      'Moet ik iets speciaals doen voor een Nederlandse klant? Hij vraagt ook of er btw op de factuur komt. Groetjes.',
    priority: 'normal',
    followUps: {
      staffReply:
        "Dag, het contract voer je gewoon in zoals voor een Belgische klant. Voor een Nederlandse klant met een btw-nummer factureren we zonder Belgische btw, met de vermelding 'btw verlegd'. " +
        'Vraag hem wel zijn btw-nummer, zodat we het op de factuur kunnen zetten.',
      memberReply: 'Top, ik heb zijn btw-nummer gekregen en het in de klantfiche gezet.',
    },
  },
  {
    category: 'contracts',
    language: 'nl',
    subject: 'Vergeten een contract in te voeren',
    body:
      'Dag, ik heb vorige zaterdag gespeeld op een trouwfeest in Halle, maar ik ben vergeten om vooraf een contract in te voeren. ' +
      'Kan dat nog achteraf? De klant heeft de 600 euro al betaald. Sorry hiervoor!',
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, een arbeidsovereenkomst moet vóór de prestatie ingevoerd worden, omdat we dan ook de Dimona-aangifte doen. Achteraf kan dat niet meer gewoon via je account. ' +
        'Ik bekijk met de ondersteuningsploeg wat we nog kunnen doen; je hoort snel van ons.',
      internalNote: "Ik zie een betaling van € 600 binnengekomen met mededeling 'trouw Halle', nog niet aan een factuur gekoppeld.",
      handoff:
        'Prestatie al uitgevoerd vorige zaterdag (trouwfeest in Halle) zonder contract vooraf, dus zonder Dimona. De klant heeft € 600 op onze rekening gestort (nog niet gekoppeld). ' +
        'Nodig: advies over een laattijdige aangifte of een alternatief, en hoe we het ontvangen bedrag boeken.',
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'contracts',
    language: 'en',
    subject: 'First contract for a festival gig in Ghent',
    body:
      "Hi, I'm playing two sets at a small festival in Ghent on 6 and 7 July and the organiser wants a contract through the cooperative. " +
      "I've never done one before. Is there a guide in English? They'd pay 900 euros in total: is that before or after tax?",
    priority: 'normal',
    followUps: {
      staffReply:
        "Hi, welcome! There's an English guide in your member space under Help > Contracts. The 900 euros is what the festival pays; after the cooperative's contribution, social security and withholding tax, you'll receive a net salary. " +
        'If you like, I can call you tomorrow to walk you through your first contract.',
      memberReply: "That would be great, I'm free any time after 2 pm.",
    },
  },

  // ----- invoices ----------------------------------------------------------
  {
    category: 'invoices',
    language: 'fr',
    subject: 'Facture F-2024-00418 toujours impayée',
    body:
      "Bonjour, ma facture F-2024-00418 de 2 350 € à l'asbl Les Jardins Partagés de Seraing est échue depuis le 15 février. " +
      "J'ai relancé le client deux fois par e-mail, sans réponse. Est-ce que la coopérative peut envoyer un rappel officiel ? Merci.",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, je viens d'envoyer un premier rappel officiel à l'asbl, avec un délai de paiement de 15 jours. Si rien ne bouge d'ici là, nous passerons à la mise en demeure. " +
        'Je vous tiens au courant.',
      internalNote: "Rappel 1 envoyé aujourd'hui, relance prévue à J+15. Ce client a déjà payé en retard l'an dernier (F-2023-01122).",
    },
  },
  {
    category: 'invoices',
    language: 'fr',
    subject: 'Mauvaise adresse du client sur la facture',
    body:
      "Bonjour, je viens de voir que la facture F-2024-00917 est partie avec l'ancienne adresse de mon client, qui a déménagé à Namur en janvier. " +
      "Leur comptabilité refuse de la payer tant que l'adresse n'est pas correcte. Vous pouvez faire une note de crédit et la refaire ? Merci !",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, c'est noté. Une facture émise ne peut plus être modifiée : l'équipe administrative va faire une note de crédit et réémettre la facture à la bonne adresse. " +
        'Pouvez-vous me confirmer la nouvelle adresse complète et, si possible, le numéro de bon de commande du client ?',
      memberReply: "Rue de Fer 42, 5000 Namur. Leur bon de commande, c'est le PO-55120.",
      handoff:
        "F-2024-00917 émise avec l'ancienne adresse du client. Besoin : note de crédit et nouvelle facture à la nouvelle adresse (Rue de Fer 42, 5000 Namur), " +
        'avec le bon de commande PO-55120 exigé par leur comptabilité.',
      handoffReason: 'invoice_dispute',
    },
  },
  {
    category: 'invoices',
    language: 'fr',
    subject: 'TVA 6 % ou 21 % pour un reportage de mariage ?',
    body:
      'Bonjour, je suis photographe et je dois facturer un reportage de mariage à un couple (des particuliers). ' +
      "Est-ce que je dois mettre 21 % de TVA ou 6 % ? Un collègue m'a dit que pour les droits d'auteur, c'était différent. Merci !",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, bonne question : le taux dépend de la part de la prestation qui relève d'une cession de droits d'auteur, et les règles ont changé ces dernières années. " +
        "Je préfère faire vérifier votre devis par l'équipe de soutien avant que vous ne l'envoyiez. Pouvez-vous le joindre à ce ticket ?",
      memberReply: "Voilà, le devis est en pièce jointe : 1 450 € pour la journée et l'album.",
      handoff:
        "Photographe, reportage de mariage pour des particuliers, devis de 1 450 € (journée + album). Question : 21 % ou 6 % (droits d'auteur) ? " +
        "Je n'ai pas voulu répondre sans vérification. Besoin : le taux correct et l'éventuelle ventilation à indiquer sur la facture.",
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'invoices',
    language: 'fr',
    subject: 'Client qui conteste la facture F-2024-00602',
    body:
      "Bonjour, mon client, l'imprimerie Collard à Herstal, conteste la facture F-2024-00602 de 1 780 €. Il affirme que la deuxième journée de formation n'a pas eu lieu, " +
      "alors qu'elle a été reportée à sa demande et donnée le 22 mars. J'ai les feuilles de présence signées par ses employés. Comment on fait ?",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, merci d'avoir gardé les feuilles de présence, c'est exactement ce qu'il nous faut. Je les joins au dossier et je transmets à l'équipe de soutien, qui répondra formellement au client. " +
        'Ne renvoyez plus rien au client de votre côté, pour que tout passe par nous.',
      handoff:
        "Le client (imprimerie Collard, Herstal) conteste F-2024-00602 (1 780 €) : selon lui, la 2e journée de formation n'a pas eu lieu. " +
        "Le membre a les feuilles de présence signées du 22/03 (jointes). Un rappel a déjà été envoyé. Besoin : réponse formelle au client avec les preuves, et avis juridique s'il maintient sa position.",
      handoffReason: 'invoice_dispute',
    },
  },
  {
    category: 'invoices',
    language: 'fr',
    subject: 'facture toujours en brouillon',
    body:
      "bjr, j'ai encodé ma facture pour la commune de Frameries il y a 10 jours et elle est toujours en statut brouillon. " +
      "le client attend après. est-ce que j'ai oublié qqch ? merci",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, votre facture est restée en brouillon parce qu'il manque le numéro de bon de commande, obligatoire pour les pouvoirs publics, qui reçoivent leurs factures par voie électronique (Peppol). " +
        'Ajoutez-le dans le champ « Référence client » puis cliquez sur « Envoyer » : elle partira automatiquement.',
      memberReply: "Ah ok, je ne savais pas. C'est fait, merci !",
    },
  },
  {
    category: 'invoices',
    language: 'fr',
    subject: 'Client en faillite avec deux factures impayées',
    body:
      "Bonjour, j'apprends que mon client, la SRL Bati-Concept à Gosselies, a été déclaré en faillite. J'ai deux factures impayées chez eux : F-2023-01455 (980 €) et F-2024-00087 (1 640 €). " +
      "Qu'est-ce qui se passe pour moi ? Est-ce que ce travail me sera quand même payé ?",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, c'est une mauvaise nouvelle, et je comprends votre inquiétude. La coopérative va déclarer les deux créances auprès du curateur. " +
        "Je transmets le dossier à l'équipe de soutien, qui suit les faillites et vous expliquera ce que cela implique pour votre compte d'activité.",
      handoff:
        'Client SRL Bati-Concept (Gosselies) déclaré en faillite. Deux factures impayées : F-2023-01455 (980 €) et F-2024-00087 (1 640 €). ' +
        "Besoin : déclaration de créance auprès du curateur et explication au membre sur l'impact sur son compte d'activité (une avance avait été versée sur F-2024-00087).",
      handoffReason: 'invoice_dispute',
    },
  },
  {
    category: 'invoices',
    language: 'nl',
    subject: 'Factuur F-2024-00511 nog altijd niet betaald',
    body:
      'Goedemorgen, mijn factuur F-2024-00511 van € 1.200 aan reclamebureau Blauwe Vogel in Mechelen is al sinds 31 maart vervallen. ' +
      'Ik heb hen twee keer gemaild, zonder reactie. Kunnen jullie een officiële herinnering sturen? Met vriendelijke groeten.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, ik heb net een eerste herinnering gestuurd met een betalingstermijn van 15 dagen. Als ze dan nog niet betaald hebben, sturen we een ingebrekestelling. ' +
        'Ik hou je op de hoogte.',
      memberReply: 'Dank je! Ze hebben me intussen gebeld, ze zouden deze week betalen.',
    },
  },
  {
    category: 'invoices',
    language: 'nl',
    subject: 'Btw op factuur aan een vzw',
    body:
      'Hallo, mijn factuur aan de vzw Kunstkring Leuven is opgemaakt met 21 % btw, maar de vzw zegt dat ze vrijgesteld zijn en dat dat niet klopt. ' +
      'Het gaat om een workshop tekenen van 450 euro. Wat moet ik doen?',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, of er btw op moet, hangt niet af van het statuut van de klant maar van de aard van de prestatie: sommige vormingen zijn vrijgesteld. ' +
        'Ik laat het nakijken door de ondersteuningsploeg en laat je weten of we een creditnota moeten maken. Kan je het programma van de workshop doorsturen?',
      memberReply: 'Het programma zit in bijlage. Het was een reeks van vijf avonden voor volwassenen.',
      handoff:
        'Workshop tekenen (5 avonden, volwassenen), € 450 gefactureerd aan vzw Kunstkring Leuven met 21 % btw. De klant beweert vrijgesteld te zijn. Programma in bijlage. ' +
        'Vraag: valt dit onder de btw-vrijstelling voor vorming? Zo ja: creditnota en nieuwe factuur zonder btw.',
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'invoices',
    language: 'nl',
    subject: 'Klant vraagt factuur via Peppol',
    body:
      'Dag, een klant (een ingenieursbureau in Vilvoorde) vraagt om mijn facturen voortaan via Peppol te sturen in plaats van per mail. ' +
      'Kan dat vanuit jullie systeem? Het gaat nu om factuur F-2024-00733.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, ja hoor. Als je klant een Peppol-adres heeft (meestal zijn ondernemingsnummer), vul je dat in de klantfiche in en vertrekt de factuur automatisch via Peppol. ' +
        'Voor F-2024-00733 heb ik het al aangepast; ze is vanmorgen opnieuw verstuurd.',
    },
  },
  {
    category: 'invoices',
    language: 'en',
    subject: 'UK client asking why there is no VAT on my invoice',
    body:
      'Hello, I did some translation work for a company in London (invoice F-2024-00390, 1,150 EUR). ' +
      "Their accountant is asking why there's no VAT on it and whether they need to do anything. What should I tell them?",
    priority: 'low',
    followUps: {
      staffReply:
        'Hi, since the UK is outside the EU, services to a UK business are not subject to Belgian VAT, and your invoice mentions this. ' +
        'Your client may have to account for VAT in the UK under the reverse charge rules; their accountant will know how. Nothing needs to change on our side.',
      memberReply: "Perfect, I've forwarded your answer. Thanks for the quick reply!",
    },
  },

  // ----- payslips ----------------------------------------------------------
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

  // ----- certificates ------------------------------------------------------
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

  // ----- advances ----------------------------------------------------------
  {
    category: 'advances',
    language: 'fr',
    subject: 'Avance sur la facture F-2024-00655',
    body:
      "Bonjour, j'ai envoyé une facture de 3 200 € (F-2024-00655) à la Ville de Charleroi, avec un délai de paiement de 60 jours. " +
      'Est-ce que je peux demander une avance pour payer mon matériel, environ 1 200 € ? Merci.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, oui, vous pouvez faire la demande avec le bouton « Demander une avance » sur la facture. ' +
        "Comme le montant dépasse 1 000 €, la demande est validée par l'équipe de soutien, en général sous 48 heures.",
      internalNote: 'Le membre a déjà une avance de 800 € en cours sur F-2024-00512, toujours impayée. Vérifier le plafond avant validation.',
      handoff:
        "Demande d'avance de 1 200 € sur F-2024-00655 (Ville de Charleroi, 3 200 €, échéance à 60 jours). Attention : avance de 800 € déjà en cours sur F-2024-00512 (non payée). " +
        "Besoin : décision sur l'avance au vu du plafond.",
      handoffReason: 'advance_approval',
    },
  },
  {
    category: 'advances',
    language: 'fr',
    subject: "Demande d'avance refusée sans explication",
    body:
      "Bonjour, ma demande d'avance de 600 € a été refusée sans explication. J'en ai vraiment besoin pour payer mon loyer ce mois-ci. " +
      'La facture est pour un client fiable, la bibliothèque communale de Quaregnon, je ne comprends pas. Merci de me dire ce qui ne va pas.',
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, je comprends votre frustration. La demande a été refusée automatiquement parce que la facture n'a pas encore été envoyée au client : elle est toujours en brouillon. " +
        "Dès qu'elle est envoyée, vous pouvez refaire la demande ; je la surveillerai pour qu'elle soit traitée rapidement.",
      memberReply: "Ah mince, je pensais l'avoir envoyée. C'est fait maintenant, et j'ai refait la demande d'avance.",
      internalNote:
        "Nouvelle demande reçue : 600 € sur une facture de 750 € HTVA, client public fiable. OK de mon côté, à valider par le soutien aujourd'hui si possible (loyer).",
      handoff:
        "Demande d'avance de 600 € sur une facture de 750 € HTVA (bibliothèque communale de Quaregnon), facture envoyée ce jour. Première demande refusée car facture en brouillon. " +
        "Besoin : validation aujourd'hui si possible, le membre doit payer son loyer.",
      handoffReason: 'advance_approval',
    },
  },
  {
    category: 'advances',
    language: 'fr',
    subject: "Le client n'a payé que la moitié, et j'ai eu une avance",
    body:
      "Bonjour, le client n'a finalement payé que la moitié de la facture F-2023-01290 (1 400 € au lieu de 2 800 €), alors que j'avais reçu une avance de 1 500 € dessus. " +
      'Que se passe-t-il maintenant ? Est-ce que je dois rembourser la différence ?',
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, merci de nous prévenir. Avant de parler de remboursement, nous allons relancer le client pour le solde. ' +
        "Je transmets le dossier à l'équipe de soutien, qui examinera votre situation et vous proposera une solution si le client ne paie pas.",
      handoff:
        'F-2023-01290 : le client a payé 1 400 € sur 2 800 €. Une avance de 1 500 € avait été versée au membre, donc 100 € à découvert, plus le solde impayé. ' +
        "Besoin : relance du client pour le solde et, s'il ne paie pas, proposition d'étalement au membre.",
      handoffReason: 'invoice_dispute',
    },
  },
  {
    category: 'advances',
    language: 'fr',
    subject: 'avance de 400 € pour demain ?',
    body:
      "Bonsoir, est-il possible d'avoir une avance de 400 € pour demain ? Ma voiture est tombée en panne et j'en ai besoin pour aller travailler. " +
      "J'ai deux factures en attente de paiement. Merci",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, j'ai vérifié : vos deux factures en attente (F-2024-00701 et F-2024-00713) permettent une avance de 400 €. Je l'ai introduite ce matin. " +
        "Le virement part en général sous deux jours ouvrables ; je ne peux malheureusement pas garantir qu'il arrive demain.",
      memberReply: "D'accord, merci d'avoir fait vite.",
    },
  },
  {
    category: 'advances',
    language: 'fr',
    subject: 'Avance sur une subvention de la Fédération Wallonie-Bruxelles',
    body:
      "Bonjour, je lance un spectacle jeune public avec une subvention de la Fédération Wallonie-Bruxelles de 12 000 €, mais elle ne sera versée qu'en septembre. " +
      'Je dois payer les décors dès maintenant, environ 3 000 €. Est-ce que la coopérative peut avancer cet argent ?',
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, une avance sur subvention est possible si vous avez la notification officielle d'octroi. Ce n'est pas moi qui peux la valider : " +
        "je transmets votre demande à l'équipe de soutien. Pouvez-vous joindre le courrier d'octroi à ce ticket ?",
      memberReply: 'Le courrier de la FWB est en pièce jointe. Les décors doivent être commandés avant le 15 mai.',
      handoff:
        "Avance d'environ 3 000 € demandée sur une subvention FWB de 12 000 € (versement prévu en septembre), courrier d'octroi joint. " +
        "Besoin : décision sur l'avance sur subvention avant le 15/05 (date de commande des décors).",
      handoffReason: 'advance_approval',
    },
  },
  {
    category: 'advances',
    language: 'nl',
    subject: 'Voorschot aanvragen op een factuur',
    body:
      'Dag, ik heb een factuur van € 2.400 gestuurd naar een klant met een betalingstermijn van 45 dagen. ' +
      'Kan ik een voorschot krijgen? Ik moet nu al materiaal aankopen. Groetjes.',
    priority: 'normal',
    followUps: {
      staffReply:
        "Dag, je kan een voorschot aanvragen met de knop 'Voorschot aanvragen' bij de factuur. Bij een eerste aanvraag bekijkt de ondersteuningsploeg je dossier, meestal binnen 48 uur.",
      memberReply: 'Gedaan, ik heb € 1.000 gevraagd.',
      handoff:
        'Eerste voorschotaanvraag van dit lid: € 1.000 op een factuur van € 2.400 (betalingstermijn 45 dagen), voor aankoop van materiaal. Geen openstaande voorschotten. Graag beoordelen.',
      handoffReason: 'advance_approval',
    },
  },
  {
    category: 'advances',
    language: 'nl',
    subject: 'Goedgekeurd voorschot nog niet ontvangen',
    body:
      'Hallo, mijn voorschot van € 750 werd vorige dinsdag goedgekeurd, maar ik heb nog niets ontvangen op mijn rekening. Klopt dat? ' +
      'Ik had erop gerekend voor deze week.',
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, het voorschot is inderdaad goedgekeurd, maar de overschrijving is teruggekomen: de bank meldt dat de rekening in je profiel (eindigend op 0412) afgesloten is. ' +
        'Kan je je nieuwe rekeningnummer in je profiel aanpassen? Dan laat ik de betaling opnieuw vertrekken.',
      memberReply: 'Oei, ik ben van bank veranderd. Aangepast, het nieuwe nummer eindigt op 7781.',
      internalNote: 'Nieuw rekeningnummer gecontroleerd met het bankattest. Betaling opnieuw aangevraagd bij de boekhouding.',
    },
  },
  {
    category: 'advances',
    language: 'nl',
    subject: 'Hoeveel voorschot mag ik vragen?',
    body:
      'Dag, hoeveel voorschot mag ik maximaal vragen op een factuur, en kost dat iets? ' +
      'Ik heb een factuur van € 5.000 openstaan bij een groot evenementenbureau. Bedankt.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, een voorschot is kosteloos. Het maximum hangt af van het bedrag van de factuur na aftrek van de bijdragen en van de voorschotten die nog openstaan op je rekening. ' +
        'In je online ruimte zie je bij elke factuur hoeveel je nog kan aanvragen.',
    },
  },

  // ----- expenses ----------------------------------------------------------
  {
    category: 'expenses',
    language: 'fr',
    subject: 'Note de frais refusée : justificatif non conforme',
    body:
      'Bonjour, ma note de frais pour du matériel de sonorisation (349 € dans un magasin de musique à Liège) a été refusée avec le motif « justificatif non conforme ». ' +
      "J'ai pourtant bien envoyé la preuve d'achat. Qu'est-ce qui ne va pas ?",
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, le justificatif est un ticket de caisse sans le nom de la coopérative ni notre numéro de TVA. Pour un achat de plus de 250 €, il nous faut une facture au nom de la coopérative, avec votre numéro de membre en référence. ' +
        'Le magasin peut normalement vous la refaire ; renvoyez-la ensuite en réponse à ce ticket.',
      memberReply: "Le magasin m'a refait la facture, je l'ajoute en pièce jointe.",
    },
  },
  {
    category: 'expenses',
    language: 'fr',
    subject: 'Frais kilométriques pour mes animations',
    body:
      'Bonjour, quel est le tarif des frais kilométriques cette année ? Je fais beaucoup de route pour mes animations dans les écoles, environ 600 km par mois. ' +
      'Et est-ce que je peux les déclarer en plus de mon salaire ? Merci.',
    priority: 'low',
    followUps: {
      staffReply:
        'Bonjour, oui : les déplacements professionnels avec votre véhicule personnel sont remboursés en indemnité kilométrique, sans cotisations sociales ni impôt, en plus de votre salaire. ' +
        "Le montant au kilomètre est fixé par l'État et adapté régulièrement ; il est repris automatiquement dans le formulaire de note de frais. Notez simplement pour chaque trajet la date, le lieu et le nombre de kilomètres.",
    },
  },
  {
    category: 'expenses',
    language: 'fr',
    subject: "Achat d'un ordinateur portable en note de frais",
    body:
      "Bonjour, mon ordinateur portable a rendu l'âme et je dois en racheter un, pour environ 1 100 €. Je l'utilise uniquement pour mon activité de traduction. " +
      'Est-ce que je peux le passer en note de frais sur mon activité ? Merci.',
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, c'est possible, à condition que la facture soit au nom de la coopérative et que votre budget d'activité couvre le montant. " +
        "Comme il s'agit d'un investissement, la demande est vérifiée par l'équipe de soutien ; je lui transmets votre question pour qu'elle vous confirme la marche à suivre avant l'achat.",
      handoff:
        "Achat d'un ordinateur portable (environ 1 100 €) pour une activité de traduction, usage 100 % professionnel. Solde du compte d'activité : 1 480 €. " +
        "Besoin : validation de l'investissement et du mode de remboursement (en une fois ou amorti), à confirmer au membre avant l'achat.",
      handoffReason: 'legal_question',
    },
  },
  {
    category: 'expenses',
    language: 'fr',
    subject: 'repas en déplacement',
    body: "Est-ce que je peux rentrer mes repas quand je suis toute la journée chez un client à Bruxelles ? J'ai gardé les tickets. merci",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, les repas pris lors d'un déplacement professionnel peuvent être remboursés comme frais de séjour, avec les tickets et la mention du client et de la date. " +
        "Le repas de midi près de votre lieu de travail habituel n'est par contre pas remboursable. Ajoutez-les dans une note de frais, catégorie « Déplacements ».",
    },
  },
  {
    category: 'expenses',
    language: 'nl',
    subject: 'Treintickets via onkostennota',
    body:
      'Hallo, ik ga elke week met de trein van Brussel naar Gent voor een opdracht. Kan ik die tickets via een onkostennota terugkrijgen? ' +
      'Ik koop ze altijd in de NMBS-app.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, ja, je kan de tickets via een onkostennota indienen. Een screenshot of de pdf uit de NMBS-app volstaat als bewijs. ' +
        'Vermeld bij elke rit de klant en de datum.',
      memberReply: 'Super, dank je!',
    },
  },
  {
    category: 'expenses',
    language: 'nl',
    subject: 'Onkostennota al drie weken in behandeling',
    body: "Dag, mijn onkostennota van € 236,50 (materiaal voor een workshop in Anderlecht) staat al drie weken op 'in behandeling'. " + 'Is er iets mis mee?',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, je nota stond in de wachtrij van een collega die afwezig is. Ik heb ze intussen zelf nagekeken en goedgekeurd; de terugbetaling gebeurt met de volgende betaling, normaal deze vrijdag. ' +
        'Excuses voor het wachten.',
      internalNote: "Er staan nog 11 onkostennota's in de wachtrij van Katrien, die afwezig is tot de 20ste. Kan iemand een deel overnemen?",
    },
  },
  {
    category: 'expenses',
    language: 'nl',
    subject: 'GSM-abonnement als onkosten?',
    body: 'Mag ik een deel van mijn GSM-abonnement inbrengen als onkosten? Ik gebruik mijn telefoon veel voor klanten. Mijn abonnement kost € 35 per maand.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, ja, het professionele deel van je abonnement mag. Geef in je onkostennota een redelijk percentage op, bijvoorbeeld 50 %, en voeg de maandfactuur van je operator toe. ' +
        'Doe het liefst één keer per kwartaal, dat is eenvoudiger voor jou en voor ons.',
    },
  },

  // ----- insurance ---------------------------------------------------------
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

  // ----- account -----------------------------------------------------------
  {
    category: 'account',
    language: 'fr',
    subject: 'Impossible de me connecter à mon espace',
    body:
      "Bonjour, depuis ce matin je n'arrive plus à me connecter à mon espace membre : j'ai le message « identifiants incorrects » alors que je n'ai pas changé mon mot de passe. " +
      "J'ai essayé de le réinitialiser, mais je ne reçois pas l'e-mail. Je dois encoder un contrat pour demain.",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, votre compte était bloqué après plusieurs tentatives ; je l'ai débloqué. Pour l'e-mail de réinitialisation, regardez dans le dossier des courriers indésirables. " +
        "S'il n'y est pas, dites-moi quelle adresse vous utilisez : il y a peut-être une faute de frappe dans votre profil.",
      memberReply: "C'était bien dans les spams. C'est bon, merci !",
    },
  },
  {
    category: 'account',
    language: 'fr',
    subject: "Changement d'adresse e-mail",
    body:
      "Bonjour, je change d'adresse e-mail, l'ancienne sera supprimée à la fin du mois. Je ne trouve pas où la modifier dans mon profil. " +
      'La nouvelle est celle depuis laquelle je vous écris. Merci.',
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, pour des raisons de sécurité, l'adresse de connexion ne peut être modifiée que par nous. C'est fait : vous allez recevoir un lien de confirmation sur la nouvelle adresse, " +
        'à ouvrir dans les 24 heures.',
      internalNote: 'Identité vérifiée par téléphone (numéro de membre + date de naissance) avant la modification.',
    },
  },
  {
    category: 'account',
    language: 'fr',
    subject: 'Nouveau numéro de compte bancaire',
    body:
      "Bonjour, j'ai changé de banque. Comment est-ce que je modifie mon numéro de compte pour les salaires ? " +
      'Je voudrais que le salaire de ce mois-ci arrive déjà sur le nouveau compte. Merci.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Bonjour, vous pouvez modifier votre IBAN dans votre profil, rubrique « Coordonnées bancaires ». Pour votre sécurité, il faut joindre une attestation de la banque ' +
        "ou une capture de votre application bancaire où figurent votre nom et l'IBAN. Si c'est fait avant le 25, le salaire de ce mois sera versé sur le nouveau compte.",
    },
  },
  {
    category: 'account',
    language: 'fr',
    subject: 'Deux comptes et deux numéros de membre',
    body:
      "Bonjour, j'ai créé un deuxième compte par erreur avec une autre adresse e-mail et j'ai maintenant deux numéros de membre. " +
      "Mes contrats sont sur l'un et mes factures sur l'autre. Comment est-ce qu'on peut les fusionner ?",
    priority: 'normal',
    followUps: {
      staffReply:
        "Bonjour, je vois bien les deux comptes. La fusion doit être faite par l'équipe technique pour ne rien perdre ; je lui transmets la demande. " +
        'En attendant, utilisez uniquement le compte sur lequel se trouvent vos contrats.',
      handoff:
        "Membre avec deux comptes (doublon créé à l'inscription, deux adresses e-mail). Contrats sur le compte principal, 3 factures sur le doublon. " +
        "Besoin : fusionner vers le compte principal, garder l'adresse e-mail du principal et désactiver le doublon.",
      handoffReason: 'technical_account_issue',
    },
  },
  {
    category: 'account',
    language: 'nl',
    subject: "Resetlink zegt 'link verlopen'",
    body:
      "Hallo, ik heb mijn wachtwoord gereset, maar als ik op de link in de mail klik, krijg ik de foutmelding 'link verlopen'. " +
      'Ik heb het al drie keer geprobeerd. Wat nu?',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, de link is 30 minuten geldig en elke nieuwe aanvraag maakt de vorige ongeldig, dus gebruik altijd de laatst ontvangen mail. ' +
        'Ik heb je net een nieuwe link gestuurd; probeer het nu even.',
      memberReply: 'Gelukt, bedankt!',
    },
  },
  {
    category: 'account',
    language: 'nl',
    subject: 'Alle mails komen in het Frans',
    body: 'Goeiedag, al jullie e-mails en documenten komen bij mij in het Frans, terwijl ik Nederlandstalig ben. Kan dat aangepast worden? Dank u.',
    priority: 'low',
    followUps: {
      staffReply:
        'Dag, ik heb de taal van je profiel op Nederlands gezet. Vanaf nu krijg je onze berichten en documenten in het Nederlands. Excuses voor het ongemak!',
    },
  },
  {
    category: 'account',
    language: 'nl',
    subject: 'Tweestapsverificatie op kapotte GSM',
    body:
      'Dag, mijn oude GSM is kapot en daar stond de app voor de tweestapsverificatie op. Ik kan dus niet meer inloggen. ' +
      'Hoe los ik dat op? Ik moet dringend een factuur opmaken.',
    priority: 'high',
    followUps: {
      staffReply:
        'Dag, om je account te beschermen moet ik eerst je identiteit controleren voor we de tweestapsverificatie kunnen resetten. ' +
        'Ik bel je vandaag nog terug op het nummer in je profiel.',
      internalNote: 'Identiteit gecontroleerd per telefoon (lidnummer, geboortedatum en bedrag van de laatste factuur). Reset aangevraagd.',
      handoff:
        'Lid kan niet meer inloggen: de 2FA-app stond op een kapot toestel. Identiteit per telefoon gecontroleerd. ' +
        'Graag de tweestapsverificatie resetten; het lid moet vandaag nog een factuur opmaken.',
      handoffReason: 'technical_account_issue',
    },
  },
  {
    category: 'account',
    language: 'en',
    subject: 'Is the member space available in English?',
    body:
      "Hello, is there an English version of the member space? I'm using my browser's translation at the moment, but some menus don't make much sense. " +
      "For example, what exactly is 'Prestations'?",
    priority: 'low',
    followUps: {
      staffReply:
        "Hi, yes: you can switch the language at the bottom of any page or in your profile (Language > English). 'Prestations' means the days or hours you work under a contract. " +
        'Some legal documents, such as the contracts themselves, remain in French or Dutch, but the menus and help pages are fully available in English.',
      memberReply: 'Found it, much better now. Thanks!',
    },
  },

  // ----- other -------------------------------------------------------------
  {
    category: 'other',
    language: 'fr',
    subject: 'Rendez-vous pour lancer mon activité de céramiste',
    body:
      'Bonjour, je voudrais prendre rendez-vous avec un conseiller ou une conseillère pour parler du lancement de mon activité de céramiste (prix, statut, assurances). ' +
      "Je suis disponible les mardis et jeudis. Est-ce possible à l'antenne de Liège ? Merci.",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, avec plaisir ! Je vous propose un rendez-vous à l'antenne de Liège le jeudi 14 à 10 h, ou le mardi 19 à 14 h. Prévoyez environ une heure. " +
        'Dites-moi ce qui vous convient le mieux.',
      memberReply: "Le jeudi 14 à 10 h, c'est parfait. À jeudi !",
    },
  },
  {
    category: 'other',
    language: 'fr',
    subject: 'Quitter la coopérative et récupérer ma part',
    body:
      "Bonjour, je vais arrêter mon activité : j'ai trouvé un emploi à temps plein dans une entreprise. Comment faire pour quitter la coopérative ? " +
      'Et est-ce que je récupère ma part sociale ?',
    priority: 'low',
    followUps: {
      staffReply:
        'Bonjour, merci de nous avoir prévenus, et bonne chance pour la suite ! Vous pouvez garder votre compte ouvert sans frais si vous pensez reprendre une activité un jour. ' +
        "Si vous préférez démissionner, la part sociale est remboursée selon les statuts, après l'assemblée générale qui approuve les comptes. Je vous envoie le formulaire de démission.",
    },
  },
  {
    category: 'other',
    language: 'fr',
    subject: 'Pas de réponse depuis deux semaines',
    body:
      "Bonjour, ça fait deux semaines que j'ai envoyé trois e-mails à propos de ma facture impayée, et personne ne me répond. Je commence à perdre patience. " +
      "Est-ce que quelqu'un peut enfin s'occuper de mon dossier ??",
    priority: 'high',
    followUps: {
      staffReply:
        "Bonjour, toutes nos excuses pour ce silence, ce n'est pas normal. Vos messages sont arrivés dans une ancienne boîte de l'antenne qui n'est plus suivie depuis la réorganisation. " +
        "Je reprends votre dossier personnellement : la facture F-2024-00477 a été relancée aujourd'hui et je vous appelle demain matin pour faire le point.",
      internalNote:
        "Les 3 e-mails du membre sont arrivés sur l'ancienne adresse de l'antenne de Bruxelles, qui n'est plus relevée. À signaler à l'admin : rediriger cette adresse vers la boîte principale.",
    },
  },
  {
    category: 'other',
    language: 'fr',
    subject: "Procuration pour l'assemblée générale",
    body:
      "Bonjour, j'ai reçu l'invitation à l'assemblée générale du 15 juin. Est-ce que je peux voter à distance ? Je serai en tournée ce jour-là. " +
      "Sinon, est-ce qu'on peut donner une procuration à un autre membre ?",
    priority: 'low',
    followUps: {
      staffReply:
        "Bonjour, oui, vous pouvez donner procuration à un autre coopérateur ou une autre coopératrice ; le formulaire est joint à l'invitation. " +
        'Le vote en ligne sera aussi ouvert du 10 au 14 juin, vous recevrez un lien par e-mail. Bonne tournée !',
    },
  },
  {
    category: 'other',
    language: 'nl',
    subject: 'Afspraak met een Nederlandstalige adviseur',
    body:
      'Dag, ik wil graag een afspraak met een adviseur die Nederlands spreekt, om mijn project als illustrator te bespreken. ' +
      'Kan dat in het kantoor in Brussel? Liefst op een woensdag. Groeten.',
    priority: 'low',
    followUps: {
      staffReply: 'Dag, zeker! Ik stel woensdag de 12de om 10 uur voor, in ons kantoor in Brussel, met een Nederlandstalige adviseur. Past dat voor jou?',
      memberReply: 'Dat past perfect, tot dan!',
    },
  },
  {
    category: 'other',
    language: 'nl',
    subject: 'Lang wachten aan de telefoon',
    body:
      'Goeiemiddag, ik heb gisteren drie keer gebeld en telkens meer dan 20 minuten gewacht zonder iemand te spreken. ' +
      'Is er een andere manier om snel antwoord te krijgen? Mijn vraag gaat over een factuur die al twee maanden niet betaald is.',
    priority: 'normal',
    followUps: {
      staffReply:
        'Dag, sorry voor het lange wachten. Via dit ticket of het webformulier krijg je meestal binnen één werkdag antwoord. ' +
        'Ik heb je factuur bekeken: de klant heeft vandaag een herinnering gekregen en ik volg het verder op.',
      internalNote:
        'Tweede herinnering verstuurd naar de klant. Als er binnen 15 dagen niets komt: doorsturen naar de ondersteuningsploeg voor ingebrekestelling.',
    },
  },
];
