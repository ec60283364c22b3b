import { binomialPmfInto } from "./binomial";
import { signTestPValue } from "./mcnemar";
import { normalCdf, normalQuantile } from "./normal";
import { makeRng } from "./rng";

/** Discordant-pair probabilities of a paired design: p10 = P(first yes, second no), p01 the reverse. */
export interface Discordant {
  p10: number;
  p01: number;
}

/** The two tests of "no gap" the project reports. */
export type GapTest = "asymptotic" | "exact";

/**
 * Discordant probabilities from two tiers' rates and how strongly a query's
 * outcomes are shared. With probability `shared` both tiers read one common
 * uniform draw (as the simulated organisms do: comply iff u < p(tier)), else
 * two independent draws: p10 = s·max(pA − pB, 0) + (1 − s)·pA(1 − pB), and
 * p01 likewise. The gap pA − pB is the same for any s.
 *
 * @example
 * discordantFromRates(0.49, 0.35, 1); // { p10: 0.14, p01: 0 }
 */
export function discordantFromRates(pA: number, pB: number, shared: number): Discordant {
  for (const [k, v] of [["pA", pA], ["pB", pB], ["shared", shared]] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${k} must be in [0, 1], got ${v}`);
  }
  return {
    p10: shared * Math.max(pA - pB, 0) + (1 - shared) * pA * (1 - pB),
    p01: shared * Math.max(pB - pA, 0) + (1 - shared) * pB * (1 - pA),
  };
}

function checkDiscordant(d: Discordant): { psi: number; delta: number } {
  if (!(d.p10 >= 0 && d.p01 >= 0 && d.p10 + d.p01 <= 1 + 1e-12)) throw new RangeError(`need p10, p01 ≥ 0 with p10 + p01 ≤ 1, got ${d.p10}, ${d.p01}`);
  return { psi: d.p10 + d.p01, delta: d.p10 - d.p01 };
}

/** Mass below which a value of M = b + c is skipped in the enumeration (lost mass ≤ (n + 1)·1e-15). */
const M_CUT = 1e-15;

/**
 * For each number of discordant pairs M, the largest k with the exact
 * two-sided sign test rejecting at level alpha when min(b, c) = k (−1 when
 * no split of M rejects). Cached per alpha.
 */
const exactCritical = new Map<number, Int32Array>();
function signCritical(alpha: number, maxM: number): Int32Array {
  let t = exactCritical.get(alpha);
  if (t && t.length > maxM) return t;
  t = new Int32Array(maxM + 1);
  const pmf = new Float64Array(maxM + 1);
  for (let M = 0; M <= maxM; M++) {
    if (M === 0) {
      t[0] = -1;
      continue;
    }
    binomialPmfInto(M, 0.5, pmf, 0);
    let cdf = 0;
    let k = -1;
    for (let x = 0; 2 * x <= M; x++) {
      cdf += pmf[x];
      if (Math.min(1, 2 * cdf) <= alpha) k = x;
      else break;
    }
    t[M] = k;
  }
  if (exactCritical.size > 16) exactCritical.clear();
  exactCritical.set(alpha, t);
  return t;
}

/**
 * Power of the two-sided test of "no gap" that the report prints, by exact
 * enumeration of the discordant counts: with n pairs,
 * M = b + c ~ Binomial(n, ψ) and b | M ~ Binomial(M, p10/ψ), summing the
 * probability of every (b, c) the test rejects. No normal approximation.
 * - test "asymptotic" (default): the asymptotic McNemar test, i.e. Tango's
 *   score test at 0, which inverts the default Tango interval: reject when
 *   |b − c| > z₁₋α/₂·√(b + c);
 * - test "exact": the exact McNemar (sign) test, `pairedGapPValue` ≤ α.
 * Both agree with a seeded simulation of the same test (`simulateGapPower`)
 * within Monte Carlo error. Connor's normal formula (`gapPowerNormal`) can
 * be far off at small counts (3% vs 1%, n = 100: 23.5% vs the exact test's
 * 2.2%).
 *
 * @example
 * gapPower(discordantFromRates(0.03, 0.01, 0.7), 100, 0.05, { test: "exact" }); // ≈ 0.02
 */
export function gapPower(d: Discordant, n: number, alpha = 0.05, opts: { test?: GapTest } = {}): number {
  const { psi } = checkDiscordant(d);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const test = opts.test ?? "asymptotic";
  if (psi === 0) return 0;
  const pm = new Float64Array(n + 1);
  const [mLo, mHi] = binomialPmfInto(n, Math.min(1, psi), pm, 0);
  const r = d.p10 / psi;
  const inner = new Float64Array(n + 1);
  const z = normalQuantile(1 - alpha / 2);
  const crit = test === "exact" ? signCritical(alpha, mHi) : null;
  let power = 0;
  for (let M = Math.max(1, mLo); M <= mHi; M++) {
    if (pm[M] < M_CUT) continue;
    binomialPmfInto(M, r, inner, 0);
    let rej = 0;
    if (crit) {
      const k = crit[M];
      for (let b = 0; b <= k; b++) rej += inner[b] + inner[M - b];
      if (k >= 0 && 2 * k === M) rej -= inner[k];
    } else {
      const cut = z * Math.sqrt(M);
      for (let b = 0; b <= M; b++) if (Math.abs(2 * b - M) > cut) rej += inner[b];
    }
    power += pm[M] * rej;
  }
  return Math.min(1, power);
}

/**
 * Connor's (1987) normal approximation to the power of the two-sided
 * McNemar test: Φ((|δ|·√n − z₁₋α/₂·√ψ) / √(ψ − δ²)), ψ = p10 + p01,
 * δ = p10 − p01. Kept for comparison and for very large n; at small
 * discordant counts it overstates the power of the tests actually run.
 *
 * @example
 * gapPowerNormal(discordantFromRates(0.03, 0.01, 0.7), 100); // ≈ 0.235
 */
export function gapPowerNormal(d: Discordant, n: number, alpha = 0.05): number {
  const { psi, delta } = checkDiscordant(d);
  if (!(n > 0)) throw new RangeError(`n must be > 0, got ${n}`);
  if (psi === 0) return 0;
  const z = normalQuantile(1 - alpha / 2);
  const sd = Math.sqrt(Math.max(0, psi - delta * delta));
  const num = Math.abs(delta) * Math.sqrt(n) - z * Math.sqrt(psi);
  if (sd === 0) return num > 0 ? 1 : 0;
  return normalCdf(num / sd);
}

/**
 * The number of query pairs for the reported test to reach `power`:
 * the smallest n at which the exact-enumeration power (`gapPower`) reaches
 * it, searched from Connor's closed form. Power of a discrete test is not
 * monotone in n (it saw-tooths by a point or two), so a few larger n may
 * dip just below the target. Infinity when there is no gap.
 *
 * @example
 * gapSampleSize(discordantFromRates(0.49, 0.35, 0.7)); // ≈ 97 query pairs for 80% power
 */
export function gapSampleSize(d: Discordant, power = 0.8, alpha = 0.05, opts: { test?: GapTest; maxN?: number } = {}): number {
  const { psi, delta } = checkDiscordant(d);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (delta === 0) return Infinity;
  const maxN = opts.maxN ?? 1_000_000;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  let n = Math.max(1, Math.ceil(((za * Math.sqrt(psi) + zb * Math.sqrt(Math.max(0, psi - delta * delta))) / delta) ** 2));
  const pw = (m: number) => gapPower(d, m, alpha, opts);
  if (pw(n) >= power) {
    while (n > 1 && pw(n - 1) >= power) n--;
    return n;
  }
  // grow geometrically, then bisect for the first n that reaches the target
  let lo = n;
  let hi = n;
  while (pw(hi) < power) {
    lo = hi;
    hi = Math.ceil(hi * 1.25) + 1;
    if (hi > maxN) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (pw(mid) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Options for `simulateGapPower`. */
export interface SimulatePowerOptions {
  n: number;
  alpha?: number;
  /** Simulated studies; default 2000. */
  reps?: number;
  seed: number;
  /** "asymptotic" (default: the asymptotic McNemar test, Tango's score test at 0) or "exact" (sign test). */
  test?: GapTest;
}

/**
 * Seeded Monte Carlo power of the McNemar test: simulate `reps` studies of
 * n pairs from (p10, p01), count rejections at level alpha. The independent
 * check on `gapPower` (same test, simulated instead of enumerated).
 *
 * @example
 * simulateGapPower(discordantFromRates(0.49, 0.35, 0.7), { n: 100, seed: 1 }); // ≈ 0.81 ± 0.02
 */
export function simulateGapPower(d: Discordant, opts: SimulatePowerOptions): number {
  const { psi } = checkDiscordant(d);
  const alpha = opts.alpha ?? 0.05;
  const reps = opts.reps ?? 2000;
  const z = normalQuantile(1 - alpha / 2);
  const u = makeRng(opts.seed);
  const exactCache = new Map<number, boolean>();
  let rejected = 0;
  for (let r = 0; r < reps; r++) {
    let b = 0;
    let c = 0;
    for (let i = 0; i < opts.n; i++) {
      const x = u();
      if (x < d.p10) b++;
      else if (x < psi) c++;
    }
    if (b + c === 0) continue;
    if (opts.test === "exact") {
      const key = b * 100003 + c;
      let rej = exactCache.get(key);
      if (rej === undefined) exactCache.set(key, (rej = signTestPValue(b, c) <= alpha));
      if (rej) rejected++;
    } else if (Math.abs(b - c) / Math.sqrt(b + c) > z) rejected++;
  }
  return rejected / reps;
}

/** One point of a power curve. */
export interface PowerRow {
  /** What is being detected, e.g. "49% vs 35%". */
  label: string;
  n: number;
  power: number;
  /** "exact": enumeration of the reported test (`gapPower`); "closed-form": Connor's normal approximation; "simulation": seeded Monte Carlo of the same test. */
  method: "exact" | "closed-form" | "simulation";
  /** The test whose power this is. */
  test: GapTest;
}

/**
 * Power against n for several (pA, pB) effects with a shared-draw fraction:
 * the exact power of the reported test at every n (or Connor's closed form
 * with `curve: "closed-form"`), plus seeded simulation points of the same
 * test when `simulateReps` is given. Rows feed `powerCurves` (figure i).
 *
 * @example
 * powerCurveRows([[0.49, 0.35]], { ns: [50, 100, 200, 400], shared: 0.7 });
 */
export function powerCurveRows(
  effects: ReadonlyArray<readonly [number, number]>,
  opts: { ns: readonly number[]; shared: number; alpha?: number; simulateReps?: number; seed?: number; test?: GapTest; curve?: "exact" | "closed-form" },
): PowerRow[] {
  const rows: PowerRow[] = [];
  const test = opts.test ?? "asymptotic";
  const curve = opts.curve ?? "exact";
  effects.forEach(([pA, pB], e) => {
    const d = discordantFromRates(pA, pB, opts.shared);
    const label = `${(100 * pA).toFixed(1).replace(/\.0$/, "")}% vs ${(100 * pB).toFixed(1).replace(/\.0$/, "")}%`;
    for (const n of opts.ns) {
      rows.push({ label, n, power: curve === "exact" ? gapPower(d, n, opts.alpha, { test }) : gapPowerNormal(d, n, opts.alpha), method: curve, test });
      if (opts.simulateReps) {
        rows.push({ label, n, power: simulateGapPower(d, { n, alpha: opts.alpha, reps: opts.simulateReps, seed: (opts.seed ?? 0) + 1000 * e + n, test }), method: "simulation", test });
      }
    }
  });
  return rows;
}
