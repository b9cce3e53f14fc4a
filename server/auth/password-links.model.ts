/**
 * The two collections behind the links that let a person set their own password (password-links.ts):
 *
 * - `staff_password_requests`: links waiting for the mail worker (mail/password-link-mail.ts). A
 *   "forgot password" request is stored for any address before anyone looks it up (`_id`
 *   `reset:<address as typed>`), so the answer says nothing about which addresses are staff's; an
 *   invitation is stored by the administrator's command (`_id` `invite:<staff id>`). The outbox id of
 *   the mail is fixed when the request is stored, so two workers store that mail once.
 * - `staff_password_link_uses` (`_id` = the link's id): a link sets a password once. The unique `_id`
 *   is the serialization point (FerretDB has no atomic conditional update).
 */
import { Schema, model, type Types } from 'mongoose';

export const passwordLinkKinds = ['invite', 'reset'] as const;
export type PasswordLinkKind = (typeof passwordLinkKinds)[number];

export interface PasswordLinkRequest {
  _id: string;
  kind: PasswordLinkKind;
  /** The address typed (reset) or the invited person's address (invite). */
  email: string;
  /** The invited person (invite only). */
  staff: Types.ObjectId | null;
  mail: Types.ObjectId;
  /** The language of the page the request came from, used when the person has none on record. */
  locale: string;
  /** Who invited (invite only): the mail names them. */
  by?: string | null;
  at: Date;
}

const requestSchema = new Schema<PasswordLinkRequest>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: passwordLinkKinds, required: true },
    email: { type: String, required: true },
    staff: { type: Schema.Types.ObjectId, default: null },
    mail: { type: Schema.Types.ObjectId, required: true },
    locale: { type: String, required: true },
    by: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'staff_password_requests', versionKey: false },
);
export const PasswordLinkRequestModel = model<PasswordLinkRequest>('StaffPasswordRequest', requestSchema);

export interface PasswordLinkUse {
  _id: string;
  staff: Types.ObjectId;
  at: Date;
}

const useSchema = new Schema<PasswordLinkUse>(
  {
    _id: { type: String, required: true },
    staff: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'staff_password_link_uses', versionKey: false },
);
// Housekeeping deletes the uses of links past their lifetime by `at`.
useSchema.index({ at: 1 });
export const PasswordLinkUseModel = model<PasswordLinkUse>('StaffPasswordLinkUse', useSchema);
