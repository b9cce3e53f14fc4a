/**
 * Demo data for Relais: categories, reason codes, members and ticket templates
 * for a Belgian shared-enterprise cooperative of freelancers.
 *
 * Pure data, no I/O (the ticket templates are in ./templates/, one file per category). The demo
 * seeder turns these constants into documents.
 * Every e-mail address uses a reserved example domain; every name, client, invoice number
 * and amount is invented. Ticket texts never name the member (templates are paired with
 * members at random), so bodies and replies greet and sign without first names.
 */

import { contracts } from './templates/contracts.js';
import { invoices } from './templates/invoices.js';
import { payslips } from './templates/payslips.js';
import { certificates } from './templates/certificates.js';
import { advances } from './templates/advances.js';
import { expenses } from './templates/expenses.js';
import { insurance } from './templates/insurance.js';
import { account } from './templates/account.js';
import { other } from './templates/other.js';

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

/** Every template, category by category (one file each in ./templates/). */
export const demoTicketTemplates: readonly DemoTicketTemplate[] = [
  ...contracts,
  ...invoices,
  ...payslips,
  ...certificates,
  ...advances,
  ...expenses,
  ...insurance,
  ...account,
  ...other,
];

/** Saved replies shared by the whole organisation, in the three languages (the picker offers the ticket's). */
export const demoSavedReplies = [
  {
    title: 'Documents bien reçus',
    titles: { nl: 'Documenten goed ontvangen', en: 'Documents received' },
    body: {
      fr: 'Bonjour {member.first_name},\n\nNous avons bien reçu vos documents pour la demande {ticket.number}. Nous les vérifions et revenons vers vous dans les deux jours ouvrables.',
      nl: 'Dag {member.first_name},\n\nWe hebben uw documenten voor vraag {ticket.number} goed ontvangen. We kijken ze na en laten binnen twee werkdagen iets van ons horen.',
      en: 'Hello {member.first_name},\n\nWe have received your documents for request {ticket.number}. We are checking them and will get back to you within two working days.',
    },
  },
  {
    title: 'Fiche de paie à vérifier : pièces à envoyer',
    titles: { nl: 'Loonbrief nakijken: te bezorgen stukken', en: 'Payslip to check: documents to send' },
    body: {
      fr: 'Pour vérifier le montant, pouvez-vous nous envoyer une copie de la fiche de paie concernée et vos prestations du mois (dates et heures) ? Il vous suffit de répondre à ce message en les joignant.',
      nl: 'Om het bedrag na te kijken, kunt u ons een kopie van de betrokken loonbrief bezorgen, met uw prestaties van die maand (datums en uren)? U kunt gewoon op dit bericht antwoorden en ze als bijlage toevoegen.',
      en: 'To check the amount, could you send us a copy of the payslip concerned and the work you did that month (dates and hours)? Simply reply to this message with them attached.',
    },
  },
  {
    title: 'Heures d’ouverture des bureaux',
    titles: { nl: 'Openingsuren van de kantoren', en: 'Office opening hours' },
    body: {
      fr: 'Nos bureaux sont ouverts du lundi au vendredi, de 9 h à 16 h. Vous pouvez aussi nous écrire à tout moment : nous répondons pendant ces heures.',
      nl: 'Onze kantoren zijn open van maandag tot vrijdag, van 9 tot 16 uur. U kunt ons ook altijd schrijven: we antwoorden tijdens die uren.',
      en: 'Our offices are open Monday to Friday, from 9 am to 4 pm. You can also write to us at any time: we answer during those hours.',
    },
  },
] as const;
