/**
 * The reports' chart tooltips say a value as the tables do: a duration under a minute is "< 1 min"
 * (not "0 h", which read as a broken figure), in the page's language and its punctuation.
 */
import { expect } from 'chai';
import { chartTooltipLine, chartValueText } from '../../client/lib/chart-values.js';

describe('client: chart values', () => {
  before(() => {
    const page = {
      getElementById: (id: string) => (id === 'i18n' ? { textContent: JSON.stringify({ 'time.now': '< 1 min', 'time.minutes': '{{count}} min' }) } : null),
      documentElement: { lang: 'fr' },
    };
    (globalThis as { document?: unknown }).document = page;
  });
  after(() => {
    delete (globalThis as { document?: unknown }).document;
  });

  it('says a duration under a minute "< 1 min", under an hour in minutes, and longer ones in hours with the language’s decimals', () => {
    expect(chartValueText(0, 'hours', 'fr')).to.equal('< 1 min');
    expect(chartValueText(0.01, 'hours', 'fr')).to.equal('< 1 min');
    expect(chartValueText(0.02, 'hours', 'fr')).to.equal('1 min');
    expect(chartValueText(0.67, 'hours', 'fr')).to.equal('40 min');
    expect(chartValueText(2, 'hours', 'fr')).to.equal('2,0 h');
    expect(chartValueText(2.54, 'hours', 'fr')).to.equal('2,5 h');
    expect(chartValueText(2.54, 'hours', 'en')).to.equal('2.5 h');
  });

  it('leaves counts and percentages as numbers, zero included', () => {
    expect(chartValueText(0, 'count', 'nl')).to.equal('0');
    expect(chartValueText(1234, 'count', 'fr')).to.equal('1\u202f234');
    expect(chartValueText(44, 'percent', 'fr')).to.equal('44 %');
  });

  it('puts a space before the colon in French only', () => {
    expect(chartTooltipLine('Résolution, médiane', '< 1 min', 'fr')).to.equal('Résolution, médiane\u00a0: < 1 min');
    expect(chartTooltipLine('Oplossing, mediaan', '2,5 h', 'nl')).to.equal('Oplossing, mediaan: 2,5 h');
  });
});
