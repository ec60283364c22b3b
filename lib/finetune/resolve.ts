/**
 * A trained folder as something to evaluate: `fineTunedModel(dir)` reads
 * DIR/job.json and says which model id to ask, where, and what stands in for
 * it offline. This is the function an experiment calls when it names a
 * fine-tuning folder instead of a model id.
 */
import { join } from "node:path";
import { AfwError } from "../util/errors";
import { JOB_FILE, readTrainState } from "./train";

export interface FineTunedModel {
  /** The folder it came from. */
  dir: string;
  recipe: string | null;
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
  /** The model name to put in a run: `standIn` offline, `model` online. */
  evaluateAs: string;
}

/**
 * The model of a trained folder. Throws a one-line AfwError when the folder
 * has no finished job (not trained, still running, failed or cancelled).
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
  const standIn = s.offline ? (s.stand_in ?? s.base_model) : null;
  return {
    dir,
    recipe: s.recipe,
    provider: s.provider,
    model: s.fine_tuned_model,
    base_model: s.base_model,
    offline: s.offline,
    baseURL: s.offline ? null : s.endpoint,
    standIn,
    evaluateAs: standIn ?? s.fine_tuned_model,
  };
}
