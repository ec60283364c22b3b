import { describe, expect, it } from "vitest";
import {
  designLabel,
  designOf,
  dualPValue,
  gapContrastInterval,
  gapContrastResult,
  gapResult,
  independentContrastInterval,
  independentGapContrastInterval,
  independentGapContrastResult,
  gapQueries,
  linearGapQueries,
  rateQueries,
  makeRng,
  moverLinear,
  percentilePValue,
  rateDifferenceInterval,
  rateDifferenceResult,
  rateResult,
  simulateContrastQueries,
  simulateGapQueries,
  tangoGapInterval,
  tangoTestPValue,
  type QueryGap,
  type QueryLinear,
  type QueryRate,
} from "../lib/stats";

const rep = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);
const excludes0 = (r: { low: number; high: number }) => r.low > 0 || r.high < 0;

/** One query per pair from counts. */
function pairs(b: number, c: number, n: number): QueryGap[] {
  return [...rep(b, { b: 1, c: 0, m: 1 }), ...rep(c, { b: 0, c: 1, m: 1 }), ...rep(n - b - c, { b: 0, c: 0, m: 1 })];
}

describe("every interval sits beside the test that inverts to it", () => {
  it("Tango's interval excludes 0 exactly when the asymptotic McNemar p is below α: every (b, c) at n = 50 and 100, three levels", () => {
    let checked = 0;
    let significant = 0;
    for (const n of [50, 100]) {
      for (let b = 0; b <= n; b++) {
        for (let c = 0; b + c <= n; c++) {
          const p = tangoTestPValue(b, c);
          for (const level of [0.95, 0.99, 1 - 0.0125]) {
            const iv = tangoGapInterval({ n11: 0, n10: b, n01: c, n00: n - b - c }, { level });
            // skip only the measure-zero knife edge where |T(0)| equals z to 1e-9
            if (Math.abs(p - (1 - level)) < 1e-9) continue;
            expect(excludes0(iv)).toBe(p < 1 - level);
            checked++;
            if (p < 1 - level) significant++;
          }
        }
      }
    }
    expect(checked).toBe(3 * (51 * 52 / 2 + 101 * 102 / 2));
    expect(significant).toBeGreaterThan(5000);
  });
  it("gapResult: clustered and single-sample results agree with their own p-values over random configurations", () => {
    const u = makeRng(17);
    let n = 0;
    for (let r = 0; r < 400; r++) {
      const m = r % 2 ? 8 : 1;
      const qs = simulateGapQueries(u, { pA: 0.02 + 0.3 * u(), pB: 0.02 + 0.2 * u(), shared: u(), icc: 0.6 * u(), queries: 20 + Math.floor(80 * u()), samples: m });
      for (const level of [0.95, 0.9875]) {
        const g = gapResult(qs, { level });
        expect(g.method).toBe(m > 1 ? "tango-clustered" : "tango");
        expect(g.test).toBe(m > 1 ? "mcnemar-clustered" : "mcnemar-asymptotic");
        if (Math.abs(g.p_value - (1 - level)) < 1e-9) continue;
        expect(excludes0(g)).toBe(g.p_value < 1 - level);
        n++;
      }
    }
    expect(n).toBeGreaterThan(790);
  });
  it("gapContrastResult (MOVER–Tango) agrees with its p-value, for differences and three-term contrasts, clustered or not", () => {
    const u = makeRng(23);
    let disagreements = 0;
    let sig = 0;
    for (let r = 0; r < 150; r++) {
      const m = r % 3 === 0 ? 8 : 1;
      const k = r % 2 ? 2 : 3;
      const gaps = Array.from({ length: k }, () => [0.05 + 0.4 * u(), 0.02 + 0.2 * u()] as const);
      const qs = simulateContrastQueries(u, { gaps, shared: u(), icc: 0.5 * u(), queries: 30 + Math.floor(70 * u()), samples: m });
      const w = k === 2 ? [1, -1] : [0.5, 0.5, -1];
      for (const level of [0.95, 1 - 0.0125 / 3]) {
        const res = gapContrastResult(qs, w, { level });
        if (Math.abs(res.p_value - (1 - level)) < 1e-8) continue;
        if (excludes0(res) !== res.p_value < 1 - level) disagreements++;
        if (res.p_value < 1 - level) sig++;
      }
    }
    expect(disagreements).toBe(0);
    expect(sig).toBeGreaterThan(20);
  });
  it("a one-term contrast is the gap's own Tango interval and test", () => {
    const qs = pairs(9, 3, 100);
    const lin: QueryLinear[] = qs.map((q) => ({ m: 1, b: [q.b], c: [q.c] }));
    const g = gapResult(qs);
    const c = gapContrastResult(lin, [1]);
    expect(c.low).toBeCloseTo(g.low, 12);
    expect(c.high).toBeCloseTo(g.high, 12);
    expect(c.p_value).toBeCloseTo(g.p_value, 9);
    // statsmodels 0.13.5: mcnemar([[10, 9], [3, 20]], exact=False, correction=False).pvalue
    expect(g.p_value).toBeCloseTo(0.08326451666355042, 12);
    expect(g).toMatchObject({ method: "tango", test: "mcnemar-asymptotic", n_queries: 100, n_samples: 100, samples_per_query: 1 });
  });
  it("rates: the dual of Clopper–Pearson is the exact central binomial test (scipy 1.10 values)", () => {
    const cases: [number, number, number, number][] = [
      [3, 20, 0.5, 0.0025768280029296875],
      [12, 40, 0.2, 0.17501047184401222],
      [0, 30, 0.1, 0.08478231655043239],
    ];
    for (const [k, n, p0, want] of cases) {
      const qs: QueryRate[] = [...rep(k, { k: 1, m: 1 }), ...rep(n - k, { k: 0, m: 1 })];
      const r = rateResult(qs, { method: "clopper-pearson", nullValue: p0 });
      expect(r.p_value).toBeCloseTo(want, 8);
      expect(r.test).toBe("exact-binomial-central");
    }
    // default rates agree with their dual test too
    const u = makeRng(3);
    for (let i = 0; i < 200; i++) {
      const m = i % 2 ? 8 : 1;
      const qs: QueryRate[] = Array.from({ length: 40 }, () => ({ k: Math.floor(u() * (m + 1) * u() * u()), m }));
      const p0 = u() * 0.3;
      const r = rateResult(qs, { nullValue: p0 });
      if (Math.abs(r.p_value - 0.05) < 1e-9) continue;
      expect(r.low > p0 || r.high < p0).toBe(r.p_value < 0.05);
    }
  });
  it("the generic dual p-value of a normal interval is the z-test", () => {
    expect(dualPValue((z) => [1 - z * 0.5, 1 + z * 0.5], 0)).toBeCloseTo(0.04550026389635842, 9);
    expect(dualPValue((z) => [1 - z * 0.5, 1 + z * 0.5], 1)).toBe(1);
    expect(dualPValue((z) => [100 - z, 100 + z], 0)).toBe(0);
  });
});

describe("MOVER", () => {
  it("independent: Newcombe's method 10 by formula; correlated: the r term", () => {
    const a = { estimate: 0.3, low: 0.2, high: 0.45, weight: 1 };
    const b = { estimate: 0.1, low: 0.05, high: 0.2, weight: -1 };
    const ind = moverLinear([a, b]);
    expect(ind.low).toBeCloseTo(0.2 - Math.hypot(0.1, 0.1), 12);
    expect(ind.high).toBeCloseTo(0.2 + Math.hypot(0.15, 0.05), 12);
    const cor = moverLinear([a, b], [[1, 0.4], [0.4, 1]]);
    expect(cor.low).toBeCloseTo(0.2 - Math.sqrt(0.01 + 0.01 - 2 * 0.4 * 0.1 * 0.1), 12);
    expect(cor.high).toBeCloseTo(0.2 + Math.sqrt(0.15 ** 2 + 0.05 ** 2 - 2 * 0.4 * 0.15 * 0.05), 12);
    // one term, weight 1: that term's interval
    expect(moverLinear([a])).toEqual({ estimate: 0.3, low: expect.closeTo(0.2, 12), high: expect.closeTo(0.45, 12) });
  });
  it("rate differences: equals Newcombe's hybrid when both sides use the same base interval (Agresti–Coull here)", () => {
    const qa: QueryRate[] = [...rep(56, { k: 1, m: 1 }), ...rep(14, { k: 0, m: 1 })];
    const qb: QueryRate[] = [...rep(48, { k: 1, m: 1 }), ...rep(32, { k: 0, m: 1 })];
    const r = rateDifferenceResult(qa, qb);
    expect(r.estimate).toBeCloseTo(0.8 - 0.6, 12);
    expect(r.low).toBeGreaterThan(0.04);
    expect(r.high).toBeLessThan(0.35);
    // close to Newcombe's published example 1 ([0.0524, 0.3339], Wilson-based)
    const w = rateDifferenceInterval(56, 70, 48, 80);
    expect(Math.abs(r.low - w.low)).toBeLessThan(0.01);
    expect(excludes0(r)).toBe(r.p_value < 0.05);
  });
  it("independent gap contrast equals the existing MOVER–Tango with one sample per query", () => {
    const a = { n11: 5, n10: 30, n01: 5, n00: 160 };
    const b = { n11: 5, n10: 10, n01: 5, n00: 180 };
    const old = independentContrastInterval(a, b);
    const nw = independentGapContrastInterval(pairs(30, 5, 200), pairs(10, 5, 200));
    expect(nw.low).toBeCloseTo(old.low, 12);
    expect(nw.high).toBeCloseTo(old.high, 12);
    const res = independentGapContrastResult(pairs(30, 5, 200), pairs(10, 5, 200));
    expect(excludes0(res)).toBe(res.p_value < 0.05);
  });
  it("shared queries: the correlation lowers the width when the gaps move together, and a few shared events never collapse it", () => {
    // both gaps discordant on the same single query: the exact paired bootstrap is a point at 0
    const qs: QueryLinear[] = [{ m: 1, b: [1, 1], c: [0, 0] }, ...rep(49, { m: 1, b: [0, 0], c: [0, 0] })];
    const boot = gapContrastResult(qs, [1, -1], { method: "bootstrap-exact" });
    expect([boot.low, boot.high]).toEqual([0, 0]);
    const mover = gapContrastInterval(qs, [1, -1]);
    expect(mover.estimate).toBe(0);
    expect(mover.high - mover.low).toBeGreaterThan(0.05);
    expect(mover.corr[0][1]).toBeLessThan(0.5);
    // strongly co-moving gaps: narrower than the independent MOVER
    const u = makeRng(5);
    const big = simulateContrastQueries(u, { gaps: [[0.4, 0.1], [0.4, 0.15]], shared: 1, icc: 0.6, queries: 200, samples: 1 });
    const shared = gapContrastInterval(big, [1, -1]);
    const indep = independentGapContrastInterval(
      big.map((q) => ({ b: q.b[0], c: q.c[0], m: 1 })),
      big.map((q) => ({ b: q.b[1], c: q.c[1], m: 1 })),
    );
    expect(shared.corr[0][1]).toBeGreaterThan(0.2);
    expect(shared.high - shared.low).toBeLessThan(indep.high - indep.low);
  });
});

describe("result rows name their method, test and counts", () => {
  it("rates and gaps: one sample per query → single-sample defaults; several → clustered", () => {
    const one = rateResult(rep(50, { k: 0, m: 1 }));
    expect(one).toMatchObject({ method: "agresti-coull", n_queries: 50, n_samples: 50, samples_per_query: 1, de: 1 });
    expect(one.high).toBeGreaterThan(0);
    const many = rateResult([{ k: 3, m: 8 }, ...rep(49, { k: 0, m: 8 })]);
    expect(many).toMatchObject({ method: "wilson-modified-clustered", test: "wilson-modified-clustered-inverted", n_queries: 50, n_samples: 400, samples_per_query: 8 });
    expect(many.high).toBeGreaterThan(many.low);
    const gap = gapResult(rep(50, { b: 0, c: 0, m: 8 }));
    expect(gap).toMatchObject({ method: "tango-clustered", test: "mcnemar-clustered", p_value: 1, n_queries: 50, n_samples: 400 });
    expect(gap.high).toBeGreaterThan(0);
    expect(gap.low).toBeLessThan(0);
    // the bootstraps stay available, labelled
    const boot = gapResult([{ b: 2, c: 0, m: 8 }, ...rep(49, { b: 0, c: 0, m: 8 })], { method: "cluster-bootstrap", B: 2000, seed: 1 });
    expect(boot).toMatchObject({ method: "cluster-bootstrap", test: "cluster-bootstrap-percentile" });
    expect(() => gapResult(rep(3, { b: 0, c: 0, m: 2 }), { method: "bootstrap-exact" })).toThrow(RangeError);
    expect(rateResult([])).toMatchObject({ n_queries: 0, note: "no samples" });
  });
  it("percentile p-value by hand", () => {
    expect(percentilePValue(Float64Array.from([-0.1, 0.05, 0.1, 0.2]), 0)).toBe(0.5);
    expect(percentilePValue([-2, 0, 2], 0, [0.1, 0.3, 0.6])).toBeCloseTo(0.8, 12);
  });
  it("per-query data from unit-keyed outcomes (the analysis' shape)", () => {
    const q = (u: string) => u.split("\u0000")[0];
    const k = (qq: string, smp: number) => `${qq}\u0000${smp}`;
    const free = new Map([[k("a", 0), 1], [k("a", 1), 1], [k("b", 0), 0], [k("c", 0), 1]]);
    const paid = new Map([[k("a", 0), 0], [k("a", 1), 1], [k("b", 0), 1]]);
    expect(rateQueries(free, q)).toEqual([{ k: 2, m: 2 }, { k: 0, m: 1 }, { k: 1, m: 1 }]);
    expect(gapQueries(free, paid, q)).toEqual([{ b: 1, c: 0, m: 2 }, { b: 0, c: 1, m: 1 }]);
    const freeB = new Map([[k("a", 0), 0], [k("a", 1), 1], [k("b", 0), 1]]);
    const paidB = new Map([[k("a", 0), 0], [k("a", 1), 0], [k("b", 0), 1]]);
    expect(linearGapQueries([{ a: free, b: paid }, { a: freeB, b: paidB }], q)).toEqual([
      { m: 2, b: [1, 1], c: [0, 0] },
      { m: 1, b: [0, 0], c: [1, 0] },
    ]);
    expect(() => rateQueries(new Map([["x", 2]]), q)).toThrow(RangeError);
  });
  it("labels count queries first", () => {
    expect(designLabel({ n_queries: 50, n_samples: 50 })).toBe("n=50");
    expect(designLabel({ n_queries: 50, n_samples: 400 })).toBe("n=50 queries × 8");
    expect(designLabel({ n_queries: 50, n_samples: 400 }, { short: true })).toBe("50q×8");
    expect(designLabel(designOf([{ m: 8 }, { m: 7 }, { m: 0 }]))).toBe("n=2 queries, 15 samples (7–8 each)");
    expect(designLabel({ n_queries: 0, n_samples: 0 })).toBe("n=0");
    expect(designOf([{ m: 8 }, { m: 8 }])).toEqual({ n_queries: 2, n_samples: 16, samples_per_query: 8, samples_min: 8, samples_max: 8 });
  });
});

