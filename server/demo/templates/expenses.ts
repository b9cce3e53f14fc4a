/** Demo ticket templates of the category `expenses` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const expenses: readonly DemoTicketTemplate[] = [
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
];
