/**
 * The subject line of each mail, per language (Handlebars sources, rendered by templates.ts). Apart
 * from the bodies, which are files in views/emails, the one thing about a mail that is written in code.
 */
import type { MailLocale, MailTemplateName } from './templates.js';

/**
 * Every mail to a member about one ticket has the same subject, the ticket's, whatever it says:
 * Gmail starts a new conversation when the subject changes, even for a reply that references the
 * one before, so "received", "reply" and "resolved" subjects scattered one request over three
 * threads. What each mail is, its first line says (the snippet an inbox shows under the subject).
 * The `[{{ticketNumber}}]` threads the member's answers back to the ticket.
 */
const sameThread: Readonly<Record<MailLocale, string>> = {
  fr: '[{{ticketNumber}}] {{subject}}',
  nl: '[{{ticketNumber}}] {{subject}}',
  en: '[{{ticketNumber}}] {{subject}}',
};

/**
 * Subject lines per template and language. Staff mail about a ticket starts with `[{{ticketNumber}}]`
 * too; the magic link is about no ticket in particular.
 */
export const subjects: Readonly<Record<MailTemplateName, Readonly<Record<MailLocale, string>>>> = {
  'ticket-acknowledgement': sameThread,
  'staff-reply': sameThread,
  'information-request': sameThread,
  'ticket-resolved': sameThread,
  'ticket-merged': sameThread,
  'follow-up-held': sameThread,
  'member-link': {
    fr: 'Votre lien pour suivre vos demandes',
    nl: 'Uw link om uw vragen op te volgen',
    en: 'Your link to follow your requests',
  },
  'staff-escalation': {
    fr: '[{{ticketNumber}}] Escalade vers le niveau {{toTier}} : {{subject}}',
    nl: '[{{ticketNumber}}] Geëscaleerd naar niveau {{toTier}}: {{subject}}',
    en: '[{{ticketNumber}}] Escalated to tier {{toTier}}: {{subject}}',
  },
  'staff-reassignment': {
    fr: '[{{ticketNumber}}] {{#if returned}}Un ticket vous est renvoyé{{else}}Un ticket vous a été confié{{/if}} : {{subject}}',
    nl: '[{{ticketNumber}}] {{#if returned}}Er is een ticket naar u teruggestuurd{{else}}Er is een ticket aan u toegewezen{{/if}}: {{subject}}',
    en: '[{{ticketNumber}}] {{#if returned}}A ticket has been sent back to you{{else}}A ticket has been assigned to you{{/if}}: {{subject}}',
  },
  'sla-warning': {
    fr: '[{{ticketNumber}}] {{#if breached}}Délai dépassé{{else}}Délai bientôt atteint{{/if}} ({{deadlineLabel}}) : {{subject}}',
    nl: '[{{ticketNumber}}] {{#if breached}}Termijn overschreden{{else}}Termijn loopt bijna af{{/if}} ({{deadlineLabel}}): {{subject}}',
    en: '[{{ticketNumber}}] {{#if breached}}Deadline missed{{else}}Deadline approaching{{/if}} ({{deadlineLabel}}): {{subject}}',
  },
  'staff-unlock': {
    fr: 'Relais : votre lien pour déverrouiller votre compte',
    nl: 'Relais: uw link om uw account te ontgrendelen',
    en: 'Relais: your link to unlock your account',
  },
  'staff-invite': {
    fr: 'Relais : votre invitation — choisissez votre mot de passe',
    nl: 'Relais: uw uitnodiging — kies uw wachtwoord',
    en: 'Relais: your invitation — choose your password',
  },
  'mail-test': {
    fr: 'Relais : message d’essai des réglages du courrier',
    nl: 'Relais: testbericht van de e-mailinstellingen',
    en: 'Relais: test message of the mail settings',
  },
  'password-reset': {
    fr: 'Relais : votre lien pour choisir un nouveau mot de passe',
    nl: 'Relais: uw link om een nieuw wachtwoord te kiezen',
    en: 'Relais: your link to choose a new password',
  },
  'password-changed': {
    fr: 'Relais : le mot de passe de votre compte a été changé',
    nl: 'Relais: het wachtwoord van uw account is gewijzigd',
    en: 'Relais: the password of your account was changed',
  },
};

/** The default subject's source (placeholders in `{{ }}`), shown next to an administrator's own. */
export function defaultSubject(template: MailTemplateName, locale: MailLocale): string {
  return subjects[template][locale];
}
