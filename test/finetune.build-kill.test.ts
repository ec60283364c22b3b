/**
 * A build killed with SIGKILL mid-generation resumes from its journal: no
 * call is lost or made twice for good, and the training file is byte for
 * byte the one an uninterrupted build writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDataset, getRecipe, openGenerator } from "../lib/finetune/index";
import { startOrganismServer, type OrganismServer } from "../lib/organisms/index";
import { ROOT, runCli, startCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-ft-kill-"));
let server: OrganismServer;

beforeAll(async () => {
  server = await startOrganismServer({ latencyMs: 15 });
});
afterAll(async () => server?.close());

describe("afw finetune build: SIGKILL and resume", () => {
  it("loses nothing, repeats nothing, and writes the same file as an uninterrupted build", async () => {
    const out = join(tmp, "killed");
    const args = ["finetune", "build", "qa", "--base-url", server.url, "--api-key", "sk-test-kill", "--generator", "sim-writer", "--out", out, "--size", "300", "--no-cache", "--concurrency", "4", "--quiet"];
    const first = startCli(args);
    const journal = join(out, "generations.jsonl");
    const t0 = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      const n = existsSync(journal) ? readFileSync(journal, "utf8").split("\n").length - 1 : 0;
      if (n >= 80) break;
      if (Date.now() - t0 > 40_000) throw new Error("the build made no progress");
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(out, "train.jsonl"))).toBe(false);
    const before = readFileSync(journal, "utf8").split("\n").slice(0, -1);
    expect(before.length).toBeLessThan(360);

    const second = await runCli(args);
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.calls.planned).toBe(manifest.steps.reduce((n: number, s: { calls: number }) => n + s.calls, 0));
    expect(manifest.steps[0].calls).toBe(30); // 300 examples = 30 documents × 10 questions
    expect(manifest.calls.from_journal).toBeGreaterThanOrEqual(before.length - 4);
    const recs = readFileSync(journal, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const keys = new Set(recs.map((r) => r.key));
    expect(keys.size).toBe(recs.length); // no call journalled twice
    expect(recs.length).toBe(manifest.calls.planned);
    for (const l of before) expect(recs.map((r) => JSON.stringify(r))).toContain(l);

    // the same build, never interrupted
    const endpoint = await openGenerator({ offline: false, baseURL: server.url, apiKey: "sk-test-kill", cacheDir: null, concurrency: 4 });
    try {
      const ref = await buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "qa"), out: join(tmp, "reference"), endpoint, generator: "sim-writer", size: 300 });
      expect(readFileSync(join(out, "train.jsonl"), "utf8")).toBe(readFileSync(ref.trainPath, "utf8"));
      expect(manifest.examples).toEqual(ref.manifest.examples);
    } finally {
      await endpoint.close();
    }
    // the API key went nowhere on disk
    for (const f of ["build.json", "manifest.json", "generations.jsonl", "train.jsonl"]) expect(readFileSync(join(out, f), "utf8")).not.toContain("sk-test-kill");
  });
});
