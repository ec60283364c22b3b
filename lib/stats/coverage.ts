import { binomialPmfInto } from "./binomial";
import { gapInterval, GAP_METHODS, type GapMethod } from "./gapInterval";
import type { PairedCounts } from "./pairedGap";
import { discordantFromRates } from "./power";
import { rateInterval, RATE_METHODS, type RateMethod } from "./rateInterval";
import { makeRng } from "./rng";
import type { Interval } from "./types";

/** Rates on the old five-point coverage grid (kept for comparison with earlier tables). */
export const COVERAGE_P: readonly number[] = [0.005, 0.01, 0.05, 0.2, 0.5];
/**
 * The fine grid of rates: p = 0.0005, 0.001, …, 0.5 (1000 points; the
 * methods and the binomial are symmetric about ½). Coverage of a discrete
 * interval jumps as p crosses its bounds, so a five-point grid can miss the
 * dips (modified Wilson: 93.2% worst on five points, 91.7% here).
 */
export const COVERAGE_P_FINE: readonly number[] = Array.from({ length: 1000 }, (_, i) => (i + 1) / 2000);
/** First-tier rates of the fine gap grid; each gives (p, p) and (p, p/2), plus ARENA's (0.49, 0.35). */
export const COVERAGE_GAP_P_FINE: readonly number[] = [
  0.002, 0.004, 0.006, 0.008, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
];
/** The fine gap grid's (first tier, second tier) pairs. */
export const COVERAGE_GAP_PAIRS_FINE: ReadonlyArray<readonly [number, number]> = [
  ...COVERAGE_GAP_P_FINE.flatMap((p) => [[p, p] as const, [p, p / 2] as const]),
  [0.49, 0.35],
];
/** Sample sizes (queries per tier) on the coverage grid. */
export const COVERAGE_N: readonly number[] = [50, 100, 200, 400];
/**
 * (first tier, second tier) rate pairs for the gap grid: for each p in
 * COVERAGE_P, no gap (p, p) and a halved second tier (p, p/2); plus ARENA's
 * expected Llama 3.1 405B pair (0.49, 0.35).
 */
export const COVERAGE_GAP_PAIRS: ReadonlyArray<readonly [number, number]> = [
  ...COVERAGE_P.flatMap((p) => [[p, p] as const, [p, p / 2] as const]),
  [0.49, 0.35],
];
/** Shared-draw fractions studied: 0.7 (main: correlated but not identical tiers) and 1 (the organisms: one draw per query). */
export const COVERAGE_SHARED: readonly number[] = [0.7, 1];
/** Targets for a default method at nominal 95%. */
export const COVERAGE_TARGET = { worst: 0.93, meanLow: 0.94, meanHigh: 0.96 } as const;

/** Mass below which enumeration cells are skipped (lost mass < 1e-10 per cell of the grid). */
const CUT = 1e-13;

/**
 * Exact coverage of a rate interval method at true rate p and n trials:
 * Σ_k Binom(k; n, p)·1[low(k) ≤ p ≤ high(k)]. No Monte Carlo.
 *
 * @example
 * rateCoverage((k, n) => rateInterval(k, n, { method: "wilson" }), 0.01, 100); // ≈ 0.9206
 */
export function rateCoverage(method: (k: number, n: number) => Interval, p: number, n: number): number {
  const pmf = new Float64Array(n + 1);
  const [lo, hi] = binomialPmfInto(n, p, pmf, 0);
  let c = 0;
  for (let k = lo; k <= hi; k++) {
    if (pmf[k] === 0) continue;
    const iv = method(k, n);
    if (iv.low - 1e-12 <= p && p <= iv.high + 1e-12) c += pmf[k];
  }
  return c;
}

/**
 * Exact coverage of a paired-gap interval method when each query is
 * discordant (first yes, second no) with probability p10 and the reverse
 * with p01: enumerate (n10, n01) ~ Multinomial via M = n10 + n01 ~ Bin(n, ψ)
 * and n10 | M ~ Bin(M, p10/ψ), skipping cells below 1e-13. Every method we
 * study depends on (n10, n01, n) only, so the concordant split is irrelevant
 * (it is passed as n11 = 0, n00 = rest).
 *
 * @example
 * gapCoverage((c) => gapInterval(c), 0.14, 0, 100);
 */
export function gapCoverage(method: (c: PairedCounts) => Interval, p10: number, p01: number, n: number): number {
  const psi = p10 + p01;
  const delta = p10 - p01;
  const covers = (b: number, c: number) => {
    const iv = method({ n11: 0, n10: b, n01: c, n00: n - b - c });
    return iv.low - 1e-12 <= delta && delta <= iv.high + 1e-12;
  };
  if (psi === 0) return covers(0, 0) ? 1 : 0;
  const pm = new Float64Array(n + 1);
  const inner = new Float64Array(n + 1);
  const [mLo, mHi] = binomialPmfInto(n, psi, pm, 0);
  let cov = 0;
  for (let m = mLo; m <= mHi; m++) {
    if (pm[m] < CUT) continue;
    const [lo, hi] = binomialPmfInto(m, p10 / psi, inner, CUT);
    for (let b = lo; b <= hi; b++) if (covers(b, m - b)) cov += pm[m] * inner[b];
  }
  return cov;
}

/**
 * Seeded Monte Carlo estimate of the same gap coverage (a cross-check on
 * `gapCoverage`; use a few thousand reps).
 *
 * @example
 * gapCoverageMonteCarlo((c) => gapInterval(c), 0.14, 0, 100, { reps: 2000, seed: 1 });
 */
export function gapCoverageMonteCarlo(
  method: (c: PairedCounts) => Interval,
  p10: number,
  p01: number,
  n: number,
  opts: { reps: number; seed: number },
): number {
  const u = makeRng(opts.seed);
  const delta = p10 - p01;
  let hit = 0;
  for (let r = 0; r < opts.reps; r++) {
    let b = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const x = u();
      if (x < p10) b++;
      else if (x < p10 + p01) c++;
    }
    const iv = method({ n11: 0, n10: b, n01: c, n00: n - b - c });
    if (iv.low - 1e-12 <= delta && delta <= iv.high + 1e-12) hit++;
  }
  return hit / opts.reps;
}

/** One cell of the coverage study. */
export interface CoverageRow {
  family: "rate" | "gap";
  method: string;
  /** The cell, e.g. "p=0.01" or "0.05 vs 0.025". */
  cell: string;
  /** True rate (rates) or first-tier rate (gaps). */
  p: number;
  /** Second-tier rate (gaps only). */
  p2?: number;
  /** Shared-draw fraction (gaps only). */
  shared?: number;
  n: number;
  /** Exact coverage probability. */
  coverage: number;
  /** Nominal level the method claims (0.95, or ≈0.683 for ±1 SE). */
  nominal: number;
}

/** Options for `coverageStudy` (defaults: the full grid and every method). */
export interface CoverageStudyOptions {
  ps?: readonly number[];
  ns?: readonly number[];
  pairs?: ReadonlyArray<readonly [number, number]>;
  shared?: readonly number[];
  rateMethods?: readonly RateMethod[];
  gapMethods?: readonly GapMethod[];
}

/**
 * The coverage study: exact coverage at nominal 95% for every rate method
 * over ps × ns, and every gap method over pairs × shared × ns. Each interval
 * is computed once per (counts, n) and reused across the grid.
 *
 * @example
 * coverageStudy({ ns: [50], ps: [0.05], pairs: [[0.05, 0.025]], shared: [0.7] });
 */
export function coverageStudy(opts: CoverageStudyOptions = {}): CoverageRow[] {
  const ps = opts.ps ?? COVERAGE_P;
  const ns = opts.ns ?? COVERAGE_N;
  const pairs = opts.pairs ?? COVERAGE_GAP_PAIRS;
  const shared = opts.shared ?? COVERAGE_SHARED;
  const rows: CoverageRow[] = [];
  for (const method of opts.rateMethods ?? RATE_METHODS) {
    for (const n of ns) {
      const cache: Interval[] = [];
      const f = (k: number, nn: number) => (cache[k] ??= rateInterval(k, nn, { method }));
      for (const p of ps) {
        rows.push({ family: "rate", method, cell: `p=${p}`, p, n, coverage: rateCoverage(f, p, n), nominal: f(0, n).level });
      }
    }
  }
  for (const method of opts.gapMethods ?? GAP_METHODS) {
    for (const n of ns) {
      const cache = new Map<number, Interval>();
      const f = (c: PairedCounts) => {
        const key = c.n10 * (n + 1) + c.n01;
        let iv = cache.get(key);
        if (!iv) cache.set(key, (iv = gapInterval(c, { method })));
        return iv;
      };
      for (const s of shared) {
        for (const [pA, pB] of pairs) {
          const d = discordantFromRates(pA, pB, s);
          rows.push({
            family: "gap",
            method,
            cell: `${pA} vs ${pB}`,
            p: pA,
            p2: pB,
            shared: s,
            n,
            coverage: gapCoverage(f, d.p10, d.p01, n),
            nominal: method === "wald-1se" ? 0.6826894921370859 : 0.95,
          });
        }
      }
    }
  }
  return rows;
}

/** Per-method summary of a coverage study. */
export interface CoverageSummary {
  family: "rate" | "gap";
  method: string;
  shared?: number;
  cells: number;
  worst: number;
  worstCell: string;
  mean: number;
  /** Mean over cells with at least 5 expected events (rates: n·min(p, 1−p); gaps: expected discordant pairs). */
  meanInformative: number;
  meetsTarget: boolean;
}

/**
 * Summarise coverage rows per (family, method, shared): worst cell, mean,
 * and whether the targets (worst ≥ 93%, mean within 94–96%) are met.
 *
 * @example
 * summariseCoverage(coverageStudy()).filter((s) => s.meetsTarget);
 */
export function summariseCoverage(rows: readonly CoverageRow[]): CoverageSummary[] {
  const groups = new Map<string, CoverageRow[]>();
  for (const r of rows) {
    const k = `${r.family}\u0000${r.method}\u0000${r.shared ?? ""}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].map((g) => {
    let worst = g[0];
    let sum = 0;
    let inf = 0;
    let infN = 0;
    for (const r of g) {
      if (r.coverage < worst.coverage) worst = r;
      sum += r.coverage;
      let expected: number;
      if (r.family === "rate") expected = r.n * Math.min(r.p, 1 - r.p);
      else {
        const d = discordantFromRates(r.p, r.p2 ?? r.p, r.shared ?? 1);
        expected = r.n * (d.p10 + d.p01);
      }
      if (expected >= 5) {
        inf += r.coverage;
        infN++;
      }
    }
    const mean = sum / g.length;
    return {
      family: g[0].family,
      method: g[0].method,
      shared: g[0].shared,
      cells: g.length,
      worst: worst.coverage,
      worstCell: `${worst.cell}, n=${worst.n}`,
      mean,
      meanInformative: infN ? inf / infN : NaN,
      meetsTarget: worst.coverage >= COVERAGE_TARGET.worst && mean >= COVERAGE_TARGET.meanLow && mean <= COVERAGE_TARGET.meanHigh,
    };
  });
}
