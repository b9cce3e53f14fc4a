/**
 * Administrators' texts for the mail members receive: per template and language, a subject that
 * replaces the default one and an introductory paragraph under the greeting (template-texts.model.ts
 * stores them; templates.ts uses them; template-text-render.ts fills their `{{placeholders}}` without
 * ever treating the text as a template). Reset removes the record: the default comes back. Every
 * change is audited (before → after); the cache is cleared on this instance at once (5 s elsewhere).
 * The preview renders the real template with demo data, through the same `renderMail` as real mail.
 */
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { NotFoundError } from '../lib/errors.js';
import { MailTemplateTextModel, clearTemplateTexts, refreshTemplateTexts, templateTextFor, type MailTemplateText } from './template-texts.model.js';
import {
  defaultSubject,
  mailLocales,
  memberTemplates,
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
  subject: string | null;
  intro: string | null;
  placeholders: string[];
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** A member template and language, or 404 (staff mail keeps its texts: its wording is Relais's own). */
export function templateKey(template: string, locale: string): { template: MailTemplateName; locale: MailLocale } {
  if (!(memberTemplates as readonly string[]).includes(template) || !(mailLocales as readonly string[]).includes(locale))
    throw new NotFoundError('No such member mail template.');
  return { template: template as MailTemplateName, locale: locale as MailLocale };
}

function view(template: MailTemplateName, locale: MailLocale, own: MailTemplateText | null): TemplateTextView {
  return {
    template,
    locale,
    defaultSubject: defaultSubject(template, locale),
    subject: own?.subject ?? null,
    intro: own?.intro ?? null,
    placeholders: [...(templatePlaceholders[template] ?? [])],
    updatedAt: own?.updatedAt ?? null,
    updatedBy: own?.updatedBy ?? null,
  };
}

/** Every member template in every language, with the administrators' texts when there are. */
export async function templateTexts(): Promise<TemplateTextView[]> {
  await refreshTemplateTexts();
  return memberTemplates.flatMap((template) => mailLocales.map((locale) => view(template, locale, templateTextFor(template, locale))));
}

export async function templateText(template: MailTemplateName, locale: MailLocale): Promise<TemplateTextView> {
  await refreshTemplateTexts();
  return view(template, locale, templateTextFor(template, locale));
}

const audited = (v: TemplateTextView) => ({ subject: v.subject, intro: v.intro });

/** Sets the subject and/or introduction (empty or null: the default), audited. */
export async function setTemplateText(
  actor: StaffActor,
  key: { template: MailTemplateName; locale: MailLocale },
  props: { subject: string | null; intro: string | null },
  meta: { ip?: string } = {},
): Promise<TemplateTextView> {
  assertAdministrator(actor);
  const before = await templateText(key.template, key.locale);
  const subject = props.subject?.replace(/[\r\n\t]+/g, ' ').trim() || null;
  const intro = props.intro?.replace(/\r\n?/g, '\n').trim() || null;
  const _id = `${key.template}.${key.locale}`;
  if (subject === null && intro === null) await MailTemplateTextModel.deleteOne({ _id });
  else await MailTemplateTextModel.updateOne({ _id }, { $set: { subject, intro, updatedAt: new Date(), updatedBy: actor.name } }, { upsert: true });
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
  return setTemplateText(actor, key, { subject: null, intro: null }, meta);
}

/** Demo data for each member template: what the preview fills the message with. */
function demoData(template: MailTemplateName, publicUrl: string): MailTemplateData[MailTemplateName] {
  const ticketUrl = `${publicUrl}/suivi/acces/demo`;
  const ticket = { ticketNumber: 'R-2026-000123', subject: 'Attestation de revenus 2025', ticketUrl };
  const reply = { ...ticket, replyText: 'Bonjour,\nVotre attestation est jointe à ce message.', replyHtml: null, signed: false, agentFirstName: 'Julie' };
  const data: Partial<Record<MailTemplateName, MailTemplateData[MailTemplateName]>> = {
    'ticket-acknowledgement': ticket,
    'staff-reply': reply,
    'information-request': reply,
    'ticket-resolved': {
      ...ticket,
      ratingUrls: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [n, `${publicUrl}/suivi/note/${n}`])) as Record<1 | 2 | 3 | 4 | 5, string>,
      resolutionNote: null,
    },
    'ticket-merged': { ...ticket, sourceNumber: 'R-2026-000124', sourceSubject: 'Attestation (bis)' },
    'member-link': {
      linkUrl: `${publicUrl}/suivi/acces/demo`,
      expiresInDays: 30,
      tickets: [{ number: 'R-2026-000123', subject: 'Attestation de revenus 2025', statusLabel: '—' }],
    },
  };
  const found = data[template];
  if (!found) throw new NotFoundError('No such member mail template.');
  return found;
}

/** The message as a member would get it now, with demo data (the administrators' texts included). */
export async function previewTemplate(template: MailTemplateName, locale: MailLocale, publicUrl: string): Promise<RenderedMail> {
  await refreshTemplateTexts();
  return renderMail(template, locale, demoData(template, publicUrl) as never);
}
