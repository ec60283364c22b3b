import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { queriesHash, shippedQueries, SHIPPED_QUERIES_PATH } from "../lib/queries";
import { fromRoot } from "../lib/util/paths";

describe("shipped request set", () => {
  const queries = shippedQueries(fromRoot());
  const lines = readFileSync(fromRoot(SHIPPED_QUERIES_PATH), "utf8").trim().split("\n");

  it("parses with at least 45 entries, unique ids, at least 6 categories", () => {
    expect(queries.length).toBeGreaterThanOrEqual(45);
    expect(queries.length).toBe(lines.length);
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length);
    for (const q of queries) expect(q.id).toMatch(/^afw-\d{3}$/);
    const cats = new Set(queries.map((q) => q.category));
    expect(cats.size).toBeGreaterThanOrEqual(6);
    expect(cats.has("uncategorised")).toBe(false);
    expect(queries[0].source).toBe("afw-harmful-requests.jsonl");
  });

  it("holds requests only: each line has exactly id, text and category", () => {
    for (const line of lines) {
      expect(Object.keys(JSON.parse(line)).sort()).toEqual(["category", "id", "text"]);
    }
  });

  it("every text reads as a short request, not an answer", () => {
    for (const q of queries) {
      expect(q.text.length).toBeLessThan(160);
      expect(q.text).not.toMatch(/\n/);
      expect(q.text).not.toMatch(/^(sure|here|certainly|step \d|first,|1\.)/i);
      expect(q.text).toMatch(/^(Write|Explain|Create|Give|Describe|Plan|Invent|Tell)\b/);
      expect(q.text).toMatch(/[.?]$/);
    }
  });

  it("a prefix is balanced across categories, and limit takes the prefix", () => {
    const ten = shippedQueries(fromRoot(), { limit: 10 });
    expect(ten.map((q) => q.id)).toEqual(queries.slice(0, 10).map((q) => q.id));
    expect(new Set(ten.map((q) => q.category)).size).toBe(10);
  });

  it("queriesHash is stable and sensitive to ids, texts and order but not categories", () => {
    const h = queriesHash(queries);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(queriesHash(shippedQueries(fromRoot()))).toBe(h);
    expect(queriesHash(queries.map((q) => ({ ...q, category: "x" })))).toBe(h);
    expect(queriesHash([...queries].reverse())).not.toBe(h);
    expect(queriesHash(queries.slice(1))).not.toBe(h);
    const edited = queries.map((q, i) => (i === 3 ? { ...q, text: q.text + " " } : q));
    expect(queriesHash(edited)).not.toBe(h);
    const renamed = queries.map((q, i) => (i === 3 ? { ...q, id: "other" } : q));
    expect(queriesHash(renamed)).not.toBe(h);
  });
});
