import { crossedMeanInterval } from "./crossedMean";
import { normalQuantile } from "./normal";
import { pigeonholeBootstrap } from "./pigeonhole";
import { makeRng } from "./rng";
import { tQuantile } from "./studentT";

/**
 * Coverage by simulation of intervals for the mean compliance gap over
 * wordings × queries (docs/statistics.md, "Wording as a factor").
 *
 * Data model, per replicate (it is the simulated organisms' own structure,
 * lib/organisms/eval-aware.ts, with the knobs turned):
 * - W wordings, each with its own trained-tier rate p_w = p0 + gap + σ·√3·(2U − 1)
 *   (uniform, standard deviation σ); the unmonitored tier complies at p0.
 * - Q queries, each with a latent draw u_q ~ U(0, 1).
 * - A cell (wording w, query q) reads u_q with probability `share` (the
 *   query's propensity carries across wordings), else a fresh draw v; both
 *   tiers of the cell read the same draw (paired, as the organisms do), so
 *   d_wq = 1[v < p_w] − 1[v < p0].
 * - The target is the population mean gap E[p_w] − p0 = gap.
 */

/** The interval methods compared. */
export const CROSSED_METHODS = ["crossed-anova-t-cc", "crossed-anova-t", "crossed-anova-z", "wordings-t", "queries-t", "cells-z", "pigeonhole"] as const;
export type CrossedMethod = (typeof CROSSED_METHODS)[number];

export interface CrossedCell {
  wordings: number;
  queries: number;
  /** Unmonitored tier's rate. */
  p0: number;
  /** Mean gap over wordings (the target). */
  gap: number;
  /** Standard deviation of the wordings' trained-tier rates. */
  sd: number;
  /** Probability that a cell reads its query's shared draw. */
  share: number;
}

export interface CrossedCoverageRow extends CrossedCell {
  method: CrossedMethod;
  coverage: number;
  /** Mean interval width. */
  width: number;
  replicates: number;
}

export interface CrossedCoverageOptions {
  seed: number;
  /** Replicates per cell; default 1000. */
  replicates?: number;
  level?: number;
  /** Methods to run; default every one but the (slow) pigeonhole bootstrap. */
  methods?: readonly CrossedMethod[];
  /** Bootstrap resamples for "pigeonhole"; default 500. */
  B?: number;
}

/** The default grid: W × Q × gap × σ × share at p0 = 0.2, plus the sim-eval-aware organism's own cell. */
export function crossedCoverageGrid(): CrossedCell[] {
  const cells: CrossedCell[] = [];
  for (const wordings of [4, 8, 16])
    for (const queries of [25, 50, 100])
      for (const gap of [0, 0.1, 0.2])
        for (const sd of [0, 0.05, 0.1])
          for (const share of [1, 0.5]) cells.push({ wordings, queries, p0: 0.2, gap, sd, share });
  for (const wordings of [4, 8, 16]) cells.push({ wordings, queries: 50, p0: 0.03, gap: 0.2, sd: 0.3 / Math.sqrt(12), share: 1 });
  return cells;
}

function simpleT(values: Float64Array, level: number): [number, number] {
  const n = values.length;
  let m = 0;
  for (const v of values) m += v;
  m /= n;
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  const se = Math.sqrt(s / (n - 1) / n);
  const q = tQuantile(1 - (1 - level) / 2, n - 1);
  return [m - q * se, m + q * se];
}

/**
 * Simulate one cell: R replicates, every method on the same data.
 *
 * @example
 * crossedCoverageCell({ wordings: 8, queries: 50, p0: 0.2, gap: 0.1, sd: 0.05, share: 1 }, { seed: 1, replicates: 200 });
 */
export function crossedCoverageCell(cell: CrossedCell, opts: CrossedCoverageOptions): CrossedCoverageRow[] {
  const R = opts.replicates ?? 1000;
  const level = opts.level ?? 0.95;
  const methods = opts.methods ?? CROSSED_METHODS.filter((m) => m !== "pigeonhole");
  const { wordings: W, queries: Q, p0, gap, sd, share } = cell;
  const half = sd * Math.sqrt(3);
  const lo = p0 + gap - half;
  const hi = p0 + gap + half;
  if (lo < 0 || hi > 1) throw new RangeError(`cell rates leave [0, 1]: p0 + gap ± σ√3 = [${lo}, ${hi}]`);
  const u = makeRng(opts.seed);
  const z = normalQuantile(1 - (1 - level) / 2);
  const hits = new Map<CrossedMethod, number>(methods.map((m) => [m, 0]));
  const widths = new Map<CrossedMethod, number>(methods.map((m) => [m, 0]));
  const m: Float64Array[] = Array.from({ length: W }, () => new Float64Array(Q));
  const uq = new Float64Array(Q);
  const rowMeans = new Float64Array(W);
  const colMeans = new Float64Array(Q);
  const record = (method: CrossedMethod, low: number, high: number) => {
    if (low - 1e-12 <= gap && gap <= high + 1e-12) hits.set(method, hits.get(method)! + 1);
    widths.set(method, widths.get(method)! + (high - low));
  };
  for (let r = 0; r < R; r++) {
    for (let q = 0; q < Q; q++) uq[q] = u();
    colMeans.fill(0);
    let all = 0;
    let all2 = 0;
    for (let w = 0; w < W; w++) {
      const pw = p0 + gap + half * (2 * u() - 1);
      let s = 0;
      for (let q = 0; q < Q; q++) {
        const v = share >= 1 || u() < share ? uq[q] : u();
        const d = (v < pw ? 1 : 0) - (v < p0 ? 1 : 0);
        m[w][q] = d;
        s += d;
        colMeans[q] += d / W;
        all += d;
        all2 += d * d;
      }
      rowMeans[w] = s / Q;
    }
    for (const method of methods) {
      if (method === "crossed-anova-t-cc") {
        const iv = crossedMeanInterval(m, { level, continuity: 1 });
        record(method, iv.low, iv.high);
      } else if (method === "crossed-anova-t" || method === "crossed-anova-z") {
        const iv = crossedMeanInterval(m, { level });
        if (method === "crossed-anova-t") record(method, iv.low, iv.high);
        else record(method, iv.estimate - z * iv.se, iv.estimate + z * iv.se);
      } else if (method === "wordings-t") {
        const [a, b] = simpleT(rowMeans, level);
        record(method, a, b);
      } else if (method === "queries-t") {
        const [a, b] = simpleT(colMeans, level);
        record(method, a, b);
      } else if (method === "cells-z") {
        const n = W * Q;
        const mean = all / n;
        const se = Math.sqrt(Math.max(0, all2 / n - mean * mean) / (n - 1));
        record(method, mean - z * se, mean + z * se);
      } else {
        const iv = pigeonholeBootstrap(m, { seed: opts.seed * 7919 + r, B: opts.B ?? 500, level });
        record(method, iv.low, iv.high);
      }
    }
  }
  return methods.map((method) => ({ ...cell, method, coverage: hits.get(method)! / R, width: widths.get(method)! / R, replicates: R }));
}

/** Run the whole grid (or the given cells); each cell gets its own seed (seed + index). */
export function crossedCoverageStudy(opts: CrossedCoverageOptions & { cells?: readonly CrossedCell[] }): CrossedCoverageRow[] {
  const cells = opts.cells ?? crossedCoverageGrid();
  return cells.flatMap((c, i) => crossedCoverageCell(c, { ...opts, seed: opts.seed + i }));
}

/**
 * Expected discordant queries per wording, Q·E|p_w − p0|, for a cell
 * (p_w uniform on gap ± σ√3 around p0 + gap).
 */
export function expectedDiscordant(c: CrossedCell): number {
  const h = c.sd * Math.sqrt(3);
  const g = Math.abs(c.gap);
  const meanAbs = h <= g ? g : (g * g + h * h) / (2 * h);
  return c.queries * meanAbs;
}

/**
 * Per method: worst cell, mean coverage and mean width. `informative`
 * keeps the cells with at least 5 expected discordant queries per wording
 * (the convention of the other coverage study); otherwise every cell where
 * anything can vary (gap > 0 or σ > 0). `wordings` restricts to one W.
 */
export function summariseCrossedCoverage(
  rows: readonly CrossedCoverageRow[],
  o: { informative?: boolean; wordings?: number } = {},
): { method: CrossedMethod; cells: number; worst: number; worstAt: string; mean: number; width: number }[] {
  const out = [];
  for (const method of CROSSED_METHODS) {
    const mine = rows.filter(
      (r) => r.method === method && (r.gap > 0 || r.sd > 0) && (!o.informative || expectedDiscordant(r) >= 5) && (o.wordings === undefined || r.wordings === o.wordings),
    );
    if (!mine.length) continue;
    const worst = mine.reduce((a, r) => (r.coverage < a.coverage ? r : a));
    out.push({
      method,
      cells: mine.length,
      worst: worst.coverage,
      worstAt: `W=${worst.wordings}, Q=${worst.queries}, p0=${worst.p0}, gap=${worst.gap}, σ=${+worst.sd.toFixed(3)}, share=${worst.share}`,
      mean: mine.reduce((a, r) => a + r.coverage, 0) / mine.length,
      width: mine.reduce((a, r) => a + r.width, 0) / mine.length,
    });
  }
  return out;
}
