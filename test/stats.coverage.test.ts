import { describe, expect, it } from "vitest";
import {
  binomialPmf,
  clopperPearsonInterval,
  coverageStudy,
  gapCoverage,
  gapCoverageMonteCarlo,
  gapInterval,
  rateCoverage,
  rateInterval,
  summariseCoverage,
  wilsonInterval,
} from "../lib/stats";

describe("exact coverage", () => {
  it("rate coverage equals a direct log-gamma pmf sum", () => {
    const p = 0.01;
    const n = 100;
    let direct = 0;
    for (let k = 0; k <= n; k++) {
      const iv = wilsonInterval(k, n);
      if (iv.low <= p && p <= iv.high) direct += binomialPmf(k, n, p);
    }
    expect(rateCoverage((k, nn) => wilsonInterval(k, nn), p, n)).toBeCloseTo(direct, 12);
    expect(direct).toBeCloseTo(0.9206, 3);
  });
  it("Clopper–Pearson never covers less than nominal (a theorem)", () => {
    for (const p of [0.003, 0.02, 0.11, 0.37]) for (const n of [30, 120]) expect(rateCoverage((k, nn) => clopperPearsonInterval(k, nn), p, n)).toBeGreaterThanOrEqual(0.95 - 1e-9);
  });
  it("gap coverage by enumeration agrees with a seeded Monte Carlo (few reps)", () => {
    const f = (c: Parameters<typeof gapInterval>[0]) => gapInterval(c, { method: "bootstrap" });
    for (const [p10, p01, n] of [
      [0.06, 0.02, 50],
      [0.01, 0, 100],
    ] as const) {
      const exact = gapCoverage(f, p10, p01, n);
      const mc = gapCoverageMonteCarlo(f, p10, p01, n, { reps: 1500, seed: 5 });
      expect(Math.abs(exact - mc)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 1500) + 0.005);
      expect(gapCoverageMonteCarlo(f, p10, p01, n, { reps: 200, seed: 9 })).toBe(gapCoverageMonteCarlo(f, p10, p01, n, { reps: 200, seed: 9 }));
    }
  });
  it("the default rate method meets the targets on the full rate grid; the exact bootstrap does not", () => {
    const rows = coverageStudy({ gapMethods: [], rateMethods: ["wilson-modified", "bootstrap", "wilson"] });
    const s = summariseCoverage(rows);
    const get = (m: string) => s.find((x) => x.method === m)!;
    expect(rows.filter((r) => r.method === "wilson-modified")).toHaveLength(20);
    expect(get("wilson-modified").meetsTarget).toBe(true);
    expect(get("wilson-modified").worst).toBeGreaterThanOrEqual(0.93);
    expect(get("bootstrap").worst).toBeLessThan(0.5);
    expect(get("wilson").worst).toBeLessThan(0.93);
    expect(rateInterval(3, 100).method).toBe("wilson-modified");
  });
  it("the default gap method keeps its worst cell ≥ 93% on a reduced gap grid (n = 50, 100)", () => {
    const rows = coverageStudy({ rateMethods: [], gapMethods: ["tango", "bootstrap"], ns: [50, 100] });
    const tango = rows.filter((r) => r.method === "tango");
    expect(tango).toHaveLength(2 * 11 * 2);
    expect(Math.min(...tango.map((r) => r.coverage))).toBeGreaterThanOrEqual(0.93);
    const boot = rows.filter((r) => r.method === "bootstrap");
    expect(Math.min(...boot.map((r) => r.coverage))).toBeLessThan(0.5);
    // the informative-cell mean of the default sits within the target band
    for (const s of summariseCoverage(rows).filter((x) => x.method === "tango")) {
      expect(s.meanInformative).toBeGreaterThan(0.94);
      expect(s.meanInformative).toBeLessThan(0.96);
    }
  });
});
