/**
 * CSV export (RFC 4180 quoting, BOM, formula neutralization) and the report filters
 * (presets, custom dates, the 92-day cap).
 */
import { expect } from 'chai';
import { commaCsv, csvBom, csvDialect, csvField, csvFileName, neutralize, semicolonCsv, tableCsv } from '../../server/reports/csv.js';
import { filterParams, isProblem, parseFilters, resolvePeriod } from '../../server/reports/period.js';
import { cellFormat, officesTable, type ReportTable } from '../../server/reports/tables.js';
import { summarize } from '../../server/reports/compute.js';
import { translator } from '../../server/lib/i18n.js';

const zone = 'Europe/Brussels';
const now = new Date('2026-03-18T10:00:00Z'); // Wednesday 18 March, 11:00 in Brussels

describe('reports: CSV', () => {
  it('quotes fields with commas, quotes or line breaks, doubling quotes', () => {
    expect(csvField('Liège')).to.equal('Liège');
    expect(csvField('Conseil, Liège')).to.equal('"Conseil, Liège"');
    expect(csvField('dit "urgent"')).to.equal('"dit ""urgent"""');
    expect(csvField('deux\nlignes')).to.equal('"deux\nlignes"');
    expect(csvField(null)).to.equal('');
    expect(csvField(3.25)).to.equal('3.25');
    expect(csvField(-2)).to.equal('-2'); // a number stays a number
    expect(csvField(Number.NaN)).to.equal('');
  });

  it('in the semicolon dialect, quotes fields with semicolons and writes decimal commas', () => {
    expect(csvField('Conseil; Liège', semicolonCsv)).to.equal('"Conseil; Liège"');
    expect(csvField('Conseil, Liège', semicolonCsv)).to.equal('Conseil, Liège');
    expect(csvField(3.25, semicolonCsv)).to.equal('3,25');
    expect(csvField(-2, semicolonCsv)).to.equal('-2');
    expect(csvDialect('fr')).to.equal(semicolonCsv);
    expect(csvDialect('nl')).to.equal(semicolonCsv);
    expect(csvDialect('en')).to.equal(commaCsv);
    expect(csvDialect('fr', 'comma')).to.equal(commaCsv);
  });

  it('turns text a spreadsheet would run as a formula into text', () => {
    for (const risky of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutralize(risky).startsWith("'"), risky).to.equal(true);
    }
    expect(neutralize('Équipe = support')).to.equal('Équipe = support');
    expect(csvField('=1+1,2')).to.equal('"\'=1+1,2"');
  });

  it('writes a BOM, a header line and CRLF line ends', () => {
    const table: ReportTable = {
      name: 'offices',
      columns: [
        { key: 'office', label: 'Agence', numeric: false },
        { key: 'volume', label: 'Créés', numeric: true },
      ],
      rows: [
        {
          total: false,
          cells: [
            { text: '=cmd', value: '=cmd', numeric: false, head: true },
            { text: '3', value: 3, numeric: true, head: false },
          ],
        },
      ],
    };
    expect(tableCsv(table)).to.equal(`${csvBom}Agence,Créés\r\n'=cmd,3\r\n`);
  });

  it("writes raw values under the page's column titles: hours to 2 decimals, percentages 0–100, empty for no data", () => {
    const t = translator('fr');
    const fig = summarize([], 0);
    const csv = tableCsv(
      officesTable(
        cellFormat('fr', t),
        [{ name: 'Liège', figures: { ...fig, volume: 4, escalationRate: 1 / 3, firstResponse: { count: 1, median: 1.23456, p90: null } } }],
        fig,
      ),
    );
    const [header, liege, total] = csv.slice(1).split('\r\n');
    expect(header?.split(',')[0]).to.equal('Agence');
    expect(header).to.include('"1re réponse, médiane (h ouvrables)"'.replace(/"/g, ''));
    const cells = liege?.split(',') ?? [];
    expect(cells[0]).to.equal('Liège');
    expect(cells[1]).to.equal('oui'); // complete: not an office seen in part
    expect(cells[2]).to.equal('4');
    // Created, resolved, closed as spam, then the medians.
    expect(cells[5]).to.equal('1.23');
    expect(cells[6]).to.equal('');
    expect(cells[11]).to.equal('33.3');
    expect(total?.startsWith('Total,oui,0,')).to.equal(true);
  });

  it('names the file with ASCII only', () => {
    expect(csvFileName('offices', '2026-03-01', '2026-03-31')).to.equal('relais-offices-2026-03-01_2026-03-31.csv');
    expect(csvFileName('a"b/c', '2026', 'x;y')).to.equal('relais-abc-2026_xy.csv');
  });
});

describe('reports: filters', () => {
  it('presets count whole local days up to today', () => {
    const week = resolvePeriod({ preset: '7d' }, now, zone);
    expect(week).to.include({ preset: '7d', fromDate: '2026-03-12', toDate: '2026-03-18', days: 7 });
    const month = resolvePeriod({ preset: 'month' }, now, zone);
    expect(month).to.include({ fromDate: '2026-03-01', toDate: '2026-03-18', days: 18 });
    if ('key' in month) throw new Error('unexpected problem');
    expect(month.from.toISOString()).to.equal('2026-02-28T23:00:00.000Z'); // local midnight
    expect(resolvePeriod({}, now, zone)).to.include({ preset: '30d', fromDate: '2026-02-17', toDate: '2026-03-18', days: 30 });
  });

  it('dates win over a preset, which is kept only while they are its own', () => {
    expect(resolvePeriod({ preset: '7d', from: '2026-03-12', to: '2026-03-18' }, now, zone)).to.include({ preset: '7d' });
    expect(resolvePeriod({ preset: '7d', from: '2026-03-10', to: '2026-03-18' }, now, zone)).to.include({ preset: 'custom', days: 9 });
    const custom = resolvePeriod({ from: '2026-03-29', to: '2026-03-29' }, now, zone); // the DST switch day: 23 hours, still one day
    expect(custom).to.include({ days: 1 });
  });

  it('refuses bad dates, reversed periods and periods over 92 days', () => {
    expect(resolvePeriod({ from: '2026-02-30' }, now, zone)).to.deep.include({ field: 'from', key: 'reports.error.date' });
    expect(resolvePeriod({ from: '2026-03-10', to: '2026-03-01' }, now, zone)).to.deep.include({ field: 'to', key: 'reports.error.order' });
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-04-02' }, now, zone)).to.include({ days: 92 }); // 92 days is fine…
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-04-03' }, now, zone)).to.deep.include({
      field: 'to',
      key: 'reports.error.too_long',
      vars: { max: 92 },
    }); // …93 is not
  });

  it('reads office, tier and team, refusing anything else', () => {
    const office = '65f000000000000000000001';
    const f = parseFilters({ preset: '7d', office, tier: '2', team: '' }, now, zone);
    if (isProblem(f)) throw new Error('unexpected problem');
    expect(f).to.include({ office, tier: 2, team: null });
    expect(filterParams(f).toString()).to.equal(`preset=7d&office=${office}&tier=2`);
    expect(isProblem(parseFilters({ office: 'liège' }, now, zone))).to.equal(true);
    expect(isProblem(parseFilters({ tier: '4' }, now, zone))).to.equal(true);
    expect(isProblem(parseFilters({ office: { $ne: null } }, now, zone))).to.equal(true);
  });
});
