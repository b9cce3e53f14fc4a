import { expect } from 'chai';
import { localeResources, locales } from '../../server/lib/i18n.js';

/** Every key path of a nested translation object, e.g. `member.form.title`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe('translations', () => {
  it('have the same keys in French, Dutch and English, and no empty text', () => {
    const french = keyPaths(localeResources('fr')).sort();
    for (const lng of locales) {
      const resources = localeResources(lng);
      const keys = keyPaths(resources).sort();
      expect(
        keys.filter((k) => !french.includes(k)),
        `${lng}: keys not in French`,
      ).to.deep.equal([]);
      expect(
        french.filter((k) => !keys.includes(k)),
        `${lng}: keys missing`,
      ).to.deep.equal([]);
      const empty = keys.filter((k) => k.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], resources) === '');
      expect(empty, `${lng}: empty texts`).to.deep.equal([]);
    }
  });
});
