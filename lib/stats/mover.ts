/** One estimate with its interval, and its weight in a linear combination. */
export interface MoverTerm {
  estimate: number;
  low: number;
  high: number;
  weight: number;
}

/**
 * MOVER ("method of variance estimates recovery", Zou & Donner 2008; Zou
 * 2008 for linear combinations; Newcombe 1998's method 10 for a difference)
 * for θ = Σ wⱼ·θⱼ from each θⱼ's own interval [lⱼ, uⱼ] and the correlations
 * r between the estimates. With eⱼ = wⱼ·θ̂ⱼ and [Lⱼ, Uⱼ] the interval of
 * wⱼ·θⱼ (ends swapped when wⱼ < 0), distances dLⱼ = eⱼ − Lⱼ and dUⱼ = Uⱼ − eⱼ:
 *   low  = θ̂ − √(Σ dLⱼ² + 2·Σⱼ<ₖ r̃ⱼₖ·dLⱼ·dLₖ),
 *   high = θ̂ + √(Σ dUⱼ² + 2·Σⱼ<ₖ r̃ⱼₖ·dUⱼ·dUₖ),
 * r̃ⱼₖ = sign(wⱼwₖ)·rⱼₖ. For θ1 − θ2 this is the familiar
 * θ̂1 − θ̂2 − √((θ̂1 − l1)² + (u2 − θ̂2)² − 2r(θ̂1 − l1)(u2 − θ̂2)). With one term
 * of weight 1 it returns that term's interval. The radicand is floored at 0.
 *
 * @example
 * moverLinear([{ estimate: 0.3, low: 0.2, high: 0.45, weight: 1 }, { estimate: 0.1, low: 0.05, high: 0.2, weight: -1 }]);
 * // independent: [0.2 − √(0.1² + 0.1²), 0.2 + √(0.15² + 0.05²)] ≈ [0.0586, 0.3581]
 */
export function moverLinear(terms: readonly MoverTerm[], corr?: readonly (readonly number[])[]): { estimate: number; low: number; high: number } {
  const k = terms.length;
  let est = 0;
  const dL = new Float64Array(k);
  const dU = new Float64Array(k);
  const sgn = new Float64Array(k);
  terms.forEach((t, j) => {
    const e = t.weight * t.estimate;
    const a = t.weight * t.low;
    const b = t.weight * t.high;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    est += e;
    dL[j] = Math.max(0, e - lo);
    dU[j] = Math.max(0, hi - e);
    sgn[j] = t.weight < 0 ? -1 : 1;
  });
  let sL = 0;
  let sU = 0;
  for (let j = 0; j < k; j++) {
    sL += dL[j] * dL[j];
    sU += dU[j] * dU[j];
    for (let i = 0; i < j; i++) {
      const r = corr ? corr[i][j] * sgn[i] * sgn[j] : 0;
      if (r === 0) continue;
      sL += 2 * r * dL[i] * dL[j];
      sU += 2 * r * dU[i] * dU[j];
    }
  }
  return { estimate: est, low: est - Math.sqrt(Math.max(0, sL)), high: est + Math.sqrt(Math.max(0, sU)) };
}
