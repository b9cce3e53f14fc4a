/** Durations in the reports: under an hour in minutes, so an answer given after hours does not read "0,0 h". */
import { expect } from 'chai';
import { translator } from '../../server/lib/i18n.js';
import { cellFormat } from '../../server/reports/tables.js';

describe('report cells: durations', () => {
  it('shows minutes under an hour and hours from one hour, in each language', () => {
    const fr = cellFormat('fr', translator('fr'));
    expect(fr.cell('hours', 0.25).text).to.equal('15 min');
    // Under a minute but there (an answer out of hours counts 0): not "0 min", which read as missing.
    expect(fr.cell('hours', 0).text).to.equal('< 1 min');
    expect(fr.cell('hours', 0.01).text).to.equal('< 1 min');
    expect(fr.cell('hours', 1 / 60).text).to.equal('1 min');
    expect(fr.cell('hours', null).text).to.equal('—');
    expect(fr.difference('hours', 1, 1).text).to.equal('0 min');
    expect(fr.cell('hours', 2.5).text).to.equal('2,5 h');
    expect(fr.cell('hours', 0.25).value).to.equal(0.25); // the CSV keeps hours
    const nl = cellFormat('nl', translator('nl'));
    expect(nl.cell('hours', 0.5).text).to.equal('30 min');
    expect(nl.difference('hours', 1.5, 1).text).to.equal('−30 min');
  });
});
