import { normalCdf, normalQuantile } from "./normal";
import { signTestPValue } from "./mcnemar";
import { makeRng } from "./rng";

/** Discordant-pair probabilities of a paired design: p10 = P(first yes, second no), p01 the reverse. */
export interface Discordant {
  p10: number;
  p01: number;
}

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
  if (!(d.p10 >= 0 && d.p01 >= 0 && d.p10 + d.p01 <= 1)) throw new RangeError(`need p10, p01 ≥ 0 with p10 + p01 ≤ 1, got ${d.p10}, ${d.p01}`);
  return { psi: d.p10 + d.p01, delta: d.p10 - d.p01 };
}

/**
 * Power of the two-sided McNemar test (asymptotic z form) to detect a
 * paired gap, closed form (Connor 1987):
 * Φ((|δ|·√n − z₁₋α/₂·√ψ) / √(ψ − δ²)), ψ = p10 + p01, δ = p10 − p01.
 * Returns alpha/2-ish small values for δ = 0 and 1 when ψ = δ² (no noise).
 *
 * @example
 * gapPower({ p10: 0.14, p01: 0.0 }, 100); // ≈ 0.97 (organism-style, fully shared draws)
 * gapPower(discordantFromRates(0.49, 0.35, 0.7), 100); // ≈ 0.81
 */
export function gapPower(d: Discordant, n: number, alpha = 0.05): number {
  const { psi, delta } = checkDiscordant(d);
  if (!(n > 0)) throw new RangeError(`n must be > 0, got ${n}`);
  if (psi === 0) return 0;
  const z = normalQuantile(1 - alpha / 2);
  const sd = Math.sqrt(psi - delta * delta);
  const num = Math.abs(delta) * Math.sqrt(n) - z * Math.sqrt(psi);
  if (sd === 0) return num > 0 ? 1 : 0;
  return normalCdf(num / sd);
}

/**
 * Number of paired queries for the McNemar test to reach `power` at level
 * `alpha` (two-sided), closed form (Connor 1987):
 * n = ((z₁₋α/₂·√ψ + z_power·√(ψ − δ²)) / δ)², rounded up.
 *
 * @example
 * gapSampleSize(discordantFromRates(0.49, 0.35, 0.7)); // 97 query pairs for 80% power
 */
export function gapSampleSize(d: Discordant, power = 0.8, alpha = 0.05): number {
  const { psi, delta } = checkDiscordant(d);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (delta === 0) return Infinity;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  return Math.ceil(((za * Math.sqrt(psi) + zb * Math.sqrt(psi - delta * delta)) / delta) ** 2);
}

/** Options for `simulateGapPower`. */
export interface SimulatePowerOptions {
  n: number;
  alpha?: number;
  /** Simulated studies; default 2000. */
  reps?: number;
  seed: number;
  /** "asymptotic" (default, the test `gapPower` describes) or "exact" (sign test). */
  test?: "asymptotic" | "exact";
}

/**
 * Seeded Monte Carlo power of the McNemar test: simulate `reps` studies of
 * n pairs from (p10, p01), count rejections at level alpha. A check on
 * `gapPower` (and, with test "exact", the power of `pairedGapPValue`).
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
  method: "closed-form" | "simulation";
}

/**
 * Power against n for several (pA, pB) effects with a shared-draw fraction:
 * closed form at every n, plus seeded simulation points when `simulateReps`
 * is given. Rows feed `powerCurves` (figure i).
 *
 * @example
 * powerCurveRows([[0.49, 0.35]], { ns: [50, 100, 200, 400], shared: 0.7 });
 */
export function powerCurveRows(
  effects: ReadonlyArray<readonly [number, number]>,
  opts: { ns: readonly number[]; shared: number; alpha?: number; simulateReps?: number; seed?: number },
): PowerRow[] {
  const rows: PowerRow[] = [];
  effects.forEach(([pA, pB], e) => {
    const d = discordantFromRates(pA, pB, opts.shared);
    const label = `${(100 * pA).toFixed(1).replace(/\.0$/, "")}% vs ${(100 * pB).toFixed(1).replace(/\.0$/, "")}%`;
    for (const n of opts.ns) {
      rows.push({ label, n, power: gapPower(d, n, opts.alpha), method: "closed-form" });
      if (opts.simulateReps) {
        rows.push({ label, n, power: simulateGapPower(d, { n, alpha: opts.alpha, reps: opts.simulateReps, seed: (opts.seed ?? 0) + 1000 * e + n }), method: "simulation" });
      }
    }
  });
  return rows;
}
