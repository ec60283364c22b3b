import { describe, expect, it } from "vitest";
import {
  binomialCdf,
  binomialPmf,
  binomialPmfArray,
  exactBootstrapRateInterval,
  makeRng,
  pairedCounts,
  pairedGapInterval,
  pairedGapPmf,
  pmfQuantile,
} from "../lib/stats";

/** Exact binomial coefficient with BigInt: independent of the library's recurrence. */
function choose(n: number, k: number): number {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return Number(r);
}
function brutePmf(n: number, p: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) => choose(n, k) * Math.pow(p, k) * Math.pow(1 - p, n - k));
}
/** Brute-force quantile: smallest x with CDF(x) ≥ q (with the same 1e-12 tolerance). */
function bruteQuantile(pmf: number[], q: number): number {
  let c = 0;
  for (let x = 0; x < pmf.length; x++) {
    c += pmf[x];
    if (c >= q - 1e-12) return x;
  }
  return pmf.length - 1;
}

describe("binomial pmf and cdf", () => {
  it("recurrence pmf equals exact enumeration (n ≤ 60)", () => {
    for (const [n, p] of [[1, 0.3], [10, 0.5], [37, 0.123], [60, 0.9]] as const) {
      const a = binomialPmfArray(n, p);
      const b = brutePmf(n, p);
      expect(a.length).toBe(n + 1);
      for (let k = 0; k <= n; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-14);
    }
  });
  it("keeps the whole upper tail (unlike simple-statistics binomialDistribution)", () => {
    const a = binomialPmfArray(400, 0.3);
    expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 13);
    expect(a[200]).toBeGreaterThan(0);
    expect(a[200]).toBeCloseTo(binomialPmf(200, 400, 0.3), 25);
    expect(binomialPmf(200, 400, 0.3) / a[200]).toBeCloseTo(1, 9);
  });
  it("log-space pmf and cdf have known values", () => {
    expect(binomialPmf(3, 10, 0.5)).toBeCloseTo(0.1171875, 14);
    expect(binomialCdf(5, 10, 0.5)).toBeCloseTo(0.623046875, 14);
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialPmfArray(5, 0)[0]).toBe(1);
    expect(binomialPmfArray(5, 1)[5]).toBe(1);
  });
});

describe("exact bootstrap rate interval", () => {
  it("equals quantiles of a brute-force pmf enumeration", () => {
    for (const [k, n] of [[1, 3], [3, 10], [17, 40], [29, 60], [59, 60]] as const) {
      for (const level of [0.8, 0.9, 0.95, 0.99]) {
        const pmf = brutePmf(n, k / n);
        const a = (1 - level) / 2;
        const r = exactBootstrapRateInterval(k, n, level);
        expect(r.low).toBe(bruteQuantile(pmf, a) / n);
        expect(r.high).toBe(bruteQuantile(pmf, 1 - a) / n);
      }
    }
  });
  it("matches scipy binom.ppf at n=400", () => {
    // scipy: stats.binom.ppf([0.025, 0.975], 400, 123/400) = [105, 141]; 7/400 -> [2, 13]; 390/400 -> [383, 396]
    expect(exactBootstrapRateInterval(123, 400)).toMatchObject({ low: 105 / 400, high: 141 / 400 });
    expect(exactBootstrapRateInterval(7, 400)).toMatchObject({ low: 2 / 400, high: 13 / 400 });
    expect(exactBootstrapRateInterval(390, 400)).toMatchObject({ low: 383 / 400, high: 396 / 400 });
    expect(exactBootstrapRateInterval(123, 400, 0.9)).toMatchObject({ low: 108 / 400, high: 138 / 400 });
  });
  it("is a flagged point at k=0 and k=n", () => {
    const r = exactBootstrapRateInterval(0, 30);
    expect([r.low, r.high]).toEqual([0, 0]);
    expect(r.note).toMatch(/point/);
  });
  it("pmfQuantile follows the smallest-x-with-CDF≥p convention", () => {
    expect(pmfQuantile([0.25, 0.5, 0.25], 0.25)).toBe(0);
    expect(pmfQuantile([0.25, 0.5, 0.25], 0.2500001)).toBe(1);
    expect(pmfQuantile([0.25, 0.5, 0.25], 0.75)).toBe(1);
    expect(pmfQuantile([0.25, 0.5, 0.25], 0.76)).toBe(2);
  });
});

/** Brute force: multinomial over (N10*, N01*, rest), D = N10* − N01*. */
function bruteGapPmf(c: { n11: number; n10: number; n01: number; n00: number }): number[] {
  const n = c.n11 + c.n10 + c.n01 + c.n00;
  const p10 = c.n10 / n;
  const p01 = c.n01 / n;
  const pr = 1 - p10 - p01;
  const out = new Array(2 * n + 1).fill(0);
  for (let x = 0; x <= n; x++) {
    for (let y = 0; x + y <= n; y++) {
      const coef = choose(n, x) * choose(n - x, y);
      const pr10 = x === 0 ? 1 : Math.pow(p10, x);
      const pr01 = y === 0 ? 1 : Math.pow(p01, y);
      const prr = n - x - y === 0 ? 1 : Math.pow(pr, n - x - y);
      out[x - y + n] += coef * pr10 * pr01 * prr;
    }
  }
  return out;
}

describe("paired gap: exact bootstrap", () => {
  const cases = [
    { n11: 3, n10: 4, n01: 1, n00: 2 },
    { n11: 0, n10: 7, n01: 6, n00: 0 },
    { n11: 10, n10: 9, n01: 2, n00: 19 },
    { n11: 1, n10: 1, n01: 0, n00: 0 },
    { n11: 0, n10: 0, n01: 5, n00: 25 },
  ];
  it("pmf sums to 1 and matches a brute-force double loop", () => {
    for (const c of cases) {
      const a = pairedGapPmf(c);
      const b = bruteGapPmf(c);
      expect(a.length).toBe(b.length);
      expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 13);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-13);
    }
  });
  it("pmf sums to 1 at n=400", () => {
    const a = pairedGapPmf({ n11: 100, n10: 80, n01: 60, n00: 160 });
    expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });
  it("interval endpoints are the brute-force quantiles", () => {
    for (const c of cases) {
      const n = c.n11 + c.n10 + c.n01 + c.n00;
      const pmf = bruteGapPmf(c);
      for (const level of [0.9, 0.95]) {
        const a = (1 - level) / 2;
        const r = pairedGapInterval(c, { level });
        expect(r.estimate).toBeCloseTo((c.n10 - c.n01) / n, 15);
        expect(r.low).toBe((bruteQuantile(pmf, a) - n) / n);
        expect(r.high).toBe((bruteQuantile(pmf, 1 - a) - n) / n);
        expect(r.method).toBe("bootstrap-exact");
      }
    }
  });
  it("agrees with large-B Monte Carlo resampling of the pairs", () => {
    const c = { n11: 12, n10: 14, n01: 6, n00: 28 }; // n = 60
    const n = 60;
    const cats: number[] = [];
    for (let i = 0; i < c.n10; i++) cats.push(1);
    for (let i = 0; i < c.n01; i++) cats.push(-1);
    while (cats.length < n) cats.push(0);
    const u = makeRng(2024);
    const B = 100_000;
    const freq = new Float64Array(2 * n + 1);
    const reps = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += cats[Math.floor(u() * n)];
      freq[d + n] += 1 / B;
      reps[b] = d / n;
    }
    const exact = pairedGapPmf(c);
    for (let i = 0; i < exact.length; i++) {
      const sd = Math.sqrt((exact[i] * (1 - exact[i])) / B);
      expect(Math.abs(freq[i] - exact[i])).toBeLessThan(5 * sd + 1e-9);
    }
    reps.sort();
    const r = pairedGapInterval(c);
    expect(Math.abs(reps[Math.ceil(0.025 * B) - 1] - r.low)).toBeLessThanOrEqual(2 / n + 1e-12);
    expect(Math.abs(reps[Math.ceil(0.975 * B) - 1] - r.high)).toBeLessThanOrEqual(2 / n + 1e-12);
  });
  it("handles edge cases", () => {
    const none = pairedGapInterval({ n11: 5, n10: 0, n01: 0, n00: 5 });
    expect([none.estimate, none.low, none.high]).toEqual([0, 0, 0]);
    expect(none.note).toMatch(/discordant/);
    const empty = pairedGapInterval({ n11: 0, n10: 0, n01: 0, n00: 0 });
    expect(Number.isNaN(empty.low) && Number.isNaN(empty.high) && Number.isNaN(empty.estimate)).toBe(true);
    expect(empty.note).toBe("n=0: no data");
    const all = pairedGapInterval({ n11: 0, n10: 9, n01: 0, n00: 0 });
    expect([all.low, all.high]).toEqual([1, 1]);
    expect(() => pairedGapInterval({ n11: -1, n10: 0, n01: 0, n00: 0 })).toThrow(RangeError);
  });
  it("pairedCounts tallies pairs", () => {
    expect(pairedCounts([[true, false], [true, true], [false, true], [false, false], [true, false]])).toEqual({ n11: 1, n10: 2, n01: 1, n00: 1 });
  });
});
