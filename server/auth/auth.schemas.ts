/** One zod schema per auth endpoint. Strict: unknown keys are refused. */
import { z } from 'zod';
import { staffRoles } from '../staff/staff.model.js';
import { uiLocales } from '../lib/ticket.vocabulary.js';

export const loginBody = z.strictObject({
  // Trimmed and lower-cased first: staff emails are stored lower-cased.
  email: z.string({ error: 'email is required' }).trim().toLowerCase().max(254).pipe(z.email('must be an e-mail address')),
  // Bounded: argon2 would hash a megabyte just as patiently.
  password: z.string({ error: 'password is required' }).min(1, 'password is required').max(1024),
});

/** "Email me an unlock link": the address only (the answer is the same whether or not it is a staff member's). */
export const unlockRequestBody = z.strictObject({
  email: z.string({ error: 'email is required' }).trim().toLowerCase().max(254).pipe(z.email('must be an e-mail address')),
  /** The mail's language when the staff member has none on record. */
  locale: z.enum(uiLocales).optional(),
});

export const unlockRequestResponse = z.object({ message: z.string() });

/** API clients send the refresh token; the web app's is in the `relais_rt` cookie. */
export const refreshBody = z.strictObject({
  refreshToken: z.string().min(1).max(200).optional(),
});

export const presentedStaffSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  roles: z.array(z.enum(staffRoles)),
  team: z.string().nullable(),
  office: z.string().nullable(),
  languages: z.array(z.string()),
  capacity: z.number().int(),
  active: z.boolean(),
});

export const loginResponse = z.object({
  /** Access token (also set as the `relais_at` cookie). */
  token: z.string(),
  /** Refresh token (also set as the `relais_rt` cookie). */
  refreshToken: z.string(),
  /** When the access token expires (ISO 8601). */
  expiresAt: z.iso.datetime(),
  staff: presentedStaffSchema,
});

export const refreshResponse = z.object({
  token: z.string(),
  /** Null when another request rotated the refresh token a moment ago: keep using the one it received. */
  refreshToken: z.string().nullable(),
  expiresAt: z.iso.datetime(),
});

export const csrfResponse = z.object({ csrfToken: z.string() });
export const meResponse = z.object({ staff: presentedStaffSchema });
