/**
 * What the public forms accept, and how a refusal is told to a person: each problem is a
 * translation key tied to a field, shown next to it (`aria-describedby`) in the page's language.
 */
import { z } from 'zod';
import type { Locale, Translate } from '../../lib/i18n.js';
import type { UploadProblem } from '../../attachments/attachments.service.js';
import { formatSize } from '../../attachments/limits.js';

/** One line of text: control characters are not text. */
const line = (max: number) =>
  z
    .string()
    .transform((v) => v.replace(/\p{Cc}+/gu, ' ').trim())
    .pipe(z.string().max(max, { message: 'too_long' }));

const multiline = (max: number) =>
  z
    .string()
    .transform((v) => v.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]+/gu, '').trim())
    .pipe(z.string().max(max, { message: 'too_long' }));

export const emailField = line(254).pipe(z.email({ message: 'email_invalid' }).transform((v) => v.toLowerCase()));

export const helpFormSchema = z.object({
  name: line(120).pipe(z.string().min(1, { message: 'required' }).min(2, { message: 'name_short' })),
  email: z.string().transform((v) => v.trim()).pipe(z.string().min(1, { message: 'required' })).pipe(emailField),
  memberNumber: line(40).pipe(z.string().regex(/^[A-Za-z0-9 ./-]*$/, { message: 'member_number_invalid' })),
  category: line(40),
  subject: line(200).pipe(z.string().min(3, { message: 'subject_short' })),
  message: multiline(20_000).pipe(z.string().min(10, { message: 'message_short' })),
});
export type HelpForm = z.output<typeof helpFormSchema>;

/** A member's answer on their page: a text, or files alone (`files`: how many came with it). */
export const replyFormSchema = z
  .object({ message: multiline(20_000), files: z.number().int().min(0) })
  .refine((answer) => answer.message !== '' || answer.files > 0, { path: ['message'], message: 'reply_empty' });

export const ratingFormSchema = z.object({
  score: z.coerce.number().int().min(1, { message: 'score_required' }).max(5, { message: 'score_required' }),
  comment: multiline(2000).optional(),
});

export type FieldErrors = Record<string, string>;

/** The first problem of each field, as a sentence in the page's language. */
export function fieldErrors(error: z.ZodError, t: Translate, limits: Record<string, number> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (out[field]) continue;
    const code = typeof issue.message === 'string' && /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid';
    const max = limits[field];
    // "20.000" in Dutch, "20 000" in French: a limit reads as a number of the page's language.
    out[field] = t(`portal.errors.${code}`, { max: max === undefined ? '' : new Intl.NumberFormat(t('sla.locale')).format(max) });
  }
  return out;
}

/** Problems with attached files, as one sentence per file (too many files: one sentence for them all). */
export function uploadErrorText(problems: readonly UploadProblem[], t: Translate, maxFiles: number, maxBytes: number, locale: Locale): string {
  const sentences = problems.map((p) => t(`portal.errors.file_${p.problem}`, { file: p.file, size: formatSize(maxBytes, locale), count: maxFiles }));
  return [...new Set(sentences)].join(' ');
}

/** Reads a text field of a parsed body (anything else reads as empty). */
export function textField(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  return typeof value === 'string' ? value : '';
}
