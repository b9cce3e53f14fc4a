/** Demo ticket templates of the category `contracts` (server/demo/demo.data.ts assembles them). */
import type { DemoTicketTemplate } from '../demo.data.js';

export const contracts: readonly DemoTicketTemplate[] = [
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
];
