import { describe, expect, it } from "vitest";
import {
  binomialPmf,
  clusteredGapPower,
  discordantFromRates,
  gapPower,
  gapPowerNormal,
  gapSampleSize,
  normalQuantile,
  planGapStudy,
  powerCurveRows,
  signTestPValue,
  simulateClusteredGapPower,
  simulateGapPower,
  type Discordant,
} from "../lib/stats";

/** Power by a plain double loop over (b, c) with log-gamma multinomial probabilities (independent of gapPower's recurrences). */
function brutePower(d: Discordant, n: number, alpha: number, test: "asymptotic" | "exact"): number {
  const z = normalQuantile(1 - alpha / 2);
  const psi = d.p10 + d.p01;
  let power = 0;
  for (let M = 1; M <= n; M++) {
    const pm = binomialPmf(M, n, psi);
    if (pm < 1e-300) continue;
    for (let b = 0; b <= M; b++) {
      const c = M - b;
      const reject = test === "exact" ? signTestPValue(b, c) <= alpha : Math.abs(b - c) / Math.sqrt(b + c) > z;
      if (reject) power += pm * binomialPmf(b, M, d.p10 / psi);
    }
  }
  return power;
}

describe("power of the test the report prints", () => {
  it("exact enumeration equals a brute-force double loop, for both tests", () => {
    for (const [pA, pB, s] of [[0.03, 0.01, 0.7], [0.2, 0.1, 1], [0.49, 0.35, 0.7], [0.1, 0.15, 0.5]] as const) {
      const d = discordantFromRates(pA, pB, s);
      for (const n of [17, 60]) {
        for (const test of ["asymptotic", "exact"] as const) {
          expect(gapPower(d, n, 0.05, { test })).toBeCloseTo(brutePower(d, n, 0.05, test), 10);
          expect(gapPower(d, n, 0.0125, { test })).toBeCloseTo(brutePower(d, n, 0.0125, test), 10);
        }
      }
    }
  });
  it("the audit's case: 3% vs 1% at n = 100, Connor claims 23.5%; the exact McNemar test has 2.2%", () => {
    const d = discordantFromRates(0.03, 0.01, 0.7);
    expect(gapPowerNormal(d, 100)).toBeCloseTo(0.235, 3);
    const exact = gapPower(d, 100, 0.05, { test: "exact" });
    expect(exact).toBeCloseTo(0.0215, 3);
    expect(Math.abs(exact - simulateGapPower(d, { n: 100, reps: 20000, seed: 1, test: "exact" }))).toBeLessThan(0.02);
    // the test printed beside Tango's interval: the asymptotic McNemar test
    const asym = gapPower(d, 100);
    expect(Math.abs(asym - simulateGapPower(d, { n: 100, reps: 20000, seed: 2 }))).toBeLessThan(0.02);
  });
  it("agrees with a simulation of the same test within 2 points across effects and n", () => {
    const reps = 6000;
    let worst = 0;
    for (const [pA, pB] of [[0.05, 0.01], [0.1, 0.05], [0.2, 0.1], [0.49, 0.35]] as const) {
      const d = discordantFromRates(pA, pB, 0.7);
      for (const n of [50, 100, 200, 400]) {
        for (const test of ["asymptotic", "exact"] as const) {
          const e = gapPower(d, n, 0.05, { test });
          const s = simulateGapPower(d, { n, reps, seed: n * 13 + Math.round(pA * 100), test });
          worst = Math.max(worst, Math.abs(e - s));
        }
      }
    }
    expect(worst).toBeLessThan(0.02);
  });
  it("sample size: the first n at which the enumerated power reaches the target", () => {
    const d = discordantFromRates(0.49, 0.35, 0.7);
    for (const test of ["asymptotic", "exact"] as const) {
      const n = gapSampleSize(d, 0.8, 0.05, { test });
      expect(gapPower(d, n, 0.05, { test })).toBeGreaterThanOrEqual(0.8);
      expect(gapPower(d, n - 1, 0.05, { test })).toBeLessThan(0.8);
    }
    expect(gapSampleSize(d, 0.8, 0.05, { test: "exact" })).toBeGreaterThan(gapSampleSize(d));
    expect(gapSampleSize({ p10: 0.1, p01: 0.1 })).toBe(Infinity);
  });
  it("power curve rows are the exact power of the chosen test, with simulated points of the same test", () => {
    const rows = powerCurveRows([[0.2, 0.1]], { ns: [50, 100], shared: 0.7, simulateReps: 3000, seed: 4 });
    expect(rows.map((r) => r.method)).toEqual(["exact", "simulation", "exact", "simulation"]);
    expect(rows.every((r) => r.test === "asymptotic")).toBe(true);
    expect(Math.abs(rows[0].power - rows[1].power)).toBeLessThan(0.03);
    expect(rows[0].power).toBe(gapPower(discordantFromRates(0.2, 0.1, 0.7), 50));
    expect(powerCurveRows([[0.2, 0.1]], { ns: [50], shared: 0.7, curve: "closed-form" })[0]).toMatchObject({ method: "closed-form" });
  });
});

describe("clustered power and the planner", () => {
  it("with no clustering the clustered power is the single-sample power at Q·m pairs; the simulated clustered test is a little below it", () => {
    const r = clusteredGapPower({ pA: 0.1, pB: 0.05, shared: 0.7, icc: 0, queries: 25, samples: 4 });
    expect(r.de).toBe(1);
    expect(r.power).toBeCloseTo(gapPower(discordantFromRates(0.1, 0.05, 0.7), 100), 12);
    // the clustered test estimates its design effect and floors it at 1, which costs a few points when there is no clustering
    const sim = simulateClusteredGapPower({ pA: 0.1, pB: 0.05, shared: 0.7, icc: 0, queries: 25, samples: 4, reps: 3000, seed: 9 });
    expect(sim).toBeLessThan(r.power + 0.02);
    expect(sim).toBeGreaterThan(r.power - 0.07);
  });
  it("is conservative when queries are strongly alike (the design effect is estimated, not known)", () => {
    const o = { pA: 0.1, pB: 0.05, shared: 0.7, icc: 0.3, queries: 50, samples: 8 };
    const r = clusteredGapPower(o);
    expect(r.de).toBeGreaterThan(1.5);
    const sim = simulateClusteredGapPower({ ...o, reps: 1500, seed: 3 });
    expect(sim).toBeGreaterThanOrEqual(r.power - 0.03);
  });
  it("more queries beat more samples: with ICC > 0 the pairs needed grow with samples per query; with 50 queries extra samples hit a ceiling", () => {
    const plan = planGapStudy({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0.3, samples: [1, 2, 4, 8, 16], maxQueries: 50 });
    const pairs = plan.rows.map((r) => r.pairs);
    for (let i = 1; i < pairs.length; i++) expect(pairs[i]).toBeGreaterThan(pairs[i - 1]);
    for (const r of plan.rows) expect(r.power).toBeGreaterThanOrEqual(0.8);
    expect(plan.iccDifference).toBeGreaterThan(0);
    const at50 = plan.atMaxQueries!;
    for (let i = 1; i < at50.rows.length; i++) expect(at50.rows[i].power).toBeGreaterThanOrEqual(at50.rows[i - 1].power - 1e-9);
    expect(at50.ceiling).toBeGreaterThanOrEqual(at50.rows[at50.rows.length - 1].power - 1e-9);
    // without clustering, samples and queries trade one for one (to the saw-tooth of a discrete test)
    const flat = planGapStudy({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0, samples: [1, 4, 16] });
    expect(Math.max(...flat.rows.map((r) => r.pairs)) - Math.min(...flat.rows.map((r) => r.pairs))).toBeLessThanOrEqual(12);
    expect(planGapStudy({ pA: 0.2, pB: 0.2, shared: 0.7, icc: 0.3 }).rows[0].queries).toBe(Infinity);
  });
});
