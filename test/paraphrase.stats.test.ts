import { describe, expect, it } from "vitest";
import {
  crossedCoverageCell,
  crossedMeanInterval,
  crossedVarianceComponents,
  expectedDiscordant,
  pigeonholeBootstrap,
  summariseCrossedCoverage,
  tCdf,
  tQuantile,
} from "../lib/stats";

describe("Student t", () => {
  // Independent values: scipy.stats.t.ppf / t.cdf (scipy 1.17).
  it("quantiles match scipy", () => {
    const cases: [number, number, number][] = [
      [0.975, 7, 2.364624251592784],
      [0.975, 1, 12.706204736174694],
      [0.975, 30, 2.0422724563012378],
      [0.95, 3, 2.3533634348018233],
      [0.995, 2.5, 7.163728138948783],
      [0.025, 12.3, -2.1729334817589625],
      [0.975, 200, 1.9718962236339088],
      [0.9, 0.7, 5.009947959646406],
    ];
    for (const [p, df, want] of cases) expect(tQuantile(p, df), `p=${p} df=${df}`).toBeCloseTo(want, 9);
    expect(tQuantile(0.5, 4)).toBe(0);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
    expect(tQuantile(0.975, 0)).toBeNaN();
  });
  it("the CDF matches scipy and inverts the quantile", () => {
    expect(tCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 12);
    expect(tCdf(-1.3, 3.7)).toBeCloseTo(0.13433336208631375, 12);
    expect(tCdf(0.4, 40)).toBeCloseTo(0.6543576534354631, 12);
    for (const df of [1.5, 4, 9.3, 60]) for (const p of [0.01, 0.3, 0.9, 0.999]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 10);
  });
});

describe("crossed (wordings × queries) mean interval", () => {
  // Independent values: two-way ANOVA without replication computed with numpy,
  // Satterthwaite df and t quantile with scipy (see the report for the script).
  const M = [
    [1, 0, 0, 1, 0, 0],
    [1, 1, 0, 1, 0, 0],
    [0, 0, 0, 1, -1, 0],
    [1, 1, 1, 1, 0, 1],
  ];
  it("variance components match numpy's mean squares", () => {
    const k = crossedVarianceComponents(M);
    expect(k.mean).toBeCloseTo(0.4166666666666667, 14);
    expect(k.msRow).toBeCloseTo(0.7222222222222223, 14);
    expect(k.msCol).toBeCloseTo(0.7666666666666667, 14);
    expect(k.msRes).toBeCloseTo(0.12222222222222223, 14);
    expect(k.rowVar).toBeCloseTo(0.1, 14);
    expect(k.colVar).toBeCloseTo(0.16111111111111112, 14);
    expect(k.truncated).toEqual({ row: false, col: false });
  });
  it("interval: Var = σ²_row/R + σ²_col/C + σ²_res/(RC), Satterthwaite df, t quantile", () => {
    const iv = crossedMeanInterval(M);
    expect(iv.method).toBe("crossed-anova-t");
    expect(iv.se ** 2).toBeCloseTo(0.05694444444444445, 14);
    expect(iv.df).toBeCloseTo(6.38731740268513, 10);
    expect(iv.low).toBeCloseTo(-0.15876440011719722, 9);
    expect(iv.high).toBeCloseTo(0.9920977334505305, 9);
    expect(iv.n).toBe(24);
    const cc = crossedMeanInterval(M, { continuity: 1 });
    expect(cc.method).toBe("crossed-anova-t-cc");
    expect(cc.low).toBeCloseTo(-0.20551236759687203, 9);
    expect(cc.high).toBeCloseTo(1.0388457009302052, 9);
    expect(crossedMeanInterval(M, { level: 0.9 }).high).toBeLessThan(iv.high);
  });
  it("sets negative components to 0 and counts their degrees of freedom accordingly", () => {
    const M2 = [
      [1, 0, 0, 1],
      [0, 1, 0, 1],
      [1, 0, 1, 0],
    ];
    const iv = crossedMeanInterval(M2);
    expect(iv.components.truncated).toEqual({ row: true, col: true });
    expect(iv.components.rowVar).toBe(0);
    expect(iv.se ** 2).toBeCloseTo(0.037037037037037035, 14);
    expect(iv.df).toBeCloseTo(6, 12);
    expect(iv.low).toBeCloseTo(0.029091594686053712, 9);
    expect(iv.high).toBeCloseTo(0.9709084053139463, 9);
  });
  it("rows that agree exactly reduce to a t interval over the column means", () => {
    const cols = [1, 0, 0, 1, 0, 1, 0, 0];
    const iv = crossedMeanInterval([cols, cols, cols]);
    const m = 3 / 8;
    const sd = Math.sqrt(cols.reduce((a, v) => a + (v - m) ** 2, 0) / 7);
    expect(iv.df).toBeCloseTo(7, 10);
    expect(iv.high - m).toBeCloseTo(tQuantile(0.975, 7) * (sd / Math.sqrt(8)), 12);
  });
  it("a layout with no variation is a point, flagged; bad input throws", () => {
    const iv = crossedMeanInterval([
      [0, 0],
      [0, 0],
    ]);
    expect([iv.low, iv.high]).toEqual([0, 0]);
    expect(iv.note).toMatch(/no variation/);
    expect(() => crossedMeanInterval([[1, 0]])).toThrow(/at least 2 rows and 2 columns/);
    expect(() => crossedMeanInterval([[1, 0], [1]])).toThrow(/row 1 has 1 values/);
    expect(() => crossedMeanInterval([[1, NaN], [1, 0]])).toThrow(/not a finite number/);
    expect(() => crossedMeanInterval(M, { continuity: -1 })).toThrow(/continuity/);
  });
});

describe("pigeonhole bootstrap", () => {
  it("is seeded, and its standard error matches the plug-in variance of the varying margin", () => {
    const a = pigeonholeBootstrap([[1, 0, 1], [0, 0, 1]], { seed: 4, B: 500 });
    expect(pigeonholeBootstrap([[1, 0, 1], [0, 0, 1]], { seed: 4, B: 500 })).toEqual(a);
    // only columns vary: bootstrap variance of the mean = Σ(c̄ − ḡ)² / C²
    const cols = [0.1, 0.5, 0.9, 0.3, 0.7];
    const byCols = pigeonholeBootstrap([cols, cols, cols], { seed: 1, B: 20000 });
    const g = 0.5;
    expect(byCols.se).toBeCloseTo(Math.sqrt(cols.reduce((s, c) => s + (c - g) ** 2, 0) / 25), 2);
    // only rows vary: Σ(r̄ − ḡ)² / R²
    const rows = [0.2, 0.4, 0.9, 0.5];
    const byRows = pigeonholeBootstrap(rows.map((r) => [r, r, r, r, r, r]), { seed: 2, B: 20000 });
    const gr = 0.5;
    expect(byRows.se).toBeCloseTo(Math.sqrt(rows.reduce((s, r) => s + (r - gr) ** 2, 0) / 16), 2);
    expect(byRows.low).toBeLessThan(0.5);
    expect(byRows.high).toBeGreaterThan(0.5);
    expect(() => pigeonholeBootstrap([[1]], { seed: 1, B: 0 })).toThrow(/B must be/);
  });
});

describe("coverage by simulation (small; the full study is bench/crossed-coverage.bench.ts)", () => {
  it("the crossed interval covers near 95% where one-way intervals fail", () => {
    const both = crossedCoverageCell({ wordings: 8, queries: 50, p0: 0.2, gap: 0.1, sd: 0.08, share: 1 }, { seed: 7, replicates: 300 });
    const get = (m: string) => both.find((r) => r.method === m)!.coverage;
    expect(get("crossed-anova-t-cc")).toBeGreaterThan(0.9);
    expect(get("crossed-anova-t-cc")).toBeLessThan(0.995);
    // ignoring the shared query draws (t over the 8 wording means) under-covers badly
    expect(get("wordings-t")).toBeLessThan(0.85);
    // pooling every cell as independent under-covers worst
    expect(get("cells-z")).toBeLessThan(0.75);
    // ignoring wording variation under-covers when wordings differ a lot and there are few of them
    const wordy = crossedCoverageCell({ wordings: 4, queries: 100, p0: 0.2, gap: 0.1, sd: 0.1, share: 0.5 }, { seed: 8, replicates: 300, methods: ["crossed-anova-t-cc", "queries-t"] });
    expect(wordy.find((r) => r.method === "queries-t")!.coverage).toBeLessThan(0.85);
    expect(wordy.find((r) => r.method === "crossed-anova-t-cc")!.coverage).toBeGreaterThan(0.88);
  });
  it("summaries pick the worst cell and skip cells where nothing varies", () => {
    const rows = [
      { wordings: 8, queries: 50, p0: 0.2, gap: 0, sd: 0, share: 1, method: "crossed-anova-t" as const, coverage: 1, width: 0, replicates: 10 },
      { wordings: 8, queries: 50, p0: 0.2, gap: 0.1, sd: 0, share: 1, method: "crossed-anova-t" as const, coverage: 0.9, width: 0.1, replicates: 10 },
      { wordings: 8, queries: 50, p0: 0.2, gap: 0.2, sd: 0, share: 1, method: "crossed-anova-t" as const, coverage: 0.96, width: 0.2, replicates: 10 },
    ];
    const s = summariseCrossedCoverage(rows);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ cells: 2, worst: 0.9 });
    expect(s[0].mean).toBeCloseTo(0.93, 12);
    expect(expectedDiscordant({ wordings: 8, queries: 50, p0: 0.2, gap: 0.1, sd: 0, share: 1 })).toBeCloseTo(5, 12);
    // σ√3 > gap: E|p_w − p0| = (gap² + h²) / 2h
    const h = 0.1 * Math.sqrt(3);
    expect(expectedDiscordant({ wordings: 8, queries: 100, p0: 0.2, gap: 0, sd: 0.1, share: 1 })).toBeCloseTo((100 * h) / 2, 12);
  });
});
