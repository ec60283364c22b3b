import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPublished, publishedGapRows, publishedRateRows } from "../lib/frame/published";
import { GapRow, RateRow } from "../lib/schema";

describe("published numbers (data/paper)", () => {
  const all = loadPublished();
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
    const rates = publishedRateRows({ model: "llama-3.1-405b", metric: "compliance" });
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
    const gaps = publishedGapRows({ model: "claude-3-opus", condition: "default" });
    expect(gaps).toHaveLength(1);
    expect(GapRow.safeParse(gaps[0]).success).toBe(true);
    expect(gaps[0].ci_low).toBeCloseTo(0.113 - 1.96 * 0.021, 3);
    const unknownN = publishedGapRows({ condition: "synthetic-docs" });
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
