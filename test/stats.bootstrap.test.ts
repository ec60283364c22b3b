import { describe, expect, it } from "vitest";
import { sampleWithReplacement } from "simple-statistics";
import { bootstrap, clusterBootstrapGap, clusterBootstrapRate, inverseEcdf, jackknifeAcceleration, makeRng, rateInterval } from "../lib/stats";

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("makeRng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = makeRng(42);
    const b = makeRng(42);
    const c = makeRng(43);
    const xa = Array.from({ length: 50 }, () => a());
    const xb = Array.from({ length: 50 }, () => b());
    const xc = Array.from({ length: 50 }, () => c());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(xa.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it("looks uniform, including the first draw of small seeds", () => {
    const firsts = Array.from({ length: 200 }, (_, s) => makeRng(s)());
    expect(mean(firsts)).toBeGreaterThan(0.4);
    expect(mean(firsts)).toBeLessThan(0.6);
    const u = makeRng(9);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(u() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
  it("plugs into simple-statistics as a randomSource", () => {
    const s1 = sampleWithReplacement([1, 2, 3, 4, 5], 20, makeRng(3));
    const s2 = sampleWithReplacement([1, 2, 3, 4, 5], 20, makeRng(3));
    expect(s1).toEqual(s2);
  });
  it("rejects non-integer seeds", () => {
    expect(() => makeRng(1.5)).toThrow(RangeError);
  });
});

describe("inverseEcdf", () => {
  it("takes sorted[ceil(pB) − 1]", () => {
    expect(inverseEcdf([1, 2, 3, 4], 0.5)).toBe(2);
    expect(inverseEcdf([1, 2, 3, 4], 0.51)).toBe(3);
    expect(inverseEcdf([1, 2, 3, 4], 0)).toBe(1);
    expect(inverseEcdf([1, 2, 3, 4], 1)).toBe(4);
  });
});

describe("generic bootstrap", () => {
  const data = [2, 4, 4, 5, 7, 9, 30, 3, 6, 8, 12, 1];
  it("is reproducible per seed", () => {
    const a = bootstrap(data, mean, { seed: 11, B: 2000 });
    const b = bootstrap(data, mean, { seed: 11, B: 2000 });
    const c = bootstrap(data, mean, { seed: 12, B: 2000 });
    expect(a).toEqual(b);
    expect([a.low, a.high]).not.toEqual([c.low, c.high]);
    expect(a.estimate).toBeCloseTo(mean(data), 14);
    expect(a.low).toBeLessThan(a.estimate);
    expect(a.high).toBeGreaterThan(a.estimate);
  });
  it("percentile bootstrap of a proportion converges to the exact bootstrap", () => {
    const xs = [...new Array(30).fill(1), ...new Array(50).fill(0)];
    const r = bootstrap(xs, mean, { seed: 5, B: 40_000 });
    const exact = rateInterval(30, 80);
    expect(Math.abs(r.low - exact.low)).toBeLessThanOrEqual(1 / 80 + 1e-12);
    expect(Math.abs(r.high - exact.high)).toBeLessThanOrEqual(1 / 80 + 1e-12);
  });
  it("jackknife acceleration: 0 for symmetric data, hand-computed value for a skewed set", () => {
    expect(jackknifeAcceleration([1, 2, 3, 4, 5], mean)).toBeCloseTo(0, 15);
    // For the mean, leave-one-out values are (S − xᵢ)/(n − 1), so θ̄ − θ₍ᵢ₎ = (xᵢ − x̄)/(n − 1)
    // and a = Σ(xᵢ − x̄)³ / (6 (Σ(xᵢ − x̄)²)^{3/2}). For [0, 0, 0, 4]: x̄ = 1, Σd³ = −3 + 27 = 24, Σd² = 12.
    expect(jackknifeAcceleration([0, 0, 0, 4], mean)).toBeCloseTo(24 / (6 * Math.pow(12, 1.5)), 14);
  });
  it("BCa matches scipy.stats.bootstrap on a skewed sample (known case)", () => {
    // 30 exponential quantiles; scipy 1.17, n_resamples=400000:
    // BCa [0.708860, 1.411706], percentile [0.675243, 1.347940]
    const xs = Array.from({ length: 30 }, (_, i) => -Math.log(1 - (i + 0.5) / 30));
    const bca = bootstrap(xs, mean, { seed: 8, B: 20_000, method: "bca" });
    const pct = bootstrap(xs, mean, { seed: 8, B: 20_000 });
    expect(bca.method).toBe("bca");
    expect(bca.low).toBeCloseTo(0.70886, 2);
    expect(bca.high).toBeCloseTo(1.41171, 2);
    expect(pct.low).toBeCloseTo(0.67524, 2);
    expect(pct.high).toBeCloseTo(1.34794, 2);
    // right skew: BCa shifts both ends up
    expect(bca.low).toBeGreaterThan(pct.low);
    expect(bca.high).toBeGreaterThan(pct.high);
    expect(bca.acceleration).toBeGreaterThan(0);
  });
  it("n=0 gives NaN with a note", () => {
    const r = bootstrap([] as number[], mean, { seed: 1 });
    expect(Number.isNaN(r.low)).toBe(true);
    expect(r.note).toMatch(/n=0/);
  });
});

describe("cluster bootstrap", () => {
  const perQuery = Array.from({ length: 40 }, (_, q) => ({
    a: [q % 3 === 0 ? 1 : 0, q % 2, 1],
    b: q % 5 === 0 ? [1, 0] : [0],
  }));
  it("gap is reproducible per seed and brackets the estimate", () => {
    const r1 = clusterBootstrapGap(perQuery, { seed: 3, B: 3000 });
    const r2 = clusterBootstrapGap(perQuery, { seed: 3, B: 3000 });
    expect(r1).toEqual(r2);
    const aAll = perQuery.flatMap((q) => q.a);
    const bAll = perQuery.flatMap((q) => q.b);
    expect(r1.estimate).toBeCloseTo(mean(aAll) - mean(bAll), 14);
    expect(r1.low).toBeLessThan(r1.estimate);
    expect(r1.high).toBeGreaterThan(r1.estimate);
    expect(r1.n).toBe(40);
    expect(r1.dropped).toBe(0);
  });
  it("accepts pre-summed queries with the same result", () => {
    const summed = perQuery.map((q) => ({ aSum: q.a.reduce((s, x) => s + x, 0), aN: q.a.length, bSum: q.b.reduce((s, x) => s + x, 0), bN: q.b.length }));
    expect(clusterBootstrapGap(summed, { seed: 3, B: 3000 })).toEqual(clusterBootstrapGap(perQuery, { seed: 3, B: 3000 }));
  });
  it("one sample per query: cluster rate ≈ exact bootstrap", () => {
    const qs = Array.from({ length: 100 }, (_, i) => [i < 37 ? 1 : 0]);
    const r = clusterBootstrapRate(qs, { seed: 4, B: 20_000 });
    const exact = rateInterval(37, 100);
    expect(r.estimate).toBeCloseTo(0.37, 14);
    expect(Math.abs(r.low - exact.low)).toBeLessThanOrEqual(0.01 + 1e-12);
    expect(Math.abs(r.high - exact.high)).toBeLessThanOrEqual(0.01 + 1e-12);
  });
  it("clustering widens the interval when samples within a query agree", () => {
    // 50 queries × 4 identical samples vs 200 independent ones with the same rate
    const clustered = Array.from({ length: 50 }, (_, i) => new Array(4).fill(i < 20 ? 1 : 0));
    const r = clusterBootstrapRate(clustered, { seed: 1, B: 5000 });
    const naive = rateInterval(80, 200);
    expect(r.high - r.low).toBeGreaterThan(1.5 * (naive.high - naive.low));
  });
  it("no queries gives NaN with a note", () => {
    const r = clusterBootstrapRate([], { seed: 1 });
    expect(Number.isNaN(r.low)).toBe(true);
    expect(r.note).toBe("no queries");
  });
});
