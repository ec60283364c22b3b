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
import { loadRun, writeResultsFolder } from "../lib/store";
import type { RunManifest } from "../lib/schema";

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
    // the mock answers in the subject's format, not with AF verdicts: 3 written, none a valid verdict (judged = valid, as in the report)
    expect(r.stdout).toMatch(/af_reasoning\s+gemini-2\.5-flash#[0-9a-f]{8}\s+judged 0, invalid 3, requests failed 0/);
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

describe("blocked samples and failed judge requests (QA pass)", () => {
  /** 3 samples of the vLLM run and 3 that Anthropic's refusal classifier blocked (stop_reason "refusal", empty content), in one folder. */
  let mixed = "";
  let m = 0;
  beforeAll(async () => {
    const refused = join(tmp, "refused");
    const r = await runCli(["run", "--provider", "anthropic", "--base-url", servers.anthropic.baseURL, "--model", "claude-refuser", "--queries", q, "--tiers", "free", "--out", refused, "--quiet", "--no-cache"], { ANTHROPIC_API_KEY: "sk-ant-good-run" });
    if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
    const a = await loadRun(runDir);
    const b = await loadRun(refused);
    expect(b.samples.map((x) => [x.outcome, x.final_output, x.error])).toEqual(Array(3).fill(["blocked", "", null]));
    mixed = join(tmp, "mixed");
    const manifest = { ...(a.manifest as RunManifest), models: [...a.manifest!.models, "claude-refuser"], planned: 6, written: 6 };
    await writeResultsFolder(mixed, { manifest, samples: [...a.samples, ...b.samples] });
  });
  const copyMixed = () => {
    const d = join(tmp, `mixed-${++m}`);
    cpSync(mixed, d, { recursive: true });
    return d;
  };
  const emptyOutput = /<final_output>\s*<\/final_output>/;

  it("no judge reads a blocked sample: the dry run counts them blocked, afw judge sends nothing for them, the report counts them apart", async () => {
    const dir = copyMixed();
    const env = { ANTHROPIC_API_KEY: "sk-ant-good-judge" };
    const plan = await judge(dir, ["--dry-run", "--provider", "anthropic", "--judge-model", "claude-sonnet-4-5", "--votes", "2"]);
    expect(plan.code, plan.stderr).toBe(0);
    // judge  to judge  done  blocked  n/a  votes  requests
    expect(plan.stdout).toMatch(/^compliance\s+3\s+0\s+3\s+0\s+1\s+3\s/m);
    expect(plan.stdout).toMatch(/^partial_compliance\s+3\s+0\s+3\s+0\s+1\s+3\s/m);
    expect(plan.stdout).toMatch(/^af_reasoning\s+3\s+0\s+3\s+0\s+2\s+6\s/m);
    const h0 = servers.anthropic.hits.length;
    const r = await judge(dir, ["--provider", "anthropic", "--base-url", servers.anthropic.baseURL, "--judge-model", "claude-sonnet-4-5", "--only", "compliance,partial", "--retries", "0"], env);
    expect(r.code, r.stderr).toBe(0);
    const hits = since(servers.anthropic, h0);
    expect(hits).toHaveLength(6); // 3 replies × 2 judges; none of the 3 blocked samples
    for (const h of hits) expect(JSON.stringify(h.body.messages)).not.toMatch(emptyOutput);
    expect(r.stdout).toMatch(/compliance\s+claude-sonnet-4-5#[0-9a-f]{8}\s+judged 0, invalid 3, requests failed 0, skipped 0, blocked 3, n\/a 0/);
    const written = judgements(dir);
    expect(written).toHaveLength(6);
    const rep = await runCli(["report", dir, "--no-figures"]);
    expect(rep.code, rep.stderr).toBe(0);
    // samples tags% judge% [CI] judged invalid failed blocked
    expect(rep.stdout).toMatch(/claude-refuser\s+baseline\s+free\s+3\s+0\.0\s+n\/a\s+\[\s*n\/a,\s+n\/a\]\s+0\s+0\s+0\s+3\s/);
    expect(rep.stdout).toContain("Blocked by provider: 3 sample(s) had nothing to judge");
    const json = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    expect(json.judges.compliance.find((x: { model: string }) => x.model === "claude-refuser")).toMatchObject({ n: 3, blocked: 3, judged: 0, invalid: 0, failed: 0 });
    expect(json.judges.blocked).toBe(3);
  });

  it("failed judge requests are reported as failed, not as replies that did not parse; the summary and the report give the same counts", async () => {
    const dir = copyMixed();
    const broken = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "broken-j", "--only", "compliance", "--max-attempts", "1", "--retry-base-ms", "0"], { OPENAI_API_KEY: "sk-good-judge" });
    expect(broken.code).toBe(1);
    // the banner names the judges and says nothing of AF votes when the AF judge does not run
    expect(broken.stderr).toMatch(/^afw judge: \S+ with broken-j at \S+: compliance$/m);
    expect(broken.stderr).not.toMatch(/AF vote/);
    // replies that arrive but never parse: gpt-4o at the mock answers in the subject's format
    const unparsed = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "gpt-4o", "--only", "partial", "--retries", "0"], { OPENAI_API_KEY: "sk-good-judge" });
    expect(unparsed.code).toBe(0);
    const summary = (out: string, j: string) => {
      const x = new RegExp(`^\\s+${j}\\s+\\S+\\s+judged (\\d+), invalid (\\d+), requests failed (\\d+), skipped \\d+, blocked (\\d+)`, "m").exec(out);
      expect(x, out).not.toBeNull();
      return { judged: +x![1], invalid: +x![2], failed: +x![3], blocked: +x![4] };
    };
    const sc = summary(broken.stdout, "compliance");
    const sp = summary(unparsed.stdout, "partial_compliance");
    expect(sc).toEqual({ judged: 0, invalid: 0, failed: 3, blocked: 3 });
    expect(sp).toEqual({ judged: 0, invalid: 3, failed: 0, blocked: 3 });
    const json = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout).judges;
    const { rate: _c, ...rc } = json.invalid_rates.compliance;
    const { rate: _p, ...rp } = json.invalid_rates.partial_compliance;
    expect({ ...rc, blocked: json.blocked }).toEqual(sc);
    expect({ ...rp, blocked: json.blocked }).toEqual(sp);
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    // failed requests apart from replies that did not parse
    expect(text).toMatch(/Invalid judge replies \(did not parse after retries[^\n]*\n\s+partial_compliance\s+3 of 3 replies \(100\.0%\)\n\n/);
    expect(text).toMatch(/Judge requests that failed \(no reply arrived[^\n]*\n\s+compliance\s+requests failed: 3, retried on the next afw judge/);
    expect(text).not.toMatch(/^\s+compliance\s+\d+ of \d+ replies/m);
    // the per-cell rows add up to the same counts
    expect(text).toMatch(/deepseek-r1-distill-qwen-7b\s+baseline\s+free\s+3\s+[\d.]+\s+n\/a\s+\[\s*n\/a,\s+n\/a\]\s+0\s+0\s+3\s+0\s/);
  });

  it("the AF judge's votes are in the banner when it runs", async () => {
    const dir = copyMixed();
    const r = await judge(dir, ["--provider", "openai", "--base-url", servers.openai.baseURL, "--judge-model", "gpt-4o", "--only", "af", "--votes", "2", "--retries", "0"], { OPENAI_API_KEY: "sk-good-judge" });
    expect(r.stderr).toMatch(/^afw judge: \S+ with gpt-4o at \S+: af_reasoning, 2 AF vote\(s\)$/m);
    const all = await judge(dir, ["--offline", "--votes", "3"]);
    expect(all.stderr).toMatch(/^afw judge: \S+ with sim-judge \(offline[^)]*\), 3 AF vote\(s\)$/m);
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
