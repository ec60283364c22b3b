/**
 * A plan as the requests a cost estimate counts (lib/models/batch
 * estimateSweepCost): every (condition, model, tier, query) rendered once,
 * sent `samples` times, with the completion length the plan guesses
 * (COMPLETION_TOKENS_ESTIMATE), under the id and provider each model would
 * be asked for. `afw run EXPERIMENT --dry-run` prints the estimate;
 * bench/batch-cost.ts prints it for figure1.
 */
import { catalogueEntry, DEFAULT_PROVIDER, findProfile, modelIdAt, type EstimateRequest } from "../models/index";
import type { Params } from "../schema/index";
import { COMPLETION_TOKENS_ESTIMATE, type Plan } from "./plan";

/** Where a model is asked for: the provider profile's name and the id there. */
export interface Placement {
  provider: string;
  id: string;
}

/** Providers in the order a paper model is placed at when no provider is chosen: the batch APIs first, then the others. */
export const PLACEMENT_ORDER = ["anthropic", "openai", "xai", "gemini-openai", "together", "deepinfra", "openrouter"] as const;

/**
 * Where a model would run when no provider is chosen: the first provider
 * of PLACEMENT_ORDER that serves it (the catalogue's ids), else by its
 * name (claude-* at Anthropic, gpt-* and o-series at OpenAI), else
 * OpenRouter under its own name.
 * @example defaultPlacement("anthropic/claude-3-opus") // { provider: "anthropic", id: "claude-3-opus-20240229" }
 */
export function defaultPlacement(model: string): Placement {
  if (catalogueEntry(model)) {
    for (const p of PLACEMENT_ORDER) {
      const id = modelIdAt(p, model);
      if (id) return { provider: p, id };
    }
  }
  if (/^claude-/.test(model)) return { provider: "anthropic", id: model };
  if (/^(gpt-|chatgpt-|o\d)/.test(model)) return { provider: "openai", id: model };
  return { provider: "openrouter", id: model };
}

/**
 * Placement at one chosen provider: the catalogue's id there for a paper
 * model (built-in profiles), else the name as given (the generic and saved
 * profiles take names as given, as the endpoint does).
 */
export function placementAt(provider: string): (model: string) => Placement {
  const mapping = provider !== DEFAULT_PROVIDER && findProfile(provider) !== null;
  return (model) => ({ provider, id: mapping ? (modelIdAt(provider, model) ?? model) : model });
}

/**
 * Every request of a plan, for the estimate: one EstimateRequest per
 * (condition, model, tier, query), counted `samples` times.
 * @example const est = await estimateSweepCost(planEstimateRequests(plan, defaultPlacement)); formatEstimate(est)
 */
export function planEstimateRequests(plan: Plan, place: (model: string) => Placement = defaultPlacement, params: Partial<Params> = {}): EstimateRequest[] {
  const out: EstimateRequest[] = [];
  for (const c of plan.conditions) {
    const completionTokens = params.max_tokens !== undefined ? Math.min(params.max_tokens, c.cot ? COMPLETION_TOKENS_ESTIMATE.cot : COMPLETION_TOKENS_ESTIMATE.noCot) : c.cot ? COMPLETION_TOKENS_ESTIMATE.cot : COMPLETION_TOKENS_ESTIMATE.noCot;
    for (const m of c.models) {
      const { provider, id } = place(plan.callAs[m] ?? m);
      for (const tier of c.tiers) {
        for (const q of c.queries) {
          out.push({ model: id, provider, request: c.scenario.render(q, tier, params).request, count: c.samples, completionTokens });
        }
      }
    }
  }
  return out;
}
