import { describe, expect, it } from "vitest";
import {
  agrestiCoullInterval,
  clusterBootstrapRate,
  clusterSumPmf,
  clusteredGapInterval,
  clusteredMcNemarTest,
  clusteredRateBounds,
  clusteredRateInterval,
  discordantFromModel,
  discordantFromRates,
  durkalskiTest,
  exactClusterBootstrapInterval,
  gapDesignEffect,
  gapDesignEffectModel,
  makeRng,
  modifiedWilsonBounds,
  modifiedWilsonInterval,
  normalQuantile,
  obuchowskiTest,
  pooledIcc,
  rateDesignEffect,
  simulateGapQueries,
  simulateRateQueries,
  tangoBounds,
  tangoGapInterval,
  tangoTestPValue,
  type QueryGap,
  type QueryRate,
} from "../lib/stats";

const Z = normalQuantile(0.975);
const rep = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe("design effects (Rao & Scott ratio)", () => {
  it("rate: hand-worked, and the cluster-robust sum computed directly", () => {
    // 4 queries × 4 samples, all four events in one query: p̂ = 1/4,
    // Σ(kᵢ − mᵢp̂)² = 9 + 3·1 = 12, robust = (4/3)·12 = 16, binomial = 16·¼·¾ = 3
    const d = rateDesignEffect([{ k: 4, m: 4 }, ...rep(3, { k: 0, m: 4 })]);
    expect(d.deCell).toBeCloseTo(16 / 3, 12);
    expect(d.de).toBeCloseTo(16 / 3, 12);
    expect([d.n_queries, d.n_samples, d.mTilde, d.active, d.source]).toEqual([4, 16, 4, 1, "cell"]);
    // events spread one per query look less clustered than binomial: floored at 1
    const spread = rateDesignEffect([...rep(4, { k: 1, m: 4 }), ...rep(4, { k: 0, m: 4 })]);
    expect(spread.deCell).toBeLessThan(1);
    expect(spread.de).toBe(1);
    expect(spread.icc).toBe(0);
    // unequal sizes: m̃ = Σm²/N
    const u = rateDesignEffect([{ k: 1, m: 2 }, { k: 3, m: 6 }]);
    expect(u.mTilde).toBeCloseTo((4 + 36) / 8, 12);
    const p = 4 / 8;
    expect(u.vRobust).toBeCloseTo(2 * ((1 - 2 * p) ** 2 + (3 - 6 * p) ** 2), 12);
  });
  it("gap: hand-worked; one pair per query gives K/(K − 1) before the floor", () => {
    // all discordance in one query of three: d = (3, 0, 0), d̂ = 1/4, ψ̂ = 1/4,
    // robust = (3/2)·((3 − 1)² + 1 + 1) = 9, multinomial = 12·(1/4 − 1/16) = 2.25
    expect(gapDesignEffect([{ b: 3, c: 0, m: 4 }, { b: 0, c: 0, m: 4 }, { b: 0, c: 0, m: 4 }]).de).toBeCloseTo(4, 12);
    const single: QueryGap[] = [...rep(7, { b: 1, c: 0, m: 1 }), ...rep(2, { b: 0, c: 1, m: 1 }), ...rep(31, { b: 0, c: 0, m: 1 })];
    expect(gapDesignEffect(single).deCell).toBeCloseTo(40 / 39, 12);
    // no discordant pair: no information, DE 1
    expect(gapDesignEffect(rep(10, { b: 0, c: 0, m: 8 }))).toMatchObject({ de: 1, source: "none" });
    expect(() => gapDesignEffect([{ b: 3, c: 2, m: 4 }])).toThrow(RangeError);
    expect(() => rateDesignEffect([{ k: 5, m: 4 }])).toThrow(RangeError);
  });
  it("a pooled ICC: ratio of summed variances, and shrinkage of a cell towards it", () => {
    const a = rateDesignEffect([{ k: 4, m: 4 }, ...rep(3, { k: 0, m: 4 })]);
    const b = rateDesignEffect([{ k: 2, m: 4 }, { k: 2, m: 4 }, { k: 0, m: 4 }, { k: 0, m: 4 }]);
    const de = (a.vRobust + b.vRobust) / (a.vModel + b.vModel);
    expect(pooledIcc([a, b])).toBeCloseTo(Math.min(1, (de - 1) / 3), 12);
    expect(Number.isNaN(pooledIcc([rateDesignEffect(rep(5, { k: 0, m: 3 }))]))).toBe(true);
    // a cell with no events borrows the pooled design effect entirely
    const none = rateDesignEffect(rep(50, { k: 0, m: 8 }), { pooledIcc: 0.3 });
    expect(none).toMatchObject({ source: "pooled" });
    expect(none.de).toBeCloseTo(1 + 7 * 0.3, 12);
    // with 11 active queries (ν = 10) and the default prior weight 8
    const qs: QueryRate[] = [...Array.from({ length: 11 }, (_, i) => ({ k: 1 + (i % 3), m: 8 })), ...rep(39, { k: 0, m: 8 })];
    const own = rateDesignEffect(qs);
    const mixed = rateDesignEffect(qs, { pooledIcc: 0.3 });
    expect(mixed.source).toBe("cell+pooled");
    expect(mixed.de).toBeCloseTo(Math.max(1, (10 * own.deCell + 8 * 3.1) / 18), 12);
    // NaN means nothing to pool: the cell alone
    expect(rateDesignEffect(qs, { pooledIcc: NaN }).de).toBe(own.de);
  });
  it("under the beta-binomial model the estimator is unbiased for 1 + (m − 1)·ICC (rates) and the model's gap DE", () => {
    const u = makeRng(21);
    const cells = 600;
    let vr = 0;
    let vm = 0;
    for (let r = 0; r < cells; r++) {
      const qs = simulateRateQueries(u, { p: 0.2, icc: 0.3, queries: 40, samples: 6 });
      // centred at the true p, the robust sum over (K − 1)/K has expectation N·p(1 − p)·DE
      let ss = 0;
      for (const q of qs) ss += (q.k - q.m * 0.2) ** 2;
      vr += ss;
      vm += 240 * 0.2 * 0.8;
    }
    expect(vr / vm).toBeCloseTo(1 + 5 * 0.3, 1);
    const model = { pA: 0.3, pB: 0.1, shared: 0.7, icc: 0.4 };
    const dm = discordantFromModel(model);
    let ssd = 0;
    let b = 0;
    let c = 0;
    for (let r = 0; r < cells; r++) {
      const qs = simulateGapQueries(u, { ...model, queries: 40, samples: 6 });
      for (const q of qs) {
        ssd += (q.b - q.c - 6 * 0.2) ** 2;
        b += q.b;
        c += q.c;
      }
    }
    const N = cells * 240;
    expect(b / N).toBeCloseTo(dm.p10, 2);
    expect(c / N).toBeCloseTo(dm.p01, 2);
    expect(ssd / (N * (dm.p10 + dm.p01 - 0.04))).toBeCloseTo(gapDesignEffectModel({ ...model, samples: 6 }), 1);
    // with no spread the model's discordance is the shared-draw formula, and there is no design effect
    expect(discordantFromModel({ pA: 0.49, pB: 0.35, shared: 0.7, icc: 0 })).toEqual({
      p10: expect.closeTo(discordantFromRates(0.49, 0.35, 0.7).p10, 12),
      p01: expect.closeTo(discordantFromRates(0.49, 0.35, 0.7).p01, 12),
    });
    expect(gapDesignEffectModel({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0, samples: 8 })).toBe(1);
    expect(gapDesignEffectModel({ pA: 0.2, pB: 0.2, shared: 0.7, icc: 0.5, samples: 8 })).toBe(1);
  });
});

describe("clustered intervals", () => {
  it("rate: the base interval on the effective counts; a zero count is the ordinary interval, never [0, 0]", () => {
    const qs: QueryRate[] = [{ k: 8, m: 8 }, { k: 3, m: 8 }, ...rep(48, { k: 0, m: 8 })];
    const r = clusteredRateInterval(qs, { base: "agresti-coull" });
    const de = rateDesignEffect(qs).de;
    expect(de).toBeGreaterThan(4);
    const ac = agrestiCoullInterval(11 / de, 400 / de);
    expect([r.low, r.high]).toEqual([ac.low, ac.high]);
    expect(r).toMatchObject({ method: "agresti-coull-clustered", n_queries: 50, n_samples: 400, estimate: 11 / 400 });
    expect(r.n_eff).toBeCloseTo(400 / de, 12);
    const mw = clusteredRateInterval(qs);
    expect(mw.method).toBe("wilson-modified-clustered");
    expect([mw.low, mw.high]).toEqual(modifiedWilsonBounds(11 / de, 400 / de, Z));
    const zero = clusteredRateInterval(rep(50, { k: 0, m: 8 }));
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(modifiedWilsonInterval(0, 400).high, 12);
    expect(zero.high).toBeGreaterThan(0.009);
    // with the run's ICC the zero cell is wider: modified Wilson on 400/(1 + 7·0.3)
    expect(clusteredRateInterval(rep(50, { k: 0, m: 8 }), { pooledIcc: 0.3 }).high).toBeCloseTo(modifiedWilsonBounds(0, 400 / 3.1, Z)[1], 12);
  });
  it("modified Wilson bounds on integer counts equal modifiedWilsonInterval", () => {
    for (const [k, n] of [[0, 40], [1, 40], [2, 40], [3, 60], [7, 200], [199, 200], [50, 50]]) {
      const a = modifiedWilsonInterval(k, n);
      const [lo, hi] = modifiedWilsonBounds(k, n, Z);
      expect(lo).toBeCloseTo(a.low, 10);
      expect(hi).toBeCloseTo(a.high, 10);
    }
    const ac = agrestiCoullInterval(2, 200);
    expect(clusteredRateBounds(4, 400, 2, Z, "agresti-coull")).toEqual([ac.low, ac.high]);
    expect(clusteredRateBounds(4, 400, 2, Z)).toEqual(modifiedWilsonBounds(2, 200, Z));
  });
  it("gap: Tango on the scaled counts; no discordance gives Tango's interval, never [0, 0]", () => {
    const qs: QueryGap[] = [{ b: 6, c: 0, m: 8 }, { b: 3, c: 1, m: 8 }, { b: 1, c: 0, m: 8 }, ...rep(47, { b: 0, c: 0, m: 8 })];
    const g = clusteredGapInterval(qs);
    const de = gapDesignEffect(qs).de;
    expect(de).toBeGreaterThan(1);
    expect([g.low, g.high]).toEqual(tangoBounds(10 / de, 1 / de, 400 / de, Z));
    expect(g).toMatchObject({ method: "tango-clustered", estimate: 9 / 400, n_queries: 50, n_samples: 400 });
    const none = clusteredGapInterval(rep(50, { b: 0, c: 0, m: 8 }));
    const t = tangoGapInterval({ n11: 0, n10: 0, n01: 0, n00: 400 });
    expect([none.low, none.high]).toEqual([t.low, t.high]);
    expect(none.high - none.low).toBeGreaterThan(0.015);
  });
});

describe("clustered McNemar tests", () => {
  it("Durkalski's and Obuchowski's statistics, hand-worked; with one pair per query Durkalski is McNemar", () => {
    const qs: QueryGap[] = [{ b: 2, c: 0, m: 4 }, { b: 1, c: 0, m: 4 }, { b: 0, c: 1, m: 4 }];
    expect(durkalskiTest(qs).statistic).toBeCloseTo(2 / 3, 12);
    expect(obuchowskiTest(qs).statistic).toBeCloseTo(4 / 9, 12);
    const single: QueryGap[] = [...rep(15, { b: 1, c: 0, m: 1 }), ...rep(5, { b: 0, c: 1, m: 1 }), ...rep(30, { b: 0, c: 0, m: 1 })];
    // statsmodels 0.13.5: mcnemar([[10, 15], [5, 20]], exact=False, correction=False) → 5.0, p = 0.025347318677468325
    expect(durkalskiTest(single).statistic).toBeCloseTo(5, 12);
    expect(durkalskiTest(single).p_value).toBeCloseTo(0.025347318677468325, 12);
  });
  it("the Rao–Scott clustered test is McNemar's z on the scaled counts, and is the asymptotic McNemar test when DE = 1", () => {
    const qs: QueryGap[] = [{ b: 6, c: 0, m: 8 }, { b: 3, c: 1, m: 8 }, { b: 1, c: 0, m: 8 }, { b: 0, c: 2, m: 8 }, ...rep(46, { b: 0, c: 0, m: 8 })];
    const t = clusteredMcNemarTest(qs);
    const de = gapDesignEffect(qs).de;
    expect(t.de).toBe(de);
    expect(t.statistic).toBeCloseTo(7 / Math.sqrt(de * 13), 12);
    expect(t.p_value).toBeCloseTo(2 * (1 - 0.5 * (1 + erf(7 / Math.sqrt(de * 13) / Math.SQRT2))), 10);
    // DE = 1: the plain asymptotic McNemar p
    expect(tangoTestPValue(15, 5)).toBeCloseTo(0.025347318677468325, 12);
    expect(tangoTestPValue(9, 3)).toBeCloseTo(0.08326451666355042, 12);
    expect(clusteredMcNemarTest(rep(5, { b: 0, c: 0, m: 3 }))).toMatchObject({ statistic: 0, p_value: 1 });
  });
});

/** erf by its Taylor series (independent of lib/stats/normal). */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe("exact cluster bootstrap (B = ∞)", () => {
  it("the convolution is right by hand and matches resampling with many draws", () => {
    expect(Array.from(clusterSumPmf([0, 1]).pmf)).toEqual([0.25, 0.5, 0.25]);
    const two = clusterSumPmf([-1, 2]);
    expect(two.offset).toBe(-2);
    expect(Array.from(two.pmf)).toEqual([0.25, 0, 0, 0.5, 0, 0, 0.25]);
    const totals = [2, 0, 0, 1, 5, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 2, 0, 0];
    const ex = exactClusterBootstrapInterval(totals, 8);
    const mc = clusterBootstrapRate(totals.map((k) => ({ sum: k, n: 8 })), { seed: 4, B: 40000 });
    expect(ex.estimate).toBeCloseTo(22 / 160, 12);
    expect(Math.abs(ex.low - mc.low)).toBeLessThanOrEqual(1 / 160 + 1e-12);
    expect(Math.abs(ex.high - mc.high)).toBeLessThanOrEqual(1 / 160 + 1e-12);
    let s = 0;
    for (const v of ex.pmf) s += v;
    expect(s).toBeCloseTo(1, 10);
    // the defect kept for the record: no events, a point at 0
    const z = exactClusterBootstrapInterval(rep(50, 0), 8);
    expect([z.low, z.high]).toEqual([0, 0]);
  });
});
