/**
 * The per-wording gap intervals of a crossed run are the report's: Tango
 * with one sample per query; with several samples per query, clustered
 * Tango with one intra-query correlation pooled over every wording cell of
 * the run (checked against the lib/stats doors called by hand, and against
 * the design effect computed from its definition); the cluster bootstrap
 * only when asked for, and labelled so.
 */
import { describe, expect, it } from "vitest";
import { analyseWordings, formatWordingAnalysis, wordingForestRows, type WordingCondition, type WordingSampleRecord } from "../lib/paraphrase/index";
import { wordingForest } from "../lib/figures/wordingForest";
import { gapDesignEffect, gapResult, pooledIcc, tangoBounds, normalQuantile, type QueryGap } from "../lib/stats/index";

const WORDINGS = ["reference", "w00", "w01", "w02"];
const conditions: WordingCondition[] = WORDINGS.map((w) => ({ name: `baseline--${w}`, factors: { condition: "baseline", wording: w, wording_kind: w === "reference" ? "reference" : "paraphrase" } }));

/** A deterministic crossed run: `samples` per query; query q complies in the free tier on sample s when (q·7 + s·3 + wording) mod 10 < k. */
function run(samples: number, queries = 30): WordingSampleRecord[] {
  const out: WordingSampleRecord[] = [];
  WORDINGS.forEach((w, wi) => {
    for (let q = 0; q < queries; q++) {
      for (let s = 0; s < samples; s++) {
        // queries 0–5 comply in the free tier on most samples (clustered), a few others now and then; the paid tier rarely
        const free = q < 6 ? (q * 7 + s * 3 + wi) % 10 < 8 : (q * 7 + s * 3 + wi) % 23 === 0;
        const paid = (q * 5 + s + wi) % 37 === 0;
        for (const [tier, yes] of [["free", free], ["paid", paid]] as const) {
          out.push({ model: "m", condition: `baseline--${w}`, tier, query_id: `q${q}`, sample: s, accepted: yes, accept_then_refuse: false, error: null });
        }
      }
    }
  });
  return out;
}

/** Per-query (b, c, m) of one wording, counted by hand. */
function perQuery(xs: WordingSampleRecord[], wording: string): QueryGap[] {
  const cell = xs.filter((x) => x.condition === `baseline--${wording}`);
  const qs = [...new Set(cell.map((x) => x.query_id))];
  return qs.map((q) => {
    const of = (tier: string) => cell.filter((x) => x.query_id === q && x.tier === tier).sort((a, b) => a.sample - b.sample).map((x) => x.accepted === true);
    const f = of("free");
    const p = of("paid");
    let b = 0;
    let c = 0;
    f.forEach((y, i) => {
      if (y && !p[i]) b++;
      if (!y && p[i]) c++;
    });
    return { b, c, m: f.length };
  });
}

describe("per-wording gap intervals of a crossed run", () => {
  it("one sample per query: Tango, as the report prints it", () => {
    const xs = run(1);
    const a = analyseWordings(xs, conditions);
    for (const r of a.wordings) {
      const want = gapResult(perQuery(xs, r.wording));
      expect(r.method).toBe("tango");
      expect([r.ci_low, r.ci_high]).toEqual([want.low, want.high]);
    }
  });

  it("several samples per query: clustered Tango with the intra-query correlation pooled over the run's wording cells", () => {
    const xs = run(4);
    const a = analyseWordings(xs, conditions);
    const cells = WORDINGS.map((w) => perQuery(xs, w));
    const pooled = pooledIcc(cells.map((pq) => gapDesignEffect(pq)));
    expect(pooled).toBeGreaterThan(0);
    const z = normalQuantile(0.975);
    for (const r of a.wordings) {
      const pq = perQuery(xs, r.wording);
      expect(r.method).toBe("tango-clustered");
      expect(r.n_pairs).toBe(30 * 4);
      const want = gapResult(pq, { pooledIcc: pooled });
      expect(r.ci_low).toBeCloseTo(want.low, 12);
      expect(r.ci_high).toBeCloseTo(want.high, 12);
      // the interval is Tango's on the counts divided by the design effect, which is wider than Tango's on the raw counts
      const B = pq.reduce((s, q) => s + q.b, 0);
      const C = pq.reduce((s, q) => s + q.c, 0);
      const [lo, hi] = tangoBounds(B / want.de, C / want.de, 120 / want.de, z);
      expect(r.ci_low).toBeCloseTo(lo, 12);
      expect(r.ci_high).toBeCloseTo(hi, 12);
      const [rawLo, rawHi] = tangoBounds(B, C, 120, z);
      expect(want.de).toBeGreaterThan(1);
      expect(hi - lo).toBeGreaterThan(rawHi - rawLo);
    }
  });

  it("the cluster bootstrap only when asked for, labelled so", () => {
    const a = analyseWordings(run(4), conditions, { method: "cluster-bootstrap", seed: 1, B: 500 });
    for (const r of a.wordings) expect(r.method).toBe("cluster-bootstrap");
  });

  it("n as the report prints it: queries × samples per wording, queries × wordings × samples for the pool (table and forest)", () => {
    const a = analyseWordings(run(4, 30), conditions);
    for (const r of a.wordings) expect([r.n_queries, r.samples_per_query, r.n_pairs]).toEqual([30, 4, 120]);
    expect(a.pooled[0]).toMatchObject({ wordings: 3, queries: 30, n_pairs: 3 * 30 * 4, samples_per_query: 4 });
    const text = formatWordingAnalysis(a);
    expect(text).toMatch(/^ {2}w00 +[+−]\d+\.\d +\[[^\]]+\] +n=30 queries × 4( +\*)?$/m);
    expect(text).toMatch(/^ {2}pooled +[+−]\d+\.\d +\[[^\]]+\] +n=30 queries × 3 wordings × 4 samples, df /m);
    expect(text).not.toMatch(/n=120\b/);
    const f = wordingForest(wordingForestRows(a), { level: a.level, tiers: a.tiers });
    const ticks: string[] = (f.layout.yaxis as any).ticktext;
    expect(ticks).toEqual(["reference (n=30×4)", "w00 (n=30×4)", "w01 (n=30×4)", "w02 (n=30×4)", "<b>pooled (3 wordings)</b> (n=30×3×4)"]);
    const title = String((f.layout.title as any).text).replace(/<\/sup><br><sup>/g, " ");
    expect(title).toContain("n = queries × samples per query; pooled: queries × wordings × samples");
    expect(title).not.toContain("query pairs");
    // the hover says the same n as the tick
    expect(JSON.stringify(f.data.map((d: any) => d.customdata))).toContain("n=30 queries × 3 wordings × 4 samples");
    // one sample per query: plain n=30, and the pool says "× 1 sample"
    const one = analyseWordings(run(1, 30), conditions);
    expect(formatWordingAnalysis(one)).toMatch(/w00 +\S+ +\[[^\]]+\] +n=30( |$)/m);
    expect(formatWordingAnalysis(one)).toMatch(/n=30 queries × 3 wordings × 1 sample,/);
  });
});
