import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPublished, PUBLISHED_PATH, publishedGapRows, publishedRateRows } from "../lib/analysis/published";
import { fromRoot } from "../lib/util/paths";
import { GapRow, RateRow } from "../lib/schema";

describe("published numbers (data/paper)", () => {
  const all = loadPublished(fromRoot(PUBLISHED_PATH));
  it("holds the paper's key numbers with n or a note", () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
    for (const r of all) expect(r.n !== null || (r.n_note ?? "").length > 0).toBe(true);
    const t1 = all.find((r) => r.ref.startsWith("G Table 1 (default") && r.metric === "gap")!;
    expect(t1).toMatchObject({ value: 0.113, se: 0.021, n: 400, model: "claude-3-opus" });
    const sonnet = all.filter((r) => r.model === "claude-3.5-sonnet" && r.metric === "gap").map((r) => [r.condition, r.value]);
    expect(sonnet).toEqual([
      ["minimal", 0.21],
      ["minimal-no-cot", 0.63],
    ]);
    expect(all.filter((r) => r.metric === "auroc").map((r) => r.value).sort()).toEqual([0.62, 0.92]);
    expect(all.find((r) => r.model === "gpt-4o-sft" && r.condition === "sft-with-training-details")!.value).toBe(0.286);
    expect(all.find((r) => r.model === "hermes-3-405b" && r.condition === "cybercrime-deployed")!.value).toBe(0.15);
  });
  it("gives rate and gap rows in our row shapes, marked as published", () => {
    const rates = publishedRateRows(all, { model: "llama-3.1-405b", metric: "compliance" });
    expect(rates.map((r) => [r.tier, r.rate, r.n])).toEqual([
      ["free", 0.49, 100],
      ["paid", 0.35, 100],
    ]);
    for (const r of rates) {
      expect(RateRow.safeParse(r).success).toBe(true);
      expect(r.source).toBe("published");
      expect(r.ci_low).toBeLessThan(r.rate);
      expect(r.ci_high).toBeGreaterThan(r.rate);
    }
    const gaps = publishedGapRows(all, { model: "claude-3-opus", condition: "default" });
    expect(gaps).toHaveLength(1);
    expect(GapRow.safeParse(gaps[0]).success).toBe(true);
    expect(gaps[0].ci_low).toBeCloseTo(0.113 - 1.96 * 0.021, 3);
    const unknownN = publishedGapRows(all, { condition: "synthetic-docs" });
    expect(unknownN[0].n_pairs).toBe(0);
    expect(Number.isNaN(unknownN[0].ci_low)).toBe(true);
  });
  it("rejects a bad line with file and line number", () => {
    const dir = mkdtempSync(join(tmpdir(), "afw-pub-"));
    const p = join(dir, "p.jsonl");
    const good = JSON.stringify(all[0]);
    writeFileSync(p, `${good}\n${JSON.stringify({ ...all[0], n: null, n_note: null })}\n`);
    expect(() => loadPublished(p)).toThrow(/p\.jsonl:2: .*n_note/);
    writeFileSync(p, `${good}\n{oops\n`);
    expect(() => loadPublished(p)).toThrow(/p\.jsonl:2: not valid JSON/);
  });
});

import { gapInterval, publishedInterval } from "../lib/stats";

describe("publishedInterval", () => {
  it("is ±1.96·SE with a standard error, the default interval on implied counts with n, NaN without either", () => {
    const se = publishedInterval(0.1, 0.02, 400, "gap");
    expect(se.low).toBeCloseTo(0.1 - 1.959963984540054 * 0.02, 12);
    expect(se.high).toBeCloseTo(0.1 + 1.959963984540054 * 0.02, 12);
    expect(se.method).toBe("published ±1.96·SE");
    // 0.14 of 200 → 28 complied; the default rate interval (Agresti–Coull, docs/statistics.md):
    // ñ = n + z², p̃ = (k + z²/2) / ñ, p̃ ± z·√(p̃(1 − p̃)/ñ)
    const z = 1.959963984540054;
    const nt = 200 + z * z;
    const pt = (28 + (z * z) / 2) / nt;
    const centre = pt;
    const half = z * Math.sqrt((pt * (1 - pt)) / nt);
    const r = publishedInterval(0.14, null, 200, "rate");
    expect(r.low).toBeCloseTo(centre - half, 10);
    expect(r.high).toBeCloseTo(centre + half, 10);
    expect(r.method).toMatch(/on implied counts$/);
    const g = publishedInterval(-0.05, null, 100, "gap");
    const ref = gapInterval({ n11: 0, n10: 0, n01: 5, n00: 95 });
    expect([g.low, g.high]).toEqual([ref.low, ref.high]);
    expect(g.method).toMatch(/no reverse-discordant pairs assumed/);
    const none = publishedInterval(0.3, null, null, "rate");
    expect([none.low, none.high, none.method]).toEqual([NaN, NaN, "none (n unknown)"]);
  });
});
