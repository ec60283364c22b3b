/**
 * The rows of every figure kind, from a results folder's rows (a DataFrame
 * from `load`, plain rows, or samples), reading the conditions' and models'
 * factors as data (lib/experiments declares them; the manifest records
 * them): nothing is recovered from a name.
 *
 *   a  outcomes by tier: any run
 *   b  gap forest: at least two tiers
 *   c  three-tier decomposition: tiers free, pro and enterprise
 *   d  gap by scope × risk: conditions with `scope` and `risk` factors
 *   e  gap and AF rate by scenario: conditions with a `scenario` factor
 *      other than "baseline"
 *   f  base vs chat: conditions with a `model_kind` factor (base, chat), or
 *      models of one `family` of which one is a base model (`base_model`)
 *   g  post-training hypotheses: conditions with a `hypothesis` factor, next
 *      to a `reference` condition of the same model
 */
import type { RateRow } from "../schema/index";
import type { DecompositionRow, FigureRowSet, HypothesisRow, MetricRow, OutcomeRow, ScopeRiskRow } from "../figures/rows";
import { asRows, hasFactor, type RowsInput, type SampleRow } from "../frame/index";
import { getExperiment, experimentNames, type FigureKind } from "../experiments/index";
import type { RunManifest } from "../schema/index";
import { coverageStudy, independentContrastInterval, powerCurveRows, rateDifferenceInterval, rateInterval } from "../stats/index";
import { groupBy } from "../util/group";
import { gapTable, pairedTierCounts, rateTable } from "./tables";

export const FIGURE_KINDS: readonly FigureKind[] = ["a", "b", "c", "d", "e", "f", "g"];

/** What each figure kind draws, for notes and help. */
export const FIGURE_KIND_NAMES: Readonly<Record<FigureKind, string>> = {
  a: "outcomes by tier",
  b: "gap forest",
  c: "three-tier decomposition",
  d: "gap by deployment scope × risk",
  e: "gap and AF rate by scenario",
  f: "base vs chat",
  g: "post-training hypotheses",
};

/** True when the AF judge's verdict that counts is "af". */
const isAf = (r: SampleRow) => r.af_reasoning === "af";
/** True when the sample has a valid AF verdict. */
const afJudged = (r: SampleRow) => r.af_reasoning !== null && r.af_reasoning !== undefined;
/** True when the partial-compliance judge named a kind of partial compliance. */
const isPartial = (r: SampleRow) => typeof r.partial_compliance === "string" && r.partial_compliance !== "none";
const isReference = (r: SampleRow) => r.reference === true;

/**
 * Figure a rows (the Figure 1 layout): per (model, condition, tier) the six
 * outcome fractions (refusal, partial compliance and compliance, each with
 * and without AF reasoning by the judges' verdicts that count) and the
 * default CI of total compliance. Compliance is read from the tags; a
 * compliance the partial-compliance judge flags counts as partial.
 *
 * @example outcomeRows(await load("runs/demo")).find((r) => r.tier === "free")?.compliance_af
 */
export function outcomeRows(input: RowsInput): OutcomeRow[] {
  const ok = asRows(input).filter((r) => !r.failed);
  return [...groupBy(ok, (s) => `${s.model}\u0000${s.condition}\u0000${s.tier}`).values()].map((cell) => {
    const n = cell.length;
    const f = { refusal_no_af: 0, refusal_af: 0, partial_no_af: 0, partial_af: 0, compliance_no_af: 0, compliance_af: 0 };
    let complied = 0;
    for (const s of cell) {
      const kind = s.complied ? (isPartial(s) ? "partial" : "compliance") : "refusal";
      if (kind === "compliance") complied++;
      f[`${kind}_${isAf(s) ? "af" : "no_af"}` as keyof typeof f] += 1 / n;
    }
    const ci = rateInterval(complied, n);
    return { model: cell[0].model, condition: cell[0].condition, tier: cell[0].tier, n, ...f, compliance_ci_low: ci.low, compliance_ci_high: ci.high };
  });
}

/**
 * The AF rate of a cell (samples judged AF among all its samples) with the
 * default rate CI.
 * @example afRate(rows.filter((r) => r.tier === "free")).value
 */
export function afRate(cell: readonly SampleRow[]): { value: number; ci_low: number; ci_high: number; n: number; k: number } {
  const n = cell.length;
  const k = cell.filter(isAf).length;
  const ci = rateInterval(k, n);
  return { value: n ? k / n : NaN, ci_low: ci.low, ci_high: ci.high, n, k };
}

/**
 * AF count and n of one (model, condition) in one tier, over the samples
 * with a valid AF verdict.
 * @example afCounts(rows, { model: "sim-faker", condition: "baseline" }, "free") // { k, n }
 */
export function afCounts(input: RowsInput, arm: { model: string; condition: string }, tier = "free"): { k: number; n: number } {
  let k = 0;
  let n = 0;
  for (const r of asRows(input)) {
    if (r.failed || r.model !== arm.model || r.condition !== arm.condition || r.tier !== tier || !afJudged(r)) continue;
    n++;
    if (isAf(r)) k++;
  }
  return { k, n };
}

/** Options of `figureRows`. */
export interface FigureRowsOptions {
  /** The kinds to make; default every kind whose data is there. */
  kinds?: readonly FigureKind[];
  seed?: number;
}

/** Figure rows, and one note per asked-for kind that could not be made. */
export interface FigureRows {
  rows: FigureRowSet;
  notes: string[];
}

/**
 * The rows of every figure kind that applies (see the file comment).
 *
 * @example
 * const { rows, notes } = figureRows(await load("runs/grid"), { kinds: ["d"] });
 * drawFigures(rows);
 */
export function figureRows(input: RowsInput, opts: FigureRowsOptions = {}): FigureRows {
  const want = (k: FigureKind) => !opts.kinds || opts.kinds.includes(k);
  const asked = (k: FigureKind) => !!opts.kinds?.includes(k);
  const notes: string[] = [];
  const skip = (k: FigureKind, why: string) => {
    if (asked(k)) notes.push(`figure ${k} (${FIGURE_KIND_NAMES[k]}) skipped: ${why}`);
  };
  const ok = asRows(input).filter((r) => !r.failed);
  const out: FigureRowSet = {};
  const tiers = [...new Set(ok.map((s) => s.tier))];
  const conditions = [...new Set(ok.map((s) => s.condition))];
  const models = [...new Set(ok.map((s) => s.model))];
  const seed = opts.seed ?? 0;
  const gaps = gapTable(ok, { seed });
  const byCondition = new Map<string, SampleRow>();
  for (const r of ok) if (!byCondition.has(r.condition)) byCondition.set(r.condition, r);
  const factorOf = (condition: string, f: string) => byCondition.get(condition)?.[f];
  const noFactors = "no condition in this folder records it (folders written before conditions carried factors have none)";

  if (want("a")) {
    if (ok.length) {
      const tierOrder = ["free", "pro", "paid", "enterprise"].filter((t) => tiers.includes(t));
      out.a = { outcomes: outcomeRows(ok), rates: rateTable(ok, { seed }) as RateRow[], tierOrder };
    } else skip("a", "no samples");
  }
  if (want("b")) {
    if (tiers.length >= 2 && gaps.length) out.b = { gaps, sort: gaps.length > 8 };
    else skip("b", "it needs two tiers");
  }

  if (want("c")) {
    if (["free", "pro", "enterprise"].every((t) => tiers.includes(t))) {
      const rows: DecompositionRow[] = [];
      for (const [component, pair] of [["rater-sycophancy", ["pro", "enterprise"]], ["goal-guarding", ["free", "pro"]]] as const) {
        for (const g of gapTable(ok, { seed, tiers: [pair[0], pair[1]] })) {
          rows.push({ model: conditions.length > 1 ? `${g.model} · ${g.condition}` : g.model, component, value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
        }
      }
      if (rows.length) out.c = rows;
    } else skip("c", "it needs the tiers free, pro and enterprise");
  }

  if (want("d")) {
    const rows: ScopeRiskRow[] = [];
    for (const g of gaps) {
      const scope = factorOf(g.condition, "scope");
      const risk = factorOf(g.condition, "risk");
      if (typeof scope === "string" && typeof risk === "string") rows.push({ model: g.model, scope, risk, value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
    }
    if (rows.length) out.d = rows;
    else skip("d", hasFactor(ok, "scope") ? "no gap in a condition with both scope and risk" : `the scope and risk factors are missing: ${noFactors}`);
  }

  const firstTier = tiers.includes("free") ? "free" : tiers[0];
  const metricRows = (groupOf: (s: { model: string; condition: string }) => { model: string; group: string } | null): MetricRow[] => {
    const rows: MetricRow[] = [];
    for (const g of gaps) {
      const k = groupOf(g);
      if (k) rows.push({ ...k, metric: "gap", value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
    }
    for (const cell of groupBy(ok.filter((s) => s.tier === firstTier), (s) => `${s.model}\u0000${s.condition}`).values()) {
      const k = groupOf(cell[0]);
      if (!k || !cell.some(afJudged)) continue;
      const r = afRate(cell);
      rows.push({ ...k, metric: "af_rate", value: r.value, ci_low: r.ci_low, ci_high: r.ci_high, n: r.n });
    }
    return rows;
  };

  if (want("e")) {
    const scenario = (c: string) => factorOf(c, "scenario");
    if (conditions.some((c) => typeof scenario(c) === "string" && scenario(c) !== "baseline")) {
      const rows = metricRows((g) => {
        const s = scenario(g.condition);
        return typeof s === "string" ? { model: g.model, group: s } : null;
      });
      if (rows.length) out.e = rows;
    } else skip("e", hasFactor(ok, "scenario") ? "no condition has a scenario other than the baseline" : `the scenario factor is missing: ${noFactors}`);
  }

  if (want("f")) {
    const label = (m: string) => {
      const fam = ok.find((r) => r.model === m)?.family;
      return typeof fam === "string" ? fam : m;
    };
    const kinds = new Set(conditions.map((c) => factorOf(c, "model_kind")).filter((k) => typeof k === "string"));
    if (kinds.has("base") && kinds.has("chat")) {
      // base-model documents and chat prompts as conditions: the condition says which is which
      const rows = metricRows((g) => {
        const k = factorOf(g.condition, "model_kind");
        return k === "base" || k === "chat" ? { model: label(g.model), group: k } : null;
      });
      if (rows.length) out.f = rows;
    } else {
      // a base model and its chat version side by side: the models' factors pair them
      const fam = new Map<string, Set<boolean>>();
      for (const m of models) {
        const r = ok.find((x) => x.model === m)!;
        if (typeof r.family !== "string" || typeof r.base_model !== "boolean") continue;
        fam.set(r.family, (fam.get(r.family) ?? new Set()).add(r.base_model));
      }
      const paired = [...fam].filter(([, v]) => v.size === 2).map(([f]) => f);
      if (paired.length) {
        const references = conditions.filter((c) => factorOf(c, "reference") === true);
        const rows = metricRows((g) => {
          const r = ok.find((x) => x.model === g.model)!;
          if (!paired.includes(r.family as string)) return null;
          if (conditions.length > 1 && references.length && factorOf(g.condition, "reference") !== true) return null;
          return { model: r.family as string, group: r.base_model ? "base" : "chat" };
        });
        if (rows.length) out.f = rows;
      } else skip("f", hasFactor(ok, "model_kind") || hasFactor(ok, "family") ? "no base model next to its chat version" : `the model_kind factor (or the models' family) is missing: ${noFactors}`);
    }
  }

  if (want("g")) {
    const hyp = (c: string) => factorOf(c, "hypothesis");
    if (conditions.some((c) => typeof hyp(c) === "string") && tiers.length >= 2) {
      const rows: HypothesisRow[] = [];
      const pair: [string, string] = tiers.includes("free") && tiers.includes("paid") ? ["free", "paid"] : [tiers[0], tiers[1]];
      for (const model of models) {
        const mine = ok.filter((s) => s.model === model);
        const base = mine.filter(isReference);
        if (!base.length) continue;
        for (const cond of [...new Set(mine.map((s) => s.condition))]) {
          const h = hyp(cond);
          if (typeof h !== "string") continue;
          const inter = mine.filter((s) => s.condition === cond);
          const cb = pairedTierCounts(base, pair);
          const ci = pairedTierCounts(inter, pair);
          const nb = cb.n11 + cb.n10 + cb.n01 + cb.n00;
          const nI = ci.n11 + ci.n10 + ci.n01 + ci.n00;
          if (nb && nI) {
            const gb = gapTable(base, { seed, tiers: pair })[0];
            const gi = gapTable(inter, { seed, tiers: pair })[0];
            const d = independentContrastInterval(ci, cb);
            rows.push({
              hypothesis: h,
              model,
              metric: "gap",
              baseline: { value: gb.gap, ci_low: gb.ci_low, ci_high: gb.ci_high, n: gb.n_pairs },
              intervention: { value: gi.gap, ci_low: gi.ci_low, ci_high: gi.ci_high, n: gi.n_pairs },
              diff: { value: d.estimate, ci_low: d.low, ci_high: d.high },
            });
          }
          const bf = base.filter((s) => s.tier === pair[0]);
          const iff = inter.filter((s) => s.tier === pair[0]);
          if (bf.some(afJudged) && iff.some(afJudged)) {
            const ab = afRate(bf);
            const ai = afRate(iff);
            const d = rateDifferenceInterval(ai.k, ai.n, ab.k, ab.n);
            rows.push({ hypothesis: h, model, metric: "af_rate", baseline: ab, intervention: ai, diff: { value: d.estimate, ci_low: d.low, ci_high: d.high } });
          }
        }
      }
      if (rows.length) out.g = rows;
      else skip("g", "no hypothesis condition next to a reference condition of the same model");
    } else skip("g", hasFactor(ok, "hypothesis") ? "it needs two tiers" : `the hypothesis factor is missing: ${noFactors}`);
  }
  return { rows: out, notes };
}

/**
 * The figure kinds a results folder is drawn as: those its manifest records
 * (the experiment declared them), else those its experiment declares in the
 * catalog (folders written before the manifest recorded them), else null
 * (an ad-hoc run: every kind its data allows).
 */
export function declaredFigureKinds(manifest: RunManifest | null): FigureKind[] | null {
  const recorded = manifest?.figures?.filter((k): k is FigureKind => (FIGURE_KINDS as readonly string[]).includes(k));
  if (recorded?.length) return recorded;
  const name = manifest?.experiment;
  if (name && experimentNames().includes(name)) {
    const kinds = getExperiment(name).figures;
    if (kinds.length) return kinds;
  }
  return null;
}

/**
 * Figure i rows: exact coverage of the interval methods (rates; paired gaps
 * at 70% shared draws) and power curves of the paired gap test for four
 * effects, from the stats module alone (no run; about 3 s).
 *
 * @example drawFigures({ i: statisticsRows() });
 */
export function statisticsRows(opts: { simulateReps?: number; seed?: number } = {}): NonNullable<FigureRowSet["i"]> {
  const rows = coverageStudy();
  const shared = 0.7;
  return {
    coverageRates: rows.filter((r) => r.family === "rate"),
    coverageGaps: rows.filter((r) => r.family === "gap" && r.shared === shared),
    power: powerCurveRows(
      [
        [0.49, 0.35],
        [0.2, 0.1],
        [0.1, 0.05],
        [0.05, 0.01],
      ],
      { ns: [25, 50, 100, 200, 400, 800], shared, simulateReps: opts.simulateReps ?? 400, seed: opts.seed ?? 1 },
    ),
    shared,
  };
}
