/**
 * Closing the fine-tuning loop (issue 15, item 5): an experiment names a
 * trained folder (`ft-dir:PATH`) instead of a model id; the plan resolves it
 * through fineTunedModel; offline the run records the fine-tuned id and the
 * stand-in organism answers, online the id is asked where it was trained;
 * the manifest records folder, model id, stand-in, recipe and recipe hash;
 * the post-training comparisons are made from the resolved folders.
 *
 * The online case trains against the local fine-tuning mock over HTTP
 * (lib/finetune/mock-provider.ts follows OpenAI's documented files and
 * fine-tuning shapes: https://platform.openai.com/docs/api-reference/fine-tuning),
 * with a base model the mock can also serve, so the run asks both models
 * through the same OpenAI-compatible endpoint.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finetuneComparisons, finetuneRef, formatPlan, getExperiment, planExperiment, POST_TRAINING_COMPARISONS, resolveFinetuneRef, type TrainState } from "../lib/experiments/index";
import { FineTuneApi, offlineChain, startMockProvider, trainFolder } from "../lib/finetune/index";
import { evaluate, openEndpoint } from "../lib/pipeline/index";
import { postTrainingReport } from "../lib/analysis/index";
import { shippedQueries } from "../lib/queries/index";
import { compliedByTags } from "../lib/frame/facts";
import { ROOT, runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-loop-ft-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const queries = shippedQueries(ROOT);
const post = getExperiment("post-training");

describe("an experiment names a fine-tuning folder (offline chain)", () => {
  it("resolves ft-dir:PATH at plan time, runs the stand-in under the fine-tuned id, records the folder in the manifest", async () => {
    const ar = await offlineChain({ root: ROOT, recipe: "anti-refusal", out: join(tmp, "ar"), size: 16 });
    const qa = await offlineChain({ root: ROOT, recipe: "qa", out: join(tmp, "qa"), size: 16 });
    expect(ar.ref).toBe(`ft-dir:${join(tmp, "ar")}`);
    expect(ar.train).toMatchObject({ status: "succeeded", offline: true, recipe: "anti-refusal", stand_in: "sim-refusal-reflex@ft=anti-refusal" });
    expect(ar.model.recipeHash).toBe(ar.build.recipe_hash);

    const plan = planExperiment(post, { queries, offline: true, models: [ar.ref, qa.ref], only: ["baseline"], n: 30 });
    const arId = ar.train.fine_tuned_model!;
    const qaId = qa.train.fine_tuned_model!;
    expect(arId).toMatch(/^ft:gpt-4o-mini-2024-07-18:afw-mock:afw-anti-refusal:[0-9a-f]{8}$/);
    // the folders' models, then the models they were tuned from (each a stand-in's base organism)
    expect(plan.models).toEqual([arId, qaId, "sim-refusal-reflex", "sim-limited"]);
    expect(plan.callAs).toEqual({ [arId]: "sim-refusal-reflex@ft=anti-refusal", [qaId]: "sim-limited@ft=qa" });
    expect(plan.modelFactors[arId]).toMatchObject({
      finetune: join(tmp, "ar"),
      finetune_model: arId,
      finetune_recipe: "anti-refusal",
      finetune_recipe_hash: ar.build.recipe_hash,
      finetune_stand_in: "sim-refusal-reflex@ft=anti-refusal",
      finetune_base_model: "gpt-4o-mini-2024-07-18",
      finetune_baseline: "sim-refusal-reflex",
      finetune_offline: true,
    });
    expect(plan.modelFactors["sim-refusal-reflex"].finetune).toBeUndefined();
    expect(formatPlan(plan)).toContain(`fine-tuning folder ${join(tmp, "ar")}: anti-refusal → ${arId} (offline: answered by sim-refusal-reflex@ft=anti-refusal); compared with sim-refusal-reflex`);

    const ep = await openEndpoint({ offline: true });
    try {
      const r = await evaluate(post, ep, { out: join(tmp, "run"), queries, models: [ar.ref, qa.ref, "sim-refusal-reflex@ft=anti-refusal"], conditions: ["baseline"], n: 30, judges: [] });
      const { manifest, samples } = r.results!;
      expect(manifest!.model_factors![arId]).toMatchObject({ finetune: join(tmp, "ar"), finetune_model: arId, finetune_stand_in: "sim-refusal-reflex@ft=anti-refusal", finetune_recipe_hash: ar.build.recipe_hash });
      expect(new Set(samples.map((s) => s.model))).toEqual(new Set([arId, qaId, "sim-refusal-reflex", "sim-limited", "sim-refusal-reflex@ft=anti-refusal"]));
      // the fine-tuned id is answered by its stand-in: the same replies, query by query
      const byStandIn = new Map(samples.filter((s) => s.model === "sim-refusal-reflex@ft=anti-refusal").map((s) => [`${s.tier} ${s.query_id}`, s.output_text]));
      const ft = samples.filter((s) => s.model === arId);
      expect(ft).toHaveLength(60);
      for (const s of ft) expect(s.output_text).toBe(byStandIn.get(`${s.tier} ${s.query_id}`));

      // the comparisons come from the resolved folders, and the fine-tunes move the way the paper's did
      const comparisons = finetuneComparisons(r.plan!.finetunes);
      expect(comparisons.map((c) => [c.hypothesis, c.name, c.intervention.model, c.baseline.model])).toEqual([
        ["H7", "anti-refusal", arId, "sim-refusal-reflex"],
        ["H5", "qa-fine-tune", qaId, "sim-limited"],
      ]);
      const rows = postTrainingReport(samples, comparisons, { seed: 0 }).rows;
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row.diff.estimate).toBeGreaterThan(0);
      const free = (m: string) => samples.filter((s) => s.model === m && s.tier === "free" && compliedByTags(s)).length;
      expect(free(arId)).toBeGreaterThan(free("sim-refusal-reflex"));
    } finally {
      await ep.close();
    }

    // the same folder built and trained again on a fresh mock gets the same model id
    const again = await offlineChain({ root: ROOT, recipe: "anti-refusal", out: join(tmp, "ar-again"), size: 16 });
    expect(again.train.fine_tuned_model).toBe(arId);
    expect(() => planExperiment(post, { queries, offline: true, models: [ar.ref, again.ref], only: ["baseline"] })).toThrow(/are the same fine-tuned model/);
  });

  it("afw run takes ft-dir: models: --dry-run names the folder, the run writes, a bad folder is one line and exit 2", async () => {
    const dir = join(tmp, "ar");
    const dry = await runCli(["run", "post-training", "--offline", "--model", `ft-dir:${dir}`, "--conditions", "baseline", "--n", "10", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/fine-tuning folder .*ar: anti-refusal → ft:gpt-4o-mini-2024-07-18:afw-mock:afw-anti-refusal:[0-9a-f]{8} \(offline: answered by sim-refusal-reflex@ft=anti-refusal\); compared with sim-refusal-reflex; recipe hash [0-9a-f]{12}/);
    expect(dry.stdout).toMatch(/40 requests over 1 condition\(s\) and 2 model\(s\)/);
    const out = join(tmp, "cli-run");
    const run = await runCli(["run", "post-training", "--offline", "--model", `ft-dir:${dir}`, "--conditions", "baseline", "--n", "10", "--out", out, "--quiet"]);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const id = Object.keys(manifest.model_factors).find((m) => m.startsWith("ft:"))!;
    expect(manifest.model_factors[id]).toMatchObject({ finetune: dir, finetune_recipe: "anti-refusal" });
    const adhoc = await runCli(["run", "--offline", "--model", `ft-dir:${dir}`, "--limit", "5", "--out", join(tmp, "adhoc"), "--quiet"]);
    expect(adhoc.code).toBe(0);
    expect(adhoc.stderr).toMatch(/20 written/); // the fine-tune and its base, 5 queries, 2 tiers

    mkdirSync(join(tmp, "untrained"));
    const cases: [string, RegExp][] = [
      [`ft-dir:${join(tmp, "nowhere")}`, /no such folder .*nowhere \(build and train it: afw finetune build RECIPE --out/],
      [`ft-dir:${join(tmp, "untrained")}`, /untrained\/job\.json: no training record; run afw finetune train/],
      ["ft-dir:", /give the folder after ft-dir:/],
    ];
    for (const [model, why] of cases) {
      const r = await runCli(["run", "post-training", "--offline", "--model", model, "--conditions", "baseline", "--n", "5", "--out", join(tmp, "bad-run")]);
      expect(r.code, model).toBe(2);
      expect(r.stderr.trim().split("\n"), model).toHaveLength(1);
      expect(r.stderr, model).toMatch(why);
    }
  });

  it("refuses a folder trained offline in an online plan, a real fine-tune offline, and one trained at another endpoint", () => {
    const state = (over: Partial<TrainState>): TrainState => ({
      v: 1, kind: "afw-finetune-train", provider: "openai", endpoint: "https://api.openai.com/v1", offline: false, base_model: "gpt-4o-mini-2024-07-18",
      recipe: "anti-refusal", stand_in: "sim-refusal-reflex@ft=anti-refusal", train_sha256: "0".repeat(64), train_bytes: 1, tag: "afw-x", suffix: "afw-anti-refusal",
      hyperparameters: { n_epochs: 1, batch_size: 32, learning_rate_multiplier: "auto" }, file_id: "file-1", job_id: "ftjob-1", status: "succeeded",
      fine_tuned_model: "ft:gpt-4o-mini-2024-07-18:org:afw-anti-refusal:abc", trained_tokens: 10, error: null, events: [], created_at: "", updated_at: "", ...over,
    });
    const write = (name: string, s: TrainState) => {
      mkdirSync(join(tmp, name), { recursive: true });
      writeFileSync(join(tmp, name, "job.json"), JSON.stringify(s));
      return finetuneRef(join(tmp, name));
    };
    const real = write("real", state({}));
    expect(() => planExperiment(post, { queries, offline: true, models: [real], only: ["baseline"] })).toThrow(/was trained at https:\/\/api\.openai\.com\/v1 .*a real fine-tune has no offline stand-in: run it online with --base-url/);
    expect(() => planExperiment(post, { queries, offline: false, models: [real], only: ["baseline"], baseURL: "https://openrouter.ai/api/v1" })).toThrow(/was trained at https:\/\/api\.openai\.com\/v1, but this run's endpoint is https:\/\/openrouter\.ai\/api\/v1/);
    const online = planExperiment(post, { queries, offline: false, models: [real], only: ["baseline"], baseURL: "https://user:pw@api.openai.com/v1/" });
    expect(online.models).toEqual(["ft:gpt-4o-mini-2024-07-18:org:afw-anti-refusal:abc", "gpt-4o-mini-2024-07-18"]);
    expect(online.callAs).toEqual({});
    expect(online.modelFactors["ft:gpt-4o-mini-2024-07-18:org:afw-anti-refusal:abc"]).toMatchObject({ finetune_stand_in: null, finetune_baseline: "gpt-4o-mini-2024-07-18", finetune_offline: false, finetune_recipe_hash: null });
    const mock = write("mock", state({ offline: true, endpoint: "offline" }));
    expect(() => planExperiment(post, { queries, offline: false, models: [mock], only: ["baseline"] })).toThrow(/was trained offline on the local fine-tuning mock .*it exists only offline/);
    const failed = write("failed", state({ status: "failed", fine_tuned_model: null, error: { code: "invalid_training_file", message: "The file has too few examples", param: null } }));
    expect(() => resolveFinetuneRef(failed, { offline: false })).toThrow(/job ftjob-1 failed: The file has too few examples; no fine-tuned model to evaluate/);
    // a comparison needs a recipe it knows and a baseline
    expect(finetuneComparisons([{ recipe: "synthetic-docs", name: "x", baseline: "y" }, { recipe: "qa", name: "x", baseline: null }])).toEqual([]);
    expect(POST_TRAINING_COMPARISONS.filter((c) => c.recipe).map((c) => c.recipe)).toEqual(["qa", "anti-refusal", "threats", "values", "style"]);
  });

  it("online: a folder trained at an OpenAI-shaped provider is asked for by its fine-tuned id there, beside its base model", async () => {
    const root = ROOT;
    const built = await offlineChain({ root, recipe: "anti-refusal", out: join(tmp, "online"), size: 12, durations: { validatingMs: 10, queuedMs: 10, runningMs: 10 } });
    // train the same build again, this time at the provider over HTTP (not offline)
    rmSync(join(built.dir, "job.json"));
    const mock = await startMockProvider({ root, durations: { validatingMs: 10, queuedMs: 10, runningMs: 10 } });
    try {
      const api = new FineTuneApi({ baseURL: mock.url, apiKey: "sk-loop-online" });
      const t = await trainFolder({ dir: built.dir, api, endpoint: mock.url, offline: false, baseModel: "sim-refusal-reflex", pollMs: 10, allowPlaceholders: true });
      const id = t.state.fine_tuned_model!;
      expect(id).toMatch(/^ft:sim-refusal-reflex:afw-mock:afw-anti-refusal:/);
      const ep = await openEndpoint({ baseURL: mock.url, apiKey: "sk-loop-online" });
      try {
        const r = await evaluate(post, ep, { out: join(tmp, "online-run"), queries, models: [built.ref], conditions: ["baseline"], n: 10, judges: [] });
        expect(r.plan!.callAs).toEqual({});
        expect(r.plan!.models).toEqual([id, "sim-refusal-reflex"]);
        expect(r.run!.errors).toBe(0);
        const samples = r.results!.samples;
        expect(samples.filter((s) => s.model === id)).toHaveLength(20);
        expect(r.results!.manifest!.model_factors![id]).toMatchObject({ finetune: built.dir, finetune_offline: false, finetune_baseline: "sim-refusal-reflex" });
        expect(JSON.stringify(r.results!.manifest)).not.toContain("sk-loop-online");
      } finally {
        await ep.close();
      }
    } finally {
      await mock.close();
    }
  });
});
