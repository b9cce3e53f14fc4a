/**
 * The demo's handoff and return notes for tickets whose template has none, written for the ticket's
 * category and subject: one generic sentence on forty escalations made the board read like a test
 * fixture, and a tier-2 handoff repeating tier 1's word for word told tier 3 nothing new.
 */
import type { DemoLanguage } from './demo.data.js';

type Texts = Readonly<Record<DemoLanguage, string>>;

interface CategoryNotes {
  /** Tier 1 → 2: what is needed from the support team. */
  readonly support: Texts;
  /** Tier 2 → 3: the administrative act left to do. */
  readonly admin: Texts;
  /** Tier 2 → 1 (sent back for missing information): what is missing. */
  readonly missing: Texts;
}

const notes = {
  contracts: {
    support: { fr: 'un avenant au contrat, à valider', nl: 'een aanhangsel bij het contract, ter goedkeuring', en: 'a contract amendment to approve' },
    admin: {
      fr: "signer l'avenant et l'envoyer au membre",
      nl: 'het aanhangsel ondertekenen en naar het lid sturen',
      en: 'sign the amendment and send it to the member',
    },
    missing: {
      fr: 'les dates et le nombre de jours de la prestation',
      nl: 'de data en het aantal dagen van de opdracht',
      en: 'the dates and number of days of the assignment',
    },
  },
  invoices: {
    support: {
      fr: 'une vérification de la facture et de la TVA appliquée',
      nl: 'een controle van de factuur en de toegepaste btw',
      en: 'a check of the invoice and the VAT applied',
    },
    admin: {
      fr: 'émettre la note de crédit et la nouvelle facture',
      nl: 'de creditnota en de nieuwe factuur opmaken',
      en: 'issue the credit note and the new invoice',
    },
    missing: { fr: 'le numéro de la facture concernée', nl: 'het nummer van de betrokken factuur', en: 'the number of the invoice concerned' },
  },
  payslips: {
    support: {
      fr: 'un contrôle du calcul de la fiche de paie',
      nl: 'een controle van de berekening van de loonfiche',
      en: 'a check of how the payslip was calculated',
    },
    admin: {
      fr: 'corriger la fiche de paie au prochain calcul',
      nl: 'de loonfiche bij de volgende berekening rechtzetten',
      en: 'correct the payslip in the next payroll run',
    },
    missing: {
      fr: 'le mois concerné et les heures déclarées',
      nl: 'de betrokken maand en de aangegeven uren',
      en: 'the month concerned and the hours declared',
    },
  },
  certificates: {
    support: { fr: "la confirmation de l'attestation qu'il faut", nl: 'bevestiging welk attest nodig is', en: 'confirmation of which certificate is needed' },
    admin: {
      fr: "établir l'attestation et l'envoyer au membre",
      nl: 'het attest opmaken en naar het lid sturen',
      en: 'draw up the certificate and send it to the member',
    },
    missing: { fr: "l'organisme qui demande l'attestation", nl: 'de instelling die het attest vraagt', en: 'the body asking for the certificate' },
  },
  advances: {
    support: {
      fr: "l'accord sur l'avance, vu le solde du compte d'activité",
      nl: 'akkoord over het voorschot, gezien het saldo van de activiteitenrekening',
      en: 'approval of the advance, given the activity account balance',
    },
    admin: {
      fr: "verser l'avance et la noter sur le compte d'activité",
      nl: 'het voorschot uitbetalen en op de activiteitenrekening boeken',
      en: 'pay the advance and record it on the activity account',
    },
    missing: {
      fr: "la facture client sur laquelle porte l'avance",
      nl: 'de klantfactuur waarop het voorschot slaat',
      en: 'the client invoice the advance is for',
    },
  },
  expenses: {
    support: {
      fr: 'la validation de la note de frais et de ses justificatifs',
      nl: 'goedkeuring van de onkostennota en de bewijsstukken',
      en: 'approval of the expense claim and its receipts',
    },
    admin: {
      fr: 'rembourser la note de frais avec le prochain salaire',
      nl: 'de onkostennota met het volgende loon terugbetalen',
      en: 'pay the expense claim back with the next salary',
    },
    missing: { fr: 'les justificatifs au nom de la coopérative', nl: 'de bewijsstukken op naam van de coöperatie', en: "receipts in the cooperative's name" },
  },
  insurance: {
    support: {
      fr: "savoir si l'assurance de la coopérative couvre le cas",
      nl: 'nagaan of de verzekering van de coöperatie dit dekt',
      en: "to check whether the cooperative's insurance covers this",
    },
    admin: { fr: "déclarer le sinistre à l'assureur", nl: 'de schade bij de verzekeraar aangeven', en: 'report the claim to the insurer' },
    missing: {
      fr: 'la date des faits et la déclaration du membre',
      nl: 'de datum van de feiten en de verklaring van het lid',
      en: "the date of the incident and the member's statement",
    },
  },
  account: {
    support: { fr: "un accès à l'outil de gestion des comptes", nl: 'toegang tot het beheer van de accounts', en: 'access to the account management tool' },
    admin: {
      fr: 'rattacher le compte à la bonne fiche de membre',
      nl: 'de account aan de juiste ledenfiche koppelen',
      en: 'link the account to the right member record',
    },
    missing: {
      fr: "l'adresse e-mail utilisée pour se connecter",
      nl: 'het e-mailadres waarmee het lid inlogt',
      en: 'the email address the member signs in with',
    },
  },
  other: {
    support: {
      fr: 'un avis sur la question, hors de nos réponses habituelles',
      nl: 'advies over de vraag, buiten onze gewone antwoorden',
      en: 'advice on the question, outside our usual answers',
    },
    admin: { fr: 'répondre au membre sur le fond', nl: 'het lid ten gronde antwoorden', en: 'answer the member on the substance' },
    missing: { fr: 'la question précise du membre', nl: 'de precieze vraag van het lid', en: "the member's exact question" },
  },
} satisfies Record<string, CategoryNotes>;

const forms = {
  fr: {
    support: (subject: string, need: string) =>
      `« ${subject} » : dossier et pièces jointes vérifiés, le membre a reçu une réponse d'attente. Besoin : ${need}.`,
    admin: (need: string) => `Contrôlé par l'équipe de soutien, le dossier est complet. Reste à ${need}.`,
    back: (missing: string) => `Il manque : ${missing}. Une fois reçu, le conseiller peut répondre lui-même au membre.`,
  },
  nl: {
    support: (subject: string, need: string) => `‘${subject}’: dossier en bijlagen nagekeken, het lid kreeg een eerste antwoord. Nodig: ${need}.`,
    admin: (need: string) => `Nagekeken door het ondersteuningsteam, het dossier is volledig. Nog te doen: ${need}.`,
    back: (missing: string) => `Nog nodig: ${missing}. Zodra dat er is, kan de adviseur het lid zelf antwoorden.`,
  },
  en: {
    support: (subject: string, need: string) => `“${subject}”: file and attachments checked, the member has had a first answer. Needed: ${need}.`,
    admin: (need: string) => `Checked by the support team, the file is complete. Left to do: ${need}.`,
    back: (missing: string) => `Missing: ${missing}. Once it is in, the advisor can answer the member directly.`,
  },
} as const;

/** The demo notes of one ticket: the handoff to tier 2, the one to tier 3, and tier 2's note when it sends the ticket back. */
export function demoNotes(category: string, language: DemoLanguage, subject: string): { toSupport: string; toAdmin: string; back: string } {
  const of: CategoryNotes = (notes as Record<string, CategoryNotes | undefined>)[category] ?? notes.other;
  const form = forms[language];
  return {
    toSupport: form.support(subject, of.support[language]),
    toAdmin: form.admin(of.admin[language]),
    back: form.back(of.missing[language]),
  };
}
