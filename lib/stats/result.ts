/**
 * One door for the report: an estimate with its interval AND the test that
 * inverts to that interval, with the counts it rests on. The method is
 * picked from the data: one sample per query → the single-sample defaults;
 * several → the clustered ones (docs/statistics.md has the coverage study
 * behind each choice). Because each p-value is the dual of its interval, an
 * interval that excludes 0 never sits beside p > α.
 */
import { agrestiCoullBounds } from "./agrestiCoull";
import { betaQuantile } from "./incompleteBeta";
import { clusterBootstrapGap, clusterBootstrapRate } from "./clusterBootstrap";
import { clusteredRateBounds } from "./clusteredRate";
import { pairedContrastInterval, pairedContrastPmf, type ContrastQuad } from "./contrast";
import { gapDesignEffect, rateDesignEffect, type DesignEffectOptions, type QueryGap, type QueryRate } from "./designEffect";
import { dualPValue } from "./dualPValue";
import { prepareGapContrast, type QueryLinear } from "./gapContrast";
import { prepareIndependentGapContrast } from "./independentGapContrast";
import { designOf } from "./labels";
import { moverLinear } from "./mover";
import { normalCdf, normalQuantile } from "./normal";
import { pairedGapInterval, pairedGapPmf } from "./pairedGap";
import { percentilePValue } from "./percentilePValue";
import { makeRng } from "./rng";
import { tangoBounds, tangoTestPValue } from "./tango";
import { checkLevel } from "./types";
import { wilsonBounds } from "./wilson";

/** An estimate, its interval, the test that inverts to it, and the counts behind them. */
export interface StatResult {
  estimate: number;
  low: number;
  high: number;
  level: number;
  /** The interval's method, e.g. "agresti-coull-clustered", "tango", "mover-tango". */
  method: string;
  /** The test that inverts to the interval, e.g. "mcnemar-asymptotic". */
  test: string;
  /** Two-sided p-value of `test` (gaps and contrasts: that the value is 0; rates: that it equals `null`, NaN if none given). */
  p_value: number;
  n_queries: number;
  n_samples: number;
  /** Samples per query when every query has the same number, else null. */
  samples_per_query: number | null;
  /** Design effect used (1 with one sample per query). */
  de: number;
  note?: string;
}

/** Options shared by the result functions. */
export interface ResultOptions extends DesignEffectOptions {
  level?: number;
  /** Seed of the cluster bootstrap (only with method "cluster-bootstrap"); default 0. */
  seed?: number;
  /** Resamples of the cluster bootstrap; default 10000. */
  B?: number;
}

const zOf = (L: number) => normalQuantile(1 - (1 - L) / 2);

/**
 * One query with several samples: no design effect can be estimated from a
 * single query, so unless the run's pooled ICC is borrowed the samples are
 * taken as independent (the unclustered method, named as such). Either way
 * the interval speaks only of that query. Returns null with several queries
 * (or one sample per query).
 */
function oneQuery(b: { n_queries: number; n_samples: number }, multi: boolean, opts: DesignEffectOptions): { clustered: boolean; note: string } | null {
  if (!multi || b.n_queries !== 1) return null;
  const borrowed = Number.isFinite(opts.pooledIcc) && (opts.priorQueries ?? 8) > 0;
  const how = borrowed ? "the design effect is the run's pooled one" : "its samples are taken as independent";
  return { clustered: borrowed, note: `one query: no design effect can be estimated from a single query (${how}); its ${b.n_samples} samples are not independent evidence about queries, so the interval speaks only of that query` };
}

function base(perQuery: readonly { m: number }[], L: number): Pick<StatResult, "level" | "n_queries" | "n_samples" | "samples_per_query"> {
  const d = designOf(perQuery);
  return { level: L, n_queries: d.n_queries, n_samples: d.n_samples, samples_per_query: d.samples_per_query };
}

/** Rate interval methods of `rateResult`. */
export type RateResultMethod = "auto" | "agresti-coull" | "wilson-modified" | "clopper-pearson" | "wilson" | "cluster-bootstrap";

/**
 * A compliance rate with its interval and test. Methods ("auto" picks):
 * - one sample per query: "agresti-coull" (the default by the coverage
 *   study), or "wilson-modified", "wilson", "clopper-pearson" (the test
 *   that inverts Clopper–Pearson is the exact central binomial test);
 * - several samples per query: the interval on the effective counts
 *   (`clusteredRateInterval`, method name suffixed "-clustered"; default
 *   "wilson-modified", chosen by the clustered study; pass the run's
 *   `pooledIcc`); or
 *   "cluster-bootstrap", the seeded percentile bootstrap over queries, kept
 *   as an option and labelled as such (it under-covers at low rates).
 * The p-value tests that the rate equals `nullValue` (the dual of the
 * interval); without `nullValue` it is NaN.
 *
 * @example
 * rateResult(Array.from({ length: 50 }, (_, i) => ({ k: i < 5 ? 2 : 0, m: 8 })));
 * // { estimate: 0.025, method: "wilson-modified-clustered", n_queries: 50, n_samples: 400, samples_per_query: 8, … }
 */
export function rateResult(perQuery: readonly QueryRate[], opts: ResultOptions & { method?: RateResultMethod; nullValue?: number } = {}): StatResult {
  const L = checkLevel(opts.level);
  const b = base(perQuery, L);
  let k = 0;
  for (const q of perQuery) k += q.k;
  const n = b.n_samples;
  const multi = perQuery.some((q) => q.m > 1);
  const chosen = opts.method ?? "auto";
  const p0 = opts.nullValue;
  if (n === 0) return { ...b, estimate: NaN, low: NaN, high: NaN, method: chosen, test: "none", p_value: NaN, de: 1, note: "no samples" };
  const estimate = k / n;
  if (chosen === "cluster-bootstrap") {
    const r = clusterBootstrapRate(
      perQuery.filter((q) => q.m > 0).map((q) => ({ sum: q.k, n: q.m })),
      { seed: opts.seed ?? 0, B: opts.B ?? 10000, level: L, keepReplicates: true },
    );
    return { ...b, estimate, low: r.low, high: r.high, method: "cluster-bootstrap", test: "cluster-bootstrap-percentile", p_value: p0 === undefined ? NaN : percentilePValue(r.replicates!, p0), de: NaN, ...(r.note ? { note: r.note } : {}) };
  }
  // the coverage study's choices: Agresti–Coull with one sample per query, modified Wilson on the effective counts with several
  const interval = chosen === "auto" ? (multi ? "wilson-modified" : "agresti-coull") : chosen;
  const one = oneQuery(b, multi, opts);
  const clustered = multi && (!one || one.clustered);
  const de = multi ? rateDesignEffect(perQuery, opts).de : 1;
  let boundsAt: (z: number) => [number, number];
  let test: string;
  switch (interval) {
    case "agresti-coull":
    case "wilson-modified":
      boundsAt = (z) => clusteredRateBounds(k, n, de, z, interval);
      test = `${interval}-inverted`;
      break;
    case "wilson":
      boundsAt = (z) => wilsonBounds(k / de, n / de, z);
      test = "score";
      break;
    case "clopper-pearson":
      if (multi) throw new RangeError("clopper-pearson needs one sample per query (integer counts); use agresti-coull or wilson-modified");
      boundsAt = (z) => {
        const a = normalCdf(-z);
        return [k === 0 ? 0 : betaQuantile(a, k, n - k + 1), k === n ? 1 : betaQuantile(1 - a, k + 1, n - k)];
      };
      test = "exact-binomial-central";
      break;
    default:
      throw new RangeError(`unknown rate method: ${String(interval)}`);
  }
  const [low, high] = boundsAt(zOf(L));
  return {
    ...b,
    estimate,
    low,
    high,
    method: clustered ? `${interval}-clustered` : interval,
    test: clustered ? `${interval}-clustered-inverted` : test,
    p_value: p0 === undefined ? NaN : dualPValue(boundsAt, p0),
    de,
    ...(one ? { note: one.note } : {}),
  };
}

/** Gap interval methods of `gapResult`. */
export type GapResultMethod = "auto" | "tango" | "tango-clustered" | "cluster-bootstrap" | "bootstrap-exact";

/**
 * A paired compliance gap (first tier − second over the same queries and
 * sample indices) with its interval and test. Methods ("auto" picks):
 * - one sample per query: "tango" (Tango's score interval) with the
 *   asymptotic McNemar test (Tango's score test at 0);
 * - several samples per query: "tango-clustered" (Tango on design-effect-
 *   scaled counts) with the clustered McNemar test (Rao–Scott scaled;
 *   `clusteredMcNemarTest`);
 * - "cluster-bootstrap" (seeded percentile bootstrap over queries, with the
 *   percentile p-value) and "bootstrap-exact" (one sample per query, B = ∞):
 *   kept as options, labelled, not defaults (they under-cover at low rates).
 *
 * @example
 * gapResult([{ b: 1, c: 0, m: 1 }, { b: 1, c: 0, m: 1 }, { b: 0, c: 0, m: 1 }]);
 * // { method: "tango", test: "mcnemar-asymptotic", p_value: 2·(1 − Φ(√2)) ≈ 0.157, … }
 */
export function gapResult(perQuery: readonly QueryGap[], opts: ResultOptions & { method?: GapResultMethod } = {}): StatResult {
  const L = checkLevel(opts.level);
  const b = base(perQuery, L);
  let B = 0;
  let C = 0;
  for (const q of perQuery) {
    B += q.b;
    C += q.c;
  }
  const n = b.n_samples;
  const multi = perQuery.some((q) => q.m > 1);
  const chosen = opts.method ?? "auto";
  if (n === 0) return { ...b, estimate: NaN, low: NaN, high: NaN, method: chosen, test: "none", p_value: NaN, de: 1, note: "no pairs" };
  const estimate = (B - C) / n;
  if (chosen === "cluster-bootstrap") {
    const r = clusterBootstrapGap(
      perQuery.filter((q) => q.m > 0).map((q) => ({ aSum: q.b, aN: q.m, bSum: q.c, bN: q.m })),
      { seed: opts.seed ?? 0, B: opts.B ?? 10000, level: L, keepReplicates: true },
    );
    return { ...b, estimate, low: r.low, high: r.high, method: "cluster-bootstrap", test: "cluster-bootstrap-percentile", p_value: percentilePValue(r.replicates!, 0), de: NaN, ...(r.note ? { note: r.note } : {}) };
  }
  if (chosen === "bootstrap-exact") {
    if (multi) throw new RangeError("bootstrap-exact needs one sample per query; use cluster-bootstrap");
    const counts = { n11: 0, n10: B, n01: C, n00: n - B - C };
    const iv = pairedGapInterval(counts, { level: L });
    const pmf = pairedGapPmf(counts);
    const support = Array.from(pmf, (_, i) => i - n);
    return { ...b, estimate, low: iv.low, high: iv.high, method: "bootstrap-exact", test: "bootstrap-exact-percentile", p_value: percentilePValue(support, 0, pmf), de: 1, ...(iv.note ? { note: iv.note } : {}) };
  }
  if (chosen !== "auto" && chosen !== "tango" && chosen !== "tango-clustered") throw new RangeError(`unknown gap method: ${String(chosen)}`);
  const one = oneQuery(b, multi, opts);
  const clustered = (chosen === "tango-clustered" || (chosen === "auto" && multi)) && (!one || one.clustered);
  const de = clustered ? gapDesignEffect(perQuery, opts).de : 1;
  const [low, high] = tangoBounds(B / de, C / de, n / de, zOf(L));
  const out: StatResult = {
    ...b,
    estimate,
    low,
    high,
    method: clustered ? "tango-clustered" : "tango",
    test: clustered ? "mcnemar-clustered" : "mcnemar-asymptotic",
    p_value: tangoTestPValue(B / de, C / de),
    de,
  };
  if (one) out.note = one.note;
  else if (!clustered && multi) out.note = "several samples per query treated as independent pairs (method forced to tango)";
  return out;
}

/** Contrast methods of `gapContrastResult`. */
export type ContrastResultMethod = "auto" | "cluster-bootstrap" | "bootstrap-exact";

/**
 * A linear contrast Σ wⱼ·gapⱼ of gaps measured on the SAME queries (the
 * verdict table's contrasts; a difference of two gaps is weights [1, −1]),
 * with its interval and test. "auto": MOVER from the gaps' Tango intervals
 * (clustered when a query has several samples) with their estimated
 * correlation (`gapContrastInterval`), and the p-value of the test that
 * inverts MOVER (`dualPValue`): this is the p-value the verdict table
 * should Holm-adjust. Options, labelled and not defaults: "cluster-bootstrap"
 * (percentile bootstrap over queries of the pooled weighted sum, with the
 * percentile p-value: anti-conservative) and "bootstrap-exact" (one sample
 * per query, two gaps, weights [1, −1]: the exact paired bootstrap, a point
 * when every query has the same contrast value).
 *
 * @example
 * gapContrastResult(perQuery, [1, -1]).p_value;
 */
export function gapContrastResult(perQuery: readonly QueryLinear[], weights: readonly number[], opts: ResultOptions & { method?: ContrastResultMethod } = {}): StatResult {
  const L = checkLevel(opts.level);
  const b = base(perQuery, L);
  const chosen = opts.method ?? "auto";
  const multi = perQuery.some((q) => q.m > 1);
  if (b.n_samples === 0) return { ...b, estimate: NaN, low: NaN, high: NaN, method: chosen, test: "none", p_value: NaN, de: 1, note: "no query unit in every cell" };
  if (chosen === "cluster-bootstrap") {
    const qs = perQuery.filter((q) => q.m > 0);
    const sums = qs.map((q) => weights.reduce((s, w, j) => s + w * (q.b[j] - q.c[j]), 0));
    let S = 0;
    for (const s of sums) S += s;
    const estimate = S / b.n_samples;
    const Bn = opts.B ?? 10000;
    const u = makeRng(opts.seed ?? 0);
    const reps = new Float64Array(Bn);
    for (let r = 0; r < Bn; r++) {
      let s = 0;
      let m = 0;
      for (let t = 0; t < qs.length; t++) {
        const i = Math.floor(u() * qs.length);
        s += sums[i];
        m += qs[i].m;
      }
      reps[r] = s / m;
    }
    reps.sort();
    const a = (1 - L) / 2;
    const pick = (p: number) => reps[Math.min(Bn - 1, Math.max(0, Math.ceil(p * Bn - 1e-12 * Bn) - 1))];
    return { ...b, estimate, low: pick(a), high: pick(1 - a), method: "cluster-bootstrap", test: "cluster-bootstrap-percentile", p_value: percentilePValue(reps, 0), de: NaN };
  }
  if (chosen === "bootstrap-exact") {
    if (multi || weights.length !== 2 || weights[0] !== 1 || weights[1] !== -1) throw new RangeError("bootstrap-exact needs one sample per query and weights [1, -1]");
    const quads: ContrastQuad[] = perQuery
      .filter((q) => q.m > 0)
      .map((q) => [q.b[0], q.c[0], q.b[1], q.c[1]] as const);
    // the exact paired bootstrap needs each query's v = (a1 − a2) − (b1 − b2) = (b₀ − c₀) − (b₁ − c₁)
    const iv = pairedContrastInterval(quads, { level: L });
    const n = quads.length;
    const pmf = pairedContrastPmf(quads);
    const support = Array.from(pmf, (_, i) => (i - 2 * n) / n);
    return { ...b, estimate: iv.estimate, low: iv.low, high: iv.high, method: "bootstrap-exact", test: "bootstrap-exact-percentile", p_value: percentilePValue(support, 0, pmf), de: 1, ...(iv.note ? { note: iv.note } : {}) };
  }
  if (chosen !== "auto") throw new RangeError(`unknown contrast method: ${String(chosen)}`);
  const p = prepareGapContrast(perQuery, weights, opts);
  const [low, high] = p.boundsAt(zOf(L));
  const single = weights.length === 1 && weights[0] === 1;
  const one = oneQuery(b, multi, opts);
  const clustered = multi && (!one || one.clustered);
  const method = single ? (clustered ? "tango-clustered" : "tango") : clustered ? "mover-tango-clustered" : "mover-tango";
  const test = single ? (clustered ? "mcnemar-clustered" : "mcnemar-asymptotic") : `${method}-inverted`;
  return { ...b, estimate: p.estimate, low, high, method, test, p_value: dualPValue((z) => p.boundsAt(z), 0), de: Math.max(...p.gaps.map((g) => g.de)), ...(one ? { note: one.note } : {}) };
}

/**
 * The difference of two gaps on DIFFERENT queries, gap(a) − gap(b): MOVER
 * with no correlation from the two default gap intervals, and the test
 * that inverts it.
 *
 * @example
 * independentGapContrastResult(aQueries, bQueries).p_value;
 */
export function independentGapContrastResult(a: readonly QueryGap[], b: readonly QueryGap[], opts: ResultOptions = {}): StatResult {
  const L = checkLevel(opts.level);
  const p = prepareIndependentGapContrast(a, b, opts);
  const d = designOf([...a, ...b]);
  const method = p.multi ? "mover-tango-clustered" : "mover-tango";
  const [low, high] = p.boundsAt(zOf(L));
  const out: StatResult = {
    estimate: p.estimate,
    low,
    high,
    level: L,
    method,
    test: `${method}-inverted`,
    p_value: Number.isFinite(low) ? dualPValue((z) => p.boundsAt(z), 0) : NaN,
    n_queries: d.n_queries,
    n_samples: d.n_samples,
    samples_per_query: d.samples_per_query,
    de: NaN,
  };
  if (!Number.isFinite(low)) out.note = "a side has no pairs";
  return out;
}

/**
 * The difference of two rates from different samples (e.g. a fine-tuned
 * model's rate minus its base model's), rate(a) − rate(b): Newcombe's
 * hybrid score method (MOVER) on the two default rate intervals (Agresti–
 * Coull, clustered with several samples per query), and the test that
 * inverts it.
 *
 * @example
 * rateDifferenceResult([{ k: 56, m: 70 }], [{ k: 48, m: 80 }]); // one query with 70 samples is clustered: pass per-query data
 */
export function rateDifferenceResult(a: readonly QueryRate[], b: readonly QueryRate[], opts: ResultOptions = {}): StatResult {
  const L = checkLevel(opts.level);
  const side = (qs: readonly QueryRate[]) => {
    let k = 0;
    let n = 0;
    for (const q of qs) {
      k += q.k;
      n += q.m;
    }
    const de = qs.some((q) => q.m > 1) ? rateDesignEffect(qs, opts).de : 1;
    return { k, n, de, est: n > 0 ? k / n : NaN, multi: qs.some((q) => q.m > 1) };
  };
  const A = side(a);
  const Bs = side(b);
  const d = designOf([...a, ...b]);
  const multi = A.multi || Bs.multi;
  const method = multi ? "newcombe-agresti-coull-clustered" : "newcombe-agresti-coull";
  const boundsAt = (z: number): [number, number] => {
    const [la, ua] = agrestiCoullBounds(A.k / A.de, A.n / A.de, z);
    const [lb, ub] = agrestiCoullBounds(Bs.k / Bs.de, Bs.n / Bs.de, z);
    const r = moverLinear([
      { estimate: A.est, low: la, high: ua, weight: 1 },
      { estimate: Bs.est, low: lb, high: ub, weight: -1 },
    ]);
    return [Math.max(-1, r.low), Math.min(1, r.high)];
  };
  const common = { level: L, method, test: `${method}-inverted`, n_queries: d.n_queries, n_samples: d.n_samples, samples_per_query: d.samples_per_query, de: NaN };
  if (!(A.n > 0 && Bs.n > 0)) return { ...common, estimate: NaN, low: NaN, high: NaN, p_value: NaN, note: "a side has no samples" };
  const [low, high] = boundsAt(zOf(L));
  return { ...common, estimate: A.est - Bs.est, low, high, p_value: dualPValue(boundsAt, 0) };
}

/**
 * The verdict table's p-value for one contrast: the p-value of
 * `gapContrastResult` (the test that inverts the MOVER–Tango interval), to
 * be Holm-adjusted within a hypothesis. Replaces the percentile-bootstrap
 * p-value, which is anti-conservative at low rates.
 *
 * @example
 * contrastPValue(perQuery, [1, -1]);
 */
export function contrastPValue(perQuery: readonly QueryLinear[], weights: readonly number[], opts: DesignEffectOptions = {}): number {
  return gapContrastResult(perQuery, weights, opts).p_value;
}
