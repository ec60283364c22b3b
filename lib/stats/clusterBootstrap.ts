import { inverseEcdf } from "./quantile";
import { makeRng } from "./rng";
import { checkLevel, type Interval } from "./types";

/** One query's samples for one tier: raw values (e.g. 0/1) or their sum and count. */
export type ClusterSamples = readonly number[] | { sum: number; n: number };

/** One query's samples under two tiers. */
export type ClusterPair =
  | { a: readonly number[]; b: readonly number[] }
  | { aSum: number; aN: number; bSum: number; bN: number };

/** Options for the cluster bootstraps. */
export interface ClusterBootstrapOptions {
  /** Seed for the resampling (required: results are reproducible per seed). */
  seed: number;
  /** Number of resamples; default 10000. */
  B?: number;
  /** Default 0.95. */
  level?: number;
  /** Keep the sorted replicates in the result (for the percentile p-value). */
  keepReplicates?: boolean;
}

/** A cluster-bootstrap interval; `dropped` counts resamples with no samples in a tier (skipped). */
export interface ClusterInterval extends Interval {
  B: number;
  seed: number;
  dropped: number;
  /** Sorted replicates, when `keepReplicates` is set. */
  replicates?: Float64Array;
}

function summarise(s: ClusterSamples): [number, number] {
  if (Array.isArray(s)) {
    let t = 0;
    for (const v of s as readonly number[]) t += v;
    return [t, s.length];
  }
  const o = s as { sum: number; n: number };
  return [o.sum, o.n];
}

/**
 * Cluster (query-level) bootstrap for a gap when each query has several
 * samples per tier. KEPT AS AN OPTION, NOT A DEFAULT: at low rates it
 * under-covers badly (58% worst cell at 50 queries × 8, many intervals
 * [0, 0]; docs/statistics.md); the default is `clusteredGapInterval`
 * (`gapResult`). Resample queries with replacement (seeded), and for each
 * resample compute pooled mean(a) − pooled mean(b) over the drawn queries,
 * so each query counts in proportion to its samples. Percentile interval
 * with the project's quantile convention (`inverseEcdf`).
 *
 * @example
 * clusterBootstrapGap([{ a: [1, 1, 0], b: [0, 0, 0] }, { a: [1, 0], b: [1, 0] }], { seed: 1 });
 */
export function clusterBootstrapGap(perQuery: readonly ClusterPair[], opts: ClusterBootstrapOptions): ClusterInterval {
  const Q = perQuery.length;
  const aS = new Float64Array(Q);
  const aN = new Float64Array(Q);
  const bS = new Float64Array(Q);
  const bN = new Float64Array(Q);
  perQuery.forEach((q, i) => {
    if ("a" in q) {
      [aS[i], aN[i]] = summarise(q.a);
      [bS[i], bN[i]] = summarise(q.b);
    } else {
      aS[i] = q.aSum;
      aN[i] = q.aN;
      bS[i] = q.bSum;
      bN[i] = q.bN;
    }
  });
  return clusterCore(Q, opts, "cluster-bootstrap-gap", (idx, count) => {
    let sa = 0;
    let na = 0;
    let sb = 0;
    let nb = 0;
    for (let t = 0; t < count; t++) {
      const i = idx[t];
      sa += aS[i];
      na += aN[i];
      sb += bS[i];
      nb += bN[i];
    }
    return na > 0 && nb > 0 ? sa / na - sb / nb : NaN;
  });
}

/**
 * Cluster (query-level) bootstrap for one tier's rate: resample queries with
 * replacement, statistic = pooled mean of the drawn queries' samples. KEPT
 * AS AN OPTION, NOT A DEFAULT (a point [0, 0] with no events; 72% worst
 * cell at 50 × 8): the default is `clusteredRateInterval` (`rateResult`).
 *
 * @example
 * clusterBootstrapRate([[1, 1, 0], [0, 0], { sum: 2, n: 4 }], { seed: 7, B: 2000 });
 */
export function clusterBootstrapRate(perQuery: readonly ClusterSamples[], opts: ClusterBootstrapOptions): ClusterInterval {
  const Q = perQuery.length;
  const S = new Float64Array(Q);
  const N = new Float64Array(Q);
  perQuery.forEach((q, i) => {
    [S[i], N[i]] = summarise(q);
  });
  return clusterCore(Q, opts, "cluster-bootstrap-rate", (idx, count) => {
    let s = 0;
    let m = 0;
    for (let t = 0; t < count; t++) {
      s += S[idx[t]];
      m += N[idx[t]];
    }
    return m > 0 ? s / m : NaN;
  });
}

/** Shared resampling loop: draws Q query indices per replicate and reads off the percentile interval. */
function clusterCore(
  Q: number,
  opts: ClusterBootstrapOptions,
  method: string,
  stat: (idx: Int32Array, count: number) => number,
): ClusterInterval {
  const L = checkLevel(opts.level);
  const B = opts.B ?? 10000;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`B must be a positive integer, got ${B}`);
  const all = new Int32Array(Q);
  for (let i = 0; i < Q; i++) all[i] = i;
  const estimate = Q > 0 ? stat(all, Q) : NaN;
  if (Q === 0 || Number.isNaN(estimate)) {
    return { estimate, low: NaN, high: NaN, method, level: L, n: Q, B, seed: opts.seed, dropped: 0, note: Q === 0 ? "no queries" : "no samples" };
  }
  const u = makeRng(opts.seed);
  const idx = new Int32Array(Q);
  const reps = new Float64Array(B);
  let kept = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Q; t++) idx[t] = Math.floor(u() * Q);
    const v = stat(idx, Q);
    if (!Number.isNaN(v)) reps[kept++] = v;
  }
  const sorted = reps.subarray(0, kept).sort();
  const a = (1 - L) / 2;
  const out: ClusterInterval = {
    estimate,
    low: inverseEcdf(sorted, a),
    high: inverseEcdf(sorted, 1 - a),
    method,
    level: L,
    n: Q,
    B,
    seed: opts.seed,
    dropped: B - kept,
  };
  if (kept < B) out.note = `${B - kept} resamples had no samples in a tier and were skipped`;
  if (opts.keepReplicates) out.replicates = sorted;
  return out;
}
