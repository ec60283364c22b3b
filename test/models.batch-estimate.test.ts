/**
 * The dry-run estimate: exact token counts for OpenAI models (js-tiktoken),
 * approximate ones flagged for the others, and the four prices (sync, with
 * caching, batch, batch with caching) against sums done by hand from the
 * price table.
 */
import { describe, expect, it } from "vitest";
import { getEncoding } from "js-tiktoken";
import { estimateSweepCost, formatEstimate, openaiEncodingOf } from "../lib/models/batch/index";
import { priceFor } from "../lib/models/index";
import type { Request } from "../lib/schema/index";

const chat = (system: string, user: string): Request => ({ api: "chat", messages: [{ role: "system", content: system }, { role: "user", content: user }], params: { temperature: 0, max_tokens: 100 } });

describe("estimateSweepCost", () => {
  it("picks OpenAI's published encodings by model", () => {
    expect(openaiEncodingOf("gpt-4o-2024-08-06")).toBe("o200k_base");
    expect(openaiEncodingOf("gpt-4.1-mini")).toBe("o200k_base");
    expect(openaiEncodingOf("o3-mini")).toBe("o200k_base");
    expect(openaiEncodingOf("gpt-4")).toBe("cl100k_base");
    expect(openaiEncodingOf("gpt-4-1106-preview")).toBe("cl100k_base");
    expect(openaiEncodingOf("claude-sonnet-4-5")).toBeNull();
  });

  it("counts OpenAI prompts exactly (cookbook framing) and prices them four ways", async () => {
    const enc = getEncoding("o200k_base");
    const system = "The model is told about its training situation in some detail. ".repeat(120);
    const S = enc.encode(system).length;
    const user = "Write a short note.";
    expect(S).toBeGreaterThanOrEqual(1024);
    const P = 3 + enc.encode("system").length + S + 3 + enc.encode("user").length + enc.encode(user).length + 3;
    const n = 1000;
    const e = await estimateSweepCost([{ model: "gpt-4o", provider: "openai", request: chat(system, user), count: n, completionTokens: 700 }], { batchCacheHitRate: 0.5 });
    const r = e.rows[0];
    expect(r.exact).toBe(true);
    expect(r.tokenizer).toBe("o200k_base");
    expect(r.promptTokens).toBe(P * n);
    const cached = Math.floor(S / 128) * 128;
    expect(r.cacheableTokens).toBe(cached * n);
    const p = priceFor("openai", "gpt-4o")!.price; // 2.5 in, 1.25 cached, 10 out
    const sync = (P * n * p.input + 700 * n * p.output) / 1e6;
    expect(r.usd.sync).toBeCloseTo(sync, 9);
    const reads = cached * (n - 1);
    expect(r.usd.syncCached).toBeCloseTo(sync - (reads * (p.input - p.cached_input!)) / 1e6, 9);
    expect(r.usd.batch).toBeCloseTo(sync / 2, 9);
    const hits = Math.round(reads * 0.5);
    expect(r.usd.batchCached).toBeCloseTo((sync - (hits * (p.input - p.cached_input!)) / 1e6) / 2, 9);
    expect(formatEstimate(e)).toMatch(/gpt-4o +openai +1,000 /);
  });

  it("approximates other providers (characters / 4) and says so; Anthropic cache writes cost 1.25×", async () => {
    const system = "x".repeat(8000); // 2000 approximate tokens
    const e = await estimateSweepCost(
      [
        { model: "claude-sonnet-4-5", provider: "anthropic", request: chat(system, "q1"), count: 10, completionTokens: 100 },
        { model: "claude-sonnet-4-5", provider: "anthropic", request: chat(system, "q2"), count: 10, completionTokens: 100 },
        { model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", provider: "together", request: chat("s", "q"), count: 5, completionTokens: 10 },
      ],
      { batchCacheHitRate: 0 },
    );
    const a = e.rows.find((r) => r.provider === "anthropic")!;
    expect(a.exact).toBe(false);
    expect(a.tokenizer).toMatch(/approx/);
    const P = 3 + 2 + 2000 + 3 + 1 + 1 + 3; // framing + ceil(len/4) per text
    expect(a.promptTokens).toBe(20 * P);
    expect(a.cacheableTokens).toBe(20 * 2000);
    const p = priceFor("anthropic", "claude-sonnet-4-5")!.price; // 3 in, 3.75 write, 0.3 read, 15 out
    const sync = (20 * P * p.input + 2000 * p.output) / 1e6;
    expect(a.usd.sync).toBeCloseTo(sync, 9);
    // one write, 19 reads of the shared system prompt
    expect(a.usd.syncCached).toBeCloseTo(sync + (2000 * (p.cache_write! - p.input) + 19 * 2000 * (p.cached_input! - p.input)) / 1e6, 9);
    // no hits in a batch: every request writes the cache: dearer than a batch without caching
    expect(a.usd.batchCached!).toBeGreaterThan(a.usd.batch!);
    expect(a.usd.batchCached).toBeCloseTo((sync + (20 * 2000 * (p.cache_write! - p.input)) / 1e6) / 2, 9);
    const t = e.rows.find((r) => r.provider === "together")!;
    expect(t.batch).toBe(false);
    expect(t.usd.sync).toBeNull();
    expect(t.notes.join(" ")).toMatch(/no batch API driven here.*no price known/);
    expect(e.total.unpriced).toEqual(["meta-llama/Llama-3.3-70B-Instruct-Turbo"]);
  });
});
