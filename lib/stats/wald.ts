import { normalQuantile } from "./normal";
import { checkLevel, type Interval } from "./types";
import { checkCounts } from "./wilson";

/** The coverage a ±1σ normal interval claims: Φ(1) − Φ(−1). */
export const ONE_SIGMA_LEVEL = 0.6826894921370859;

/**
 * Wald interval for a rate k/n: p̂ ± z·√(p̂(1−p̂)/n), clipped to [0, 1].
 * Included for comparison only: it collapses to a point at k = 0 or k = n
 * and under-covers badly for small n·p (see docs/statistics.md).
 *
 * @example
 * waldInterval(20, 50); // low ≈ 0.2642, high ≈ 0.5358
 */
export function waldInterval(k: number, n: number, level?: number): Interval {
  const L = checkLevel(level);
  checkCounts(k, n);
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method: "wald", level: L, n, note: "n=0: no data" };
  const z = normalQuantile(1 - (1 - L) / 2);
  const p = k / n;
  const half = z * Math.sqrt((p * (1 - p)) / n);
  return { estimate: p, low: Math.max(0, p - half), high: Math.min(1, p + half), method: "wald", level: L, n };
}

/**
 * The paper's error bar: p̂ ± one binomial standard error √(p̂(1−p̂)/n)
 * (nominal level ≈ 68.3%, reported in `level`). For comparison only.
 *
 * @example
 * standardErrorInterval(20, 50); // low ≈ 0.3307, high ≈ 0.4693
 */
export function standardErrorInterval(k: number, n: number): Interval {
  checkCounts(k, n);
  const method = "wald-1se";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: ONE_SIGMA_LEVEL, n, note: "n=0: no data" };
  const p = k / n;
  const se = Math.sqrt((p * (1 - p)) / n);
  return { estimate: p, low: Math.max(0, p - se), high: Math.min(1, p + se), method, level: ONE_SIGMA_LEVEL, n };
}
