// The summary statistics reports give of a set of durations: the mean, the median (the mean of the two
// middle values for an even count) and the 90th percentile by nearest rank. Null when nothing was measured.

export interface Summary {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export const NOTHING_MEASURED: Summary = { mean: null, median: null, p90: null };

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return NOTHING_MEASURED;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor((n - 1) / 2);
  return {
    mean: sorted.reduce((sum, v) => sum + v, 0) / n,
    median: n % 2 === 1 ? sorted[middle]! : (sorted[middle]! + sorted[middle + 1]!) / 2,
    // Nearest rank: the smallest value with at least 90% of the values at or below it.
    p90: sorted[Math.ceil(0.9 * n) - 1]!,
  };
}
