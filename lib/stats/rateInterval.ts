import { clopperPearsonInterval } from "./clopperPearson";
import { exactBootstrapRateInterval } from "./exactBootstrapRate";
import type { Interval } from "./types";
import { wilsonInterval } from "./wilson";

/** Interval methods for one binomial rate. */
export type RateMethod = "bootstrap" | "wilson" | "clopper-pearson";

/** Options for `rateInterval`. */
export interface RateIntervalOptions {
  /** Default "bootstrap" (exact, B = ∞). */
  method?: RateMethod;
  /** Default 0.95. */
  level?: number;
}

/**
 * Confidence interval for a rate k/n (e.g. compliance: k complied of n).
 * - "bootstrap" (default): exact percentile bootstrap, see
 *   `exactBootstrapRateInterval` (method reported as "bootstrap-exact").
 * - "wilson": Wilson score interval.
 * - "clopper-pearson": exact binomial (beta-quantile) interval.
 * n = 0 gives NaN bounds with a `note`.
 *
 * @example
 * rateInterval(5, 10, { method: "wilson" }); // low ≈ 0.2366, high ≈ 0.7634
 */
export function rateInterval(k: number, n: number, opts: RateIntervalOptions = {}): Interval {
  const method = opts.method ?? "bootstrap";
  switch (method) {
    case "bootstrap":
      return exactBootstrapRateInterval(k, n, opts.level);
    case "wilson":
      return wilsonInterval(k, n, opts.level);
    case "clopper-pearson":
      return clopperPearsonInterval(k, n, opts.level);
    default:
      throw new RangeError(`unknown rate interval method: ${String(method)}`);
  }
}
