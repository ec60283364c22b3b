/**
 * The offline chain in one call: build a recipe's set with the scripted
 * writer (`sim-writer`), train it on the local fine-tuning mock, and return
 * the folder as a model an experiment can name (`ft-dir:DIR`). The same
 * steps as `afw finetune build RECIPE --offline --out DIR` then `afw finetune
 * train DIR --offline`, with the mock's phases shortened (it keeps its jobs
 * in DIR/.mock-provider, so a killed chain resumes like the commands do).
 * The notebooks use it; online, run the two commands yourself (they cost
 * money, and two recipes generate harmful text: docs/finetune.md).
 */
import { join, resolve } from "node:path";
import { finetuneRef, fineTunedModel, type FineTunedModel, type TrainState } from "../experiments/index";
import { buildDataset, OFFLINE_GENERATOR, type BuildManifest } from "./build";
import { openGenerator } from "./endpoint";
import { startMockProvider } from "./mock-provider";
import { FineTuneApi } from "./openai-ft";
import { getRecipe } from "./recipe";
import { trainFolder } from "./train";

export interface OfflineChainOptions {
  /** The checkout (recipes, seeds, shipped requests). */
  root: string;
  recipe: string;
  /** The build folder (created); rerun with the same folder to resume. */
  out: string;
  /** Generated examples wanted; default the recipe's target (use a small number offline). */
  size?: number;
  /** The base model the mock "fine-tunes" (recorded; the trained model is the recipe's stand-in). Default gpt-4o-mini-2024-07-18. */
  baseModel?: string;
  /** Where the mock keeps its files and jobs; default OUT/.mock-provider. */
  mockStateDir?: string;
  /** The mock's phase lengths in ms; default 40 each (the command line's are longer, to show progress). */
  durations?: { validatingMs?: number; queuedMs?: number; runningMs?: number };
  log?: (s: string) => void;
}

export interface OfflineChainResult {
  recipe: string;
  /** The folder, absolute. */
  dir: string;
  /** The name to put in an experiment's models: `ft-dir:DIR`. */
  ref: string;
  build: BuildManifest;
  train: TrainState;
  model: FineTunedModel;
}

/**
 * Build → mock train → the trained folder (see the file comment).
 *
 * @example
 * const c = await offlineChain({ root: projectRoot(), recipe: "anti-refusal", out: "runs/ft-ar", size: 24 });
 * c.ref;              // "ft-dir:/…/runs/ft-ar"
 * c.model.evaluateAs; // "sim-refusal-reflex@ft=anti-refusal"
 */
export async function offlineChain(o: OfflineChainOptions): Promise<OfflineChainResult> {
  const dir = resolve(o.out);
  const recipe = getRecipe(o.root, o.recipe);
  const endpoint = await openGenerator({ offline: true, cacheDir: null });
  let build: BuildManifest;
  try {
    build = (await buildDataset({ root: o.root, recipe, out: dir, endpoint, generator: OFFLINE_GENERATOR, size: o.size, log: o.log })).manifest;
  } finally {
    await endpoint.close();
  }
  const d = o.durations ?? {};
  const mock = await startMockProvider({ root: o.root, stateDir: resolve(o.mockStateDir ?? join(dir, ".mock-provider")), durations: { validatingMs: d.validatingMs ?? 40, queuedMs: d.queuedMs ?? 40, runningMs: d.runningMs ?? 40 } });
  let train: TrainState;
  try {
    const api = new FineTuneApi({ baseURL: mock.url, apiKey: "offline" });
    train = (await trainFolder({ dir, api, endpoint: "offline", offline: true, baseModel: o.baseModel ?? "gpt-4o-mini-2024-07-18", pollMs: 20, log: o.log })).state;
  } finally {
    await mock.close();
  }
  return { recipe: recipe.name, dir, ref: finetuneRef(dir), build, train, model: fineTunedModel(dir) };
}
