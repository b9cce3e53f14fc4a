/**
 * Translations with i18next. French is the default; Dutch and English are complete.
 * Resources live in `locales/<lang>.json` plus one file per area in `locales/<lang>/<area>.json`,
 * whose top-level keys are merged in (a key defined twice is an error). Locale choice: explicit `?lang=`, then the
 * `relais_lang` cookie, then Accept-Language, then the configured default.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { projectRoot } from './paths.js';
import { uiLocales as locales } from './ticket.vocabulary.js';

export { uiLocales as locales } from './ticket.vocabulary.js';
export type Locale = (typeof locales)[number];
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/** The BCP 47 tag each language formats dates and numbers with (Belgian French and Dutch, British English). */
export const intlTags: Readonly<Record<Locale, string>> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

let instance: i18n | undefined;

type Resources = Record<string, unknown>;

/** The translations of one language: `locales/<lng>.json` and every `locales/<lng>/*.json`. */
export function localeResources(lng: Locale): Resources {
  const dir = path.join(projectRoot, 'locales');
  const merged = JSON.parse(readFileSync(path.join(dir, `${lng}.json`), 'utf8')) as Resources;
  const areaDir = path.join(dir, lng);
  const areas = existsSync(areaDir)
    ? readdirSync(areaDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const file of areas) {
    const area = JSON.parse(readFileSync(path.join(areaDir, file), 'utf8')) as Resources;
    for (const [key, value] of Object.entries(area)) {
      if (key in merged) throw new Error(`locales/${lng}/${file}: the key "${key}" is already defined elsewhere.`);
      merged[key] = value;
    }
  }
  return merged;
}

function load(): i18n {
  if (instance) return instance;
  const resources = Object.fromEntries(locales.map((lng) => [lng, { translation: localeResources(lng) }]));
  const i = i18next.createInstance();
  void i.init({
    resources,
    fallbackLng: 'fr',
    supportedLngs: [...locales],
    initAsync: false,
    // Handlebars escapes output itself; escaping here too would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = i;
  return i;
}

/**
 * Texts without variables, per language: a page translates the same labels for every row (a board of
 * 100 rows asked i18next for about 1,500 strings, 10 ms of each view). The resources never change
 * while the process runs, so a text once translated stays right.
 */
const plainTexts = new Map<Locale, Map<string, string>>();

/** A translate function bound to one language. */
export function translator(locale: Locale): Translate {
  const t: TFunction = load().getFixedT(locale);
  let plain = plainTexts.get(locale);
  if (!plain) plainTexts.set(locale, (plain = new Map()));
  const known = plain;
  const i = load();
  return (key, vars) => {
    if (vars && Object.keys(vars).length > 0) return fillIn(i, locale, key, vars) ?? String(t(key, vars));
    let text = known.get(key);
    if (text === undefined) known.set(key, (text = String(t(key, {}))));
    return text;
  };
}

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * The common case done without i18next (about 30 µs a call there; a board row asks twice): a text of
 * this language whose `{{name}}` placeholders all have a plain value. Anything else — plurals
 * (`count`), options, a text only in the fallback language, a missing or non-primitive value —
 * returns null and goes to i18next. `test/unit/i18n.fill-in.test.ts` checks both agree on every text.
 */
export function fillIn(i: i18n, locale: Locale, key: string, vars: Record<string, unknown>): string | null {
  if ('count' in vars || 'context' in vars || 'skipInterpolation' in vars || 'defaultValue' in vars || 'lng' in vars) return null;
  const raw: unknown = i.getResource(locale, 'translation', key);
  if (typeof raw !== 'string' || raw.includes('$t(')) return null;
  let complete = true;
  const text = raw.replace(placeholder, (_, name: string) => {
    const value = vars[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    complete = false;
    return '';
  });
  // A placeholder of another form (`{{- name}}`, `{{name, format}}`) is left for i18next.
  return complete && !raw.replace(placeholder, '').includes('{{') ? text : null;
}

/** The i18next instance (the fill-in test compares with it). */
export function i18nInstance(): i18n {
  return load();
}

/** Picks the best supported language from an Accept-Language header. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLocale);
}
