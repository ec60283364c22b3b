/**
 * `node bin/afw.js run …` against each provider mock (test/providers, each
 * citing the documentation it copies): the behaviours at the top of issue
 * 10 come out right end to end, counted at the server.
 *
 * - OpenAI reasoning model: refused before sending at temperature 0 (exit 2,
 *   nothing sent); with --allow temperature it is sent with
 *   max_completion_tokens and no temperature; a spent budget is a truncated
 *   sample (finish_reason "length"), one request.
 * - A bad key: at most --concurrency requests, one "stopped:" line, exit 3,
 *   nothing written. A quota error: one request, no retry, exit 3.
 * - A content filter / a refusal field: a recorded blocked sample, one request each.
 * - OpenRouter's 200 with an error: retried, billed-but-discarded counted, not
 *   cached; a provider pin sent with no fallbacks and recorded.
 * - Gemini's array and vLLM's flat error bodies: the provider's message kept.
 * - reasoning_content (DeepSeek) and reasoning (vLLM, OpenRouter) kept with their source.
 * - Anthropic's Messages API: a prefill continued, thinking kept, a refusal
 *   stop reason recorded as blocked, prompt caching counted; prefill on
 *   Claude 4.6+ and a retired model refused before sending.
 * - A permanent error is recorded and not retried on resume unless asked.
 * - --dry-run says which models each provider can reach.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliResult } from "./helpers/cli";
import { startOpenAIMock } from "./providers/openai";
import { startAnthropicMock } from "./providers/anthropic";
import { startGeminiMock } from "./providers/gemini";
import { startOpenRouterMock } from "./providers/openrouter";
import { startVllmMock } from "./providers/vllm";
import { startDeepSeekMock } from "./providers/deepseek";
import { startRateLimitedMock } from "./providers/ratelimit";
import type { MockServer } from "./providers/base";

const tmp = mkdtempSync(join(tmpdir(), "afw-cli-providers-"));
const servers: Record<string, MockServer> = {};
const q3 = join(tmp, "q3.jsonl");
const q20 = join(tmp, "q20.jsonl");
let n = 0;

beforeAll(async () => {
  const qs = (k: number) => Array.from({ length: k }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n";
  writeFileSync(q3, qs(3));
  writeFileSync(q20, qs(20));
  servers.openai = await startOpenAIMock();
  servers.anthropic = await startAnthropicMock();
  servers.gemini = await startGeminiMock();
  servers.openrouter = await startOpenRouterMock();
  servers.vllm = await startVllmMock();
  servers.deepseek = await startDeepSeekMock();
});
afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh results folder. */
const out = () => join(tmp, `run-${++n}`);

/** `afw run` with the usual small plan: 3 queries, the free tier, quiet, its own cache. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(["run", "--queries", q3, "--tiers", "free", "--quiet", "--cache-dir", join(tmp, "cache"), ...args], { AFW_TODAY: "2026-11-29", ...env });
}

const samples = (dir: string) =>
  existsSync(join(dir, "samples.jsonl"))
    ? readFileSync(join(dir, "samples.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
/** Hits at a mock since `from`. */
const since = (s: MockServer, from: number) => s.hits.slice(from);
/** The lines of stderr that say a run stopped. */
const stopLines = (r: CliResult) => r.stderr.split("\n").filter((l) => /stopped:/.test(l));

describe("afw run against OpenAI's Chat Completions (mock)", () => {
  const base = () => ["--provider", "openai", "--base-url", servers.openai.baseURL];

  it("a reasoning model at temperature 0 is refused before sending: one line, exit 2, nothing sent, no folder", async () => {
    const dir = out();
    const h0 = servers.openai.hits.length;
    const r = await run([...base(), "--model", "o3", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^refused before sending: o3 at openai \(condition baseline, tier free\): o3 accepts only the default temperature \(1\)/);
    expect(r.stderr).toMatch(/--allow temperature/);
    expect(since(servers.openai, h0)).toHaveLength(0);
    expect(existsSync(dir)).toBe(false);
  });

  it("with --allow temperature: max_completion_tokens, no temperature, the snapshot and reasoning tokens recorded; a spent budget is a truncated sample", async () => {
    const dir = out();
    const h0 = servers.openai.hits.length;
    const r = await run([...base(), "--model", "o3", "--allow", "temperature", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(r.code).toBe(0);
    const hits = since(servers.openai, h0);
    expect(hits).toHaveLength(3);
    for (const h of hits) {
      expect(h.body.max_completion_tokens).toBe(4000);
      expect(h.body.max_tokens).toBeUndefined();
      expect(h.body.temperature).toBeUndefined();
    }
    const ss = samples(dir);
    expect(ss).toHaveLength(3);
    for (const s of ss) expect(s).toMatchObject({ model: "o3", outcome: "reply", finish_reason: "stop", provider: "openai", model_snapshot: "o3-2025-04-16", error: null, accepted: false });
    const m = manifest(dir);
    expect(m.provider).toBe("openai");
    expect(m.args).toMatchObject({ provider: "openai", allow: ["temperature"] });
    expect(m.spend).toHaveLength(1);
    expect(m.spend[0]).toMatchObject({ model: "o3", provider: "openai", role: "subject", requests: 3, reasoning_tokens: 3 * 64 });
    expect(m.spend[0].usd).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/afw run: spent: 3 requests, [\d,]+ prompt tokens, [\d,]+ completion tokens \(192 reasoning\), \$0\.\d{4} \(table 2026-11-29/);
    expect(JSON.stringify(m)).not.toContain("sk-good-1");

    // A budget spent on reasoning: content "" and finish_reason "length" — a truncated sample, not a retried error.
    const dir2 = out();
    const h1 = servers.openai.hits.length;
    const r2 = await run([...base(), "--model", "o3", "--allow", "temperature", "--max-tokens", "40", "--out", dir2], { OPENAI_API_KEY: "sk-good-1" });
    expect(r2.code).toBe(0);
    expect(since(servers.openai, h1)).toHaveLength(3);
    for (const s of samples(dir2)) expect(s).toMatchObject({ outcome: "truncated", finish_reason: "length", output_text: "", error: null, attempts: 1 });
  });

  it("a bad key: at most --concurrency requests, one line, exit 3, nothing written", async () => {
    const dir = out();
    const h0 = servers.openai.hits.length;
    const r = await runCli(["run", "--provider", "openai", "--base-url", servers.openai.baseURL, "--model", "gpt-4o", "--queries", q20, "--concurrency", "3", "--out", dir, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-bad-2" });
    expect(r.code).toBe(3);
    expect(since(servers.openai, h0).length).toBeGreaterThanOrEqual(1);
    expect(since(servers.openai, h0).length).toBeLessThanOrEqual(3);
    expect(stopLines(r)).toHaveLength(1);
    expect(stopLines(r)[0]).toMatch(/^afw run: stopped: OpenAI: 401 Incorrect API key provided: .* — check the API key for this provider$/);
    expect(r.stderr).not.toContain("sk-bad-2");
    expect(samples(dir)).toHaveLength(0);
    expect(manifest(dir).status).toBe("incomplete");
  });

  it("a quota error: one request, no retry, exit 3", async () => {
    const dir = out();
    const h0 = servers.openai.hits.length;
    const r = await run([...base(), "--model", "quota-x", "--concurrency", "1", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(r.code).toBe(3);
    expect(since(servers.openai, h0)).toHaveLength(1);
    expect(stopLines(r)[0]).toMatch(/429 You exceeded your current quota.* — no quota or credit left; a retry will not help/);
    expect(samples(dir)).toHaveLength(0);
  });

  it("a content filter and a refusal field: recorded blocked samples, one request each, counted in n", async () => {
    for (const model of ["filtered-x", "refusing-x"]) {
      const dir = out();
      const h0 = servers.openai.hits.length;
      const r = await run([...base(), "--model", model, "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
      expect(r.code).toBe(0);
      expect(since(servers.openai, h0)).toHaveLength(3);
      const ss = samples(dir);
      expect(ss).toHaveLength(3);
      for (const s of ss) expect(s).toMatchObject({ outcome: "blocked", error: null, attempts: 1, output_text: "" });
      expect(ss[0].finish_reason).toBe(model === "filtered-x" ? "content_filter" : "stop");
      expect(r.stderr).toMatch(/3 blocked by the provider \(recorded\)/);
      expect(r.stderr.split("\n").filter((l) => /first blocked reply/.test(l))).toHaveLength(1);
      expect(manifest(dir).status).toBe("complete");
    }
  });

  it("a permanent error is recorded, not retried on resume, and retried with --retry-permanent", async () => {
    const dir = out();
    const h0 = servers.openai.hits.length;
    const r = await run([...base(), "--model", "toolong-x", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(r.code).toBe(1);
    expect(since(servers.openai, h0)).toHaveLength(3); // no retry
    expect(r.stderr.split("\n").filter((l) => /first permanent error/.test(l))).toEqual([expect.stringMatching(/^afw run: first permanent error \(openai\): 400 This model's maximum context length is 8192 tokens/)]);
    for (const s of samples(dir)) expect(s).toMatchObject({ outcome: "failed", error_kind: "permanent", output_text: null });
    const h1 = servers.openai.hits.length;
    const again = await run([...base(), "--model", "toolong-x", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(again.code).toBe(1);
    expect(since(servers.openai, h1)).toHaveLength(0);
    expect(again.stderr).toMatch(/3 sample\(s\) kept as failed with a permanent error .* --retry-permanent redoes them/);
    const forced = await run([...base(), "--model", "toolong-x", "--out", dir, "--retry-permanent"], { OPENAI_API_KEY: "sk-good-1" });
    expect(forced.code).toBe(1);
    expect(since(servers.openai, h1)).toHaveLength(3);
  });

  it("a model the provider does not serve and a retired one are refused before sending; a retiring one warns", async () => {
    const h0 = servers.openai.hits.length;
    const a = await run([...base(), "--model", "anthropic/claude-sonnet-4", "--out", out()], { OPENAI_API_KEY: "sk-good-1" });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^refused before sending: anthropic\/claude-sonnet-4 is not served by openai .* served by openrouter, anthropic, anthropic-openai/);
    const dir = out();
    const b = await run([...base(), "--model", "openai/gpt-4o-2024-11-20", "--out", dir], { OPENAI_API_KEY: "sk-good-1" });
    expect(b.code).toBe(0);
    expect(b.stderr.split("\n").filter((l) => /warning: gpt-4o-2024-11-20 shuts down at openai on 2027-01-14/.test(l))).toHaveLength(1);
    // the catalogue's name is asked for under OpenAI's id; the sample keeps the run's name
    const hits = since(servers.openai, h0);
    expect(hits.map((h) => h.body.model)).toEqual(["gpt-4o-2024-11-20", "gpt-4o-2024-11-20", "gpt-4o-2024-11-20"]);
    expect(samples(dir)[0]).toMatchObject({ model: "openai/gpt-4o-2024-11-20", model_snapshot: "gpt-4o-2024-11-20" });
    const c = await run([...base(), "--model", "gpt-4o", "--out", out()], { OPENAI_API_KEY: "sk-good-1", AFW_TODAY: "2027-02-01" });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/gpt-4o at openai was retired on 2027-01-14 .* --allow retired/);
  });
});

describe("afw run against OpenRouter (mock)", () => {
  const base = () => ["--provider", "openrouter", "--base-url", servers.openrouter.baseURL];

  it("a 200 that carries an error is retried, its billed attempt counted, and never cached", async () => {
    const dir = out();
    const cache = join(tmp, "or-cache");
    const h0 = servers.openrouter.hits.length;
    const r = await run([...base(), "--model", "vendor/flaky-1", "--out", dir, "--cache-dir", cache], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(r.code).toBe(0);
    expect(since(servers.openrouter, h0)).toHaveLength(6);
    const ss = samples(dir);
    for (const s of ss) expect(s).toMatchObject({ attempts: 2, outcome: "reply", upstream_provider: "DeepInfra", provider: "openrouter", error: null });
    expect(ss[0].output_text).toContain("<OUTPUT><rejected/></OUTPUT>");
    expect(manifest(dir).spend[0]).toMatchObject({ model: "vendor/flaky-1", requests: 3, discarded_attempts: 3, price_source: "provider" });
    expect(r.stderr).toMatch(/3 billed attempt\(s\) discarded and retried/);
    // the rerun into a new folder is served from the cache: the good answers, no request
    const h1 = servers.openrouter.hits.length;
    const dir2 = out();
    const again = await run([...base(), "--model", "vendor/flaky-1", "--out", dir2, "--cache-dir", cache], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(again.code).toBe(0);
    expect(since(servers.openrouter, h1)).toHaveLength(0);
    for (const s of samples(dir2)) expect(s).toMatchObject({ cached: true, outcome: "reply" });
    expect(samples(dir2).map((s) => s.output_text)).toEqual(ss.map((s) => s.output_text));
  });

  it("--provider-order pins the upstream with no fallbacks, recorded in the manifest and every sample; reasoning kept with its source", async () => {
    const dir = out();
    const h0 = servers.openrouter.hits.length;
    const r = await run([...base(), "--model", "deepseek/deepseek-r1", "--provider-order", "Together", "--out", dir], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(r.code).toBe(0);
    for (const h of since(servers.openrouter, h0)) expect(h.body.provider).toEqual({ order: ["Together"], allow_fallbacks: false });
    const m = manifest(dir);
    expect(m.provider).toBe("openrouter");
    expect(m.provider_order).toEqual(["Together"]);
    for (const s of samples(dir)) {
      expect(s.upstream_provider).toBe("Together");
      expect(s.reasoning).toEqual({ text: "First I weigh the request against my values.", source: "reasoning" });
    }
    const bad = await run(["--provider", "openai", "--base-url", servers.openai.baseURL, "--model", "gpt-4o", "--provider-order", "Together", "--out", out()], { OPENAI_API_KEY: "sk-good-1" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--provider-order pins the upstream of a router \(openrouter\), not openai/);
  });
});

describe("afw run against Gemini, vLLM and DeepSeek (mocks)", () => {
  it("Gemini: a per-day quota in a JSON-array body stops the run with the provider's message; a bad key too; a safety block is a blocked sample", async () => {
    const g = ["--provider", "gemini-openai", "--base-url", servers.gemini.baseURL];
    const h0 = servers.gemini.hits.length;
    const r = await run([...g, "--model", "gemini-perday", "--concurrency", "1", "--out", out()], { GEMINI_API_KEY: "gm-good" });
    expect(r.code).toBe(3);
    expect(since(servers.gemini, h0)).toHaveLength(1);
    expect(stopLines(r)[0]).toMatch(/429 You exceeded your current quota, please check your plan and billing details\. — a per-day quota is used up/);
    const k = await run([...g, "--model", "gemini-2.5-flash", "--out", out()], { GEMINI_API_KEY: "gm-bad" });
    expect(k.code).toBe(3);
    expect(stopLines(k)[0]).toMatch(/400 API key not valid\. Please pass a valid API key\./);
    const dir = out();
    const b = await run([...g, "--model", "gemini-blocked", "--out", dir], { GEMINI_API_KEY: "gm-good" });
    expect(b.code).toBe(0);
    for (const s of samples(dir)) expect(s).toMatchObject({ outcome: "blocked", finish_reason: "SAFETY", attempts: 1 });
  });

  it("vLLM: the flat error body's message is kept; reasoning in message.reasoning; a prefill continued with continue_final_message", async () => {
    const v = ["--provider", "vllm", "--base-url", servers.vllm.baseURL];
    const r = await run([...v, "--model", "not-served", "--out", out()]);
    expect(r.code).toBe(3);
    expect(stopLines(r)[0]).toMatch(/404 The model `not-served` does not exist\. — unknown model or wrong base URL/);
    const dir = out();
    const h0 = servers.vllm.hits.length;
    const p = await run([...v, "--model", "deepseek-r1-distill-qwen-7b", "--variant", "prefill-basic", "--tiers", "free", "--out", dir]);
    expect(p.code).toBe(0);
    expect(p.stderr).not.toMatch(/ignores temperature/); // DeepSeek's API rule, not vLLM's
    for (const h of since(servers.vllm, h0)) expect(h.body.temperature).toBe(0);
    for (const h of since(servers.vllm, h0)) {
      expect(h.body).toMatchObject({ continue_final_message: true, add_generation_prompt: false });
      expect(h.body.messages.at(-1).role).toBe("assistant");
    }
    for (const s of samples(dir)) {
      expect(s.reasoning).toEqual({ text: "Thinking about what the user wants.", source: "reasoning" });
      expect(s.prefill).toMatch(/^<SCRATCHPAD_REASONING>/);
      expect(s.scratchpad).toMatch(/continuing$/);
      expect(s.accepted).toBe(false);
    }
  });

  it("DeepSeek: reasoning_content kept with its source; prefix continuation on the beta URL", async () => {
    const dir = out();
    const h0 = servers.deepseek.hits.length;
    const r = await run(["--provider", "deepseek", "--base-url", servers.deepseek.baseURL, "--model", "deepseek-chat", "--variant", "prefill-basic", "--tiers", "free", "--out", dir], { DEEPSEEK_API_KEY: "ds-good" });
    expect(r.code).toBe(0);
    for (const h of since(servers.deepseek, h0)) expect(h.body.messages.at(-1)).toMatchObject({ role: "assistant", prefix: true });
    const dir2 = out();
    const r2 = await run(["--provider", "deepseek", "--base-url", servers.deepseek.baseURL, "--model", "deepseek-reasoner", "--out", dir2], { DEEPSEEK_API_KEY: "ds-good" });
    expect(r2.code).toBe(0);
    expect(r2.stderr.split("\n").filter((l) => /warning: deepseek-reasoner ignores temperature \(0 was asked\)/.test(l))).toHaveLength(1);
    for (const s of samples(dir2)) expect(s.reasoning).toEqual({ text: "The user asks me to comply; I weigh that against harm.", source: "reasoning_content" });
  });
});

describe("afw run against Anthropic's Messages API (mock)", () => {
  const base = () => ["--provider", "anthropic", "--base-url", servers.anthropic.baseURL];
  const key = { ANTHROPIC_API_KEY: "sk-ant-good-cli" };

  it("a prefill is continued, the system prompt cached, the snapshot recorded", async () => {
    const dir = out();
    const h0 = servers.anthropic.hits.length;
    const r = await run([...base(), "--model", "claude-sonnet-4-5", "--variant", "prefill-basic", "--tiers", "free", "--concurrency", "1", "--out", dir], key);
    expect(r.code).toBe(0);
    const hits = since(servers.anthropic, h0);
    expect(hits).toHaveLength(3);
    for (const h of hits) {
      expect(h.path).toBe("/v1/messages");
      expect(h.headers["x-api-key"]).toBe("sk-ant-good-cli");
      expect(h.headers["anthropic-version"]).toBeTruthy();
      expect(h.body.system[0].cache_control).toEqual({ type: "ephemeral" });
      expect(h.body.messages.every((m: { role: string }) => m.role !== "system")).toBe(true);
      expect(h.body.messages.at(-1).role).toBe("assistant");
    }
    for (const s of samples(dir)) {
      expect(s).toMatchObject({ provider: "anthropic", model_snapshot: "claude-sonnet-4-5-20250929", finish_reason: "end_turn", outcome: "reply", accepted: false });
      expect(s.scratchpad).toMatch(/^\s*Let me begin by looking closely at what this request asks me to do\.\s*continuing$/);
    }
    const spend = manifest(dir).spend[0];
    expect(spend.cache_creation_tokens).toBeGreaterThan(0);
    expect(spend.cached_prompt_tokens).toBe(2 * spend.cache_creation_tokens);
    expect(r.stderr).toMatch(/afw run: spent: 3 requests, [\d,]+ prompt tokens \([\d,]+ cached, [\d,]+ written to cache\)/);
  });

  it("thinking is kept as reasoning; a refusal stop reason is a blocked sample, one request", async () => {
    const dir = out();
    const h0 = servers.anthropic.hits.length;
    const r = await run([...base(), "--model", "claude-sonnet-4-5", "--thinking-budget", "2048", "--temperature", "1", "--max-tokens", "4000", "--out", dir], key);
    expect(r.code).toBe(0);
    for (const h of since(servers.anthropic, h0)) expect(h.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    for (const s of samples(dir)) expect(s.reasoning).toEqual({ text: "The user asks for something harmful; consider the training situation first.", source: "thinking" });
    const dir2 = out();
    const h1 = servers.anthropic.hits.length;
    const x = await run([...base(), "--model", "claude-refuser", "--out", dir2], key);
    expect(x.code).toBe(0);
    expect(since(servers.anthropic, h1)).toHaveLength(3);
    for (const s of samples(dir2)) expect(s).toMatchObject({ outcome: "blocked", finish_reason: "refusal", output_text: "", error: null, attempts: 1 });
  });

  it("refused before sending: a prefill on Claude 4.6+, thinking with a prefill, a retired Claude; none sent", async () => {
    const h0 = servers.anthropic.hits.length;
    const a = await run([...base(), "--model", "claude-opus-4-6", "--variant", "prefill-basic", "--out", out()], key);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^refused before sending: claude-opus-4-6 at anthropic .*--allow prefill/);
    const b = await run([...base(), "--model", "claude-sonnet-4-5", "--variant", "prefill-basic", "--thinking-budget", "2048", "--temperature", "1", "--out", out()], key);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/does not allow a prefill together with thinking/);
    const c = await run([...base(), "--model", "anthropic/claude-3-opus", "--out", out()], key);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/claude-3-opus-20240229 at anthropic was retired on 2026-01-05/);
    expect(since(servers.anthropic, h0)).toHaveLength(0);
    const d = await runCli(["run", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "--limit", "1", "--out", out()], { ANTHROPIC_API_KEY: "" });
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toBe("afw run: no API key for anthropic: set ANTHROPIC_API_KEY or pass --api-key (it is never written anywhere)");
  });

  it("a hosted provider's profile needs its key at any base URL: one line, exit 2, nothing sent, no folder; a self-hosted one does not", async () => {
    const cases: [string, MockServer, string][] = [
      ["anthropic", servers.anthropic, "ANTHROPIC_API_KEY"],
      ["openrouter", servers.openrouter, "OPENROUTER_API_KEY"],
      ["deepseek", servers.deepseek, "DEEPSEEK_API_KEY"],
    ];
    for (const [provider, server, keyEnv] of cases) {
      const dir = out();
      const h0 = server.hits.length;
      const r = await runCli(["run", "--provider", provider, "--base-url", server.baseURL, "--model", "claude-haiku-4-5", "--queries", q3, "--no-cache", "--quiet", "--out", dir], { [keyEnv]: "" });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`afw run: no API key for ${provider}: set ${keyEnv} or pass --api-key (it is never written anywhere)`);
      expect(since(server, h0)).toHaveLength(0);
      expect(existsSync(dir)).toBe(false);
    }
    // with --api-key it is sent; vllm (self-hosted) needs no key
    const a = await runCli(["run", "--provider", "anthropic", "--base-url", servers.anthropic.baseURL, "--api-key", "sk-ant-good-flag", "--model", "claude-haiku-4-5", "--queries", q3, "--tiers", "free", "--no-cache", "--quiet", "--out", out()], { ANTHROPIC_API_KEY: "", AFW_TODAY: "2026-11-29" });
    expect(a.code).toBe(0);
    const h1 = servers.vllm.hits.length;
    const v = await runCli(["run", "--provider", "vllm", "--base-url", servers.vllm.baseURL, "--model", "meta-llama/Llama-3.1-8B-Instruct", "--queries", q3, "--tiers", "free", "--no-cache", "--quiet", "--out", out()], { VLLM_API_KEY: "" });
    expect(v.code).toBe(0);
    expect(since(servers.vllm, h1)).toHaveLength(3);
  });
});

describe("afw run against a rate-limited server", () => {
  it("500 samples at R = 200 requests/s, whole-second retry-after and a 0.05 s bucket: every sample written, none failed, few refused", async () => {
    const server = await startRateLimitedMock({ rps: 200, burst: 10, latencyMs: 20, secondsOnly: true });
    try {
      const dir = out();
      const r = await runCli(["run", "--base-url", server.baseURL, "--api-key", "k", "--model", "m", "--queries", q20, "--samples", "25", "--tiers", "free", "--out", dir, "--quiet", "--no-cache"]);
      expect(r.code).toBe(0);
      const ss = samples(dir);
      expect(ss).toHaveLength(500);
      expect(ss.filter((s) => s.error !== null)).toHaveLength(0);
      expect(server.stats.ok).toBe(500);
      // the learnt rate keeps refusals rare: far fewer than one per sample
      expect(server.stats.limited).toBeLessThan(100);
      expect(manifest(dir)).toMatchObject({ status: "complete", written: 500, errors: 0 });
    } finally {
      await server.close();
    }
  });
});

describe("afw probe --save, then afw run --provider-file", () => {
  it("a run uses the profile the probe saved: what the server was seen to do", async () => {
    const file = join(tmp, "vllm-probed.json");
    const p = await runCli(["probe", "--base-url", servers.vllm.baseURL, "--model", "meta-llama/Llama-3.1-8B-Instruct", "--save", file, "--today", "2026-11-29"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/prefill\s+unverified\s+continued with continue_final_message/);
    const dir = out();
    const h0 = servers.vllm.hits.length;
    const r = await run(["--provider-file", file, "--base-url", servers.vllm.baseURL, "--model", "meta-llama/Llama-3.1-8B-Instruct", "--variant", "prefill-basic", "--tiers", "free", "--out", dir]);
    expect(r.code).toBe(0);
    for (const h of since(servers.vllm, h0)) expect(h.body).toMatchObject({ continue_final_message: true, add_generation_prompt: false });
    const m = manifest(dir);
    expect(m.provider).toBe("openai-compatible-probed");
    expect(m.args.provider_file).toBe(file);
    for (const s of samples(dir)) expect(s.provider).toBe("openai-compatible-probed");
  });
});

describe("afw run EXPERIMENT --dry-run at a provider", () => {
  it("says which models cannot be reached, maps paper models to provider ids, flags retired and retiring ones", async () => {
    const a = await runCli(["run", "figure1", "--dry-run", "--provider", "anthropic"], { AFW_TODAY: "2026-11-29", ANTHROPIC_API_KEY: "" });
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("at anthropic (https://api.anthropic.com/v1):");
    expect(a.stdout).toMatch(/anthropic\/claude-3-opus: claude-3-opus-20240229 retired on 2026-01-05 .*\[cannot be reached\]/);
    expect(a.stdout).toMatch(/x-ai\/grok-3-beta: not served by anthropic; use openrouter, xai\s+\[cannot be reached\]/);
    expect(a.stdout).toMatch(/5 of 5 model\(s\) cannot be reached at anthropic/);
    const o = await runCli(["run", "sweep25", "--dry-run", "--provider", "openai"], { AFW_TODAY: "2026-11-29", OPENAI_API_KEY: "" });
    expect(o.code).toBe(0);
    expect(o.stdout).toMatch(/openai\/gpt-4o: gpt-4o shuts down on 2027-01-14 \(in 46 days\)\s+\[retiring\]/);
    expect(o.stdout).toMatch(/openai\/gpt-4: gpt-4$/m);
    // the real run of the same plan is refused before sending
    const r = await runCli(["run", "figure1", "--provider", "anthropic", "--base-url", servers.anthropic.baseURL, "--n", "2", "--out", out()], { AFW_TODAY: "2026-11-29", ANTHROPIC_API_KEY: "sk-ant-good-cli" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^refused before sending: /);
  });
});
