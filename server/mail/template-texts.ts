/**
 * Administrators' texts for the mail members receive and for the staff notifications of ticket work:
 * per template and language, a subject that replaces the default one, an introductory paragraph under
 * the greeting and, in member mail, a closing line in place of the template's (template-texts.model.ts
 * stores them; templates.ts uses them; template-text-render.ts fills their `{{placeholders}}` without
 * ever treating the text as a template). A `{{name}}` the message does not offer is refused (422,
 * naming it): a typo would otherwise reach every recipient as it was typed. Reset removes the record:
 * the default comes back. Every change is audited (before → after); the cache is cleared on this
 * instance at once (5 s elsewhere). The preview renders the real template with demo data, through the
 * same `renderMail` as real mail.
 */
import Handlebars from 'handlebars';
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { NotFoundError, UnprocessableError } from '../lib/errors.js';
import { MailTemplateTextModel, clearTemplateTexts, refreshTemplateTexts, templateTextFor, type MailTemplateText } from './template-texts.model.js';
import {
  defaultSubject,
  editableTemplates,
  mailAudience,
  mailLocales,
  renderMail,
  templatePlaceholders,
  type MailLocale,
  type MailTemplateData,
  type MailTemplateName,
  type RenderedMail,
} from './templates.js';

export interface TemplateTextView {
  template: MailTemplateName;
  locale: MailLocale;
  defaultSubject: string;
  audience: 'member' | 'staff';
  subject: string | null;
  intro: string | null;
  /** Member mail only (always null for staff notifications). */
  closing: string | null;
  placeholders: string[];
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** A template with texts of administrators and a language, or 404 (account mail keeps Relais's own wording). */
export function templateKey(template: string, locale: string): { template: MailTemplateName; locale: MailLocale } {
  if (!(editableTemplates as readonly string[]).includes(template) || !(mailLocales as readonly string[]).includes(locale))
    throw new NotFoundError('No such mail template.');
  return { template: template as MailTemplateName, locale: locale as MailLocale };
}

function view(template: MailTemplateName, locale: MailLocale, own: MailTemplateText | null): TemplateTextView {
  return {
    template,
    locale,
    defaultSubject: defaultSubject(template, locale),
    audience: mailAudience[template],
    subject: own?.subject ?? null,
    intro: own?.intro ?? null,
    closing: mailAudience[template] === 'member' ? (own?.closing ?? null) : null,
    placeholders: [...(templatePlaceholders[template] ?? [])],
    updatedAt: own?.updatedAt ?? null,
    updatedBy: own?.updatedBy ?? null,
  };
}

/** Every member template in every language, with the administrators' texts when there are. */
export async function templateTexts(): Promise<TemplateTextView[]> {
  await refreshTemplateTexts();
  return editableTemplates.flatMap((template) => mailLocales.map((locale) => view(template, locale, templateTextFor(template, locale))));
}

export async function templateText(template: MailTemplateName, locale: MailLocale): Promise<TemplateTextView> {
  await refreshTemplateTexts();
  return view(template, locale, templateTextFor(template, locale));
}

const audited = (v: TemplateTextView) => ({ subject: v.subject, intro: v.intro, closing: v.closing });

/** The `{{names}}` in `text` that the template does not offer (a typo, a value it does not have). */
export function unknownPlaceholders(text: string, known: readonly string[]): string[] {
  const names = [...text.matchAll(/(?<!\{)\{\{\s*([A-Za-z]+)\s*\}\}(?!\})/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !known.includes(n)))];
}

/** What is wrong with a text's braces: a `{{` never closed, a block (`{{#if}}`) never closed, a block closed that was never opened. */
export type BraceProblem = 'unclosed' | 'block_unclosed' | 'block_unopened' | 'malformed';

/**
 * The first malformed `{{…}}` of `text` and the bit of text it starts with, or null when the text reads.
 * The text is never template source (template-text-render.ts), so a well-formed `{{#each}}…{{/each}}`
 * is harmless literal text; a malformed one is a typo that would reach every recipient as typed.
 * Handlebars' own parser decides what is malformed; the scan only says which kind, for the person who typed it.
 */
export function braceProblem(text: string): { problem: BraceProblem; excerpt: string } | null {
  try {
    Handlebars.parse(text);
    return null;
  } catch {
    // Described below.
  }
  const blocks: Array<{ name: string; excerpt: string }> = [];
  let at = text.indexOf('{{');
  while (at >= 0) {
    const close = text.indexOf('}}', at + 2);
    const next = text.indexOf('{{', at + 2);
    if (close < 0 || (next >= 0 && next < close)) {
      const end = next < 0 ? text.length : next;
      return { problem: 'unclosed', excerpt: text.slice(at, end).trim().slice(0, 40) };
    }
    const excerpt = text.slice(at, close + 2);
    const block = /^\{\{\s*([#/])\s*([^\s}]*)/.exec(excerpt);
    if (block?.[1] === '#') blocks.push({ name: block[2] ?? '', excerpt });
    else if (block?.[1] === '/' && blocks.at(-1)?.name !== block[2]) return { problem: 'block_unopened', excerpt };
    else if (block?.[1] === '/') blocks.pop();
    at = text.indexOf('{{', close + 2);
  }
  const open = blocks.at(-1);
  return open ? { problem: 'block_unclosed', excerpt: open.excerpt } : { problem: 'malformed', excerpt: text.slice(0, 40) };
}

/**
 * Sets the subject, introduction and (member mail) closing line — empty or null: the default; a
 * closing left out (undefined) stays as it is — audited. 422 for a malformed `{{…}}` (naming the
 * field), a placeholder the message does not offer, or a closing line on a staff notification.
 */
export async function setTemplateText(
  actor: StaffActor,
  key: { template: MailTemplateName; locale: MailLocale },
  props: { subject: string | null; intro: string | null; closing?: string | null },
  meta: { ip?: string } = {},
): Promise<TemplateTextView> {
  assertAdministrator(actor);
  const before = await templateText(key.template, key.locale);
  const subject = props.subject?.replace(/[\r\n\t]+/g, ' ').trim() || null;
  const intro = props.intro?.replace(/\r\n?/g, '\n').trim() || null;
  const closing = props.closing === undefined ? before.closing : props.closing?.replace(/\r\n?/g, '\n').trim() || null;
  if (closing !== null && before.audience !== 'member')
    throw new UnprocessableError('Staff notifications have no closing line to replace.', [{ path: 'closing', message: 'member mail only' }]);
  for (const [field, value] of [
    ['subject', subject],
    ['intro', intro],
    ['closing', closing],
  ] as const) {
    const wrong = value === null ? null : braceProblem(value);
    if (wrong)
      throw new UnprocessableError(
        `The ${field} has a malformed placeholder (${wrong.problem}): ${wrong.excerpt}. A placeholder is written {{name}}.`,
        [{ path: field, message: `malformed placeholder (${wrong.problem})` }],
        { reason: 'placeholder_syntax', field, ...wrong },
      );
  }
  const unknown = unknownPlaceholders([subject, intro, closing].filter(Boolean).join('\n'), before.placeholders);
  if (unknown.length > 0)
    throw new UnprocessableError(
      `Unknown placeholder: ${unknown.map((n) => `{{${n}}}`).join(', ')}. This message offers: ${before.placeholders.map((n) => `{{${n}}}`).join(' ')}.`,
      unknown.map((n) => ({ path: n, message: 'not a placeholder of this message' })),
      { reason: 'unknown_placeholder', unknown, placeholders: before.placeholders },
    );
  const _id = `${key.template}.${key.locale}`;
  if (subject === null && intro === null && closing === null) await MailTemplateTextModel.deleteOne({ _id });
  else await MailTemplateTextModel.updateOne({ _id }, { $set: { subject, intro, closing, updatedAt: new Date(), updatedBy: actor.name } }, { upsert: true });
  clearTemplateTexts();
  const after = await templateText(key.template, key.locale);
  await recordAudit(actor, {
    action: 'mail_template.update',
    target: { kind: 'mail_template', id: _id, label: _id },
    before: audited(before),
    after: audited(after),
    ip: meta.ip,
  });
  return after;
}

/** Back to the default subject and no introduction. */
export function resetTemplateText(
  actor: StaffActor,
  key: { template: MailTemplateName; locale: MailLocale },
  meta: { ip?: string } = {},
): Promise<TemplateTextView> {
  return setTemplateText(actor, key, { subject: null, intro: null, closing: null }, meta);
}

/** The staff notifications' demo values in each language (the recipient reads them in theirs). */
const staffDemo: Record<MailLocale, Record<'teamName' | 'reasonLabel' | 'handoff' | 'reason' | 'deadlineLabel' | 'dueText' | 'explanation', string>> = {
  fr: {
    teamName: 'Équipe de soutien',
    reasonLabel: 'Correction de paie',
    handoff: 'Le membre a envoyé sa fiche de paie ; il manque le contrat.',
    reason: 'Julie est absente cette semaine.',
    deadlineLabel: 'Première réponse',
    dueText: 'mardi 10 mars 2026 à 14:00',
    explanation: 'Huit heures ouvrables à compter de l’arrivée de la demande, selon le calendrier du bureau.',
  },
  nl: {
    teamName: 'Ondersteuningsteam',
    reasonLabel: 'Looncorrectie',
    handoff: 'Het lid heeft de loonfiche gestuurd; het contract ontbreekt nog.',
    reason: 'Julie is deze week afwezig.',
    deadlineLabel: 'Eerste antwoord',
    dueText: 'dinsdag 10 maart 2026 om 14:00',
    explanation: 'Acht werkuren vanaf de aankomst van de vraag, volgens de kalender van het kantoor.',
  },
  en: {
    teamName: 'Support team',
    reasonLabel: 'Payroll correction',
    handoff: 'The member sent their payslip; the contract is still missing.',
    reason: 'Julie is away this week.',
    deadlineLabel: 'First response',
    dueText: 'Tuesday 10 March 2026 at 14:00',
    explanation: 'Eight business hours from the request’s arrival, in the office’s calendar.',
  },
};

/** What a member of each language writes and is answered, so a preview reads as that member will read it (QA: a Dutch preview quoted a French subject). */
const memberDemo: Record<MailLocale, { name: string; subject: string; file: string; reply: string; duplicate: string }> = {
  fr: {
    name: 'Marie Dupont',
    subject: 'Attestation de revenus 2025',
    file: 'fiche-de-paie-mars.pdf',
    reply: 'Bonjour,\nVotre attestation est jointe à ce message.',
    duplicate: 'Attestation (bis)',
  },
  nl: {
    name: 'Joke Peeters',
    subject: 'Inkomensattest 2025',
    file: 'loonfiche-maart.pdf',
    reply: 'Goedendag,\nUw attest zit als bijlage bij dit bericht.',
    duplicate: 'Attest (bis)',
  },
  en: {
    name: 'Sarah O’Connor',
    subject: 'Income certificate 2025',
    file: 'payslip-march.pdf',
    reply: 'Hello,\nYour certificate is attached to this message.',
    duplicate: 'Certificate (again)',
  },
};

/** Demo data for each template with texts of administrators: what the preview fills the message with. */
function demoData(template: MailTemplateName, locale: MailLocale, publicUrl: string): MailTemplateData[MailTemplateName] {
  const staff = staffDemo[locale];
  const member = memberDemo[locale];
  const ticketUrl = `${publicUrl}/suivi/acces/demo`;
  const staffTicketUrl = `${publicUrl}/staff/tickets/demo`;
  const ticket = { memberName: member.name, ticketNumber: 'R-2026-000123', subject: member.subject, ticketUrl };
  const reply = { ...ticket, replyText: member.reply, replyHtml: null, signed: false, agentFirstName: 'Julie' };
  const data: Partial<Record<MailTemplateName, MailTemplateData[MailTemplateName]>> = {
    'ticket-acknowledgement': { ...ticket, files: [member.file] },
    'staff-reply': reply,
    'information-request': reply,
    'ticket-resolved': {
      ...ticket,
      ratingUrls: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [n, `${publicUrl}/suivi/note/${n}`])) as Record<1 | 2 | 3 | 4 | 5, string>,
      resolutionNote: null,
    },
    'ticket-merged': { ...ticket, sourceNumber: 'R-2026-000124', sourceSubject: member.duplicate },
    'follow-up-held': ticket,
    'member-link': {
      memberName: ticket.memberName,
      linkUrl: `${publicUrl}/suivi/acces/demo`,
      expiresInDays: 30,
      tickets: [{ number: 'R-2026-000123', subject: member.subject, statusLabel: '—' }],
    },
    'staff-escalation': {
      ticketNumber: ticket.ticketNumber,
      subject: ticket.subject,
      fromTier: 1,
      toTier: 2,
      teamName: staff.teamName,
      escalatedBy: 'Julie Lambert',
      reasonLabel: staff.reasonLabel,
      handoff: staff.handoff,
      staffTicketUrl,
    },
    'staff-reassignment': {
      ticketNumber: ticket.ticketNumber,
      subject: ticket.subject,
      reassignedBy: 'Isabelle Collard',
      reason: staff.reason,
      staffTicketUrl,
    },
    'sla-warning': {
      ticketNumber: ticket.ticketNumber,
      subject: ticket.subject,
      breached: false,
      deadlineLabel: staff.deadlineLabel,
      dueText: staff.dueText,
      explanation: staff.explanation,
      staffTicketUrl,
    },
    'staff-invite': { name: 'Camille Dubois', invitedBy: 'Isabelle Collard', setPasswordUrl: `${publicUrl}/staff/password/demo`, expiresInHours: 24 },
    'password-reset': { name: 'Camille Dubois', setPasswordUrl: `${publicUrl}/staff/password/demo`, expiresInMinutes: 30 },
    'staff-unlock': { name: 'Camille Dubois', unlockUrl: `${publicUrl}/staff/unlock/demo`, expiresInMinutes: 30 },
  };
  const found = data[template];
  if (!found) throw new NotFoundError('No such mail template.');
  return found;
}

/** The message as its recipient would get it now, with demo data (the administrators' texts included). */
export async function previewTemplate(template: MailTemplateName, locale: MailLocale, publicUrl: string): Promise<RenderedMail> {
  await refreshTemplateTexts();
  return renderMail(template, locale, demoData(template, locale, publicUrl) as never);
}
