/**
 * CSV export of a report table: RFC 4180 quoting (fields with the separator, a quote or a line break
 * quoted, quotes doubled), CRLF line ends, UTF-8 with a byte order mark so Excel reads accents right.
 * Two dialects: the comma and decimal point of RFC 4180, and the semicolon and decimal comma that
 * Excel expects where the decimal separator is a comma — Belgium in French and in Dutch: a comma CSV
 * opened there lands in one column. Text cells that a spreadsheet would run as a formula (starting
 * with =, +, -, @, a tab or a carriage return) get a leading apostrophe: an office or team name like
 * "=HYPERLINK(…)" stays text. Numbers are written as numbers (a negative difference stays a number).
 */
import type { ReportTable } from './tables.js';

export const csvBom = '\uFEFF';

/** A text field as a spreadsheet will take it: never a formula. */
export function neutralize(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface CsvDialect {
  separator: ',' | ';';
  decimal: '.' | ',';
}

/** RFC 4180: what English-language spreadsheets and every program read. */
export const commaCsv: CsvDialect = { separator: ',', decimal: '.' };
/** What Excel opens in columns in Belgium (fr-BE, nl-BE), France and the Netherlands. */
export const semicolonCsv: CsvDialect = { separator: ';', decimal: ',' };

export const csvSeparators = ['semicolon', 'comma'] as const;
export type CsvSeparator = (typeof csvSeparators)[number];

/** The dialect asked for, or the one the page's language implies (French and Dutch: semicolons). */
export function csvDialect(locale: string, asked?: CsvSeparator): CsvDialect {
  const choice = asked ?? (locale === 'en' ? 'comma' : 'semicolon');
  return choice === 'comma' ? commaCsv : semicolonCsv;
}

export function csvField(value: number | string | null, dialect: CsvDialect = commaCsv): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).replace('.', dialect.decimal) : '';
  const text = neutralize(value);
  const special = dialect.separator === ';' ? /[";\r\n]/ : /[",\r\n]/;
  return special.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<number | string | null>, dialect: CsvDialect = commaCsv): string {
  return values.map((v) => csvField(v, dialect)).join(dialect.separator);
}

/** The whole file: BOM, the header line, one line per row, CRLF after each. */
export function tableCsv(table: ReportTable, dialect: CsvDialect = commaCsv): string {
  const lines = [
    csvLine(
      table.columns.map((c) => c.csvLabel ?? c.label),
      dialect,
    ),
    ...table.rows.map((r) =>
      csvLine(
        r.cells.map((c) => c.value),
        dialect,
      ),
    ),
  ];
  return csvBom + lines.map((l) => `${l}\r\n`).join('');
}

/** `relais-offices-2026-03-01_2026-03-31.csv`: ASCII only, safe in Content-Disposition. */
export function csvFileName(table: string, fromDate: string, toDate: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '');
  return `relais-${safe(table)}-${safe(fromDate)}_${safe(toDate)}.csv`;
}
