import { normalCdf, normalQuantile } from "./normal";
import { checkPaired, type PairedCounts } from "./pairedGap";
import { checkLevel, type Interval } from "./types";

/**
 * Tango's (1998) score statistic for H0: p10 − p01 = delta from the
 * discordant counts b = n10 and c = n01 of n pairs:
 * T = (b − c − n·delta) / √(n·(2·p̃01 + delta(1 − delta))), where p̃01 is the
 * constrained maximum-likelihood estimate of p01 under H0,
 * p̃01 = (√(W² + 8n·c·delta(1 − delta)) − W) / (4n),
 * W = −b − c + (2n − b + c)·delta. Decreasing in delta.
 *
 * The counts may be non-integer: the clustered interval feeds it counts
 * divided by a design effect (Rao & Scott 1992). 0/0 (no discordant pairs at
 * delta = 0) is taken as 0. At delta = 0 it is the McNemar z, (b − c)/√(b + c).
 *
 * @example
 * tangoScoreCounts(15, 5, 50, 0); // (15 − 5)/√20 ≈ 2.236
 */
export function tangoScoreCounts(b: number, c: number, n: number, delta: number): number {
  const w = -b - c + (2 * n - b + c) * delta;
  const dd = delta * (1 - delta);
  const p01 = (Math.sqrt(Math.max(0, w * w + 8 * n * c * dd)) - w) / (4 * n);
  const v = n * (2 * p01 + dd);
  const num = b - c - n * delta;
  if (!(v > 0)) return Math.abs(num) < 1e-12 ? 0 : num > 0 ? Infinity : -Infinity;
  return num / Math.sqrt(v);
}

/**
 * Tango's score statistic from paired counts (see `tangoScoreCounts`).
 *
 * @example
 * tangoScore({ n11: 10, n10: 15, n01: 5, n00: 20 }, 0); // (15 − 5)/√(50·0.4) ≈ 2.236
 */
export function tangoScore(c: PairedCounts, delta: number): number {
  const n = c.n11 + c.n10 + c.n01 + c.n00;
  return tangoScoreCounts(c.n10, c.n01, n, delta);
}

/**
 * The bounds of Tango's interval at critical value z: every delta in [−1, 1]
 * with |T(delta)| ≤ z, found by bisection on each side of the estimate (to
 * about 1e-13). Counts may be non-integer; n must be > 0.
 *
 * @example
 * tangoBounds(15, 5, 50, 1.959963984540054); // ≈ [0.026, 0.365]
 */
export function tangoBounds(b: number, c: number, n: number, z: number): [number, number] {
  const est = (b - c) / n;
  // T decreases in delta: the lower bound solves T = z on [−1, est], the upper T = −z on [est, 1]
  const solve = (target: number, lo: number, hi: number) => {
    for (let i = 0; i < 64 && hi - lo > 1e-13; i++) {
      const mid = 0.5 * (lo + hi);
      if (tangoScoreCounts(b, c, n, mid) > target) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const low = est <= -1 ? -1 : solve(z, -1, est);
  const high = est >= 1 ? 1 : solve(-z, est, 1);
  return [low, high];
}

/**
 * Tango's asymptotic score interval for a paired gap (n10 − n01)/n: every
 * delta in [−1, 1] whose score statistic satisfies |T(delta)| ≤ z. It never
 * collapses to a point (with no discordant pairs at n = 50 it is about
 * ±0.071) and is the project's default gap interval for one sample per
 * query (docs/statistics.md). The test that inverts to it is
 * `tangoTestPValue` (the asymptotic McNemar test): 0 lies outside the
 * level-L interval exactly when that p-value is below 1 − L.
 *
 * @example
 * tangoGapInterval({ n11: 0, n10: 0, n01: 0, n00: 50 }); // ≈ [−0.0713, 0.0713]
 */
export function tangoGapInterval(c: PairedCounts, opts: { level?: number } = {}): Interval {
  const L = checkLevel(opts.level);
  const n = checkPaired(c);
  const method = "tango";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const z = normalQuantile(1 - (1 - L) / 2);
  const [low, high] = tangoBounds(c.n10, c.n01, n, z);
  return { estimate: (c.n10 - c.n01) / n, low, high, method, level: L, n };
}

/**
 * Two-sided p-value of Tango's score test of "no gap" (delta = 0), which is
 * the asymptotic McNemar test without continuity correction:
 * 2·(1 − Φ(|b − c| / √(b + c))); 1 when there are no discordant pairs. This
 * is the test that inverts to `tangoGapInterval`. Counts may be non-integer
 * (design-effect-scaled counts give the Rao–Scott clustered McNemar test).
 *
 * @example
 * tangoTestPValue(15, 5); // 2·(1 − Φ(10/√20)) ≈ 0.02535
 */
export function tangoTestPValue(b: number, c: number): number {
  if (!(b >= 0 && c >= 0)) throw new RangeError(`discordant counts must be ≥ 0, got ${b}, ${c}`);
  if (b + c === 0) return 1;
  const z = Math.abs(b - c) / Math.sqrt(b + c);
  return Math.min(1, 2 * normalCdf(-z));
}
