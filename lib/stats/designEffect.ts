/**
 * Design effects for queries × samples: how much the samples of one query
 * being alike inflates the variance of a rate or a paired gap, relative to
 * the same number of independent samples.
 */

/** One query's samples for a rate: k of its m samples said yes. */
export interface QueryRate {
  k: number;
  m: number;
}

/**
 * One query's paired samples for a gap: of its m pairs (same query, same
 * sample index, two tiers), b had the first tier yes and the second no, c
 * the reverse (the concordant pairs are m − b − c).
 */
export interface QueryGap {
  b: number;
  c: number;
  m: number;
}

/** Options for combining a cell's design effect with one pooled over a run. */
export interface DesignEffectOptions {
  /**
   * Intra-query correlation pooled over other cells of the run (`pooledIcc`).
   * When given, the cell's own estimate is shrunk towards it, with weight
   * (active queries − 1) for the cell and `priorQueries` for the pool; when
   * absent (or NaN: nothing to pool), the cell's own estimate is used alone.
   */
  pooledIcc?: number;
  /** Weight of the pooled ICC, in queries' worth of information; default 8. */
  priorQueries?: number;
}

/** A design effect and what it rests on. */
export interface DesignEffect {
  /** The design effect used: ≥ 1. */
  de: number;
  /** The cell's own ratio estimate (may be below 1; NaN when the data carry no variance information). */
  deCell: number;
  /** The intra-query correlation the design effect implies, (de − 1)/(m̃ − 1); 0 when m̃ = 1. */
  icc: number;
  /** Σ mᵢ² / Σ mᵢ: the size-weighted mean samples per query (the m of DE = 1 + (m − 1)·ICC). */
  mTilde: number;
  n_queries: number;
  n_samples: number;
  /** Queries carrying variance information: with an event (rates: and a non-event) or a discordant pair (gaps). */
  active: number;
  /** Cluster-robust variance of the total, K/(K − 1)·Σ (yᵢ − mᵢ·θ̂)² (for pooling). */
  vRobust: number;
  /** The same variance if all samples were independent (binomial or multinomial; for pooling). */
  vModel: number;
  /** Where `de` came from. */
  source: "cell" | "cell+pooled" | "pooled" | "none";
}

function combine(deCell: number, vRobust: number, vModel: number, mTilde: number, K: number, N: number, active: number, opts: DesignEffectOptions): DesignEffect {
  // a pooled ICC of NaN (no cell of the run carried information) counts as absent
  const pooled = opts.pooledIcc !== undefined && Number.isNaN(opts.pooledIcc) ? undefined : opts.pooledIcc;
  const nu0 = opts.priorQueries ?? 8;
  if (pooled !== undefined && !(pooled >= 0 && pooled <= 1)) throw new RangeError(`pooledIcc must be in [0, 1], got ${pooled}`);
  if (!(nu0 >= 0)) throw new RangeError(`priorQueries must be ≥ 0, got ${nu0}`);
  let de: number;
  let source: DesignEffect["source"];
  const nu = Number.isFinite(deCell) ? Math.max(0, active - 1) : 0;
  if (pooled !== undefined && nu0 > 0) {
    const dePrior = 1 + (mTilde - 1) * pooled;
    de = nu > 0 ? (nu * deCell + nu0 * dePrior) / (nu + nu0) : dePrior;
    source = nu > 0 ? "cell+pooled" : "pooled";
  } else if (Number.isFinite(deCell)) {
    de = deCell;
    source = "cell";
  } else {
    de = 1;
    source = "none";
  }
  de = Math.max(1, de);
  return { de, deCell, icc: mTilde > 1 ? (de - 1) / (mTilde - 1) : 0, mTilde, n_queries: K, n_samples: N, active, vRobust, vModel, source };
}

function checkSizes(m: number, what: string, i: number): void {
  if (!(Number.isInteger(m) && m >= 0)) throw new RangeError(`query ${i}: samples m must be a non-negative integer, got ${m} (${what})`);
}

/**
 * Design effect of a rate over queries × samples, by Rao & Scott's (1992)
 * ratio: the cluster-robust variance of the total count,
 * K/(K − 1)·Σ (kᵢ − mᵢ·p̂)², over its binomial variance N·p̂(1 − p̂), with K
 * queries, N = Σ mᵢ samples and p̂ = Σ kᵢ / N. For equal mᵢ = m it is close to
 * the ANOVA form 1 + (m − 1)·ICC. Floored at 1, so a rate with no events
 * (p̂ = 0, no variance information) falls back to the ordinary interval
 * unless a pooled ICC is given (`DesignEffectOptions`). Queries with m = 0
 * are ignored.
 *
 * @example
 * // 4 queries × 4 samples, the events all in one query: strongly clustered
 * rateDesignEffect([{ k: 4, m: 4 }, { k: 0, m: 4 }, { k: 0, m: 4 }, { k: 0, m: 4 }]).de; // (4/3)·12/(16·0.25·0.75) ≈ 5.33
 */
export function rateDesignEffect(perQuery: readonly QueryRate[], opts: DesignEffectOptions = {}): DesignEffect {
  let N = 0;
  let Y = 0;
  let M2 = 0;
  let K = 0;
  perQuery.forEach((q, i) => {
    checkSizes(q.m, "rate", i);
    if (!(Number.isInteger(q.k) && q.k >= 0 && q.k <= q.m)) throw new RangeError(`query ${i}: need an integer 0 ≤ k ≤ m, got k=${q.k}, m=${q.m}`);
    if (q.m === 0) return;
    K++;
    N += q.m;
    Y += q.k;
    M2 += q.m * q.m;
  });
  const mTilde = N > 0 ? M2 / N : 1;
  if (K === 0) return combine(NaN, NaN, 0, 1, 0, 0, 0, opts);
  const p = Y / N;
  let ss = 0;
  let withYes = 0;
  let withNo = 0;
  for (const q of perQuery) {
    if (q.m === 0) continue;
    ss += (q.k - q.m * p) ** 2;
    if (q.k > 0) withYes++;
    if (q.k < q.m) withNo++;
  }
  const vRobust = K > 1 ? (K / (K - 1)) * ss : NaN;
  const vModel = N * p * (1 - p);
  const deCell = vModel > 0 && Number.isFinite(vRobust) ? vRobust / vModel : NaN;
  return combine(deCell, vRobust, vModel, mTilde, K, N, Math.min(withYes, withNo), opts);
}

/**
 * Design effect of a paired gap over queries × samples (Rao & Scott 1992
 * applied to the paired differences dᵢ = bᵢ − cᵢ): the cluster-robust
 * variance K/(K − 1)·Σ (dᵢ − mᵢ·d̂)² over the multinomial variance
 * N·(ψ̂ − d̂²), with d̂ = Σ dᵢ / N and ψ̂ = Σ (bᵢ + cᵢ) / N. Floored at 1, so no
 * discordant pair falls back to the ordinary interval (unless a pooled ICC
 * is given). With one sample per query it is K/(K − 1) before the floor:
 * use the unclustered methods there (`gapResult` does).
 *
 * @example
 * // 3 queries × 4 pairs: all the discordance in one query
 * gapDesignEffect([{ b: 3, c: 0, m: 4 }, { b: 0, c: 0, m: 4 }, { b: 0, c: 0, m: 4 }]).de; // (3/2)·6/(12·(0.25 − 0.0625)) = 4
 */
export function gapDesignEffect(perQuery: readonly QueryGap[], opts: DesignEffectOptions = {}): DesignEffect {
  let N = 0;
  let D = 0;
  let S = 0;
  let M2 = 0;
  let K = 0;
  let active = 0;
  perQuery.forEach((q, i) => {
    checkSizes(q.m, "gap", i);
    if (!(Number.isInteger(q.b) && Number.isInteger(q.c) && q.b >= 0 && q.c >= 0 && q.b + q.c <= q.m)) {
      throw new RangeError(`query ${i}: need integers b, c ≥ 0 with b + c ≤ m, got b=${q.b}, c=${q.c}, m=${q.m}`);
    }
    if (q.m === 0) return;
    K++;
    N += q.m;
    D += q.b - q.c;
    S += q.b + q.c;
    M2 += q.m * q.m;
    if (q.b + q.c > 0) active++;
  });
  const mTilde = N > 0 ? M2 / N : 1;
  if (K === 0) return combine(NaN, NaN, 0, 1, 0, 0, 0, opts);
  const d = D / N;
  let ss = 0;
  for (const q of perQuery) if (q.m > 0) ss += (q.b - q.c - q.m * d) ** 2;
  const vRobust = K > 1 ? (K / (K - 1)) * ss : NaN;
  const vModel = N * (S / N - d * d);
  const deCell = vModel > 1e-12 && Number.isFinite(vRobust) ? vRobust / vModel : NaN;
  return combine(deCell, vRobust, vModel, mTilde, K, N, active, opts);
}

/**
 * One intra-query correlation pooled over the cells of a run (e.g. every
 * model × condition × tier for rates, every model × condition for gaps):
 * DE = Σ vRobust / Σ vModel over the cells with variance information, and
 * ICC = max(0, (DE − 1)/(m̃ − 1)) with m̃ the vModel-weighted mean of the
 * cells' m̃. NaN when no cell carries information or every cell has one
 * sample per query. Pass it as `pooledIcc` so that cells with few events
 * borrow the run's clustering instead of assuming none.
 *
 * @example
 * pooledIcc([rateDesignEffect(cellA), rateDesignEffect(cellB)]);
 */
export function pooledIcc(cells: readonly DesignEffect[]): number {
  let vr = 0;
  let vm = 0;
  let mw = 0;
  for (const c of cells) {
    if (!(c.vModel > 0) || !Number.isFinite(c.vRobust)) continue;
    vr += c.vRobust;
    vm += c.vModel;
    mw += c.vModel * c.mTilde;
  }
  if (!(vm > 0)) return NaN;
  const m = mw / vm;
  if (!(m > 1)) return NaN;
  return Math.min(1, Math.max(0, (vr / vm - 1) / (m - 1)));
}
