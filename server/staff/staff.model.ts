import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const staffRoles = ['advisor', 'support', 'administrative', 'supervisor', 'administrator'] as const;
export type StaffRole = (typeof staffRoles)[number];
import { ticketLanguages as languages, uiLocales } from '../lib/ticket.vocabulary.js';
import { queueColumns } from './staff-preferences.vocabulary.js';

export { ticketLanguages as languages } from '../lib/ticket.vocabulary.js';

const recoveryCodeSchema = new Schema({ hash: { type: String, required: true }, usedAt: { type: Date, default: null } }, { _id: false });

const staffSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Stored lower-cased: logins and lookups match case-insensitively on every backend. */
    email: { type: String, required: true, unique: true, lowercase: true, trim: true, maxlength: 254 },
    // Never selected out to clients: presenters pick fields explicitly (no `select: false`, see docs/FERRETDB.md).
    passwordHash: { type: String, required: true },
    roles: { type: [{ type: String, enum: staffRoles }], required: true, validate: (v: string[]) => v.length > 0 },
    team: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    office: { type: Schema.Types.ObjectId, ref: 'Office', default: null },
    languages: { type: [{ type: String, enum: languages }], default: ['fr'] },
    /** How many tickets this person may hold at once (automatic assignment respects it). */
    capacity: { type: Number, default: 15, min: 0, max: 500 },
    active: { type: Boolean, default: true },
    /** Raised by "log out everywhere", password change and deactivation; tokens carry it. */
    tokenVersion: { type: Number, default: 0 },
    lastLoginAt: { type: Date, default: null },
    /** Set when an administrator invited the person; until they set a password through the mailed link, `active` stays false. */
    invitedAt: { type: Date, default: null },
    /** When the person last set their own password (invitation link, reset link or the account page). */
    passwordSetAt: { type: Date, default: null },
    /** Set by an administrator's deactivation (an invited person who never came is "invited", not "deactivated"). */
    deactivatedAt: { type: Date, default: null },
    /**
     * The TOTP second factor (auth/totp.ts): secrets stored encrypted, never presented. `pendingSecret`
     * is an enrolment not confirmed with a code yet; `secret` and `enabledAt` a confirmed one.
     */
    totp: {
      secret: { type: String, default: null },
      pendingSecret: { type: String, default: null },
      enabledAt: { type: Date, default: null },
    },
    /** SHA-256 of each single-use recovery code (shown once, at enrolment). */
    recoveryCodes: { type: [recoveryCodeSchema], default: [] },
    /** The signature added under this person's replies, per reply language (reply markup, lib/reply-markup.ts). */
    signatures: {
      fr: { type: String, default: null, maxlength: 2000 },
      nl: { type: String, default: null, maxlength: 2000 },
      en: { type: String, default: null, maxlength: 2000 },
    },
    /**
     * The person's own display choices (staff-preferences.ts), absent until chosen: the queue's columns,
     * and the language of their pages (applied at each sign-in; null or absent: the browser's).
     */
    preferences: {
      queueColumns: { type: [{ type: String, enum: queueColumns }], default: undefined },
      pageLanguage: { type: String, enum: [...uiLocales, null], default: undefined },
    },
  },
  { timestamps: true },
);
staffSchema.index({ team: 1, active: 1 });
staffSchema.index({ office: 1 });

export type Staff = InferSchemaType<typeof staffSchema>;
export type StaffDoc = HydratedDocument<Staff>;
export const StaffModel = model('Staff', staffSchema, 'staff');
