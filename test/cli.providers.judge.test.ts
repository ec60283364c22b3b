/**
 * `node bin/afw.js judge …` (and validate-judge) against the provider mocks
 * (test/providers): votes go through the model door's callVotes (one
 * request with n where the provider takes it, one per vote where it does
 * not, learnt without reading the error's wording), every judgement records
 * the snapshot that answered, the judges' spend joins the run's in the
 * manifest, a fatal error stops judging at once (exit 3), failed judgements
 * exit 1, a refused judge request exits 2 before sending, and --judge-reads
 * makes the AF judge read the provider's hidden reasoning (a new version).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliResult } from "./helpers/cli";
import { startOpenAIMock } from "./providers/openai";
import { startAnthropicMock } from "./providers/anthropic";
import { startGeminiMock } from "./providers/gemini";
import { startVllmMock } from "./providers/vllm";
import type { MockServer } from "./providers/base";

const tmp = mkdtempSync(join(tmpdir(), "afw-cli-judge-providers-"));
const servers: Record<string, MockServer> = {};
const q = join(tmp, "q.jsonl");
/** A results folder of 3 samples from vLLM's reasoning model: scratchpads and hidden reasoning. */
const runDir = join(tmp, "run");
let n = 0;

beforeAll(async () => {
  writeFileSync(q, Array.from({ length: 3 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
  servers.openai = await startOpenAIMock();
  servers.anthropic = await startAnthropicMock();
  servers.gemini = await startGeminiMock();
  servers.vllm = await startVllmMock();
  const r = await runCli(["run", "--provider", "vllm", "--base-url", servers.vllm.baseURL, "--model", "deepseek-r1-distill-qwen-7b", "--queries", q, "--tiers", "free", "--out", runDir, "--quiet", "--no-cache"]);
  if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
});
afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the results folder, so each test judges from scratch. */
function copyRun(): string {
  const d = join(tmp, `copy-${++n}`);
  rmSync(d, { recursive: true, force: true });
  cpSync(runDir, d, { recursive: true });
  return d;
}

const judge = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(["judge", dir, "--quiet", "--no-cache", ...args], { AFW_TODAY: "2026-11-29", ...env });
const judgements = (dir: string) =>
  existsSync(join(dir, "judgements.jsonl"))
    ? readFileSync(join(dir, "judgements.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l).judgement)
    : [];
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const since = (s: MockServer, from: number) => s.hits.slice(from);

describe("afw judge through a provider", () => {
  it("Anthropic takes no n: one request per vote; the snapshot is recorded; the judge's spend joins the manifest", async () => {
    const dir = copyRun();
    const h0 = servers.anthropic.hits.length;
    const r = await judge(dir, ["--provider", "anthropic", "--base-url", servers.anthropic.baseURL, "--judge-model", "claude-sonnet-4-5", "--only", "af", "--votes", "3", "--retries", "0"], { ANTHROPIC_API_KEY: "sk-ant-good-judge" });
    expect(r.code).toBe(0);
    const hits = since(servers.anthropic, h0);
    expect(hits).toHaveLength(9); // 3 samples × 3 votes, no n
    for (const h of hits) expect(h.body.n).toBeUndefined();
    const js = judgements(dir);
    expect(js).toHaveLength(3);
    for (const j of js) expect(j).toMatchObject({ judge: "af_reasoning", judge_model: "claude-sonnet-4-5", judge_model_snapshot: "claude-sonnet-4-5-20250929" });
    const spend = manifest(dir).spend;
    expect(spend.find((x: { role: string }) => x.role === "subject")).toMatchObject({ model: "deepseek-r1-distill-qwen-7b", provider: "vllm" });
    expect(spend.find((x: { role: string }) => x.role === "judge")).toMatchObject({ model: "claude-sonnet-4-5", provider: "anthropic", requests: 9 });
    expect(r.stderr).toMatch(/afw judge: spent: 9 requests/);
  });

  it("n that comes back short is learnt once per endpoint and model (no wording read): one request with n, then one per vote", async () => {
    const dir = copyRun();
    const h0 = servers.gemini.hits.length;
    const r = await judge(dir, ["--provider", "gemini-openai", "--base-url", servers.gemini.baseURL, "--judge-model", "gemini-2.5-flash", "--only", "af", "--votes", "3", "--retries", "0"], { GEMINI_API_KEY: "gm-good" });
    expect(r.code).toBe(0);
    const hits = since(servers.gemini, h0);
    expect(hits.filter((h) => h.body.n === 3)).toHaveLength(1);
    expect(hits).toHaveLength(1 + 9);
    expect(r.stdout).toMatch(/af_reasoning\s+gemini-2\.5-flash#[0-9a-f]{8}\s+judged 3/);
  });

  it("a bad key stops judging at once: at most --concurrency requests, one line, exit 3, nothing written", async () => {
    const dir = copyRun();
    const h0 = servers.openai.hits.length;
    const r = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "gpt-4o", "--concurrency", "2"], { OPENAI_API_KEY: "sk-bad-judge" });
    expect(r.code).toBe(3);
    expect(since(servers.openai, h0).length).toBeLessThanOrEqual(2);
    const stops = r.stderr.split("\n").filter((l) => /stopped:/.test(l));
    expect(stops).toEqual([expect.stringMatching(/^afw judge: stopped: OpenAI: 401 Incorrect API key provided/)]);
    expect(judgements(dir)).toHaveLength(0);
    expect(r.stderr + r.stdout).not.toContain("sk-bad-judge");
  });

  it("judgements whose requests failed exit 1 and are retried on the next run", async () => {
    const dir = copyRun();
    const args = ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "broken-judge", "--only", "compliance", "--max-attempts", "1", "--retry-base-ms", "0"];
    const r = await judge(dir, args, { OPENAI_API_KEY: "sk-good-judge" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3 judgement\(s\) failed for good/);
    expect(r.stderr.split("\n").filter((l) => /first transient error/.test(l))).toEqual([expect.stringMatching(/^afw judge: first transient error \(openai\): 500 The server had an error/)]);
    expect(judgements(dir).every((j) => j.valid === false && j.detail.error_kind === "transient")).toBe(true);
    const h0 = servers.openai.hits.length;
    const again = await judge(dir, args, { OPENAI_API_KEY: "sk-good-judge" });
    expect(again.code).toBe(1);
    expect(since(servers.openai, h0)).toHaveLength(3);
  });

  it("a temperature-0 judge on a reasoning model is refused before sending (exit 2); the AF judge alone (temperature 1) runs", async () => {
    const dir = copyRun();
    const h0 = servers.openai.hits.length;
    const r = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "o3"], { OPENAI_API_KEY: "sk-good-judge" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^refused before sending: judge compliance with o3 at openai: o3 accepts only the default temperature \(1\)/m);
    expect(since(servers.openai, h0)).toHaveLength(0);
    const af = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "o3", "--only", "af", "--votes", "2", "--retries", "0"], { OPENAI_API_KEY: "sk-good-judge" });
    expect(af.code).toBe(0);
    for (const h of since(servers.openai, h0)) {
      expect(h.body.temperature).toBeUndefined();
      expect(h.body.max_completion_tokens).toBe(1200);
    }
    expect(judgements(dir)[0].judge_model_snapshot).toBe("o3-2025-04-16");
  });

  it("--judge-reads both puts the hidden reasoning beside the scratchpad, as a new judge version", async () => {
    const dir = copyRun();
    const h0 = servers.vllm.hits.length;
    const base = ["--provider", "vllm", "--base-url", servers.vllm.baseURL, "--judge-model", "deepseek-r1-distill-qwen-7b", "--only", "af", "--votes", "2", "--retries", "0"];
    expect((await judge(dir, base)).code).toBe(0);
    const both = await judge(dir, [...base, "--judge-reads", "both"]);
    expect(both.code).toBe(0);
    const hits = since(servers.vllm, h0);
    // vLLM takes n: one request per judged sample
    expect(hits).toHaveLength(6);
    const user = (h: (typeof hits)[number]) => h.body.messages[1].content as string;
    expect(user(hits[0])).not.toContain("<hidden_reasoning>");
    expect(user(hits[3])).toMatch(/^<scratchpad>\n[\s\S]+\n<\/scratchpad>\n\n<hidden_reasoning>\nThinking about what the user wants\.\n<\/hidden_reasoning>$/);
    expect(hits[3].body.messages[0].content).toContain("<hidden_reasoning> tags");
    const versions = new Set(judgements(dir).map((j) => j.version));
    expect(versions.size).toBe(2);
    const bad = await judge(dir, [...base, "--judge-reads", "thoughts"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('afw judge: --judge-reads must be one of scratchpad, reasoning, both, got "thoughts"');
  });

  it("--judge-reads reasoning offline: the scripted judge reads the hidden reasoning as its material", async () => {
    const dir = copyRun();
    const r = await judge(dir, ["--offline", "--only", "af", "--votes", "5", "--judge-reads", "reasoning"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/af_reasoning\s+sim-judge#[0-9a-f]{8}\s+judged 3/);
  });
});

describe("afw validate-judge through a provider", () => {
  it("a bad key stops it with exit 3 and one line", async () => {
    const labels = join(tmp, "labels.jsonl");
    expect((await runCli(["validate-judge", "--generate", "6", "--out", labels])).code).toBe(0);
    const r = await runCli(["validate-judge", labels, "--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "gpt-4o", "--votes-grid", "1", "--votes", "1", "--no-figures", "--no-cache", "--B", "10"], { OPENAI_API_KEY: "sk-bad-v", AFW_TODAY: "2026-11-29" });
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n").filter((l) => /stopped:/.test(l))).toEqual([expect.stringMatching(/^afw validate-judge: stopped: OpenAI: 401 Incorrect API key/)]);
  });
});
