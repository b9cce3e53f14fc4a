import { expect } from 'chai';
import type { RuleView } from '../../server/routing/routing-rules.view.js';
import { deadRules } from '../../server/routing/rule-reach.js';

const any = { category: null, channel: null, mailbox: null, language: null, office: null };
let n = 0;
function rule(name: string, match: Partial<RuleView['match']>, props: Partial<RuleView> = {}): RuleView {
  n += 1;
  return { id: `r${n}`, name, order: n * 10, active: true, match: { ...any, ...match }, team: 'team-a', ...props };
}
const usable = (team: string) => team !== 'gone';

describe('routing: rules that can never apply', () => {
  it('finds a copy of a rule saved below it, and names the one that takes its tickets', () => {
    const first = rule('Factures', { category: 'invoices' });
    const copy = rule('Factures (copie)', { category: 'invoices' });
    const dead = deadRules([first, copy], usable);
    expect(dead.get(copy.id)).to.deep.equal({ kind: 'shadowed', by: ['Factures'] });
    expect(dead.has(first.id)).to.equal(false);
  });

  it('finds a rule narrower than one before it, not one wider', () => {
    const wide = rule('Tout en néerlandais', { language: 'nl' });
    const narrow = rule('Contrats en néerlandais', { language: 'nl', category: 'contracts' });
    const other = rule('Contrats', { category: 'contracts' });
    const dead = deadRules([wide, narrow, other], usable);
    expect(dead.get(narrow.id)).to.deep.equal({ kind: 'shadowed', by: ['Tout en néerlandais'] });
    // Contracts in French or English still reach it.
    expect(dead.has(other.id)).to.equal(false);
  });

  it('finds a rule the rules before it cover together (one per channel), naming each', () => {
    const byChannel = ['web', 'email', 'phone', 'visit', 'api'].map((channel) => rule(`Canal ${channel}`, { channel }));
    const office = rule('Membres de Liège', { office: 'liege' });
    const dead = deadRules([...byChannel, office], usable);
    expect(dead.get(office.id)).to.deep.equal({ kind: 'shadowed', by: byChannel.map((r) => r.name) });
    // Without the phone rule, a phone request from a Liège member reaches it.
    expect(deadRules([...byChannel.filter((r) => r.name !== 'Canal phone'), office], usable).has(office.id)).to.equal(false);
  });

  it('knows only mail arrives at a mailbox', () => {
    const mail = rule('Tout e-mail', { channel: 'email' });
    const hulp = rule('hulp@', { mailbox: 'hulp@relais.demo' });
    expect(deadRules([mail, hulp], usable).get(hulp.id)).to.deep.equal({ kind: 'shadowed', by: ['Tout e-mail'] });
    const impossible = rule('Formulaire à hulp@', { channel: 'web', mailbox: 'hulp@relais.demo' });
    expect(deadRules([impossible], usable).get(impossible.id)).to.deep.equal({ kind: 'impossible' });
    // A mailbox rule before the e-mail rule takes only its own mail: the e-mail rule still applies.
    expect(deadRules([hulp, mail], usable).has(mail.id)).to.equal(false);
  });

  it('leaves out inactive rules and rules whose team routing cannot use, on both sides', () => {
    const off = rule('Ancienne règle', {}, { active: false });
    const gone = rule('Équipe fermée', {}, { team: 'gone' });
    const real = rule('Factures', { category: 'invoices' });
    const dead = deadRules([off, gone, real], usable);
    expect(dead.size, 'an inactive rule or an unusable team shadows nothing and is not reported').to.equal(0);
  });

  it('a rule matching everything takes every rule after it', () => {
    const all = rule('Tout', {});
    const later = [rule('A', { category: 'x' }), rule('B', { language: 'en', channel: 'phone' }), rule('C', { mailbox: 'support@relais.demo' })];
    const dead = deadRules([all, ...later], usable);
    for (const r of later) expect(dead.get(r.id), r.name).to.deep.equal({ kind: 'shadowed', by: ['Tout'] });
  });

  it('a rule naming a deactivated category never applies, and shadows nothing', () => {
    const retired = rule('Ancienne catégorie', { category: 'old' });
    const later = rule('Ancienne catégorie, en néerlandais', { category: 'old', language: 'nl' });
    const other = rule('Factures', { category: 'invoices' });
    const dead = deadRules([retired, later, other], usable, (category) => category !== 'old');
    expect(dead.get(retired.id)).to.deep.equal({ kind: 'inactive_category' });
    expect(dead.get(later.id)).to.deep.equal({ kind: 'inactive_category' });
    expect(dead.has(other.id)).to.equal(false);
  });
});
