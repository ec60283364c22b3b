import { costOf, priceFor } from "../models/prices";

/** The vendor a bare model id belongs to, for the dated price table (claude-… → anthropic, gpt-… / o1… → openai). */
function vendorOf(model: string): string | null {
  if (/^claude-/i.test(model)) return "anthropic";
  if (/^(gpt-|o[134](-|$)|chatgpt-)/i.test(model)) return "openai";
  if (/^deepseek-/i.test(model)) return "deepseek";
  return null;
}

/**
 * Estimated cost in dollars at list price without caching, for planners that
 * price a step before its provider is chosen (paraphrase sets, fine-tuning
 * sets): 0 for simulated organisms (sim-*), null when the price is unknown.
 * Prices come from the one dated table (lib/models/prices.ts): OpenRouter-
 * style ids ("openai/gpt-4o", "meta-llama/…") as OpenRouter bills them, a
 * provider's own ids ("claude-sonnet-4-5", "gpt-4o") at their vendor.
 *
 * @example estimateCost("openai/gpt-4o", 1_000_000, 0); // 2.5
 */
export function estimateCost(model: string, promptTokens: number, completionTokens: number): number | null {
  if (/^sim-/.test(model)) return 0;
  const vendor = model.includes("/") ? "openrouter" : vendorOf(model);
  const row = vendor ? priceFor(vendor, model) : null;
  if (!row) return null;
  return costOf({ prompt_tokens: promptTokens, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: completionTokens, reasoning_tokens: 0 }, row.price);
}
