/** One zod schema per endpoint; request types are inferred from them. Strict: unknown keys are refused. */
import { z } from 'zod';
import { priorities, ticketStatuses } from './ticket.model.js';
import { ticketLanguages } from '../lib/ticket.vocabulary.js';

export const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hexadecimal id');
const version = z.number({ error: 'version is required: send the version of the ticket you are looking at' }).int().min(1);
const text = (what: string, max = 50_000) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is too long (at most ${max} characters)`);
const code = z.string().regex(/^[a-z0-9_]{2,40}$/, 'must be a code such as needs_contract_change');
const language = z.enum(ticketLanguages);

export const ticketIdParams = z.strictObject({ id: z.string().max(64) });

export const listTicketsQuery = z.strictObject({
  tier: z.coerce.number().int().min(1).max(3).optional(),
  office: objectId.optional(),
  team: objectId.optional(),
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum(ticketStatuses)).optional()),
  assignee: z.union([z.literal('me'), z.literal('none'), objectId]).optional(),
  language: language.optional(),
  category: code.optional(),
  /** History: every resolved or closed ticket of any age, most recently done first (status narrows it). */
  history: z
    .enum(['true', 'false'], { message: 'history must be true or false' })
    .optional()
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const createTicketBody = z.strictObject({
  subject: text('subject', 200),
  body: text('body'),
  member: z.strictObject({
    name: text('member name', 120),
    email: z.email('member email must be a valid e-mail address').max(254),
    memberNumber: z.string().trim().max(40).optional(),
    language: language.optional(),
  }),
  office: z.union([objectId, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be an office id or code')]).optional(),
  category: code.optional(),
  language: language.optional(),
  priority: z.enum(priorities).optional(),
  /** How the member reached the staff member: a phone call (default) or a visit to the office. */
  channel: z.enum(['phone', 'visit']).optional(),
  /** Send the member the acknowledgement email (default false: they did not write, the staff member did). */
  acknowledge: z.boolean().optional(),
});

export const versionBody = z.strictObject({ version, note: text('note', 5000).optional() });
export const replyBody = z.strictObject({ version, text: text('text'), waitForMember: z.boolean().optional() });
export const noteBody = z.strictObject({ version, text: text('text') });
export const escalateBody = z.strictObject({
  version,
  reason: code,
  handoff: text('handoff (what was tried, what is needed)', 10_000),
});
export const returnBody = z.strictObject({ version, note: text('note (why it goes back)', 10_000), reason: code.optional() });
export const reassignBody = z
  .strictObject({
    version,
    reason: text('reason', 2000),
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    team: objectId.optional(),
    assignee: objectId.optional(),
  })
  .refine((b) => [b.tier, b.team, b.assignee].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of tier, team or assignee',
    path: ['tier'],
  });
export const updateBody = z.strictObject({
  version,
  priority: z.enum(priorities).optional(),
  category: code.nullable().optional(),
  /** The language mail and pages speak to the member in. */
  language: z.enum(ticketLanguages).optional(),
});

/** Every command body carries the version the client saw. */
export type CommandBody = z.ZodType<{ version: number }>;

/** A ticket named by its id or its number (R-2026-000123), as the merge and link dialogs take it. */
const ticketRef = z
  .string()
  .trim()
  .regex(/^(?:[0-9a-fA-F]{24}|(?:[Rr]-)?(?:\d{4}-)?\d{1,6})$/, 'must be a ticket number such as R-2026-000123 (or 123 for this year’s)');

export const mergeBody = z.strictObject({ version, into: ticketRef, note: text('note', 2000).optional() });
export const linkBody = z.strictObject({ version, other: ticketRef });

const bulkTarget = z.strictObject({ id: objectId, version });
/** The bound (200) is checked by the service, to answer 413 with a sentence rather than a field error. */
const bulkTickets = z.array(bulkTarget).min(1, 'select at least one ticket').max(10_000);
export const bulkBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('claim'), tickets: bulkTickets }),
  z.strictObject({ action: z.literal('assign'), tickets: bulkTickets, assignee: objectId, reason: text('reason', 2000) }),
  z.strictObject({ action: z.literal('priority'), tickets: bulkTickets, priority: z.enum(priorities) }),
  z.strictObject({ action: z.literal('category'), tickets: bulkTickets, category: code.nullable() }),
  z.strictObject({
    action: z.literal('resolve'),
    tickets: bulkTickets,
    // toJSONSchema carries it into the OpenAPI document (server/web/openapi.ts).
    note: text('note', 5000).optional().describe('Sent as typed to each member, in the resolution mail ("In short: …"); not an internal note.'),
  }),
  z.strictObject({ action: z.literal('spam'), tickets: bulkTickets, blockSender: z.boolean().optional(), note: text('note', 2000).optional() }),
]);
