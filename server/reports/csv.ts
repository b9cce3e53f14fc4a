/**
 * CSV export of a report table: RFC 4180 (comma separator, CRLF line ends, fields
 * with a comma, quote or line break quoted and quotes doubled), UTF-8 with a byte
 * order mark so Excel reads accents right. Text cells that a spreadsheet would run
 * as a formula (starting with =, +, -, @, a tab or a carriage return) get a leading
 * apostrophe: an office or team name like "=HYPERLINK(…)" stays text. Numbers are
 * written as numbers (a negative difference stays a number).
 */
import type { ReportTable } from './tables.js';

export const csvBom = '\uFEFF';

/** A text field as a spreadsheet will take it: never a formula. */
export function neutralize(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvField(value: number | string | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutralize(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<number | string | null>): string {
  return values.map(csvField).join(',');
}

/** The whole file: BOM, the header line, one line per row, CRLF after each. */
export function tableCsv(table: ReportTable): string {
  const lines = [csvLine(table.columns.map((c) => c.label)), ...table.rows.map((r) => csvLine(r.cells.map((c) => c.value)))];
  return csvBom + lines.map((l) => `${l}\r\n`).join('');
}

/** `relais-offices-2026-03-01_2026-03-31.csv`: ASCII only, safe in Content-Disposition. */
export function csvFileName(table: string, fromDate: string, toDate: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '');
  return `relais-${safe(table)}-${safe(fromDate)}_${safe(toDate)}.csv`;
}
