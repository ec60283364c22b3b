/**
 * Cohen's κ = (p_o − p_e) / (1 − p_e) for two label lists of equal length,
 * with the confusion table over the union of labels (sorted). κ is NaN when
 * p_e = 1 (both raters always give the same single label).
 * @example cohenKappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]).kappa // 0.5
 */
export function cohenKappa(a: readonly string[], b: readonly string[]): { kappa: number; observed: number; expected: number; labels: string[]; counts: number[][] } {
  if (a.length !== b.length) throw new RangeError("cohenKappa: the two label lists differ in length");
  const labels = [...new Set([...a, ...b])].sort();
  const idx = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  a.forEach((x, i) => counts[idx.get(x)!][idx.get(b[i])!]++);
  const n = a.length;
  if (!n) return { kappa: NaN, observed: NaN, expected: NaN, labels, counts };
  let po = 0;
  let pe = 0;
  for (let i = 0; i < labels.length; i++) {
    po += counts[i][i];
    const row = counts[i].reduce((s, x) => s + x, 0);
    const col = counts.reduce((s, r) => s + r[i], 0);
    pe += (row / n) * (col / n);
  }
  po /= n;
  return { kappa: pe === 1 ? NaN : (po - pe) / (1 - pe), observed: po, expected: pe, labels, counts };
}
