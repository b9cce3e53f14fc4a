/**
 * Strings for browser modules, rendered by the server in the page's language into
 * `<script type="application/json" id="i18n">` (see server/web/pages/client-strings.ts).
 */
import { isRecord, readJson } from './dom.js';

let dictionary: Record<string, string> | undefined;

function load(): Record<string, string> {
  if (dictionary) return dictionary;
  const raw = readJson('i18n');
  const entries = isRecord(raw) ? Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  dictionary = Object.fromEntries(entries);
  return dictionary;
}

export function pageLanguage(): string {
  return document.documentElement.lang || 'fr';
}

/** Translates a key, filling `{{name}}` placeholders; an unknown key shows as itself. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = load()[key] ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Whether the page was sent a text for `key`. */
export function has(key: string): boolean {
  return load()[key] !== undefined;
}

/** Plural form by the page language's rules: `key_one` / `key_other`. */
export function tp(key: string, count: number, vars: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(pageLanguage()).select(count) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}`, { ...vars, count });
}
