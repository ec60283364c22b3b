import { gapDesignEffect, type DesignEffectOptions, type QueryGap } from "./designEffect";
import { moverLinear } from "./mover";
import { normalQuantile } from "./normal";
import { tangoBounds } from "./tango";
import { checkLevel, type Interval } from "./types";

/**
 * One query's paired samples for several gaps measured on it (e.g. free −
 * paid under condition A, and under condition B): of its m units (query ×
 * sample index present in every cell), bⱼ had gap j's first tier yes and
 * second no, cⱼ the reverse.
 */
export interface QueryLinear {
  m: number;
  b: readonly number[];
  c: readonly number[];
}

/** Options of the contrast intervals. */
export interface GapContrastOptions extends DesignEffectOptions {
  level?: number;
}

/** A contrast interval with what it was built from. */
export interface GapContrastInterval extends Interval {
  n_queries: number;
  n_samples: number;
  /** Each gap's estimate and design effect (1 with one sample per query). */
  gaps: { estimate: number; de: number }[];
  /** Estimated correlations between the gaps (see `gapContrastInterval`). */
  corr: number[][];
}

const Z95 = normalQuantile(0.975);

/**
 * The pieces of a linear contrast of gaps on shared queries, computed once;
 * `boundsAt(z)` gives the MOVER bounds at any critical value (for the
 * interval and the test that inverts it).
 *
 * @example
 * prepareGapContrast(perQuery, [1, -1]).boundsAt(1.96);
 */
export function prepareGapContrast(
  perQuery: readonly QueryLinear[],
  weights: readonly number[],
  opts: DesignEffectOptions = {},
): { estimate: number; n_queries: number; n_samples: number; gaps: { estimate: number; de: number }[]; corr: number[][]; boundsAt(z: number): [number, number] } {
  const k = weights.length;
  if (k === 0) throw new RangeError("a contrast needs at least one gap");
  for (const w of weights) if (!Number.isFinite(w)) throw new RangeError(`contrast weights must be finite, got ${w}`);
  const Q = perQuery.filter((q) => q.m > 0);
  Q.forEach((q, i) => {
    if (q.b.length !== k || q.c.length !== k) throw new RangeError(`query ${i}: expected ${k} gaps, got b ${q.b.length}, c ${q.c.length}`);
  });
  const K = Q.length;
  let N = 0;
  let multi = false;
  for (const q of Q) {
    N += q.m;
    if (q.m > 1) multi = true;
  }
  const B = new Float64Array(k);
  const C = new Float64Array(k);
  for (const q of Q) for (let j = 0; j < k; j++) {
    B[j] += q.b[j];
    C[j] += q.c[j];
  }
  const est = Array.from({ length: k }, (_, j) => (N > 0 ? (B[j] - C[j]) / N : NaN));
  const de = Array.from({ length: k }, (_, j) => (multi ? gapDesignEffect(Q.map((q): QueryGap => ({ b: q.b[j], c: q.c[j], m: q.m })), opts).de : 1));
  const bounds = (j: number, z: number) => tangoBounds(B[j] / de[j], C[j] / de[j], N / de[j], z);
  // correlation of the gap estimates: cluster-robust covariance over the product of the
  // standard errors Tango's 95% intervals imply (never zero, so a few shared events
  // cannot make the correlation ±1 and collapse the interval)
  const at95 = Array.from({ length: k }, (_, j) => (N > 0 ? bounds(j, Z95) : ([NaN, NaN] as [number, number])));
  const se = at95.map(([l, u]) => (u - l) / (2 * Z95));
  const corr: number[][] = Array.from({ length: k }, (_, j) => Array.from({ length: k }, (_, i) => (i === j ? 1 : 0)));
  if (K > 1 && N > 0) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < j; i++) {
        let s = 0;
        for (const q of Q) s += (q.b[i] - q.c[i] - q.m * est[i]) * (q.b[j] - q.c[j] - q.m * est[j]);
        const cov = ((K / (K - 1)) * s) / (N * N);
        const r = se[i] > 0 && se[j] > 0 ? Math.max(-1, Math.min(1, cov / (se[i] * se[j]))) : 0;
        corr[i][j] = corr[j][i] = r;
      }
    }
  }
  let estimate = 0;
  for (let j = 0; j < k; j++) estimate += weights[j] * est[j];
  return {
    estimate: N > 0 ? estimate : NaN,
    n_queries: K,
    n_samples: N,
    gaps: est.map((e, j) => ({ estimate: e, de: de[j] })),
    corr,
    boundsAt(z: number): [number, number] {
      if (!(N > 0)) return [NaN, NaN];
      const terms = weights.map((w, j) => {
        const [low, high] = z === Z95 ? at95[j] : bounds(j, z);
        return { estimate: est[j], low, high, weight: w };
      });
      const r = moverLinear(terms, corr);
      const span = weights.reduce((s, w) => s + Math.abs(w), 0);
      return [Math.max(-span, r.low), Math.min(span, r.high)];
    },
  };
}

/**
 * A linear contrast of gaps measured on the SAME queries, Σ wⱼ·gapⱼ (e.g.
 * weights [1, −1]: the gap under condition A minus the gap under B, every
 * query run under both): MOVER (`moverLinear`) from each gap's Tango
 * interval (the clustered Tango interval on design-effect-scaled counts when
 * a query has several samples), with the estimated correlation between the
 * gaps. The correlation is the cluster-robust covariance of the gap
 * estimates over the product of the standard errors implied by their 95%
 * Tango intervals; because those never shrink to zero, a handful of shared
 * events cannot push it to ±1 and collapse the interval (the failure of the
 * exact paired bootstrap: a point whenever every query has the same
 * contrast value). With one gap and weight 1 it is that gap's interval.
 * The test that inverts to it: `gapContrastResult`'s p-value.
 *
 * @example
 * gapContrastInterval([{ m: 1, b: [1, 0], c: [0, 0] }, { m: 1, b: [0, 0], c: [0, 1] }, ...], [1, -1]);
 */
export function gapContrastInterval(perQuery: readonly QueryLinear[], weights: readonly number[], opts: GapContrastOptions = {}): GapContrastInterval {
  const L = checkLevel(opts.level);
  const p = prepareGapContrast(perQuery, weights, opts);
  const multi = p.gaps.some((g) => g.de !== 1) || perQuery.some((q) => q.m > 1);
  const method = weights.length === 1 && weights[0] === 1 ? (multi ? "tango-clustered" : "tango") : multi ? "mover-tango-clustered" : "mover-tango";
  const [low, high] = p.boundsAt(normalQuantile(1 - (1 - L) / 2));
  const out: GapContrastInterval = { estimate: p.estimate, low, high, method, level: L, n: p.n_samples, n_queries: p.n_queries, n_samples: p.n_samples, gaps: p.gaps, corr: p.corr };
  if (!(p.n_samples > 0)) out.note = "no query unit in every cell";
  return out;
}
