import { normalCdf } from "./normal";

/** Largest critical value searched (2·Φ(−38) is far below any double-precision p-value of interest). */
const Z_MAX = 38;

/**
 * The p-value of the test that inverts a family of nested intervals. Given
 * the interval's bounds at any critical value z (wider as z grows) and a
 * null value θ0, the p-value is 2·Φ(−z*), where z* is the smallest z whose
 * interval contains θ0 (found by bisection to about 1e-12). So, by
 * construction, the level-L interval (z = Φ⁻¹(1 − (1 − L)/2)) excludes θ0
 * exactly when the p-value is below 1 − L: the interval and the test never
 * disagree. For Tango's interval this is Tango's score test; for a MOVER
 * interval it is the test MOVER implies.
 *
 * @example
 * // a normal interval x̂ ± z·se gives the z-test: p = 2·Φ(−|x̂ − θ0|/se)
 * dualPValue((z) => [1 - z * 0.5, 1 + z * 0.5], 0); // 2·Φ(−2) ≈ 0.0455
 */
export function dualPValue(boundsAt: (z: number) => readonly [number, number], theta0: number): number {
  const covers = (z: number) => {
    const [lo, hi] = boundsAt(z);
    return lo <= theta0 && theta0 <= hi;
  };
  if (covers(0)) return 1;
  if (!covers(Z_MAX)) return 0;
  let lo = 0;
  let hi = Z_MAX;
  for (let i = 0; i < 80 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (covers(mid)) hi = mid;
    else lo = mid;
  }
  // normalCdf far in the tail can come out a hair below 0: a p-value is clamped to [0, 1]
  return Math.min(1, Math.max(0, 2 * normalCdf(-0.5 * (lo + hi))));
}
