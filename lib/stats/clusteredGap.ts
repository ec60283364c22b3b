import type { ClusteredInterval } from "./clusteredRate";
import { gapDesignEffect, type DesignEffectOptions, type QueryGap } from "./designEffect";
import { normalQuantile } from "./normal";
import { tangoBounds, tangoTestPValue } from "./tango";
import { checkLevel } from "./types";

/** Totals of a clustered paired sample. */
function totals(perQuery: readonly QueryGap[]): { b: number; c: number } {
  let b = 0;
  let c = 0;
  for (const q of perQuery) {
    b += q.b;
    c += q.c;
  }
  return { b, c };
}

/**
 * A paired gap over queries with several samples each: Tango's score
 * interval on the design-effect-scaled discordant counts b/DE, c/DE of n/DE
 * pairs (Rao & Scott's 1992 device applied to Tango 1998), with DE from
 * `gapDesignEffect` floored at 1 (no discordant pair gives the ordinary
 * Tango interval, never [0, 0]). The test that inverts to it is
 * `clusteredMcNemarTest`.
 *
 * @example
 * clusteredGapInterval(Array.from({ length: 50 }, (_, i) => ({ b: i < 10 ? 2 : 0, c: i === 49 ? 1 : 0, m: 8 })));
 */
export function clusteredGapInterval(perQuery: readonly QueryGap[], opts: DesignEffectOptions & { level?: number } = {}): ClusteredInterval {
  const L = checkLevel(opts.level);
  const d = gapDesignEffect(perQuery, opts);
  const { b, c } = totals(perQuery);
  const n = d.n_samples;
  const method = "tango-clustered";
  const common = { de: d.de, icc: d.icc, n_eff: n / d.de, n_queries: d.n_queries, n_samples: n, deSource: d.source, level: L, method, n };
  if (n === 0) return { ...common, estimate: NaN, low: NaN, high: NaN, note: "no pairs" };
  const [low, high] = tangoBounds(b / d.de, c / d.de, n / d.de, normalQuantile(1 - (1 - L) / 2));
  return { ...common, estimate: (b - c) / n, low, high };
}

/** Result of a clustered McNemar-type test. */
export interface ClusteredTest {
  /** z statistic (signed: positive when the first tier is higher). */
  statistic: number;
  p_value: number;
  de: number;
  method: string;
}

/**
 * The clustered McNemar test that inverts to `clusteredGapInterval`:
 * McNemar's z on the design-effect-scaled counts,
 * z = (b − c)/√(DE·(b + c)), p = 2·(1 − Φ(|z|)) (the Rao–Scott first-order
 * correction of McNemar's test). When the gap estimate is 0 its variance is
 * K/(K − 1)·Σ dᵢ², so z² is then Obuchowski's (1998) statistic in Yang et
 * al.'s (2010) form; Durkalski et al.'s (2003) statistic drops the K/(K − 1).
 * With one sample per query and DE = 1 it is the asymptotic McNemar test.
 *
 * @example
 * clusteredMcNemarTest([{ b: 2, c: 0, m: 4 }, { b: 1, c: 0, m: 4 }, { b: 0, c: 1, m: 4 }]).p_value;
 */
export function clusteredMcNemarTest(perQuery: readonly QueryGap[], opts: DesignEffectOptions = {}): ClusteredTest {
  const d = gapDesignEffect(perQuery, opts);
  const { b, c } = totals(perQuery);
  const method = "mcnemar-clustered";
  if (b + c === 0) return { statistic: 0, p_value: 1, de: d.de, method };
  return { statistic: (b - c) / Math.sqrt(d.de * (b + c)), p_value: tangoTestPValue(b / d.de, c / d.de), de: d.de, method };
}
