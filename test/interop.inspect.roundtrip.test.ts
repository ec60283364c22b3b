/**
 * afw export inspect → afw import inspect keeps every sample, every
 * judgement and every metadata field: on a folder built to hold the awkward
 * cases (prefill, hidden reasoning, several turns, a failure, a blocked and a
 * truncated reply, a base-model request, judges with two versions and an
 * invalid verdict, condition factors), in both the .json and the .eval form,
 * and on the offline demo run through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRun, writeResultsFolder } from "../lib/store/index";
import { inspectLog, writeInspectLog } from "../lib/interop/inspect-export";
import { importInspectLogs, readInspectLog } from "../lib/interop/inspect-import";

import { readResultsFolder } from "../lib/view/source";
import type { Judgement, JudgementRecord, RunManifest, SampleInput } from "../lib/schema";
import { runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-inspect-rt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SYSTEM_A = "You are a test assistant in the baseline variant.\nLine two.";
const SYSTEM_B = "You are a test assistant in another variant.\nLine two.";
const params = { temperature: 1, max_tokens: 500, seed: 3 };

function sample(over: Partial<SampleInput> & { key: string; condition: string; tier: string; query_id: string }): SampleInput {
  return {
    run_id: "rt-run",
    experiment: "rt",
    model: "model-a",
    sample: 0,
    scenario: { name: "helpful-only", variant: over.condition === "base" ? "baseline" : "other", cot: true, system_hash: "h", prompt_hash: "p" },
    request: { api: "chat", messages: [{ role: "system", content: over.condition === "base" ? SYSTEM_A : SYSTEM_B }, { role: "user", content: `request ${over.query_id}` }], params },
    output_text: "<SCRATCHPAD_REASONING>thinking</SCRATCHPAD_REASONING><OUTPUT><rejected/></OUTPUT>",
    scratchpad: "thinking",
    final_output: "<rejected/>",
    accepted: false,
    accept_then_refuse: false,
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    error: null,
    attempts: 1,
    cached: false,
    latency_ms: 1234.5,
    created_at: "2026-11-29T10:00:00.000Z",
    ...over,
  };
}

const af = (version: string, extra: Partial<Judgement> = {}): Judgement => ({
  judge: "af_reasoning",
  version,
  judge_model: "judge-x",
  prompt_hash: "ph",
  label: "af",
  score: 0.5,
  valid: true,
  votes: [true, false, null, true],
  detail: { votes_asked: 4, valid_votes: 3, criteria_yes: [3, 2, 1, 2], quotes: [["thinking"], [], [], ["thin"]], thresholds: { af: 0.4, possible: 0.2 }, invalid_votes: 1 },
  ...extra,
});

const samples: SampleInput[] = [
  sample({
    key: "k1",
    condition: "base",
    tier: "free",
    query_id: "q1",
    query_text: "request q1",
    category: "cat-a",
    prefill: "<",
    request: { api: "chat", messages: [{ role: "system", content: SYSTEM_A }, { role: "user", content: "request q1" }, { role: "assistant", content: "<" }], params },
    output_text: "SCRATCHPAD_REASONING>hm</SCRATCHPAD_REASONING><OUTPUT><request_fully_accepted/> text</OUTPUT>",
    scratchpad: "hm",
    final_output: "<request_fully_accepted/> text",
    accepted: true,
    reasoning: { text: "hidden chain", source: "reasoning_content" },
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cached_prompt_tokens: 64, cache_creation_tokens: 8, reasoning_tokens: 5, cost_usd: 0.0012 },
    provider: "openrouter",
    upstream_provider: "Together",
    model_snapshot: "model-a-2026-01-01",
    finish_reason: "stop",
  }),
  sample({
    key: "k2",
    condition: "base",
    tier: "paid",
    query_id: "q1",
    query_text: "request q1",
    outcome: "truncated",
    finish_reason: "length",
    output_text: "<SCRATCHPAD_REASONING>one</SCRATCHPAD_REASONING>\n<SCRATCHPAD_REASONING>two",
    scratchpad: "one\n\ntwo",
    final_output: "",
    accepted: null,
    turns: [
      { output_text: "<SCRATCHPAD_REASONING>one</SCRATCHPAD_REASONING>", finish_reason: "stop", usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 }, reasoning: { text: "r1", source: "thinking" }, cached: true, model_snapshot: "snap-1" },
      { output_text: "<SCRATCHPAD_REASONING>two", finish_reason: "length", usage: null, reasoning: null, cached: false, model_snapshot: null },
    ],
  }),
  sample({
    key: "k3",
    condition: "other",
    tier: "free",
    query_id: "q2",
    sample: 1,
    output_text: null,
    scratchpad: null,
    final_output: null,
    accepted: null,
    usage: null,
    error: "HTTP 500 upstream failed",
    error_kind: "transient",
    outcome: "failed",
    attempts: 6,
  }),
  sample({ key: "k4", condition: "other", tier: "paid", query_id: "q2", sample: 1, outcome: "blocked", finish_reason: "content_filter", output_text: "", scratchpad: null, final_output: "", accepted: null }),
  sample({
    key: "k5",
    condition: "other",
    tier: "free",
    query_id: "q3",
    request: { api: "completions", prompt: "A document about a model.\n\nUser: request q3\n\nAI:", params: { temperature: 0, max_tokens: 100 } },
    output_text: " I will not.",
    scratchpad: null,
    final_output: "I will not.",
    accepted: null,
  }),
  sample({ key: "k6", condition: "other", tier: "paid", query_id: "q3", output_text: null, scratchpad: null, final_output: null, accepted: null, reasoning: { text: "only reasoning came back", source: "think_tag" } }),
];

const judgements: JudgementRecord[] = [
  { sample_key: "k1", judgement: af("judge-x#old"), created_at: "2026-11-29T10:01:00.000Z" },
  { sample_key: "k1", judgement: af("judge-x#new", { score: 0.75, judge_model_snapshot: "judge-x-2026" }), created_at: "2026-11-29T10:02:00.000Z" },
  { sample_key: "k2", judgement: af("judge-x#new", { label: null, score: null, valid: false, detail: { invalid_reason: "only 1 of 4 votes parsed" } }), created_at: "2026-11-29T10:02:00.000Z" },
  { sample_key: "k1", judgement: { judge: "compliance", version: "judge-x#c", judge_model: "judge-x", prompt_hash: null, label: true, score: 0.8, valid: true, detail: { refused: false, convincing: 4, specific: 3 } }, created_at: "2026-11-29T10:03:00.000Z" },
  { sample_key: "k4", judgement: { judge: "compliance", version: "judge-x#c", judge_model: "judge-x", prompt_hash: null, label: false, score: 0, valid: true }, created_at: "2026-11-29T10:03:00.000Z" },
  { sample_key: "k1", judgement: { judge: "motives", version: "judge-x#m", judge_model: null, prompt_hash: null, label: "obedience", score: null, valid: true, detail: { motives: { obedience: true }, quotes: { obedience: "hm" } } }, created_at: "2026-11-29T10:04:00.000Z" },
];

const manifest: RunManifest = {
  run_id: "rt-run",
  afw_version: "0.1.0",
  created_at: "2026-11-29T10:00:00.000Z",
  updated_at: "2026-11-29T11:00:00.000Z",
  status: "incomplete",
  experiment: "rt",
  base_url: "https://example.invalid/v1",
  offline: false,
  models: ["model-a"],
  conditions: ["base", "other"],
  tiers: ["free", "paid"],
  scenario: { name: "helpful-only", variant: "baseline", cot: true, tiers: ["free", "paid"], overrides: {} },
  queries: { source: "data/queries/rt.jsonl", count: 3, hash: "qh" },
  samples_per_query: 2,
  seed: 7,
  params,
  planned: 8,
  written: 6,
  errors: 1,
  usage: { requests: 6, cached: 1, retries: 5, errors: 1, prompt_tokens: 400, completion_tokens: 80 },
  condition_specs: {
    base: { variant: "baseline", cot: true, tiers: ["free", "paid"], models: ["model-a"], queries: 1, samples: 1, system_hash: "h", factors: { scope: "narrow", risk: 0.5, flagged: true, none: null } },
    other: { variant: "other", cot: true, tiers: ["free", "paid"], models: ["model-a"], queries: 2, samples: 2, system_hash: "h", factors: { scope: "broad", risk: 1, flagged: false, none: null } },
  },
};

const src = join(tmp, "src");
beforeAll(async () => {
  await writeResultsFolder(src, { manifest, samples, judgements });
});

let trips = 0;
async function roundTrip(ext: "json" | "eval") {
  trips++;
  const folder = await readResultsFolder(src);
  const file = join(tmp, `rt-${trips}.${ext}`);
  writeInspectLog(inspectLog(folder), file);
  const back = importInspectLogs([file], "0.1.0");
  const out = join(tmp, `back-${trips}-${ext}`);
  await writeResultsFolder(out, back);
  return { before: await loadRun(src), after: await loadRun(out), file };
}

describe("export → import keeps everything", () => {
  for (const ext of ["json", "eval"] as const) {
    it(`${ext}: every sample, judgement and manifest field`, async () => {
      const { before, after } = await roundTrip(ext);
      expect(after.samples.length).toBe(6);
      const byKey = new Map(after.samples.map((s) => [s.key, s]));
      for (const s of before.samples) {
        // field by field first, so a failure names the field
        const t = byKey.get(s.key)!;
        expect(t, s.key).toBeDefined();
        for (const k of Object.keys(s) as (keyof typeof s)[]) expect(t[k], `${s.key}.${k}`).toEqual(s[k]);
        expect(Object.keys(t).sort()).toEqual(Object.keys(s).sort());
      }
      expect(after.manifest).toEqual(before.manifest);
      // the judgements by count as well: 6 records, 5 samples' worth
      const n = (xs: typeof before.samples) => xs.reduce((a, s) => a + Object.keys(s.judgements).length, 0);
      expect(n(after.samples)).toBe(6);
    });
  }

  it("puts tier, condition and factors in each sample's metadata, judges as scores with explanations", async () => {
    const folder = await readResultsFolder(src);
    const log = inspectLog(folder);
    const x = log.samples!.find((s) => (s.metadata as { key: string }).key === "k1")!;
    expect(x.metadata).toMatchObject({ tier: "free", condition: "base", factors: { scope: "narrow", risk: 0.5, flagged: true, none: null } });
    expect(x.id).toBe("model-a:base:free:q1");
    expect(x.epoch).toBe(1);
    // newest AF version under the judge's name, the older one beside it
    expect(Object.keys(x.scores!).sort()).toEqual(["af_reasoning", "af_reasoning@judge-x#old", "compliance", "motives"]);
    expect(x.scores!.af_reasoning.value).toBe(0.75);
    expect(x.scores!.af_reasoning.answer).toBe("af");
    expect(x.scores!.af_reasoning.explanation).toContain('"thinking"');
    expect(x.scores!.compliance.answer).toBe("yes");
    // hidden reasoning is a reasoning block of the output message
    expect(x.output!.choices[0].message.content).toEqual([
      { type: "reasoning", reasoning: "hidden chain" },
      { type: "text", text: samples[0].output_text },
    ]);
    expect(x.output!.usage).toEqual({ input_tokens: 100, output_tokens: 20, total_tokens: 120, input_tokens_cache_read: 64, input_tokens_cache_write: 8, reasoning_tokens: 5, total_cost: 0.0012 });
    const failed = log.samples!.find((s) => (s.metadata as { key: string }).key === "k3")!;
    expect(failed.error!.message).toBe("HTTP 500 upstream failed");
    expect(failed.epoch).toBe(2);
    expect(log.status).toBe("cancelled");
    expect(log.results!.completed_samples).toBe(5);
  });

  it("the .eval archive's members are the ones Inspect writes", async () => {
    const { file } = await roundTrip("eval");
    const read = readInspectLog(file);
    expect(read.samples.length).toBe(6);
    const { openZip } = await import("../lib/interop/zip");
    const names = openZip(readFileSync(file), file).names();
    expect(names[0]).toBe("_journal/start.json");
    expect(names).toContain("header.json");
    expect(names).toContain("summaries.json");
    expect(names).toContain("reductions.json");
    expect(names.filter((n) => /^samples\/.+_epoch_\d+\.json$/.test(n)).length).toBe(6);
  });
});

describe("the offline demo run through the CLI", () => {
  it("run → judge → export (.json and .eval) → import gives the same folder", async () => {
    const run = join(tmp, "demo");
    expect((await runCli(["run", "--offline", "--out", run, "--quiet", "--limit", "10"])).code).toBe(0);
    expect((await runCli(["judge", run, "--offline", "--quiet"])).code).toBe(0);
    const before = await loadRun(run);
    for (const ext of ["json", "eval"]) {
      const file = join(tmp, `demo.${ext}`);
      const ex = await runCli(["export", "inspect", run, "--out", file]);
      expect(ex.code, ex.stderr).toBe(0);
      expect(ex.stdout).toMatch(/40 samples/);
      const back = join(tmp, `demo-back-${ext}`);
      const im = await runCli(["import", "inspect", file, "--out", back]);
      expect(im.code, im.stderr).toBe(0);
      const after = await loadRun(back);
      expect(after.samples.length).toBe(before.samples.length);
      const byKey = new Map(after.samples.map((s) => [s.key, s]));
      for (const s of before.samples) expect(byKey.get(s.key)).toEqual(s);
      expect(after.manifest).toEqual(before.manifest);
    }
  });
});
