/** Check p-values are numbers in [0, 1] (NaN allowed: it stays NaN and is left out). */
function finiteIndexes(p: readonly number[]): number[] {
  const idx: number[] = [];
  p.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${v} at ${i}`);
    idx.push(i);
  });
  return idx;
}

/**
 * Holm's step-down adjustment (controls the family-wise error rate). With
 * the m p-values sorted ascending p(1) ≤ … ≤ p(m), the adjusted value is
 * max over j ≤ i of min(1, (m − j + 1)·p(j)). Returned in the input order;
 * NaN entries stay NaN and do not count towards m.
 *
 * @example
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 */
export function holm(p: readonly number[]): number[] {
  const idx = finiteIndexes(p).sort((a, b) => p[a] - p[b]);
  const m = idx.length;
  const out = p.map(() => NaN);
  let run = 0;
  idx.forEach((i, r) => {
    run = Math.max(run, Math.min(1, (m - r) * p[i]));
    out[i] = run;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up adjustment (controls the false discovery rate):
 * adjusted p(i) = min over j ≥ i of min(1, m·p(j)/j), in the input order.
 * NaN entries stay NaN and do not count towards m.
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const idx = finiteIndexes(p).sort((a, b) => p[a] - p[b]);
  const m = idx.length;
  const out = p.map(() => NaN);
  let run = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r];
    run = Math.min(run, Math.min(1, (m * p[i]) / (r + 1)));
    out[i] = run;
  }
  return out;
}
