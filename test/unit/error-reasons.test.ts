/**
 * Every reason code a refusal carries (`{ reason: '…' }` given to an error) is one a client knows
 * (server/lib/error-reasons.ts), and each has its sentence in French, Dutch and English, so a
 * page never falls back to the server's English message.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorReasons } from '../../server/lib/error-reasons.js';
import { locales, translator } from '../../server/lib/i18n.js';
import { projectRoot } from '../../server/lib/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** `new SomeError('…', { reason: 'code' })` (also a template literal like `link_${x}`, given by its known outcomes). */
function thrownReasons(): Set<string> {
  const found = new Set<string>();
  for (const file of sources(path.join(projectRoot, 'server'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/Error\([\s\S]{0,300}?\{\s*reason: '([a-z_]+)'/g)) if (m[1]) found.add(m[1]);
    for (const m of text.matchAll(/reason: `link_\$\{/g)) if (m[0]) ['link_used', 'link_expired'].forEach((r) => found.add(r));
  }
  return found;
}

describe('refusal reason codes', () => {
  it('lists every code the server gives a refusal', () => {
    const known = new Set<string>(errorReasons);
    const thrown = [...thrownReasons()];
    expect(thrown.length).to.be.greaterThan(10);
    expect(thrown.filter((r) => !known.has(r))).to.deep.equal([]);
  });

  it('has a sentence for each code in every language', () => {
    for (const lng of locales) {
      const t = translator(lng);
      const missing = errorReasons.filter((r) => t(`client.reason.${r}`) === `client.reason.${r}`);
      expect(missing, lng).to.deep.equal([]);
    }
  });
});
