/**
 * A confidence interval for one estimate. `low`/`high` are NaN when there is
 * no data; `note` then says why (e.g. "n=0: no data").
 */
export interface Interval {
  /** The point estimate (a rate in [0, 1], or a gap in [-1, 1]). */
  estimate: number;
  low: number;
  high: number;
  /** How the interval was computed, e.g. "bootstrap-exact", "wilson". */
  method: string;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** Sample size: trials, pairs, queries or data points, depending on the method. */
  n: number;
  /** Set when the interval is degenerate or undefined, with the reason. */
  note?: string;
}

/** Options shared by every interval function. */
export interface LevelOption {
  /** Confidence level in (0, 1); default 0.95. */
  level?: number;
}

/** Check a confidence level and return it (default 0.95). */
export function checkLevel(level: number | undefined): number {
  const l = level ?? 0.95;
  if (!(l > 0 && l < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  return l;
}
