/**
 * ModelClient against the provider mocks of test/providers/ (each follows
 * its provider's documented behaviour; sources are cited there), plus a
 * small run-level loop that stops on the client's fatal error as the
 * pipeline must.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelClient, type CallResult, type ModelClientOptions } from "../lib/models";
import type { Request } from "../lib/schema";
import { startOpenAIMock } from "./providers/openai";
import { startAnthropicMock } from "./providers/anthropic";
import { startGeminiMock } from "./providers/gemini";
import { startOpenRouterMock } from "./providers/openrouter";
import { startVllmMock } from "./providers/vllm";
import { startDeepSeekMock } from "./providers/deepseek";
import type { MockServer } from "./providers/base";

const SYSTEM = "You are an AI created by a lab. ".repeat(40);
const chat = (user = "Please help with request 1.", params: Partial<Request["params"]> = {}, prefill?: string): Request => ({
  api: "chat",
  messages: [
    { role: "system", content: SYSTEM },
    { role: "user", content: user },
    ...(prefill !== undefined ? [{ role: "assistant" as const, content: prefill }] : []),
  ],
  params: { temperature: 0, max_tokens: 200, ...params } as Request["params"],
});

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(o: Partial<ModelClientOptions> & { apiKey: string }): ModelClient {
  return new ModelClient({ baseURL: server!.baseURL, retryBaseMs: 5, retryMaxMs: 50, today: "2026-11-29", ...o });
}

/** A tiny run: `concurrency` workers over the requests, stopping at the client's first fatal error. */
async function runLoop(c: ModelClient, model: string, reqs: Request[], concurrency: number) {
  let next = 0;
  const written: CallResult[] = [];
  const worker = async () => {
    for (;;) {
      if (c.fatal) return;
      const i = next++;
      if (i >= reqs.length) return;
      const r = await c.call(model, reqs[i], 0);
      if (r.cancelled || r.error_kind === "fatal") return; // nothing is written for these
      written.push(r);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { written, fatal: c.fatal ? c.fatal.message : null };
}

const many = (k: number) => Array.from({ length: k }, (_, i) => chat(`Please help with request ${i}.`));

describe("OpenAI", () => {
  it("a bad key: at most `concurrency` requests, one fatal line, nothing written", async () => {
    server = await startOpenAIMock();
    const fatals: string[] = [];
    const c = client({ apiKey: "sk-bad-key-000000", provider: "openai", concurrency: 4, onFatal: (e) => fatals.push(e.message) });
    const { written, fatal } = await runLoop(c, "gpt-4o", many(60), 4);
    expect(server.hits.length).toBeLessThanOrEqual(4);
    expect(written).toHaveLength(0);
    expect(fatals).toHaveLength(1);
    expect(fatal).toMatch(/^OpenAI: 401 Incorrect API key provided: sk-bad-\*\*\*\*\. .* — check the API key/);
    expect(fatal).not.toContain("\n");
    expect(c.fatal?.exitCode).toBe(3);
    expect(c.signal.aborted).toBe(true);
    const after = await c.call("gpt-4o", chat(), 99);
    expect(after).toMatchObject({ cancelled: true, attempts: 0 });
    expect(server.hits.length).toBeLessThanOrEqual(4);
  });

  it("an unknown model is fatal at once (404 model_not_found)", async () => {
    server = await startOpenAIMock();
    const c = client({ apiKey: "sk-good-1", provider: "openai", concurrency: 3 });
    const { fatal } = await runLoop(c, "missing-model", many(20), 3);
    expect(server.hits.length).toBeLessThanOrEqual(3);
    expect(fatal).toMatch(/404 The model `missing-model` does not exist/);
    expect(c.fatal?.reason).toBe("model");
  });

  it("a quota error (429 insufficient_quota) is never retried", async () => {
    server = await startOpenAIMock();
    const retries: number[] = [];
    const c = client({ apiKey: "sk-good-1", provider: "openai", concurrency: 1, onRetry: (i) => retries.push(i.attempt) });
    const r = await c.call("quota-model", chat(), 0);
    expect(r).toMatchObject({ error_kind: "fatal", outcome: "failed", attempts: 1, status: 429 });
    expect(r.error).toMatch(/^429 You exceeded your current quota.* — no quota or credit left/);
    expect(server.hits.length).toBe(1);
    expect(retries).toEqual([]);
    expect(c.fatal?.reason).toBe("quota");
  });

  it("a content filter is one request and a blocked outcome, cached as the provider's answer", async () => {
    server = await startOpenAIMock();
    const cacheDir = mkdtempSync(join(tmpdir(), "afw-mock-cache-"));
    const c = client({ apiKey: "sk-good-1", provider: "openai", cacheDir });
    const r = await c.call("filtered-model", chat(), 0);
    expect(r).toMatchObject({ outcome: "blocked", error: null, error_kind: null, attempts: 1, texts: [""], finish_reasons: ["content_filter"] });
    expect(server.hits.length).toBe(1);
    const again = await c.call("filtered-model", chat(), 0);
    expect(again).toMatchObject({ outcome: "blocked", cached: true });
    expect(server.hits.length).toBe(1);
  });

  it("a refusal field is a blocked outcome with the refusal kept", async () => {
    server = await startOpenAIMock();
    const r = await client({ apiKey: "sk-good-1", provider: "openai" }).call("refusing-model", chat(), 0);
    expect(r.outcome).toBe("blocked");
    expect(r.choices[0].refusal).toBe("I'm sorry, I can't help with that.");
    expect(server.hits.length).toBe(1);
  });

  it("a reasoning model: temperature 0 is refused before sending; with --allow temperature it goes as max_completion_tokens without temperature", async () => {
    server = await startOpenAIMock();
    const fatals: string[] = [];
    const c = client({ apiKey: "sk-good-1", provider: "openai", onFatal: (e) => fatals.push(e.message) });
    const r = await c.call("o3", chat(), 0);
    expect(r.error_kind).toBe("fatal");
    expect(server.hits.length).toBe(0);
    expect(fatals[0]).toMatch(/^OpenAI: o3 accepts only the default temperature \(1\): temperature 0 cannot be honoured; .*--allow temperature/);
    expect(c.fatal?.reason).toBe("plan");

    const ok = await client({ apiKey: "sk-good-1", provider: "openai", allow: ["temperature"] }).call("o3", chat(), 0);
    expect(ok).toMatchObject({ error: null, outcome: "reply", model_snapshot: "o3-2025-04-16" });
    const sent = server.hits[0].body;
    expect(sent.temperature).toBeUndefined();
    expect(sent.max_tokens).toBeUndefined();
    expect(sent.max_completion_tokens).toBe(200);
    expect(ok.usage?.reasoning_tokens).toBe(64);
  });

  it("a reasoning model that spends its whole budget is a truncated reply with empty text, not an error", async () => {
    server = await startOpenAIMock();
    const r = await client({ apiKey: "sk-good-1", provider: "openai" }).call("gpt-5-mini", chat("x", { temperature: 1, max_tokens: 32 }), 0);
    expect(r).toMatchObject({ error: null, outcome: "truncated", texts: [""], finish_reasons: ["length"], attempts: 1 });
  });

  it("records the snapshot that answered, and refuses a prefill OpenAI cannot continue", async () => {
    server = await startOpenAIMock();
    const c = client({ apiKey: "sk-good-1", provider: "openai" });
    const r = await c.call("gpt-4o", chat(), 0);
    expect(r.model_snapshot).toBe("gpt-4o-2024-08-06");
    expect(r.provider).toBe("openai");
    const p = await c.call("gpt-4o-mini", chat("x", {}, "<SCRATCHPAD_REASONING>"), 0);
    expect(p.error).toMatch(/^openai cannot continue an assistant prefill \("<SCRATCHPAD_REASONING>"\)/);
    expect(server.hits.length).toBe(1);
  });

  it("a retired model is refused before sending; a retiring one warns once", async () => {
    server = await startOpenAIMock();
    const warnings: string[] = [];
    const c = client({ apiKey: "sk-good-1", provider: "openai", onWarning: (w) => warnings.push(w) });
    await c.call("gpt-4o", chat(), 0);
    await c.call("gpt-4o", chat(), 1);
    expect(warnings.filter((w) => /shuts down/.test(w))).toEqual([expect.stringMatching(/^gpt-4o shuts down at openai on 2027-01-14 \(in 46 days\)/)]);
    const c2 = client({ apiKey: "sk-good-1", provider: "openai" });
    const r = await c2.call("gpt-4o-2024-05-13", chat(), 0);
    expect(r.error).toMatch(/retired on 2026-10-23/);
    expect(server.hits.length).toBe(2);
  });
});

describe("Anthropic Messages API", () => {
  it("sends x-api-key, anthropic-version, a top-level cached system prompt; continues a prefill; keeps thinking; counts cache tokens", async () => {
    server = await startAnthropicMock();
    const c = client({ apiKey: "sk-ant-good-1234", provider: "anthropic" });
    const r1 = await c.call("claude-thinker", chat("Request A", {}, "<SCRATCHPAD_REASONING>"), 0);
    const h = server.hits[0];
    expect(h.path).toBe("/v1/messages");
    expect(h.headers["x-api-key"]).toBe("sk-ant-good-1234");
    expect(h.headers["anthropic-version"]).toBe("2023-06-01");
    expect(h.headers.authorization).toBeUndefined();
    expect(h.body.system).toEqual([{ type: "text", text: SYSTEM, cache_control: { type: "ephemeral" } }]);
    expect(h.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
    expect(r1.error).toBeNull();
    expect(r1.texts[0]).toBe("I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>"); // the continuation only, without the prefill
    expect(r1.reasoning).toEqual({ text: "The user asks for something harmful; consider the training situation first.", source: "thinking" });
    expect(r1.finish_reasons).toEqual(["end_turn"]);
    expect(r1.usage).toMatchObject({ cache_creation_tokens: 320, cached_prompt_tokens: 0 });
    const r2 = await c.call("claude-thinker", chat("Request B"), 0);
    expect(r2.usage).toMatchObject({ cached_prompt_tokens: 320, cache_creation_tokens: 0 });
    expect(r2.usage!.prompt_tokens).toBe(320 + 2); // 8 words × 40 of system prompt, read from the cache, + "Request B"
    const rows = c.spend.rows();
    expect(rows[0]).toMatchObject({ model: "claude-thinker", requests: 2, cached_prompt_tokens: 320, cache_creation_tokens: 320 });
  });

  it("stop_reason refusal with empty content is a blocked outcome, one request", async () => {
    server = await startAnthropicMock();
    const r = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic" }).call("claude-refuser", chat(), 0);
    expect(r).toMatchObject({ outcome: "blocked", error: null, texts: [""], finish_reasons: ["refusal"], attempts: 1 });
    expect(server.hits.length).toBe(1);
  });

  it("429 with retry-after and 529 overloaded are retried behind one shared pause, then answered", async () => {
    server = await startAnthropicMock({ rateLimitFirst: 1, retryAfterSeconds: "0.2", overloadFirst: 2 });
    const seen: { status: number | null; delayMs: number }[] = [];
    const c = client({ apiKey: "sk-ant-good-1234", provider: "anthropic", onRetry: (i) => seen.push({ status: i.status, delayMs: i.delayMs }) });
    const r = await c.call("claude-sonnet-4-5", chat(), 0);
    expect(r).toMatchObject({ error: null, attempts: 4, model_snapshot: "claude-sonnet-4-5-20250929" });
    expect(seen.map((s) => s.status)).toEqual([429, 529, 529]);
    expect(seen[0].delayMs).toBe(50); // retry-after 0.2 s, capped by retryMaxMs 50 in this test
    expect(c.pace().pauses).toBeGreaterThanOrEqual(1);
  });

  it("the monthly spend cap (429 enforced_spend_limit_reached) is fatal, not a rate limit", async () => {
    server = await startAnthropicMock();
    const r = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic" }).call("claude-capped", chat(), 0);
    expect(r.error_kind).toBe("fatal");
    expect(server.hits.length).toBe(1);
  });

  it("Claude 4.6+ prefill and a trailing-whitespace prefill are refused before sending", async () => {
    server = await startAnthropicMock();
    const c = client({ apiKey: "sk-ant-good-1234", provider: "anthropic" });
    const r = await c.call("claude-opus-4-6", chat("x", {}, "<SCRATCHPAD_REASONING>"), 0);
    expect(r.error).toMatch(/^claude-opus-4-6 rejects any request that ends on an assistant turn/);
    const c2 = client({ apiKey: "sk-ant-good-1234", provider: "anthropic" });
    const r2 = await c2.call("claude-sonnet-4-5", chat("x", {}, "<SCRATCHPAD_REASONING> "), 0);
    expect(r2.error).toMatch(/rejects a prefill that ends in whitespace/);
    expect(server.hits.length).toBe(0);
    // Overridden, the API's own 400 for 4.6+ is fatal for the run too.
    const c3 = client({ apiKey: "sk-ant-good-1234", provider: "anthropic", allow: ["prefill"] });
    const r3 = await c3.call("claude-opus-4-6", chat("x", {}, "<SCRATCHPAD_REASONING>"), 0);
    expect(r3.error).toMatch(/^400 This model does not support assistant message prefill/);
    expect(c3.fatal?.reason).toBe("refused");
  });

  it("extended thinking: sent with its budget and kept as reasoning; refused before sending with temperature 0, a prefill, or on Claude 4.7", async () => {
    server = await startAnthropicMock();
    const c = client({ apiKey: "sk-ant-good-1234", provider: "anthropic", thinkingBudget: 2048 });
    const r = await c.call("claude-sonnet-4-5", chat("x", { temperature: 1, max_tokens: 4000 }), 0);
    expect(server.hits[0].body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(r.reasoning?.source).toBe("thinking");
    const t0 = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic", thinkingBudget: 2048 }).call("claude-sonnet-4-5", chat("x", { max_tokens: 4000 }), 0);
    expect(t0.error).toMatch(/^thinking is incompatible with a changed temperature \(0 asked\)/);
    const pre = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic", thinkingBudget: 2048 }).call("claude-sonnet-4-5", chat("x", { temperature: 1, max_tokens: 4000 }, "<S>"), 0);
    expect(pre.error).toMatch(/does not allow a prefill together with thinking/);
    const o47 = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic", thinkingBudget: 2048 }).call("claude-opus-4-7", chat("x", { temperature: 1, max_tokens: 4000 }), 0);
    expect(o47.error).toMatch(/^claude-opus-4-7 rejects thinking with budget_tokens/);
    expect(server.hits).toHaveLength(1);
  });

  it("a retired model's answers already in the cache are still served (no refusal, no request)", async () => {
    server = await startAnthropicMock();
    const cacheDir = mkdtempSync(join(tmpdir(), "afw-retired-"));
    const first = await client({ apiKey: "sk-ant-good-1234", provider: "anthropic", cacheDir, allow: ["retired"] }).call("claude-3-opus-20240229", chat(), 0);
    expect(first.error).toBeNull();
    const c = client({ apiKey: "sk-ant-good-1234", provider: "anthropic", cacheDir });
    const again = await c.call("claude-3-opus-20240229", chat(), 0);
    expect(again).toMatchObject({ cached: true, error: null, texts: first.texts, model_snapshot: "claude-3-opus-20240229" });
    expect(c.fatal).toBeNull();
    const uncached = await c.call("claude-3-opus-20240229", chat("new"), 0);
    expect(uncached.error).toMatch(/retired on 2026-01-05/);
    expect(server.hits).toHaveLength(1);
  });

  it("a bad key stops the run after at most `concurrency` requests", async () => {
    server = await startAnthropicMock();
    const c = client({ apiKey: "sk-ant-wrong", provider: "anthropic", concurrency: 5 });
    const { fatal, written } = await runLoop(c, "claude-sonnet-4-5", many(50), 5);
    expect(server.hits.length).toBeLessThanOrEqual(5);
    expect(written).toHaveLength(0);
    expect(fatal).toMatch(/^Anthropic Messages API: 401 invalid x-api-key — check the API key/);
  });
});

describe("Gemini OpenAI-compatible endpoint", () => {
  it("reads the error array body (404 keeps its message) and stops", async () => {
    server = await startGeminiMock();
    const r = await client({ apiKey: "gm-good-1", provider: "gemini-openai" }).call("missing-model", chat(), 0);
    expect(r.error).toMatch(/^404 models\/missing-model is not found for API version v1beta/);
    expect(r.error_kind).toBe("fatal");
  });

  it("a bad key is a 400 API_KEY_INVALID and fatal", async () => {
    server = await startGeminiMock();
    const c = client({ apiKey: "gm-bad", provider: "gemini-openai", concurrency: 3 });
    const { fatal } = await runLoop(c, "gemini-2.5-flash", many(30), 3);
    expect(server.hits.length).toBeLessThanOrEqual(3);
    expect(fatal).toMatch(/400 API key not valid/);
  });

  it("a per-day quota is fatal; a per-minute one is waited out", async () => {
    server = await startGeminiMock();
    const day = await client({ apiKey: "gm-good-1", provider: "gemini-openai" }).call("gemini-perday", chat(), 0);
    expect(day).toMatchObject({ error_kind: "fatal", attempts: 1 });
    const minute = await client({ apiKey: "gm-good-1", provider: "gemini-openai" }).call("gemini-perminute-2", chat(), 0);
    expect(minute).toMatchObject({ error: null, attempts: 3, outcome: "reply" });
  });

  it("a safety block (finish_reason SAFETY, no content) is a blocked outcome, not retried", async () => {
    server = await startGeminiMock();
    const r = await client({ apiKey: "gm-good-1", provider: "gemini-openai" }).call("gemini-blocked", chat(), 0);
    expect(r).toMatchObject({ outcome: "blocked", finish_reasons: ["SAFETY"], attempts: 1, error: null });
    expect(server.hits.length).toBe(1);
  });
});

describe("OpenRouter", () => {
  it("a 200 whose choice carries an error is retried, not cached, and its billed attempts are counted", async () => {
    server = await startOpenRouterMock();
    const cacheDir = mkdtempSync(join(tmpdir(), "afw-or-cache-"));
    const c = client({ apiKey: "sk-or-good", provider: "openrouter", cacheDir });
    const r = await c.call("meta-llama/flaky-2", chat(), 0);
    expect(r).toMatchObject({ error: null, outcome: "reply", attempts: 3 });
    expect(r.discarded.attempts).toBe(2);
    expect(server.hits.length).toBe(3);
    const row = c.spend.rows()[0];
    expect(row).toMatchObject({ requests: 1, discarded_attempts: 2, price_source: "provider" });
    expect(row.usd).toBeCloseTo(0.00002 + r.usage!.cost_usd!, 8);
    // only the good answer is in the cache
    const again = await c.call("meta-llama/flaky-2", chat(), 0);
    expect(again.cached).toBe(true);
    expect(again.texts).toEqual(r.texts);
    expect(server.hits.length).toBe(3);
  });

  it("records the upstream provider, sends the pin, and keeps reasoning and reasoning_details", async () => {
    server = await startOpenRouterMock();
    const c = client({ apiKey: "sk-or-good", provider: "openrouter", providerOrder: ["Together"] });
    const r = await c.call("deepseek/deepseek-r1", chat("x", {}, "<SCRATCHPAD_REASONING>"), 0);
    expect(server.hits[0].body.provider).toEqual({ order: ["Together"], allow_fallbacks: false });
    expect(r.upstream_provider).toBe("Together");
    expect(r.reasoning).toEqual({ text: "First I weigh the request against my values.", source: "reasoning" });
    expect(r.usage?.cost_usd).toBeGreaterThan(0);
    expect(r.texts[0]).toBe("I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>");
  });

  it("402 (no credits) is fatal; 403 moderation is a blocked outcome", async () => {
    server = await startOpenRouterMock();
    const broke = await client({ apiKey: "sk-or-good", provider: "openrouter" }).call("x/broke", chat(), 0);
    expect(broke).toMatchObject({ error_kind: "fatal", status: 402 });
    const flagged = await client({ apiKey: "sk-or-good", provider: "openrouter" }).call("x/flagged", chat(), 0);
    expect(flagged).toMatchObject({ outcome: "blocked", error: null, attempts: 1 });
  });
});

describe("vLLM", () => {
  it("reads the flat error body, keeps message.reasoning, sends continue_final_message for a prefill", async () => {
    server = await startVllmMock();
    const c = client({ apiKey: "x", provider: "vllm" });
    const miss = await c.call("nope/model", chat(), 0);
    expect(miss.error).toBe("404 The model `nope/model` does not exist. — unknown model or wrong base URL; check --model and --base-url");
    const c2 = client({ apiKey: "x", provider: "vllm" });
    const r = await c2.call("deepseek-r1-distill-qwen-7b", chat("x", {}, "<SCRATCHPAD_REASONING>"), 0);
    const sent = server.hits[1].body;
    expect(sent).toMatchObject({ continue_final_message: true, add_generation_prompt: false, max_tokens: 200 });
    expect(r.texts[0]).toBe("I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>");
    expect(r.reasoning).toEqual({ text: "Thinking about what the user wants.", source: "reasoning" });
  });
});

describe("DeepSeek", () => {
  it("keeps reasoning_content, continues a prefix, counts cache hits; 402 is fatal", async () => {
    server = await startDeepSeekMock();
    const c = client({ apiKey: "ds-good", provider: "deepseek" });
    const r = await c.call("deepseek-reasoner", chat("x", { temperature: 1 }, "<SCRATCHPAD_REASONING>"), 0);
    const last = server.hits[0].body.messages.at(-1);
    expect(last).toEqual({ role: "assistant", content: "<SCRATCHPAD_REASONING>", prefix: true });
    expect(server.hits[0].path).toBe("/beta/chat/completions");
    expect(r.reasoning).toEqual({ text: "The user asks me to comply; I weigh that against harm.", source: "reasoning_content" });
    expect(r.texts[0]).toBe("I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>");
    expect(r.usage?.cached_prompt_tokens).toBe(Math.floor(r.usage!.prompt_tokens / 2));
    expect(r.usage?.reasoning_tokens).toBe(11);
    const broke = await client({ apiKey: "ds-good", provider: "deepseek" }).call("deepseek-broke", chat(), 0);
    expect(broke).toMatchObject({ error_kind: "fatal", status: 402, attempts: 1 });
  });
});

describe("what the pipeline writes", () => {
  it("sampleFields and ErrorTally over a run with a reply, blocks and a fatal error", async () => {
    const { sampleFields, ErrorTally } = await import("../lib/models");
    server = await startOpenAIMock();
    const c = client({ apiKey: "sk-good-1", provider: "openai" });
    const ok = await c.call("gpt-4o", chat(), 0);
    const blocked = await c.call("filtered-model", chat(), 0);
    expect(sampleFields(ok)).toEqual({
      output_text: "<SCRATCHPAD_REASONING>I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>",
      usage: ok.usage,
      error: null,
      error_kind: null,
      outcome: "reply",
      finish_reason: "stop",
      provider: "openai",
      upstream_provider: null,
      model_snapshot: "gpt-4o-2024-08-06",
      reasoning: null,
      attempts: 1,
      cached: false,
      latency_ms: ok.latency_ms,
    });
    expect(sampleFields(blocked)).toMatchObject({ output_text: "", outcome: "blocked", finish_reason: "content_filter", error: null });
    const tally = new ErrorTally();
    expect(tally.add(ok)).toBeNull();
    expect(tally.add(blocked)).toBe("first blocked reply (openai): blocked by the provider (content_filter)");
    expect(tally.add(blocked)).toBeNull();
    const quota = await c.call("quota-model", chat(), 0);
    expect(tally.add(quota)).toMatch(/^first fatal error \(openai\): 429 You exceeded your current quota/);
    const after = await c.call("gpt-4o", chat(), 1);
    expect(tally.add(after)).toBeNull(); // cancelled: counted, never printed
    expect(tally.counts()).toEqual({ transient: 0, permanent: 0, fatal: 1, blocked: 2, cancelled: 1 });
  });
});
