/**
 * Two-sided percentile-bootstrap p-value for "the value is 0", from sorted
 * replicates: 2·min(P*(θ* ≤ 0), P*(θ* ≥ 0)), capped at 1 (the p-value that
 * inverts the percentile interval).
 *
 * @example
 * bootstrapPValue(new Float64Array([-0.1, 0.2, 0.3, 0.4])); // 0.5
 */
export function bootstrapPValue(sortedReps: Float64Array): number {
  const B = sortedReps.length;
  if (!B) return NaN;
  let le = 0;
  let ge = 0;
  for (let i = 0; i < B; i++) {
    if (sortedReps[i] <= 0) le++;
    if (sortedReps[i] >= 0) ge++;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / B);
}
