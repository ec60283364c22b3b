import { gammaQuantile } from "./incompleteGamma";
import { normalCdf } from "./normal";
import { checkLevel, type Interval } from "./types";
import { checkCounts, wilsonBounds, wilsonInterval } from "./wilson";

/**
 * Quantile of the Gamma(x, 1) distribution for a small positive integer
 * shape x, by bisection on P(G ≤ t) = 1 − e^{−t}·Σ_{j<x} t^j/j!.
 * (½·χ²_{2x} quantiles, i.e. exact Poisson confidence limits.)
 *
 * @example
 * gammaQuantileInt(1, 0.05); // −ln(0.95) ≈ 0.051293
 */
export function gammaQuantileInt(x: number, p: number): number {
  if (!(Number.isInteger(x) && x >= 1)) throw new RangeError(`shape must be a positive integer, got ${x}`);
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  let lo = 0;
  let hi = x + 40 + 10 * Math.sqrt(x);
  for (let i = 0; i < 200; i++) {
    const t = 0.5 * (lo + hi);
    if (t === lo || t === hi) break;
    let s = 0;
    let term = 1;
    for (let j = 0; j < x; j++) {
      s += term;
      term *= t / (j + 1);
    }
    const cdf = 1 - Math.exp(-t) * s;
    if (cdf < p) lo = t;
    else hi = t;
  }
  return 0.5 * (lo + hi);
}

/**
 * Wilson score interval with Brown, Cai & DasGupta's (2001) boundary fix:
 * for 1 ≤ k ≤ k* (k* = 2 when n ≤ 50, else 3) the lower bound becomes the
 * one-sided Poisson bound G⁻¹(α; k)/n with α = 1 − level, and the same
 * mirrored at the top (n − k ≤ k*). Plain Wilson dips to about 91% coverage
 * when n·p is near 1 (e.g. p = 0.01, n = 100); the fix lifts the worst cell
 * of the old five-point grid to 93.2%, but on a fine grid of p it still dips
 * to 91.7% (p = 0.0205, n = 50), so for one sample per query the default is
 * now Agresti–Coull. On effective counts (`modifiedWilsonBounds`) it is the
 * default for several samples per query (docs/statistics.md).
 *
 * @example
 * modifiedWilsonInterval(1, 200); // low = −ln(0.95)/200 ≈ 0.000256, high ≈ 0.0278
 */
export function modifiedWilsonInterval(k: number, n: number, level?: number): Interval {
  const L = checkLevel(level);
  checkCounts(k, n);
  const w = wilsonInterval(k, n, L);
  if (n === 0) return { ...w, method: "wilson-modified" };
  const kStar = n <= 50 ? 2 : 3;
  const alpha = 1 - L;
  let low = w.low;
  let high = w.high;
  if (k >= 1 && k <= kStar) low = Math.min(low, gammaQuantileInt(k, alpha) / n);
  if (n - k >= 1 && n - k <= kStar) high = Math.max(high, 1 - gammaQuantileInt(n - k, alpha) / n);
  return { estimate: w.estimate, low: Math.max(0, low), high: Math.min(1, high), method: "wilson-modified", level: L, n };
}

/**
 * Modified Wilson bounds at critical value z for a count k of n where both
 * may be non-integer (an effective count and sample size, as in the
 * clustered rate interval): Wilson's score bounds, with the lower bound
 * replaced by the one-sided Poisson bound G⁻¹(α; k)/n (Gamma shape k, any
 * k > 0) when 0 < k ≤ k* (k* = 2 for n ≤ 50, else 3), α = 2·(1 − Φ(z)), and
 * the same mirrored at the top. For integer k and n this equals
 * `modifiedWilsonInterval`.
 *
 * @example
 * modifiedWilsonBounds(1, 200, 1.959963984540054); // [≈0.000256, ≈0.0278]
 */
export function modifiedWilsonBounds(k: number, n: number, z: number): [number, number] {
  let [low, high] = wilsonBounds(k, n, z);
  const kStar = n <= 50 ? 2 : 3;
  const alpha = 2 * normalCdf(-z);
  if (k > 0 && k <= kStar) low = Math.min(low, gammaQuantile(k, alpha) / n);
  if (n - k > 0 && n - k <= kStar) high = Math.max(high, 1 - gammaQuantile(n - k, alpha) / n);
  return [Math.max(0, low), Math.min(1, high)];
}
