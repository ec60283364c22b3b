import { describe, expect, it } from "vitest";
import { auroc, aurocBootstrap, aurocDelong, aurocScoreBounds, delongVariance, makeRng, normalCdf, rocCurve } from "../lib/stats";
import { confusionAt, voteFraction } from "../lib/classify";

/** Mann–Whitney by brute force over every (positive, negative) pair. */
function bruteAuroc(s: number[], l: boolean[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (!l[i]) continue;
    for (let j = 0; j < s.length; j++) {
      if (l[j]) continue;
      pairs++;
      sum += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

function randomSet(seed: number, n: number, ties: boolean): { s: number[]; l: boolean[] } {
  const u = makeRng(seed);
  const l = Array.from({ length: n }, () => u() < 0.45);
  const s = l.map((x) => {
    const v = u() + (x ? 0.4 : 0);
    return ties ? Math.round(v * 5) / 5 : v;
  });
  return { s, l };
}

describe("AUROC", () => {
  it("equals brute-force Mann–Whitney, with and without ties", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { s, l } = randomSet(seed, 30 + seed, seed % 2 === 0);
      expect(auroc(s, l)).toBeCloseTo(bruteAuroc(s, l), 12);
    }
    expect(auroc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(auroc([1, 1, 1], [true, false, true])).toBe(0.5);
    expect(Number.isNaN(auroc([1, 2], [true, true]))).toBe(true);
  });

  it("DeLong variance matches a hand-worked example", () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4.
    // V10 = [1/2, 1] (share of negatives below each positive), V01 = [1, 1/2]
    // (share of positives above each negative); AUC = 0.75;
    // s10 = s01 = ((0.25)^2 + (0.25)^2) / 1 = 0.125; var = 0.125/2 + 0.125/2 = 0.125.
    expect(delongVariance([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.125, 12);
    // ties count one half: positives 1, 2; negatives 1, 0.
    // V10 = [(1 + 0.5)/2, 1] = [0.75, 1]; V01 = [(0.5 + 1)/2, 1] = [0.75, 1]; AUC 0.875;
    // s10 = s01 = 2 * 0.125^2 = 0.03125; var = 0.03125/2 * 2 = 0.03125.
    expect(auroc([1, 2, 1, 0], [true, true, false, false])).toBe(0.875);
    expect(delongVariance([1, 2, 1, 0], [true, true, false, false])).toBeCloseTo(0.03125, 12);
    const d = aurocDelong([0.1, 0.4, 0.35, 0.8], [false, false, true, true], { scale: "linear" });
    expect(d.low).toBeCloseTo(Math.max(0, 0.75 - 1.959963984540054 * Math.sqrt(0.125)), 9);
    expect(d.high).toBe(1);
    // default: on the logit scale, logit(0.75) ± z·√0.125/(0.75·0.25), mapped back
    const g = aurocDelong([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    const h = (1.959963984540054 * Math.sqrt(0.125)) / (0.75 * 0.25);
    expect(g.method).toBe("delong-logit");
    expect(g.low).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(3) - h))), 12);
    expect(g.high).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(3) + h))), 12);
    expect(g.high).toBeLessThan(1);
  });

  it("DeLong variance agrees with the brute-force placement formula on random data", () => {
    const { s, l } = randomSet(7, 60, true);
    const pos = s.filter((_, i) => l[i]);
    const neg = s.filter((_, i) => !l[i]);
    const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
    const v10 = pos.map((p) => neg.reduce((t, n) => t + psi(p, n), 0) / neg.length);
    const v01 = neg.map((n) => pos.reduce((t, p) => t + psi(p, n), 0) / pos.length);
    const a = bruteAuroc(s, l);
    const sv = (xs: number[]) => xs.reduce((t, x) => t + (x - a) ** 2, 0) / (xs.length - 1);
    expect(delongVariance(s, l)).toBeCloseTo(sv(v10) / pos.length + sv(v01) / neg.length, 12);
  });

  it("the bootstrap CI matches a naive stratified bootstrap with the same draws, and DeLong roughly", () => {
    const { s, l } = randomSet(3, 80, false);
    const B = 400;
    const r = aurocBootstrap(s, l, { seed: 11, B });
    // independent computation: same RNG stream, explicit resampled arrays, brute-force AUROC
    const u = makeRng(11);
    const posIdx = l.flatMap((x, i) => (x ? [i] : []));
    const negIdx = l.flatMap((x, i) => (x ? [] : [i]));
    const reps: number[] = [];
    for (let b = 0; b < B; b++) {
      const ps = posIdx.map(() => posIdx[Math.floor(u() * posIdx.length)]);
      const ns = negIdx.map(() => negIdx[Math.floor(u() * negIdx.length)]);
      const idx = [...ps, ...ns];
      reps.push(bruteAuroc(idx.map((i) => s[i]), idx.map((i) => l[i])));
    }
    reps.sort((x, y) => x - y);
    const q = (p: number) => {
      const h = (reps.length - 1) * p;
      const lo = Math.floor(h);
      return reps[lo] + (h - lo) * (reps[Math.min(lo + 1, reps.length - 1)] - reps[lo]);
    };
    expect(r.low).toBeCloseTo(q(0.025), 12);
    expect(r.high).toBeCloseTo(q(0.975), 12);
    const d = aurocDelong(s, l);
    expect(Math.abs(r.low - d.low)).toBeLessThan(0.05);
    expect(Math.abs(r.high - d.high)).toBeLessThan(0.05);
  });

  it("ROC curve, vote fractions and confusion counts", () => {
    const roc = rocCurve([0.2, 0.9, 0.9, 0.5], [false, true, false, true]);
    expect(roc).toEqual([
      { threshold: Infinity, tpr: 0, fpr: 0 },
      { threshold: 0.9, tpr: 0.5, fpr: 0.5 },
      { threshold: 0.5, tpr: 1, fpr: 0.5 },
      { threshold: 0.2, tpr: 1, fpr: 1 },
    ]);
    expect(voteFraction([true, null, false, true], 3)).toBe(0.5);
    expect(voteFraction([null, null], 2)).toBeNull();
    const c = confusionAt([0.5, 0.4, 0.39, 0.1], [true, false, true, false], 0.4, 20);
    expect([c.tp, c.fp, c.fn, c.tn]).toEqual([1, 1, 1, 1]);
  });
});

describe("AUROC near a perfect judge", () => {
  const Z = 1.959963984540054;
  it("score-type bounds solve (θ − θ̂)² = z²·V(θ) with Newcombe's variance, and stay inside (0, 1)", () => {
    const V = (t: number, m: number, n: number) => {
      const ns = (m + n) / 2;
      return (t * (1 - t) * (1 + (ns - 1) * ((1 - t) / (2 - t) + t / (1 + t)))) / (m * n);
    };
    for (const [th, m, n] of [[1, 20, 20], [0.9, 15, 40], [0.6, 30, 30], [0, 10, 12]] as const) {
      const [lo, hi] = aurocScoreBounds(th, m, n, Z);
      if (th > 0) expect((lo - th) ** 2).toBeCloseTo(Z * Z * V(lo, m, n), 10);
      if (th < 1) expect((hi - th) ** 2).toBeCloseTo(Z * Z * V(hi, m, n), 10);
      expect(lo).toBeLessThan(hi);
    }
    expect(aurocScoreBounds(1, 20, 20, Z)[0]).toBeCloseTo(0.8987, 3);
  });
  it("a perfectly separating judge gets an interval below 1, from DeLong and from the bootstrap; the linear DeLong would collapse", () => {
    const s = Array.from({ length: 20 }, (_, i) => i);
    const l = s.map((i) => i >= 10);
    const d = aurocDelong(s, l);
    expect(d.estimate).toBe(1);
    expect(d.high).toBe(1);
    expect(d.low).toBeLessThan(0.9);
    expect(d.note).toMatch(/score-type/);
    const b = aurocBootstrap(s, l, { seed: 1, B: 500 });
    expect(b.low).toBeCloseTo(d.low, 12);
    expect(b.note).toMatch(/perfectly separated/);
    const lin = aurocDelong(s, l, { scale: "linear" });
    expect([lin.low, lin.high]).toEqual([1, 1]);
  });
  it("covers a near-perfect binormal judge (true AUROC 0.993 and 0.9993) at about the nominal rate", () => {
    for (const [d, floor] of [[3.5, 0.92], [4.5, 0.92]] as const) {
      const truth = normalCdf(d / Math.SQRT2);
      const u = makeRng(7);
      let cover = 0;
      let point = 0;
      const R = 300;
      for (let r = 0; r < R; r++) {
        const sc: number[] = [];
        const lb: boolean[] = [];
        for (let i = 0; i < 60; i++) {
          const pos = i < 30;
          const z = Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
          sc.push(z + (pos ? d : 0));
          lb.push(pos);
        }
        const a = aurocDelong(sc, lb);
        if (a.low <= truth && truth <= a.high) cover++;
        if (a.high - a.low < 1e-12) point++;
      }
      expect(cover / R).toBeGreaterThan(floor);
      expect(point).toBe(0);
    }
  });
});
