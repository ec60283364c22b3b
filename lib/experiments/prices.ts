import { costOf, priceFor } from "../models/prices";
/**
 * Approximate list prices in US dollars per million tokens (input, output),
 * by provider id, for `afw run --dry-run` estimates. They are rough, taken
 * from public price pages in 2025, and change often: treat the estimate as
 * an order of magnitude, not a quote. Unknown ids are reported as "unknown";
 * the simulated organisms cost nothing.
 */
export const PRICES_PER_MTOK: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  "openai/gpt-4": [30, 60],
  "openai/gpt-4o": [2.5, 10],
  "openai/gpt-4o-mini": [0.15, 0.6],
  "openai/gpt-4.1": [2, 8],
  "openai/gpt-4.1-mini": [0.4, 1.6],
  "openai/gpt-4.5-preview": [75, 150],
  "anthropic/claude-3-opus": [15, 75],
  "anthropic/claude-opus-4": [15, 75],
  "anthropic/claude-sonnet-4": [3, 15],
  "anthropic/claude-3.7-sonnet": [3, 15],
  "anthropic/claude-3.5-sonnet": [3, 15],
  "anthropic/claude-3.5-sonnet-20240620": [3, 15],
  "google/gemini-2.5-flash": [0.3, 2.5],
  "google/gemini-2.0-flash-001": [0.1, 0.4],
  "x-ai/grok-3-beta": [3, 15],
  "meta-llama/llama-4-scout": [0.08, 0.3],
  "meta-llama/llama-4-maverick": [0.15, 0.6],
  "meta-llama/llama-3-70b-instruct": [0.3, 0.4],
  "meta-llama/llama-3.3-70b-instruct": [0.1, 0.3],
  "meta-llama/llama-3.1-405b-instruct": [0.8, 0.8],
  "meta-llama/llama-3.1-405b": [4, 4],
  "deepseek/deepseek-chat": [0.3, 0.9],
  "deepseek/deepseek-r1": [0.5, 2.2],
  "deepseek/deepseek-v3-base": [0.3, 0.9],
  "qwen/qwen-2.5-coder-32b-instruct": [0.07, 0.16],
  "qwen/qwen-2.5-72b-instruct": [0.12, 0.39],
  "mistralai/mixtral-8x22b-instruct": [0.9, 0.9],
  "mistralai/mistral-large-2407": [2, 6],
});

/** The vendor a bare model id belongs to, for the dated price table (claude-… → anthropic, gpt-… / o1… → openai). */
function vendorOf(model: string): string | null {
  if (/^claude-/i.test(model)) return "anthropic";
  if (/^(gpt-|o[134](-|$)|chatgpt-)/i.test(model)) return "openai";
  if (/^deepseek-/i.test(model)) return "deepseek";
  return null;
}

/**
 * Estimated cost in dollars, 0 for simulated organisms (sim-*), or null when
 * the price is unknown: the OpenRouter-style ids above, else the model door's
 * dated price table (lib/models/prices.ts) for the provider's own ids
 * (e.g. "claude-sonnet-4-5", "gpt-4o"), at list price without caching.
 */
export function estimateCost(model: string, promptTokens: number, completionTokens: number): number | null {
  if (/^sim-/.test(model)) return 0;
  const p = PRICES_PER_MTOK[model];
  if (p) return (promptTokens * p[0] + completionTokens * p[1]) / 1e6;
  const vendor = model.includes("/") ? "openrouter" : vendorOf(model);
  const row = vendor ? priceFor(vendor, model) : null;
  if (!row) return null;
  return costOf({ prompt_tokens: promptTokens, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: completionTokens, reasoning_tokens: 0 }, row.price);
}
