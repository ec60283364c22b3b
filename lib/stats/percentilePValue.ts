/**
 * The p-value that inverts a percentile bootstrap interval: for the null
 * value θ0, 2·min(P*(θ* ≤ θ0), P*(θ* ≥ θ0)), capped at 1, read off the sorted
 * replicates (or, with `probs`, off a discrete bootstrap distribution given
 * as sorted support values and their probabilities). It agrees with the
 * percentile interval but inherits its faults: when rare events make the
 * bootstrap distribution lumpy it is anti-conservative (docs/statistics.md),
 * which is why no default uses it.
 *
 * @example
 * percentilePValue(Float64Array.from([-0.1, 0.05, 0.1, 0.2]), 0); // 2·min(1/4, 3/4) = 0.5
 */
export function percentilePValue(sorted: ArrayLike<number>, theta0: number, probs?: ArrayLike<number>): number {
  const B = sorted.length;
  if (!B) return NaN;
  let le = 0;
  let ge = 0;
  let total = 0;
  for (let i = 0; i < B; i++) {
    const w = probs ? probs[i] : 1;
    total += w;
    if (sorted[i] <= theta0) le += w;
    if (sorted[i] >= theta0) ge += w;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / total);
}
