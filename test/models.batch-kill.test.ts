/**
 * A batch job killed with SIGKILL while submitting (between "create sent"
 * and "id recorded"), while polling and while downloading, then started
 * again with the same call: no batch is created twice (counted at the
 * server) and every request gets exactly one result.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJournal } from "../lib/models/batch/index";
import { startAnthropicBatchMock } from "./providers/batch-anthropic-server";
import { startOpenAIBatchMock } from "./providers/batch-openai-server";

const ROOT = join(__dirname, "..");
const CHILD = join(__dirname, "providers", "batch-child.ts");
const tmp = mkdtempSync(join(tmpdir(), "afw-batch-kill-"));
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

function start(opts: object): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(opts)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (b) => (stdout += b));
  child.stderr!.on("data", (b) => (stderr += b));
  return { child, done: new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}

const lines = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").split("\n").filter(Boolean) : []);
const count = (p: string, t: string) => lines(p).filter((l) => l.includes(`"t":"${t}"`)).length;

async function until(cond: () => boolean, what: string, ms = 40_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const provider of ["openai", "anthropic"] as const) {
  describe(`${provider}: SIGKILL while submitting, polling and downloading`, () => {
    it("resumes with the same call: no batch created twice, one result per request", async () => {
      const d = mkdtempSync(join(tmp, provider));
      const journal = join(d, "batches.jsonl");
      const out = join(d, "results.jsonl");
      let current: ChildProcess | null = null;
      let killedAtCreate = false;
      const hooks = {
        processMs: 3000,
        createDelayMs: 300,
        // the second create: the batch exists at the server, the answer never reaches the client
        onCreate: (n: number) => {
          if (n === 2 && current && !killedAtCreate) {
            killedAtCreate = true;
            current.kill("SIGKILL");
          }
        },
        download: { chunkBytes: 4096, delayMs: 15 },
      };
      const mock = provider === "openai" ? await startOpenAIBatchMock(hooks) : await startAnthropicBatchMock(hooks);
      closers.push(mock.close);
      const opts = {
        provider,
        baseURL: mock.baseURL,
        apiKey: provider === "openai" ? "sk-batch-good" : "sk-ant-batch-good",
        journal,
        out,
        n: 1000,
        model: provider === "openai" ? "gpt-4o" : "claude-sonnet-4-5",
        pollMs: 20,
        maxRequests: 250,
        cacheDir: join(d, "cache"),
      };

      // 1. killed between "create sent" and "id recorded"
      let run = start(opts);
      current = run.child;
      let r = await run.done;
      expect(r.signal).toBe("SIGKILL");
      expect(killedAtCreate).toBe(true);
      expect(count(journal, "plan")).toBe(4); // every batch planned before anything was uploaded
      expect(count(journal, "created")).toBe(1);
      expect(count(journal, "creating")).toBe(2);
      expect(mock.stats.batchesCreated).toBe(2);

      // 2. killed while polling
      run = start(opts);
      current = run.child;
      await until(() => count(journal, "created") === 4, "four created batches");
      const pollsBefore = mock.stats.polls;
      await until(() => mock.stats.polls >= pollsBefore + 4, "polls");
      run.child.kill("SIGKILL");
      r = await run.done;
      expect(r.signal).toBe("SIGKILL");
      expect(lines(out).length).toBeLessThan(1000);
      expect(count(journal, "downloaded")).toBeLessThan(4);
      expect(mock.stats.batchesCreated).toBe(4);
      expect(readJournal(journal).batches.get(1)!.batchId).not.toBeNull();
      expect(lines(journal).some((l) => l.includes('"found":true'))).toBe(true);

      // 3. killed while downloading (slow downloads)
      run = start(opts);
      current = run.child;
      await until(() => lines(out).length >= 100, "the first results", 60_000);
      run.child.kill("SIGKILL");
      r = await run.done;
      expect(r.signal).toBe("SIGKILL");
      const partial = lines(out).length;
      expect(partial).toBeLessThan(1000);

      // 4. the same call to the end
      run = start(opts);
      current = run.child;
      r = await run.done;
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
      expect(summary.stopped).toBe("done");
      expect(summary.submitted).toBe(0);
      const keys = lines(out).map((l) => JSON.parse(l).key as string);
      expect(keys).toHaveLength(1000);
      expect(new Set(keys).size).toBe(1000);
      // no batch created twice: 4 at the server, 4 in the journal, each id once
      expect(mock.stats.batchesCreated).toBe(4);
      const j = readJournal(journal);
      expect(j.batches.size).toBe(4);
      expect(new Set([...j.batches.values()].map((b) => b.batchId)).size).toBe(4);
      if (provider === "openai") expect((mock as Awaited<ReturnType<typeof startOpenAIBatchMock>>).stats.uploads).toBe(4);
      // each row went to the provider once
      expect([...mock.seen.values()].every((n) => n === 1)).toBe(true);
      expect(mock.seen.size).toBe(1000);
    }, 150_000);
  });
}
