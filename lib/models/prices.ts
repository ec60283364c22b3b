/**
 * A dated price table, by provider and model id, in US dollars per million
 * tokens: uncached input, cached input (cache reads), cache writes, output,
 * and reasoning (billed as output unless a row says otherwise). Batch APIs
 * bill about half (Spend takes the discount).
 *
 * Rows marked `checked: true` were read from the page in `source` for this
 * table; the others are the providers' list prices as last known and should
 * be verified before budgeting (spend rows say which kind they used).
 * A provider's own reported cost (OpenRouter's usage.cost) always wins.
 */
import { normaliseModelId } from "./model-rules";

/** Dollars per million tokens. */
export interface Price {
  input: number;
  cached_input?: number;
  cache_write?: number;
  output: number;
  reasoning?: number;
}

/** One row: a model id (normalised; a trailing "*" matches a prefix) at a vendor. */
export interface PriceRow {
  vendor: string;
  model: string;
  price: Price;
  checked: boolean;
  source: string;
}

/** The date of the table. */
export const PRICE_TABLE_DATE = "2026-11-29";

const ANTHROPIC = "https://platform.claude.com/docs/en/about-claude/pricing";
const OPENAI = "https://developers.openai.com/api/docs/pricing";
const DEEPSEEK = "https://api-docs.deepseek.com/quick_start/pricing";
const OPENROUTER = "https://openrouter.ai/models";

/** OpenRouter's list price for a model it serves from several hosts (ids normalised: org dropped, "." → "-"). */
const r = (model: string, input: number, output: number): PriceRow => ({ vendor: "openrouter", model, price: { input, output }, checked: false, source: OPENROUTER });

const a = (model: string, input: number, write: number, read: number, output: number, checked = true): PriceRow => ({
  vendor: "anthropic",
  model,
  price: { input, cache_write: write, cached_input: read, output },
  checked,
  source: ANTHROPIC,
});
const o = (model: string, input: number, cached: number | undefined, output: number, checked = false): PriceRow => ({
  vendor: "openai",
  model,
  price: cached === undefined ? { input, output } : { input, cached_input: cached, output },
  checked,
  source: OPENAI,
});

/** Rows in match order: the first row whose id matches wins, so specific ids come before prefixes. */
export const PRICE_TABLE: readonly PriceRow[] = Object.freeze([
  a("claude-opus-5-5*", 4, 5, 0.2, 20, false),
  a("claude-opus-5*", 5, 6.25, 0.5, 25),
  a("claude-opus-4-5*", 5, 6.25, 0.5, 25),
  a("claude-opus-4-6*", 5, 6.25, 0.5, 25),
  a("claude-opus-4-7*", 5, 6.25, 0.5, 25),
  a("claude-opus-4-8*", 5, 6.25, 0.5, 25),
  a("claude-opus-4-1*", 15, 18.75, 1.5, 75),
  a("claude-opus-4*", 15, 18.75, 1.5, 75),
  a("claude-3-opus*", 15, 18.75, 1.5, 75),
  a("claude-sonnet-5-5*", 2, 2.5, 0.1, 10, false),
  a("claude-sonnet-5*", 2, 2.5, 0.2, 10, false),
  a("claude-sonnet-4*", 3, 3.75, 0.3, 15),
  a("claude-3-7-sonnet*", 3, 3.75, 0.3, 15),
  a("claude-3-5-sonnet*", 3, 3.75, 0.3, 15),
  a("claude-haiku-4-5*", 1, 1.25, 0.1, 5),
  a("claude-3-5-haiku*", 0.8, 1, 0.08, 4),
  a("claude-3-haiku*", 0.25, 0.3, 0.03, 1.25),
  o("gpt-4o-mini*", 0.15, 0.075, 0.6, true),
  o("gpt-4o-2024-05-13", 5, undefined, 15),
  o("gpt-4o*", 2.5, 1.25, 10, true),
  o("gpt-4-1-nano*", 0.1, 0.025, 0.4),
  o("gpt-4-1-mini*", 0.4, 0.1, 1.6),
  o("gpt-4-1*", 2, 0.5, 8),
  o("gpt-4-5*", 75, 37.5, 150),
  o("gpt-4-1106-preview", 10, undefined, 30),
  o("gpt-4-turbo*", 10, undefined, 30),
  o("gpt-4", 30, undefined, 60),
  o("gpt-4-0613", 30, undefined, 60),
  o("o1-mini*", 1.1, 0.55, 4.4),
  o("o1*", 15, 7.5, 60, true),
  o("o3-mini*", 1.1, 0.55, 4.4),
  o("o3*", 2, 0.5, 8),
  o("o4-mini*", 1.1, 0.275, 4.4),
  o("gpt-5-nano*", 0.05, 0.005, 0.4),
  o("gpt-5-mini*", 0.25, 0.025, 2),
  o("gpt-5", 1.25, 0.125, 10, true),
  o("gpt-5-20*", 1.25, 0.125, 10, true),
  { vendor: "deepseek", model: "deepseek-chat", price: { input: 0.28, cached_input: 0.028, output: 0.42 }, checked: false, source: DEEPSEEK },
  { vendor: "deepseek", model: "deepseek-reasoner", price: { input: 0.28, cached_input: 0.028, output: 0.42 }, checked: false, source: DEEPSEEK },
  // Vendors' own list prices, last known (unchecked here).
  { vendor: "google", model: "gemini-2-5-pro*", price: { input: 1.25, output: 10 }, checked: false, source: "https://ai.google.dev/gemini-api/docs/pricing" },
  { vendor: "google", model: "gemini-2-5-flash*", price: { input: 0.3, output: 2.5 }, checked: false, source: "https://ai.google.dev/gemini-api/docs/pricing" },
  { vendor: "google", model: "gemini-2-0-flash*", price: { input: 0.1, output: 0.4 }, checked: false, source: "https://ai.google.dev/gemini-api/docs/pricing" },
  { vendor: "together", model: "meta-llama-3-1-405b-instruct-turbo", price: { input: 3.5, output: 3.5 }, checked: false, source: "https://www.together.ai/pricing" },
  { vendor: "xai", model: "grok-3*", price: { input: 3, output: 15 }, checked: false, source: "https://docs.x.ai/docs/models" },
  // Open-weight and other models as OpenRouter lists them (prices vary by host; last known, unchecked).
  r("llama-4-scout*", 0.08, 0.3),
  r("llama-4-maverick*", 0.15, 0.6),
  r("llama-3-70b-instruct", 0.3, 0.4),
  r("llama-3-3-70b-instruct", 0.1, 0.3),
  r("llama-3-1-405b-instruct", 0.8, 0.8),
  r("llama-3-1-405b", 4, 4),
  r("deepseek-r1*", 0.5, 2.2),
  r("deepseek-v3-base", 0.3, 0.9),
  r("qwen-2-5-coder-32b-instruct", 0.07, 0.16),
  r("qwen-2-5-72b-instruct", 0.12, 0.39),
  r("mixtral-8x22b-instruct", 0.9, 0.9),
  r("mistral-large-2407", 2, 6),
] satisfies PriceRow[]);

/**
 * The vendors whose prices apply to a model at a provider, in the order they
 * are tried. OpenRouter bills the upstream list price, so its ids are priced
 * at their vendor first, then at OpenRouter's own rows; its own usage.cost
 * wins over both when present.
 */
function vendorsFor(provider: string, model: string): string[] {
  switch (provider) {
    case "openai":
      return ["openai"];
    case "anthropic":
    case "anthropic-openai":
      return ["anthropic"];
    case "deepseek":
      return ["deepseek"];
    case "xai":
      return ["xai"];
    case "together":
      return ["together"];
    case "gemini-openai":
      return ["google"];
    case "openrouter": {
      const org = model.includes("/") ? model.slice(0, model.indexOf("/")) : "";
      const upstream = ({ openai: "openai", anthropic: "anthropic", deepseek: "deepseek", "x-ai": "xai", google: "google" } as Record<string, string>)[org];
      return upstream ? [upstream, "openrouter"] : ["openrouter"];
    }
    default:
      return [];
  }
}

/**
 * The price row for a model at a provider, or null when unknown.
 * @example priceFor("anthropic", "claude-sonnet-4-5-20250929")?.price.output // 15
 * @example priceFor("openrouter", "meta-llama/llama-3.1-405b-instruct")?.price.input // 0.8
 */
export function priceFor(provider: string, model: string, table: readonly PriceRow[] = PRICE_TABLE): PriceRow | null {
  const id = normaliseModelId(model);
  for (const vendor of vendorsFor(provider, model)) {
    for (const r of table) {
      if (r.vendor !== vendor) continue;
      if (r.model.endsWith("*") ? id.startsWith(r.model.slice(0, -1)) : id === r.model) return r;
    }
  }
  return null;
}

/** Token counts priced apart. */
export interface PricedTokens {
  prompt_tokens: number;
  cached_prompt_tokens: number;
  cache_creation_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

/**
 * Dollars for a set of tokens at a price, times a discount (0.5 for batch).
 * Uncached input = prompt − cache reads − cache writes; reasoning tokens are
 * part of the completion tokens and billed at `reasoning` when the row has one.
 * @example costOf({ prompt_tokens: 1_000_000, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: 1_000_000, reasoning_tokens: 0 }, { input: 3, output: 15 }) // 18
 */
export function costOf(t: PricedTokens, p: Price, discount = 1): number {
  const uncached = Math.max(0, t.prompt_tokens - t.cached_prompt_tokens - t.cache_creation_tokens);
  const reasoning = Math.min(t.reasoning_tokens, t.completion_tokens);
  const usd =
    uncached * p.input +
    t.cached_prompt_tokens * (p.cached_input ?? p.input) +
    t.cache_creation_tokens * (p.cache_write ?? p.input) +
    (t.completion_tokens - reasoning) * p.output +
    reasoning * (p.reasoning ?? p.output);
  return (usd / 1e6) * discount;
}
