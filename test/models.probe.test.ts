/**
 * `afw probe` against each provider mock: it must report what that server
 * does (not what its profile assumes), save a profile a run can load, and
 * stop with one line and exit code 3 when the endpoint refuses the key.
 * Also `afw providers`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listProfiles, loadProfileFile, ModelClient, RETIREMENTS } from "../lib/models";
import { checkBatch, endpointOptions } from "../lib/cli/args";
import { runCli } from "./helpers/cli";
import { startOpenAIMock } from "./providers/openai";
import { startAnthropicMock } from "./providers/anthropic";
import { startGeminiMock } from "./providers/gemini";
import { startOpenRouterMock } from "./providers/openrouter";
import { startVllmMock } from "./providers/vllm";
import { startDeepSeekMock } from "./providers/deepseek";
import type { MockServer } from "./providers/base";

const dir = mkdtempSync(join(tmpdir(), "afw-probe-"));
const servers: Record<string, MockServer> = {};

beforeAll(async () => {
  servers.openai = await startOpenAIMock();
  servers.anthropic = await startAnthropicMock();
  servers.gemini = await startGeminiMock();
  servers.openrouter = await startOpenRouterMock();
  servers.vllm = await startVllmMock();
  servers.deepseek = await startDeepSeekMock();
});
afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
});

/** The probe's table row for a feature: [profile says, endpoint does, verdict]. */
function row(stdout: string, feature: string): string {
  const line = stdout.split("\n").find((l) => l.trimStart().startsWith(feature));
  if (!line) throw new Error(`no "${feature}" row in:\n${stdout}`);
  return line.replace(/\s+/g, " ").trim();
}

describe("afw probe", () => {
  it("vLLM: learns n, continue_final_message, message.reasoning and the flat error body; saves a loadable profile", async () => {
    const save = join(dir, "vllm.json");
    const r = await runCli(["probe", "--base-url", servers.vllm.baseURL, "--model", "deepseek-r1-distill-qwen-7b", "--provider", "vllm", "--save", save, "--today", "2026-11-29"]);
    expect(r.code).toBe(0);
    expect(row(r.stdout, "n")).toBe("n unknown n=2 gave 2 choices [learnt]");
    expect(row(r.stdout, "prefill")).toBe("prefill continue-final-message continued with continue_final_message [ok]");
    expect(row(r.stdout, "reasoning")).toBe("reasoning reasoning, reasoning_content, think_tag reasoning [ok]");
    expect(row(r.stdout, "error body")).toMatch(/^error body flat flat \(404 "The model `afw-probe-no-such-model` does not exist\."\) \[ok\]$/);
    expect(row(r.stdout, "temperature 0")).toBe("temperature 0 accepted accepted [ok]");
    expect(r.stdout).toMatch(/cost: \d+ requests, \d+ prompt \+ \d+ completion tokens, unpriced/);
    const saved = loadProfileFile(save);
    expect(saved).toMatchObject({ name: "vllm-probed", prefill: "continue-final-message", maxN: null, probed_at: "2026-11-29", errorShape: "flat" });
    expect(saved.reasoning[0]).toBe("reasoning");
    // a run can use it
    const c = new ModelClient({ baseURL: servers.vllm.baseURL, apiKey: "x", provider: saved });
    const res = await c.call("meta-llama/Llama-3.1-8B-Instruct", { api: "chat", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "<SCRATCHPAD_REASONING>" }], params: { temperature: 0, max_tokens: 20 } }, 0);
    expect(res.error).toBeNull();
    expect(res.provider).toBe("vllm-probed");
  });

  it("OpenAI: a reasoning model needs max_completion_tokens and rejects temperature 0; no prefill; OpenAI error body; the cost", async () => {
    const r = await runCli(["probe", "--base-url", servers.openai.baseURL, "--model", "o3", "--provider", "openai", "--api-key", "sk-good-probe"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/answered as o3-2025-04-16/);
    // refusals the model rules predict are [ok], and their text says so (no advice meant for a run)
    expect(row(r.stdout, "token limit")).toMatch(/^token limit max_completion_tokens \(model rule\) max_completion_tokens only \(max_tokens refused, as the model rule says: 400 Unsupported parameter: 'max_tokens' .*\) \[ok\]$/);
    expect(row(r.stdout, "temperature 0")).toMatch(/^temperature 0 rejected \(model rule\) rejected, as the model rule says \(400 Unsupported value: 'temperature' does not support 0 .*\) \[ok\]$/);
    expect(r.stdout).not.toMatch(/would be refused|fix the parameter/);
    expect(row(r.stdout, "prefill")).toMatch(/^prefill none not continued \(trailing turn: new turn\) \[ok\]$/);
    expect(row(r.stdout, "error body")).toMatch(/^error body openai openai \(404 /);
    expect(r.stdout).toMatch(/cost: \d+ requests, \d+ prompt \+ \d+ completion tokens, \$0\.\d{6} \(table 2026-11-29 \(unverified\)\)/);
  });

  it("each row's mark agrees with what the profile and the rules predict: an unpredicted refusal of max_tokens differs", async () => {
    // The generic profile expects max_tokens (the OpenAI reasoning-model token rule is OpenAI's own); this server refuses it for o3.
    const r = await runCli(["probe", "--base-url", servers.openai.baseURL, "--model", "o3", "--api-key", "sk-good-probe"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/as openai-compatible/);
    expect(row(r.stdout, "token limit")).toMatch(/^token limit max_tokens max_completion_tokens only \(max_tokens refused: 400 Unsupported parameter: 'max_tokens'.*\) \[differs\]$/);
    // the temperature rule of OpenAI's reasoning models holds wherever they are served
    expect(row(r.stdout, "temperature 0")).toMatch(/^temperature 0 rejected \(model rule\) rejected, as the model rule says .*\[ok\]$/);
  });

  it("Anthropic: a prefill refusal the rules predict (Claude 4.6+) is [ok], and the saved profile keeps the provider's own prefill mode", async () => {
    const save = join(dir, "anthropic-opus46.json");
    const r = await runCli(["probe", "--base-url", servers.anthropic.baseURL, "--model", "claude-opus-4-6", "--provider", "anthropic", "--save", save, "--today", "2026-11-29"], { ANTHROPIC_API_KEY: "sk-ant-good-probe" });
    expect(r.code).toBe(0);
    expect(row(r.stdout, "prefill")).toMatch(/^prefill refused \(model rule\) refused, as the model rule says \(400 This model does not support assistant message prefill\..*\) \[ok\]$/);
    expect(r.stdout).not.toMatch(/differs|run without prefill/);
    expect(loadProfileFile(save).prefill).toBe("trailing-assistant");
  });

  it("Anthropic: continues a trailing assistant turn, no n, Anthropic error body", async () => {
    const r = await runCli(["probe", "--base-url", servers.anthropic.baseURL, "--model", "claude-sonnet-4-5", "--provider", "anthropic"], { ANTHROPIC_API_KEY: "sk-ant-good-probe" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/answered as claude-sonnet-4-5-20250929/);
    expect(row(r.stdout, "prefill")).toBe("prefill trailing-assistant continued as a trailing assistant turn [ok]");
    expect(row(r.stdout, "n")).toMatch(/the Messages API has no n/);
    expect(row(r.stdout, "error body")).toMatch(/^error body anthropic anthropic \(404 "model: afw-probe-no-such-model"\) \[ok\]$/);
    expect(r.stdout).toMatch(/\$0\.\d{6} \(table 2026-11-29\)/);
  });

  it("Gemini: the error array body", async () => {
    const r = await runCli(["probe", "--base-url", servers.gemini.baseURL, "--model", "gemini-2.5-flash", "--provider", "gemini-openai", "--api-key", "gm-good-probe"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/as gemini-openai/);
    expect(row(r.stdout, "error body")).toMatch(/^error body gemini-array gemini-array \(404 /);
  });

  it("OpenRouter: learns that this upstream continues prefills; reasoning fields; OpenRouter's own cost", async () => {
    const r = await runCli(["probe", "--base-url", servers.openrouter.baseURL, "--model", "deepseek/deepseek-r1", "--provider", "openrouter", "--api-key", "sk-or-good"]);
    expect(r.code).toBe(0);
    expect(row(r.stdout, "prefill")).toBe("prefill unverified continued as a trailing assistant turn [learnt]");
    expect(row(r.stdout, "reasoning")).toBe("reasoning reasoning, reasoning_details reasoning [ok]");
    expect(row(r.stdout, "error body")).toMatch(/^error body openrouter openrouter \(400 "afw-probe-no-such-model is not a valid model ID"\) \[ok\]$/);
    expect(r.stdout).toMatch(/\(provider\)/);
  });

  it("OpenRouter --provider-order: every probe request carries the pin, --save keeps it, and a run with that --provider-file sends and records it", async () => {
    const save = join(dir, "openrouter-together.json");
    const h0 = servers.openrouter.hits.length;
    const r = await runCli(["probe", "--provider", "openrouter", "--base-url", servers.openrouter.baseURL, "--model", "deepseek/deepseek-r1", "--provider-order", "Together", "--save", save, "--today", "2026-11-29"], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/answered as deepseek\/deepseek-r1 by Together\), pinned to Together \(no fallbacks\)/);
    const probeHits = servers.openrouter.hits.slice(h0);
    expect(probeHits.length).toBeGreaterThanOrEqual(5);
    for (const h of probeHits) expect(h.body.provider).toEqual({ order: ["Together"], allow_fallbacks: false });
    const saved = loadProfileFile(save);
    expect(saved).toMatchObject({ name: "openrouter-probed", providerOrder: ["Together"], prefill: "trailing-assistant", errorShape: "openrouter" });
    expect(saved.notes[0]).toMatch(/pinned to Together \(no fallbacks\), answered by Together/);

    const out = join(dir, "run-pinned");
    const h1 = servers.openrouter.hits.length;
    const run = await runCli(["run", "--provider-file", save, "--base-url", servers.openrouter.baseURL, "--model", "deepseek/deepseek-r1", "--variant", "prefill-basic", "--tiers", "free", "--limit", "2", "--no-cache", "--quiet", "--out", out], { OPENROUTER_API_KEY: "sk-or-good", AFW_TODAY: "2026-11-29" });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/continues a prefill/); // the probed profile knows
    const runHits = servers.openrouter.hits.slice(h1);
    expect(runHits).toHaveLength(2);
    for (const h of runHits) expect(h.body.provider).toEqual({ order: ["Together"], allow_fallbacks: false });
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).provider_order).toEqual(["Together"]);

    // a pin is for a router only; a pin in a file for a profile that takes none is refused
    const bad = await runCli(["probe", "--provider", "openai", "--base-url", servers.openai.baseURL, "--model", "gpt-4o", "--provider-order", "Together", "--api-key", "sk-good-1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("afw probe: --provider-order pins the upstream of a router (openrouter), not openai");
    const f = join(dir, "bad-pin.json");
    writeFileSync(f, JSON.stringify({ base: "vllm", providerOrder: ["Together"] }));
    expect(() => loadProfileFile(f)).toThrow(/"providerOrder" pins the upstream of a router \(openrouter\), not vllm/);
  });

  it("DeepSeek: prefix continuation and reasoning_content", async () => {
    const r = await runCli(["probe", "--base-url", servers.deepseek.baseURL, "--model", "deepseek-reasoner", "--provider", "deepseek", "--api-key", "ds-good"]);
    expect(r.code).toBe(0);
    expect(row(r.stdout, "prefill")).toBe("prefill prefix continued with prefix: true [ok]");
    expect(row(r.stdout, "reasoning")).toBe("reasoning reasoning_content reasoning_content [ok]");
  });

  it("a refused key: one line, exit code 3, nothing saved", async () => {
    const save = join(dir, "never.json");
    const r = await runCli(["probe", "--base-url", servers.openai.baseURL, "--model", "gpt-4o", "--provider", "openai", "--api-key", "sk-wrong-key-123456", "--save", save]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(/OpenAI: 401 Incorrect API key provided/);
    expect(r.stderr + r.stdout).not.toContain("sk-wrong-key-123456");
    expect(() => readFileSync(save)).toThrow();
  });

  it("bad input: one line, exit 2", async () => {
    const r = await runCli(["probe", "--base-url", "ftp://x", "--model", "m"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('afw probe: --base-url must start with http:// or https://, got "ftp://x"');
    const r2 = await runCli(["probe", "--base-url", servers.vllm.baseURL, "--model", "m", "--provider", "nope"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toMatch(/^unknown provider "nope"; known: openai, anthropic, /);
  });
});

describe("afw providers", () => {
  it("lists every profile and shows one in full", async () => {
    const r = await runCli(["providers"]);
    expect(r.code).toBe(0);
    for (const name of ["openai", "anthropic", "anthropic-openai", "gemini-openai", "xai", "openrouter", "together", "deepinfra", "deepseek", "vllm", "llamacpp", "openai-compatible"]) {
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, "m"));
    }
    const one = await runCli(["providers", "vllm"]);
    expect(one.stdout).toMatch(/prefill\s+continue-final-message/);
    expect(one.stdout).toMatch(/source: https:\/\/docs\.vllm\.ai/);
  });

  it("the batch column and a profile's batch line say what afw run --batch does: xai and together have an API the workbench does not drive", async () => {
    const r = await runCli(["providers"]);
    const header = r.stdout.split("\n")[0].split(/\s{2,}/);
    const col = header.indexOf("batch");
    expect(col).toBeGreaterThan(0);
    const shown = new Map(r.stdout.split("\n").slice(1).filter((l) => /^[a-z]/.test(l) && !l.startsWith("afw ") && !l.startsWith("batch:")).map((l) => [l.split(/\s{2,}/)[0], l.split(/\s{2,}/)[col]]));
    expect(shown.size).toBe(listProfiles().length);
    for (const p of listProfiles()) {
      const ep = endpointOptions("run", { provider: p.name, "base-url": "http://127.0.0.1:9/v1", "api-key": "k" }, {});
      let refusal = "";
      try {
        checkBatch("run", ep, {});
      } catch (e) {
        refusal = (e as Error).message;
      }
      const expected = refusal === "" ? "yes" : /has a batch API/.test(refusal) ? "not here" : "no";
      expect(shown.get(p.name), p.name).toBe(expected);
    }
    expect(shown.get("xai")).toBe("not here");
    expect(shown.get("together")).toBe("not here");
    expect(r.stdout).toMatch(/not here = the provider has one, but the workbench drives batches only at openai and anthropic/);
    const xai = await runCli(["providers", "xai"]);
    expect(xai.stdout).toMatch(/batch API\s+xAI has one \(about half price\), but the workbench drives batches only at openai and anthropic: --batch is refused here/);
    expect(xai.stdout).not.toMatch(/batch API: yes/);
    const openai = await runCli(["providers", "openai"]);
    expect(openai.stdout).toMatch(/batch API\s+yes \(about half price\); afw run and afw judge --batch use it/);
    const json = JSON.parse((await runCli(["providers", "--json"])).stdout) as { name: string; batch: boolean; batch_here: boolean }[];
    expect(json.filter((p) => p.batch).map((p) => [p.name, p.batch_here])).toEqual([["openai", true], ["anthropic", true], ["xai", false], ["together", false]]);
    const refused = await runCli(["run", "--provider", "xai", "--base-url", "http://127.0.0.1:9/v1", "--model", "grok-3", "--batch"], { XAI_API_KEY: "k" });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe("afw run: --batch: xai has a batch API, but the workbench drives batches only at openai and anthropic; run without --batch");
  });

  it("--retired lists the retirement dates as of a day", async () => {
    const r = await runCli(["providers", "--retired", "--today", "2026-11-29"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/anthropic\s+2026-01-05\s+retired\s+claude-3-opus\*/);
    expect(r.stdout).toMatch(/openai\s+2027-01-14\s+retiring\s+gpt-4o /);
    // cites the vendors' public deprecation pages, never a path outside the repository
    expect(r.stdout).not.toMatch(/\.\.\/|anchors|shared\/docs/);
    for (const src of new Set(RETIREMENTS.map((x) => x.source))) expect(r.stdout).toContain(`  ${src}  (`);
    expect(r.stdout).toMatch(/^  https:\/\/developers\.openai\.com\/api\/docs\/deprecations  \(openai 2026-10-23, openai 2026-12-11, openai 2027-01-14\)$/m);
    expect(r.stdout).toMatch(/^  https:\/\/platform\.claude\.com\/docs\/en\/about-claude\/model-deprecations  \(/m);
  });
});
