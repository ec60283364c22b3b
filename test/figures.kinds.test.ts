import { describe, expect, it } from "vitest";
import {
  baseVsChat,
  coverageHeatmap,
  figureSummary,
  figureTitle,
  gapByScopeRisk,
  gapForest,
  hypothesisPanels,
  OKABE_ITO,
  outcomeStack,
  powerCurves,
  scenarioResults,
  tierDecomposition,
  type MetricRow,
  type OutcomeRow,
} from "../lib/figures";
import { coverageStudy, powerCurveRows } from "../lib/stats";

const est = (value: number, n = 100) => ({ value, ci_low: value - 0.05, ci_high: value + 0.07, n });
const json = (x: unknown) => JSON.stringify(x);

describe("a: outcomeStack", () => {
  const row = (model: string, tier: string, c: number, caf: number): OutcomeRow => ({
    model,
    tier,
    n: 200,
    refusal_no_af: 1 - c - caf - 0.1,
    refusal_af: 0.05,
    partial_no_af: 0.03,
    partial_af: 0.02,
    compliance_no_af: c,
    compliance_af: caf,
    compliance_ci_low: c + caf - 0.04,
    compliance_ci_high: c + caf + 0.05,
  });
  const f = outcomeStack([row("m1", "paid", 0.05, 0), row("m1", "free", 0.1, 0.08), row("m2", "free", 0.02, 0)], { tierOrder: ["free", "paid"] });
  it("stacks six hatched/solid segments per (model, tier) on a model × tier axis, with a compliance CI whisker", () => {
    const bars = f.data.filter((t) => t.type === "bar");
    expect(bars).toHaveLength(6);
    // n under each bar, so the PNG and SVG carry it
    expect(bars[0].x).toEqual([
      ["m1", "m1", "m2"],
      ["free<br>n=200", "paid<br>n=200", "free<br>n=200"],
    ]);
    expect(bars[0].y[0]).toBeCloseTo(8, 10); // compliance_af of m1/free, in %
    expect(bars.filter((b) => b.marker.pattern?.shape === "/")).toHaveLength(3);
    const ci = f.data.find((t) => t.type === "scatter")!;
    expect(ci.y[0]).toBeCloseTo(18, 10);
    expect(ci.error_y.array[0]).toBeCloseTo(5, 10);
    expect(ci.error_y.arrayminus[0]).toBeCloseTo(4, 10);
    expect(json(ci.customdata)).toContain("n=200");
    expect(f.layout.barmode).toBe("stack");
    expect(figureTitle(f)).toMatch(/Refusal, partial compliance and compliance by tier/);
  });
  it("refuses fractions that do not sum to 1", () => {
    expect(() => outcomeStack([{ ...row("m", "free", 0.1, 0), refusal_no_af: 0.1 }])).toThrow(/sum to/);
  });
});

describe("b: gapForest at scale, with published values", () => {
  const rows = Array.from({ length: 26 }, (_, i) => ({ model: `model-${i}`, condition: "default", gap: i / 100, ci_low: i / 100 - 0.03, ci_high: i / 100 + 0.04, n_pairs: 100, tiers: ["free", "paid"] as [string, string] }));
  it("grows with the number of models and sorts on request", () => {
    const f = gapForest(rows, { sort: true });
    expect(f.layout.height as number).toBeGreaterThanOrEqual(26 * 26);
    expect((f.layout.yaxis as any).ticktext[0]).toBe("model-25 (n=100)");
    expect(f.data[0].x[0]).toBeCloseTo(25, 10);
  });
  it("draws a published row beside the replication on the same line, as its own legend entry", () => {
    const f = gapForest([rows[3], { ...rows[3], gap: 0.143, ci_low: 0.11, ci_high: 0.18, n_pairs: 400, source: "published" }]);
    expect(f.data.map((t) => t.name)).toEqual(["replication", "published"]);
    expect(f.data[0].y[0]).toBeLessThan(f.data[1].y[0]);
    expect(Math.abs(f.data[0].y[0] - f.data[1].y[0])).toBeLessThan(0.5);
    expect(f.data[1].marker.color).toBe(OKABE_ITO.blue);
    expect((f.layout.yaxis as any).ticktext[0]).toBe("model-3 (n=100 / 400)");
    expect(figureTitle(f)).toMatch(/\(replication \/ published\)/);
  });
});

describe("c–g", () => {
  it("c: decomposition plots (Pro − Enterprise, Free − Pro) with both whiskers", () => {
    const f = tierDecomposition([
      { model: "m", component: "rater-sycophancy", ...est(0.01, 400) },
      { model: "m", component: "goal-guarding", ...est(0.12, 400) },
      { model: "lonely", component: "goal-guarding", ...est(0.1) },
    ]);
    expect(f.data).toHaveLength(1);
    expect(f.data[0].x[0]).toBeCloseTo(1, 10);
    expect(f.data[0].y[0]).toBeCloseTo(12, 10);
    expect(f.data[0].error_x.array[0]).toBeCloseTo(7, 10);
    expect(f.data[0].error_y.arrayminus[0]).toBeCloseTo(5, 10);
    expect(json(f.data[0].customdata)).toContain("400");
    expect(figureTitle(f)).toMatch(/goal-guarding gap vs rater-sycophancy gap/);
  });
  it("d: one panel per model, one line per risk, scopes in stake order", () => {
    const rows = ["m1", "m2"].flatMap((model) =>
      ["criminals", "public"].flatMap((scope) => ["suspected", "deployed"].map((risk) => ({ model, scope, risk, ...est(scope === "public" ? 0.02 : 0.1, 400) }))),
    );
    const f = gapByScopeRisk(rows);
    expect(f.data).toHaveLength(4);
    // scopes in stake order, risks side by side at each
    expect(f.data[0].x.map((x: number) => +x.toFixed(9))).toEqual([-0.07, 0.93]);
    expect(f.data[1].x.map((x: number) => +x.toFixed(9))).toEqual([0.07, 1.07]);
    expect(f.data[2].xaxis).toBe("x2");
    // n in each panel's title (the same for every point), in the static image
    expect((f.layout.annotations as any[]).map((a) => a.text)).toEqual(["m1 · n=400 per point", "m2 · n=400 per point"]);
    expect(json(f.data[0].customdata)).toMatch(/n=400/);
    expect((f.layout.xaxis as any).ticktext).toEqual(["public", "criminals"]);
    expect(f.data[0].error_y.color).toBe(f.data[0].marker.color);
  });
  it("e and f: gap and AF panels with one series per group", () => {
    const rows: MetricRow[] = ["baseline", "throughput"].flatMap((group) => [
      { model: "m", group, metric: "gap" as const, ...est(0.1) },
      { model: "m", group, metric: "af_rate" as const, ...est(0.12) },
    ]);
    const e = scenarioResults(rows);
    expect(e.data).toHaveLength(4);
    expect(e.data.map((t) => t.name)).toEqual(["scenario: baseline", "scenario: throughput", "scenario: baseline", "scenario: throughput"]);
    expect(e.data[2].yaxis).toBe("y2");
    expect(figureTitle(e)).toMatch(/Terminal goal guarding/);
    const f = baseVsChat(rows.map((r) => ({ ...r, group: r.group === "baseline" ? "chat" : "base" })));
    expect(f.data[0].name).toBe("variant: base");
    expect(figureTitle(f)).toMatch(/Base vs chat/);
  });
  it("g: a column per hypothesis, a row per metric, Δ with its CI in the tick labels", () => {
    const mk = (hypothesis: string, metric: "gap" | "af_rate") => ({ hypothesis, model: "gpt-4o", metric, baseline: est(0), intervention: est(0.2), diff: { value: 0.2, ci_low: 0.12, ci_high: 0.28 } });
    const f = hypothesisPanels([mk("H7 anti-refusal", "af_rate"), mk("H7 anti-refusal", "gap"), mk("H8 values", "af_rate"), mk("H8 values", "gap")]);
    expect(f.data).toHaveLength(8);
    expect((f.layout.xaxis as any).ticktext[0]).toMatch(/Δ \+20\.0 pp of rate<br>\[\+12\.0, \+28\.0\]<br>n=100 \/ 100/);
    expect((f.layout.annotations as any[]).map((a) => a.text)).toEqual(["H7 anti-refusal", "H8 values"]);
    expect(f.data[1].marker.color).toBe(OKABE_ITO.vermillion);
  });
});

describe("i: coverage heatmap and power curves", () => {
  it("heatmap panels per method, coloured by coverage − each method's nominal level on one scale centred on 0, coverage printed", () => {
    const rows = coverageStudy({ gapMethods: [], rateMethods: ["wilson-modified", "wald-1se"], ns: [50, 100], ps: [0.01, 0.2] });
    const f = coverageHeatmap(rows);
    expect(f.data).toHaveLength(2);
    expect(f.data[0]).toMatchObject({ type: "heatmap", coloraxis: "coloraxis", x: ["p=0.01", "p=0.2"], y: ["50", "100"] });
    const cov = rows.find((r) => r.method === "wald-1se" && r.n === 50 && r.p === 0.01)!;
    expect(f.data[1].z[0][0]).toBeCloseTo(100 * (cov.coverage - cov.nominal), 10);
    expect(f.data[1].text[0][0]).toBe((100 * cov.coverage).toFixed(1));
    expect(f.layout.coloraxis).toMatchObject({ cmin: -10, cmax: 10 });
    expect((f.layout.annotations as any[])[1].text).toMatch(/nominal 68%/);
  });
  it("power curves: exact lines and simulated markers", () => {
    const f = powerCurves(powerCurveRows([[0.49, 0.35]], { ns: [50, 100], shared: 0.7, simulateReps: 100, seed: 2 }), { shared: 0.7 });
    expect(f.data.map((t) => t.mode)).toEqual(["lines", "markers"]);
    expect(f.data[0].y[1]).toBeGreaterThan(f.data[0].y[0]);
    expect(figureSummary(f)).toMatch(/Power to detect a compliance gap/);
  });
});
