/**
 * `node bin/afw.js run … --batch` killed with SIGKILL while submitting (the
 * second batch's create has reached the server, its answer has not reached
 * the command) and again while polling, then the same command run to the
 * end, at both batch mocks: no batch is created twice (counted at the
 * server), no record is written twice, every sample has its record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { startCli } from "./helpers/cli";
import { startOpenAIBatchMock } from "./providers/batch-openai-server";
import { startAnthropicBatchMock } from "./providers/batch-anthropic-server";
import { readJournal } from "../lib/models/batch/index";

const tmp = mkdtempSync(join(tmpdir(), "afw-cli-batch-kill-"));
const closers: (() => Promise<void>)[] = [];
const SYS = join(tmp, "sys.txt");
const Q = join(tmp, "q100.jsonl");

beforeAll(() => {
  writeFileSync(SYS, "You are an AI assistant in a test of the batch door. Think in a scratchpad, then answer in output tags.\n");
  writeFileSync(Q, Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
});
afterAll(async () => {
  for (const c of closers) await c();
  rmSync(tmp, { recursive: true, force: true });
});

async function until(cond: () => boolean, what: string, ms = 40_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const recordLines = (dir: string) => (existsSync(join(dir, "samples.jsonl")) ? readFileSync(join(dir, "samples.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);

for (const provider of ["openai", "anthropic"] as const) {
  describe(`${provider}: afw run --batch killed while submitting and while polling`, () => {
    it("the same command resumes: no batch created twice, one record per sample", async () => {
      let current: ChildProcess | null = null;
      let killedAtCreate = false;
      const hooks = {
        processMs: 4000,
        createDelayMs: 300,
        // The second create: the batch exists at the server, the answer never reaches the command.
        onCreate: (k: number) => {
          if (k === 2 && current && !killedAtCreate) {
            killedAtCreate = true;
            current.kill("SIGKILL");
          }
        },
      };
      const mock = provider === "openai" ? await startOpenAIBatchMock({ validateMs: 5, finalizeMs: 5, ...hooks }) : await startAnthropicBatchMock(hooks);
      closers.push(mock.close);
      const out = join(tmp, provider);
      const model = provider === "openai" ? "gpt-4o" : "claude-sonnet-4-5";
      // 100 queries × 2 tiers × 10 samples = 2,000 samples, in batches of 500.
      const args = ["run", "--provider", provider, "--base-url", mock.baseURL, "--model", model, "--system-file", SYS, "--queries", Q, "--samples", "10", "--out", out, "--cache-dir", join(tmp, `cache-${provider}`), "--quiet", "--batch", "--batch-size", "500", "--batch-poll", "0.05"];
      const env = { OPENAI_API_KEY: "sk-batch-good", ANTHROPIC_API_KEY: "sk-ant-batch-good", AFW_TODAY: "2026-11-29" };

      // 1. Killed while submitting.
      let c = startCli(args, env);
      current = c.child;
      const r1 = await c.done;
      expect(r1.signal).toBe("SIGKILL");
      expect(mock.stats.batchesCreated).toBe(2);
      const j1 = readJournal(join(out, "batches", `${provider}.jsonl`));
      expect(j1.batches.size).toBe(4);
      expect([...j1.batches.values()].filter((b) => b.batchId).length).toBe(1);

      // 2. Killed while polling (every batch created, none ended yet).
      c = startCli(args, env);
      current = c.child;
      await until(() => mock.stats.batchesCreated >= 4, "the other batches");
      const polls = mock.stats.polls;
      await until(() => mock.stats.polls >= polls + 4, "polls");
      c.child.kill("SIGKILL");
      const r2 = await c.done;
      expect(r2.signal).toBe("SIGKILL");
      expect(mock.stats.batchesCreated).toBe(4);
      // (On a slow machine the first batches may have ended and been read before the kill: their records are kept, once.)
      const mid = recordLines(out);
      expect(new Set(mid.map((x) => x.key)).size).toBe(mid.length);

      // 3. The same command to the end.
      c = startCli(args, env);
      current = c.child;
      const r3 = await c.done;
      expect(r3.code, r3.stderr).toBe(0);
      expect(mock.stats.batchesCreated).toBe(4);
      const recs = recordLines(out);
      expect(recs).toHaveLength(2000);
      expect(new Set(recs.map((x) => x.key)).size).toBe(2000);
      expect(recs.every((x) => x.error === null)).toBe(true);
      // The batch whose create answer was lost was found again with the provider's list, not created anew.
      const j = readJournal(join(out, "batches", `${provider}.jsonl`));
      expect([...j.batches.values()].every((b) => b.downloaded)).toBe(true);
      expect(new Set([...j.batches.values()].map((b) => b.batchId)).size).toBe(4);
      expect(readFileSync(join(out, "batches", `${provider}.jsonl`), "utf8")).toMatch(/"found":true/);
      // Each row was run once at the server.
      expect([...mock.seen.values()].every((k) => k === 1)).toBe(true);
      expect(mock.seen.size).toBe(2000);
    }, 90_000);
  });
}
