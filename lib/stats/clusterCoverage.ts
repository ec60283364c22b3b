import { makeRng } from "./rng";

/** A seeded Monte Carlo coverage estimate. */
export interface McCoverage {
  /** Share of simulated data sets whose interval contains the truth. */
  coverage: number;
  /** Its Monte Carlo standard error, √(c(1 − c)/reps). */
  mcse: number;
  reps: number;
  /** Share of intervals of zero width (a point: the defect of the bootstraps at few events). */
  zeroWidth: number;
  /** Share of intervals lying wholly below the truth (misses on the low side). */
  missLow: number;
}

/**
 * Seeded Monte Carlo coverage of an interval method: draw `reps` data sets
 * (`draw`), compute each interval (`interval`, which also receives the
 * replicate index, e.g. to pair it with a pooled-ICC draw), and count how
 * often it contains `truth` (with 1e-12 slack for float rounding). The same
 * seed gives the same result.
 *
 * @example
 * simulateCoverage((u) => simulateRateQueries(u, { p: 0.05, icc: 0.3, queries: 50, samples: 8 }),
 *   (qs) => { const r = clusteredRateInterval(qs); return [r.low, r.high]; }, 0.05, { reps: 2000, seed: 1 });
 */
export function simulateCoverage<T>(
  draw: (u: () => number) => T,
  interval: (data: T, rep: number) => readonly [number, number],
  truth: number,
  opts: { reps: number; seed: number },
): McCoverage {
  const u = makeRng(opts.seed);
  let hit = 0;
  let zero = 0;
  let low = 0;
  for (let r = 0; r < opts.reps; r++) {
    const [lo, hi] = interval(draw(u), r);
    if (lo - 1e-12 <= truth && truth <= hi + 1e-12) hit++;
    else if (hi + 1e-12 < truth) low++;
    if (hi - lo <= 1e-12) zero++;
  }
  const c = hit / opts.reps;
  return { coverage: c, mcse: Math.sqrt((c * (1 - c)) / opts.reps), reps: opts.reps, zeroWidth: zero / opts.reps, missLow: low / opts.reps };
}

/**
 * Seeded draws of a run-level pooled ICC: for each replicate, simulate the
 * companion cells (`companions`, e.g. four other cells of the same run) and
 * pool their clustering (`pool`, e.g. `pooledIcc` over their design
 * effects; NaN when nothing could be pooled). Used by the coverage study to model what a cell borrows from
 * the rest of its run; independent of the cell being studied.
 *
 * @example
 * pooledIccDraws((u) => pooledIcc([0.05, 0.1].map((p) => rateDesignEffect(simulateRateQueries(u, { p, icc: 0.3, queries: 50, samples: 8 })))), { reps: 100, seed: 3 });
 */
export function pooledIccDraws(poolOnce: (u: () => number) => number, opts: { reps: number; seed: number }): Float64Array {
  const u = makeRng(opts.seed);
  const out = new Float64Array(opts.reps);
  for (let r = 0; r < opts.reps; r++) {
    out[r] = poolOnce(u);
  }
  return out;
}
