/** What an administrator may send to create or change a category or a reason code. */
import { z } from 'zod';

export const catalogCode = z.string().regex(/^[a-z0-9_]{2,40}$/, '2 to 40 characters: a-z, 0-9 and _');
const labelText = z.string().trim().min(1).max(120);
export const labels = z.strictObject({ fr: labelText, nl: labelText, en: labelText });
const order = z.coerce.number().int().min(0).max(100_000);
export const reasonMoves = ['escalate', 'return', 'reassign'] as const;
const appliesTo = z.array(z.enum(reasonMoves)).max(3);

export const createCategoryBody = z.strictObject({ code: catalogCode, label: labels, order: order.optional(), active: z.boolean().optional() });
export const updateCategoryBody = z.strictObject({ label: labels.optional(), order: order.optional(), active: z.boolean().optional() });
export const createReasonCodeBody = createCategoryBody.extend({ appliesTo: appliesTo.optional() });
export const updateReasonCodeBody = updateCategoryBody.extend({ appliesTo: appliesTo.optional() });

export type CreateCategory = z.infer<typeof createCategoryBody>;
export type UpdateCategory = z.infer<typeof updateCategoryBody>;
export type CreateReasonCode = z.infer<typeof createReasonCodeBody>;
export type UpdateReasonCode = z.infer<typeof updateReasonCodeBody>;
