/**
 * Administrators' texts for member mail and staff notifications (`mail_template_texts`, `_id` =
 * `<template>.<locale>`): a subject that replaces the default, an introductory paragraph under the
 * greeting and, for member mail, a closing line in place of the template's. A small collection (nine
 * templates × three languages at most), read whole and kept a
 * few seconds (like the other configuration; cleared on change on this instance, 5 s elsewhere).
 *
 * Mail is rendered synchronously (templates.ts `renderMail`, inside journal enrichers), so the
 * renderer reads a snapshot; whoever is about to build member mail awaits `refreshTemplateTexts()`
 * first (ticket-mail.ts, member-link-mail.ts, the preview). The snapshot is keyed by database, so a
 * test file on a fresh database never sees another file's texts.
 */
import mongoose, { Schema, model } from 'mongoose';
import { configTtlMs } from '../lib/ttl-cache.js';

export interface MailTemplateText {
  _id: string;
  /** null: the default subject. */
  subject: string | null;
  /** null: no introductory paragraph. */
  intro: string | null;
  /** Member mail only; null (or absent, before it existed): the template's own closing line. */
  closing?: string | null;
  updatedAt: Date;
  updatedBy: string;
}

const schema = new Schema<MailTemplateText>(
  {
    _id: { type: String, required: true },
    subject: { type: String, default: null, maxlength: 300 },
    intro: { type: String, default: null, maxlength: 4000 },
    closing: { type: String, default: null, maxlength: 1000 },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'mail_template_texts', versionKey: false },
);
export const MailTemplateTextModel = model<MailTemplateText>('MailTemplateText', schema);

let snapshot: { db: string; texts: ReadonlyMap<string, MailTemplateText> } = { db: '', texts: new Map() };
let loaded: { db: string; at: number; promise: Promise<void> } | undefined;

const dbName = (): string => mongoose.connection.db?.databaseName ?? '';

/** Reads the texts again when the snapshot is older than a few seconds (or of another database). */
export function refreshTemplateTexts(): Promise<void> {
  const db = dbName();
  const now = Date.now();
  if (!loaded || loaded.db !== db || now - loaded.at > configTtlMs) {
    const promise = MailTemplateTextModel.find({})
      .lean<MailTemplateText[]>()
      .then((rows) => {
        snapshot = { db, texts: new Map(rows.map((r) => [r._id, r])) };
      });
    const entry = { db, at: now, promise };
    loaded = entry;
    promise.catch(() => {
      if (loaded === entry) loaded = undefined;
    });
  }
  return loaded.promise;
}

/** Forgets the snapshot (after a change): the next refresh reads the collection. */
export function clearTemplateTexts(): void {
  loaded = undefined;
  snapshot = { db: '', texts: new Map() };
}

/** The administrators' text for a template and language, from the latest snapshot of this database. */
export function templateTextFor(template: string, locale: string): MailTemplateText | null {
  if (snapshot.db !== dbName()) return null;
  return snapshot.texts.get(`${template}.${locale}`) ?? null;
}
