/**
 * A staff member's own display preferences, stored on their record (`preferences`), read and written
 * by `_id` only: the queue's columns, and the language of their pages (applied at each sign-in by
 * web/locale.ts `applyPageLanguage`, so it follows them from one computer to another; the menu's
 * language links change one browser only).
 */
import type { Types } from 'mongoose';
import { isLocale, type Locale } from '../lib/i18n.js';
import { StaffModel } from './staff.model.js';
import { defaultQueueColumns, queueColumns, requiredQueueColumns, type QueueColumn } from './staff-preferences.vocabulary.js';

export interface StaffPreferences {
  queueColumns: QueueColumn[];
}

/** Known columns only, each once, in the table's order, the required ones added. */
export function normalizeQueueColumns(chosen: readonly string[] | null | undefined): QueueColumn[] {
  const wanted = new Set([...(chosen?.length ? chosen : defaultQueueColumns), ...requiredQueueColumns]);
  return queueColumns.filter((c) => wanted.has(c));
}

/** The person's preferences (defaults for what they never chose). */
export async function staffPreferences(staffId: Types.ObjectId | string): Promise<StaffPreferences> {
  const person = await StaffModel.findById(staffId, { preferences: 1 }).lean();
  return { queueColumns: normalizeQueueColumns(person?.preferences?.queueColumns) };
}

/** Sets the person's own queue columns (normalized: a repeated or required column is stored once). */
export async function setQueueColumns(staffId: Types.ObjectId | string, columns: readonly QueueColumn[]): Promise<StaffPreferences> {
  const queue = normalizeQueueColumns(columns);
  await StaffModel.updateOne({ _id: staffId }, { $set: { 'preferences.queueColumns': queue } });
  return { queueColumns: queue };
}

/** The person's chosen page language, or null when their pages follow the browser. */
export async function ownPageLanguage(staffId: Types.ObjectId | string): Promise<Locale | null> {
  const person = await StaffModel.findById(staffId, { preferences: 1 }).lean();
  const chosen: unknown = person?.preferences?.pageLanguage;
  return isLocale(chosen) ? chosen : null;
}

/** Saves the person's page language (null: follow the browser). */
export async function setOwnPageLanguage(staffId: Types.ObjectId | string, locale: Locale | null): Promise<void> {
  await StaffModel.updateOne({ _id: staffId }, { $set: { 'preferences.pageLanguage': locale } });
}
