/**
 * Tolerance used when comparing a cumulative sum with a target probability,
 * so that float rounding in the sum (≈1e-15) does not move a quantile.
 */
export const CDF_TOLERANCE = 1e-12;

/**
 * Quantile of a discrete distribution given by its pmf over consecutive
 * support points 0..len−1: the smallest index x with CDF(x) ≥ prob
 * (within CDF_TOLERANCE). This is the project's one quantile convention for
 * interval endpoints: the lower bound of a level-L interval is
 * pmfQuantile(pmf, (1−L)/2), the upper bound pmfQuantile(pmf, 1−(1−L)/2).
 *
 * Only `pmf[lo..hi]` is read (the rest is taken as zero).
 *
 * @example
 * pmfQuantile([0.25, 0.5, 0.25], 0.25); // 0
 * pmfQuantile([0.25, 0.5, 0.25], 0.5);  // 1
 */
export function pmfQuantile(pmf: ArrayLike<number>, prob: number, lo = 0, hi = pmf.length - 1): number {
  let c = 0;
  const target = prob - CDF_TOLERANCE;
  for (let x = lo; x <= hi; x++) {
    c += pmf[x];
    if (c >= target) return x;
  }
  return hi;
}

/**
 * The same convention for a sample: the smallest value v in `sorted` with
 * ECDF(v) ≥ prob, i.e. sorted[ceil(prob·B) − 1] (inverse ECDF, Hyndman–Fan
 * type 1). As B grows, a resampling bootstrap read this way converges to the
 * exact bootstrap quantiles.
 *
 * @param sorted ascending, no NaN
 * @example
 * inverseEcdf([1, 2, 3, 4], 0.5); // 2
 * inverseEcdf([1, 2, 3, 4], 0.51); // 3
 */
export function inverseEcdf(sorted: ArrayLike<number>, prob: number): number {
  const B = sorted.length;
  if (B === 0) return NaN;
  let i = Math.ceil(prob * B - CDF_TOLERANCE * B) - 1;
  if (i < 0) i = 0;
  if (i > B - 1) i = B - 1;
  return sorted[i];
}
