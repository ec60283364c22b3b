import { describe, expect, it } from "vitest";
import {
  agrestiMinGapInterval,
  benjaminiHochberg,
  bonettPriceGapInterval,
  clusterContrastBootstrap,
  discordantFromRates,
  gammaQuantileInt,
  gapInterval,
  gapPower,
  gapSampleSize,
  holm,
  independentContrastInterval,
  modifiedWilsonInterval,
  normalQuantile,
  pairedContrastInterval,
  pairedContrastPmf,
  pairedGapInterval,
  pairedGapPValue,
  rateDifferenceInterval,
  signTestPValue,
  simulateGapPower,
  standardErrorInterval,
  tangoGapInterval,
  tangoScore,
  waldGapInterval,
  waldInterval,
  wilsonInterval,
  type PairedCounts,
} from "../lib/stats";

const Z = normalQuantile(0.975);

describe("rate intervals added in round 2", () => {
  it("Wald and ±1 SE follow their closed forms", () => {
    const se = Math.sqrt((0.4 * 0.6) / 50);
    expect(waldInterval(20, 50).low).toBeCloseTo(0.4 - Z * se, 12);
    expect(standardErrorInterval(20, 50)).toMatchObject({ low: expect.closeTo(0.4 - se, 12), high: expect.closeTo(0.4 + se, 12), method: "wald-1se" });
    expect(standardErrorInterval(20, 50).level).toBeCloseTo(0.6827, 4);
  });
  it("modified Wilson uses the Poisson lower bound for k ≤ 3 (Brown, Cai & DasGupta 2001)", () => {
    expect(gammaQuantileInt(1, 0.05)).toBeCloseTo(-Math.log(0.95), 10);
    // chi-square(4) 5% quantile / 2 = 0.710723 / 2 (tables)
    expect(gammaQuantileInt(2, 0.05)).toBeCloseTo(0.7107230213973 / 2, 8);
    expect(modifiedWilsonInterval(1, 200).low).toBeCloseTo(-Math.log(0.95) / 200, 12);
    expect(modifiedWilsonInterval(1, 200).high).toBeCloseTo(wilsonInterval(1, 200).high, 12);
    // mirrored at the top
    expect(modifiedWilsonInterval(199, 200).high).toBeCloseTo(1 + Math.log(0.95) / 200, 12);
    // away from the edges it is plain Wilson; k* = 2 for n ≤ 50
    expect(modifiedWilsonInterval(3, 50).low).toBeCloseTo(wilsonInterval(3, 50).low, 12);
    expect(modifiedWilsonInterval(3, 51).low).toBeCloseTo(gammaQuantileInt(3, 0.05) / 51, 12);
    expect(modifiedWilsonInterval(0, 10).low).toBe(0);
  });
});

/** Constrained MLE of p01 under p10 − p01 = delta by golden-section search on the likelihood (independent of the closed form). */
function bruteTango(c: PairedCounts, delta: number): number {
  const n = c.n11 + c.n10 + c.n01 + c.n00;
  const ll = (q: number) => c.n10 * Math.log(q + delta) + c.n01 * Math.log(q) + (n - c.n10 - c.n01) * Math.log(1 - 2 * q - delta);
  let lo = Math.max(0, -delta) + 1e-12;
  let hi = (1 - delta) / 2 - 1e-12;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 200; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (ll(a) < ll(b)) lo = a;
    else hi = b;
  }
  const q = (lo + hi) / 2;
  return (c.n10 - c.n01 - n * delta) / Math.sqrt(n * (2 * q + delta * (1 - delta)));
}

describe("paired gap intervals", () => {
  const c = { n11: 10, n10: 15, n01: 5, n00: 20 };
  it("Tango's score equals a brute-force constrained-MLE score", () => {
    for (const d of [-0.1, 0, 0.05, 0.2, 0.35]) expect(tangoScore(c, d)).toBeCloseTo(bruteTango(c, d), 5);
    expect(tangoScore(c, 0)).toBeCloseTo(10 / Math.sqrt(20), 12); // McNemar z at delta = 0
  });
  it("Tango's bounds solve |T| = z and bracket the estimate", () => {
    const iv = tangoGapInterval(c);
    expect(bruteTango(c, iv.low)).toBeCloseTo(Z, 4);
    expect(bruteTango(c, iv.high)).toBeCloseTo(-Z, 4);
    expect(iv.low).toBeLessThan(0.2);
    expect(iv.high).toBeGreaterThan(0.2);
    // no discordant pairs: symmetric, non-degenerate; closed form z²/(n + z²)
    const z0 = tangoGapInterval({ n11: 0, n10: 0, n01: 0, n00: 50 });
    expect(z0.high).toBeCloseTo((Z * Z) / (50 + Z * Z), 8);
    expect(z0.low).toBeCloseTo(-z0.high, 10);
    expect(gapInterval(c).method).toBe("tango");
  });
  it("Wald, Bonett–Price and Agresti–Min follow their formulas", () => {
    const w = waldGapInterval(c);
    expect(w.high - 0.2).toBeCloseTo(Z * Math.sqrt((0.4 - 0.04) / 50), 12);
    const bp = bonettPriceGapInterval({ n11: 0, n10: 0, n01: 0, n00: 50 });
    expect(bp.high).toBeCloseTo(Z * Math.sqrt(2 / 52 / 52), 12);
    const am = agrestiMinGapInterval(c);
    const p1 = 15.5 / 52;
    const p2 = 5.5 / 52;
    expect(am.low).toBeCloseTo(p1 - p2 - Z * Math.sqrt((p1 + p2 - (p1 - p2) ** 2) / 52), 12);
    expect(gapInterval(c, { method: "bootstrap" })).toEqual(pairedGapInterval(c));
    expect(() => gapInterval(c, { method: "x" as never })).toThrow(RangeError);
  });
});

describe("p-values and adjustment", () => {
  it("exact McNemar = two-sided sign test (R: binom.test(2, 12)$p.value = 0.03857422)", () => {
    expect(signTestPValue(10, 2)).toBeCloseTo(0.0385742188, 9);
    expect(pairedGapPValue({ n11: 30, n10: 10, n01: 2, n00: 58 })).toBeCloseTo(0.0385742188, 9);
    expect(signTestPValue(3, 3)).toBe(1);
    expect(signTestPValue(0, 0)).toBe(1);
    expect(signTestPValue(5, 0)).toBeCloseTo(2 / 32, 12);
  });
  it("Holm and BH match R's p.adjust", () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") / "BH"
    expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02].map((x) => expect.closeTo(x, 12)));
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02].map((x) => expect.closeTo(x, 12)));
    expect(holm([0.5, NaN, 0.6])).toEqual([1, NaN, 1].map((x) => (Number.isNaN(x) ? NaN : expect.closeTo(x, 12))));
    expect(() => holm([1.2])).toThrow(RangeError);
  });
});

describe("contrasts", () => {
  it("Newcombe's hybrid score difference: his example (56/70 − 48/80 → 0.0524, 0.3339)", () => {
    const r = rateDifferenceInterval(56, 70, 48, 80);
    expect(r.low).toBeCloseTo(0.0524, 4);
    expect(r.high).toBeCloseTo(0.3339, 4);
  });
  it("paired contrast pmf equals brute-force enumeration of all n^n resamples", () => {
    const quads = [
      [1, 0, 0, 0],
      [1, 1, 0, 1],
      [0, 0, 1, 0],
      [1, 0, 1, 0],
    ] as const;
    const n = quads.length;
    const v = quads.map((q) => q[0] - q[1] - q[2] + q[3]);
    const brute = new Float64Array(4 * n + 1);
    for (let code = 0; code < n ** n; code++) {
      let s = 0;
      let x = code;
      for (let i = 0; i < n; i++) {
        s += v[x % n];
        x = Math.floor(x / n);
      }
      brute[s + 2 * n] += 1 / n ** n;
    }
    const pmf = pairedContrastPmf(quads);
    for (let i = 0; i < brute.length; i++) expect(pmf[i]).toBeCloseTo(brute[i], 14);
    const iv = pairedContrastInterval(quads);
    expect(iv.estimate).toBeCloseTo((1 + 1 - 1 + 0) / 4, 12);
  });
  it("independent contrast: MOVER-Tango by formula; exact bootstrap equal- and unequal-n paths agree with resampling", () => {
    const a = { n11: 5, n10: 30, n01: 5, n00: 160 };
    const b = { n11: 5, n10: 10, n01: 5, n00: 180 };
    const m = independentContrastInterval(a, b);
    const ia = tangoGapInterval(a);
    const ib = tangoGapInterval(b);
    expect(m.estimate).toBeCloseTo(0.1, 12);
    expect(m.low).toBeCloseTo(0.1 - Math.hypot(0.125 - ia.low, ib.high - 0.025), 12);
    const eq = independentContrastInterval(a, b, { method: "bootstrap" });
    // unequal n: same b with every count doubled changes nothing in expectation; bounds should be close
    const uneq = independentContrastInterval(a, { n11: 10, n10: 20, n01: 10, n00: 360 }, { method: "bootstrap" });
    expect(Math.abs(eq.low - uneq.low)).toBeLessThan(0.02);
    expect(Math.abs(eq.high - uneq.high)).toBeLessThan(0.02);
    expect(eq.low).toBeGreaterThan(0.03);
    expect(eq.high).toBeLessThan(0.17);
  });
  it("cluster contrast bootstrap: seeded reruns identical, other seeds differ", () => {
    const qs = Array.from({ length: 30 }, (_, i) => ({ a1: [i % 2, 1], a2: [0, i % 3 === 0 ? 1 : 0], b1: [i % 5 === 0 ? 1 : 0], b2: [0] }));
    const r1 = clusterContrastBootstrap(qs, { seed: 7, B: 2000 });
    expect(clusterContrastBootstrap(qs, { seed: 7, B: 2000 })).toEqual(r1);
    const r2 = clusterContrastBootstrap(qs, { seed: 8, B: 2000 });
    expect([r2.low, r2.high]).not.toEqual([r1.low, r1.high]);
    expect(r1.low).toBeLessThan(r1.estimate);
    expect(r1.high).toBeGreaterThan(r1.estimate);
  });
});

describe("power and sample size", () => {
  it("closed form agrees with seeded simulation, and sample size is the smallest n reaching the power", () => {
    const d = discordantFromRates(0.49, 0.35, 0.7);
    expect(d.p10 - d.p01).toBeCloseTo(0.14, 12);
    const reps = 3000;
    for (const n of [60, 150]) {
      const cf = gapPower(d, n);
      const sim = simulateGapPower(d, { n, reps, seed: 11 });
      expect(Math.abs(cf - sim)).toBeLessThan(4 * Math.sqrt((cf * (1 - cf)) / reps) + 0.02);
    }
    expect(simulateGapPower(d, { n: 80, reps: 500, seed: 3 })).toBe(simulateGapPower(d, { n: 80, reps: 500, seed: 3 }));
    const n80 = gapSampleSize(d, 0.8);
    expect(gapPower(d, n80)).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(gapPower(d, n80 - 1)).toBeLessThan(0.8);
    // organisms: fully shared draws give p01 = 0
    expect(discordantFromRates(0.49, 0.35, 1)).toEqual({ p10: expect.closeTo(0.14, 12), p01: 0 });
    expect(gapSampleSize({ p10: 0.1, p01: 0.1 })).toBe(Infinity);
    // exact-test power is at most the asymptotic one here (the exact test is conservative)
    expect(simulateGapPower(d, { n: 100, reps: 800, seed: 5, test: "exact" })).toBeLessThanOrEqual(simulateGapPower(d, { n: 100, reps: 800, seed: 5 }) + 1e-12);
  });
});
