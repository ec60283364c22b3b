import { gammaln } from "simple-statistics";

/**
 * Write the Binomial(n, p) pmf into `out[0..n]`, walking out from the mode
 * with the ratio recurrence pmf(k+1)/pmf(k) = (n−k)/(k+1) · p/(1−p), then
 * normalising. Numerically stable for any n (no factorials, no overflow:
 * the unnormalised mode value is 1 and everything else is smaller).
 *
 * With `cutoff > 0` the walk stops once values fall below `cutoff` times the
 * mode value, and only `out[lo..hi]` is written (the returned range); the
 * mass left out is at most (n+1)·cutoff of the total. Use 0 for the full pmf.
 *
 * @returns the written range [lo, hi]
 * @example
 * const out = new Float64Array(11);
 * binomialPmfInto(10, 0.5, out); // [0, 10]; out[5] ≈ 0.2461
 */
export function binomialPmfInto(n: number, p: number, out: Float64Array, cutoff = 0): [number, number] {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomial n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p must be in [0, 1], got ${p}`);
  if (p === 0 || n === 0 || p === 1) {
    const at = p === 1 ? n : 0;
    if (cutoff === 0) out.fill(0, 0, n + 1);
    out[at] = 1;
    return [at, at];
  }
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  out[mode] = 1;
  let total = 1;
  let hi = mode;
  let v = 1;
  for (let k = mode; k < n; k++) {
    v *= ((n - k) / (k + 1)) * odds;
    if (v < cutoff || v === 0) break;
    out[k + 1] = v;
    total += v;
    hi = k + 1;
  }
  let lo = mode;
  v = 1;
  for (let k = mode; k > 0; k--) {
    v *= (k / (n - k + 1)) / odds;
    if (v < cutoff || v === 0) break;
    out[k - 1] = v;
    total += v;
    lo = k - 1;
  }
  const inv = 1 / total;
  for (let k = lo; k <= hi; k++) out[k] *= inv;
  if (cutoff === 0) {
    for (let k = 0; k < lo; k++) out[k] = 0;
    for (let k = hi + 1; k <= n; k++) out[k] = 0;
  }
  return [lo, hi];
}

/**
 * The full Binomial(n, p) pmf as an array indexed by k = 0..n (all n+1 cells,
 * unlike simple-statistics' `binomialDistribution`, which drops the far tail).
 *
 * @example
 * binomialPmfArray(2, 0.5); // Float64Array [0.25, 0.5, 0.25]
 */
export function binomialPmfArray(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  binomialPmfInto(n, p, out, 0);
  return out;
}

/**
 * One binomial probability P(X = k), X ~ Binomial(n, p), computed in log
 * space via log-gamma (independent of the recurrence in `binomialPmfInto`).
 *
 * @example
 * binomialPmf(3, 10, 0.5); // 0.1171875
 */
export function binomialPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const logChoose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
  return Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * Binomial CDF P(X ≤ k), X ~ Binomial(n, p), summed from the stable pmf.
 *
 * @example
 * binomialCdf(5, 10, 0.5); // 0.623046875
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const pmf = binomialPmfArray(n, p);
  let s = 0;
  for (let i = 0; i <= Math.floor(k); i++) s += pmf[i];
  return Math.min(1, s);
}
