import { binomialPmfInto } from "./binomial";
import { pmfQuantile } from "./quantile";
import { checkLevel, type Interval } from "./types";
import { checkCounts } from "./wilson";

/** Relative cutoff for pruning negligible pmf cells in the exact paths. */
export const PMF_CUTOFF = 1e-18;

/**
 * Exact percentile bootstrap interval for a rate k/n, with no resampling
 * (the B → ∞ limit). Resampling n binary outcomes with replacement gives
 * k* ~ Binomial(n, k/n), so the bootstrap distribution of k* / n is known in
 * closed form. Endpoints use the project's quantile convention (see
 * `pmfQuantile`): low = smallest x/n with CDF(x) ≥ α/2, high = smallest x/n
 * with CDF(x) ≥ 1 − α/2.
 *
 * Note: when k = 0 or k = n the bootstrap distribution is a point, so the
 * interval is [k/n, k/n] (flagged in `note`); prefer Wilson there.
 *
 * @example
 * exactBootstrapRateInterval(20, 50); // { estimate: 0.4, low: 0.26, high: 0.54, … }
 */
export function exactBootstrapRateInterval(k: number, n: number, level?: number): Interval {
  const L = checkLevel(level);
  checkCounts(k, n);
  const method = "bootstrap-exact";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const p = k / n;
  if (k === 0 || k === n) {
    return { estimate: p, low: p, high: p, method, level: L, n, note: `k=${k} of n=${n}: bootstrap distribution is a point; consider Wilson` };
  }
  const pmf = new Float64Array(n + 1);
  const [lo, hi] = binomialPmfInto(n, p, pmf, PMF_CUTOFF);
  const a = (1 - L) / 2;
  const xl = pmfQuantile(pmf, a, lo, hi);
  const xh = pmfQuantile(pmf, 1 - a, lo, hi);
  return { estimate: p, low: xl / n, high: xh / n, method, level: L, n };
}
