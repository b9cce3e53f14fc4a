/** One zod schema per saved-reply and signature endpoint (strict: unknown keys are refused). */
import { z } from 'zod';
import { maxSavedReplyBody, savedReplyScopes } from './saved-reply.model.js';

const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hexadecimal id');
// Line breaks counted once (the page posts \r\n), as the page's own check counts them (client/lib/length-guard.ts).
const bodyText = z
  .string()
  .transform((v) => v.replace(/\r\n?/g, '\n'))
  .pipe(z.string().max(maxSavedReplyBody, `at most ${maxSavedReplyBody} characters`));
const bodies = z
  .strictObject({ fr: bodyText.optional(), nl: bodyText.optional(), en: bodyText.optional() })
  .refine((b) => [b.fr, b.nl, b.en].some((v) => v?.trim()), { message: 'write the reply in at least one language', path: ['fr'] });
const title = z.string({ error: 'title is required' }).trim().min(1, 'title must not be empty').max(120, 'title is too long (at most 120 characters)');

const titleIn = z.string().trim().max(120, 'title is too long (at most 120 characters)');
/** The title in each language (optional; empty: `title` stands in for that language). */
const titles = z.strictObject({ fr: titleIn.optional(), nl: titleIn.optional(), en: titleIn.optional() });

export const savedReplyIdParams = z.strictObject({ id: z.string().max(64) });
export const ticketSavedReplyParams = z.strictObject({ id: z.string().max(64), replyId: z.string().max(64) });

export const createSavedReplyBody = z.strictObject({
  title,
  titles: titles.optional(),
  body: bodies,
  scope: z.enum(savedReplyScopes),
  /** Shared replies: the office they belong to (null: the whole organisation, administrators only). Defaults to the author's office. */
  office: objectId.nullable().optional(),
});

export const updateSavedReplyBody = z.strictObject({ title: title.optional(), titles: titles.optional(), body: bodies.optional() });

const signature = z
  .string()
  .transform((v) => v.replace(/\r\n?/g, '\n'))
  .pipe(z.string().max(2000, 'a signature has at most 2000 characters'))
  .nullable()
  .optional();
export const signaturesBody = z.strictObject({ fr: signature, nl: signature, en: signature });
