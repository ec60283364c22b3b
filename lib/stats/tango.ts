import { normalQuantile } from "./normal";
import { checkPaired, type PairedCounts } from "./pairedGap";
import { checkLevel, type Interval } from "./types";

/**
 * Tango's (1998) score statistic for H0: p10 − p01 = delta with paired
 * counts: T = (n10 − n01 − n·delta) / √(n·(2·p̃01 + delta(1 − delta))), where
 * p̃01 is the constrained maximum-likelihood estimate of p01 under H0,
 * p̃01 = (√(W² + 8n·n01·delta(1 − delta)) − W) / (4n),
 * W = −n10 − n01 + (2n − n10 + n01)·delta. Decreasing in delta.
 * 0/0 (no discordant pairs at delta = 0) is taken as 0.
 *
 * @example
 * tangoScore({ n11: 10, n10: 15, n01: 5, n00: 20 }, 0); // (15 − 5)/√(50·0.4) ≈ 2.236
 */
export function tangoScore(c: PairedCounts, delta: number): number {
  const n = c.n11 + c.n10 + c.n01 + c.n00;
  const b = c.n10;
  const d = c.n01;
  const w = -b - d + (2 * n - b + d) * delta;
  const dd = delta * (1 - delta);
  const p01 = (Math.sqrt(Math.max(0, w * w + 8 * n * d * dd)) - w) / (4 * n);
  const v = n * (2 * p01 + dd);
  const num = b - d - n * delta;
  if (!(v > 0)) return Math.abs(num) < 1e-12 ? 0 : num > 0 ? Infinity : -Infinity;
  return num / Math.sqrt(v);
}

/**
 * Tango's asymptotic score interval for a paired gap (n10 − n01)/n: every
 * delta in [−1, 1] whose score statistic satisfies |T(delta)| ≤ z, found by
 * bisection on each side of the estimate (to 1e-12). It never collapses to a
 * point (with no discordant pairs at n = 50 it is about ±0.071) and is the
 * project's default gap interval: on the coverage grid its worst cell is
 * 94.7% (docs/statistics.md).
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
  const est = (c.n10 - c.n01) / n;
  // T decreases in delta: lower bound solves T = z on [−1, est], upper T = −z on [est, 1]
  const solve = (target: number, lo: number, hi: number) => {
    for (let i = 0; i < 64 && hi - lo > 1e-13; i++) {
      const mid = 0.5 * (lo + hi);
      if (tangoScore(c, mid) > target) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const low = est <= -1 ? -1 : solve(z, -1, est);
  const high = est >= 1 ? 1 : solve(-z, est, 1);
  return { estimate: est, low, high, method, level: L, n };
}
