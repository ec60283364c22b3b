import { gapDesignEffect, type DesignEffectOptions, type QueryGap } from "./designEffect";
import type { GapContrastOptions } from "./gapContrast";
import { moverLinear } from "./mover";
import { normalQuantile } from "./normal";
import { tangoBounds } from "./tango";
import { checkLevel, type Interval } from "./types";

/**
 * The difference of two gaps measured on DIFFERENT queries (or different
 * query draws): MOVER with no correlation from the two gaps' default
 * intervals (Tango, or clustered Tango with several samples per query).
 * Returns the prepared pieces; `boundsAt(z)` gives the bounds.
 *
 * @example
 * prepareIndependentGapContrast(a, b).boundsAt(1.96);
 */
export function prepareIndependentGapContrast(
  a: readonly QueryGap[],
  b: readonly QueryGap[],
  opts: DesignEffectOptions = {},
): { estimate: number; n_queries: number; n_samples: number; multi: boolean; boundsAt(z: number): [number, number] } {
  const side = (qs: readonly QueryGap[]) => {
    let B = 0;
    let C = 0;
    let N = 0;
    let multi = false;
    for (const q of qs) {
      B += q.b;
      C += q.c;
      N += q.m;
      if (q.m > 1) multi = true;
    }
    const de = multi ? gapDesignEffect(qs, opts).de : 1;
    return { B, C, N, de, multi, K: qs.filter((q) => q.m > 0).length, est: N > 0 ? (B - C) / N : NaN };
  };
  const A = side(a);
  const Bs = side(b);
  return {
    estimate: A.est - Bs.est,
    n_queries: A.K + Bs.K,
    n_samples: A.N + Bs.N,
    multi: A.multi || Bs.multi,
    boundsAt(z: number): [number, number] {
      if (!(A.N > 0 && Bs.N > 0)) return [NaN, NaN];
      const [la, ua] = tangoBounds(A.B / A.de, A.C / A.de, A.N / A.de, z);
      const [lb, ub] = tangoBounds(Bs.B / Bs.de, Bs.C / Bs.de, Bs.N / Bs.de, z);
      const r = moverLinear([
        { estimate: A.est, low: la, high: ua, weight: 1 },
        { estimate: Bs.est, low: lb, high: ub, weight: -1 },
      ]);
      return [Math.max(-2, r.low), Math.min(2, r.high)];
    },
  };
}

/**
 * Interval for gap(a) − gap(b) on different queries: MOVER with no
 * correlation from the two default gap intervals (see
 * `prepareIndependentGapContrast`). With one sample per query it equals
 * `independentContrastInterval(…, { method: "mover-tango" })`.
 *
 * @example
 * independentGapContrastInterval([{ b: 1, c: 0, m: 1 }, { b: 0, c: 0, m: 1 }], [{ b: 0, c: 0, m: 1 }, { b: 0, c: 0, m: 1 }]);
 */
export function independentGapContrastInterval(a: readonly QueryGap[], b: readonly QueryGap[], opts: GapContrastOptions = {}): Interval & { n_queries: number; n_samples: number } {
  const L = checkLevel(opts.level);
  const p = prepareIndependentGapContrast(a, b, opts);
  const [low, high] = p.boundsAt(normalQuantile(1 - (1 - L) / 2));
  const out = { estimate: p.estimate, low, high, method: p.multi ? "mover-tango-clustered" : "mover-tango", level: L, n: p.n_samples, n_queries: p.n_queries, n_samples: p.n_samples };
  return Number.isFinite(low) ? out : { ...out, note: "a side has no pairs" };
}
