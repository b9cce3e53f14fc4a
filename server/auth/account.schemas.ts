/** One zod schema per endpoint of password links, the second step and "My account". Strict: unknown keys are refused. */
import { z } from 'zod';
import { uiLocales } from '../lib/ticket.vocabulary.js';
import { queueColumns } from '../staff/staff-preferences.vocabulary.js';

/** A new password: long enough to resist guessing, bounded so argon2 never hashes a megabyte. */
export const newPassword = z.string({ error: 'password is required' }).min(10, 'must be at least 10 characters').max(1024, 'must be at most 1024 characters');

export const email = z.string({ error: 'email is required' }).trim().toLowerCase().max(254).pipe(z.email('must be an e-mail address'));

/** "Forgot password": the address only (the answer is the same whether or not it is a staff member's). */
export const passwordResetRequestBody = z.strictObject({ email, locale: z.enum(uiLocales).optional() });
export const messageResponse = z.object({ message: z.string() });

/** A mailed link's token and the password the person chooses. */
export const passwordLinkBody = z.strictObject({ token: z.string().min(10).max(2000), password: newPassword });

/** A TOTP code (6 digits) or a recovery code (XXXXX-XXXXX). */
export const code = z.string({ error: 'code is required' }).trim().min(6).max(32);
export const secondFactorBody = z.strictObject({ token: z.string().min(10).max(2000), code });

export const secondStepResponse = z.object({
  /** A second factor is needed: send this token with the code to /auth/login/second-factor. */
  secondFactor: z.literal('totp'),
  secondStepToken: z.string(),
  expiresAt: z.iso.datetime(),
});

export const sessionId = { params: z.strictObject({ id: z.string().max(200) }) };
export const presentedSession = z.object({
  id: z.string(),
  userAgent: z.string(),
  ip: z.string(),
  createdAt: z.string().nullable(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
});
export const sessionsResponse = z.object({ sessions: z.array(presentedSession) });
export const endedResponse = z.object({ ended: z.number().int() });

export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword });

export const totpStateResponse = z.object({ enabled: z.boolean(), pending: z.boolean(), recoveryCodesLeft: z.number().int(), required: z.boolean() });
export const enrolmentResponse = z.object({ secret: z.string(), uri: z.string(), qrDataUrl: z.string() });
export const confirmTotpBody = z.strictObject({ code });
export const recoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
/** Turning TOTP off, or renewing recovery codes, takes the password or a current code. */
export const proofBody = z.strictObject({ password: z.string().min(1).max(1024).optional(), code: code.optional() });

/** The queue's columns, each a known one (a repeated one is stored once; the subject is always shown). */
export const preferencesBody = z.strictObject({
  queueColumns: z
    .array(z.enum(queueColumns))
    .min(1, 'choose at least one column')
    .max(queueColumns.length * 2, 'too many columns'),
});
export const preferencesResponse = z.object({ queueColumns: z.array(z.enum(queueColumns)) });
