/**
 * Spend rows across sessions and roles (lib/models/spend.ts mergeSpend,
 * spendSince, withRole) and as the terminal and report show them
 * (lib/analysis/spend.ts), against sums worked by hand.
 */
import { describe, expect, it } from "vitest";
import { mergeSpend, Spend, spendSince, withRole } from "../lib/models";
import { formatSpend, spendLine, spendTotals } from "../lib/analysis/spend";
import type { SpendRow } from "../lib/schema";

const row = (over: Partial<SpendRow>): SpendRow => ({
  model: "m",
  provider: "p",
  requests: 1,
  discarded_attempts: 0,
  prompt_tokens: 100,
  cached_prompt_tokens: 0,
  cache_creation_tokens: 0,
  completion_tokens: 10,
  reasoning_tokens: 0,
  usd: 0.001,
  price_source: "table 2026-11-29",
  discount: 1,
  ...over,
});

describe("mergeSpend and spendSince", () => {
  it("adds rows of the same role, provider, model and discount; keeps the others apart", () => {
    const a = [row({ role: "subject", requests: 2, prompt_tokens: 200, usd: 0.25 }), row({ role: "judge", model: "j", usd: 0.5 })];
    const b = [row({ role: "subject", requests: 3, prompt_tokens: 300, cached_prompt_tokens: 40, usd: 0.5, price_source: "provider" }), row({ role: "subject", model: "other", usd: null, price_source: null })];
    const m = mergeSpend(a, b);
    expect(m).toHaveLength(3);
    expect(m[0]).toMatchObject({ role: "subject", model: "m", requests: 5, prompt_tokens: 500, cached_prompt_tokens: 40, usd: 0.75, price_source: "table 2026-11-29; provider" });
    expect(m[1]).toMatchObject({ role: "judge", model: "j", usd: 0.5 });
    expect(m[2]).toMatchObject({ model: "other", usd: null });
    // an unpriced part makes the sum unpriced
    expect(mergeSpend([row({ usd: 1 })], [row({ usd: null })])[0].usd).toBeNull();
    // the inputs are not changed
    expect(a[0].requests).toBe(2);
  });

  it("what a client spent between two readings: only the new requests", () => {
    const s = new Spend();
    const u = (p: number, c: number) => ({ cached: false, usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });
    s.add("claude-sonnet-4-5", "anthropic", u(1_000_000, 0));
    const before = s.rows();
    s.add("claude-sonnet-4-5", "anthropic", u(2_000_000, 1_000_000));
    s.add("claude-haiku-4-5", "anthropic", u(1_000_000, 0));
    const d = withRole(spendSince(s.rows(), before), "judge");
    expect(d).toHaveLength(2);
    // Sonnet 4.5: $3 per million input, $15 per million output (the table's checked row)
    expect(d[0]).toMatchObject({ role: "judge", model: "claude-sonnet-4-5", requests: 1, prompt_tokens: 2_000_000, completion_tokens: 1_000_000, usd: 6 + 15 });
    expect(d[1]).toMatchObject({ model: "claude-haiku-4-5", requests: 1 });
    expect(spendSince(s.rows(), s.rows())).toEqual([]);
  });
});

describe("spend as printed", () => {
  it("totals, one line with cache and reasoning tokens apart, and the report section", () => {
    const rows = [
      row({ role: "subject", requests: 20, prompt_tokens: 8000, cached_prompt_tokens: 6400, cache_creation_tokens: 400, completion_tokens: 1200, reasoning_tokens: 300, usd: 0.0123 }),
      row({ role: "judge", model: "j", provider: "openrouter", requests: 3, discarded_attempts: 2, usd: 0.002, price_source: "provider" }),
    ];
    const t = spendTotals(rows);
    expect(t).toMatchObject({ requests: 23, discarded_attempts: 2, prompt_tokens: 8100, cached_prompt_tokens: 6400, completion_tokens: 1210, reasoning_tokens: 300, usd: 0.0143, sources: ["table 2026-11-29", "provider"] });
    expect(spendLine(rows)).toBe(
      "spent: 23 requests, 8,100 prompt tokens (6,400 cached, 400 written to cache), 1,210 completion tokens (300 reasoning), 2 billed attempt(s) discarded and retried, $0.0143 (table 2026-11-29, provider)",
    );
    expect(spendLine([row({ usd: null, price_source: null, model: "sim-x" })])).toBe("spent: 1 requests, 100 prompt tokens, 10 completion tokens, unpriced (no price known for sim-x)");
    expect(spendLine([row({ usd: 0.5 }), row({ model: "q", usd: null, price_source: null })])).toMatch(/\$0\.5000 \(table 2026-11-29\) \+ unpriced \(q\)$/);
    const f = formatSpend(rows).split("\n");
    expect(f[0]).toMatch(/^Money spent/);
    expect(f[1]).toMatch(/^ {2}subject m at p\s+20 requests/);
    expect(f[2]).toMatch(/^ {2}judge j at openrouter\s+3 requests/);
    expect(f[3]).toMatch(/^ {2}total\s+23 requests/);
    expect(formatSpend([])).toBe("");
    expect(formatSpend(undefined)).toBe("");
  });
});
