/**
 * A trained folder as something to evaluate: `fineTunedModel(dir)` reads
 * DIR/job.json and says which model id to ask, where, and what stands in for
 * it offline. It lives in lib/experiments/finetuned.ts, where the plan
 * resolves an experiment's `ft-dir:PATH` models through it; re-exported here.
 */
export { fineTunedModel, type FineTunedModel } from "../experiments/index";
