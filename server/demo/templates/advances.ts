/** Demo ticket templates of the category `advances` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const advances: readonly DemoTicketTemplate[] = [
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
];
