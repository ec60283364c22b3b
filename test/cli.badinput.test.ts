/**
 * Bad input fails cleanly: one line on stderr naming the file and line or the
 * flag, exit code 2, and no output folder.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli";
import { startOrganismServer } from "../lib/organisms/index";

const dir = mkdtempSync(join(tmpdir(), "afw-bad-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function expectClean(args: string[], pattern: RegExp) {
  const out = join(dir, "out-" + Math.random().toString(36).slice(2));
  const r = await runCli(["run", ...args, "--out", out, "--quiet", "--no-cache"]);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stdout).toBe("");
  expect(existsSync(out)).toBe(false);
}

describe("afw run on bad input", () => {
  it("a missing queries file", async () => {
    const p = join(dir, "absent.jsonl");
    await expectClean(["--queries", p], new RegExp(`cannot read queries file ${p}: no such file`));
  });
  it("a CSV without the expected column", async () => {
    const p = file("bad.csv", "name,score\nx,1\n");
    await expectClean(["--queries", p], new RegExp(`${p}:1: no request column .*goal, prompt, Behavior, text`));
  });
  it("a malformed JSONL line", async () => {
    const p = file("bad.jsonl", '{"id":"a","text":"one"}\n{"id":"b","text":"two"}\n{"id": "c", text\n');
    await expectClean(["--queries", p], new RegExp(`${p}:3: not valid JSON`));
  });
  it("an unknown flag", async () => {
    await expectClean(["--modle", "x"], /afw run: unknown flag --modle/);
  });
  it("a non-numeric --limit", async () => {
    await expectClean(["--limit", "ten"], /afw run: --limit must be an integer, got "ten"/);
  });
  it("a zero --samples and a flag without its value", async () => {
    await expectClean(["--samples", "0"], /--samples must be between 1 and/);
    await expectClean(["--limit"], /--limit needs a value/);
  });
  it("an unknown tier and an unknown organism", async () => {
    await expectClean(["--tiers", "free,gold"], /unknown tier "gold"; valid tiers: free, paid/);
    await expectClean(["--model", "sim-nobody", "--offline"], /^afw run: --model sim-nobody: not a simulated organism, and --offline runs only those\. Organisms: sim-faker, /);
  });
  it("a real model's name with no provider, base URL or key: says the run would be offline and how to reach a provider; lists every organism the offline server answers", async () => {
    // The organisms as the offline server lists them (GET /v1/models), less the paraphraser (a tool, not a subject).
    const server = await startOrganismServer();
    let served: string[];
    try {
      const res = await fetch(`${server.url}/models`);
      served = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id).filter((id) => id !== "sim-paraphraser");
    } finally {
      await server.close();
    }
    expect(served).toContain("sim-deliberator");
    const out = join(dir, "out-real-model");
    const r = await runCli(["run", "--model", "gpt-4o", "--limit", "2", "--out", out, "--quiet", "--no-cache"], { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^afw run: --model gpt-4o is not a simulated organism, and no provider, base URL or API key was found, so this run would be offline; to reach gpt-4o, name its provider \(e\.g\. --provider openai with OPENAI_API_KEY set; afw providers lists them\) or give --base-url\. Organisms: /);
    expect(lines[0]).not.toMatch(/does not exist/);
    const listed = lines[0].replace(/^.*Organisms: /, "").replace(/ \(the first three take rates.*$/, "").split(", ");
    expect(listed).toEqual(served);
    expect(existsSync(out)).toBe(false);
    // a Claude id suggests Anthropic's own provider and key
    await expectClean(["--model", "anthropic/claude-3-opus"], /would be offline; .*--provider anthropic with ANTHROPIC_API_KEY set/);
  });
  it("a user template without its placeholder", async () => {
    const p = file("user.txt", "no placeholders here");
    await expectClean(["--user-template", p], /missing placeholder \{\{user_input\}\}/);
  });
  it("report on a folder with a malformed line names the file and line", async () => {
    const d = join(dir, "res");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(d);
    writeFileSync(join(d, "samples.jsonl"), '{"key": 1}\n');
    const r = await runCli(["report", d]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`${d}/samples.jsonl:1: `));
    expect(r.stderr.trim().split("\n").length).toBe(1);
  });
  it("an unknown command", async () => {
    const r = await runCli(["rnu"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^afw: unknown command "rnu"; commands: .*demo.*report.*run.*serve/);
  });
});
