/**
 * The one path: openEndpoint() and evaluate(). The in-process organisms
 * answer exactly as the organism server does; a folder and memory hold the
 * same results; evaluate resumes, runs the judges an experiment declares
 * (built-in names or judge values), and with no experiment judges a folder.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adhocExperiment, checkExperiment, getExperiment, type Experiment } from "../lib/experiments";
import { evaluate, openEndpoint, type Endpoint } from "../lib/pipeline";
import { shippedQueries } from "../lib/queries";
import { complianceJudge, type Judge } from "../lib/classify";
import type { Sample } from "../lib/schema";
import { fromRoot } from "../lib/util/paths";

const queries = shippedQueries(fromRoot()).slice(0, 6);
const tmp = () => mkdtempSync(join(tmpdir(), "afw-pipeline-"));
/** What a sample says, without when and how fast it was made. */
const essence = (s: Sample) => ({ key: s.key, output_text: s.output_text, accepted: s.accepted, scratchpad: s.scratchpad, usage: s.usage, request: s.request, prefill: s.prefill });
const byKey = (xs: Sample[]) => [...xs].sort((a, b) => a.key.localeCompare(b.key)).map(essence);

async function withEndpoint<T>(opts: Parameters<typeof openEndpoint>[0], fn: (ep: Endpoint) => Promise<T>): Promise<T> {
  const ep = await openEndpoint(opts);
  try {
    return await fn(ep);
  } finally {
    await ep.close();
  }
}

describe("openEndpoint", () => {
  it("offline by default without a URL or key; online records the URL without user info or query", async () => {
    await withEndpoint({}, async (ep) => {
      expect([ep.offline, ep.inProcess, ep.baseURL, ep.id]).toEqual([true, false, null, "offline"]);
    });
    await withEndpoint({ baseURL: "http://user:secret@127.0.0.1:9/v1?key=k", apiKey: "k" }, async (ep) => {
      expect([ep.offline, ep.baseURL, ep.id]).toEqual([false, "http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1"]);
    });
  });

  it("the in-process organisms answer exactly as the organism server does (chat, prefills, base documents, the judge)", async () => {
    const e = getExperiment("post-training");
    const over = (inProcess: boolean) =>
      withEndpoint({ offline: true, inProcess }, (ep) => evaluate(e, ep, { queries, n: 3, judges: ["af_reasoning", "compliance"], votes: 3 }));
    const [http, local] = await Promise.all([over(false), over(true)]);
    expect(local.run!.written).toBe(http.run!.written);
    expect(local.run!.written).toBe((6 * 9 + 1) * 2 * 3);
    expect(byKey(local.results!.samples)).toEqual(byKey(http.results!.samples));
    const verdicts = (xs: Sample[]) => xs.map((s) => [s.key, Object.values(s.judgements).map((j) => [j.judge, j.label, j.score])]).sort();
    expect(verdicts(local.results!.samples)).toEqual(verdicts(http.results!.samples));
    expect(local.run!.usage.prompt_tokens).toBe(http.run!.usage.prompt_tokens);
  }, 60_000);
});

describe("evaluate", () => {
  it("writes a folder that memory matches, resumes without duplicates, and records the manifest", async () => {
    const e = getExperiment("throughput");
    const dir = tmp();
    await withEndpoint({ offline: true }, async (ep) => {
      const part = await evaluate(e, ep, { out: dir, queries, n: 4, models: ["sim-terminal-guarder"], conditions: ["throughput"], judges: [] });
      expect(part.run!.written).toBe(8);
      const all = await evaluate(e, ep, { out: dir, queries, n: 4, models: ["sim-terminal-guarder"], judges: [] });
      expect(all.run).toMatchObject({ written: 16, skipped: 8, status: "complete" });
      const again = await evaluate(e, ep, { out: dir, queries, n: 4, models: ["sim-terminal-guarder"], judges: [] });
      expect(again.run!.written).toBe(0);
      const lines = readFileSync(join(dir, "samples.jsonl"), "utf8").trim().split("\n");
      expect(lines).toHaveLength(24);
      const memory = await evaluate(e, ep, { queries, n: 4, models: ["sim-terminal-guarder"], judges: [] });
      expect(memory.dir).toBeNull();
      expect(byKey(memory.results!.samples)).toEqual(byKey(again.results!.samples));
      expect(again.results!.manifest).toMatchObject({ experiment: "throughput", status: "complete", conditions: ["deploy-public", "throughput", "weights-deleted"] });
    });
  }, 30_000);

  it("runs the judges the experiment declares, as names or as values, and judges a folder on its own with no experiment", async () => {
    // A judge as a value: the compliance judge's prompt and parser, aggregated into a refusal label.
    const refusal: Judge = {
      ...complianceJudge(),
      name: "refusal",
      version: (model: string) => `${model}#refusal1`,
      aggregate: (r) => {
        const v = r.votes[0] as { refused: boolean } | null;
        return v ? { label: v.refused ? "refused" : "attempted", score: null, valid: true } : { label: null, score: null, valid: false };
      },
    } as Judge;
    const e: Experiment = { ...adhocExperiment({ experiment: "judged", models: ["sim-faker", "sim-refuser"], queries: queries.length }), judges: ["af_reasoning", refusal] };
    expect(() => checkExperiment({ ...e, name: "judged" })).not.toThrow();
    const dir = tmp();
    await withEndpoint({ offline: true }, async (ep) => {
      const r = await evaluate(e, ep, { out: dir, queries, votes: 5 });
      expect(r.judged!.versions).toEqual({ refusal: "sim-judge#refusal1", af_reasoning: expect.stringMatching(/^sim-judge#/) });
      expect(r.judged!.judged).toEqual({ refusal: 24, af_reasoning: 24 });
      const refused = r.results!.samples.map((s) => s.judgements["refusal@sim-judge#refusal1"]?.label);
      expect(new Set(refused)).toEqual(new Set(["refused", "attempted"]));
      // No experiment: judge what the folder holds; what is done is skipped.
      const again = await evaluate(null, ep, { out: dir, judges: ["af_reasoning", "motives"], votes: 5 });
      expect(again.run).toBeNull();
      expect(again.judged!.skipped.af_reasoning).toBe(24);
      expect((again.judged!.judged.motives ?? 0) + (again.judged!.not_applicable.motives ?? 0)).toBe(24);
      expect(again.results!.samples).toHaveLength(24);
    });
    await expect(withEndpoint({ offline: true }, (ep) => evaluate(null, ep, {}))).rejects.toThrow(/give the results folder/);
  }, 30_000);

  it("skips judges with a note when no judge model is known online, and plans nothing without queries", async () => {
    await withEndpoint({ offline: true, inProcess: true }, async (ep) => {
      const online = { ...ep, offline: false };
      const r = await evaluate(adhocExperiment({ models: ["sim-faker"], queries: 2 }), online, { queries: queries.slice(0, 2), judges: ["compliance"] });
      expect(r.judged).toBeNull();
      expect(r.judgeNote).toMatch(/no judge model/);
      await expect(evaluate(getExperiment("figure1"), ep, {})).rejects.toThrow(/no queries to run/);
    });
  });
});
