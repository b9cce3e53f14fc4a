/** How the reports' charts say a value in their tooltips: the same words as the tables beside them. */
import { pageLanguage, t } from './i18n.js';

export type ChartUnit = 'hours' | 'count' | 'percent';

/**
 * "2,5 h", "40 min", "< 1 min", "44 %", "12", in the page's language. Durations come in hours
 * rounded to the hundredth and read as the tables read them (reports/tables.ts): under an hour in
 * minutes, under a minute "< 1 min" — not "0 h", which looked like a missing figure.
 */
export function chartValueText(value: number, unit: ChartUnit, language = pageLanguage()): string {
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  if (unit === 'percent') return `${number.format(value)} %`;
  if (unit !== 'hours') return number.format(value);
  if (value * 60 < 1) return t('time.now');
  if (value < 1) return t('time.minutes', { count: Math.round(value * 60) });
  return `${new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)} h`;
}

/** "Résolution, médiane : 2,5 h" (French puts a space before the colon), "Oplossing, mediaan: 2,5 h". */
export function chartTooltipLine(label: string, value: string, language = pageLanguage()): string {
  return language.startsWith('fr') ? `${label}\u00a0: ${value}` : `${label}: ${value}`;
}
