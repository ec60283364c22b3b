import { binomialPmfInto } from "./binomial";
import { PMF_CUTOFF } from "./exactBootstrapRate";
import { pmfQuantile } from "./quantile";
import { checkLevel, type Interval } from "./types";

/**
 * Counts of paired binary outcomes on the same queries: n11 = both tiers
 * yes, n10 = first yes / second no, n01 = first no / second yes, n00 = both no.
 */
export interface PairedCounts {
  n11: number;
  n10: number;
  n01: number;
  n00: number;
}

/** Drop Binomial(n, q) cells for M below this absolute mass (speed). */
export const GAP_M_CUTOFF = 1e-15;

/** Inner Binomial(M, r) cells below this mass are dropped as M advances. */
const TRIM = 1e-17;

// Reused work buffers (grown on demand): no per-call allocation on the hot path.
const buffers: Float64Array[] = [];
function scratch(slot: number, len: number): Float64Array {
  let b = buffers[slot];
  if (!b || b.length < len) buffers[slot] = b = new Float64Array(Math.max(len, 2 * (b?.length ?? 0), 512));
  return b;
}

/**
 * The exact bootstrap pmf of D = N10* − N01*, where resampling n pairs with
 * replacement gives (N10*, N01*, rest) ~ Multinomial(n; n10/n, n01/n, …).
 * Computed by conditioning: M = N10* + N01* ~ Binomial(n, q), q = (n10+n01)/n,
 * and N10* | M ~ Binomial(M, r), r = n10/(n10+n01); so D = 2·N10* − M.
 * Values of M with mass ≤ GAP_M_CUTOFF are skipped (lost mass ≤ (n+1)·1e-15);
 * the inner pmf is advanced from M to M + 1 by a two-term recurrence, so each
 * M costs one pass over its support.
 *
 * @returns pmf over d = −n..n, stored at index d + n
 * @example
 * pairedGapPmf({ n11: 0, n10: 1, n01: 0, n00: 1 }); // pmf of D over −2..2: [0, 0, 0.25, 0.5, 0.25]
 */
export function pairedGapPmf(c: PairedCounts): Float64Array {
  const n = checkPaired(c);
  const out = new Float64Array(2 * n + 1);
  if (n === 0) return out;
  const d = c.n10 + c.n01;
  if (d === 0) {
    out[n] = 1;
    return out;
  }
  const q = d / n;
  const r = c.n10 / d;
  const s = 1 - r;
  const pm = scratch(0, n + 1);
  const [mLo, mHi] = binomialPmfInto(n, q, pm, 0);
  let m0 = mLo;
  let m1 = mHi;
  while (m0 < m1 && pm[m0] <= GAP_M_CUTOFF) m0++;
  while (m1 > m0 && pm[m1] <= GAP_M_CUTOFF) m1--;
  // inner = Binomial(m, r) pmf, advanced from m to m + 1 in place by
  // P_{m+1}(j) = r·P_m(j − 1) + (1 − r)·P_m(j); cells below 1e-18 are trimmed (set to 0).
  const inner = scratch(1, n + 2);
  inner.fill(0);
  let [jLo, jHi] = binomialPmfInto(m0, r, inner, PMF_CUTOFF);
  // m = m0: accumulate only
  let base = n - m0;
  let w = pm[m0];
  for (let j = jLo; j <= jHi; j++) out[base + 2 * j] += w * inner[j];
  for (let m = m0 + 1; m <= m1; m++) {
    // advance to Binomial(m, r) and accumulate D = 2j − m (index 2j − m + n) in one pass, top down
    w = pm[m];
    base = n - m;
    let v = r * inner[jHi];
    inner[jHi + 1] = v;
    out[base + 2 * (jHi + 1)] += w * v;
    for (let j = jHi; j > jLo; j--) {
      v = r * inner[j - 1] + s * inner[j];
      inner[j] = v;
      out[base + 2 * j] += w * v;
    }
    v = s * inner[jLo];
    inner[jLo] = v;
    out[base + 2 * jLo] += w * v;
    jHi++;
    while (jLo < jHi && inner[jLo] < TRIM) inner[jLo++] = 0;
    while (jHi > jLo && inner[jHi] < TRIM) inner[jHi--] = 0;
  }
  return out;
}

/**
 * Exact bootstrap (B = ∞) percentile interval for the paired gap
 * (n10 − n01)/n: the first tier's rate minus the second's, over the same
 * queries. Endpoints follow the project's quantile convention (smallest d
 * with CDF(d) ≥ α/2, and ≥ 1 − α/2), divided by n.
 *
 * Edge cases: n10 = n01 = 0 gives [0, 0] (degenerate, flagged in `note`);
 * n = 0 gives NaN bounds with note "n=0: no data".
 *
 * @example
 * pairedGapInterval({ n11: 10, n10: 15, n01: 5, n00: 20 });
 * // { estimate: 0.2, low: 0.04, high: 0.36, method: "bootstrap-exact", … } (approximately)
 */
export function pairedGapInterval(c: PairedCounts, opts: { level?: number } = {}): Interval {
  const L = checkLevel(opts.level);
  const n = checkPaired(c);
  const method = "bootstrap-exact";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const estimate = (c.n10 - c.n01) / n;
  if (c.n10 + c.n01 === 0) {
    return { estimate, low: 0, high: 0, method, level: L, n, note: "no discordant pairs: bootstrap distribution is a point at 0" };
  }
  const pmf = pairedGapPmf(c);
  const a = (1 - L) / 2;
  const low = (pmfQuantile(pmf, a) - n) / n;
  const high = (pmfQuantile(pmf, 1 - a) - n) / n;
  return { estimate, low, high, method, level: L, n };
}

/** Validate paired counts (non-negative integers) and return n. */
export function checkPaired(c: PairedCounts): number {
  for (const key of ["n11", "n10", "n01", "n00"] as const) {
    const v = c[key];
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`paired count ${key} must be a non-negative integer, got ${v}`);
  }
  return c.n11 + c.n10 + c.n01 + c.n00;
}

/**
 * Tally paired binary outcomes into counts.
 *
 * @example
 * pairedCounts([[true, false], [true, true]]); // { n11: 1, n10: 1, n01: 0, n00: 0 }
 */
export function pairedCounts(pairs: ReadonlyArray<readonly [boolean, boolean]>): PairedCounts {
  const c = { n11: 0, n10: 0, n01: 0, n00: 0 };
  for (const [x, y] of pairs) {
    if (x && y) c.n11++;
    else if (x) c.n10++;
    else if (y) c.n01++;
    else c.n00++;
  }
  return c;
}
