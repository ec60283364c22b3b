/** How many queries and samples an estimate rests on. */
export interface Design {
  n_queries: number;
  n_samples: number;
  /** The samples per query when every query has the same number, else null. */
  samples_per_query: number | null;
  samples_min: number;
  samples_max: number;
}

/**
 * The design of per-query data: queries with at least one sample, total
 * samples, and samples per query (null when they differ).
 *
 * @example
 * designOf([{ m: 8 }, { m: 8 }, { m: 0 }]); // { n_queries: 2, n_samples: 16, samples_per_query: 8, samples_min: 8, samples_max: 8 }
 */
export function designOf(perQuery: readonly { m: number }[]): Design {
  let K = 0;
  let N = 0;
  let lo = Infinity;
  let hi = 0;
  for (const q of perQuery) {
    if (!(q.m > 0)) continue;
    K++;
    N += q.m;
    lo = Math.min(lo, q.m);
    hi = Math.max(hi, q.m);
  }
  if (K === 0) return { n_queries: 0, n_samples: 0, samples_per_query: null, samples_min: 0, samples_max: 0 };
  return { n_queries: K, n_samples: N, samples_per_query: lo === hi ? lo : null, samples_min: lo, samples_max: hi };
}

/**
 * The n to print beside an estimate, counting queries first: "n=50" with
 * one sample per query, "n=50 queries × 8" with eight each, "n=50 queries,
 * 396 samples (7–8 each)" when they differ ("n=1 query × 5" with one); "n=0" with no data. The short
 * form (`short: true`) is "50q×8" for crowded figure labels.
 *
 * @example
 * designLabel({ n_queries: 50, n_samples: 400 }); // "n=50 queries × 8"
 */
export function designLabel(d: { n_queries: number; n_samples: number; samples_min?: number; samples_max?: number }, opts: { short?: boolean } = {}): string {
  const { n_queries: K, n_samples: N } = d;
  if (!(K > 0)) return "n=0";
  const equal = d.samples_min !== undefined && d.samples_max !== undefined ? d.samples_min === d.samples_max : N % K === 0;
  const per = N / K;
  if (equal && per === 1) return `n=${K}`;
  const queries = K === 1 ? "1 query" : `${K} queries`;
  if (equal) return opts.short ? `${K}q×${per}` : `n=${queries} × ${per}`;
  const range = d.samples_min !== undefined && d.samples_max !== undefined ? ` (${d.samples_min}–${d.samples_max} each)` : "";
  return opts.short ? `${K}q/${N}s` : `n=${queries}, ${N} samples${range}`;
}
