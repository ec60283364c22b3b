import { normalQuantile } from "./normal";
import { checkLevel, type Interval } from "./types";

/**
 * Wilson score interval for a binomial rate k/n: the set of p whose score
 * test does not reject at the given level. Good coverage even near 0 or 1.
 *
 * @example
 * wilsonInterval(5, 10); // { estimate: 0.5, low: 0.2366, high: 0.7634, … }
 */
export function wilsonInterval(k: number, n: number, level?: number): Interval {
  const L = checkLevel(level);
  checkCounts(k, n);
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method: "wilson", level: L, n, note: "n=0: no data" };
  const z = normalQuantile(1 - (1 - L) / 2);
  const p = k / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return {
    estimate: p,
    // exact at the edges (the formula gives 0 and 1 up to rounding)
    low: k === 0 ? 0 : Math.max(0, center - half),
    high: k === n ? 1 : Math.min(1, center + half),
    method: "wilson",
    level: L,
    n,
  };
}

/**
 * Wilson score bounds at critical value z for k of n, where both may be
 * non-integer (effective counts): the roots in p of (k/n − p)² = z²·p(1 − p)/n,
 * exact 0 at k = 0 and 1 at k = n.
 *
 * @example
 * wilsonBounds(5, 10, 1.959963984540054); // [≈0.2366, ≈0.7634]
 */
export function wilsonBounds(k: number, n: number, z: number): [number, number] {
  const p = k / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt(Math.max(0, (p * (1 - p)) / n) + (z * z) / (4 * n * n));
  return [k <= 0 ? 0 : Math.max(0, center - half), k >= n ? 1 : Math.min(1, center + half)];
}

/** Throw unless 0 ≤ k ≤ n are integers. */
export function checkCounts(k: number, n: number): void {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= 0 && k <= n)) {
    throw new RangeError(`need integers 0 ≤ k ≤ n, got k=${k}, n=${n}`);
  }
}
