/**
 * Email templates: one HTML + plain-text pair per message and language in `views/emails/`
 * (`<template>.<locale>.html.hbs`, `<template>.<locale>.text.hbs`), rendered by an isolated
 * Handlebars instance from an explicit, validated data object (never a model).
 *
 * HTML templates use `{{ }}` only, so every value is escaped. They share partials: a
 * single-column, inline-styled frame built of tables, which reads on a phone and in Outlook
 * (`_layout.html.hbs`), a button (`_button`), a quoted block (`_quote`) and a choice row (`_choice`).
 * The helpers escape too: `paragraphs` escapes each line itself, `plural` returns plain text,
 * `safeReplyHtml` passes a staff reply's HTML through the reply allow-list (`_richquote`).
 * Text templates are compiled with `noEscape` and are only fed validated strings and numbers,
 * so text stays text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { viewsDir } from '../lib/paths.js';
import { sanitizeReplyHtml } from '../lib/reply-markup.js';
import { greeting } from './greeting.js';
import { renderAdminText } from './template-text-render.js';
import { templateTextFor } from './template-texts.model.js';
import { subjects } from './template-subjects.js';
import type { uiLocales as mailLocales } from '../lib/ticket.vocabulary.js';

export { uiLocales as mailLocales } from '../lib/ticket.vocabulary.js';
export { defaultSubject } from './template-subjects.js';
export type MailLocale = (typeof mailLocales)[number];

const ticketNumber = z.string().regex(/^R-\d{4}-\d{6}$/, 'a ticket number such as R-2026-000123');
const httpUrl = z.url({ protocol: /^https?$/ });
/** One line of plain text: no control characters (subjects end up in a header). */
const line = z
  .string()
  .min(1)
  .max(500)
  .transform((v) => v.replace(/[\r\n\t]+/g, ' ').trim());
/** Text a person wrote, line breaks kept (the HTML shows them with `paragraphs`). */
const longText = (max: number) => z.string().min(1).max(max);

/** A formatted staff reply: its HTML (the reply allow-list, applied again when rendered) and whether it carries the author's signature. */
const replyExtras = {
  /** Whether the mail greets the member itself: not when the reply opens with a greeting of its own (lib/greetings.ts). */
  greet: z.boolean().default(true),
  // Always present after parsing (null when absent): the templates run in strict mode.
  replyHtml: z
    .string()
    .max(400_000)
    .nullish()
    .transform((v) => v ?? null),
  signed: z.boolean().default(false),
};

const templateSchemas = {
  // `files`: the names of the files the request came with ("did my payslip arrive?"), none by default.
  'ticket-acknowledgement': z.strictObject({
    ...greeting,
    ticketNumber,
    subject: line,
    ticketUrl: httpUrl,
    files: z.array(line).max(50).default([]),
    byPhone: z.boolean().default(false),
    byVisit: z.boolean().default(false),
    // Filed by the member themselves (the web form, a mail): whoever did not is told to ignore it.
    selfService: z.boolean().default(false),
  }),
  'staff-reply': z.strictObject({
    ...greeting,
    ticketNumber,
    subject: line,
    replyText: longText(100_000),
    ...replyExtras,
    agentFirstName: line,
    ticketUrl: httpUrl,
  }),
  'information-request': z.strictObject({
    ...greeting,
    ticketNumber,
    subject: line,
    replyText: longText(100_000),
    ...replyExtras,
    agentFirstName: line,
    ticketUrl: httpUrl,
  }),
  'ticket-resolved': z.strictObject({
    ...greeting,
    /** Whether the mail greets the member: not when the first reply it carries opens with a greeting of its own. */
    greet: z.boolean().default(true),
    ticketNumber,
    subject: line,
    ticketUrl: httpUrl,
    /** One link per score; each leads to a page where the member confirms (a GET changes nothing). */
    ratingUrls: z.strictObject({ 1: httpUrl, 2: httpUrl, 3: httpUrl, 4: httpUrl, 5: httpUrl }),
    // Always present after parsing (null when absent): the templates run in strict mode.
    resolutionNote: longText(20_000)
      .nullish()
      .transform((v) => v ?? null),
    /** Staff replies held in the outbox when the ticket was resolved: this mail carries them (mail/held-replies.ts). */
    replies: z
      // `continued`: the same person as the reply before it, so "Pieter has replied" is said once.
      .array(z.strictObject({ agentFirstName: line, replyText: longText(100_000), continued: z.boolean().default(false), ...replyExtras }))
      .max(20)
      .default([]),
  }),
  /** To the member once, when a duplicate request of theirs was merged into this one (tickets/ticket.merge.ts). */
  'ticket-merged': z.strictObject({
    ...greeting,
    ticketNumber,
    subject: line,
    sourceNumber: ticketNumber,
    sourceSubject: line,
    ticketUrl: httpUrl,
  }),
  /**
   * To the member when a mail from their address about their ticket is held for a person to confirm
   * (no reply token, no authentication pass): it is not lost, and how the next ones arrive directly
   * (mail/inbound/held-notice.ts). Sent to the address on the ticket, never to the `From:`.
   */
  'follow-up-held': z.strictObject({ ...greeting, ticketNumber, subject: line, ticketUrl: httpUrl }),
  'member-link': z.strictObject({
    ...greeting,
    linkUrl: httpUrl,
    expiresInDays: z.number().int().min(1).max(365),
    tickets: z.array(z.strictObject({ number: ticketNumber, subject: line, statusLabel: line })).max(50),
  }),
  'staff-escalation': z
    .strictObject({
      ticketNumber,
      subject: line,
      fromTier: z.union([z.literal(1), z.literal(2)]),
      toTier: z.union([z.literal(2), z.literal(3)]),
      teamName: line,
      escalatedBy: line,
      reasonLabel: line,
      handoff: longText(20_000),
      staffTicketUrl: httpUrl,
    })
    .refine((d) => d.toTier > d.fromTier, { message: 'an escalation goes up a tier', path: ['toTier'] }),
  'staff-reassignment': z.strictObject({
    ticketNumber,
    subject: line,
    reassignedBy: line,
    /** Sent back by a higher tier to the person who escalated it: "vous a renvoyé", the return note as the reason. */
    returned: z.boolean().default(false),
    reason: longText(5_000),
    staffTicketUrl: httpUrl,
  }),
  /** To the holder when an SLA deadline comes near or is missed (server/sla/actions.ts). */
  'sla-warning': z.strictObject({
    ticketNumber,
    subject: line,
    breached: z.boolean(),
    /** The deadline's name in the recipient's language, e.g. "Première réponse". */
    deadlineLabel: line,
    /** When it falls due, in the calendar's zone and the recipient's language. */
    dueText: line,
    /** The deadline explained in one sentence (server/sla/explain.ts). */
    explanation: longText(2_000),
    staffTicketUrl: httpUrl,
  }),
  /** To a staff member who asked for an unlock link after their account was locked by failed sign-ins. */
  'staff-unlock': z.strictObject({
    name: line,
    unlockUrl: httpUrl,
    expiresInMinutes: z.number().int().min(1).max(1440),
  }),
  /** To a person an administrator invited: a link to set their own password (their account is inactive until then). */
  'staff-invite': z.strictObject({
    name: line,
    invitedBy: line,
    setPasswordUrl: httpUrl,
    expiresInHours: z.number().int().min(1).max(720),
  }),
  /** An administrator's test of the outgoing mail settings (mail-settings.ts), to the address they typed. */
  'mail-test': z.strictObject({ sentBy: line, sentAt: line, server: line, settingsUrl: httpUrl }),
  /** To a person whose password was just changed (by them, or through a reset link): if it was not them, how to take the account back. */
  'password-changed': z.strictObject({
    name: line,
    when: line,
    /** Through a "forgot password" link, not by the person signed in. */
    reset: z.boolean(),
    forgotUrl: httpUrl,
  }),
  /** "Forgot password": a link to set a new one (every session ends when it is used). */
  'password-reset': z.strictObject({
    name: line,
    setPasswordUrl: httpUrl,
    expiresInMinutes: z.number().int().min(1).max(1440),
  }),
} as const;

export type MailTemplateName = keyof typeof templateSchemas;
export const mailTemplateNames = Object.keys(templateSchemas) as MailTemplateName[];
export type MailTemplateData = { [K in MailTemplateName]: z.input<(typeof templateSchemas)[K]> };

/**
 * The `Auto-Submitted` value of each message (RFC 3834), or null for those a person wrote. Only the
 * acknowledgement and the held-mail notice answer a message the member sent ("auto-replied", when
 * they do answer one: see `autoSubmittedValue`); the others Relais sends on an
 * event of its own — a move, a deadline, a request for a link or a password ("auto-generated").
 * Either keeps vacation responders from answering.
 */
export const autoSubmittedHeader: Readonly<Record<MailTemplateName, 'auto-replied' | 'auto-generated' | null>> = {
  'ticket-acknowledgement': 'auto-replied',
  'staff-reply': null,
  'information-request': null,
  'ticket-resolved': 'auto-generated',
  'ticket-merged': 'auto-generated',
  // It answers the member's held mail, at the address on the ticket.
  'follow-up-held': 'auto-replied',
  'member-link': 'auto-generated',
  'staff-escalation': 'auto-generated',
  'staff-reassignment': 'auto-generated',
  'sla-warning': 'auto-generated',
  'staff-unlock': 'auto-generated',
  'staff-invite': 'auto-generated',
  'password-reset': 'auto-generated',
  'password-changed': 'auto-generated',
  'mail-test': 'auto-generated',
};

/**
 * Whether a message is marked `Auto-Submitted`: by its template, except a resolution mail carrying a
 * person's held reply (ticket-mail.ts `resolvedMailWrites`), a person's mail as the reply alone was.
 */
export function isAutomatic(template: MailTemplateName, data: unknown): boolean {
  const replies = (data as { replies?: unknown }).replies;
  const carriesReply = template === 'ticket-resolved' && Array.isArray(replies) && replies.length > 0;
  return autoSubmittedHeader[template] !== null && !carriesReply;
}

/**
 * The `Auto-Submitted` value of a queued message: by its template, but "auto-replied" only when it
 * answers a mail someone sent (RFC 3834 §5) — its `In-Reply-To` names a message other than its
 * ticket's thread root (`ticketThreadId`, first of its `references`), which no one sent. So an
 * acknowledgement of a web form or a phone call is "auto-generated". A template unknown here
 * (renamed since) counts as generated.
 */
export function autoSubmittedValue(mail: { template: string; inReplyTo: string | null; references: readonly string[] }): 'auto-replied' | 'auto-generated' {
  const byTemplate = (autoSubmittedHeader as Record<string, 'auto-replied' | 'auto-generated' | null | undefined>)[mail.template];
  const answersMail = mail.inReplyTo !== null && mail.inReplyTo !== mail.references[0];
  return byTemplate === 'auto-replied' && answersMail ? 'auto-replied' : 'auto-generated';
}

/** Who receives each message: a member (the person who asked) or staff. */
export const mailAudience: Readonly<Record<MailTemplateName, 'member' | 'staff'>> = {
  'ticket-acknowledgement': 'member',
  'staff-reply': 'member',
  'information-request': 'member',
  'ticket-resolved': 'member',
  'ticket-merged': 'member',
  'follow-up-held': 'member',
  'member-link': 'member',
  'staff-escalation': 'staff',
  'staff-reassignment': 'staff',
  'sla-warning': 'staff',
  'staff-unlock': 'staff',
  'staff-invite': 'staff',
  'password-reset': 'staff',
  'password-changed': 'staff',
  'mail-test': 'staff',
};
export const memberTemplates = mailTemplateNames.filter((name) => mailAudience[name] === 'member');

/**
 * The values an administrator’s text may name as `{{name}}` in each template with texts of theirs (see
 * template-texts.model.ts): single-line values only, never a reply's text or a list.
 */
export const templatePlaceholders: Readonly<Record<string, readonly string[]>> = {
  'ticket-acknowledgement': ['ticketNumber', 'subject', 'ticketUrl'],
  'staff-reply': ['ticketNumber', 'subject', 'agentFirstName', 'ticketUrl'],
  'information-request': ['ticketNumber', 'subject', 'agentFirstName', 'ticketUrl'],
  'ticket-resolved': ['ticketNumber', 'subject', 'ticketUrl'],
  'ticket-merged': ['ticketNumber', 'subject', 'sourceNumber', 'sourceSubject', 'ticketUrl'],
  'follow-up-held': ['ticketNumber', 'subject', 'ticketUrl'],
  'member-link': ['linkUrl', 'expiresInDays'],
  'staff-escalation': ['ticketNumber', 'subject', 'fromTier', 'toTier', 'teamName', 'escalatedBy', 'reasonLabel', 'staffTicketUrl'],
  'staff-reassignment': ['ticketNumber', 'subject', 'reassignedBy', 'staffTicketUrl'],
  'sla-warning': ['ticketNumber', 'subject', 'deadlineLabel', 'dueText', 'staffTicketUrl'],
  // Account mail: the link itself is never a placeholder (it stays where Relais puts it, once).
  'staff-invite': ['name', 'invitedBy', 'expiresInHours'],
  'password-reset': ['name', 'expiresInMinutes'],
  'staff-unlock': ['name', 'expiresInMinutes'],
};
export const staffTemplates = mailTemplateNames.filter((name) => mailAudience[name] === 'staff');
/**
 * The staff mail whose subject and introduction administrators may change: the notifications about
 * ticket work and the account mail (invitation, password and unlock links — their link stays Relais's,
 * in its place). The test of the mail settings keeps Relais's own wording.
 */
export const staffNoticeTemplates = [
  'staff-escalation',
  'staff-reassignment',
  'sla-warning',
  'staff-invite',
  'password-reset',
  'staff-unlock',
] as const satisfies readonly MailTemplateName[];
/** Every template with administrators' texts: the member mail (subject, introduction, closing line) and the staff notifications (subject, introduction). */
export const editableTemplates: readonly MailTemplateName[] = [...memberTemplates, ...staffNoticeTemplates];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What a template sees: the parsed data (strings, numbers, arrays and objects of them, null). */
type TemplateValues = Record<string, unknown>;

const hbs = Handlebars.create();
hbs.registerHelper('paragraphs', (value: unknown) => {
  const lines = String(value ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  return new hbs.SafeString(lines.map((l) => hbs.escapeExpression(l)).join('<br>\n'));
});
// A staff reply's HTML, through the reply allow-list once more (lib/reply-markup.ts): never raw.
hbs.registerHelper('safeReplyHtml', (value: unknown) => new hbs.SafeString(sanitizeReplyHtml(String(value ?? ''))));
// "7 jours" / "1 day": a plain string, escaped by Handlebars like any value.
hbs.registerHelper('plural', (count: unknown, one: unknown, other: unknown) => `${String(count)} ${count === 1 ? String(one) : String(other)}`);
/** `(either test a b)`: a when test is truthy (a non-empty list too), else b — for a partial's hash, where `{{#if}}` cannot go. */
hbs.registerHelper('either', (test: unknown, a: unknown, b: unknown) => (test && !(Array.isArray(test) && test.length === 0) ? a : b));

type Compiled = (data: TemplateValues) => string;
const cache = new Map<string, Compiled>();
let partialsRegistered = false;

/** The shared HTML partials (`views/emails/_<name>.html.hbs`), registered once, before the first HTML template is compiled. */
function registerPartials(): void {
  if (partialsRegistered) return;
  for (const name of ['layout', 'button', 'quote', 'richquote', 'choice']) {
    hbs.registerPartial(name, readFileSync(path.join(viewsDir, 'emails', `_${name}.html.hbs`), 'utf8'));
  }
  partialsRegistered = true;
}

function compiled(key: string, source: () => string, noEscape: boolean): Compiled {
  let fn = cache.get(key);
  if (!fn) {
    if (!noEscape) registerPartials();
    const template = hbs.compile<TemplateValues>(source(), { strict: true, noEscape });
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
  const parsed = templateSchemas[template].parse(data) as TemplateValues;
  // An administrator's subject, introductory paragraph and (member mail) closing line, filled as plain text.
  const own = editableTemplates.includes(template) ? templateTextFor(template, locale) : null;
  const known = templatePlaceholders[template] ?? [];
  const closing = mailAudience[template] === 'member' && own?.closing ? renderAdminText(own.closing, known, parsed) : null;
  const values: TemplateValues = { ...parsed, intro: own?.intro ? renderAdminText(own.intro, known, parsed) : null, closing };
  const subject = own?.subject
    ? renderAdminText(own.subject, known, parsed)
    : compiled(`${template}.${locale}.subject`, () => subjects[template][locale], true)(values);
  return {
    subject: subject.replace(/[\r\n]+/g, ' '),
    text: compiled(`${template}.${locale}.text`, () => file(template, locale, 'text'), true)(values),
    html: compiled(`${template}.${locale}.html`, () => file(template, locale, 'html'), false)(values),
  };
}
