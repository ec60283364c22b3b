/**
 * The papers' models at each provider: the experiment catalogue names a
 * model by its OpenRouter id; this maps it to the id each provider serves
 * it under (or null when that provider does not serve it), and says,
 * before a run, which requested models cannot be reached at the chosen
 * provider (not served, retired) or will soon not be (retiring).
 *
 * Vendor ids (Anthropic, OpenAI, Google, xAI, DeepSeek) follow the vendors'
 * model pages; aggregator ids (Together, DeepInfra) and Hugging Face ids
 * (for vLLM / llama.cpp) are the usual repository names and change more
 * often: a live check against the provider's /models list
 * (`afw probe`) settles them.
 */
import { retirementOf, todayIso } from "./model-rules";
import { findProfile } from "./providers";

/** Ids of one paper model at each provider; "hf" is the weights' Hugging Face id (vllm, llamacpp, generic servers). */
export interface CatalogueEntry {
  /** The OpenRouter id the experiment catalogue uses. */
  paper: string;
  label: string;
  ids: Partial<Record<"openrouter" | "anthropic" | "anthropic-openai" | "openai" | "gemini-openai" | "xai" | "together" | "deepinfra" | "deepseek" | "hf", string>>;
  note?: string;
}

const e = (paper: string, label: string, ids: CatalogueEntry["ids"], note?: string): CatalogueEntry => ({ paper, label, ids: { openrouter: paper, ...ids }, ...(note ? { note } : {}) });

/** Every model the experiment catalogue and the judges name. */
export const MODEL_CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  e("anthropic/claude-3-opus", "Claude 3 Opus", { anthropic: "claude-3-opus-20240229", "anthropic-openai": "claude-3-opus-20240229" }, "retired 2026-01-05; API access by request only"),
  e("anthropic/claude-3.5-sonnet-20240620", "Claude 3.5 Sonnet (June)", { anthropic: "claude-3-5-sonnet-20240620", "anthropic-openai": "claude-3-5-sonnet-20240620" }),
  e("anthropic/claude-3.5-sonnet", "Claude 3.5 Sonnet (Oct)", { anthropic: "claude-3-5-sonnet-20241022", "anthropic-openai": "claude-3-5-sonnet-20241022" }),
  e("anthropic/claude-3.7-sonnet", "Claude 3.7 Sonnet", { anthropic: "claude-3-7-sonnet-20250219", "anthropic-openai": "claude-3-7-sonnet-20250219" }),
  e("anthropic/claude-sonnet-4", "Claude 4 Sonnet", { anthropic: "claude-sonnet-4-20250514", "anthropic-openai": "claude-sonnet-4-20250514" }),
  e("anthropic/claude-opus-4", "Claude 4 Opus", { anthropic: "claude-opus-4-20250514", "anthropic-openai": "claude-opus-4-20250514" }),
  e("openai/gpt-4", "GPT-4", { openai: "gpt-4" }),
  e("openai/gpt-4o", "GPT-4o", { openai: "gpt-4o" }),
  e("openai/gpt-4o-mini", "GPT-4o mini", { openai: "gpt-4o-mini" }),
  e("openai/gpt-4.1", "GPT-4.1", { openai: "gpt-4.1" }),
  e("openai/gpt-4.1-mini", "GPT-4.1 mini", { openai: "gpt-4.1-mini" }),
  e("openai/gpt-4.5-preview", "GPT-4.5", { openai: "gpt-4.5-preview" }, "removed from the API in 2025 (?)"),
  e("openai/gpt-4o-2024-08-06", "GPT-4o (2024-08-06, judge)", { openai: "gpt-4o-2024-08-06" }),
  e("openai/gpt-4o-2024-11-20", "GPT-4o (2024-11-20, judge)", { openai: "gpt-4o-2024-11-20" }),
  e("openai/gpt-4-1106-preview", "GPT-4 Turbo preview (OSAF classic judge)", { openai: "gpt-4-1106-preview" }),
  e("openai/gpt-5-nano", "GPT-5 nano (judge)", { openai: "gpt-5-nano" }),
  e("google/gemini-2.0-flash-001", "Gemini 2.0 Flash", { "gemini-openai": "gemini-2.0-flash-001" }),
  e("google/gemini-2.5-flash", "Gemini 2.5 Flash", { "gemini-openai": "gemini-2.5-flash" }),
  e("x-ai/grok-3-beta", "Grok 3 Beta", { xai: "grok-3-beta" }),
  e("meta-llama/llama-3.1-405b-instruct", "Llama 3 405B", {
    together: "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",
    deepinfra: "meta-llama/Meta-Llama-3.1-405B-Instruct",
    hf: "meta-llama/Llama-3.1-405B-Instruct",
  }),
  e("meta-llama/llama-3.3-70b-instruct", "Llama 3.3 70B", {
    together: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    deepinfra: "meta-llama/Llama-3.3-70B-Instruct",
    hf: "meta-llama/Llama-3.3-70B-Instruct",
  }),
  e("meta-llama/llama-3-70b-instruct", "Llama 3 70B", { together: "meta-llama/Llama-3-70b-chat-hf", deepinfra: "meta-llama/Meta-Llama-3-70B-Instruct", hf: "meta-llama/Meta-Llama-3-70B-Instruct" }),
  e("meta-llama/llama-4-scout", "Llama 4 Scout", {
    together: "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    deepinfra: "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    hf: "meta-llama/Llama-4-Scout-17B-16E-Instruct",
  }),
  e("meta-llama/llama-4-maverick", "Llama 4 Maverick", {
    together: "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    deepinfra: "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    hf: "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
  }),
  e("meta-llama/llama-3.1-405b", "Llama 3.1 405B (base)", { hf: "meta-llama/Llama-3.1-405B" }),
  e("deepseek/deepseek-chat", "DeepSeek V3 Chat", { deepseek: "deepseek-chat", together: "deepseek-ai/DeepSeek-V3", deepinfra: "deepseek-ai/DeepSeek-V3", hf: "deepseek-ai/DeepSeek-V3" }, "deepseek-chat at DeepSeek now serves a later V3 than the paper's"),
  e("deepseek/deepseek-r1", "DeepSeek R1", { deepseek: "deepseek-reasoner", together: "deepseek-ai/DeepSeek-R1", deepinfra: "deepseek-ai/DeepSeek-R1", hf: "deepseek-ai/DeepSeek-R1" }, "deepseek-reasoner at DeepSeek now serves a later model than R1"),
  e("deepseek/deepseek-v3-base", "DeepSeek V3 (base)", { hf: "deepseek-ai/DeepSeek-V3-Base" }),
  e("qwen/qwen-2.5-coder-32b-instruct", "Qwen 2.5 Coder 32B", { together: "Qwen/Qwen2.5-Coder-32B-Instruct", deepinfra: "Qwen/Qwen2.5-Coder-32B-Instruct", hf: "Qwen/Qwen2.5-Coder-32B-Instruct" }),
  e("qwen/qwen-2.5-72b-instruct", "Qwen 2.5 72B", { together: "Qwen/Qwen2.5-72B-Instruct-Turbo", deepinfra: "Qwen/Qwen2.5-72B-Instruct", hf: "Qwen/Qwen2.5-72B-Instruct" }),
  e("mistralai/mixtral-8x22b-instruct", "Mixtral 8x22B", { together: "mistralai/Mixtral-8x22B-Instruct-v0.1", deepinfra: "mistralai/Mixtral-8x22B-Instruct-v0.1", hf: "mistralai/Mixtral-8x22B-Instruct-v0.1" }),
  e("mistralai/mistral-large-2407", "Mistral Large 2", { hf: "mistralai/Mistral-Large-Instruct-2407" }),
] satisfies CatalogueEntry[]);

/** The catalogue entry of a paper id (or of any id a provider uses for it), or null. */
export function catalogueEntry(id: string): CatalogueEntry | null {
  return MODEL_CATALOGUE.find((x) => x.paper === id || Object.values(x.ids).includes(id)) ?? null;
}

const HF_PROVIDERS = new Set(["vllm", "llamacpp", "openai-compatible"]);

/**
 * The id a provider serves a paper model under; null when it does not
 * serve it; the id itself when it is not in the catalogue (the user named
 * a model the catalogue does not know).
 * @example modelIdAt("anthropic", "anthropic/claude-3-opus") // "claude-3-opus-20240229"
 * @example modelIdAt("openai", "anthropic/claude-3-opus") // null
 */
export function modelIdAt(provider: string, paperModel: string): string | null {
  const entry = catalogueEntry(paperModel);
  if (!entry) return paperModel;
  if (HF_PROVIDERS.has(provider)) return entry.ids.hf ?? null;
  return (entry.ids as Record<string, string | undefined>)[provider] ?? null;
}

/** One line of a reachability check. */
export interface Reachability {
  paper: string;
  /** The id the provider would be asked for, or null. */
  id: string | null;
  state: "ok" | "retiring" | "retired" | "not-served" | "unknown";
  /** One line for the user. */
  line: string;
}

/**
 * Which requested models can be reached at a provider, from the catalogue
 * and the retirement table (and, when given, the provider's own list of
 * served ids from GET /models).
 * @example reachability("openai", ["openai/gpt-4o", "anthropic/claude-3-opus"], { today: "2026-11-29" }).map((r) => r.state) // ["retiring", "not-served"]
 */
export function reachability(provider: string, models: readonly string[], opts: { today?: string; served?: ReadonlySet<string> } = {}): Reachability[] {
  const today = opts.today ?? todayIso();
  const profile = findProfile(provider);
  return models.map((paper) => {
    if (/^sim-/.test(paper)) return { paper, id: paper, state: "ok", line: `${paper}: simulated organism (offline)` } satisfies Reachability;
    const id = modelIdAt(provider, paper);
    if (id === null) return { paper, id, state: "not-served", line: `${paper}: not served by ${provider}; use ${servedBy(paper).join(", ") || "another provider"}` };
    if (opts.served && !opts.served.has(id)) return { paper, id, state: "not-served", line: `${paper}: ${provider} does not list ${id} in /models` };
    const vendors = profile ? profile.vendors : [];
    const ret = retirementOf(vendors, provider === "openrouter" ? paper : id, today);
    if (ret?.state === "retired") return { paper, id, state: "retired", line: `${paper}: ${id} retired on ${ret.date} (${ret.note})` };
    if (ret?.state === "retiring") return { paper, id, state: "retiring", line: `${paper}: ${id} shuts down on ${ret.date} (in ${ret.days} days)` };
    if (HF_PROVIDERS.has(provider)) return { paper, id, state: "unknown", line: `${paper}: serve ${id} on your ${provider} server` };
    return { paper, id, state: "ok", line: `${paper}: ${id}` };
  });
}

/** The providers the catalogue knows serve a paper model. */
export function servedBy(paper: string): string[] {
  const entry = catalogueEntry(paper);
  if (!entry) return [];
  return Object.keys(entry.ids).map((k) => (k === "hf" ? "vllm" : k));
}
