import { describe, expect, it } from "vitest";
import {
  agrestiCoullInterval,
  betaQuantile,
  clopperPearsonInterval,
  normalCdf,
  normalQuantile,
  rateInterval,
  regularizedIncompleteBeta,
  wilsonInterval,
} from "../lib/stats";

// Reference values: textbook closed forms and scipy 1.17 (stats.binomtest(...).proportion_ci).
describe("normal helpers", () => {
  it("quantile and cdf match reference values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    for (const p of [0.001, 0.1, 0.3, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 13);
  });

  it("keeps relative accuracy far in the lower tail (p-values of big gaps are not 0)", () => {
    // Independent values: 0.5·erfc(−x/√2) from Python's math.erfc.
    const ref: [number, number][] = [
      [-3.0001, 0.001349454913260717],
      [-5, 2.866515718791946e-7],
      [-8, 6.220960574271819e-16],
      [-10, 7.619853024160593e-24],
      [-20, 2.7536241186063314e-89],
    ];
    for (const [x, q] of ref) expect(Math.abs(normalCdf(x) / q - 1)).toBeLessThan(1e-12);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(8.5)).toBe(1);
    // continuous where the two methods meet
    expect(Math.abs(normalCdf(-3 - 1e-12) - normalCdf(-3 + 1e-12))).toBeLessThan(1e-14);
  });
});

describe("incomplete beta", () => {
  it("has known values", () => {
    expect(regularizedIncompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
    // I_x(1, b) = 1 − (1 − x)^b
    expect(regularizedIncompleteBeta(0.3, 1, 7)).toBeCloseTo(1 - Math.pow(0.7, 7), 14);
    // I_x(a, 1) = x^a
    expect(regularizedIncompleteBeta(0.8, 4.5, 1)).toBeCloseTo(Math.pow(0.8, 4.5), 14);
    expect(betaQuantile(0.2, 3, 9)).toBeCloseTo(0.14291501909174076, 12); // scipy beta.ppf
    expect(regularizedIncompleteBeta(betaQuantile(0.2, 3, 9), 3, 9)).toBeCloseTo(0.2, 12);
  });
});

describe("Clopper–Pearson", () => {
  it("k=0, n=10: upper = 1 − 0.025^(1/10)", () => {
    const r = clopperPearsonInterval(0, 10);
    expect(r.low).toBe(0);
    expect(r.high).toBeCloseTo(1 - Math.pow(0.025, 1 / 10), 12);
    expect(r.high).toBeCloseTo(0.3085, 4);
  });
  it("k=5, n=10 = [0.1871, 0.8129]", () => {
    const r = clopperPearsonInterval(5, 10);
    expect(r.low).toBeCloseTo(0.1870860284474045, 10);
    expect(r.high).toBeCloseTo(0.8129139715525955, 10);
  });
  it("matches scipy at n=400 and at level 0.90", () => {
    const r = rateInterval(123, 400, { method: "clopper-pearson" });
    expect(r.low).toBeCloseTo(0.2625987354261356, 10);
    expect(r.high).toBeCloseTo(0.35527711402516093, 10);
    const s = rateInterval(7, 400, { method: "clopper-pearson", level: 0.9 });
    expect(s.low).toBeCloseTo(0.008241354818687895, 10);
    expect(s.high).toBeCloseTo(0.03261797645133059, 10);
    expect(rateInterval(10, 10, { method: "clopper-pearson" }).low).toBeCloseTo(0.6915028921812371, 10);
  });
});

describe("Wilson", () => {
  it("k=5, n=10 ≈ [0.2366, 0.7634]", () => {
    const r = wilsonInterval(5, 10);
    expect(r.low).toBeCloseTo(0.236593090512564, 12);
    expect(r.high).toBeCloseTo(0.7634069094874361, 12);
    expect(r.method).toBe("wilson");
  });
  it("matches scipy at the edges and at n=400", () => {
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.27753279986288926, 12);
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7224672001371109, 12);
    expect(wilsonInterval(7, 400).low).toBeCloseTo(0.008502291107038097, 12);
    expect(wilsonInterval(7, 400).high).toBeCloseTo(0.035677072925558044, 12);
  });
});

// statsmodels 0.13.5: proportion_confint(k, n, alpha, method="agresti_coull")
describe("Agresti–Coull", () => {
  it("matches statsmodels", () => {
    const cases: [number, number, number, number, number][] = [
      [2, 20, 0.95, 0.015656239001862998, 0.31324388744039255],
      [0, 50, 0.95, 0.0, 0.08521612057795683],
      [20, 50, 0.95, 0.2759036604938253, 0.5383658593328464],
      [7, 400, 0.95, 0.007755038856114725, 0.03642432517648141],
      [50, 50, 0.95, 0.9147838794220432, 1.0],
      [2, 20, 0.9, 0.02520067335078309, 0.27012559653798857],
    ];
    for (const [k, n, level, lo, hi] of cases) {
      const r = agrestiCoullInterval(k, n, level);
      expect(r.low).toBeCloseTo(lo, 12);
      expect(r.high).toBeCloseTo(hi, 12);
      expect(rateInterval(k, n, { level })).toMatchObject({ low: r.low, high: r.high, method: "agresti-coull" });
    }
  });
  it("contains the Wilson interval and takes non-integer (effective) counts", () => {
    for (const [k, n] of [[0, 30], [3, 30], [15, 30], [29, 30], [1, 400]]) {
      const a = agrestiCoullInterval(k, n);
      const w = wilsonInterval(k, n);
      expect(a.low).toBeLessThanOrEqual(w.low + 1e-15);
      expect(a.high).toBeGreaterThanOrEqual(w.high - 1e-15);
    }
    // (k, n) scaled by a design effect: the interval of 2.5 of 25 lies between those of 2 of 20 and 3 of 30
    const mid = agrestiCoullInterval(2.5, 25);
    expect(mid.high).toBeLessThan(agrestiCoullInterval(2, 20).high);
    expect(mid.high).toBeGreaterThan(agrestiCoullInterval(3, 30).high);
    expect(() => agrestiCoullInterval(3, 2)).toThrow(RangeError);
  });
});

describe("rateInterval", () => {
  it("defaults to Agresti–Coull; modified Wilson and the exact bootstrap stay available", () => {
    expect(rateInterval(20, 50).method).toBe("agresti-coull");
    expect(rateInterval(20, 50, { method: "wilson-modified" }).low).toBeCloseTo(0.27608, 5); // plain Wilson here (k away from the edges)
    const r = rateInterval(20, 50, { method: "bootstrap" });
    expect(r.method).toBe("bootstrap-exact");
    expect(r.estimate).toBe(0.4);
    expect([r.low, r.high]).toEqual([0.26, 0.54]);
  });
  it("n=0 gives NaN bounds and a note, for every method", () => {
    for (const method of ["agresti-coull", "wilson-modified", "bootstrap", "wilson", "clopper-pearson", "wald", "wald-1se"] as const) {
      const r = rateInterval(0, 0, { method });
      expect(Number.isNaN(r.low) && Number.isNaN(r.high) && Number.isNaN(r.estimate)).toBe(true);
      expect(r.note).toMatch(/n=0/);
    }
  });
  it("rejects bad input", () => {
    expect(() => rateInterval(11, 10)).toThrow(RangeError);
    expect(() => rateInterval(1.5, 10)).toThrow(RangeError);
    expect(() => rateInterval(1, 10, { level: 1.2 })).toThrow(RangeError);
    expect(() => rateInterval(1, 10, { method: "nope" as never })).toThrow(RangeError);
  });
});
