/** Demo ticket templates of the category `invoices` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const invoices: readonly DemoTicketTemplate[] = [
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
];
