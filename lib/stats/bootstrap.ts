import { normalCdf, normalQuantile } from "./normal";
import { inverseEcdf } from "./quantile";
import { makeRng } from "./rng";
import { checkLevel, type Interval } from "./types";

/** Options for the generic `bootstrap`. */
export interface BootstrapOptions {
  /** Seed for the resampling (required). */
  seed: number;
  /** Number of resamples; default 10000. */
  B?: number;
  /** Default 0.95. */
  level?: number;
  /** "percentile" (default) or "bca" (bias-corrected and accelerated). */
  method?: "percentile" | "bca";
  /** Keep the sorted replicates in the result. */
  keepReplicates?: boolean;
}

/** Result of `bootstrap`. */
export interface BootstrapResult extends Interval {
  B: number;
  seed: number;
  /** BCa bias correction z0 (bca only). */
  z0?: number;
  /** BCa acceleration (bca only). */
  acceleration?: number;
  /** Sorted finite replicates, when `keepReplicates` is set. */
  replicates?: Float64Array;
}

/**
 * Jackknife acceleration for BCa: with θ₍ᵢ₎ the statistic leaving out point
 * i and θ̄ their mean, a = Σ(θ̄ − θ₍ᵢ₎)³ / (6 · (Σ(θ̄ − θ₍ᵢ₎)²)^{3/2}).
 * Returns 0 when all leave-one-out values are equal.
 *
 * @example
 * jackknifeAcceleration([1, 2, 3], (xs) => xs.reduce((s, x) => s + x, 0) / xs.length); // 0
 */
export function jackknifeAcceleration<T>(data: readonly T[], statistic: (xs: T[]) => number): number {
  const n = data.length;
  if (n < 2) return 0;
  const loo = new Float64Array(n);
  const rest: T[] = data.slice(1);
  for (let i = 0; i < n; i++) {
    // rest = data without element i
    if (i > 0) rest[i - 1] = data[i - 1];
    loo[i] = statistic(rest.slice());
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += loo[i];
  mean /= n;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const d = mean - loo[i];
    s2 += d * d;
    s3 += d * d * d;
  }
  if (s2 === 0) return 0;
  return s3 / (6 * Math.pow(s2, 1.5));
}

/**
 * Generic nonparametric bootstrap: resample `data` with replacement B times
 * (seeded, reproducible), apply `statistic`, and return a percentile or BCa
 * interval. Endpoints use the project's quantile convention (`inverseEcdf`).
 *
 * BCa adjusts the percentile levels: z0 = Φ⁻¹(#{θ* < θ̂}/B) and the jackknife
 * acceleration a; level α maps to Φ(z0 + (z0 + z_α)/(1 − a(z0 + z_α))).
 * Non-finite replicates are dropped.
 *
 * @example
 * const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
 * bootstrap([2, 4, 4, 5, 7, 9], mean, { seed: 1, method: "bca" });
 */
export function bootstrap<T>(data: readonly T[], statistic: (xs: T[]) => number, opts: BootstrapOptions): BootstrapResult {
  const L = checkLevel(opts.level);
  const B = opts.B ?? 10000;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`B must be a positive integer, got ${B}`);
  const method = opts.method ?? "percentile";
  const n = data.length;
  if (n === 0) {
    return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, B, seed: opts.seed, note: "n=0: no data" };
  }
  const estimate = statistic(data.slice());
  const u = makeRng(opts.seed);
  const reps = new Float64Array(B);
  let kept = 0;
  const buf: T[] = new Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) buf[i] = data[Math.floor(u() * n)];
    const v = statistic(buf.slice());
    if (Number.isFinite(v)) reps[kept++] = v;
  }
  const sorted = reps.subarray(0, kept).sort();
  const alpha = (1 - L) / 2;
  const result: BootstrapResult = { estimate, low: NaN, high: NaN, method, level: L, n, B, seed: opts.seed };
  if (kept < B) result.note = `${B - kept} non-finite replicates dropped`;
  if (kept === 0) return result;
  let pLow = alpha;
  let pHigh = 1 - alpha;
  if (method === "bca") {
    let below = 0;
    for (let i = 0; i < kept; i++) if (sorted[i] < estimate) below++;
    // keep z0 finite when every replicate falls on one side
    const prop = Math.min(Math.max(below / kept, 0.5 / kept), 1 - 0.5 / kept);
    const z0 = normalQuantile(prop);
    const a = jackknifeAcceleration(data, statistic);
    const adjust = (p: number) => {
      const z = normalQuantile(p);
      return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    };
    pLow = adjust(alpha);
    pHigh = adjust(1 - alpha);
    result.z0 = z0;
    result.acceleration = a;
  } else if (method !== "percentile") {
    throw new RangeError(`unknown bootstrap method: ${String(method)}`);
  }
  result.low = inverseEcdf(sorted, pLow);
  result.high = inverseEcdf(sorted, pHigh);
  if (opts.keepReplicates) result.replicates = sorted;
  return result;
}
