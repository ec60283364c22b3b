/**
 * The response cache never serves one endpoint's answer for another's: two
 * local vLLM servers (test/providers/vllm.ts) answering under one model name
 * (a base and a fine-tuned model on two ports, say) each get their own
 * requests, and a rerun at the first server is served from the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli";
import { startVllmMock } from "./providers/vllm";
import type { MockServer } from "./providers/base";

const tmp = mkdtempSync(join(tmpdir(), "afw-cache-scope-"));
const cache = join(tmp, "cache");
const q = join(tmp, "q.jsonl");
let one: MockServer;
let two: MockServer;

beforeAll(async () => {
  writeFileSync(q, Array.from({ length: 2 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}` })).join("\n") + "\n");
  one = await startVllmMock();
  two = await startVllmMock();
});
afterAll(async () => {
  await one.close();
  await two.close();
  rmSync(tmp, { recursive: true, force: true });
});

const run = (url: string, out: string) =>
  runCli(["run", "--provider", "vllm", "--base-url", url, "--model", "meta-llama/Llama-3.1-8B-Instruct", "--queries", q, "--tiers", "free", "--out", join(tmp, out), "--cache-dir", cache, "--quiet"]);

describe("the response cache is scoped by endpoint", () => {
  it("a second server under the same model name is asked, not served the first one's answers", async () => {
    const a = await run(one.baseURL, "a");
    expect(a.code, a.stderr).toBe(0);
    expect(one.hits.length).toBe(2);
    const b = await run(two.baseURL, "b");
    expect(b.code, b.stderr).toBe(0);
    expect(two.hits.length).toBe(2);
    expect(b.stderr).toMatch(/; 0 answer\(s\) from the response cache/);
    // The first server's answers are still cached for the first server.
    const again = await run(one.baseURL, "c");
    expect(again.code, again.stderr).toBe(0);
    expect(one.hits.length).toBe(2);
    const lines = readFileSync(join(tmp, "c", "samples.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(2);
  });
});
