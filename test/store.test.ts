import { describe, expect, it } from "vitest";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactSamples, repairTail, scanSamples, sampleKey } from "../lib/store";
import { requestSeed } from "../lib/pipeline";

const tmp = () => mkdtempSync(join(tmpdir(), "afw-store-"));
const line = (key: string, error: string | null, extra = "") => JSON.stringify({ key, error, extra }) + "\n";

describe("samples store", () => {
  it("cuts a torn last line and keeps every complete one", () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + line("b", null) + '{"key":"c","err');
    expect(repairTail(p)).toBe('{"key":"c","err'.length);
    expect(readFileSync(p, "utf8")).toBe(line("a", null) + line("b", null));
    expect(repairTail(p)).toBe(0);
  });
  it("cuts a torn line longer than the read chunk, and a file with no newline at all", () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + "x".repeat(200_000));
    expect(repairTail(p)).toBe(200_000);
    expect(readFileSync(p, "utf8")).toBe(line("a", null));
    writeFileSync(p, "partial");
    expect(repairTail(p)).toBe(7);
    expect(readFileSync(p, "utf8")).toBe("");
  });
  it("scans done and failed keys; a later success clears a failure", async () => {
    const d = tmp();
    writeFileSync(join(d, "samples.jsonl"), line("a", null) + line("b", "HTTP 500") + line("c", "timeout") + line("c", null));
    const s = await scanSamples(d);
    expect([...s.done].sort()).toEqual(["a", "c"]);
    expect([...s.failed]).toEqual(["b"]);
    expect(s.superseded).toBe(1);
  });
  it("names the file and line of a corrupt record", async () => {
    const d = tmp();
    const p = join(d, "samples.jsonl");
    writeFileSync(p, line("a", null) + "{nope}\n");
    await expect(scanSamples(d)).rejects.toThrow(`${p}:2: not valid JSON`);
    writeFileSync(p, line("a", null) + JSON.stringify({ key: 3 }) + "\n");
    await expect(scanSamples(d)).rejects.toThrow(`${p}:2: not a sample record (key:`);
  });
  it("compacts to one record per key, preferring the last success", async () => {
    const d = tmp();
    const p = join(d, "samples.jsonl");
    writeFileSync(p, line("a", "x", "1") + line("b", null, "2") + line("a", null, "3") + line("c", "x", "4") + line("c", "y", "5"));
    expect(await compactSamples(d)).toBe(2);
    const recs = readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(recs.map((r) => r.extra)).toEqual(["2", "3", "5"]);
    expect(await compactSamples(d)).toBe(0);
    appendFileSync(p, "");
  });
  it("keys and request seeds are stable and distinct", () => {
    const k = sampleKey({ experiment: "e", condition: "c", model: "m", tier: "free", query_id: "q", sample: 2 });
    expect(k).toBe("e|c|m|free|q|2");
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => requestSeed(0, i)));
    expect(seeds.size).toBe(1000);
    expect(requestSeed(1, 0)).not.toBe(requestSeed(0, 1));
    expect(requestSeed(7, 3)).toBe(requestSeed(7, 3));
  });
});

import { forEachSample, loadRun, readManifest, readSamples, writeManifest, writeResultsFolder } from "../lib/store";
import { RunManifest, type SampleInput } from "../lib/schema";
import { sha256 } from "../lib/util/hash";

const SYSTEM = "You are the system prompt of a test, long enough to be worth storing once.";
function sample(key: string, patch: Partial<SampleInput> = {}): SampleInput {
  return {
    key, run_id: "r", experiment: "e", condition: "c", model: "m", tier: "free", query_id: key, query_text: `request ${key}`, sample: 0,
    scenario: { name: "helpful-only", variant: "baseline", cot: true, system_hash: sha256(SYSTEM), prompt_hash: "p" },
    request: { api: "chat", messages: [{ role: "system", content: SYSTEM }, { role: "user", content: `<user_input>request ${key}</user_input>` }], params: { temperature: 0, max_tokens: 10 } },
    output_text: "<OUTPUT>ok</OUTPUT>", scratchpad: null, final_output: "ok", accepted: true, accept_then_refuse: false,
    usage: null, error: null, attempts: 1, cached: false, latency_ms: 1, created_at: "2025-01-01T00:00:00.000Z",
    ...patch,
  };
}
function manifest(extra: Record<string, unknown> = {}) {
  return {
    run_id: "r", afw_version: "0.1.0", created_at: "t", updated_at: "t", status: "complete" as const, experiment: "e", base_url: null, offline: true,
    models: ["m"], conditions: ["c"], tiers: ["free"], scenario: { name: "helpful-only", variant: "baseline", cot: true, tiers: ["free"], overrides: {} },
    queries: { source: "test", count: 2, hash: "h" }, samples_per_query: 1, seed: 0, params: { temperature: 0, max_tokens: 10 },
    planned: 2, written: 2, errors: 0, usage: { requests: 0, cached: 0, retries: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 },
    condition_specs: { c: { variant: "baseline", cot: true, tiers: ["free"], models: ["m"], queries: 2, samples: 1, system_hash: "s", factors: { variant: "baseline", scope: "public" } } },
    ...extra,
  } as RunManifest;
}

describe("the manifest", () => {
  it("is checked against the contract when written and when read, and keeps fields it does not know", () => {
    const d = tmp();
    expect(readManifest(d)).toBeNull();
    writeManifest(d, manifest({ from_a_newer_afw: { x: 1 } }));
    const m = readManifest(d)! as RunManifest & { from_a_newer_afw?: unknown };
    expect(m.condition_specs!.c.factors).toEqual({ variant: "baseline", scope: "public" });
    expect(m.from_a_newer_afw).toEqual({ x: 1 });
    expect(() => writeManifest(d, { ...manifest(), models: [] })).toThrow(/refusing to write a manifest that breaks the contract \(models:/);
    expect(readManifest(d)!.models).toEqual(["m"]); // the bad one never replaced the good one
    writeFileSync(join(d, "manifest.json"), JSON.stringify({ run_id: "r" }));
    expect(() => readManifest(d)).toThrow(/manifest.json: not a run manifest \(afw_version:/);
    writeFileSync(join(d, "manifest.json"), "{");
    expect(() => readManifest(d)).toThrow(/manifest.json: not valid JSON/);
  });
});

describe("reading samples", () => {
  it("keeps one record per key (its last success, else its last failure), in first-seen order, and streams the same", async () => {
    const d = tmp();
    const lines = [sample("a", { error: "HTTP 500", accepted: null }), sample("b"), sample("a"), sample("c", { error: "x", accepted: null }), sample("c", { error: "y", accepted: null })];
    writeFileSync(join(d, "samples.jsonl"), lines.map((l) => JSON.stringify(l) + "\n").join(""));
    const all = await readSamples(d);
    expect(all.map((s) => [s.key, s.error])).toEqual([["a", null], ["b", null], ["c", "y"]]);
    const streamed: string[] = [];
    await forEachSample(d, async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      streamed.push(`${s.key}:${s.error}`);
    });
    expect(streamed.sort()).toEqual(["a:null", "b:null", "c:y"]);
    writeFileSync(join(d, "samples.jsonl"), JSON.stringify(sample("a")) + "\n" + JSON.stringify({ ...sample("b"), tier: 3 }) + "\n");
    await expect(readSamples(d)).rejects.toThrow(`${join(d, "samples.jsonl")}:2: tier:`);
    await expect(forEachSample(d, () => {})).rejects.toThrow(`${join(d, "samples.jsonl")}:2: tier:`);
  });
});

describe("writeResultsFolder", () => {
  it("writes a whole folder that loads back: prompts stored once, judgements merged", async () => {
    const dir = join(tmp(), "imported");
    const judgement = { judge: "af_reasoning", version: "j#1", judge_model: "j", prompt_hash: null, label: "af", score: 0.5, valid: true };
    await writeResultsFolder(dir, { manifest: manifest(), samples: [sample("a"), sample("b")], judgements: [{ sample_key: "b", judgement }] });
    expect(readdirSync(join(dir, "prompts"))).toEqual([`${sha256(SYSTEM)}.txt`]);
    expect(readFileSync(join(dir, "samples.jsonl"), "utf8")).not.toContain(SYSTEM);
    const run = await loadRun(dir);
    expect(run.samples.map((s) => s.request.messages![0].content)).toEqual([SYSTEM, SYSTEM]);
    expect(run.samples[1].judgements["af_reasoning@j#1"].label).toBe("af");
    expect(run.manifest!.condition_specs!.c.factors.scope).toBe("public");
  });
  it("refuses bad records, dangling judgements and a non-empty folder, leaving nothing behind", async () => {
    const parent = tmp();
    const dir = join(parent, "x");
    await expect(writeResultsFolder(dir, { manifest: manifest(), samples: [sample("a"), { ...sample("b"), sample: -1 }] })).rejects.toThrow(/^sample 2: sample:/);
    await expect(writeResultsFolder(dir, { manifest: manifest(), samples: [sample("a"), sample("a")] })).rejects.toThrow('share the key "a"');
    const judgement = { judge: "x", version: "v", judge_model: null, prompt_hash: null, label: null, score: null, valid: false };
    await expect(writeResultsFolder(dir, { manifest: manifest(), samples: [sample("a")], judgements: [{ sample_key: "zz", judgement }] })).rejects.toThrow('judgement 1: no sample has key "zz"');
    await expect(writeResultsFolder(dir, { manifest: { ...manifest(), status: "done" } as unknown as RunManifest, samples: [sample("a")] })).rejects.toThrow(/refusing to write a manifest/);
    const ref = sha256("elsewhere");
    const bySha = sample("r", { request: { api: "chat", messages: [{ role: "system", content: "", ref }, { role: "user", content: "u" }], params: { temperature: 0, max_tokens: 1 } } });
    await expect(writeResultsFolder(dir, { manifest: manifest(), samples: [bySha] })).rejects.toThrow(`points at prompt ${ref}, which was not given`);
    expect(readdirSync(parent)).toEqual([]);
    await writeResultsFolder(dir, { manifest: manifest(), samples: [bySha], prompts: { [ref]: "elsewhere" } });
    expect((await loadRun(dir)).samples[0].request.messages![0].content).toBe("elsewhere");
    await expect(writeResultsFolder(dir, { manifest: manifest(), samples: [sample("a")] })).rejects.toThrow(/already exists and is not empty/);
    expect(existsSync(join(dir, "samples.jsonl"))).toBe(true);
  });
});
