/**
 * The few statistics the reports use, on plain numbers. Percentiles interpolate
 * linearly between the two nearest ranks (the "R-7" rule of Excel's PERCENTILE.INC,
 * NumPy and R's default), so a supervisor re-counting a CSV in a spreadsheet gets
 * the same median and p90.
 */

/** The p-th percentile (0–100) of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (rank - low);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** numerator / denominator, or null when the denominator is 0 (a rate of nothing is not 0 %). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export interface Spread {
  /** How many values the median and p90 are taken over. */
  count: number;
  median: number | null;
  p90: number | null;
}

export function spread(values: readonly number[]): Spread {
  return { count: values.length, median: median(values), p90: percentile(values, 90) };
}
