import { clopperPearsonInterval } from "./clopperPearson";
import { exactBootstrapRateInterval } from "./exactBootstrapRate";
import { modifiedWilsonInterval } from "./modifiedWilson";
import type { Interval } from "./types";
import { standardErrorInterval, waldInterval } from "./wald";
import { wilsonInterval } from "./wilson";

/** Interval methods for one binomial rate. */
export type RateMethod = "wilson-modified" | "bootstrap" | "wilson" | "clopper-pearson" | "wald" | "wald-1se";

/** The methods `rateInterval` knows, default first. */
export const RATE_METHODS: readonly RateMethod[] = ["wilson-modified", "bootstrap", "wilson", "clopper-pearson", "wald", "wald-1se"];

/** Options for `rateInterval`. */
export interface RateIntervalOptions {
  /** Default "wilson-modified" (chosen by the coverage study, docs/statistics.md). */
  method?: RateMethod;
  /** Default 0.95 (ignored by "wald-1se"). */
  level?: number;
}

/**
 * Confidence interval for a rate k/n (e.g. compliance: k complied of n).
 * - "wilson-modified" (default): Wilson score interval with the
 *   Brown–Cai–DasGupta boundary fix (`modifiedWilsonInterval`); its worst
 *   coverage on the study grid is 93.2%, mean 95.8%.
 * - "bootstrap": exact percentile bootstrap, B = ∞ (`exactBootstrapRateInterval`,
 *   method reported as "bootstrap-exact"); under-covers for small n·p.
 * - "wilson": plain Wilson score interval.
 * - "clopper-pearson": exact binomial (beta-quantile) interval; conservative.
 * - "wald", "wald-1se": normal approximations (±z·SE, and the paper's ±1 SE),
 *   for comparison only.
 * n = 0 gives NaN bounds with a `note`.
 *
 * @example
 * rateInterval(5, 10, { method: "wilson" }); // low ≈ 0.2366, high ≈ 0.7634
 */
export function rateInterval(k: number, n: number, opts: RateIntervalOptions = {}): Interval {
  const method = opts.method ?? "wilson-modified";
  switch (method) {
    case "wilson-modified":
      return modifiedWilsonInterval(k, n, opts.level);
    case "bootstrap":
      return exactBootstrapRateInterval(k, n, opts.level);
    case "wilson":
      return wilsonInterval(k, n, opts.level);
    case "clopper-pearson":
      return clopperPearsonInterval(k, n, opts.level);
    case "wald":
      return waldInterval(k, n, opts.level);
    case "wald-1se":
      return standardErrorInterval(k, n);
    default:
      throw new RangeError(`unknown rate interval method: ${String(method)}`);
  }
}
