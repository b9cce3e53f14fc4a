/**
 * Every change the administration records shows on the audit page in the reader's language: each
 * action and kind of record written by `recordAudit` anywhere in server/ has a label in French, Dutch
 * and English (found in the sources, so a new action without its label fails here).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../server/lib/paths.js';
import { locales, translator } from '../../server/lib/i18n.js';
import { auditActionKey, auditKindKey } from '../../server/web/pages/admin/audit.view.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** The literal actions and target kinds of every `recordAudit(...)` call (and of helpers it is handed). */
function written(): { actions: Set<string>; kinds: Set<string> } {
  const actions = new Set<string>();
  const kinds = new Set<string>();
  for (const file of sources(path.join(projectRoot, 'server'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('recordAudit')) continue;
    // On the lines that name an action (`action: …`, or the calendar's `save(…, 'calendar.…')`).
    for (const line of text.split('\n').filter((l) => /action|save\(/.test(l)))
      for (const m of line.matchAll(
        /'((?:staff|account|category|reason_code|calendar|sla_policy|sla_recompute|office|team|member|retention|routing_rule|mail|mail_template)\.[a-z_.]+)'/g,
      ))
        actions.add(m[1] as string);
    for (const m of text.matchAll(/target: \{ kind: '([a-z_]+)'/g)) kinds.add(m[1] as string);
  }
  return { actions, kinds };
}

describe('audit page labels', () => {
  const { actions, kinds } = written();

  it('finds the actions and kinds in the sources', () => {
    expect(actions).to.include('staff.invite').and.include('calendar.closure.add').and.include('member.erase');
    expect(kinds).to.include('staff').and.include('sla_policy');
  });

  for (const locale of locales) {
    it(`names every action and kind of record in ${locale}`, () => {
      const t = translator(locale);
      const missing = [
        ...[...actions].filter((a) => t(auditActionKey(a), { defaultValue: '' }) === ''),
        ...[...kinds].filter((k) => t(auditKindKey(k), { defaultValue: '' }) === ''),
      ];
      expect(missing).to.deep.equal([]);
    });
  }
});
