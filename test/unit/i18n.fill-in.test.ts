/**
 * The translator fills in `{{name}}` placeholders itself (lib/i18n.ts `fillIn`): for every text of
 * every language, with awkward values, it must give exactly what i18next gives.
 */
import { expect } from 'chai';
import { fillIn, i18nInstance, localeResources, locales, translator } from '../../server/lib/i18n.js';

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  return [];
}

const awkward = [' Ça <b>va</b> & "bien" ', '$& $1 $$', '{{name}}', '', 'ĳ €', 42, 0, true];

describe('translator: placeholders filled in without i18next', () => {
  for (const locale of locales) {
    it(`gives what i18next gives for every ${locale} text with placeholders`, () => {
      const i = i18nInstance();
      const t = i.getFixedT(locale);
      let filled = 0;
      for (const [key, text] of flatten(localeResources(locale))) {
        const names = [...text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1] as string);
        for (const [n, value] of awkward.entries()) {
          const vars = Object.fromEntries(names.map((name, k) => [name, awkward[(n + k) % awkward.length] ?? value]));
          if (names.length === 0) vars.unused = value;
          const mine = fillIn(i, locale, key, vars);
          if (mine === null) continue;
          filled += 1;
          expect(mine, `${locale} ${key}`).to.equal(String(t(key, vars)));
        }
      }
      expect(filled).to.be.greaterThan(100);
    });
  }

  it('leaves plurals, missing values and fallbacks to i18next, and the translator still answers them', () => {
    const i = i18nInstance();
    expect(fillIn(i, 'fr', 'board.waiting_count', { count: 2 })).to.equal(null);
    expect(fillIn(i, 'fr', 'bulk.select_row', {})).to.equal(null);
    expect(fillIn(i, 'fr', 'no.such.key', { number: 'R-1' })).to.equal(null);
    const t = translator('fr');
    expect(t('bulk.select_row', { number: 'R-2026-000001' })).to.include('R-2026-000001');
    expect(t('board.waiting_count', { count: 2 })).to.equal(String(i.getFixedT('fr')('board.waiting_count', { count: 2 })));
  });
});
