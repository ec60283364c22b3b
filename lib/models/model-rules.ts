/**
 * What a model (rather than its provider) accepts: reasoning models that
 * take no temperature and a different token-limit parameter, Claude models
 * that no longer continue a prefill, models that write their reasoning
 * inline, and the retirement dates of the models the papers used.
 *
 * A rule taken from one provider's documentation names that provider in
 * `providers`, so it is not applied where another server runs the model.
 *
 * Model ids are matched after dropping a router's vendor prefix
 * ("openai/gpt-4o" → "gpt-4o") and writing dots in version numbers as
 * dashes ("claude-3.5-sonnet" → "claude-3-5-sonnet"), so one rule covers the
 * id at the vendor and at OpenRouter.
 */
import type { TokenParam } from "./providers";

/** A rule about a family of models. */
export interface ModelRule {
  name: string;
  /** Matched against the normalised id (see normaliseModelId). */
  match: RegExp;
  /** Applies only at these providers (default: at every provider). */
  providers?: string[];
  tokenParam?: TokenParam;
  /**
   * any: set freely; default-only: only the default (1) is accepted;
   * none: must not be sent; ignored: accepted but without effect.
   */
  temperature?: "any" | "default-only" | "none" | "ignored";
  /** With reasoning_effort "none" the model takes a temperature again (gpt-5.1+). */
  temperatureWithoutReasoning?: boolean;
  /** Takes reasoning_effort. */
  reasoningEffort?: boolean;
  /** False: rejects a trailing assistant message. */
  prefill?: boolean;
  /** Writes its reasoning inline and may open with no <think> (only the closing tag). */
  thinkTag?: boolean;
  note: string;
  source: string;
}

/** The rules, most specific first; every matching rule applies (later ones fill what earlier ones left unset). */
export const MODEL_RULES: readonly ModelRule[] = Object.freeze([
  {
    name: "gpt-5.1+ reasoning",
    match: /^gpt-5-[1-9](-[a-z]|-\d{4}-|$)/,
    tokenParam: "max_completion_tokens",
    providers: ["openai"],
    temperature: "default-only",
    temperatureWithoutReasoning: true,
    reasoningEffort: true,
    note: "reasoning model: max_completion_tokens (reasoning included), default temperature only unless reasoning_effort is none",
    source: "https://developers.openai.com/api/docs/guides/reasoning",
  },
  {
    name: "OpenAI reasoning models",
    match: /^(o1|o3|o4-mini|gpt-5|gpt-6)(\b|[-.]|$)/,
    providers: ["openai"],
    tokenParam: "max_completion_tokens",
    reasoningEffort: true,
    note: "max_tokens is rejected: the limit is max_completion_tokens, which includes the hidden reasoning",
    source: "https://github.com/teilomillet/gollm/issues/33",
  },
  {
    name: "OpenAI reasoning models (temperature)",
    match: /^(o1|o3|o4-mini|gpt-5|gpt-6)(\b|[-.]|$)/,
    temperature: "default-only",
    reasoningEffort: true,
    note: "only the default temperature (1) is accepted: a temperature-0 run cannot be made with this model",
    source: "https://github.com/OpenHands/OpenHands/issues/4131",
  },
  {
    name: "Claude Opus 4.7",
    match: /^claude-opus-4-7/,
    temperature: "none",
    prefill: false,
    note: "rejects temperature (?) and any prefill",
    source: "https://github.com/crewAIInc/crewAI/pull/5810",
  },
  {
    name: "Claude 4.6+ and 5.x",
    match: /^claude-(opus|sonnet|haiku|fable|mythos)-(4-([6-9]|\d\d)|[5-9])(\b|-|$)/,
    prefill: false,
    note: "rejects any request that ends on an assistant turn (400 \"does not support assistant message prefill\")",
    source: "https://github.com/vercel/ai/issues/12296",
  },
  {
    // DeepSeek's own API documents this for its reasoner; the open weights served elsewhere (vLLM,
    // llama.cpp, Together, DeepInfra, OpenRouter's upstreams) sample at the temperature asked.
    name: "DeepSeek reasoner (DeepSeek's API)",
    match: /^deepseek-(reasoner|r1)/,
    providers: ["deepseek"],
    temperature: "ignored",
    thinkTag: true,
    note: "at DeepSeek's API, temperature, top_p and penalties are accepted but have no effect",
    source: "https://api-docs.deepseek.com/guides/reasoning_model",
  },
  {
    name: "open reasoning models",
    match: /(^|[-/])(r1|qwq|qwen3|deepseek-r1-distill)|thinking/,
    thinkTag: true,
    note: "may write reasoning inline as <think>…</think>, or only the closing tag when the chat template opened it",
    source: "https://github.com/vllm-project/vllm/issues/27755",
  },
] satisfies ModelRule[]);

/**
 * A model id as the rules see it: vendor prefix dropped, lower case, dots
 * between digits as dashes.
 * @example normaliseModelId("anthropic/claude-3.5-sonnet") // "claude-3-5-sonnet"
 */
export function normaliseModelId(model: string): string {
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  return bare.toLowerCase().replace(/(\d)\.(\d)/g, "$1-$2");
}

/** What the rules say about one model at one provider. */
export interface ModelTraits {
  tokenParam: TokenParam | null;
  temperature: "any" | "default-only" | "none" | "ignored";
  temperatureWithoutReasoning: boolean;
  reasoningEffort: boolean;
  prefill: boolean;
  thinkTag: boolean;
  /** The rules that matched, for messages. */
  rules: ModelRule[];
}

/**
 * The traits of a model at a provider.
 * @example modelTraits("openai", "o3-mini").tokenParam // "max_completion_tokens"
 */
export function modelTraits(provider: string, model: string): ModelTraits {
  const id = normaliseModelId(model);
  const t: ModelTraits = {
    tokenParam: null,
    temperature: "any",
    temperatureWithoutReasoning: false,
    reasoningEffort: false,
    prefill: true,
    thinkTag: false,
    rules: [],
  };
  let tempSet = false;
  for (const r of MODEL_RULES) {
    if (!r.match.test(id)) continue;
    if (r.providers && !r.providers.includes(provider)) continue;
    t.rules.push(r);
    if (r.tokenParam && !t.tokenParam) t.tokenParam = r.tokenParam;
    if (r.temperature && !tempSet) {
      t.temperature = r.temperature;
      tempSet = true;
    }
    if (r.temperatureWithoutReasoning) t.temperatureWithoutReasoning = true;
    if (r.reasoningEffort) t.reasoningEffort = true;
    if (r.prefill === false) t.prefill = false;
    if (r.thinkTag) t.thinkTag = true;
  }
  return t;
}

/** A retirement: the date a model stops (stopped) answering at its vendor. */
export interface Retirement {
  vendor: "anthropic" | "openai";
  /** Normalised ids (see normaliseModelId) or prefixes ending in "*". */
  ids: string[];
  /** ISO date of the shutdown. */
  date: string;
  note: string;
  source: string;
}

/** Retirement dates as the vendors' deprecation pages give them (each entry names its page; as of 2026-11-29). */
export const RETIREMENTS: readonly Retirement[] = Object.freeze([
  {
    vendor: "anthropic",
    ids: ["claude-3-opus*"],
    date: "2026-01-05",
    note: "Claude 3 Opus: API access only by request since",
    source: "https://www.anthropic.com/research/deprecation-updates-opus-3",
  },
  {
    vendor: "anthropic",
    ids: ["claude-3-5-sonnet*"],
    date: "2025-10-28",
    note: "both Claude 3.5 Sonnet versions",
    source: "https://platform.claude.com/docs/en/about-claude/model-deprecations",
  },
  {
    vendor: "anthropic",
    ids: ["claude-3-7-sonnet*", "claude-3-5-haiku*"],
    date: "2026-02-19",
    note: "Claude Sonnet 3.7 and Haiku 3.5",
    source: "https://platform.claude.com/docs/en/about-claude/model-deprecations",
  },
  {
    vendor: "anthropic",
    ids: ["claude-3-haiku*"],
    date: "2026-04-20",
    note: "Claude Haiku 3",
    source: "https://platform.claude.com/docs/en/about-claude/model-deprecations",
  },
  {
    vendor: "anthropic",
    ids: ["claude-opus-4", "claude-opus-4-20250514", "claude-sonnet-4", "claude-sonnet-4-20250514", "claude-4-opus*", "claude-4-sonnet*"],
    date: "2026-06-15",
    note: "Claude Opus 4 and Sonnet 4",
    source: "https://platform.claude.com/docs/en/about-claude/model-deprecations",
  },
  {
    vendor: "openai",
    ids: ["gpt-4-1106-preview", "gpt-4o-2024-05-13"],
    date: "2026-10-23",
    note: "OSAF's classic judge and the first GPT-4o snapshot",
    source: "https://developers.openai.com/api/docs/deprecations",
  },
  {
    vendor: "openai",
    ids: ["gpt-5*", "o3", "o3-2025-04-16"],
    date: "2026-12-11",
    note: "gpt-5* (gpt-5-nano included) and o3",
    source: "https://developers.openai.com/api/docs/deprecations",
  },
  {
    vendor: "openai",
    ids: ["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20", "gpt-4o-mini*", "gpt-4-1", "gpt-4-1-2025-04-14", "gpt-4-1-mini*"],
    date: "2027-01-14",
    note: "the GPT-4o judge snapshots of OSAF and Sheshadri et al. (replacement named: gpt-6-luna, which reasons by default)",
    source: "https://developers.openai.com/api/docs/deprecations",
  },
] satisfies Retirement[]);

/** Days before a shutdown from which a model counts as retiring (a warning). */
export const RETIRING_WINDOW_DAYS = 180;

/** Whether a retirement applies to a model served by a provider. */
export interface RetirementStatus {
  state: "retired" | "retiring";
  date: string;
  days: number;
  note: string;
  source: string;
}

/** The vendor a router-style id names ("anthropic/claude-3-opus" → "anthropic"), else null. */
export function vendorOf(model: string): string | null {
  const i = model.indexOf("/");
  return i > 0 ? model.slice(0, i).toLowerCase() : null;
}

/**
 * The retirement that applies to `model` at a provider serving `vendors`
 * directly (e.g. ["anthropic"]), or through a router ([] = any vendor, told
 * by the id's prefix). Null when none applies.
 * @example retirementOf(["anthropic"], "claude-3-opus-20240229", "2026-11-29")?.state // "retired"
 */
export function retirementOf(vendors: string[], model: string, today: string): RetirementStatus | null {
  const id = normaliseModelId(model);
  const prefixVendor = vendorOf(model);
  for (const r of RETIREMENTS) {
    const served = vendors.length ? vendors.includes(r.vendor) : prefixVendor === r.vendor;
    if (!served) continue;
    const hit = r.ids.some((p) => (p.endsWith("*") ? id.startsWith(p.slice(0, -1)) : id === p));
    if (!hit) continue;
    const days = Math.round((Date.parse(r.date) - Date.parse(today)) / 86_400_000);
    if (days <= 0) return { state: "retired", date: r.date, days, note: r.note, source: r.source };
    if (days <= RETIRING_WINDOW_DAYS) return { state: "retiring", date: r.date, days, note: r.note, source: r.source };
    return null;
  }
  return null;
}

/** Today as YYYY-MM-DD (UTC). */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
