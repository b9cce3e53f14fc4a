/** One zod schema per staff administration endpoint. Strict: unknown keys (a `passwordHash`, an `active`) are refused. */
import { z } from 'zod';
import { presentedStaffSchema } from '../auth/auth.schemas.js';
import { uiLocales } from '../lib/ticket.vocabulary.js';
import { languages, staffRoles } from './staff.model.js';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be an id');
const fields = {
  name: z.string().trim().min(1, 'required').max(120),
  roles: z.array(z.enum(staffRoles)).min(1, 'at least one role').max(staffRoles.length),
  team: objectId.nullable(),
  office: objectId.nullable(),
  languages: z.array(z.enum(languages)).min(1, 'at least one language').max(languages.length),
  capacity: z.number().int().min(0).max(500),
};

export const inviteBody = z.strictObject({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be an e-mail address')),
  ...fields,
  team: fields.team.default(null),
  office: fields.office.default(null),
  languages: fields.languages.default(['fr']),
  capacity: fields.capacity.default(15),
  /** The invitation mail's language when the person's first language is not a UI language. */
  locale: z.enum(uiLocales).optional(),
});
export type InviteInput = z.infer<typeof inviteBody>;

// Every field optional, so that an unknown person answers 404 before the body is judged.
export const updateBody = z.strictObject({
  /** Only while the person is invited (a typo in the address): a new invitation goes to it, the older links stop working. */
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be an e-mail address')).optional(),
  name: fields.name.optional(),
  roles: fields.roles.optional(),
  team: fields.team.optional(),
  office: fields.office.optional(),
  languages: fields.languages.optional(),
  capacity: fields.capacity.optional(),
});
export type UpdateInput = z.infer<typeof updateBody>;

export const staffIdParams = z.strictObject({ id: z.string().max(200) });

/** The staff record as the administration shows it: what everyone sees of a colleague, and the account's state. */
export const presentedStaffAdmin = presentedStaffSchema.extend({
  status: z.enum(['active', 'invited', 'deactivated']),
  totpEnabled: z.boolean(),
  invitedAt: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
});
export const staffListResponse = z.object({ staff: z.array(presentedStaffAdmin) });
export const staffResponse = z.object({ staff: presentedStaffAdmin });

/** The roles and languages the forms offer (pages may not import the model). */
export { languages as staffLanguages, staffRoles } from './staff.model.js';
