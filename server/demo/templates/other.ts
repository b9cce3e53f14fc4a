/** Demo ticket templates of the category `other` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const other: readonly DemoTicketTemplate[] = [
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
