/** Demo ticket templates of the category `account` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const account: readonly DemoTicketTemplate[] = [
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
];
