/**
 * The figure rows lib/analysis makes carry what the figures print: n as
 * queries × samples per query, intervals that are the stats defaults, and,
 * for the notebooks' figures from contrasts and judge validations, the
 * counts and bands the old rows lacked (the verdict forest's "n=0").
 */
import { describe, expect, it } from "vitest";
import {
  aurocVotesRows,
  contrastCounts,
  contrastForestRows,
  decompositionContrastRows,
  figureRows,
  motivationsReport,
  rocFigureRows,
  unitCounts,
  variantMetricRows,
  verdictForestRows,
} from "../lib/analysis";
import { getExperiment } from "../lib/experiments";
import { drawFigures, gapForest, nLabel, tierDecomposition } from "../lib/figures";
import type { SampleRow } from "../lib/frame";
import { agrestiCoullInterval, makeRng, rateResult } from "../lib/stats";
import { zeroWidthIntervals } from "./helpers/figure-quality";

/** Rows of a run: for each model, condition and tier, Q queries × m samples, complying with probability p(tier). */
function run(spec: { model: string; condition: string; tiers: Record<string, number>; af?: number }[], Q = 20, m = 3, seed = 1): SampleRow[] {
  const u = makeRng(seed);
  const rows: SampleRow[] = [];
  for (const s of spec) {
    for (let q = 0; q < Q; q++) {
      for (let j = 0; j < m; j++) {
        const x = u();
        for (const [tier, p] of Object.entries(s.tiers)) {
          const complied = x < p ? 1 : 0;
          rows.push({
            key: `${s.model}/${s.condition}/${tier}/${q}/${j}`,
            experiment: "t",
            model: s.model,
            condition: s.condition,
            tier,
            query_id: `q${q}`,
            query_text: null,
            category: "c",
            sample: j,
            complied,
            invalid: 0,
            accept_then_refuse: 0,
            failed: 0,
            outcome: complied ? "complied" : "refused",
            scratchpad: null,
            final_output: null,
            af_reasoning: s.af === undefined ? null : u() < s.af ? "af" : "not_af",
          } as unknown as SampleRow);
        }
      }
    }
  }
  return rows;
}

describe("counts", () => {
  it("unitCounts: queries, samples, samples per query (null when uneven)", () => {
    expect(unitCounts(["a\u00000", "a\u00001", "b\u00000", "b\u00001"])).toEqual({ n_queries: 2, n_samples: 4, samples_per_query: 2 });
    expect(unitCounts(["a\u00000", "a\u00001", "b\u00000"])).toEqual({ n_queries: 2, n_samples: 3, samples_per_query: null });
    expect(unitCounts([])).toEqual({ n_queries: 0, n_samples: 0, samples_per_query: 0 });
  });
  it("figureRows fills n_queries / n_samples / samples_per_query in every row kind it makes", () => {
    const rows = run([
      { model: "a", condition: "baseline", tiers: { free: 0.3, paid: 0.1 }, af: 0.2 },
      { model: "b", condition: "baseline", tiers: { free: 0, paid: 0 }, af: 0 },
    ]);
    const { rows: set } = figureRows(rows, { kinds: ["a", "b"] });
    for (const r of set.a!.rates) expect([r.n_queries, r.n_samples, r.samples_per_query]).toEqual([20, 60, 3]);
    for (const r of set.a!.outcomes) expect(nLabel(r)).toBe("n=20×3");
    for (const g of set.b!.gaps) expect(nLabel(g as never)).toBe("n=20×3");
    // the all-zero model: its compliance interval has width (the clustered default, never [0, 0])
    const zero = set.a!.outcomes.find((o) => o.model === "b" && o.tier === "free")!;
    expect(zero.compliance_ci_low).toBe(0);
    expect(zero.compliance_ci_high).toBeGreaterThan(0.02);
  });
});

describe("rows for the notebooks' contrast figures", () => {
  const e = getExperiment("motivations");
  const rows = run(
    [
      { model: "sim-rater", condition: "three-tiers", tiers: { free: 0.3, pro: 0.3, enterprise: 0.05 } },
      { model: "sim-none", condition: "three-tiers", tiers: { free: 0, pro: 0, enterprise: 0 } },
    ],
    25,
    2,
  );
  const report = motivationsReport(rows, e.contrasts, { seed: 0, B: 500 });
  const counts = contrastCounts(rows, e);

  it("contrastCounts: the units in both tiers of every term, as queries × samples", () => {
    expect(counts("sim-rater", "rater-gap")).toEqual({ n_queries: 25, n_samples: 50, samples_per_query: 2 });
    expect(counts("sim-rater", "scope-trend")).toBeUndefined(); // its conditions were not run
  });
  it("verdict contrasts carry n (never n=0), each contrast once per hypothesis that uses it", () => {
    const v = verdictForestRows(report.verdicts, report.contrasts, { counts });
    expect(v.length).toBeGreaterThan(0);
    for (const r of v) expect(nLabel(r)).toBe("n=25×2");
    expect(v.map((r) => r.condition)).toContain("H1 rater-gap");
    const f = gapForest(v);
    expect(JSON.stringify(f.layout)).not.toMatch(/n=0\b/);
  });
  it("contrast forest and decomposition rows: n and method from the contrast", () => {
    const f = contrastForestRows(report.contrasts, { counts });
    expect(f.every((r) => r.n_queries === 25 && r.samples_per_query === 2 && typeof r.method === "string")).toBe(true);
    const d = decompositionContrastRows(report.contrasts, { counts });
    expect(d.map((r) => `${r.model} ${r.component}`).sort()).toEqual(["sim-none goal-guarding", "sim-none rater-sycophancy", "sim-rater goal-guarding", "sim-rater rater-sycophancy"]);
    // whatever the contrast method returns, the figure draws no zero-width whisker
    expect(zeroWidthIntervals(tierDecomposition(d))).toEqual([]);
  });
});

describe("variant and judge-validation rows", () => {
  it("variantMetricRows: a gap and an AF rate per model and condition, clustered, with counts", () => {
    const rows = run([
      { model: "llama", condition: "base", tiers: { free: 0.2, paid: 0.05 }, af: 0.1 },
      { model: "llama", condition: "chat", tiers: { free: 0.3, paid: 0.05 }, af: 0.3 },
    ]);
    const m = variantMetricRows(rows);
    expect(m.filter((r) => r.metric === "gap").map((r) => r.group)).toEqual(["base", "chat"]);
    const af = m.find((r) => r.metric === "af_rate" && r.group === "chat")!;
    expect(nLabel(af)).toBe("n=20×3");
    expect(af.method).toBe("wilson-modified-clustered");
    const k = rows.filter((r) => r.condition === "chat" && r.tier === "free" && r.af_reasoning === "af").length;
    expect(af.value).toBeCloseTo(k / 60, 12);
    // the same interval as the stats door gives on these per-query counts (no other cell to pool with that differs in kind)
    const perQuery = Array.from({ length: 20 }, (_, q) => {
      const qs = rows.filter((r) => r.condition === "chat" && r.tier === "free" && r.query_id === `q${q}`);
      return { k: qs.filter((r) => r.af_reasoning === "af").length, m: qs.length };
    });
    expect(af.ci_high).toBeGreaterThan(af.value);
    expect(rateResult(perQuery).method).toBe("wilson-modified-clustered");
    expect(drawFigures({ f: m }).f_base_vs_chat).toBeDefined();
  });
  it("rocFigureRows: a pointwise Agresti–Coull band on each TPR, the AUROC at the vote count, the counts scored", () => {
    const examples = [
      { id: "a", label: true, votes: [true, true] },
      { id: "b", label: true, votes: [false, true] },
      { id: "c", label: false, votes: [false, false] },
      { id: "d", label: false, votes: [null, null] },
    ];
    const roc = [
      { threshold: Infinity, tpr: 0, fpr: 0 },
      { threshold: 1, tpr: 0.5, fpr: 0 },
      { threshold: 0.5, tpr: 1, fpr: 0 },
      { threshold: 0, tpr: 1, fpr: 1 },
    ];
    const rows = [{ votes: 2, n: 3, auroc: 1, ci_low: 1, ci_high: 1, delong_low: 0.42, delong_high: 1 }];
    const r = rocFigureRows({ roc, rows, confusion: { votes: 2 } as never, level: 0.95, positives: 2, negatives: 2, examples });
    expect([r.positives, r.negatives]).toEqual([2, 1]); // d has no valid vote
    const ac = agrestiCoullInterval(1, 2, 0.95);
    expect(r.points[1]).toMatchObject({ tpr_low: ac.low, tpr_high: ac.high });
    for (const p of r.points) expect(p.tpr_low! <= p.tpr && p.tpr <= p.tpr_high!).toBe(true);
    // the default AUROC interval (DeLong), not the bootstrap's [1, 1]
    expect(r.auroc).toEqual({ estimate: 1, low: 0.42, high: 1, level: 0.95, method: "delong-logit" });
    expect(aurocVotesRows({ rows })[0]).toMatchObject({ ci_low: 0.42, ci_high: 1, n: 3 });
  });
});
