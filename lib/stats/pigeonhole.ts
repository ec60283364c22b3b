import { checkMatrix } from "./crossedMean";
import { inverseEcdf } from "./quantile";
import { makeRng } from "./rng";
import { checkLevel, type Interval } from "./types";

/** A pigeonhole-bootstrap interval with its resampling settings. */
export interface PigeonholeInterval extends Interval {
  B: number;
  seed: number;
  /** Bootstrap standard error of the mean. */
  se: number;
}

/**
 * Two-way ("pigeonhole") bootstrap of the grand mean of a crossed
 * rows × columns matrix (Owen 2007, "The pigeonhole bootstrap"): each
 * replicate draws R rows and C columns with replacement, independently, and
 * averages the cells at every (drawn row, drawn column) pair. Percentile
 * interval with the project's quantile convention (`inverseEcdf`). Owen
 * shows its variance is mildly conservative for the mean; with few rows its
 * percentile interval is too narrow (it has no small-sample t correction);
 * see the coverage table in docs/statistics.md.
 *
 * @example
 * pigeonholeBootstrap([[1, 0, 1], [0, 0, 1], [1, 1, 1]], { seed: 1, B: 2000 });
 */
export function pigeonholeBootstrap(m: ReadonlyArray<ArrayLike<number>>, opts: { seed: number; B?: number; level?: number }): PigeonholeInterval {
  const L = checkLevel(opts.level);
  const B = opts.B ?? 2000;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`B must be a positive integer, got ${B}`);
  const [R, C] = checkMatrix(m);
  const method = "pigeonhole-bootstrap";
  if (R === 0 || C === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n: 0, B, seed: opts.seed, se: NaN, note: "empty layout" };
  const flat = new Float64Array(R * C);
  let sum = 0;
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      flat[r * C + c] = m[r][c];
      sum += m[r][c];
    }
  const estimate = sum / (R * C);
  const u = makeRng(opts.seed);
  const rowCount = new Float64Array(R);
  const colCount = new Float64Array(C);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    rowCount.fill(0);
    colCount.fill(0);
    for (let i = 0; i < R; i++) rowCount[Math.floor(u() * R)]++;
    for (let j = 0; j < C; j++) colCount[Math.floor(u() * C)]++;
    let s = 0;
    for (let r = 0; r < R; r++) {
      const w = rowCount[r];
      if (w === 0) continue;
      let rs = 0;
      const base = r * C;
      for (let c = 0; c < C; c++) rs += colCount[c] * flat[base + c];
      s += w * rs;
    }
    reps[b] = s / (R * C);
  }
  let mean = 0;
  for (let b = 0; b < B; b++) mean += reps[b];
  mean /= B;
  let v = 0;
  for (let b = 0; b < B; b++) v += (reps[b] - mean) ** 2;
  const se = Math.sqrt(v / Math.max(1, B - 1));
  const sorted = reps.sort();
  const a = (1 - L) / 2;
  return { estimate, low: inverseEcdf(sorted, a), high: inverseEcdf(sorted, 1 - a), method, level: L, n: R * C, B, seed: opts.seed, se };
}
