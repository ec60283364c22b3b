import { regularizedIncompleteBeta, betaQuantile } from "./incompleteBeta";
import { normalCdf, normalQuantile } from "./normal";

/**
 * CDF of Student's t distribution with `df` degrees of freedom (df > 0, not
 * necessarily an integer, as Satterthwaite's approximation gives):
 * P(T ≤ t) = 1 − ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0, mirrored below 0.
 * df = Infinity is the standard normal.
 *
 * @example
 * tCdf(2.364624251592785, 7); // 0.975
 */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t distribution: the t with P(T ≤ t) = p. Found from
 * the beta quantile (x = I⁻¹_{2·min(p, 1−p)}(df/2, ½), t = √(df·(1−x)/x)),
 * which bisects to machine precision. df = Infinity is the normal quantile.
 *
 * @example
 * tQuantile(0.975, 7); // 2.3646242515927…
 */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const x = betaQuantile(2 * Math.min(p, 1 - p), df / 2, 0.5);
  const t = Math.sqrt((df * (1 - x)) / x);
  return p > 0.5 ? t : -t;
}
