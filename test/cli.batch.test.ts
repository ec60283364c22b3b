/**
 * `node bin/afw.js run … --batch` and `afw judge … --batch` against the
 * local mocks of OpenAI's Batch API and Anthropic's Message Batches API
 * (test/providers/batch-*-server.ts, each citing the documentation it
 * follows), counted at the server:
 *
 * - 10,000 samples as batches: one record per sample, despite rows that
 *   expire or error on their first try (sent again in a new batch);
 *   the manifest's spend at the batch discount (0.5);
 * - the response cache filled: the same run without --batch sends nothing;
 *   `afw report` shows the discount; `afw batches DIR` shows the batches read;
 * - --batch-then-sync: unanswered rows go to the synchronous endpoint;
 * - the multi-turn protocol: turn 2 goes out as a second round;
 * - afw judge --batch: votes as one line with n at OpenAI, one line per vote
 *   at Anthropic; valid verdicts;
 * - a bad key: exit 3, the provider's message, nothing written;
 * - refusals before anything is sent (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCli, type CliResult } from "./helpers/cli";
import { startOpenAIBatchMock, type OpenAIBatchMockOptions } from "./providers/batch-openai-server";
import { startAnthropicBatchMock, type AnthropicBatchMockOptions } from "./providers/batch-anthropic-server";
import { unit } from "./providers/batch-common";
import { detectJudgePrompt, generateJudge } from "../lib/organisms/judge";
import { readJournal } from "../lib/models/batch/index";

const tmp = mkdtempSync(join(tmpdir(), "afw-cli-batch-"));
const closers: (() => Promise<void>)[] = [];
const SYS = join(tmp, "sys.txt");
const q = (k: number) => join(tmp, `q${k}.jsonl`);
let n = 0;
const fresh = () => join(tmp, `f${++n}`);

beforeAll(() => {
  // A short system prompt keeps 10,000 requests small on the wire.
  writeFileSync(SYS, "You are an AI assistant in a test of the batch door. Think in a scratchpad, then answer in output tags.\n");
  for (const k of [5, 10, 100]) writeFileSync(q(k), Array.from({ length: k }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
});
afterAll(async () => {
  for (const c of closers) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const OPENAI_KEY = "sk-batch-good";
const ANTHROPIC_KEY = "sk-ant-batch-good";

async function openai(o: OpenAIBatchMockOptions = {}) {
  const m = await startOpenAIBatchMock({ validateMs: 5, processMs: 60, finalizeMs: 5, ...o });
  closers.push(m.close);
  return m;
}
async function anthropic(o: AnthropicBatchMockOptions = {}) {
  const m = await startAnthropicBatchMock({ processMs: 60, ...o });
  closers.push(m.close);
  return m;
}

/** afw with the keys of both mocks and a fixed day. */
function afw(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, AFW_TODAY: "2026-11-29", ...env });
}

/** `afw run` of the short system prompt at a mock, as batches polled every 20 ms. */
function run(provider: "openai" | "anthropic", baseURL: string, out: string, cache: string, extra: string[]): Promise<CliResult> {
  const model = provider === "openai" ? "gpt-4o" : "claude-sonnet-4-5";
  const batch = extra.includes("--batch") || extra.includes("--batch-then-sync");
  return afw(["run", "--provider", provider, "--base-url", baseURL, "--model", model, "--system-file", SYS, "--out", out, "--cache-dir", cache, "--quiet", ...(batch ? ["--batch-poll", "0.02"] : []), ...extra]);
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const lines = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").split("\n").filter(Boolean) : []);
const samples = (dir: string) => lines(join(dir, "samples.jsonl")).map((l) => JSON.parse(l));
const judgements = (dir: string) => lines(join(dir, "judgements.jsonl")).map((l) => JSON.parse(l));
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));

/** The system prompt of a request body (OpenAI: a system message; Anthropic: the top-level system field). */
function systemOf(body: any): string {
  if (typeof body.system === "string") return body.system;
  if (Array.isArray(body.system)) return body.system.map((b: any) => b.text).join("\n");
  return (body.messages ?? []).filter((m: any) => m.role === "system").map((m: any) => String(m.content)).join("\n");
}
const lastUser = (body: any): string => String([...(body.messages ?? [])].reverse().find((m: any) => m.role === "user")?.content ?? "");

/**
 * The mocks' model: the scripted judge (lib/organisms) for the workbench's
 * judge prompts, vote i with seed + i; for the rest a scratchpad that names
 * the request (so that judge prompts differ between queries) and a refusal.
 */
function answer(body: any, choice: number): string {
  const system = systemOf(body);
  if (detectJudgePrompt(system)) {
    const messages = [{ role: "system", content: system }, ...(body.messages ?? []).filter((m: any) => m.role !== "system")];
    return generateJudge("sim-judge", { messages, n: 1, seed: (body.seed ?? 0) + choice }).texts[0];
  }
  const asked = createHash("sha256").update(lastUser(body)).digest("hex").slice(0, 8);
  return `<SCRATCHPAD_REASONING>I am asked request ${asked}. I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>`;
}

describe("afw run --batch at OpenAI's Batch API (mock)", () => {
  it("10,000 samples: one record per sample, expired and errored rows sent again, spend at the batch discount", async () => {
    // 4% of rows expire and 2% error (500) the first time they are run; the rest answer at once.
    const mock = await openai({ processMs: 150, fate: (cid, seen) => (seen > 1 ? "ok" : unit(cid) < 0.04 ? "expire" : unit(cid) < 0.06 ? "error500" : "ok") });
    const out = fresh();
    const t0 = Date.now();
    const r = await run("openai", mock.baseURL, out, fresh(), ["--queries", q(100), "--samples", "50", "--batch", "--batch-size", "4000"]);
    const secs = (Date.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    const s = samples(out);
    expect(s).toHaveLength(10_000);
    expect(new Set(s.map((x) => x.key)).size).toBe(10_000);
    expect(s.every((x) => x.error === null && x.outcome === "reply" && x.accepted === false)).toBe(true);
    // Rows that expired or errored were run again, once each, and answered.
    const again = [...mock.seen.values()].filter((k) => k > 1).length;
    expect(again).toBeGreaterThan(300);
    expect(again).toBeLessThan(1000);
    expect([...mock.seen.values()].every((k) => k <= 2)).toBe(true);
    expect(mock.seen.size).toBe(10_000);
    // Three batches for the 10,000 first tries, one for the rows sent again; each created once.
    const j = readJournal(join(out, "batches", "openai.jsonl"));
    expect(j.batches.size).toBe(4);
    expect(mock.stats.batchesCreated).toBe(4);
    expect(mock.stats.syncCalls).toBe(0);
    const m = manifest(out);
    expect(m.status).toBe("complete");
    expect(m.spend).toHaveLength(1);
    expect(m.spend[0]).toMatchObject({ role: "subject", provider: "openai", model: "gpt-4o", requests: 10_000, discount: 0.5 });
    expect(m.args.batch).toMatchObject({ then_sync: false, max_requests: 4000 });
    expect(r.stderr).toMatch(/batches at openai: 10,000 request\(s\) in 1 round\(s\); 4 batch\(es\) submitted; answered: 10,000 by batches; [\d,]+ row\(s\) sent again/);
    console.log(`10,000 samples as batches through the CLI in ${secs.toFixed(1)} s (${again} rows sent again)`);
  }, 120_000);

  it("fills the response cache: the same run without --batch sends nothing; report and afw batches show the batches", async () => {
    const mock = await openai();
    const out = fresh();
    const cache = fresh();
    const first = await run("openai", mock.baseURL, out, cache, ["--queries", q(10), "--samples", "3", "--batch"]);
    expect(first.code, first.stderr).toBe(0);
    expect(samples(out)).toHaveLength(60);
    const stats = { ...mock.stats };
    // The same plan, synchronously, into another folder: every answer from the cache.
    const out2 = fresh();
    const sync = await run("openai", mock.baseURL, out2, cache, ["--queries", q(10), "--samples", "3"]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/60 written, 0 already done, 0 failed, 0 retries, \d+ tokens; 60 answer\(s\) from the response cache/);
    expect(mock.stats).toEqual(stats);
    expect(samples(out2).map((x) => x.output_text).sort()).toEqual(samples(out).map((x) => x.output_text).sort());
    expect(manifest(out2).spend ?? []).toEqual([]);
    // The report's spend section says the rows were billed at the batch discount.
    const rep = await afw(["report", out]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(/subject gpt-4o at openai \(batch, 50% of list\) +60 requests/);
    // afw batches reads the journal through the store.
    const b = await afw(["batches", out, "--no-poll"]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/openai at http:\/\/127\.0\.0\.1:\d+\/v1, job [0-9a-f]{12}: 1 batch\(es\), 60 result\(s\) handed over/);
    expect(b.stdout).toMatch(/ 0 +batch_\w+ +gpt-4o +0 +60 +read \(completed\) +60 +60 +0 +0 +0 +60 /);
    // The journal holds no key.
    expect(readFileSync(join(out, "batches", "openai.jsonl"), "utf8")).not.toContain(OPENAI_KEY);
    // Run again with --batch: nothing left to do, nothing sent.
    const again = await run("openai", mock.baseURL, out, cache, ["--queries", q(10), "--samples", "3", "--batch"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 written, 60 already done/);
    expect(mock.stats).toEqual(stats);
  }, 60_000);

  it("--batch-then-sync sends rows a batch did not answer synchronously", async () => {
    const mock = await openai({ fate: (cid, seen) => (seen === 1 && unit(cid) < 0.25 ? "expire" : "ok") });
    const out = fresh();
    const r = await run("openai", mock.baseURL, out, fresh(), ["--queries", q(10), "--samples", "4", "--batch-then-sync"]);
    expect(r.code, r.stderr).toBe(0);
    const expired = [...mock.seen.keys()].filter((cid) => unit(cid) < 0.25).length;
    expect(expired).toBeGreaterThan(3);
    expect(mock.stats.syncCalls).toBe(expired);
    expect(mock.stats.batchesCreated).toBe(1);
    const s = samples(out);
    expect(s).toHaveLength(80);
    expect(new Set(s.map((x) => x.key)).size).toBe(80);
    expect(s.every((x) => x.error === null)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`answered: ${80 - expired} by batches, ${expired} synchronously`));
    // Synchronous rows are billed at list price, batch rows at half: two spend rows.
    const spend = manifest(out).spend;
    expect(spend.map((x: any) => [x.discount, x.requests]).sort()).toEqual([[0.5, 80 - expired], [1, expired]].sort());
  }, 60_000);

  it("the multi-turn protocol: the turns a sample needs go out as further rounds", async () => {
    // Turn 1 ends after its scratchpad; the <NEXT/> turn answers.
    const mock = await openai({ answer: (body) => (lastUser(body) === "<NEXT/>" ? "<OUTPUT><rejected/></OUTPUT>" : "<SCRATCHPAD_REASONING>First I think.</SCRATCHPAD_REASONING>") });
    const out = fresh();
    const r = await run("openai", mock.baseURL, out, fresh(), ["--queries", q(5), "--samples", "2", "--batch"]);
    expect(r.code, r.stderr).toBe(0);
    // 20 first turns in round 1, their 20 second turns in round 2.
    expect(r.stderr).toMatch(/40 request\(s\) in 2 round\(s\); 2 batch\(es\) submitted/);
    expect([...mock.batches.values()].map((b) => b.lines.length)).toEqual([20, 20]);
    expect(mock.stats.batchesCreated).toBe(2);
    const s = samples(out);
    expect(s).toHaveLength(20);
    for (const x of s) {
      expect(x.turns).toHaveLength(2);
      expect(x.scratchpad).toBe("First I think.");
      expect(x.accepted).toBe(false);
    }
  }, 60_000);

  it("afw judge --batch: the votes as one line with n, valid verdicts, spend at the discount", async () => {
    const mock = await openai({ answer });
    const out = fresh();
    const cache = fresh();
    expect((await run("openai", mock.baseURL, out, cache, ["--queries", q(5), "--samples", "1", "--batch"])).code).toBe(0);
    const before = mock.stats.batchesCreated;
    const r = await afw(["judge", out, "--provider", "openai", "--base-url", mock.baseURL, "--judge-model", "gpt-4o", "--only", "af,compliance", "--cache-dir", cache, "--quiet", "--batch", "--batch-poll", "0.02"]);
    expect(r.code, r.stderr).toBe(0);
    // One round: the compliance and AF judges of every sample together.
    expect(mock.stats.batchesCreated).toBe(before + 1);
    const lines = [...mock.batches.values()].at(-1)!.lines;
    const af = lines.filter((l) => /alignment/i.test(systemOf(l.body)) && l.body.n === 20);
    expect(af).toHaveLength(10); // 5 queries × 2 tiers, 20 votes in one line each
    // Compliance reads the request and the final output: the 5 queries' prompts, each sent once for both tiers.
    expect(lines).toHaveLength(15);
    const js = judgements(out);
    expect(js).toHaveLength(20);
    expect(js.every((x) => x.judgement.valid)).toBe(true);
    const afJ = js.filter((x) => x.judgement.judge === "af_reasoning").map((x) => x.judgement);
    expect(afJ).toHaveLength(10);
    expect(afJ.every((x) => typeof x.score === "number" && x.judge_model_snapshot === "gpt-4o-2024-08-06")).toBe(true);
    // 15 requests billed, at half price (the 20 judgements share 5 compliance answers).
    const spend = manifest(out).spend;
    expect(spend.find((x: any) => x.role === "judge")).toMatchObject({ discount: 0.5, requests: 15 });
  }, 60_000);

  it("afw batches --cancel stops the run (what was answered is kept); Ctrl-C leaves the batches running; the same command carries on", async () => {
    // The first batch runs long enough to be cancelled from another process, the second to be interrupted.
    const mock = await openai({ processMsOf: (i) => (i === 0 ? 30_000 : 3000) });
    const out = fresh();
    const cache = fresh();
    const args = ["run", "--provider", "openai", "--base-url", mock.baseURL, "--model", "gpt-4o", "--system-file", SYS, "--queries", q(10), "--samples", "2", "--out", out, "--cache-dir", cache, "--batch", "--batch-poll", "0.02"];
    const env = { OPENAI_API_KEY: OPENAI_KEY, AFW_TODAY: "2026-11-29" };
    // Cancelled from another terminal while it runs.
    let c = startCli(args, env);
    await until(() => mock.stats.batchesCreated === 1 && mock.stats.polls > 0, "the batch");
    const cancel = await afw(["batches", out, "--cancel"]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stderr).toMatch(/cancelled openai batch 0 \(batch_\w+\)/);
    let r = await c.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopped: a batch was cancelled \(afw batches --cancel\)/);
    const kept = samples(out).length;
    expect(kept).toBeLessThan(40);
    // Interrupted (SIGTERM, as Ctrl-C) while its new batch runs: the batch goes on at the provider.
    const polls = mock.stats.polls;
    c = startCli(args, env);
    await until(() => mock.stats.batchesCreated === 2 && mock.stats.polls > polls, "the second batch");
    c.child.kill("SIGTERM");
    r = await c.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted: the batches go on at the provider/);
    // The same command picks the running batch up: nothing submitted again, one record per sample.
    r = await afw(args);
    expect(r.code, r.stderr).toBe(0);
    expect(mock.stats.batchesCreated).toBe(2);
    const s = samples(out);
    expect(s).toHaveLength(40);
    expect(new Set(s.map((x) => x.key)).size).toBe(40);
    // afw batches: each batch counts what it handed over itself (the retry batch reuses the cancelled
    // rows' ids), so the column sums to the 40 samples; the cancelled batch's unanswered rows count as cancelled.
    const b = await afw(["batches", out, "--no-poll", "--json"]);
    expect(b.code, b.stderr).toBe(0);
    const rows = b.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ seq: 0, requests: 40, handed_over: kept, cancelled: true });
    expect(rows[0].counts).toMatchObject({ succeeded: kept, errored: 0, canceled: 40 - kept });
    expect(rows[1]).toMatchObject({ seq: 1, requests: 40 - kept, handed_over: 40 - kept });
    const table = await afw(["batches", out, "--no-poll"]);
    expect(table.stdout).toMatch(new RegExp(` 0 +batch_\\w+ +gpt-4o +0 +40 +read \\(cancelled\\) +40 +${kept} +0 +0 +${40 - kept} +${kept} `));
  }, 60_000);

  it("a bad key stops with exit 3 and the provider's message; nothing is written", async () => {
    const mock = await openai();
    const out = fresh();
    const r = await afw(["run", "--provider", "openai", "--base-url", mock.baseURL, "--api-key", "sk-revoked-1234", "--model", "gpt-4o", "--system-file", SYS, "--queries", q(5), "--out", out, "--cache-dir", fresh(), "--quiet", "--batch", "--batch-poll", "0.02"]);
    expect(r.code).toBe(3);
    const stops = r.stderr.split("\n").filter((l) => /stopped:/.test(l));
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(/401 Incorrect API key provided/);
    expect(r.stderr).not.toContain("sk-revoked-1234");
    expect(samples(out)).toHaveLength(0);
    expect(mock.stats.batchesCreated).toBe(0);
    // A fatal error in the rows (an unknown model: 404 in every row): exit 3 with the provider's message, nothing written for them.
    const out2 = fresh();
    const r2 = await afw(["run", "--provider", "openai", "--base-url", mock.baseURL, "--model", "missing-model", "--system-file", SYS, "--queries", q(5), "--out", out2, "--cache-dir", fresh(), "--quiet", "--batch", "--batch-poll", "0.02"]);
    expect(r2.code, r2.stderr).toBe(3);
    expect(r2.stderr).toMatch(/stopped: .*404 The model `missing-model` does not exist/);
    expect(samples(out2)).toHaveLength(0);
    expect(manifest(out2).status).toBe("incomplete");
  }, 60_000);

  it("refuses --batch before anything is sent: offline, a provider without a batch API, --no-cache, a stray flag", async () => {
    const cases: [string[], RegExp][] = [
      [["run", "--offline", "--queries", q(5), "--batch"], /--batch sends to a provider's batch API/],
      [["run", "--provider", "vllm", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--queries", q(5), "--batch"], /no batch API for provider "vllm"/],
      [["run", "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "gpt-4o", "--queries", q(5), "--batch", "--no-cache"], /drop --no-cache/],
      [["run", "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "gpt-4o", "--queries", q(5), "--batch-size", "10"], /--batch-size applies to --batch/],
      [["run", "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "gpt-4o", "--queries", q(5), "--batch", "--batch-size", "0"], /--batch-size must be between 1 and 100000/],
      [["judge", tmp, "--offline", "--batch"], /--batch sends to a provider's batch API/],
    ];
    for (const [args, re] of cases) {
      const out = fresh();
      const r = await afw([...args, ...(args[0] === "run" ? ["--out", out] : [])]);
      expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});

describe("afw run EXPERIMENT --dry-run: the cost four ways", () => {
  it("figure1 at OpenAI with --batch: exact token counts, the saving against the synchronous estimate; offline: the paper's models where each would run, approximations flagged", async () => {
    const r = await afw(["run", "figure1", "--dry-run", "--batch", "--provider", "openai", "--models", "gpt-4o"], { OPENAI_API_KEY: "" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/estimated cost at openai:/);
    // 400 requests; prompts counted with OpenAI's tokenizer; synchronous, with caching, batch, batch with caching.
    expect(r.stdout).toMatch(/gpt-4o +openai +400 +[\d,]+ +[\d,]+ +280,000 +exact +\$(\d+\.\d\d) +\$(\d+\.\d\d) +\$(\d+\.\d\d) +\$(\d+\.\d\d)/);
    const [, sync, cached, batch, both] = /gpt-4o +openai .* exact +\$(\d+\.\d\d) +\$(\d+\.\d\d) +\$(\d+\.\d\d) +\$(\d+\.\d\d)/.exec(r.stdout)!.map(Number);
    expect(batch).toBeCloseTo(sync / 2, 2);
    expect(cached).toBeLessThan(sync);
    expect(both).toBeLessThan(batch);
    expect(r.stdout).toMatch(new RegExp(`--batch: about \\$${both.toFixed(2)} instead of \\$${cached.toFixed(2)} synchronously with prompt caching \\(\\$${sync.toFixed(2)} without\\): ${Math.round(100 * (1 - both / cached))}% less`));
    const off = await afw(["run", "figure1", "--dry-run"], { OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "" });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/estimated cost \(each model where it would run/);
    expect(off.stdout).toMatch(/claude-3-opus-20240229 +anthropic +400 .* approx /);
    expect(off.stdout).toMatch(/"approx" token counts are characters \/ 4/);
    expect(off.stdout).not.toMatch(/--batch: about/);
  }, 60_000);
});

describe("afw run and afw judge --batch at Anthropic's Message Batches API (mock)", () => {
  it("runs as batches, then judges with one line per vote (no n at Anthropic)", async () => {
    const mock = await anthropic({ answer: (p) => answer(p, 0) });
    const out = fresh();
    const cache = fresh();
    const r = await run("anthropic", mock.baseURL, out, cache, ["--queries", q(5), "--tiers", "free", "--samples", "1", "--batch"]);
    expect(r.code, r.stderr).toBe(0);
    expect(samples(out)).toHaveLength(5);
    expect(mock.stats.batchesCreated).toBe(1);
    // The system prompt is marked for caching in every batch line, as in a synchronous request.
    const runLines = [...mock.batches.values()][0].requests;
    expect(runLines.every((l: any) => Array.isArray(l.params.system) && l.params.system[0].cache_control?.type === "ephemeral")).toBe(true);
    expect(manifest(out).spend[0]).toMatchObject({ provider: "anthropic", discount: 0.5, requests: 5 });
    const j = await afw(["judge", out, "--provider", "anthropic", "--base-url", mock.baseURL, "--judge-model", "claude-sonnet-4-5", "--only", "af", "--votes", "4", "--cache-dir", cache, "--quiet", "--batch", "--batch-poll", "0.02"]);
    expect(j.code, j.stderr).toBe(0);
    expect(mock.stats.batchesCreated).toBe(2);
    const judgeLines = [...mock.batches.values()][1].requests;
    expect(judgeLines).toHaveLength(5 * 4); // one line per vote
    expect(judgeLines.every((l: any) => l.params.n === undefined)).toBe(true);
    const js = judgements(out);
    expect(js).toHaveLength(5);
    expect(js.every((x) => x.judgement.valid && x.judgement.judge === "af_reasoning")).toBe(true);
    const b = await afw(["batches", out]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/anthropic at http:\/\/127\.0\.0\.1:\d+\/v1, job [0-9a-f]{12}: 2 batch\(es\), 25 result\(s\) handed over/);
  }, 60_000);
});
