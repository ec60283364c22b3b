/**
 * A trained fine-tuning folder as a model an experiment can name.
 *
 * Anywhere a model is named (an experiment's `offline` list or a model
 * entry's `id`, `afw run --model`, the notebooks' model lists) the string
 * `ft-dir:PATH` names the folder `afw finetune build` / `train` wrote.
 * `planExperiment` resolves it through `fineTunedModel(PATH)` (DIR/job.json):
 *
 * - offline (trained on the local fine-tuning mock): the run's model is the
 *   fine-tuned model id the mock gave, and its requests are answered by the
 *   recipe's stand-in organism (the plan's `callAs`), as the mock itself
 *   serves that id;
 * - online: the fine-tuned model id, asked at the endpoint it was trained on.
 *
 * Each resolved folder also brings the model it was tuned from (offline the
 * stand-in's base organism, online the job's base model), so the comparison
 * the paper made (fine-tune against its base, same prompt) runs in the same
 * plan. The manifest records the folder, model id, stand-in, recipe and
 * recipe hash as the model's factors.
 *
 * The job record (DIR/job.json) is read here, below lib/finetune, so the plan
 * can resolve a folder; lib/finetune writes it (train.ts) and re-exports
 * these names.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { AfwError } from "../util/errors";
import { sha256 } from "../util/hash";
import { redactUrl } from "../util/url";
import type { Factors } from "./schema";

const Hyper = z.union([z.number(), z.literal("auto")]);

/** DIR/job.json: what `afw finetune train` records, written whole each time it changes. */
export const TrainState = z.strictObject({
  v: z.literal(1),
  kind: z.literal("afw-finetune-train"),
  provider: z.literal("openai"),
  /** The endpoint without credentials, or "offline" (the local mock). */
  endpoint: z.string(),
  offline: z.boolean(),
  base_model: z.string(),
  recipe: z.string().nullable(),
  stand_in: z.string().nullable(),
  train_sha256: z.string(),
  train_bytes: z.number().int(),
  tag: z.string(),
  suffix: z.string(),
  hyperparameters: z.strictObject({ n_epochs: Hyper, batch_size: Hyper, learning_rate_multiplier: Hyper }),
  file_id: z.string().nullable(),
  job_id: z.string().nullable(),
  status: z.string().nullable(),
  fine_tuned_model: z.string().nullable(),
  trained_tokens: z.number().nullable(),
  error: z.strictObject({ code: z.string().nullable(), message: z.string(), param: z.string().nullable() }).nullable(),
  events: z.array(z.strictObject({ id: z.string(), created_at: z.number(), level: z.string(), message: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TrainState = z.infer<typeof TrainState>;

export const JOB_FILE = "job.json";

/** Read DIR/job.json, or null when there is none; a damaged file is a one-line error. */
export function readTrainState(dir: string): TrainState | null {
  const p = join(dir, JOB_FILE);
  if (!existsSync(p)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, "utf8"));
  } catch (e) {
    throw new AfwError(`${p}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const r = TrainState.safeParse(raw);
  if (!r.success) throw new AfwError(`${p}: not a training record (${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message})`);
  return r.data;
}

/**
 * Why DIR/train.jsonl is not the file DIR/job.json's job was trained on, or
 * null when it is, when the folder has no train.jsonl, or when the record
 * binds nothing (no file uploaded, no job created). A rebuilt or edited file
 * would otherwise pass for the one the fine-tuned model learned from.
 *
 * @example
 * const why = trainFileDrift("runs/ft-ar", readTrainState("runs/ft-ar")!);
 * if (why) console.error(`warning: ${why}`);
 */
export function trainFileDrift(dir: string, s: TrainState): string | null {
  if (!s.file_id && !s.job_id) return null;
  const p = join(dir, "train.jsonl");
  if (!existsSync(p)) return null;
  const now = sha256(readFileSync(p));
  if (now === s.train_sha256) return null;
  return `${p} is not the file this job was trained on (sha256 ${s.train_sha256.slice(0, 12)}…, now ${now.slice(0, 12)}…); restore that file, or build and train a new folder`;
}

export interface FineTunedModel {
  /** The folder it came from. */
  dir: string;
  recipe: string | null;
  /** The recipe hash of the build that made DIR/train.jsonl (DIR/manifest.json), when that build made the file trained; else null. */
  recipeHash: string | null;
  provider: "openai";
  /** The provider's model id, e.g. "ft:gpt-4o-mini-2024-07-18:org:afw-anti-refusal:abc123". */
  model: string;
  base_model: string;
  /** Offline (trained on the local mock): evaluate `evaluateAs` on the organisms. */
  offline: boolean;
  /** The endpoint it was trained on (no credentials), or null offline. Use the same key to query it. */
  baseURL: string | null;
  /** Offline, the organism variant the mock serves for it (e.g. sim-refusal-reflex@ft=anti-refusal); null online. */
  standIn: string | null;
  /** The model name to send: `standIn` offline, `model` online. */
  evaluateAs: string;
}

/** The build manifest's recipe hash, when its train file is the one trained (same sha256). */
function buildRecipeHash(dir: string, trainSha: string): string | null {
  const p = join(dir, "manifest.json");
  if (!existsSync(p)) return null;
  try {
    const m = JSON.parse(readFileSync(p, "utf8")) as { recipe_hash?: unknown; files?: { train_sha256?: unknown } };
    return typeof m.recipe_hash === "string" && m.files?.train_sha256 === trainSha ? m.recipe_hash : null;
  } catch {
    return null;
  }
}

/**
 * The model of a trained folder. Throws a one-line AfwError when the folder
 * has no finished job (not trained, still running, failed or cancelled), or
 * when its train.jsonl is no longer the file trained (trainFileDrift).
 *
 * @example
 * const m = fineTunedModel("runs/ft-anti-refusal");
 * // offline: m.evaluateAs === "sim-refusal-reflex@ft=anti-refusal"
 * // online:  m.evaluateAs === m.model, asked at m.baseURL
 */
export function fineTunedModel(dir: string): FineTunedModel {
  const s = readTrainState(dir);
  const where = join(dir, JOB_FILE);
  if (!s) throw new AfwError(`${where}: no training record; run afw finetune train ${dir}`);
  if (s.status !== "succeeded" || !s.fine_tuned_model) {
    const why = s.status === "failed" ? `failed: ${s.error?.message ?? "no reason given"}` : s.status === "cancelled" ? "was cancelled" : `is ${s.status ?? "not created"}`;
    throw new AfwError(`${where}: job ${s.job_id ?? "(none)"} ${why}; no fine-tuned model to evaluate`);
  }
  const drift = trainFileDrift(dir, s);
  if (drift) throw new AfwError(`${where}: ${s.fine_tuned_model}: ${drift}`);
  const standIn = s.offline ? (s.stand_in ?? s.base_model) : null;
  return {
    dir,
    recipe: s.recipe,
    recipeHash: buildRecipeHash(dir, s.train_sha256),
    provider: s.provider,
    model: s.fine_tuned_model,
    base_model: s.base_model,
    offline: s.offline,
    baseURL: s.offline ? null : s.endpoint,
    standIn,
    evaluateAs: standIn ?? s.fine_tuned_model,
  };
}

/** The prefix that makes a model name a fine-tuning folder: `ft-dir:PATH`. */
export const FT_DIR_PREFIX = "ft-dir:";

/** Whether a model name names a fine-tuning folder (`ft-dir:PATH`). */
export function isFinetuneRef(model: string): boolean {
  return model.startsWith(FT_DIR_PREFIX);
}

/**
 * The `ft-dir:` name of a folder (absolute).
 * @example finetuneRef("runs/ft-ar") // "ft-dir:/home/me/checkout/runs/ft-ar"
 */
export function finetuneRef(dir: string): string {
  return FT_DIR_PREFIX + resolve(dir);
}

/** A fine-tuning folder resolved for one plan. */
export interface ResolvedFinetune {
  /** The name as given (`ft-dir:PATH`). */
  ref: string;
  /** The folder, absolute. */
  dir: string;
  /** The model name the run records: the fine-tuned model id (offline, the id the local mock gave). */
  name: string;
  /** What is sent to the endpoint for `name`: offline the stand-in organism, online the id itself. */
  callAs: string;
  recipe: string | null;
  recipeHash: string | null;
  /** The model it was tuned from, as the provider names it (job base_model). */
  baseModel: string;
  /** Offline, the organism the local mock serves for it; null online. */
  standIn: string | null;
  offline: boolean;
  /** Where it was trained (no credentials), null offline. */
  baseURL: string | null;
  /**
   * The model to compare it with on the same prompt: offline the stand-in's
   * base organism (the part before "@"), online `baseModel`; null when the
   * stand-in has no parameters (no separate base to compare with).
   */
  baseline: string | null;
}

const sameUrl = (a: string, b: string) => redactUrl(a).replace(/\/+$/, "") === redactUrl(b).replace(/\/+$/, "");

/**
 * Resolve `ft-dir:PATH` for a plan that runs offline or at `baseURL`.
 * Errors are one line naming the folder: no folder, no finished job, a
 * folder trained offline named in an online plan or the reverse, or one
 * trained at another endpoint than the run's.
 */
export function resolveFinetuneRef(ref: string, o: { offline: boolean; baseURL?: string | null }): ResolvedFinetune {
  if (!isFinetuneRef(ref)) throw new AfwError(`"${ref}" is not a fine-tuning folder name (${FT_DIR_PREFIX}PATH)`);
  const raw = ref.slice(FT_DIR_PREFIX.length);
  if (!raw) throw new AfwError(`model "${ref}": give the folder after ${FT_DIR_PREFIX} (${FT_DIR_PREFIX}runs/ft-anti-refusal)`);
  const dir = resolve(raw);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`model ${ref}: no such folder ${dir} (build and train it: afw finetune build RECIPE --out ${raw}, then afw finetune train ${raw})`);
  const m = fineTunedModel(dir);
  if (m.offline && !o.offline) {
    throw new AfwError(`model ${ref}: ${dir} was trained offline on the local fine-tuning mock (${m.model}); it exists only offline: run with --offline, or train the folder at a provider`);
  }
  if (!m.offline && o.offline) {
    throw new AfwError(`model ${ref}: ${dir} was trained at ${m.baseURL} (${m.model}); a real fine-tune has no offline stand-in: run it online with --base-url ${m.baseURL}`);
  }
  if (!m.offline && o.baseURL && m.baseURL && !sameUrl(o.baseURL, m.baseURL)) {
    throw new AfwError(`model ${ref}: ${m.model} was trained at ${m.baseURL}, but this run's endpoint is ${redactUrl(o.baseURL)}; a fine-tuned model is served only where it was trained`);
  }
  const at = m.standIn ? m.standIn.indexOf("@") : -1;
  const baseline = m.offline ? (m.standIn && at > 0 ? m.standIn.slice(0, at) : null) : m.base_model;
  return {
    ref,
    dir,
    name: m.model,
    callAs: m.evaluateAs,
    recipe: m.recipe,
    recipeHash: m.recipeHash,
    baseModel: m.base_model,
    standIn: m.standIn,
    offline: m.offline,
    baseURL: m.baseURL,
    baseline,
  };
}

/**
 * A resolved folder's factors, as the manifest records them for its model
 * (and the frame shows as columns): `finetune` (the folder), `finetune_model`,
 * `finetune_recipe`, `finetune_recipe_hash`, `finetune_base_model`,
 * `finetune_stand_in`, `finetune_baseline`, `finetune_offline`.
 */
export function finetuneFactors(r: ResolvedFinetune): Factors {
  return {
    finetune: r.dir,
    finetune_model: r.name,
    finetune_recipe: r.recipe,
    finetune_recipe_hash: r.recipeHash,
    finetune_base_model: r.baseModel,
    finetune_stand_in: r.standIn,
    finetune_baseline: r.baseline,
    finetune_offline: r.offline,
  };
}

/** A fine-tuned model of a run, as its manifest's model factors record it (results read back). */
export interface RecordedFinetune {
  /** The run's model name. */
  name: string;
  dir: string;
  recipe: string | null;
  baseline: string | null;
}

/** The fine-tuned models a run's model factors record (those with a `finetune` factor). */
export function finetunesFromFactors(modelFactors: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined | null): RecordedFinetune[] {
  const out: RecordedFinetune[] = [];
  for (const [name, f] of Object.entries(modelFactors ?? {})) {
    if (typeof f.finetune !== "string") continue;
    out.push({ name, dir: f.finetune, recipe: typeof f.finetune_recipe === "string" ? f.finetune_recipe : null, baseline: typeof f.finetune_baseline === "string" ? f.finetune_baseline : null });
  }
  return out;
}
