/** Order statistics over a handful of rounds. Ratios are always taken between medians of one run. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** First and third quartile (linear interpolation); equal to min/max with very few rounds. */
  q1: number;
  q3: number;
  /** (max - min) / median, in percent: a quick read of how noisy the rounds were. */
  rangePct: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  const median = quantile(sorted, 0.5);
  const min = sorted[0] ?? Number.NaN;
  const max = sorted[sorted.length - 1] ?? Number.NaN;
  return {
    median,
    min,
    max,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    rangePct: median > 0 ? ((max - min) / median) * 100 : Number.NaN,
  };
}

/** A spread with every figure rounded by {@link round}, as the JSON summaries store it. */
export function roundSpread(s: Spread): Spread {
  return {
    median: round(s.median),
    min: round(s.min),
    max: round(s.max),
    q1: round(s.q1),
    q3: round(s.q3),
    rangePct: round(s.rangePct, 3),
  };
}

/** Round to a few significant digits for the JSON summary (keeps the file readable and diffable). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}
