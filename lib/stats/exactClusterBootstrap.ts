import { pmfQuantile } from "./quantile";
import { checkLevel, type Interval } from "./types";

/** Mass below which convolution cells are dropped (speed; the lost mass is far below any quantile of interest). */
const TRIM = 1e-16;

/**
 * The exact (B = ∞) distribution of the sum of K values drawn with
 * replacement from K integers (each query's total): the K-fold convolution
 * of their empirical distribution. Returns the pmf over the sums
 * min·K … max·K (index s − min·K) and the offset min·K.
 *
 * @example
 * clusterSumPmf([0, 1]); // sums 0, 1, 2 with probabilities ¼, ½, ¼: { offset: 0, pmf: [0.25, 0.5, 0.25] }
 */
export function clusterSumPmf(values: readonly number[]): { offset: number; pmf: Float64Array } {
  const K = values.length;
  if (K === 0) return { offset: 0, pmf: Float64Array.of(1) };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isInteger(v)) throw new RangeError(`cluster totals must be integers, got ${v}`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const w = new Float64Array(hi - lo + 1);
  for (const v of values) w[v - lo] += 1 / K;
  const support: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 0) support.push(i);
  const span = (hi - lo) * K;
  let cur = new Float64Array(span + 1);
  let nxt = new Float64Array(span + 1);
  cur[0] = 1;
  let a = 0;
  let b = 0;
  for (let step = 0; step < K; step++) {
    const top = Math.min(span, b + (hi - lo));
    nxt.fill(0, a, top + 1);
    for (let s = a; s <= b; s++) {
      const m = cur[s];
      if (m < TRIM) continue;
      for (const i of support) nxt[s + i] += m * w[i];
    }
    [cur, nxt] = [nxt, cur];
    let na = a;
    let nb = top;
    while (na < nb && cur[na] < TRIM) na++;
    while (nb > na && cur[nb] < TRIM) nb--;
    a = na;
    b = nb;
  }
  return { offset: lo * K, pmf: cur };
}

/**
 * The cluster bootstrap over queries with B = ∞, for queries of equal size m:
 * resampling K queries with replacement makes the statistic (sum of the
 * drawn queries' integer totals) / (K·m) a K-fold convolution
 * (`clusterSumPmf`), so the percentile interval (project quantile
 * convention) is exact, with no resampling noise. Totals are per-query
 * counts for a rate (kᵢ) or differences for a gap (bᵢ − cᵢ). This is the
 * B → ∞ limit of `clusterBootstrapRate` / `clusterBootstrapGap` for equal
 * sizes, kept as a labelled option and for the coverage study (it
 * under-covers at low rates: a point at 0 when no query has an event).
 *
 * @example
 * exactClusterBootstrapInterval([2, 0, 0, 1], 4); // rate 3/16 over 4 queries × 4 samples
 */
export function exactClusterBootstrapInterval(totals: readonly number[], m: number, opts: { level?: number } = {}): Interval & { pmf: Float64Array; offset: number } {
  const L = checkLevel(opts.level);
  const K = totals.length;
  const method = "cluster-bootstrap-exact";
  if (K === 0 || !(m > 0)) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n: K, note: "no queries", pmf: new Float64Array(0), offset: 0 };
  const { offset, pmf } = clusterSumPmf(totals);
  let sum = 0;
  for (const v of totals) sum += v;
  const a = (1 - L) / 2;
  const div = K * m;
  return {
    estimate: sum / div,
    low: (pmfQuantile(pmf, a) + offset) / div,
    high: (pmfQuantile(pmf, 1 - a) + offset) / div,
    method,
    level: L,
    n: K,
    pmf,
    offset,
  };
}
