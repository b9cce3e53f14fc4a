/**
 * The MongoDB search adapter's queries, as objects (the embedded FerretDB has no `$text`, so they
 * cannot run here): typed text never acts as an operator, numbers and addresses are exact keys,
 * the scope is a filter on the placement, internal notes only for staff.
 */
import { expect } from 'chai';
import { numberKeys, scopeFilter, searchFilters, ticketDocument } from '../../server/search/mongo.engine.js';

describe('search: the MongoDB adapter’s queries', () => {
  it('finds a number whole, without prefix and year, without leading zeros', () => {
    expect(numberKeys('R-2026-000123')).to.deep.equal(['r-2026-000123', '2026-000123', '000123', '123']);
  });

  it('never lets typed text act as a $search operator or a regex', () => {
    const f = searchFilters(3, 'R-2026-000123 "exact" -not', { internal: true });
    expect(f.text?.$text.$search).to.not.match(/["-]/);
    const prefix = searchFilters(3, 'jean.(x)*', { internal: true });
    expect(JSON.stringify(prefix.keys)).to.include('^jean\\\\.\\\\(x\\\\)\\\\*');
  });

  it('filters by the scope, lets unplaced messages through, and leaves internal notes out unless asked', () => {
    const scope = [{ assignee: 'a' }, { tier: 1, office: 'o' }];
    expect(scopeFilter(scope)).to.deep.equal({ $or: [{ tier: { $exists: false } }, { assignee: 'a' }, { tier: 1, office: 'o' }] });
    expect(scopeFilter([{}])).to.deep.equal({});
    // A follower clause: the office of the ticket's member, or one of those who worked on it.
    expect(scopeFilter([{ worker: 'w' }, { memberOffice: 'o' }])).to.deep.equal({
      $or: [{ tier: { $exists: false } }, { workers: 'w' }, { memberOffice: 'o' }],
    });
    const members = searchFilters(1, 'facture', { internal: false, scope });
    expect(members.text).to.include({ gen: 1 });
    expect(members.text?.internal).to.deep.equal({ $ne: true });
    expect(searchFilters(1, 'facture', { internal: true }).text).to.not.have.property('internal');
  });

  it('indexes a ticket with its keys, language and placement', () => {
    const doc = ticketDocument(2, {
      id: 't1',
      v: 4,
      number: 'R-2026-000007',
      subject: 'Fiche de paie',
      name: 'Frédéric',
      email: 'F@Example.be',
      memberNumber: 'SM-1',
      category: 'paie',
      lang: 'fr',
      tier: 1,
      office: 'o',
      team: 'tm',
      assignee: '',
      memberOffice: '',
      workers: ['w1', 'w2'],
    });
    expect(doc).to.include({ _id: '2:t:t1', textLanguage: 'french', tier: 1, office: 'o', assignee: 'none', memberOffice: 'none' });
    expect(doc.workers).to.deep.equal(['w1', 'w2']);
    expect(doc.keys).to.include.members(['r-2026-000007', '7', 'f@example.be', 'sm-1']);
  });
});
