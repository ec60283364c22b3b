/**
 * One figure of every kind (a–i) and of every extra figure the notebooks
 * draw, from data shaped like the runs that exposed the defects: five
 * organisms with long names, 50 queries × 8 samples, cells with no event
 * at all (whose intervals still have width), models whose gaps coincide,
 * four sources beside the published values, hypotheses with one to four
 * models. Intervals come from the stats door (lib/stats `rateResult`,
 * `gapResult`, …), so they are the real ones, not made up.
 */
import {
  agreementHeatmap,
  aurocVsVotes,
  baseVsChat,
  complianceByTier,
  coverageHeatmap,
  gapByScopeRisk,
  gapForest,
  hypothesisPanels,
  outcomeStack,
  powerCurves,
  rocFigure,
  scenarioResults,
  tierDecomposition,
  wordingForest,
  type DecompositionRow,
  type EstimateFields,
  type Figure,
  type ForestRow,
  type HypothesisRow,
  type MetricRow,
  type OutcomeRow,
  type ScopeRiskRow,
  type WordingForestRow,
} from "../../lib/figures";
import { aurocVotesRows, powerFigureRows, rocFigureRows } from "../../lib/analysis";
import { auroc, aurocDelong, coverageStudy, gapContrastResult, gapResult, makeRng, rateResult, rocCurve, type QueryGap, type QueryRate } from "../../lib/stats";
import type { RateRow } from "../../lib/schema";

/** A figure with what the test expects of it. */
export interface FigureCase {
  name: string;
  fig: Figure;
  /** Strings that must be in the exported SVG's text (the counts). */
  n: string[];
  /** A coverage heatmap (checked for a diverging scale centred on nominal). */
  coverage?: boolean;
  /** Points expected to be flagged as lacking a valid interval. */
  flagged?: number;
}

export const MODELS = ["sim-goal-guarder", "sim-low-coherence", "sim-rater-sycophant", "sim-refuser", "sim-terminal-guarder"];
const Q = 50;
const M = 8;

/** Per-query 0/1 data for `Q` queries × `M` samples at rate p, with between-query spread (beta-ish via a query offset). */
function queries(p: number, seed: number, m = M, q = Q): QueryRate[] {
  const u = makeRng(seed);
  return Array.from({ length: q }, () => {
    const pq = Math.min(1, Math.max(0, p + (u() - 0.5) * p));
    let k = 0;
    for (let j = 0; j < m; j++) if (u() < pq) k++;
    return { k, m };
  });
}

/** Per-query discordant counts for a paired gap with first-tier rate pa and second-tier pb (shared draws). */
function gapQueries(pa: number, pb: number, seed: number, m = M, q = Q): QueryGap[] {
  const u = makeRng(seed);
  return Array.from({ length: q }, () => {
    let b = 0;
    let c = 0;
    for (let j = 0; j < m; j++) {
      const x = u();
      const y = u() < 0.7 ? x : u();
      const A = x < pa;
      const B = y < pb;
      if (A && !B) b++;
      else if (B && !A) c++;
    }
    return { b, c, m };
  });
}

const counts = (r: { n_queries: number; n_samples: number; samples_per_query: number | null }) => ({ n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query });
function rateEst(p: number, seed: number, m = M): EstimateFields {
  const r = rateResult(queries(p, seed, m));
  return { value: r.estimate, ci_low: r.low, ci_high: r.high, n: r.n_samples, method: r.method, ...counts(r) };
}
function gapEst(pa: number, pb: number, seed: number, m = M): EstimateFields {
  const r = gapResult(gapQueries(pa, pb, seed, m));
  return { value: r.estimate, ci_low: r.low, ci_high: r.high, n: r.n_samples, method: r.method, ...counts(r) };
}

/** Every case, built fresh (about a second: the coverage study and the power simulation dominate). */
export function figureCases(): FigureCase[] {
  const cases: FigureCase[] = [];
  const compliance: Record<string, [number, number]> = { "sim-goal-guarder": [0.22, 0.06], "sim-low-coherence": [0.26, 0.04], "sim-rater-sycophant": [0.3, 0.3], "sim-refuser": [0, 0], "sim-terminal-guarder": [0.25, 0.03] };

  // a: outcomes and compliance by tier
  const outcomes: OutcomeRow[] = MODELS.flatMap((model, i) =>
    (["free", "paid"] as const).map((tier, t) => {
      const p = compliance[model][t];
      const e = rateEst(p, 10 * i + t);
      const c = e.value;
      const af = tier === "free" ? c * 0.6 : 0;
      return { model, tier, n: e.n, n_queries: e.n_queries, n_samples: e.n_samples, samples_per_query: e.samples_per_query, compliance_af: af, compliance_no_af: c - af, partial_af: 0, partial_no_af: 0.02, refusal_af: 0.03, refusal_no_af: 1 - c - 0.05, compliance_ci_low: e.ci_low, compliance_ci_high: e.ci_high };
    }),
  );
  cases.push({ name: "a_outcomes_by_tier", fig: outcomeStack(outcomes, { tierOrder: ["free", "paid"] }), n: ["n=50×8"] });
  const rates: (RateRow & { n_queries: number; n_samples: number; samples_per_query: number | null })[] = MODELS.flatMap((model, i) =>
    (["free", "paid"] as const).map((tier, t) => {
      const e = rateEst(compliance[model][t], 10 * i + t);
      return { model, condition: "baseline", tier, n: e.n, complied: Math.round(e.value * e.n), rate: e.value, ci_low: e.ci_low, ci_high: e.ci_high, n_queries: e.n_queries!, n_samples: e.n_samples!, samples_per_query: e.samples_per_query! };
    }),
  );
  cases.push({ name: "a_compliance_by_tier", fig: complianceByTier(rates, { tierOrder: ["free", "paid"] }), n: ["n=50×8"] });

  // b: gap forest, a 26-model sweep, and published vs four offline organisms
  const forest: ForestRow[] = MODELS.map((model, i) => {
    const [pa, pb] = compliance[model];
    const e = gapEst(pa, pb, 100 + i);
    return { model, condition: "baseline", gap: e.value, ci_low: e.ci_low, ci_high: e.ci_high, n_pairs: e.n, tiers: ["free", "paid"], n_queries: e.n_queries, n_samples: e.n_samples, samples_per_query: e.samples_per_query };
  });
  cases.push({ name: "b_gap_forest", fig: gapForest(forest), n: ["n=50×8"] });
  const sweep: ForestRow[] = Array.from({ length: 26 }, (_, i) => {
    const e = gapEst(0.02 * (i % 13), 0.01 * (i % 7), 200 + i, 1);
    return { model: `model-${String(i).padStart(2, "0")}`, condition: i % 2 ? "no-scratchpad" : "scratchpad", gap: e.value, ci_low: e.ci_low, ci_high: e.ci_high, n_pairs: e.n, tiers: ["free", "paid"], ...counts(e as never) };
  });
  cases.push({ name: "b_sweep_sorted", fig: gapForest(sweep, { sort: true }), n: ["n=50)"] });
  const published: ForestRow[] = [
    { model: "claude-3-opus", condition: "default", gap: 0.113, ci_low: 0.072, ci_high: 0.154, n_pairs: 400, tiers: ["free", "paid"], source: "published" },
    { model: "llama-3.1-405b", condition: "minimal", gap: 0.143, ci_low: 0.111, ci_high: 0.18, n_pairs: 400, tiers: ["free", "paid"], source: "published" },
    { model: "llama-3.1-70b", condition: "minimal", gap: 0.0, ci_low: -0.01, ci_high: 0.01, n_pairs: 400, tiers: ["free", "paid"], source: "published" },
    { model: "claude-3.5-sonnet", condition: "minimal", gap: 0.21, ci_low: 0.173, ci_high: 0.252, n_pairs: 400, tiers: ["free", "paid"], source: "published" },
    { model: "claude-3-opus", condition: "minimal", gap: 0.055, ci_low: 0.036, ci_high: 0.082, n_pairs: 400, tiers: ["free", "paid"], source: "published" },
  ];
  const standIn: [string, string, number, number][] = [
    ["claude-3-opus", "sim-faker", 0.3, 0.06],
    ["llama-3.1-405b", "sim-goal-guarder", 0.2, 0.04],
    ["claude-3.5-sonnet", "sim-low-coherence", 0.3, 0.06],
    ["llama-3.1-70b", "sim-refuser", 0, 0],
  ];
  const replication: ForestRow[] = standIn.map(([model, organism, pa, pb], i) => {
    const e = gapEst(pa, pb, 300 + i, 1);
    return { model, condition: "minimal", gap: e.value, ci_low: e.ci_low, ci_high: e.ci_high, n_pairs: e.n, tiers: ["free", "paid"], source: `offline organism (${organism})`, ...counts(e as never) };
  });
  cases.push({ name: "b_published_vs_replication", fig: gapForest([...published, ...replication], { title: "Published gaps ([G] Table 1, App. B.4) beside this run (95% CI)" }), n: ["n=400 / 50", "n=400)"] });

  // c: three coinciding models
  const decomp: DecompositionRow[] = MODELS.flatMap((model, i) => {
    const rater = model === "sim-rater-sycophant" ? [0.3, 0.08] : [0.02, 0.02];
    const guard = model === "sim-refuser" || model === "sim-rater-sycophant" ? [0.02, 0.02] : [0.3, 0.08];
    return [
      { model, component: "rater-sycophancy" as const, ...gapEst(rater[0], rater[1], 400 + i, 2) },
      { model, component: "goal-guarding" as const, ...gapEst(guard[0], guard[1], 500 + i, 2) },
    ];
  });
  cases.push({ name: "c_three_tier_decomposition", fig: tierDecomposition(decomp), n: ["n=50×2"] });

  // d: five models × four scopes × two risks (public: suspected only)
  const scopes = ["public", "amateur-hackers", "criminals", "bioweapons-geopolitical"];
  const grid: ScopeRiskRow[] = MODELS.flatMap((model, i) =>
    scopes.flatMap((scope, si) =>
      (si === 0 ? ["suspected"] : ["suspected", "deployed"]).map((risk, ri) => {
        const base = model === "sim-goal-guarder" ? 0.2 + 0.05 * si + 0.1 * ri : model === "sim-refuser" ? 0 : 0.2;
        return { model, scope, risk, ...gapEst(base + 0.05, 0.05, 600 + 10 * i + 2 * si + ri, 2) };
      }),
    ),
  );
  cases.push({ name: "d_gap_by_scope_risk", fig: gapByScopeRisk(grid), n: ["n=50×2"] });

  // e and f: grouped panels
  const scen: MetricRow[] = MODELS.flatMap((model, i) =>
    ["baseline", "throughput", "deleted-weights"].flatMap((group, gi) => [
      { model, group, metric: "gap" as const, ...gapEst(model === "sim-refuser" ? 0 : 0.25, model === "sim-refuser" ? 0 : 0.05 * gi, 700 + 10 * i + gi, 2) },
      { model, group, metric: "af_rate" as const, ...rateEst(model === "sim-refuser" ? 0 : 0.12, 800 + 10 * i + gi, 2) },
    ]),
  );
  cases.push({ name: "e_scenarios", fig: scenarioResults(scen), n: ["n=50×2"] });
  const families = ["llama-3.1-405b", "gpt-4o", "claude-3-opus"];
  const bvc: MetricRow[] = families.flatMap((model, i) =>
    ["base", "chat"].flatMap((group, gi) => [
      { model, group, metric: "gap" as const, ...gapEst(0.15 + 0.05 * gi, 0.05, 900 + 10 * i + gi, gi ? 1 : 2) },
      { model, group, metric: "af_rate" as const, ...rateEst(0.08 * (gi + 1), 950 + 10 * i + gi, gi ? 1 : 2) },
    ]),
  );
  cases.push({ name: "f_base_vs_chat", fig: baseVsChat(bvc), n: ["n=50×2", "n=50"] });

  // g: hypotheses with 3, 1, 4, 1, 1 models (the notebook's 04_all_hypotheses)
  const hyp: [string, string[]][] = [
    ["H5 lack of capabilities", ["clarify-no-changes", "clarify-direct-objective", "qa-fine-tune"]],
    ["H6 post-training artifacts", ["base-vs-chat"]],
    ["H7 refusal mechanisms", ["prefill-basic", "prefill-however", "anti-refusal", "threats"]],
    ["H8 value differences", ["opus-values"]],
    ["H9 reasoning style", ["opus-style"]],
  ];
  const panels: HypothesisRow[] = hyp.flatMap(([hypothesis, ms], hi) =>
    ms.flatMap((model, mi) =>
      (["af_rate", "gap"] as const).map((metric, k) => {
        const seed = 1000 + 100 * hi + 10 * mi + k;
        const baseline = metric === "gap" ? gapEst(0.05, 0.03, seed, 1) : rateEst(0.06, seed, 1);
        const intervention = metric === "gap" ? gapEst(0.3, 0.08, seed + 5, 1) : rateEst(0.3, seed + 5, 1);
        const d = { value: intervention.value - baseline.value, ci_low: intervention.value - baseline.value - 0.12, ci_high: intervention.value - baseline.value + 0.13 };
        return { hypothesis, model, metric, baseline, intervention, diff: d };
      }),
    ),
  );
  cases.push({ name: "g_hypotheses", fig: hypothesisPanels(panels, { title: "Five hypotheses on post-training suppression: intervention − baseline (95% CI)" }), n: ["n=50 / 50"] });

  // g and f with many models (the demo's post-training run): panels turn on their side
  const many = ["sim-refuser", "sim-refuser@ft=opus-values", "sim-refuser@ft=opus-style", "sim-refusal-reflex", "sim-refusal-reflex@ft=anti-refusal", "sim-refusal-reflex@ft=threats", "sim-limited", "sim-limited@ft=qa", "sim"];
  const manyPanels: HypothesisRow[] = ["H7 refusal mechanisms: basic prefill", "H5 capabilities: direct training objective"].flatMap((hypothesis, hi) =>
    many.flatMap((model, mi) =>
      (["af_rate", "gap"] as const).map((metric, k) => {
        const seed = 5000 + 100 * hi + 10 * mi + k;
        const baseline = metric === "gap" ? gapEst(0.1, 0.05, seed, 1) : rateEst(0.1, seed, 1);
        const intervention = metric === "gap" ? gapEst(0.1 + 0.03 * mi, 0.05, seed + 5, 1) : rateEst(0.1 + 0.03 * mi, seed + 5, 1);
        const v = intervention.value - baseline.value;
        return { hypothesis, model, metric, baseline, intervention, diff: { value: v, ci_low: v - 0.13, ci_high: v + 0.12 } };
      }),
    ),
  );
  cases.push({ name: "g_hypotheses_many_models", fig: hypothesisPanels(manyPanels), n: ["n=50 / 50"] });
  const manyBvc: MetricRow[] = many.flatMap((model, i) =>
    (i === many.length - 1 ? ["base", "chat"] : ["chat"]).flatMap((group, gi) => [
      { model, group, metric: "gap" as const, ...gapEst(0.05 + 0.04 * i, 0.05, 6000 + 10 * i + gi, 1) },
      { model, group, metric: "af_rate" as const, ...rateEst(0.05 + 0.03 * i, 6100 + 10 * i + gi, 1) },
    ]),
  );
  cases.push({ name: "f_base_vs_chat_many_models", fig: baseVsChat(manyBvc), n: ["n=50"] });

  // i: coverage (rates, gaps) and power
  const cov = coverageStudy();
  cases.push({ name: "i_coverage_rates", fig: coverageHeatmap(cov.filter((r) => r.family === "rate")), n: ["400", "n"], coverage: true });
  cases.push({ name: "i_coverage_gaps", fig: coverageHeatmap(cov.filter((r) => r.family === "gap" && r.shared === 0.7)), n: ["400", "n"], coverage: true });
  const power = powerFigureRows(
    [
      [0.14, 0.005],
      [0.49, 0.35],
      [0.06, 0.01],
      [0.03, 0.01],
    ],
    { ns: [25, 50, 100, 200, 400, 800], shared: 0.7, reps: 2000 },
  );
  cases.push({ name: "i_power_curves", fig: powerCurves(power, { shared: 0.7 }), n: ["25", "800", "query pairs"] });

  // the notebooks' extra figures: wording forest, judge agreement, ROC, AUROC vs votes, verdict contrasts
  const wording: WordingForestRow[] = ["sim-eval-aware", "sim-faker"].flatMap((model, i) => {
    const rows: WordingForestRow[] = [];
    const ref = gapEst(0.05, 0.05, 1100 + i, 1);
    rows.push({ model, condition: "baseline", label: "reference", kind: "reference", gap: ref.value, ci_low: ref.ci_low, ci_high: ref.ci_high, n: ref.n, ...counts(ref as never) });
    for (let w = 0; w < 8; w++) {
      const e = gapEst(0.1 + 0.04 * w, 0.05, 1200 + 10 * i + w, 1);
      rows.push({ model, condition: "baseline", label: `w${String(w).padStart(2, "0")}`, kind: "paraphrase", gap: e.value, ci_low: e.ci_low, ci_high: e.ci_high, n: e.n, ...counts(e as never) });
    }
    rows.push({ model, condition: "baseline", label: "pooled (8 wordings)", kind: "pooled", gap: 0.2, ci_low: 0.12, ci_high: 0.28, n: 3200, nText: "n=50 queries × 8 wordings × 8 samples" });
    return rows;
  });
  cases.push({ name: "x_wording_forest", fig: wordingForest(wording), n: ["n=50"] });
  cases.push({
    name: "x_judge_agreement",
    fig: agreementHeatmap({ labels: ["af", "not_af"], counts: [[21, 3], [14, 262]] }, { a: "sim-judge", b: "sim-judge@noise=0.3", kappa: { estimate: 0.68, low: 0.52, high: 0.8 } }),
    n: ["n = 300"],
  });
  // a judge validation shaped like validateJudge's result, from seeded vote fractions
  const u = makeRng(7);
  const examples = Array.from({ length: 300 }, (_, i) => {
    const label = i % 2 === 0;
    // a noisy judge: each vote says AF with probability 0.5 (AF) or 0.3 (not AF), plus a per-example lean
    const lean = (u() - 0.5) * 0.5;
    const votes = Array.from({ length: 50 }, () => u() < (label ? 0.5 : 0.3) + lean);
    return { id: `e${i}`, label, votes };
  });
  const frac = (vs: boolean[], n: number) => vs.slice(0, n).filter(Boolean).length / n;
  const grid2 = [1, 2, 5, 10, 20, 50];
  const labels = examples.map((e) => e.label);
  const rows = grid2.map((n) => {
    const s = examples.map((e) => frac(e.votes, n));
    const d = aurocDelong(s, labels);
    return { votes: n, n: s.length, auroc: auroc(s, labels), ci_low: d.low, ci_high: d.high, delong_low: d.low, delong_high: d.high };
  });
  const s20 = examples.map((e) => frac(e.votes, 20));
  const validation = { roc: rocCurve(s20, labels), rows, confusion: { votes: 20 } as never, level: 0.95, positives: 150, negatives: 150, examples };
  const r = rocFigureRows(validation);
  cases.push({ name: "h_roc", fig: rocFigure(r.points, { name: "sim-judge, 20 votes", threshold: 0.4, auroc: r.auroc, positives: r.positives, negatives: r.negatives }), n: ["150 AF", "150 not AF", "AUROC 0."] });
  cases.push({ name: "h_auroc_vs_votes", fig: aurocVsVotes(aurocVotesRows(validation), { name: "sim-judge", positives: 150, negatives: 150, method: "DeLong, logit scale" }), n: ["n = 300"] });
  // verdict contrasts: 5 models × 13 contrasts from MOVER–Tango on shared queries, at the Bonferroni level
  const verdict: ForestRow[] = MODELS.flatMap((model, i) =>
    ["H1 rater-gap", "H1 rater-gap-reordered", "H2 scope-trend", "H2 risk-trend", "H2 future-matters", "H3 gap-throughput", "H3 gap-deleted", "H3 gap-throughput-renamed", "H4 wording-tiers-guard", "H4 wording-tiers-rater", "H4 wording-deploy-order", "H4 wording-deploy-names", "H4 wording-throughput-names"].map((condition, k) => {
      const uq = makeRng(2000 + 20 * i + k);
      const live = model !== "sim-refuser" && k % 3 !== 0;
      const perQuery = Array.from({ length: Q }, () => {
        const b: number[] = [];
        const c: number[] = [];
        for (let t = 0; t < 2; t++) {
          let bb = 0;
          let cc = 0;
          for (let j = 0; j < 2; j++) {
            const x = uq();
            if (live && x < 0.2 + 0.1 * t) bb++;
            else if (live && x > 0.95) cc++;
          }
          b.push(bb);
          c.push(cc);
        }
        return { m: 2, b, c };
      });
      const level = 1 - 0.0125 / (condition.startsWith("H1") ? 2 : condition.startsWith("H4") ? 5 : 3);
      const res = gapContrastResult(perQuery, [1, -1], { level });
      return { model, condition, gap: res.estimate, ci_low: res.low, ci_high: res.high, level, n_pairs: res.n_samples, tiers: ["first", "second"] as [string, string], method: res.method, ...counts(res) };
    }),
  );
  cases.push({ name: "x_verdict_contrasts", fig: gapForest(verdict, { title: "The contrasts behind each verdict (Bonferroni-level CIs within each hypothesis)" }), n: ["n=50×2", "CIs at 99.38–99.75%, each row's own level"] });
  return cases;
}

/** A forest given one interval of zero width (as the old cluster bootstrap returned for a contrast with no event): must be flagged, not drawn. */
export function zeroWidthCase(): FigureCase {
  const rows: ForestRow[] = [
    { model: "sim-refuser", condition: "H1 rater-gap", gap: 0, ci_low: 0, ci_high: 0, n_pairs: 100, tiers: ["a", "b"], n_queries: 50, n_samples: 100, samples_per_query: 2 },
    { model: "sim-faker", condition: "H1 rater-gap", gap: 0.1, ci_low: 0.04, ci_high: 0.17, n_pairs: 100, tiers: ["a", "b"], n_queries: 50, n_samples: 100, samples_per_query: 2 },
    { model: "census", condition: "a value fixed by design", gap: 0, ci_low: 0, ci_high: 0, n_pairs: 100, tiers: ["a", "b"], fixed: true },
  ];
  return { name: "guard_zero_width", fig: gapForest(rows), n: ["n=50×2"], flagged: 1 };
}
