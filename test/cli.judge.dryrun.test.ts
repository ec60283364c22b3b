/**
 * `afw judge DIR --dry-run`: what judging a folder would send and cost,
 * with nothing sent and no key. Its request counts are checked against the
 * requests a real `afw judge` then sends to the provider mocks (OpenAI takes
 * n: one request per sample for the 20 AF votes; Anthropic takes none: one
 * per vote), what is already judged is left out as a rerun leaves it out,
 * and bad input is one line, exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli";
import { startOpenAIMock } from "./providers/openai";
import { startAnthropicMock } from "./providers/anthropic";
import type { MockServer } from "./providers/base";

const tmp = mkdtempSync(join(tmpdir(), "afw-judge-dry-"));
const runDir = join(tmp, "run");
let openai: MockServer;
let anthropic: MockServer;
let copies = 0;
const N = 12; // 6 queries × 2 tiers, one sample each

beforeAll(async () => {
  const q = join(tmp, "q.jsonl");
  writeFileSync(q, Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const r = await runCli(["run", "--offline", "--model", "sim-faker", "--queries", q, "--out", runDir, "--quiet", "--no-cache"]);
  if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
  rmSync(tmp, { recursive: true, force: true });
});

function copyRun(): string {
  const d = join(tmp, `copy-${++copies}`);
  cpSync(runDir, d, { recursive: true });
  return d;
}

/** The plan table's row for a judge: [to judge, done, blocked, n/a, votes, requests, without n]. */
function row(stdout: string, judge: string): string[] {
  const line = stdout.split("\n").find((l) => l.startsWith(`${judge} `));
  if (!line) throw new Error(`no row for ${judge} in:\n${stdout}`);
  return line.trim().split(/\s+/).slice(1);
}
const num = (s: string) => Number(s.replace(/,/g, ""));

describe("afw judge --dry-run", () => {
  it("at OpenAI: sends nothing, needs no key, and announces the requests a real judge run then sends (n for the votes)", async () => {
    const dir = copyRun();
    const ep = ["--provider", "openai", "--base-url", openai.baseURL, "--judge-model", "gpt-4o", "--only", "af,compliance,partial"];
    const h0 = openai.hits.length;
    const dry = await runCli(["judge", dir, "--dry-run", ...ep], { OPENAI_API_KEY: "" });
    expect(dry.code, dry.stderr).toBe(0);
    expect(openai.hits.length).toBe(h0);
    const af = row(dry.stdout, "af_reasoning");
    expect(af.map(num)).toEqual([N, 0, 0, 0, 20, N, 20 * N]);
    const comp = row(dry.stdout, "compliance");
    expect(comp.slice(0, 6).map(num)).toEqual([N, 0, 0, 0, 1, N]);
    expect(dry.stdout).toMatch(/estimated cost at openai:/);
    // The AF row's output tokens: N samples × 20 votes × the guess of 450 a vote.
    expect(dry.stdout).toMatch(new RegExp(`gpt-4o · af_reasoning\\s+openai\\s+${N}\\s+[\\d,]+\\s+[\\d,]+\\s+${(N * 20 * 450).toLocaleString("en-US")}\\s+exact`));
    const predicted = num(af[5]) + num(comp[5]) + num(row(dry.stdout, "partial_compliance")[5]);

    const real = await runCli(["judge", dir, "--quiet", "--no-cache", "--retries", "0", ...ep], { OPENAI_API_KEY: "sk-good-judge" });
    expect(real.code, real.stderr).toBe(0);
    expect(openai.hits.length - h0).toBe(predicted);
    expect(openai.hits.slice(h0).filter((h) => h.body.n === 20)).toHaveLength(N);

    // Judged now: a rerun skips it all, and so does the plan.
    const again = await runCli(["judge", dir, "--dry-run", ...ep]);
    expect(again.code).toBe(0);
    expect(row(again.stdout, "af_reasoning").slice(0, 2).map(num)).toEqual([0, N]);
    expect(again.stdout).toMatch(/estimated cost: nothing left to judge/);
  });

  it("at Anthropic (no n): one request per vote, as the real run sends; --batch prints the saving", async () => {
    const dir = copyRun();
    const ep = ["--provider", "anthropic", "--base-url", anthropic.baseURL, "--judge-model", "claude-sonnet-4-5", "--only", "af", "--votes", "3"];
    const dry = await runCli(["judge", dir, "--dry-run", "--batch", ...ep]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(row(dry.stdout, "af_reasoning").map(num)).toEqual([N, 0, 0, 0, 3, 3 * N, 3 * N]);
    expect(dry.stdout).toMatch(/--batch: about \$[\d.]+ instead of \$[\d.]+ synchronously with prompt caching .*: 50% less/);
    const h0 = anthropic.hits.length;
    const real = await runCli(["judge", dir, "--quiet", "--no-cache", "--retries", "0", ...ep], { ANTHROPIC_API_KEY: "sk-ant-good-judge" });
    expect(real.code, real.stderr).toBe(0);
    expect(anthropic.hits.length - h0).toBe(3 * N);
  });

  it("the motives judge, which reads other verdicts, is counted as a range and priced at most", async () => {
    const dir = copyRun();
    const dry = await runCli(["judge", dir, "--dry-run", "--provider", "openai", "--base-url", openai.baseURL, "--judge-model", "gpt-4o", "--only", "motives"]);
    expect(dry.code, dry.stderr).toBe(0);
    const m = row(dry.stdout, "motives");
    const [now, most] = m[0].includes("–") ? m[0].split("–").map(num) : [num(m[0]), num(m[0])];
    expect(now).toBeLessThanOrEqual(most);
    expect(most).toBe(N); // every sample has a scratchpad
    expect(num(m[5])).toBe(most);
  });

  it("offline it prices nothing; bad input is one line, exit 2", async () => {
    const off = await runCli(["judge", runDir, "--dry-run"]);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/the scripted judge costs nothing/);
    const bad = await runCli(["judge", join(tmp, "nowhere"), "--dry-run"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/is not a results folder/)]);
    const noModel = await runCli(["judge", runDir, "--dry-run", "--provider", "openai"]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr.trim()).toMatch(/--judge-model is required/);
  });
});
