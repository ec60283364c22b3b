import { inverseEcdf } from "./quantile";
import { makeRng } from "./rng";
import type { Interval } from "./types";

/**
 * Sorted replicates of a seeded cluster bootstrap over queries of a pooled
 * per-unit value: each query contributes (sum of its units' values, unit
 * count); a resample draws queries with replacement and takes Σ sums / Σ
 * counts. The engine of every contrast that is not a single gap with one
 * sample per query (lib/analysis motivations).
 *
 * @example
 * const reps = clusterReplicates([{ sum: 1, n: 2 }, { sum: -1, n: 2 }, { sum: 2, n: 2 }], 1, 1000);
 * reps.length; // 1000, ascending
 */
export function clusterReplicates(perQuery: readonly { sum: number; n: number }[], seed: number, B: number): Float64Array {
  const Q = perQuery.length;
  const sums = new Float64Array(Q);
  const ns = new Float64Array(Q);
  perQuery.forEach((q, i) => {
    sums[i] = q.sum;
    ns[i] = q.n;
  });
  const u = makeRng(seed);
  const reps = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let s = 0;
    let n = 0;
    for (let t = 0; t < Q; t++) {
      const i = Math.floor(u() * Q);
      s += sums[i];
      n += ns[i];
    }
    reps[r] = n > 0 ? s / n : 0;
  }
  return reps.sort();
}

/**
 * Seeded cluster bootstrap over queries of a pooled per-unit value, as a
 * percentile interval (the project's quantile convention, `inverseEcdf`).
 *
 * @example
 * linearContrastBootstrap([{ sum: 1, n: 2 }, { sum: 0, n: 2 }, { sum: 2, n: 2 }], { seed: 7, B: 2000, level: 0.95 }).estimate; // 0.5
 */
export function linearContrastBootstrap(perQuery: { sum: number; n: number }[], opts: { seed: number; B: number; level: number }): Interval {
  let S = 0;
  let N = 0;
  for (const q of perQuery) {
    S += q.sum;
    N += q.n;
  }
  const method = "cluster-bootstrap-linear";
  if (N === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: opts.level, n: 0, note: "n=0: no data" };
  const estimate = S / N;
  if (perQuery.every((q) => q.sum === 0)) return { estimate, low: 0, high: 0, method, level: opts.level, n: perQuery.length, note: "every unit is 0" };
  const reps = clusterReplicates(perQuery, opts.seed, opts.B);
  const a = (1 - opts.level) / 2;
  return { estimate, low: inverseEcdf(reps, a), high: inverseEcdf(reps, 1 - a), method, level: opts.level, n: perQuery.length };
}
