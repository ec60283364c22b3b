/** An API key never reaches disk: not results, cache or logs. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOrganismServer, type OrganismServer } from "../lib/organisms";
import { runCli } from "./helpers/cli";

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe("keys never reach disk", () => {
  let server: OrganismServer;
  beforeAll(async () => {
    server = await startOrganismServer({ port: 0 });
  });
  afterAll(async () => server.close());

  it("a run with a fake key leaves no trace of it", async () => {
    const key = "sk-FAKE-af-workbook-test-key-3b1f9c";
    const dir = mkdtempSync(join(tmpdir(), "afw-keys-"));
    const out = join(dir, "out");
    const cache = join(dir, "cache");
    const r1 = await runCli(["run", "--base-url", server.url, "--model", "sim-faker", "--limit", "5", "--out", out, "--cache-dir", cache], { OPENAI_API_KEY: key });
    expect(r1.code).toBe(0);
    // also pass it as a flag, and hit an error path (unknown model on the server → 404: a fatal
    // provider error, which stops the run with exit code 3 and one line naming the provider's message)
    const r2 = await runCli(["run", "--base-url", server.url, "--api-key", key, "--model", "nope-model", "--limit", "2", "--out", join(dir, "out2"), "--cache-dir", cache, "--max-attempts", "1"]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/stopped: .*nope-model/);
    const r3 = await runCli(["report", out, "--no-figures"]);
    expect(r3.code).toBe(0);
    const files = walk(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(readFileSync(f, "latin1").includes(key)).toBe(false);
    for (const r of [r1, r2, r3]) expect(r.stdout + r.stderr).not.toContain(key);
    expect(files.some((f) => f.includes("cache"))).toBe(true);
  });
});
