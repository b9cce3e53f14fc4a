/**
 * Email templates: one HTML + plain-text pair per message and language in `views/emails/`
 * (`<template>.<locale>.html.hbs`, `<template>.<locale>.text.hbs`), rendered by an isolated
 * Handlebars instance from an explicit, validated data object (never a model).
 *
 * HTML templates use `{{ }}` only, so every value is escaped; the one helper, `paragraphs`,
 * escapes each line itself. Text templates are compiled with `noEscape` and are only fed plain
 * strings (validated below), so text stays text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { viewsDir } from '../lib/paths.js';

export const mailLocales = ['fr', 'nl', 'en'] as const;
export type MailLocale = (typeof mailLocales)[number];

const ticketNumber = z.string().regex(/^R-\d{4}-\d{6}$/, 'a ticket number such as R-2026-000123');
const httpUrl = z.url({ protocol: /^https?$/ });
/** One line of plain text: no control characters (subjects end up in a header). */
const line = z
  .string()
  .min(1)
  .max(500)
  .transform((v) => v.replace(/[\r\n\t]+/g, ' ').trim());

const templateSchemas = {
  'ticket-acknowledgement': z.strictObject({ ticketNumber, subject: line, ticketUrl: httpUrl }),
  'staff-reply': z.strictObject({
    ticketNumber,
    subject: line,
    replyText: z.string().min(1).max(100_000),
    agentFirstName: line,
    ticketUrl: httpUrl,
  }),
} as const;

export type MailTemplateName = keyof typeof templateSchemas;
export const mailTemplateNames = Object.keys(templateSchemas) as MailTemplateName[];
export type MailTemplateData = { [K in MailTemplateName]: z.input<(typeof templateSchemas)[K]> };

/** Whether the message is an automatic one (`Auto-Submitted: auto-replied`, RFC 3834). */
export const autoSubmittedTemplates: Readonly<Record<MailTemplateName, boolean>> = {
  'ticket-acknowledgement': true,
  'staff-reply': false,
};

/** Subject lines per template and language; `{{ticketNumber}}` comes first, in brackets, for threading. */
const subjects: Readonly<Record<MailTemplateName, Readonly<Record<MailLocale, string>>>> = {
  'ticket-acknowledgement': {
    fr: '[{{ticketNumber}}] Nous avons bien reçu votre demande : {{subject}}',
    nl: '[{{ticketNumber}}] We hebben uw vraag goed ontvangen: {{subject}}',
    en: '[{{ticketNumber}}] We have received your request: {{subject}}',
  },
  'staff-reply': {
    fr: '[{{ticketNumber}}] Réponse à votre demande : {{subject}}',
    nl: '[{{ticketNumber}}] Antwoord op uw vraag: {{subject}}',
    en: '[{{ticketNumber}}] Reply to your request: {{subject}}',
  },
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const hbs = Handlebars.create();
hbs.registerHelper('paragraphs', (value: unknown) => {
  const lines = String(value ?? '').replace(/\r\n?/g, '\n').split('\n');
  return new hbs.SafeString(lines.map((l) => hbs.escapeExpression(l)).join('<br>\n'));
});

type Compiled = (data: Record<string, string>) => string;
const cache = new Map<string, Compiled>();

function compiled(key: string, source: () => string, noEscape: boolean): Compiled {
  let fn = cache.get(key);
  if (!fn) {
    const template = hbs.compile<Record<string, string>>(source(), { strict: true, noEscape });
    fn = (data) => template(data);
    cache.set(key, fn);
  }
  return fn;
}

function file(template: MailTemplateName, locale: MailLocale, kind: 'html' | 'text'): string {
  return readFileSync(path.join(viewsDir, 'emails', `${template}.${locale}.${kind}.hbs`), 'utf8');
}

/** Validates `data` for `template` and renders its subject, plain text and HTML in `locale`. */
export function renderMail<T extends MailTemplateName>(template: T, locale: MailLocale, data: MailTemplateData[T]): RenderedMail {
  const values = templateSchemas[template].parse(data) as Record<string, string>;
  const subject = compiled(`${template}.${locale}.subject`, () => subjects[template][locale], true)(values);
  return {
    subject: subject.replace(/[\r\n]+/g, ' '),
    text: compiled(`${template}.${locale}.text`, () => file(template, locale, 'text'), true)(values),
    html: compiled(`${template}.${locale}.html`, () => file(template, locale, 'html'), false)(values),
  };
}
