/**
 * Provider profiles, model rules, retirements, the plan check and the
 * request bodies each provider gets. Expected values are written out by
 * hand from the providers' documentation (cited in lib/models/providers.ts).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAnthropicBody,
  buildOpenAIBody,
  checkRequest,
  getProfile,
  inferProvider,
  listProfiles,
  loadProfileFile,
  modelTraits,
  normaliseModelId,
  parseProfile,
  retirementOf,
} from "../lib/models";
import type { Request } from "../lib/schema";

const req = (params: Partial<Request["params"]> = {}, prefill?: string): Request => ({
  api: "chat",
  messages: [
    { role: "system", content: "SYS" },
    { role: "user", content: "Q" },
    ...(prefill !== undefined ? [{ role: "assistant" as const, content: prefill }] : []),
  ],
  params: { temperature: 0, max_tokens: 100, ...params } as Request["params"],
});
const TODAY = "2026-11-29";

describe("profiles", () => {
  it("has every provider the issue names, each with its facts", () => {
    const names = listProfiles().map((p) => p.name);
    expect(names).toEqual(["openai", "anthropic", "anthropic-openai", "gemini-openai", "xai", "openrouter", "together", "deepinfra", "deepseek", "vllm", "llamacpp", "openai-compatible"]);
    expect(getProfile("anthropic")).toMatchObject({ wire: "anthropic", maxN: 1, prefill: "trailing-assistant", temperature: { max: 1 } });
    expect(getProfile("vllm").prefill).toBe("continue-final-message");
    expect(getProfile("deepseek").prefill).toBe("prefix");
    expect(getProfile("openai").prefill).toBe("none");
    expect(getProfile("openrouter")).toMatchObject({ upstreamField: true, costField: true, pinnable: true });
    expect(() => getProfile("nope")).toThrow(/^unknown provider "nope"; known: openai, /);
  });

  it("is inferred from the base URL; anything unknown or local is the generic profile", () => {
    expect(inferProvider("https://api.openai.com/v1").name).toBe("openai");
    expect(inferProvider("https://api.anthropic.com/v1").name).toBe("anthropic");
    expect(inferProvider("https://generativelanguage.googleapis.com/v1beta/openai/").name).toBe("gemini-openai");
    expect(inferProvider("https://openrouter.ai/api/v1").name).toBe("openrouter");
    expect(inferProvider("https://api.deepseek.com/beta").name).toBe("deepseek");
    expect(inferProvider("https://api.together.xyz/v1").name).toBe("together");
    expect(inferProvider("https://api.deepinfra.com/v1/openai").name).toBe("deepinfra");
    expect(inferProvider("https://api.x.ai/v1").name).toBe("xai");
    expect(inferProvider("http://127.0.0.1:8000/v1").name).toBe("openai-compatible");
    expect(inferProvider("not a url").name).toBe("openai-compatible");
  });

  it("reads a saved profile file, refusing bad fields with one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "afw-prof-"));
    const good = join(dir, "p.json");
    writeFileSync(good, JSON.stringify({ base: "vllm", name: "my-vllm", maxN: 4, prefill: "trailing-assistant" }));
    expect(loadProfileFile(good)).toMatchObject({ name: "my-vllm", wire: "openai", maxN: 4, prefill: "trailing-assistant", errorShape: "flat" });
    expect(() => parseProfile({ prefill: "sometimes" }, "f.json")).toThrow('f.json: "prefill" must be one of trailing-assistant, continue-final-message, prefix, unverified, none');
    expect(() => parseProfile({ maxN: 0 }, "f.json")).toThrow('f.json: "maxN" must be a positive integer or null');
    expect(() => parseProfile([], "f.json")).toThrow("f.json: expected a JSON object");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{nope");
    expect(() => loadProfileFile(bad)).toThrow(/^--provider-file .*bad\.json: not JSON/);
    expect(() => loadProfileFile(join(dir, "missing.json"))).toThrow(/cannot read \(ENOENT\)/);
  });
});

describe("model rules", () => {
  it("normalises router ids", () => {
    expect(normaliseModelId("anthropic/claude-3.5-sonnet-20240620")).toBe("claude-3-5-sonnet-20240620");
    expect(normaliseModelId("openai/gpt-4.1-mini")).toBe("gpt-4-1-mini");
  });

  it("knows the reasoning models, the Claude prefill cut-off and inline thinkers", () => {
    expect(modelTraits("openai", "o3-mini")).toMatchObject({ tokenParam: "max_completion_tokens", temperature: "default-only", reasoningEffort: true });
    expect(modelTraits("openai", "gpt-5-nano")).toMatchObject({ tokenParam: "max_completion_tokens", temperature: "default-only" });
    expect(modelTraits("openai", "gpt-5.1")).toMatchObject({ temperatureWithoutReasoning: true });
    expect(modelTraits("openai", "gpt-4o")).toMatchObject({ tokenParam: null, temperature: "any" });
    // at OpenRouter the token parameter is its own, but the temperature limit is the model's
    expect(modelTraits("openrouter", "openai/o3")).toMatchObject({ tokenParam: null, temperature: "default-only" });
    expect(modelTraits("anthropic", "claude-sonnet-4-5-20250929").prefill).toBe(true);
    expect(modelTraits("anthropic", "claude-sonnet-4-6").prefill).toBe(false);
    expect(modelTraits("anthropic", "claude-opus-4-7")).toMatchObject({ prefill: false, temperature: "none" });
    expect(modelTraits("openrouter", "anthropic/claude-opus-4.6").prefill).toBe(false);
    expect(modelTraits("anthropic", "claude-3-opus-20240229").prefill).toBe(true);
    expect(modelTraits("vllm", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B").thinkTag).toBe(true);
    expect(modelTraits("deepseek", "deepseek-reasoner").temperature).toBe("ignored");
    expect(modelTraits("deepseek", "deepseek/deepseek-r1").temperature).toBe("ignored");
    // DeepSeek's API documents the ignored temperature; the open weights elsewhere take it
    for (const [provider, model] of [["vllm", "deepseek-r1-distill-qwen-7b"], ["vllm", "deepseek-ai/DeepSeek-R1"], ["openrouter", "deepseek/deepseek-r1"], ["together", "deepseek-ai/DeepSeek-R1"], ["openai-compatible", "deepseek-reasoner"]]) {
      expect(modelTraits(provider, model).temperature, `${model} at ${provider}`).toBe("any");
    }
    expect(modelTraits("openrouter", "deepseek/deepseek-r1").thinkTag).toBe(true);
  });

  it("dates retirements as of a day (anthropic direct, and through a router by the id's vendor)", () => {
    expect(retirementOf(["anthropic"], "claude-3-opus-20240229", TODAY)).toMatchObject({ state: "retired", date: "2026-01-05" });
    expect(retirementOf([], "anthropic/claude-3.5-sonnet", TODAY)).toMatchObject({ state: "retired", date: "2025-10-28" });
    expect(retirementOf(["openai"], "gpt-4o-2024-11-20", TODAY)).toMatchObject({ state: "retiring", date: "2027-01-14", days: 46 });
    expect(retirementOf(["openai"], "gpt-5-nano", TODAY)).toMatchObject({ state: "retiring", days: 12 });
    expect(retirementOf(["openai"], "gpt-4o", "2027-01-15")).toMatchObject({ state: "retired" });
    expect(retirementOf(["openai"], "gpt-4o", "2026-01-01")).toBeNull(); // more than 180 days ahead
    expect(retirementOf(["openai"], "claude-3-opus-20240229", TODAY)).toBeNull(); // not served there
    expect(retirementOf(["anthropic"], "claude-sonnet-4-5", TODAY)).toBeNull();
  });
});

describe("checkRequest", () => {
  it("refuses temperature 0 on a reasoning model, with the override dropping it", () => {
    const c = checkRequest(getProfile("openai"), "o3", req(), { today: TODAY });
    expect(c.ok).toBe(false);
    expect(c.override).toBe("temperature");
    expect(c.refusal).toBe(
      "o3 accepts only the default temperature (1): temperature 0 cannot be honoured; choose a non-reasoning model, set temperature 1, or --allow temperature to send none (the run is then at temperature 1)",
    );
    const allowed = checkRequest(getProfile("openai"), "o3", req(), { today: TODAY, allow: ["temperature"] });
    expect(allowed).toMatchObject({ ok: true, dropTemperature: true });
    expect(allowed.warnings).toEqual([
      expect.stringMatching(/^o3 shuts down at openai on 2026-12-11 \(in 12 days\)/),
      "overridden (--allow temperature): o3 accepts only the default temperature (1): temperature 0 cannot be honoured",
    ]);
    expect(checkRequest(getProfile("openai"), "o3", req({ temperature: 1 }), { today: TODAY })).toMatchObject({ ok: true, dropTemperature: true });
    expect(checkRequest(getProfile("openai"), "gpt-5.1", req(), { today: TODAY, reasoningEffort: "none" }).ok).toBe(true);
  });

  it("refuses a prefill where it cannot be continued, and says what to do", () => {
    const c = checkRequest(getProfile("openai"), "gpt-4o", req({}, "<SCRATCHPAD_REASONING>"), { today: TODAY });
    expect(c.refusal).toMatch(/^openai cannot continue an assistant prefill \("<SCRATCHPAD_REASONING>"\): the model would answer a new turn instead; use a provider that continues prefills/);
    expect(checkRequest(getProfile("anthropic"), "claude-sonnet-4-6", req({}, "<S>"), { today: TODAY }).refusal).toMatch(/^claude-sonnet-4-6 rejects any request that ends on an assistant turn/);
    expect(checkRequest(getProfile("anthropic"), "claude-sonnet-4-5", req({}, "<S>"), { today: TODAY }).ok).toBe(true);
    expect(checkRequest(getProfile("vllm"), "m", req({}, "<S>"), { today: TODAY }).ok).toBe(true);
    const unverified = checkRequest(getProfile("openrouter"), "meta-llama/llama-3.1-405b-instruct", req({}, "<S>"), { today: TODAY });
    expect(unverified.ok).toBe(true);
    expect(unverified.warnings[0]).toBe(
      "openrouter: whether meta-llama/llama-3.1-405b-instruct continues a prefill depends on the upstream and is not documented; pin one and probe it first (afw probe --provider openrouter --provider-order NAME --model meta-llama/llama-3.1-405b-instruct --save FILE), then run with --provider-file FILE (the pin comes with it)",
    );
    expect(checkRequest(getProfile("xai"), "grok-3", req({}, "<S>"), { today: TODAY }).warnings[0]).toMatch(/^xai: whether grok-3 continues a prefill is not documented; run afw probe --provider xai --model grok-3 --save FILE first/);
    expect(checkRequest(getProfile("deepseek"), "deepseek-chat", req({}, "<S>"), { today: TODAY, baseURL: "https://api.deepseek.com" }).warnings[0]).toMatch(/needs the beta base URL/);
  });

  it("refuses a retired model and completions where there is no completions endpoint; warns on n beyond the provider's maximum", () => {
    expect(checkRequest(getProfile("anthropic"), "claude-3-opus-20240229", req(), { today: TODAY })).toMatchObject({ ok: false, override: "retired" });
    expect(checkRequest(getProfile("anthropic"), "claude-3-opus-20240229", req(), { today: TODAY, allow: ["retired"] }).ok).toBe(true);
    const comp: Request = { api: "completions", prompt: "Once", params: { temperature: 1, max_tokens: 5 } };
    expect(checkRequest(getProfile("gemini-openai"), "gemini-2.5-flash", comp, { today: TODAY }).refusal).toMatch(/^gemini-openai has no completions endpoint/);
    expect(checkRequest(getProfile("anthropic"), "claude-sonnet-4-5", req({ n: 5, temperature: 1 }), { today: TODAY }).warnings).toContain("anthropic takes at most n=1, 5 asked: one request per vote");
    expect(checkRequest(getProfile("anthropic"), "claude-sonnet-4-5", req({ temperature: 1.5 }), { today: TODAY }).refusal).toBe("anthropic accepts temperature up to 1, got 1.5; lower it");
  });
});

describe("request bodies", () => {
  it("OpenAI reasoning model: max_completion_tokens, reasoning_effort, no temperature", () => {
    const p = getProfile("openai");
    const b = buildOpenAIBody(p, modelTraits("openai", "o3"), "o3", req({ temperature: 1, top_p: 0.9 }), { dropTemperature: true, reasoningEffort: "low" });
    expect(b).toEqual({ model: "o3", messages: [{ role: "system", content: "SYS" }, { role: "user", content: "Q" }], max_completion_tokens: 100, reasoning_effort: "low" });
    expect(b.temperature).toBeUndefined();
    expect(b.top_p).toBeUndefined();
  });

  it("vLLM continue_final_message, DeepSeek prefix, OpenRouter pin and reasoning object", () => {
    const v = buildOpenAIBody(getProfile("vllm"), modelTraits("vllm", "m"), "m", req({ n: 3, seed: 7 }, "<S>"));
    expect(v).toMatchObject({ continue_final_message: true, add_generation_prompt: false, max_tokens: 100, n: 3, seed: 7, temperature: 0 });
    expect((v.messages as unknown[]).at(-1)).toEqual({ role: "assistant", content: "<S>" });
    const d = buildOpenAIBody(getProfile("deepseek"), modelTraits("deepseek", "deepseek-chat"), "deepseek-chat", req({ seed: 7 }, "<S>"));
    expect((d.messages as unknown[]).at(-1)).toEqual({ role: "assistant", content: "<S>", prefix: true });
    expect(d.seed).toBeUndefined(); // DeepSeek takes no seed
    expect(d.continue_final_message).toBeUndefined();
    const o = buildOpenAIBody(getProfile("openrouter"), modelTraits("openrouter", "x/y"), "x/y", req(), { providerOrder: ["Together", "DeepInfra"], reasoningEffort: "high" });
    expect(o).toMatchObject({ provider: { order: ["Together", "DeepInfra"], allow_fallbacks: false }, reasoning: { effort: "high" }, max_tokens: 100 });
    // a message's stored `ref` never reaches the wire
    const slim: Request = { api: "chat", messages: [{ role: "system", content: "S", ref: "abc" }, { role: "user", content: "Q" }], params: { temperature: 0, max_tokens: 5 } };
    expect((buildOpenAIBody(getProfile("vllm"), modelTraits("vllm", "m"), "m", slim).messages as unknown[])[0]).toEqual({ role: "system", content: "S" });
  });

  it("Anthropic: system on top with cache_control, turns as messages, prefill last", () => {
    const b = buildAnthropicBody("claude-sonnet-4-5", req({ top_p: 0.5 }, "<S>"));
    expect(b).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: [{ type: "text", text: "SYS", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: "Q" },
        { role: "assistant", content: "<S>" },
      ],
      temperature: 0,
      top_p: 0.5,
    });
    expect(buildAnthropicBody("m", req(), { promptCache: false }).system).toBe("SYS");
  });
});
