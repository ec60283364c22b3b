import { betaQuantile } from "./incompleteBeta";
import { checkLevel, type Interval } from "./types";
import { checkCounts } from "./wilson";

/**
 * Clopper–Pearson ("exact") interval for a binomial rate k/n: inverts two
 * one-sided binomial tests, using beta quantiles
 * low = Beta⁻¹(α/2; k, n−k+1), high = Beta⁻¹(1−α/2; k+1, n−k),
 * with low = 0 when k = 0 and high = 1 when k = n. Conservative.
 *
 * @example
 * clopperPearsonInterval(5, 10); // low ≈ 0.1871, high ≈ 0.8129
 * clopperPearsonInterval(0, 10); // low 0, high = 1 − 0.025^(1/10) ≈ 0.3085
 */
export function clopperPearsonInterval(k: number, n: number, level?: number): Interval {
  const L = checkLevel(level);
  checkCounts(k, n);
  const method = "clopper-pearson";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const a = (1 - L) / 2;
  const low = k === 0 ? 0 : betaQuantile(a, k, n - k + 1);
  const high = k === n ? 1 : betaQuantile(1 - a, k + 1, n - k);
  return { estimate: k / n, low, high, method, level: L, n };
}
