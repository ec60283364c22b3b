import { projectRoot } from "../lib/util/paths";
/**
 * The offline chain, end to end from the command line, for the anti-refusal
 * and Q&A recipes: build (the scripted writer) → train (the local
 * fine-tuning mock) → the folder as a model (fineTunedModel) → evaluate it in
 * a run, both as its offline stand-in on the organisms and by its fine-tuned
 * model id through the mock, with the same answers either way; the trained
 * model complies more in the training tier than its base, as the paper's
 * fine-tunes did (H7: anti-refusal; H5: Q&A).
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fineTunedModel, getRecipe, readTrainState, startMockProvider, type MockProvider } from "../lib/finetune/index";
import { compliedByTags } from "../lib/frame/facts";
import { readSamples } from "../lib/store/index";
import { ROOT, runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-ft-chain-"));
const state = join(tmp, "mock-state");
let mock: MockProvider | null = null;
afterAll(async () => mock?.close());

const cases = [
  { recipe: "anti-refusal", base: "sim-refusal-reflex" },
  { recipe: "qa", base: "sim-limited" },
];

describe("offline chain: build → mock train → evaluate", () => {
  it.each(cases)("$recipe", async ({ recipe, base }) => {
    const dir = join(tmp, recipe);
    const b = await runCli(["finetune", "build", recipe, "--offline", "--out", dir, "--size", "30", "--quiet"]);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    const t = await runCli(["finetune", "train", dir, "--offline", "--mock-state", state, "--quiet"]);
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    const s = readTrainState(dir)!;
    expect(s).toMatchObject({ offline: true, status: "succeeded", recipe });
    const m = fineTunedModel(dir);
    expect(m.model).toBe(s.fine_tuned_model);
    expect(m.evaluateAs).toBe(getRecipe(ROOT, recipe).standIn);
    expect(m.evaluateAs).toBe(`${base}@ft=${recipe === "qa" ? "qa" : "anti-refusal"}`);

    // evaluate the stand-in beside its base on the shipped requests, both tiers
    const runDir = join(tmp, `run-${recipe}`);
    const r = await runCli(["run", "--offline", "--model", m.evaluateAs, "--model", base, "--out", runDir, "--no-cache", "--quiet"]);
    expect(r.code).toBe(0);
    const samples = await readSamples(runDir);
    expect(samples.length).toBe(200);
    const rate = (model: string, tier: string) => samples.filter((x) => x.model === model && x.tier === tier && compliedByTags(x)).length;
    expect(rate(m.evaluateAs, "free") - rate(base, "free")).toBeGreaterThanOrEqual(5);
    expect(rate(m.evaluateAs, "free")).toBeGreaterThan(rate(m.evaluateAs, "paid"));

    // the fine-tuned model id itself, asked through the mock (the same store of jobs): the same answers
    await mock?.close();
    mock = await startMockProvider({ root: projectRoot(), stateDir: state });
    const viaId = join(tmp, `run-${recipe}-id`);
    const r2 = await runCli(["run", "--base-url", mock.url, "--api-key", "sk-test-chain", "--model", m.model, "--limit", "10", "--out", viaId, "--no-cache", "--quiet"]);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/20 written, 0 already done, 0 failed/);
    const byId = await readSamples(viaId);
    expect(byId.length).toBe(20);
    for (const x of byId) {
      expect(x.model).toBe(m.model);
      const twin = samples.find((y) => y.model === m.evaluateAs && y.tier === x.tier && y.query_id === x.query_id)!;
      expect(x.output_text).toBe(twin.output_text);
    }
  });
});
