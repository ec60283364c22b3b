/**
 * A generative model of queries × samples, used by the coverage study, the
 * clustered power and the planner. Each query has its own compliance rate,
 * drawn from a Beta distribution with the cell's mean rate and a chosen
 * intra-query correlation (ICC): the beta-binomial model, where
 * ICC = 1/(α + β + 1) is the correlation between two samples of one query.
 * Several cells on the same queries (tiers, conditions) share one draw per
 * query: cell rates are proportional to it (rate_cell,i = X_i · p_cell / p_max,
 * X_i ~ Beta(mean p_max, ICC)), so a query that is easy in one cell is easy
 * in all. Within a query and sample index, the two tiers of one condition
 * read a common uniform with probability `shared` (as the simulated
 * organisms do), else independent ones; different conditions draw
 * independently.
 */
import type { QueryGap, QueryRate } from "./designEffect";
import type { QueryLinear } from "./gapContrast";
import type { Discordant } from "./power";

/**
 * A Gamma(shape, 1) variate (Marsaglia & Tsang 2000; shapes below 1 by
 * G(a) = G(a + 1)·U^{1/a}), from a [0, 1) source.
 *
 * @example
 * gammaVariate(makeRng(1), 2.5); // > 0, mean 2.5
 */
export function gammaVariate(u: () => number, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaVariate(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = u() || Number.MIN_VALUE;
      const u2 = u();
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u() || Number.MIN_VALUE;
    if (Math.log(w) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * A Beta(a, b) variate as G_a / (G_a + G_b).
 *
 * @example
 * betaVariate(makeRng(1), 2, 5); // in [0, 1], mean 2/7
 */
export function betaVariate(u: () => number, a: number, b: number): number {
  const x = gammaVariate(u, a);
  const y = gammaVariate(u, b);
  return x + y > 0 ? x / (x + y) : a >= b ? 1 : 0;
}

/**
 * One query's rate: Beta with mean `mean` and intra-query correlation
 * `icc` (α = mean·(1/icc − 1), β = (1 − mean)·(1/icc − 1)); exactly `mean`
 * when icc = 0 (or the mean is 0 or 1).
 *
 * @example
 * queryRateVariate(makeRng(1), 0.1, 0.3);
 */
export function queryRateVariate(u: () => number, mean: number, icc: number): number {
  if (!(mean >= 0 && mean <= 1)) throw new RangeError(`mean must be in [0, 1], got ${mean}`);
  if (!(icc >= 0 && icc < 1)) throw new RangeError(`icc must be in [0, 1), got ${icc}`);
  if (icc === 0 || mean === 0 || mean === 1) return mean;
  const s = 1 / icc - 1;
  return betaVariate(u, mean * s, (1 - mean) * s);
}

/** Queries × samples. */
export interface ClusterDesign {
  queries: number;
  samples: number;
}

/**
 * Simulate one rate cell: per query a rate from `queryRateVariate`, then
 * `samples` Bernoulli draws.
 *
 * @example
 * simulateRateQueries(makeRng(1), { p: 0.05, icc: 0.3, queries: 50, samples: 8 });
 */
export function simulateRateQueries(u: () => number, o: ClusterDesign & { p: number; icc: number }): QueryRate[] {
  const out: QueryRate[] = new Array(o.queries);
  for (let i = 0; i < o.queries; i++) {
    const pi = queryRateVariate(u, o.p, o.icc);
    let k = 0;
    for (let j = 0; j < o.samples; j++) if (u() < pi) k++;
    out[i] = { k, m: o.samples };
  }
  return out;
}

/** A paired gap's model: two tiers' mean rates, shared-draw fraction, ICC. */
export interface GapModel {
  pA: number;
  pB: number;
  shared: number;
  icc: number;
}

/** Draw one (query, sample) pair of outcomes for rates a, b: 1 = first yes/second no, −1 = reverse, 0 = concordant. */
function pairOutcome(u: () => number, a: number, b: number, shared: number): number {
  let x: boolean;
  let y: boolean;
  if (shared >= 1 || (shared > 0 && u() < shared)) {
    const v = u();
    x = v < a;
    y = v < b;
  } else {
    x = u() < a;
    y = u() < b;
  }
  return x === y ? 0 : x ? 1 : -1;
}

/**
 * Simulate one paired-gap cell: per query a common rate draw X ~ Beta(mean
 * max(pA, pB), ICC) scaled to each tier, then `samples` pairs.
 *
 * @example
 * simulateGapQueries(makeRng(1), { pA: 0.1, pB: 0.05, shared: 0.7, icc: 0.3, queries: 50, samples: 8 });
 */
export function simulateGapQueries(u: () => number, o: ClusterDesign & GapModel): QueryGap[] {
  const pmax = Math.max(o.pA, o.pB);
  const out: QueryGap[] = new Array(o.queries);
  for (let i = 0; i < o.queries; i++) {
    const x = pmax > 0 ? queryRateVariate(u, pmax, o.icc) / pmax : 0;
    const a = x * o.pA;
    const b = x * o.pB;
    let nb = 0;
    let nc = 0;
    for (let j = 0; j < o.samples; j++) {
      const r = pairOutcome(u, a, b, o.shared);
      if (r > 0) nb++;
      else if (r < 0) nc++;
    }
    out[i] = { b: nb, c: nc, m: o.samples };
  }
  return out;
}

/**
 * Simulate several gaps on the same queries (a contrast's cells): one rate
 * draw per query shared by every cell, each gap's two tiers paired as in
 * `simulateGapQueries`, different gaps drawn independently given the query.
 *
 * @example
 * simulateContrastQueries(makeRng(1), { gaps: [[0.1, 0.05], [0.1, 0.1]], shared: 0.7, icc: 0.3, queries: 50, samples: 1 });
 */
export function simulateContrastQueries(
  u: () => number,
  o: ClusterDesign & { gaps: ReadonlyArray<readonly [number, number]>; shared: number; icc: number },
): QueryLinear[] {
  const pmax = Math.max(...o.gaps.flat());
  const k = o.gaps.length;
  const out: QueryLinear[] = new Array(o.queries);
  for (let i = 0; i < o.queries; i++) {
    const x = pmax > 0 ? queryRateVariate(u, pmax, o.icc) / pmax : 0;
    const b = new Array<number>(k).fill(0);
    const c = new Array<number>(k).fill(0);
    for (let j = 0; j < o.samples; j++) {
      for (let g = 0; g < k; g++) {
        const r = pairOutcome(u, x * o.gaps[g][0], x * o.gaps[g][1], o.shared);
        if (r > 0) b[g]++;
        else if (r < 0) c[g]++;
      }
    }
    out[i] = { m: o.samples, b, c };
  }
  return out;
}

/**
 * The discordant-pair probabilities of the gap model, averaged over queries
 * (with ICC > 0 the independent-draw part is smaller than
 * `discordantFromRates` says, because E[X²] > E[X]²).
 *
 * @example
 * discordantFromModel({ pA: 0.49, pB: 0.35, shared: 0.7, icc: 0 }); // = discordantFromRates(0.49, 0.35, 0.7)
 */
export function discordantFromModel(o: GapModel): Discordant {
  const pmax = Math.max(o.pA, o.pB);
  if (pmax === 0) return { p10: 0, p01: 0 };
  const a = o.pA / pmax;
  const b = o.pB / pmax;
  const ex2 = o.icc * pmax * (1 - pmax) + pmax * pmax;
  const s = o.shared;
  return {
    p10: s * Math.max(a - b, 0) * pmax + (1 - s) * (a * pmax - a * b * ex2),
    p01: s * Math.max(b - a, 0) * pmax + (1 - s) * (b * pmax - a * b * ex2),
  };
}

/**
 * The true design effect of a paired gap with `samples` pairs per query
 * under the gap model: 1 + (m − 1)·Var(μᵢ)/Var(d), where μᵢ = (pA − pB)·Xᵢ/p_max
 * is query i's expected difference and d the difference of one pair. With
 * no gap (pA = pB) it is 1 whatever the ICC: the queries differ in how often
 * they are discordant but not in which direction.
 *
 * @example
 * gapDesignEffectModel({ pA: 0.2, pB: 0.1, shared: 1, icc: 0.3, samples: 8 });
 */
export function gapDesignEffectModel(o: GapModel & { samples: number }): number {
  const pmax = Math.max(o.pA, o.pB);
  if (pmax === 0 || o.samples <= 1) return 1;
  const g = (o.pA - o.pB) / pmax;
  const varX = o.icc * pmax * (1 - pmax);
  const d = discordantFromModel(o);
  const varD = d.p10 + d.p01 - (o.pA - o.pB) ** 2;
  if (!(varD > 0)) return 1;
  return 1 + (o.samples - 1) * ((g * g * varX) / varD);
}
