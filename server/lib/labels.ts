/**
 * Names in three languages for what an administrator names once (teams, offices, SLA policies,
 * calendars): an optional `labels: { fr, nl, en }` beside the `name`. A missing or empty label
 * falls back to the name, so data stored before labels existed reads as it always did.
 */
import { Schema } from 'mongoose';
import { z } from 'zod';
import type { Locale } from './i18n.js';

export interface NameLabels {
  fr?: string | null;
  nl?: string | null;
  en?: string | null;
}

/** The Mongoose field: each language optional. */
export const labelsField = {
  type: new Schema(
    {
      fr: { type: String, trim: true, maxlength: 120, default: null },
      nl: { type: String, trim: true, maxlength: 120, default: null },
      en: { type: String, trim: true, maxlength: 120, default: null },
    },
    { _id: false },
  ),
  default: undefined,
};

/** The name of `thing` in `locale`: its label in that language, else its name. */
export function labelIn(thing: { name: string; labels?: NameLabels | null }, locale: Locale): string {
  const label = thing.labels?.[locale];
  return typeof label === 'string' && label.trim() !== '' ? label : thing.name;
}

// Empty: no label (the name is shown); absent: unchanged (a client that does not know labels keeps them).
const oneLabel = z
  .string()
  .trim()
  .max(120)
  .optional()
  .transform((s) => (s === undefined ? undefined : s || null));

/** The three inputs of an administration form (`labels_fr`, `labels_nl`, `labels_en`), empty = use the name. */
export const labelsFormFields = { labels_fr: oneLabel, labels_nl: oneLabel, labels_en: oneLabel };

/** The JSON shape an API accepts: a language left out or empty has no label (the object replaces the stored one). */
const apiLabel = z
  .string()
  .trim()
  .max(120)
  .nullable()
  .optional()
  .transform((s) => s || null);
export const labelsSchema = z.object({ fr: apiLabel, nl: apiLabel, en: apiLabel }).strict();

/** From the form fields to the stored shape; undefined when the form had none of them (nothing to change). */
export function labelsFromForm(form: {
  labels_fr?: string | null;
  labels_nl?: string | null;
  labels_en?: string | null;
}): { fr: string | null; nl: string | null; en: string | null } | undefined {
  if (form.labels_fr === undefined && form.labels_nl === undefined && form.labels_en === undefined) return undefined;
  return { fr: form.labels_fr ?? null, nl: form.labels_nl ?? null, en: form.labels_en ?? null };
}
