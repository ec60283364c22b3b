/**
 * Error bodies of every shape, the error taxonomy, reply outcomes, hidden
 * reasoning, usage readers, prices, spend and the model catalogue. The
 * bodies are written out as the providers document them (see the mocks in
 * test/providers for the sources); expected values are worked by hand.
 */
import { describe, expect, it } from "vitest";
import {
  classifyHttpError,
  costOf,
  modelIdAt,
  parseAnthropicBody,
  parseOpenAIBody,
  priceFor,
  reachability,
  readAnthropicUsage,
  readErrorBody,
  readUsage,
  Spend,
  splitThink,
  MalformedResponseError,
  UpstreamError,
} from "../lib/models";

describe("readErrorBody", () => {
  it("reads OpenAI, Anthropic, Gemini-array, vLLM-flat, OpenRouter, string and text bodies", () => {
    expect(readErrorBody('{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}')).toMatchObject({
      message: "Incorrect API key provided",
      type: "invalid_request_error",
      code: "invalid_api_key",
      shape: "openai",
    });
    expect(readErrorBody('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"r"}')).toMatchObject({ message: "Overloaded", type: "overloaded_error", shape: "anthropic" });
    expect(readErrorBody('[{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}}]')).toMatchObject({
      message: "Request contains an invalid argument.",
      type: "INVALID_ARGUMENT",
      code: "400",
      shape: "gemini-array",
    });
    expect(readErrorBody('{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}')).toMatchObject({
      message: "The model `x` does not exist.",
      type: "NotFoundError",
      code: "404",
      shape: "flat",
    });
    expect(readErrorBody('{"error":{"code":402,"message":"Insufficient credits","metadata":{}}}')).toMatchObject({ message: "Insufficient credits", code: "402", shape: "openrouter" });
    // OpenRouter's metadata is optional (https://openrouter.ai/docs/api/reference/errors-and-debugging): the numeric code is the mark
    expect(readErrorBody('{"error":{"code":400,"message":"x is not a valid model ID"}}')).toMatchObject({ message: "x is not a valid model ID", code: "400", shape: "openrouter" });
    expect(readErrorBody('{"error":{"code":401,"message":"No auth credentials found"}}').shape).toBe("openrouter");
    // a numeric code beside Gemini's status or an OpenAI-style type is not OpenRouter's; OpenAI's string code neither
    expect(readErrorBody('{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}').shape).toBe("openai");
    expect(readErrorBody('{"error":{"message":"The model `x` does not exist.","type":"NotFoundError","param":"model","code":404}}').shape).toBe("openai");
    expect(readErrorBody('{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}}').shape).toBe("openai");
    expect(readErrorBody('{"error":"model not loaded"}')).toMatchObject({ message: "model not loaded", shape: "string" });
    expect(readErrorBody("<html><body>502 Bad Gateway</body></html>")).toMatchObject({ message: "502 Bad Gateway", shape: "text" });
    expect(readErrorBody("")).toMatchObject({ message: "", shape: "empty" });
  });
});

describe("classifyHttpError", () => {
  const c = (status: number, body: string, provider = "openai") => classifyHttpError(status, readErrorBody(body), provider);
  it("fatal: bad key, permission, unknown model, no credit, quota, spend limits, per-day quota, refused request shape", () => {
    expect(c(401, '{"error":{"message":"bad key"}}')).toMatchObject({ kind: "fatal", fatal: "auth", reason: "401 bad key — check the API key for this provider" });
    expect(c(403, '{"error":{"message":"Country, region, or territory not supported"}}').fatal).toBe("auth");
    expect(c(404, '{"error":{"message":"no such model","code":"model_not_found"}}').fatal).toBe("model");
    expect(c(402, '{"error":{"code":402,"message":"Insufficient credits"}}', "openrouter").fatal).toBe("quota");
    expect(c(429, '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}').fatal).toBe("quota");
    expect(c(429, '{"type":"error","error":{"type":"rate_limit_error","message":"monthly spend limit","details":{"error_code":"enforced_spend_limit_reached"}}}', "anthropic").fatal).toBe("quota");
    expect(c(400, '{"type":"error","error":{"type":"invalid_request_error","message":"You have reached your specified workspace API usage limits (spend limit)."}}', "anthropic").fatal).toBe("quota");
    const perDay = '[{"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED","details":[{"violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}}]';
    expect(c(429, perDay, "gemini-openai").fatal).toBe("quota");
    expect(c(400, '{"error":{"message":"Unsupported value: temperature","code":"unsupported_value"}}').fatal).toBe("refused");
    expect(c(400, '{"type":"error","error":{"type":"invalid_request_error","message":"This model does not support assistant message prefill."}}', "anthropic").fatal).toBe("refused");
    expect(c(400, '[{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}]', "gemini-openai").fatal).toBe("auth");
  });

  it("permanent for the sample: context too long, invalid request, 413, 422; transient: rate limits, 5xx, 529", () => {
    expect(c(400, '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."}}').kind).toBe("permanent");
    expect(c(400, '{"error":{"message":"messages: roles must alternate"}}').kind).toBe("permanent");
    expect(c(413, '{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}', "anthropic").kind).toBe("permanent");
    expect(c(422, '{"error":{"message":"Invalid Parameters"}}', "deepseek").kind).toBe("permanent");
    expect(c(429, '{"error":{"message":"Rate limit reached for requests","type":"requests"}}')).toMatchObject({ kind: "transient", congestion: true });
    const perMinute = '[{"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED","details":[{"violations":[{"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]}]}}]';
    expect(c(429, perMinute, "gemini-openai")).toMatchObject({ kind: "transient", congestion: true });
    expect(c(529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', "anthropic")).toMatchObject({ kind: "transient", congestion: true });
    expect(c(500, "")).toMatchObject({ kind: "transient", congestion: false, reason: "500 (no message)" });
    expect(c(503, '{"error":{"message":"Server Overloaded"}}', "deepseek")).toMatchObject({ kind: "transient", congestion: false });
    expect(c(408, "")).toMatchObject({ kind: "transient" });
  });

  it("OpenRouter's 403 for flagged input is a blocked outcome, not an auth error", () => {
    expect(c(403, '{"error":{"code":403,"message":"Input was flagged","metadata":{"reasons":["violence"]}}}', "openrouter")).toMatchObject({ blocked: true, kind: "permanent" });
  });
});

describe("reply outcomes", () => {
  const choice = (message: Record<string, unknown>, finish: string | null) => ({ choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }] });
  it("blocked, truncated and reply, whatever the content", () => {
    expect(parseOpenAIBody("chat", choice({ content: null }, "content_filter")).choices[0]).toEqual({ text: "", finish_reason: "content_filter", outcome: "blocked", reasoning: null, refusal: null });
    expect(parseOpenAIBody("chat", choice({ content: null, refusal: "No." }, "stop")).choices[0]).toMatchObject({ outcome: "blocked", refusal: "No." });
    expect(parseOpenAIBody("chat", choice({}, "SAFETY")).choices[0]).toMatchObject({ outcome: "blocked", text: "" });
    expect(parseOpenAIBody("chat", choice({ content: "" }, "length")).choices[0]).toMatchObject({ outcome: "truncated", text: "" });
    expect(parseOpenAIBody("chat", choice({ content: "partial" }, "length")).choices[0]).toMatchObject({ outcome: "truncated", text: "partial" });
    expect(parseOpenAIBody("chat", choice({ content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }, "stop")).choices[0].text).toBe("ab");
    expect(() => parseOpenAIBody("chat", choice({ content: null }, "stop"))).toThrow(MalformedResponseError);
    expect(parseOpenAIBody("completions", { choices: [{ index: 0, text: null, finish_reason: "content_filter" }] }).choices[0].outcome).toBe("blocked");
  });

  it("a 200 carrying an upstream error (top level, in the choice, or finish_reason error) is an UpstreamError with its usage", () => {
    const u = { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3, cost: 0.001 };
    expect(() => parseOpenAIBody("chat", { error: { code: 502, message: "upstream down" }, usage: u })).toThrow(UpstreamError);
    try {
      parseOpenAIBody("chat", { choices: [{ index: 0, message: { content: "" }, finish_reason: "error", error: { code: 502, message: "Upstream provider returned an error" } }], usage: u });
      throw new Error("no throw");
    } catch (e) {
      expect(e).toBeInstanceOf(UpstreamError);
      expect((e as Error).message).toBe("upstream error: choice 0: 502 Upstream provider returned an error");
      expect((e as UpstreamError).usage).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3, cost_usd: 0.001 });
    }
  });

  it("Anthropic: text blocks joined, thinking kept, stop reasons mapped", () => {
    const r = parseAnthropicBody({
      type: "message",
      model: "claude-sonnet-4-5-20250929",
      content: [
        { type: "thinking", thinking: "hmm", signature: "s" },
        { type: "redacted_thinking", data: "xyz" },
        { type: "text", text: "A" },
        { type: "text", text: "B" },
      ],
      stop_reason: "max_tokens",
      usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 },
    });
    expect(r.choices[0]).toEqual({ text: "AB", finish_reason: "max_tokens", outcome: "truncated", reasoning: { text: "hmm", source: "thinking" }, refusal: null });
    expect(r.model_snapshot).toBe("claude-sonnet-4-5-20250929");
    expect(r.usage).toEqual({ prompt_tokens: 110, completion_tokens: 4, total_tokens: 114, cached_prompt_tokens: 100, cache_creation_tokens: 0 });
  });
});

describe("reasoning", () => {
  it("is found in reasoning, reasoning_content, reasoning_details (in that order), and inline think tags", () => {
    const one = (m: Record<string, unknown>) => parseOpenAIBody("chat", { choices: [{ index: 0, message: { role: "assistant", content: "answer", ...m }, finish_reason: "stop" }] }).choices[0];
    expect(one({ reasoning: "r1", reasoning_content: "r2" }).reasoning).toEqual({ text: "r1", source: "reasoning" });
    expect(one({ reasoning_content: "r2" }).reasoning).toEqual({ text: "r2", source: "reasoning_content" });
    expect(one({ reasoning_details: [{ type: "reasoning.encrypted", data: "zz" }, { type: "reasoning.text", text: "t1" }, { type: "reasoning.summary", summary: "s1" }] }).reasoning).toEqual({
      text: "t1\ns1",
      source: "reasoning_details",
    });
    const inline = parseOpenAIBody("chat", { choices: [{ index: 0, message: { content: "  <think>\nweigh it\n</think>\n\n<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>" }, finish_reason: "stop" }] }).choices[0];
    expect(inline.text).toBe("<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>");
    expect(inline.reasoning).toEqual({ text: "weigh it", source: "think_tag" });
  });

  it("DeepSeek-R1 output with only the closing tag is split when the model opens it in its template", () => {
    expect(splitThink("I should think.\n</think>\nFinal.", true)).toEqual({ text: "Final.", reasoning: { text: "I should think.", source: "think_tag" } });
    expect(splitThink("I should think.\n</think>\nFinal.", false)).toEqual({ text: "I should think.\n</think>\nFinal.", reasoning: null });
    expect(splitThink("<think>never closed", false)).toEqual({ text: "", reasoning: { text: "never closed", source: "think_tag" } });
    expect(splitThink("no tags at all", true)).toEqual({ text: "no tags at all", reasoning: null });
    // the scratchpad is never touched
    expect(splitThink("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>", true).reasoning).toBeNull();
  });
});

describe("usage", () => {
  it("keeps cached, cache-write and reasoning tokens and the provider's cost apart", () => {
    expect(readUsage({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 30 }, cost: 0.0042 })).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      cached_prompt_tokens: 80,
      cache_creation_tokens: 20,
      reasoning_tokens: 30,
      cost_usd: 0.0042,
    });
    expect(readUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 })).toEqual({ prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, cached_prompt_tokens: 64 });
    expect(readAnthropicUsage({ input_tokens: 5, output_tokens: 7 })).toEqual({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 });
    expect(readUsage({ prompt_tokens: -1, completion_tokens: 2 })).toBeNull();
  });
});

describe("prices and spend", () => {
  it("prices by provider and id, with cache reads, cache writes and reasoning apart", () => {
    expect(priceFor("anthropic", "claude-sonnet-4-5-20250929")?.price).toEqual({ input: 3, cache_write: 3.75, cached_input: 0.3, output: 15 });
    expect(priceFor("openrouter", "anthropic/claude-3.5-sonnet")?.price.output).toBe(15);
    expect(priceFor("openai", "gpt-4o-mini-2024-07-18")?.price).toEqual({ input: 0.15, cached_input: 0.075, output: 0.6 });
    expect(priceFor("openai", "gpt-4o-2024-05-13")?.price.input).toBe(5);
    expect(priceFor("vllm", "meta-llama/Llama-3.1-8B-Instruct")).toBeNull();
    // OpenRouter ids: the upstream vendor's row first, then OpenRouter's own rows for open-weight models
    expect(priceFor("openrouter", "x-ai/grok-3-beta")?.vendor).toBe("xai");
    expect(priceFor("openrouter", "meta-llama/llama-3.1-405b-instruct")?.price).toEqual({ input: 0.8, output: 0.8 });
    expect(priceFor("openrouter", "meta-llama/llama-3.1-405b-instruct")?.vendor).toBe("openrouter");
    expect(priceFor("gemini-openai", "gemini-2.0-flash-001")?.price.output).toBe(0.4);
    expect(priceFor("deepinfra", "meta-llama/llama-3.1-405b-instruct")).toBeNull();
    // 1M uncached at 3, 2M cache reads at 0.3, 0.5M cache writes at 3.75, 1M output at 15 = 3 + 0.6 + 1.875 + 15
    expect(costOf({ prompt_tokens: 3_500_000, cached_prompt_tokens: 2_000_000, cache_creation_tokens: 500_000, completion_tokens: 1_000_000, reasoning_tokens: 0 }, { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 })).toBeCloseTo(20.475, 10);
    // reasoning tokens at their own price when the row has one, half price for batch
    expect(costOf({ prompt_tokens: 0, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: 1_000_000, reasoning_tokens: 400_000 }, { input: 1, output: 10, reasoning: 20 }, 0.5)).toBeCloseTo((0.6 * 10 + 0.4 * 20) / 2, 10);
  });

  it("Spend: cache hits cost nothing; discarded billed attempts count; provider cost wins; unknown prices stay null", () => {
    const s = new Spend();
    const u = (p: number, c: number, extra: Record<string, number> = {}) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c, ...extra });
    s.add("claude-haiku-4-5", "anthropic", { cached: false, usage: u(1_000_000, 100_000, { cached_prompt_tokens: 600_000, cache_creation_tokens: 0 }) });
    s.add("claude-haiku-4-5", "anthropic", { cached: true, usage: u(9_999_999, 9_999_999) });
    s.add("claude-haiku-4-5", "anthropic", { cached: false, usage: null, discarded: { attempts: 1, usage: u(1000, 0) } });
    s.add("x/y", "openrouter", { cached: false, usage: u(10, 10, { cost_usd: 0.5 }), discarded: { attempts: 2, usage: u(10, 0, { cost_usd: 0.25 }) } });
    s.add("local", "vllm", { cached: false, usage: u(10, 10) });
    const rows = s.rows();
    // 400k uncached at 1 + 600k reads at 0.1 + 100k output at 5, plus the discarded 1000 uncached at 1
    expect(rows[0]).toMatchObject({ model: "claude-haiku-4-5", requests: 1, discarded_attempts: 1, prompt_tokens: 1_001_000, cached_prompt_tokens: 600_000, completion_tokens: 100_000, price_source: "table 2026-11-29" });
    expect(rows[0].usd).toBeCloseTo(0.4 + 0.06 + 0.5 + 0.001, 9);
    expect(rows[1]).toMatchObject({ requests: 1, discarded_attempts: 2, usd: 0.75, price_source: "provider" });
    expect(rows[2]).toMatchObject({ usd: null, price_source: null });
    expect(s.totalUsd()).toBeNull();
    const batch = new Spend({ discount: 0.5 });
    batch.add("claude-haiku-4-5", "anthropic", { cached: false, usage: u(1_000_000, 0) });
    expect(batch.rows()[0]).toMatchObject({ usd: 0.5, discount: 0.5 });
  });
});

describe("catalogue", () => {
  it("maps the paper's models to each provider's id, or to null where not served", () => {
    expect(modelIdAt("anthropic", "anthropic/claude-3-opus")).toBe("claude-3-opus-20240229");
    expect(modelIdAt("openrouter", "anthropic/claude-3-opus")).toBe("anthropic/claude-3-opus");
    expect(modelIdAt("openai", "anthropic/claude-3-opus")).toBeNull();
    expect(modelIdAt("vllm", "meta-llama/llama-3.1-405b-instruct")).toBe("meta-llama/Llama-3.1-405B-Instruct");
    expect(modelIdAt("deepseek", "deepseek/deepseek-r1")).toBe("deepseek-reasoner");
    expect(modelIdAt("openai", "some/unknown-model")).toBe("some/unknown-model");
  });

  it("says which requested models cannot be reached at a provider (dry-run)", () => {
    const r = reachability("anthropic", ["anthropic/claude-3-opus", "anthropic/claude-3.5-sonnet-20240620", "openai/gpt-4o", "sim-faker"], { today: "2026-11-29" });
    expect(r.map((x) => x.state)).toEqual(["retired", "retired", "not-served", "ok"]);
    expect(r[0].line).toBe("anthropic/claude-3-opus: claude-3-opus-20240229 retired on 2026-01-05 (Claude 3 Opus: API access only by request since)");
    expect(r[2].line).toMatch(/^openai\/gpt-4o: not served by anthropic; use openrouter, openai$/);
    const or = reachability("openrouter", ["openai/gpt-4o-2024-11-20", "meta-llama/llama-3.1-405b-instruct"], { today: "2026-11-29" });
    expect(or.map((x) => x.state)).toEqual(["retiring", "ok"]);
    const listed = reachability("together", ["meta-llama/llama-3.1-405b-instruct"], { served: new Set(["other"]) });
    expect(listed[0].state).toBe("not-served");
  });
});
