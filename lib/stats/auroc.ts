/**
 * The area under the ROC curve (AUROC) of a score against binary labels,
 * with two kinds of confidence interval: DeLong's closed form and a
 * stratified percentile bootstrap. Ties count one half, as in the
 * Mann–Whitney U statistic.
 */
import { normalQuantile } from "./normal";
import { makeRng } from "./rng";
import { checkLevel, type Interval } from "./types";

/** One point of a ROC curve: predicting positive when score ≥ threshold. */
export interface RocPoint {
  threshold: number;
  tpr: number;
  fpr: number;
}

/** Options of the bootstrap AUROC interval. */
export interface AurocBootstrapOptions {
  /** Seed for the resampling; default 0. */
  seed?: number;
  /** Resamples; default 2000. */
  B?: number;
  /** Default 0.95. */
  level?: number;
}

function check(scores: readonly number[], labels: readonly boolean[]): void {
  if (scores.length !== labels.length) throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  for (const s of scores) if (!Number.isFinite(s)) throw new RangeError(`scores must be finite numbers, got ${s}`);
}

/** Item indices sorted by score, ascending. */
function order(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
}

/**
 * AUROC = P(score of a random positive > score of a random negative), ties
 * counting one half, computed with midranks in O(n log n). NaN when either
 * class is empty.
 *
 * @example
 * auroc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]); // 0.75
 */
export function auroc(scores: readonly number[], labels: readonly boolean[]): number {
  check(scores, labels);
  return weightedAuroc(scores, labels, order(scores), null);
}

/**
 * AUROC with integer weights per item (a bootstrap resample's counts), over a
 * precomputed ascending order. Walks tie groups once: O(n).
 */
function weightedAuroc(scores: readonly number[], labels: readonly boolean[], ord: readonly number[], w: Float64Array | null): number {
  let negBelow = 0;
  let sum = 0;
  let nPos = 0;
  let nNeg = 0;
  let i = 0;
  while (i < ord.length) {
    let j = i;
    let pos = 0;
    let neg = 0;
    const s = scores[ord[i]];
    while (j < ord.length && scores[ord[j]] === s) {
      const k = ord[j];
      const wk = w ? w[k] : 1;
      if (labels[k]) pos += wk;
      else neg += wk;
      j++;
    }
    sum += pos * (negBelow + neg / 2);
    negBelow += neg;
    nPos += pos;
    nNeg += neg;
    i = j;
  }
  return nPos > 0 && nNeg > 0 ? sum / (nPos * nNeg) : NaN;
}

/**
 * DeLong's variance of the AUROC (DeLong, DeLong & Clarke-Pearson 1988):
 * with structural components V10(p) = mean over negatives of ψ(p, n) for
 * each positive p, and V01(n) likewise for each negative, where ψ is 1, ½
 * or 0, the variance is var(V10)/m + var(V01)/n (sample variances, m
 * positives, n negatives). Needs at least two of each class.
 *
 * @example
 * delongVariance([0.1, 0.4, 0.35, 0.8], [false, false, true, true]); // 0.125
 */
export function delongVariance(scores: readonly number[], labels: readonly boolean[]): number {
  check(scores, labels);
  const pos: number[] = [];
  const neg: number[] = [];
  scores.forEach((s, i) => (labels[i] ? pos : neg).push(s));
  const m = pos.length;
  const n = neg.length;
  if (m < 2 || n < 2) return NaN;
  // ψ sums via sorting: for a value x, #(other < x) + ½ #(other = x).
  const sNeg = [...neg].sort((a, b) => a - b);
  const sPos = [...pos].sort((a, b) => a - b);
  const v10 = pos.map((x) => placement(sNeg, x) / n);
  const v01 = neg.map((y) => (m - placement(sPos, y)) / m);
  const auc = v10.reduce((a, b) => a + b, 0) / m;
  let s10 = 0;
  for (const v of v10) s10 += (v - auc) ** 2;
  let s01 = 0;
  for (const v of v01) s01 += (v - auc) ** 2;
  return s10 / (m - 1) / m + s01 / (n - 1) / n;
}

/** #(sorted < x) + ½ #(sorted = x), by binary search. */
function placement(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return below + (lo - below) / 2;
}

/**
 * Score-type bounds for an AUROC θ̂ from m positives and n negatives
 * (Newcombe 2006): the θ solving (θ − θ̂)² = z²·V(θ), with Hanley & McNeil's
 * (1982) variance evaluated at θ itself and Newcombe's symmetric
 * N* = (m + n)/2 in place of both m and n:
 * V(θ) = θ(1 − θ)·[1 + (N* − 1)·((1 − θ)/(2 − θ) + θ/(1 + θ))] / (m·n).
 * Because the variance is taken at the candidate θ rather than at θ̂, the
 * bounds stay inside (0, 1) and do not collapse when θ̂ is 0 or 1 (a
 * perfectly separating judge), as Wilson's interval does for a proportion.
 *
 * @example
 * aurocScoreBounds(1, 20, 20, 1.959963984540054); // [≈0.899, 1]
 */
export function aurocScoreBounds(theta: number, m: number, n: number, z: number): [number, number] {
  if (!(m > 0 && n > 0) || !Number.isFinite(theta)) return [NaN, NaN];
  const ns = (m + n) / 2;
  const V = (t: number) => (t * (1 - t) * (1 + (ns - 1) * ((1 - t) / (2 - t) + t / (1 + t)))) / (m * n);
  const g = (t: number) => (t - theta) ** 2 - z * z * V(t);
  const root = (lo: number, hi: number, rising: boolean) => {
    // g ≤ 0 at theta, > 0 at the far end: bisect for the crossing
    for (let i = 0; i < 80; i++) {
      const mid = 0.5 * (lo + hi);
      if (g(mid) > 0 === rising) hi = mid;
      else lo = mid;
    }
    return 0.5 * (lo + hi);
  };
  const low = theta <= 0 ? 0 : root(0, theta, false);
  const high = theta >= 1 ? 1 : root(theta, 1, true);
  return [low, high];
}

/**
 * AUROC with DeLong's variance and a normal-approximation interval, by
 * default on the logit scale (Pohar Perme & Manevski 2018):
 * logit(θ̂) ± z·SE/(θ̂(1 − θ̂)), mapped back, so the bounds stay inside
 * (0, 1) and shrink towards the near boundary instead of being clipped. At
 * a boundary (θ̂ = 0 or 1, e.g. a judge that separates the sample
 * perfectly) DeLong's variance is 0 and any Wald-type interval is a point,
 * so there the score-type bounds (`aurocScoreBounds`) are used (noted).
 * `scale: "linear"` gives the plain clipped DeLong interval (for
 * comparison; it collapses to [1, 1] at θ̂ = 1).
 *
 * @example
 * aurocDelong([0.1, 0.4, 0.35, 0.8], [false, false, true, true]).estimate; // 0.75
 */
export function aurocDelong(scores: readonly number[], labels: readonly boolean[], opts: { level?: number; scale?: "logit" | "linear" } = {}): Interval {
  const level = checkLevel(opts.level);
  const scale = opts.scale ?? "logit";
  const est = auroc(scores, labels);
  const m = labels.filter(Boolean).length;
  const n = labels.length - m;
  const v = delongVariance(scores, labels);
  const method = scale === "logit" ? "delong-logit" : "delong";
  if (!Number.isFinite(est) || !Number.isFinite(v)) {
    return { estimate: est, low: NaN, high: NaN, method, level, n: labels.length, note: `needs at least 2 positives and 2 negatives (got ${m} and ${n})` };
  }
  const z = normalQuantile(1 - (1 - level) / 2);
  const se = Math.sqrt(Math.max(0, v));
  if (scale === "linear") return { estimate: est, low: Math.max(0, est - z * se), high: Math.min(1, est + z * se), method, level, n: labels.length };
  if (est <= 0 || est >= 1 || se === 0) {
    const [low, high] = aurocScoreBounds(est, m, n, z);
    return { estimate: est, low, high, method, level, n: labels.length, note: "at the boundary DeLong's variance is 0: score-type bounds (Newcombe 2006)" };
  }
  const lg = Math.log(est / (1 - est));
  const h = (z * se) / (est * (1 - est));
  const inv = (x: number) => 1 / (1 + Math.exp(-x));
  return { estimate: est, low: inv(lg - h), high: inv(lg + h), method, level, n: labels.length };
}

/**
 * AUROC with a stratified percentile bootstrap interval: positives and
 * negatives are resampled separately (so every replicate has both classes).
 * Seeded and deterministic. At θ̂ = 0 or 1 every resample gives the same
 * value, so the percentile interval would be a point; there the open end
 * is the score-type bound (`aurocScoreBounds`), noted in the result.
 *
 * @example
 * aurocBootstrap(scores, labels, { seed: 1, B: 2000 }); // { estimate, low, high, method: "bootstrap-stratified", … }
 */
export function aurocBootstrap(scores: readonly number[], labels: readonly boolean[], opts: AurocBootstrapOptions = {}): Interval & { B: number; seed: number } {
  const level = checkLevel(opts.level);
  const B = opts.B ?? 2000;
  const seed = opts.seed ?? 0;
  check(scores, labels);
  const ord = order(scores);
  const est = weightedAuroc(scores, labels, ord, null);
  const posIdx: number[] = [];
  const negIdx: number[] = [];
  labels.forEach((l, i) => (l ? posIdx : negIdx).push(i));
  if (!posIdx.length || !negIdx.length) {
    return { estimate: est, low: NaN, high: NaN, method: "bootstrap-stratified", level, n: labels.length, B, seed, note: "needs both classes" };
  }
  const u = makeRng(seed);
  const w = new Float64Array(labels.length);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    w.fill(0);
    for (let k = 0; k < posIdx.length; k++) w[posIdx[Math.floor(u() * posIdx.length)]]++;
    for (let k = 0; k < negIdx.length; k++) w[negIdx[Math.floor(u() * negIdx.length)]]++;
    reps[b] = weightedAuroc(scores, labels, ord, w);
  }
  reps.sort();
  const a = (1 - level) / 2;
  const out: Interval & { B: number; seed: number } = { estimate: est, low: quantileSorted(reps, a), high: quantileSorted(reps, 1 - a), method: "bootstrap-stratified", level, n: labels.length, B, seed };
  if (est <= 0 || est >= 1) {
    // every resample of a perfectly separated sample is perfectly separated too: the percentile
    // interval is a point, so the open side comes from the score-type bound
    const [low, high] = aurocScoreBounds(est, posIdx.length, negIdx.length, normalQuantile(1 - a));
    out.low = Math.min(out.low, low);
    out.high = Math.max(out.high, high);
    out.note = "the sample is perfectly separated, so every resample is: the open end is the score-type bound (Newcombe 2006)";
  }
  return out;
}

/** Linear-interpolation quantile of sorted values. */
function quantileSorted(xs: Float64Array, p: number): number {
  if (xs.length === 0) return NaN;
  const h = (xs.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

/**
 * The ROC curve: one point per distinct score (descending thresholds), from
 * (0, 0) to (1, 1).
 *
 * @example
 * rocCurve([0.2, 0.9], [false, true]); // [{threshold: Infinity, tpr: 0, fpr: 0}, {threshold: 0.9, tpr: 1, fpr: 0}, {threshold: 0.2, tpr: 1, fpr: 1}]
 */
export function rocCurve(scores: readonly number[], labels: readonly boolean[]): RocPoint[] {
  check(scores, labels);
  const P = labels.filter(Boolean).length;
  const N = labels.length - P;
  const ord = order(scores).reverse();
  const out: RocPoint[] = [{ threshold: Infinity, tpr: 0, fpr: 0 }];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < ord.length) {
    const s = scores[ord[i]];
    while (i < ord.length && scores[ord[i]] === s) {
      if (labels[ord[i]]) tp++;
      else fp++;
      i++;
    }
    out.push({ threshold: s, tpr: P ? tp / P : NaN, fpr: N ? fp / N : NaN });
  }
  return out;
}
