import { describe, expect, it } from "vitest";
import { baseLayout, complianceByTier, figureSummary, figureTitle, gapForest, OKABE_ITO, PALETTE, seriesColors } from "../lib/figures";
import type { GapRow, RateRow } from "../lib/schema";
import { AfwError } from "../lib/util/errors";
import { contrastOnWhite } from "./helpers/figure-quality";

const row = (model: string, condition: string, tier: string, n: number, complied: number, lo: number, hi: number): RateRow => ({
  model,
  condition,
  tier,
  n,
  complied,
  rate: complied / n,
  ci_low: lo,
  ci_high: hi,
});

const oneCondition: RateRow[] = [
  row("alpha", "default", "free", 50, 12, 0.14, 0.36),
  row("alpha", "default", "paid", 50, 5, 0.02, 0.18),
  row("beta", "default", "free", 40, 30, 0.62, 0.875),
  row("beta", "default", "paid", 40, 22, 0.4, 0.7),
];

describe("style", () => {
  it("uses the Okabe–Ito palette without its yellow, then more colours, all visible on white, and one font", () => {
    const { yellow, ...rest } = OKABE_ITO;
    expect(PALETTE.slice(0, 7).sort()).toEqual(Object.values(rest).sort());
    expect(PALETTE).not.toContain(yellow);
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
    expect(PALETTE.length).toBeGreaterThanOrEqual(15);
    for (const c of PALETTE) expect(contrastOnWhite(c), c).toBeGreaterThanOrEqual(2);
    const l = baseLayout({ title: { text: "x" } }) as any;
    expect(l.font.family).toMatch(/DejaVu Sans/);
    expect(l.colorway).toEqual([...PALETTE]);
    expect(l.title.text).toBe("x");
    expect(l.title.xanchor).toBe("left"); // deep merge keeps base keys
  });
  it("gives tiers fixed colours and others distinct palette colours", () => {
    expect(seriesColors(["paid", "free"])).toEqual([OKABE_ITO.blue, OKABE_ITO.orange]);
    const c = seriesColors(["free", "x", "y", "paid"]);
    expect(new Set(c).size).toBe(4);
    expect(c[0]).toBe(OKABE_ITO.orange);
    expect(c[3]).toBe(OKABE_ITO.blue);
  });
});

describe("complianceByTier", () => {
  const fig = complianceByTier(oneCondition);
  it("has one bar trace per tier, one bar per (model, tier) category", () => {
    expect(fig.data.map((t) => t.name)).toEqual(["free", "paid"]);
    expect(fig.data.every((t) => t.type === "bar")).toBe(true);
    expect(fig.layout.barmode).toBe("overlay");
    expect(fig.data[0].x).toEqual([
      ["alpha", "beta"],
      ["free<br>n=50", "free<br>n=40"],
    ]);
    expect((fig.layout.xaxis as any).type).toBe("multicategory");
    expect(fig.data[0].marker.color).toBe(OKABE_ITO.orange);
    expect(fig.data[1].marker.color).toBe(OKABE_ITO.blue);
  });
  it("plots rates in % with asymmetric whiskers from the CI", () => {
    const free = fig.data[0];
    expect(free.y[0]).toBeCloseTo(24, 12);
    expect(free.y[1]).toBeCloseTo(75, 12);
    expect(free.error_y.symmetric).toBe(false);
    expect(free.error_y.array[0]).toBeCloseTo((0.36 - 0.24) * 100, 12);
    expect(free.error_y.arrayminus[0]).toBeCloseTo((0.24 - 0.14) * 100, 12);
    expect(free.error_y.array[1]).toBeCloseTo((0.875 - 0.75) * 100, 12);
    expect(free.error_y.arrayminus[1]).toBeCloseTo((0.75 - 0.62) * 100, 12);
  });
  it("prints n under each bar (queries × samples per query when the rows carry the counts) and in the hover", () => {
    expect(fig.data[0].hovertemplate).toMatch(/%\{customdata\[3\]\}/);
    expect(fig.data[0].customdata[1]).toEqual(["beta", "default", 30, "n=40", 62, 87.5, ""]);
    const counted = complianceByTier(oneCondition.map((r) => ({ ...r, n_queries: r.n / 2, n_samples: r.n, samples_per_query: 2 })));
    expect(counted.data[1].x[1]).toEqual(["paid<br>n=25×2", "paid<br>n=20×2"]);
    expect(figureTitle(counted)).toMatch(/n = queries × samples per query/);
  });
  it("has a title saying what is shown, and axis titles; a caller's title keeps the key line", () => {
    expect(figureTitle(fig)).toMatch(/Compliance rate by tier/);
    expect(figureTitle(fig)).toMatch(/95% CI/);
    expect((fig.layout.yaxis as any).title.text).toMatch(/compliance rate \(%\)/);
    expect(figureTitle(complianceByTier(oneCondition, { title: "Mine" }))).toMatch(/^Mine<br><sup>bars: % complied/);
  });
  it("puts model · condition on x when there are several conditions, drawing only the bars there are", () => {
    const rows = [...oneCondition, row("alpha", "no-cot", "free", 30, 3, 0.0, 0.2)];
    const f = complianceByTier(rows);
    expect(f.data[0].x[0]).toEqual(["alpha · default", "beta · default", "alpha · no-cot"]);
    expect(f.data[1].x[0]).toEqual(["alpha · default", "beta · default"]);
    expect(figureTitle(f)).toMatch(/condition/);
  });
  it("refuses duplicate cells", () => {
    expect(() => complianceByTier([...oneCondition, oneCondition[0]])).toThrow(AfwError);
  });
  it("NaN intervals (n=0) give no whisker (not a zero-width one) and no NaN in the JSON", () => {
    const f = complianceByTier([{ ...row("a", "c", "free", 1, 0, 0, 0), n: 0, rate: NaN, ci_low: NaN, ci_high: NaN }]);
    expect(f.data[0].y[0]).toBeNull();
    expect(typeof f.data[0].error_y.array[0]).not.toBe("number");
    expect(JSON.stringify(f)).not.toMatch(/NaN/);
  });
  it("a zero-width interval gets no whisker, a hollow marker and a footnote", () => {
    const f = complianceByTier([row("a", "c", "free", 50, 0, 0, 0), row("a", "c", "paid", 50, 5, 0.03, 0.21)]);
    expect(typeof f.data[0].error_y.array[0]).not.toBe("number");
    expect(f.data[0].meta).toEqual({ afw: { noInterval: [{ index: 0, reason: "zero-width" }] } });
    expect(f.data.find((t) => t.type === "scatter")!.marker.symbol).toBe("circle-open");
    expect(figureTitle(f)).toMatch(/the interval method returned zero width/);
  });
  it("summarises as text", () => {
    const s = figureSummary(fig);
    expect(s.split("\n")[0]).toBe(figureTitle(fig).replace(/<br>/g, " · ").replace(/<[^>]*>/g, ""));
    expect(s).toMatch(/free · alpha · free n=50: 24 \[14, 36\]/);
  });
});

describe("gapForest", () => {
  const gaps: GapRow[] = [
    { model: "alpha", condition: "default", gap: 0.14, ci_low: 0.02, ci_high: 0.26, n_pairs: 50, tiers: ["free", "paid"] },
    { model: "beta", condition: "default", gap: -0.05, ci_low: -0.15, ci_high: 0.03, n_pairs: 40, tiers: ["free", "paid"] },
  ];
  const f = gapForest(gaps);
  it("plots one row per model with horizontal whiskers and a zero line", () => {
    expect(f.data).toHaveLength(1);
    const t = f.data[0];
    expect(t.y).toEqual([0, 1]);
    expect((f.layout.yaxis as any).ticktext.map((x: string) => x.replace(/ \(n=.*\)$/, ""))).toEqual(["alpha", "beta"]);
    expect(t.x[0]).toBeCloseTo(14, 12);
    expect(t.error_x.array[0]).toBeCloseTo(12, 12);
    expect(t.error_x.arrayminus[1]).toBeCloseTo(10, 12);
    const shapes = f.layout.shapes as any[];
    expect(shapes[0]).toMatchObject({ type: "line", x0: 0, x1: 0 });
    expect(figureTitle(f)).toMatch(/free − paid/);
    expect(figureTitle(f)).toMatch(/percentage points/);
  });
});
