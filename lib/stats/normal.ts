/**
 * Standard normal CDF Φ(x). Near the centre (|x| < 3) it sums Marsaglia's
 * Taylor series (Φ(x) − ½ = φ(x)·(x + x³/3 + x⁵/15 + …)), accurate to about
 * 1e-15. Further out it evaluates the tail Q(t) = 1 − Φ(t), t = |x|, as
 * φ(t) times Laplace's continued fraction 1/(t + 1/(t + 2/(t + 3/(t + …)))),
 * which keeps relative accuracy, so Φ(−20) is 2.75e−89 rather than 0 and a
 * p-value far in the tail stays a small number. Φ underflows to 0 below
 * about −38.
 *
 * simple-statistics' `cumulativeStdNormalProbability` reads a 2-decimal
 * table, which is too coarse for BCa, hence this.
 *
 * @example
 * normalCdf(1.959963984540054); // 0.975
 * normalCdf(-10); // 7.619853024160527e-24
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= -3) return upperTail(-x);
  if (x >= 3) return 1 - upperTail(x);
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 3; i < 500; i += 2) {
    term = (term * x2) / i;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + sum * Math.exp(-0.5 * x2 - 0.91893853320467274178);
}

/** Q(t) = 1 − Φ(t) for t ≥ 3 by Laplace's continued fraction (modified Lentz). */
function upperTail(t: number): number {
  if (t === Infinity) return 0;
  const tiny = 1e-300;
  // Q(t) = φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))): b0 = t, a_k = k, b_k = t.
  let f = t;
  let c = t;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    d = t + k * d;
    d = d === 0 ? tiny : 1 / d;
    c = t + k / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-0.5 * t * t - 0.91893853320467274178) / f;
}

/**
 * Standard normal quantile Φ⁻¹(p), accurate to near machine precision
 * (Wichura's AS 241 rational approximations, PPND16).
 *
 * simple-statistics' `probit` is only good to about three digits
 * (probit(0.975) = 1.9572), too coarse for Wilson intervals, hence this.
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}
