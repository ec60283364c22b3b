/**
 * The statistics wired into the tables (issue 12): the default interval per
 * design, one pooled ICC per run, the test that inverts each printed
 * interval, n counting queries, blocked and truncated outcomes, the verdict
 * table's p-values from the MOVER–Tango test, and post-training differences
 * of gaps on different queries. Expected values are worked by hand (closed
 * forms, Python's math.erfc) or rebuilt from per-query data independently
 * of the tables' code.
 */
import { describe, expect, it } from "vitest";
import { gapTable, motivationsReport, postTrainingReport, rateTable, gapStat, rateStat, type GapRowX } from "../lib/analysis";
import { clusteredRateBounds, contrastPValue, linearGapQueries, normalCdf, pooledIcc, rateDesignEffect, gapDesignEffect, holm } from "../lib/stats";
import type { SlimSample } from "../lib/analysis/motivations";
import type { Outcome } from "../lib/schema";

type Row = SlimSample & { outcome?: Outcome };
const Z = 1.959963984540054;

/** Samples of one cell: per query, the outcomes of its samples (1 complied, 0 not). */
function cell(model: string, condition: string, tier: string, perQuery: number[][], extra: Partial<Row> = {}): Row[] {
  return perQuery.flatMap((xs, q) => xs.map((x, s) => ({ model, condition, tier, query_id: `q${String(q).padStart(3, "0")}`, sample: s, accepted: x === 1, accept_then_refuse: false, error: null, ...extra })));
}
const rep = (n: number, f: (i: number) => number[]) => Array.from({ length: n }, (_, i) => f(i));

/** A seeded uniform. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe("rate tables", () => {
  it("one sample per query: Agresti–Coull, n the queries (hand-worked bounds)", () => {
    const rows = rateTable(cell("m", "c", "free", rep(40, (i) => [i < 3 ? 1 : 0])));
    expect(rows).toHaveLength(1);
    const r = rows[0];
    expect(r).toMatchObject({ n: 40, complied: 3, method: "agresti-coull", n_queries: 40, n_samples: 40, samples_per_query: 1, n_label: "n=40", design_effect: 1 });
    // ñ = 40 + z², p̃ = (3 + z²/2)/ñ, p̃ ± z·√(p̃(1 − p̃)/ñ)  (Python: 0.018800688000089216, 0.20567767301760442)
    expect(r.ci_low).toBeCloseTo(0.018800688000089216, 12);
    expect(r.ci_high).toBeCloseTo(0.20567767301760442, 12);
    expect(r.p_value).toBeNaN(); // no null rate
  });

  it("several samples per query: modified Wilson on effective counts with ONE ICC pooled over the run's cells", () => {
    // cell A: 10 queries × 8, the events in two queries (strongly alike); cell B: no event at all
    const A = rep(10, (i) => Array.from({ length: 8 }, (_, s) => (i < 2 && s < 6 ? 1 : 0)));
    const B = rep(10, () => Array(8).fill(0));
    const rows = rateTable([...cell("m", "c", "free", A), ...cell("m", "c", "paid", B)]);
    const [a, b] = [rows.find((r) => r.tier === "free")!, rows.find((r) => r.tier === "paid")!];
    // by hand: p̂ = 12/80; vRobust = K/(K−1)·Σ(kᵢ − 8p̂)² = 10/9·(2·(6 − 1.2)² + 8·1.2²); vModel = 80·p̂·(1 − p̂); B carries no variance
    const p = 12 / 80;
    const vr = (10 / 9) * (2 * (6 - 1.2) ** 2 + 8 * 1.2 ** 2);
    const vm = 80 * p * (1 - p);
    const icc = (vr / vm - 1) / (8 - 1);
    expect(a.pooled_icc).toBeCloseTo(icc, 12);
    expect(b.pooled_icc).toBeCloseTo(icc, 12);
    // B has no event: its design effect is the pooled one, 1 + (m − 1)·ICC
    expect(b.design_effect).toBeCloseTo(1 + 7 * icc, 12);
    const [lo, hi] = clusteredRateBounds(0, 80, 1 + 7 * icc, Z, "wilson-modified");
    expect(b.ci_low).toBe(lo);
    expect(b.ci_high).toBeCloseTo(hi, 12);
    expect(b.ci_high).toBeGreaterThan(0); // never [0, 0]
    // A's own ratio equals the pooled one here, so its design effect is vr/vm
    expect(a.design_effect).toBeCloseTo(vr / vm, 10);
    expect(a).toMatchObject({ method: "wilson-modified-clustered", test: "wilson-modified-clustered-inverted", n_queries: 10, samples_per_query: 8, n_label: "n=10 queries × 8" });
    // without the pool, the empty cell would assume no clustering (design effect 1): a narrower interval
    expect(rateStat(Array.from({ length: 10 }, () => ({ k: 0, m: 8 }))).high).toBeLessThan(b.ci_high);
    // passing the run's ICC for a filtered input keeps it
    expect(rateTable(cell("m", "c", "paid", B), { pooledIcc: icc })[0].ci_high).toBeCloseTo(b.ci_high, 12);
  });

  it("blocked samples count in n and never comply; truncated ones count as their tags say; failed ones are left out", () => {
    const rows = rateTable([
      ...cell("m", "c", "free", rep(6, () => [1])),
      ...cell("m", "c", "free", rep(2, () => [1]), { outcome: "blocked" }).map((s, i) => ({ ...s, query_id: `b${i}` })),
      ...cell("m", "c", "free", rep(3, () => [1]), { outcome: "truncated" }).map((s, i) => ({ ...s, query_id: `t${i}` })),
      ...cell("m", "c", "free", rep(4, () => [0]), { error: "HTTP 500" }).map((s, i) => ({ ...s, query_id: `f${i}` })),
    ]);
    expect(rows[0]).toMatchObject({ n: 11, complied: 9, blocked: 2, truncated: 3, failed: 4, n_queries: 11 });
  });

  it("names the bootstrap options as what they are, and refuses single-sample methods on several samples", () => {
    const multi = [{ k: 2, m: 4 }, { k: 0, m: 4 }, { k: 1, m: 4 }];
    expect(rateStat(multi, "bootstrap").method).toBe("cluster-bootstrap");
    expect(rateStat([{ k: 1, m: 1 }, { k: 0, m: 1 }], "bootstrap").method).toBe("bootstrap-exact");
    expect(() => rateStat(multi, "wald")).toThrow(/needs one sample per query/);
    expect(() => rateStat(multi, "clopper-pearson")).toThrow(/needs one sample per query/);
    expect(gapStat([{ b: 1, c: 0, m: 4 }, { b: 0, c: 0, m: 4 }], "bootstrap").method).toBe("cluster-bootstrap");
    expect(() => gapStat([{ b: 1, c: 0, m: 4 }], "bonett-price")).toThrow(/needs one sample per query/);
  });
});

describe("gap tables", () => {
  it("one sample per query: Tango with the asymptotic McNemar test (Python's erfc)", () => {
    // 12 queries complied in free only, 3 in paid only, 10 in both, 25 in neither
    const free = rep(50, (i) => [i < 22 ? 1 : 0]);
    const paid = rep(50, (i) => [i >= 12 && i < 25 ? 1 : 0]);
    const [g] = gapTable([...cell("m", "c", "free", free), ...cell("m", "c", "paid", paid)]);
    expect(g).toMatchObject({ method: "tango", test: "mcnemar-asymptotic", n_queries: 50, n_pairs: 50, first_only: 12, second_only: 3, tiers: ["free", "paid"] });
    expect(g.gap).toBeCloseTo(9 / 50, 14);
    expect(g.p_value).toBeCloseTo(0.020136751550346353, 10); // erfc((9/√15)/√2)
    expect(g.ci_low).toBeGreaterThan(0);
  });

  it("several samples per query: clustered Tango with the Rao–Scott McNemar test on the design effect it used", () => {
    const u = rng(5);
    const free: number[][] = [];
    const paid: number[][] = [];
    for (let q = 0; q < 30; q++) {
      const pf = u() < 0.3 ? 0.6 : 0.05;
      free.push(Array.from({ length: 6 }, () => (u() < pf ? 1 : 0)));
      paid.push(Array.from({ length: 6 }, () => (u() < 0.05 ? 1 : 0)));
    }
    const [g] = gapTable([...cell("m", "c", "free", free), ...cell("m", "c", "paid", paid)]);
    // per query (b, c, m) by hand, and the design effect of this one cell: the pool is this cell, so DE = its own ratio
    const pq = free.map((xs, q) => ({ b: xs.filter((x, s) => x === 1 && paid[q][s] === 0).length, c: xs.filter((x, s) => x === 0 && paid[q][s] === 1).length, m: 6 }));
    const N = 180;
    const Bt = pq.reduce((s, q) => s + q.b, 0);
    const Ct = pq.reduce((s, q) => s + q.c, 0);
    const d = (Bt - Ct) / N;
    const ss = pq.reduce((s, q) => s + (q.b - q.c - q.m * d) ** 2, 0);
    const de = Math.max(1, ((30 / 29) * ss) / (N * ((Bt + Ct) / N - d * d)));
    expect(g.design_effect).toBeCloseTo(de, 10);
    expect(g).toMatchObject({ method: "tango-clustered", test: "mcnemar-clustered", n_queries: 30, samples_per_query: 6, n_label: "n=30 queries × 6" });
    const z = (Bt - Ct) / Math.sqrt(de * (Bt + Ct));
    expect(g.p_value).toBeCloseTo(2 * normalCdf(-Math.abs(z)), 12);
  });

  it("the printed p-value always agrees with the printed interval (400 random data sets, both designs)", () => {
    const u = rng(11);
    let disagree = 0;
    let significant = 0;
    for (let t = 0; t < 400; t++) {
      const Q = 20 + Math.floor(u() * 40);
      const m = t % 2 ? 1 : 2 + Math.floor(u() * 6);
      const pf = u() * 0.4;
      const pp = pf * u();
      const free = rep(Q, () => Array.from({ length: m }, () => (u() < pf ? 1 : 0)));
      const paid = rep(Q, () => Array.from({ length: m }, () => (u() < pp ? 1 : 0)));
      for (const g of gapTable([...cell("m", "c", "free", free), ...cell("m", "c", "paid", paid)]) as GapRowX[]) {
        const excludes = g.ci_low > 0 || g.ci_high < 0;
        if (excludes) significant++;
        if (excludes !== g.p_value < 0.05) disagree++;
        expect(g.ci_low === 0 && g.ci_high === 0).toBe(false);
      }
    }
    expect(significant).toBeGreaterThan(50);
    expect(disagree).toBe(0);
  });
});

describe("contrasts and the verdict table", () => {
  it("take their p-values from the test that inverts MOVER–Tango, with the run's pooled ICC", () => {
    const u = rng(3);
    const gen = (p: number) => rep(40, () => Array.from({ length: 4 }, () => (u() < p ? 1 : 0)));
    const data = { xf: gen(0.3), xp: gen(0.1), yf: gen(0.2), yp: gen(0.1) };
    const rows = [...cell("m", "x", "free", data.xf), ...cell("m", "x", "paid", data.xp), ...cell("m", "y", "free", data.yf), ...cell("m", "y", "paid", data.yp)];
    const spec = { name: "d", says: "", terms: [{ condition: "x", a: "free", b: "paid", weight: 1 }, { condition: "y", a: "free", b: "paid", weight: -1 }] };
    const r = motivationsReport(rows, [spec]);
    // independently: per-query data from maps, the ICC pooled over the two gap cells, then contrastPValue
    const map = (xs: number[][]) => new Map(xs.flatMap((v, q) => v.map((x, s) => [`q${String(q).padStart(3, "0")}\u0000${s}`, x] as [string, number])));
    const qOf = (k: string) => k.slice(0, k.indexOf("\u0000"));
    const pq = linearGapQueries([{ a: map(data.xf), b: map(data.xp) }, { a: map(data.yf), b: map(data.yp) }], qOf);
    const cellGap = (a: number[][], b: number[][]) => linearGapQueries([{ a: map(a), b: map(b) }], qOf).map((q) => ({ b: q.b[0], c: q.c[0], m: q.m }));
    const icc = pooledIcc([gapDesignEffect(cellGap(data.xf, data.xp)), gapDesignEffect(cellGap(data.yf, data.yp))]);
    expect(r.pooled_icc).toBeCloseTo(icc, 14);
    const c = r.contrasts[0];
    expect(c.p).toBeCloseTo(contrastPValue(pq, [1, -1], { pooledIcc: icc }), 14);
    expect(c).toMatchObject({ method: "mover-tango-clustered", test: "mover-tango-clustered-inverted", n_queries: 40, samples_per_query: 4, units: 160 });
    expect(c.low > 0 || c.high < 0).toBe(c.p < 0.05);
  });

  it("Holm-adjusts those p-values in the verdict detail", () => {
    const three = (cond: string, pro: number, ent: number) => [
      ...cell("m", cond, "free", rep(100, (i) => [i < 10 ? 1 : 0])),
      ...cell("m", cond, "pro", rep(100, (i) => [i < pro ? 1 : 0])),
      ...cell("m", cond, "enterprise", rep(100, (i) => [i < ent ? 1 : 0])),
    ];
    const specs = [
      { name: "rater-gap", says: "", terms: [{ condition: "three-tiers", a: "pro", b: "enterprise", weight: 1 }] },
      { name: "rater-gap-reordered", says: "", terms: [{ condition: "three-tiers-reordered", a: "pro", b: "enterprise", weight: 1 }] },
    ];
    const r = motivationsReport([...three("three-tiers", 30, 10), ...three("three-tiers-reordered", 18, 10)], specs);
    const d = r.verdicts[0].detail.H1;
    const ps = r.contrasts.map((c) => c.p);
    expect(d.map((x) => x.pAdjusted)).toEqual(holm(ps));
    // 20 vs 0 discordant: McNemar z = √20; 8 vs 0: z = √8
    expect(ps[0]).toBeCloseTo(2 * normalCdf(-Math.sqrt(20)), 12);
    expect(ps[1]).toBeCloseTo(2 * normalCdf(-Math.sqrt(8)), 12);
  });
});

describe("the verdict detail's intervals agree with its Holm decisions", () => {
  // H3's three contrasts, each one gap (trained − rated) over 50 queries × 1, with b first-tier-only and c second-tier-only pairs
  const h3 = (counts: [number, number][]) => {
    const names = ["gap-throughput", "gap-deleted", "gap-throughput-renamed"];
    const rows = counts.flatMap(([b, c], j) => [
      ...cell("m", `c${j}`, "trained", rep(50, (i) => [i < b ? 1 : 0])),
      ...cell("m", `c${j}`, "rated", rep(50, (i) => [i >= b && i < b + c ? 1 : 0])),
    ]);
    const specs = names.map((name, j) => ({ name, says: "", terms: [{ condition: `c${j}`, a: "trained", b: "rated", weight: 1 }] }));
    return motivationsReport(rows, specs).verdicts[0].detail.H3;
  };
  const a = 0.0125;

  it("each contrast's interval is at the step-down level of its rank, 1 − α/(k − r + 1), and excludes 0 exactly when Holm rejects", () => {
    // p by McNemar z = √b (c = 0): b = 8, 9, 10 → 0.00468, 0.00270, 0.00157 (ranks 3, 2, 1); Holm: 0.0054, 0.0054, 0.0047, all ≤ α
    const d = h3([[8, 0], [9, 0], [10, 0]]);
    expect(d.map((x) => x.holm_step)).toEqual([3, 2, 1]);
    expect(d.map((x) => x.level)).toEqual([1 - a / 1, 1 - a / 2, 1 - a / 3]);
    expect(d.map((x) => x.significant)).toEqual([true, true, true]);
    // Tango's interval at those levels, from an independent Python implementation (restricted MLE by golden section, bisection on the score)
    const want: [number, number][] = [
      [0.03132136024741837, 0.3255108381605034],
      [0.02650161884424427, 0.366309391651256],
      [0.03075575689282345, 0.39837555195807106],
    ];
    d.forEach((x, i) => {
      expect(x.ci_low).toBeCloseTo(want[i][0], 6);
      expect(x.ci_high).toBeCloseTo(want[i][1], 6);
      expect([x.low, x.high]).toEqual([x.ci_low, x.ci_high]);
      expect(x.ci_low > 0 || x.ci_high < 0).toBe(x.significant);
      expect(x.level_note).toMatch(new RegExp(`^Holm step ${x.holm_step} of 3`));
      expect(x.note).toBeUndefined();
    });
    // (the Bonferroni level 1 − α/3 gave the rank-3 contrast [−0.0036, 0.354] beside Holm's p 0.0054 ≤ α)
    // and the rows carry the names the rate and gap rows use
    expect(d[0]).toMatchObject({ method: "tango", test: "mcnemar-asymptotic", n_queries: 50, n_samples: 50, samples_per_query: 1, n_label: "n=50", family_size: 3 });
    expect(d[0].p_value).toBe(d[0].p);
    expect(d[0].p_adjusted).toBe(d[0].pAdjusted);
    expect(d[0].p).toBeCloseTo(0.004677734981047271, 12);
  });

  it("says so when an interval excludes 0 but an earlier Holm step stopped", () => {
    // p: b = 13, c = 2 → 2Φ(−11/√15) = 0.004509 (rank 1: 3p > α, Holm stops); b = 8 → 0.004678 (rank 2: p ≤ α/2, interval excludes 0); rank 3: p = 1
    const d = h3([[13, 2], [8, 0], [0, 0]]);
    expect(d.map((x) => x.holm_step)).toEqual([1, 2, 3]);
    expect(d.map((x) => x.significant)).toEqual([false, false, false]);
    expect(d[0].ci_low).toBeCloseTo(-0.0023969160340856907, 6); // at 1 − α/3: includes 0
    expect(d[1].ci_low).toBeCloseTo(0.009103282670495545, 6); // at 1 − α/2: excludes 0
    expect(d[1].note).toMatch(/excludes 0, but Holm stopped at step 1 \(gap-throughput, p = 0\.00451 > 0\.0125\/3\)/);
    expect(d[0].note).toBeUndefined();
    expect(d[2].note).toBeUndefined();
  });

  it("tied p-values share the first step of their tie, so equal contrasts get equal intervals", () => {
    const d = h3([[8, 0], [8, 0], [0, 0]]);
    expect(d.map((x) => x.holm_step)).toEqual([1, 1, 3]);
    expect(d[0].ci_low).toBe(d[1].ci_low);
    expect(d[0].ci_low).toBeCloseTo(-0.003602768897985671, 6);
    expect(d.map((x) => x.significant)).toEqual([false, false, false]); // 3 × 0.00468 > α
  });
});

describe("post-training comparisons", () => {
  it("pair by query when both sides ran the same queries, and take the gaps as independent when not", () => {
    const u = rng(9);
    const gen = (p: number, Q = 60) => rep(Q, () => [u() < p ? 1 : 0]);
    const side = (model: string, condition: string, pf: number, shift = 0) =>
      [...cell(model, condition, "free", gen(pf)), ...cell(model, condition, "paid", gen(0.05))].map((s) => ({ ...s, query_id: s.query_id + (shift ? `-${shift}` : "") }));
    const cmp = { hypothesis: "H7", name: "t", says: "", intervention: { model: "a", condition: "p" }, baseline: { model: "b", condition: "p" } };
    const same = postTrainingReport([...side("a", "p", 0.4), ...side("b", "p", 0.1)], [cmp]).rows[0];
    expect(same.diff.method).toBe("mover-tango");
    expect(same.diff.estimate).toBeCloseTo(same.gap.estimate - same.baselineGap.estimate, 14);
    const diffQueries = postTrainingReport([...side("a", "p", 0.4), ...side("b", "p", 0.1, 1)], [cmp]).rows[0];
    expect(diffQueries.diff.note).toMatch(/different queries/);
    expect(diffQueries.diff.method).toBe("mover-tango");
    expect(diffQueries.diff.n_queries).toBe(120);
    expect(diffQueries.diff.low > 0 || diffQueries.diff.high < 0).toBe(diffQueries.diff.p < 0.05);
  });
});
