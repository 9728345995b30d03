/** The value below which `fraction` of the samples fall (nearest rank); NaN for no samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** One figure over several rounds: the median, with the smallest and largest beside it. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spreadOf(samples: readonly number[]): Spread {
  return Object.freeze({ median: median(samples), min: Math.min(...samples), max: Math.max(...samples) });
}

/** `1,234 (1,100–1,300)`; the range is left out for a single round. */
export function formatSpread(spread: Spread, digits = 0): string {
  const value = formatNumber(spread.median, digits);
  if (spread.min === spread.max) return value;
  return `${value} (${formatNumber(spread.min, digits)}–${formatNumber(spread.max, digits)})`;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `2.41×`: how many times `ours` is better than `theirs`, whichever way "better" points. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-';
}
