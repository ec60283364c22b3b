/**
 * What a run leaves on record when things go wrong, through the real CLI
 * against the provider mocks (test/providers):
 * - one model's samples never mix endpoints: resuming a folder's gpt-4o
 *   samples at another provider is refused (one line, exit 2, nothing sent);
 *   another model at another provider may join the folder;
 * - a run killed outright (SIGKILL) leaves what it spent in the manifest
 *   (checkpointed every few seconds), and the resume adds to it;
 * - a fatal stop records its reason in the manifest;
 * - failed samples are told apart: a permanent error is not "run again".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCli } from "./helpers/cli";
import { startOpenAIMock } from "./providers/openai";
import { startOpenRouterMock } from "./providers/openrouter";
import { startRateLimitedMock, type RateLimitServer } from "./providers/ratelimit";
import type { MockServer } from "./providers/base";

const tmp = mkdtempSync(join(tmpdir(), "afw-run-record-"));
const q = (n: number) => {
  const p = join(tmp, `q${n}.jsonl`);
  writeFileSync(p, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}` })).join("\n") + "\n");
  return p;
};
let openai: MockServer;
let openrouter: MockServer;
let slow: RateLimitServer;
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const lines = (dir: string) => readFileSync(join(dir, "samples.jsonl"), "utf8").trim().split("\n").filter(Boolean);

beforeAll(async () => {
  openai = await startOpenAIMock();
  openrouter = await startOpenRouterMock();
  slow = await startRateLimitedMock({ rps: 1000, latencyMs: 400 });
});
afterAll(async () => {
  await openai.close();
  await openrouter.close();
  await slow.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("afw run keeps its record straight", () => {
  it("refuses to resume a model's samples at another endpoint; another model may join", async () => {
    const dir = join(tmp, "mixed");
    const a = await runCli(["run", "--provider", "openai", "--base-url", openai.baseURL, "--model", "gpt-4o", "--queries", q(2), "--tiers", "free", "--out", dir, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-1" });
    expect(a.code, a.stderr).toBe(0);
    const h0 = openrouter.hits.length;
    const b = await runCli(["run", "--provider", "openrouter", "--base-url", openrouter.baseURL, "--model", "gpt-4o", "--queries", q(2), "--tiers", "free", "--out", dir, "--quiet", "--no-cache"], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(b.code).toBe(2);
    const said = b.stderr.trim().split("\n").filter((l) => !/^afw run: (\d+ model\(s\)|warning:)/.test(l));
    expect(said).toEqual([expect.stringMatching(/holds gpt-4o samples from openai at http:\/\/127\.0\.0\.1:\d+\/v1; this run would ask openrouter at .*: use a new --out/)]);
    expect(openrouter.hits.length).toBe(h0);
    expect(manifest(dir).model_endpoints["gpt-4o"]).toEqual({ provider: "openai", base_url: openai.baseURL });
    // another model from another provider joins the folder, and both are on record
    const c = await runCli(["run", "--provider", "openrouter", "--base-url", openrouter.baseURL, "--model", "meta-llama/llama-3.3-70b-instruct", "--queries", q(2), "--tiers", "free", "--out", dir, "--quiet", "--no-cache"], { OPENROUTER_API_KEY: "sk-or-good" });
    expect(c.code, c.stderr).toBe(0);
    const m = manifest(dir);
    expect(m.model_endpoints["gpt-4o"].provider).toBe("openai");
    expect(Object.values(m.model_endpoints).map((e) => (e as { provider: string }).provider).sort()).toEqual(["openai", "openrouter"]);
    expect(lines(dir)).toHaveLength(4);
  });

  it("a SIGKILLed run leaves its spend on record; the resume adds to it", async () => {
    const dir = join(tmp, "killed");
    const args = ["run", "--provider", "openai", "--base-url", slow.baseURL, "--model", "gpt-4o", "--queries", q(40), "--tiers", "free", "--concurrency", "2", "--out", dir, "--quiet", "--no-cache"];
    const env = { OPENAI_API_KEY: "sk-good-2" };
    const c = startCli(args, env);
    // wait for a checkpoint: written samples and a manifest that records spend
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(join(dir, "manifest.json")) && manifest(dir).spend?.length) break;
    }
    c.child.kill("SIGKILL");
    const r1 = await c.done;
    expect(r1.signal).toBe("SIGKILL");
    const before = manifest(dir);
    expect(before.status).toBe("running");
    const spentBefore = before.spend[0].requests;
    const written = lines(dir).length;
    expect(spentBefore).toBeGreaterThan(0);
    expect(written).toBeGreaterThanOrEqual(spentBefore);
    expect(written).toBeLessThan(40);
    const r2 = await runCli(args, env);
    expect(r2.code, r2.stderr).toBe(0);
    const after = manifest(dir);
    expect(lines(dir)).toHaveLength(40);
    // every one of the 40 requests was paid for; at most the ones answered after the last checkpoint are missing
    expect(after.spend[0].requests).toBe(spentBefore + (40 - written));
    expect(after.spend[0].requests).toBeGreaterThan(40 - written);
  }, 60_000);

  it("a fatal stop records its reason; failures are told apart by kind", async () => {
    const dir = join(tmp, "fatal");
    const f = await runCli(["run", "--provider", "openai", "--base-url", openai.baseURL, "--model", "quota-x", "--queries", q(2), "--tiers", "free", "--out", dir, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-3" });
    expect(f.code).toBe(3);
    expect(manifest(dir).stop_reason).toMatch(/quota/i);
    const mixed = join(tmp, "failures");
    const r = await runCli(["run", "--provider", "openai", "--base-url", openai.baseURL, "--model", "toolong-x", "--model", "broken-x", "--queries", q(2), "--tiers", "free", "--max-attempts", "1", "--out", mixed, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-4" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 sample\(s\) failed after every retry .* the same command tries them again/);
    expect(r.stderr).toMatch(/2 sample\(s\) failed with a permanent error .* --retry-permanent redoes them/);
    expect(r.stderr).not.toMatch(/failed for good; run the same command again/);
  });
});

describe("what the provider was not sent", () => {
  it("a reasoning model run with --allow temperature records that no temperature was sent", async () => {
    const dir = join(tmp, "o3");
    const h0 = openai.hits.length;
    const r = await runCli(["run", "--provider", "openai", "--base-url", openai.baseURL, "--model", "o3", "--allow", "temperature", "--queries", q(2), "--tiers", "free", "--out", dir, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-5" });
    expect(r.code, r.stderr).toBe(0);
    for (const h of openai.hits.slice(h0)) expect(h.body.temperature).toBeUndefined();
    const samples = lines(dir).map((l) => JSON.parse(l));
    for (const s of samples) {
      expect(s.request.params.temperature).toBe(0); // what was asked
      expect(s.params_not_sent).toEqual(["temperature"]); // what was left out
    }
    expect(manifest(dir).params_not_sent).toEqual({ o3: ["temperature"] });
    expect(r.stderr).toMatch(/not sent to the provider, so its default applied: o3: temperature/);
    const rep = await runCli(["report", dir, "--no-figures"]);
    expect(rep.stdout).toMatch(/Not sent to the provider \(its default applied\): o3: temperature\./);
    // a model that takes everything records nothing
    const d2 = join(tmp, "gpt");
    expect((await runCli(["run", "--provider", "openai", "--base-url", openai.baseURL, "--model", "gpt-4o", "--queries", q(2), "--tiers", "free", "--out", d2, "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-5" })).code).toBe(0);
    expect(lines(d2).every((l) => JSON.parse(l).params_not_sent === undefined)).toBe(true);
    expect(manifest(d2).params_not_sent).toBeUndefined();
  });
});
