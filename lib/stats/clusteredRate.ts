import { agrestiCoullBounds } from "./agrestiCoull";
import { rateDesignEffect, type DesignEffect, type DesignEffectOptions, type QueryRate } from "./designEffect";
import { modifiedWilsonBounds } from "./modifiedWilson";
import { normalQuantile } from "./normal";
import { checkLevel, type Interval } from "./types";

/** An interval for queries × samples, with the design effect behind it. */
export interface ClusteredInterval extends Interval {
  /** Design effect used (≥ 1). */
  de: number;
  /** Intra-query correlation it implies. */
  icc: number;
  /** Effective number of independent samples, n_samples / de. */
  n_eff: number;
  n_queries: number;
  n_samples: number;
  /** Where the design effect came from ("cell", "cell+pooled", "pooled", "none"). */
  deSource: DesignEffect["source"];
}

/** Options of `clusteredRateInterval`. */
export interface ClusteredRateOptions extends DesignEffectOptions {
  level?: number;
  /** The interval applied to the effective counts: "wilson-modified" (default, chosen by the clustered coverage study) or "agresti-coull". */
  base?: "agresti-coull" | "wilson-modified";
}

/**
 * Bounds of the clustered rate interval at critical value z, for a design
 * effect already computed (used by the interval, its dual test and the
 * coverage study).
 *
 * @example
 * clusteredRateBounds(8, 400, 2, 1.959963984540054); // modified Wilson on 4 of 200
 */
export function clusteredRateBounds(k: number, n: number, de: number, z: number, base: ClusteredRateOptions["base"] = "wilson-modified"): [number, number] {
  const ke = k / de;
  const ne = n / de;
  return base === "wilson-modified" ? modifiedWilsonBounds(ke, ne, z) : agrestiCoullBounds(ke, ne, z);
}

/**
 * A rate over queries with several samples each (e.g. 50 queries × 8
 * samples): the rate interval applied to the effective counts k/DE of
 * n/DE, where DE is the design effect of `rateDesignEffect` (Rao & Scott
 * 1992; the effective-sample-size approach of Korn & Graubard 1998).
 * DE is floored at 1, so a cell with no event is the ordinary interval on
 * all its samples, never [0, 0]; with a `pooledIcc` (the run's clustering)
 * such a cell borrows the run's design effect instead, which the coverage
 * study shows is needed when samples of one query are strongly alike.
 * Base interval: modified Wilson (default: with the pooled ICC it meets the
 * coverage targets on the clustered grid, where Agresti–Coull over-covers
 * on average) or Agresti–Coull.
 *
 * @example
 * clusteredRateInterval([{ k: 8, m: 8 }, ...Array(49).fill({ k: 0, m: 8 })]); // 8 of 400, all in one query: DE ≈ 8
 */
export function clusteredRateInterval(perQuery: readonly QueryRate[], opts: ClusteredRateOptions = {}): ClusteredInterval {
  const L = checkLevel(opts.level);
  const base = opts.base ?? "wilson-modified";
  if (base !== "agresti-coull" && base !== "wilson-modified") throw new RangeError(`unknown base interval: ${String(base)}`);
  const method = `${base}-clustered`;
  const d = rateDesignEffect(perQuery, opts);
  let k = 0;
  for (const q of perQuery) k += q.k;
  const n = d.n_samples;
  const common = { de: d.de, icc: d.icc, n_eff: n / d.de, n_queries: d.n_queries, n_samples: n, deSource: d.source, level: L, method, n };
  if (n === 0) return { ...common, estimate: NaN, low: NaN, high: NaN, note: "no samples" };
  const [low, high] = clusteredRateBounds(k, n, d.de, normalQuantile(1 - (1 - L) / 2), base);
  return { ...common, estimate: k / n, low, high };
}
