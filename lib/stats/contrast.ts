import { inverseEcdf, pmfQuantile, CDF_TOLERANCE } from "./quantile";
import { checkPaired, pairedGapPmf, type PairedCounts } from "./pairedGap";
import { makeRng } from "./rng";
import { tangoGapInterval } from "./tango";
import { modifiedWilsonInterval as rateIntervalFn } from "./modifiedWilson";
import { checkLevel, type Interval } from "./types";

/** Options for the contrast intervals. */
export interface ContrastOptions {
  level?: number;
  /** Independent contrasts only: "mover-tango" (default) or the exact "bootstrap". */
  method?: "mover-tango" | "bootstrap";
}

/**
 * The difference of two gaps measured on DIFFERENT queries (or different
 * query draws): gap(a) − gap(b), e.g. free − paid under condition A minus
 * free − paid under condition B.
 * - "mover-tango" (default): Zou & Donner's MOVER, combining the two Tango
 *   score intervals: L = θ̂ − √((Δa − la)² + (ub − Δb)²),
 *   U = θ̂ + √((ua − Δa)² + (Δb − lb)²). Inherits Tango's behaviour at
 *   small counts.
 * - "bootstrap": exact (B = ∞) percentile bootstrap, the distribution of
 *   D*a/na − D*b/nb from the two exact paired-gap pmfs (convolution).
 *
 * @example
 * independentContrastInterval({ n11: 5, n10: 30, n01: 5, n00: 160 }, { n11: 5, n10: 10, n01: 5, n00: 180 });
 */
export function independentContrastInterval(a: PairedCounts, b: PairedCounts, opts: ContrastOptions = {}): Interval {
  const L = checkLevel(opts.level);
  const na = checkPaired(a);
  const nb = checkPaired(b);
  const method = opts.method ?? "mover-tango";
  const n = na + nb;
  if (na === 0 || nb === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "a condition has no pairs" };
  const ea = (a.n10 - a.n01) / na;
  const eb = (b.n10 - b.n01) / nb;
  const est = ea - eb;
  if (method === "mover-tango") {
    const ia = tangoGapInterval(a, { level: L });
    const ib = tangoGapInterval(b, { level: L });
    const low = est - Math.sqrt((ea - ia.low) ** 2 + (ib.high - eb) ** 2);
    const high = est + Math.sqrt((ia.high - ea) ** 2 + (eb - ib.low) ** 2);
    return { estimate: est, low: Math.max(-2, low), high: Math.min(2, high), method, level: L, n };
  }
  if (method !== "bootstrap") throw new RangeError(`unknown contrast method: ${String(method)}`);
  const pa = pairedGapPmf(a);
  const pb = pairedGapPmf(b);
  const alpha = (1 - L) / 2;
  if (na === nb) {
    // value (i − j)/n with i, j in −n..n: integer convolution of pa with pb reversed
    const out = new Float64Array(4 * na + 1);
    for (let i = 0; i < pa.length; i++) {
      const wi = pa[i];
      if (wi < 1e-17) continue;
      for (let j = 0; j < pb.length; j++) {
        const wj = pb[j];
        if (wj >= 1e-17) out[i - j + 2 * na] += wi * wj;
      }
    }
    const lo = (pmfQuantile(out, alpha) - 2 * na) / na;
    const hi = (pmfQuantile(out, 1 - alpha) - 2 * na) / na;
    return { estimate: est, low: lo, high: hi, method: "bootstrap-exact", level: L, n };
  }
  const vals: number[] = [];
  const probs: number[] = [];
  for (let i = 0; i < pa.length; i++) {
    if (pa[i] < 1e-17) continue;
    for (let j = 0; j < pb.length; j++) {
      if (pb[j] < 1e-17) continue;
      vals.push((i - na) / na - (j - nb) / nb);
      probs.push(pa[i] * pb[j]);
    }
  }
  const order = vals.map((_, i) => i).sort((x, y) => vals[x] - vals[y]);
  const q = (target: number) => {
    let c = 0;
    for (const i of order) {
      c += probs[i];
      if (c >= target - CDF_TOLERANCE) return vals[i];
    }
    return vals[order[order.length - 1]];
  };
  return { estimate: est, low: q(alpha), high: q(1 - alpha), method: "bootstrap-exact", level: L, n };
}

/** One query's four binary outcomes: condition A first tier, A second tier, B first tier, B second tier. */
export type ContrastQuad = readonly [number, number, number, number];

/**
 * Exact bootstrap pmf of the paired contrast sum S = Σ vᵢ over n resampled
 * queries, vᵢ = (a1 − a2) − (b1 − b2) ∈ {−2, …, 2}: the n-fold convolution
 * of the empirical distribution of v (resampling queries with replacement
 * draws n iid values from it). Index s + 2n holds P(S* = s).
 *
 * @example
 * pairedContrastPmf([[1, 0, 0, 0], [0, 0, 0, 0]]); // values −4..4 at index s + 4; P(S=0)=¼, P(S=1)=½, P(S=2)=¼
 */
export function pairedContrastPmf(quads: readonly ContrastQuad[]): Float64Array {
  const n = quads.length;
  const w = new Float64Array(5);
  for (const q of quads) {
    for (const x of q) if (x !== 0 && x !== 1) throw new RangeError(`contrast outcomes must be 0 or 1, got ${x}`);
    w[q[0] - q[1] - q[2] + q[3] + 2] += 1 / n;
  }
  let cur = new Float64Array(4 * n + 1);
  let nxt = new Float64Array(4 * n + 1);
  cur[2 * n] = 1;
  let lo = 2 * n;
  let hi = 2 * n;
  for (let step = 0; step < n; step++) {
    nxt.fill(0, Math.max(0, lo - 2), Math.min(4 * n, hi + 2) + 1);
    let nlo = Infinity;
    let nhi = -Infinity;
    for (let s = lo; s <= hi; s++) {
      const m = cur[s];
      if (m < 1e-300) continue;
      for (let v = 0; v < 5; v++) {
        if (w[v] === 0) continue;
        const t = s + v - 2;
        nxt[t] += m * w[v];
        if (t < nlo) nlo = t;
        if (t > nhi) nhi = t;
      }
    }
    const tmp = cur;
    cur = nxt;
    nxt = tmp;
    lo = nlo;
    hi = nhi;
  }
  return cur;
}

/**
 * The difference of two gaps measured on the SAME queries (paired), e.g.
 * (free − paid | condition A) − (free − paid | condition B) with every query
 * run under both conditions: exact (B = ∞) percentile bootstrap over queries
 * (`pairedContrastPmf`). KEPT AS AN OPTION, NOT A DEFAULT: with few
 * discordant queries it is often a point and covers as little as 20–57% at
 * n = 50 (docs/statistics.md); the default is `gapContrastInterval`
 * (MOVER–Tango, `gapContrastResult`). Degenerate ([est, est], noted) when every query
 * has the same v.
 *
 * @example
 * pairedContrastInterval([[1, 0, 0, 0], [1, 1, 1, 1], [0, 0, 1, 0]]);
 */
export function pairedContrastInterval(quads: readonly ContrastQuad[], opts: { level?: number } = {}): Interval {
  const L = checkLevel(opts.level);
  const n = quads.length;
  const method = "bootstrap-exact";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const pmf = pairedContrastPmf(quads);
  let sum = 0;
  const seen = new Set<number>();
  for (const q of quads) {
    const v = q[0] - q[1] - q[2] + q[3];
    sum += v;
    seen.add(v);
  }
  const est = sum / n;
  const a = (1 - L) / 2;
  const out: Interval = {
    estimate: est,
    low: (pmfQuantile(pmf, a) - 2 * n) / n,
    high: (pmfQuantile(pmf, 1 - a) - 2 * n) / n,
    method,
    level: L,
    n,
  };
  if (seen.size === 1) out.note = "every query has the same contrast value: bootstrap distribution is a point";
  return out;
}

/** One query's samples for a paired contrast with several samples per query (0/1 values per cell). */
export interface ContrastCluster {
  a1: readonly number[];
  a2: readonly number[];
  b1: readonly number[];
  b2: readonly number[];
}

/**
 * Paired contrast with several samples per query: seeded cluster bootstrap
 * over queries (percentile, `inverseEcdf`). Kept as an option; the default
 * is `gapContrastInterval` (clustered MOVER–Tango). The statistic is the pooled
 * (mean a1 − mean a2) − (mean b1 − mean b2) of the drawn queries; resamples
 * with an empty cell are skipped (counted in `note`).
 *
 * @example
 * clusterContrastBootstrap([{ a1: [1, 1], a2: [0, 1], b1: [0, 0], b2: [0, 0] }], { seed: 3, B: 1000 });
 */
export function clusterContrastBootstrap(perQuery: readonly ContrastCluster[], opts: { seed: number; B?: number; level?: number }): Interval & { B: number; seed: number } {
  const L = checkLevel(opts.level);
  const B = opts.B ?? 10000;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`B must be a positive integer, got ${B}`);
  const Q = perQuery.length;
  const S = new Float64Array(4 * Q);
  const N = new Float64Array(4 * Q);
  perQuery.forEach((q, i) => {
    [q.a1, q.a2, q.b1, q.b2].forEach((xs, j) => {
      let s = 0;
      for (const x of xs) s += x;
      S[4 * i + j] = s;
      N[4 * i + j] = xs.length;
    });
  });
  const stat = (pick: (t: number) => number, count: number) => {
    const s = [0, 0, 0, 0];
    const m = [0, 0, 0, 0];
    for (let t = 0; t < count; t++) {
      const i = pick(t);
      for (let j = 0; j < 4; j++) {
        s[j] += S[4 * i + j];
        m[j] += N[4 * i + j];
      }
    }
    if (m.some((x) => x === 0)) return NaN;
    return s[0] / m[0] - s[1] / m[1] - (s[2] / m[2] - s[3] / m[3]);
  };
  const method = "cluster-bootstrap-contrast";
  const estimate = Q ? stat((t) => t, Q) : NaN;
  if (!Number.isFinite(estimate)) return { estimate, low: NaN, high: NaN, method, level: L, n: Q, B, seed: opts.seed, note: "no samples in some cell" };
  const u = makeRng(opts.seed);
  const idx = new Int32Array(Q);
  const reps = new Float64Array(B);
  let kept = 0;
  for (let r = 0; r < B; r++) {
    for (let t = 0; t < Q; t++) idx[t] = Math.floor(u() * Q);
    const v = stat((t) => idx[t], Q);
    if (!Number.isNaN(v)) reps[kept++] = v;
  }
  const sorted = reps.subarray(0, kept).sort();
  const a = (1 - L) / 2;
  const out: Interval & { B: number; seed: number } = { estimate, low: inverseEcdf(sorted, a), high: inverseEcdf(sorted, 1 - a), method, level: L, n: Q, B, seed: opts.seed };
  if (kept < B) out.note = `${B - kept} resamples had an empty cell and were skipped`;
  return out;
}

/**
 * Difference of two independent rates k1/n1 − k2/n2 (e.g. AF rate under an
 * intervention minus baseline, different samples): Newcombe's hybrid score
 * interval (MOVER with each rate's default interval, modified Wilson):
 * L = d − √((p1 − l1)² + (u2 − p2)²), U = d + √((u1 − p1)² + (p2 − l2)²).
 *
 * @example
 * rateDifferenceInterval(56, 70, 48, 80); // Newcombe's example 1: ≈ [0.0524, 0.3339]
 */
export function rateDifferenceInterval(k1: number, n1: number, k2: number, n2: number, opts: { level?: number } = {}): Interval {
  const L = checkLevel(opts.level);
  const method = "newcombe-hybrid";
  if (n1 === 0 || n2 === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n: n1 + n2, note: "a group has n=0" };
  const a = rateIntervalFn(k1, n1, L);
  const b = rateIntervalFn(k2, n2, L);
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const d = p1 - p2;
  return {
    estimate: d,
    low: Math.max(-1, d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2)),
    high: Math.min(1, d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2)),
    method,
    level: L,
    n: n1 + n2,
  };
}
