/**
 * Provider profiles as data: what each API accepts and how it answers, so
 * that the client can shape a request for it, read its replies and errors,
 * and refuse a request it cannot serve before anything is sent.
 *
 * A profile is chosen by name (`--provider`), loaded from a file written by
 * `afw probe --save` (`--provider-file`), or inferred from the base URL.
 * Facts carry the documentation they come from in `sources`; "(?)" in a
 * note marks what the documentation does not settle (run `afw probe`).
 */
import { readFileSync } from "node:fs";
import type { ReasoningSource } from "../schema/index";
import { AfwError } from "../util/errors";

/** The parameter that caps the reply's length. */
export type TokenParam = "max_tokens" | "max_completion_tokens";

/**
 * How an assistant prefill is continued:
 * - trailing-assistant: a final assistant message is continued as is (documented);
 * - continue-final-message: vLLM's `continue_final_message: true` with `add_generation_prompt: false`;
 * - prefix: DeepSeek's `prefix: true` on the last assistant message (beta base URL);
 * - unverified: sent as a trailing assistant message; whether it is continued depends on the server behind it;
 * - none: the API cannot continue one (it starts a new turn, or refuses).
 */
export type PrefillMode = "trailing-assistant" | "continue-final-message" | "prefix" | "unverified" | "none";

/** The shape of an error body. */
export type ErrorShape = "openai" | "anthropic" | "gemini-array" | "flat" | "openrouter";

/** Which wire protocol the profile speaks. */
export type Wire = "openai" | "anthropic";

/** One provider's behaviour. */
export interface ProviderProfile {
  /** Short id used by --provider and recorded in samples. */
  name: string;
  label: string;
  wire: Wire;
  /** Default base URL (null for self-hosted servers). */
  baseURL: string | null;
  /** Host names (and optional path prefix "host/path") that identify it in a base URL. */
  hosts: string[];
  /** Environment variable the key usually lives in. */
  keyEnv: string;
  /** Whose model ids the provider serves directly (for retirement dates); [] for any. */
  vendors: string[];
  tokenParam: TokenParam;
  /** May temperature be set, and its highest accepted value. */
  temperature: { allowed: boolean; max: number };
  /** Most choices one request may ask for with `n`; 1 = no n; null = unknown (tried, then one request per vote). */
  maxN: number | null;
  prefill: PrefillMode;
  /** Where hidden reasoning comes back, in the order it is looked for. */
  reasoning: ReasoningSource[];
  /** How reasoning is asked for: OpenAI's reasoning_effort, OpenRouter's reasoning object, Anthropic's thinking, or not at all. */
  reasoningRequest: "reasoning_effort" | "reasoning" | "thinking" | null;
  errorShape: ErrorShape;
  /** Legacy completions endpoint (base models). */
  completions: boolean;
  /** The `seed` parameter is honoured. */
  seed: boolean;
  /** The provider has a batch API at about half price (the workbench drives only some: see batchSupport in batch/index). */
  batch: boolean;
  /** The response names the upstream provider that served it (OpenRouter's `provider`). */
  upstreamField: boolean;
  /** The response carries its own cost (OpenRouter's usage.cost). */
  costField: boolean;
  /** A provider pin can be sent (OpenRouter's provider.order with allow_fallbacks false). */
  pinnable: boolean;
  notes: string[];
  /** Documentation the facts above come from. */
  sources: string[];
  /** Set when the profile came from `afw probe --save`. */
  probed_at?: string;
  /**
   * The upstream pin a router's profile was probed under (`afw probe
   * --provider-order`): what the probe found holds for those upstreams only,
   * so a run with this profile sends the same pin unless --provider-order
   * is given.
   */
  providerOrder?: string[];
}

const OPENAI_DOCS = "https://developers.openai.com/docs/guides/error-codes";

const PROFILES: readonly ProviderProfile[] = Object.freeze([
  {
    name: "openai",
    label: "OpenAI",
    wire: "openai",
    baseURL: "https://api.openai.com/v1",
    hosts: ["api.openai.com"],
    keyEnv: "OPENAI_API_KEY",
    vendors: ["openai"],
    tokenParam: "max_completion_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: 128,
    prefill: "none",
    reasoning: [],
    reasoningRequest: "reasoning_effort",
    errorShape: "openai",
    completions: true,
    seed: true,
    batch: true,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "a trailing assistant message is read as a finished turn: no prefill continuation",
      "reasoning models (o1, o3, o4-mini, gpt-5*) take max_completion_tokens and only the default temperature; chat completions return no reasoning text, only usage.completion_tokens_details.reasoning_tokens",
    ],
    sources: [OPENAI_DOCS, "https://developers.openai.com/api/docs/deprecations"],
  },
  {
    name: "anthropic",
    label: "Anthropic Messages API",
    wire: "anthropic",
    baseURL: "https://api.anthropic.com/v1",
    hosts: ["api.anthropic.com"],
    keyEnv: "ANTHROPIC_API_KEY",
    vendors: ["anthropic"],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 1 },
    maxN: 1,
    prefill: "trailing-assistant",
    reasoning: ["thinking"],
    reasoningRequest: "thinking",
    errorShape: "anthropic",
    completions: false,
    seed: false,
    batch: true,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "a final assistant message is continued and the reply excludes it; a prefill ending in whitespace is a 400",
      "Claude 4.6+ rejects any prefill (400); prefill is not allowed together with thinking",
      "stop_reason \"refusal\" comes with empty content; 529 overloaded and 429 carry retry-after",
      "the system prompt is sent with cache_control (prompt caching); cache reads and writes are counted apart",
    ],
    sources: [
      "https://platform.claude.com/docs/en/api/messages",
      "https://platform.claude.com/docs/en/api/errors",
      "https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons",
      "https://platform.claude.com/docs/en/build-with-claude/prompt-caching",
      "https://platform.claude.com/docs/en/build-with-claude/extended-thinking",
    ],
  },
  {
    name: "anthropic-openai",
    label: "Anthropic (OpenAI-compatible endpoint)",
    wire: "openai",
    baseURL: "https://api.anthropic.com/v1",
    hosts: [],
    keyEnv: "ANTHROPIC_API_KEY",
    vendors: ["anthropic"],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 1 },
    maxN: 1,
    prefill: "none",
    reasoning: [],
    reasoningRequest: null,
    errorShape: "anthropic",
    completions: false,
    seed: false,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "n must be exactly 1; seed, logprobs and reasoning_effort are ignored; temperatures above 1 are capped at 1",
      "thinking text is not returned here; prompt caching is not available: use --provider anthropic",
      "prefill continuation is not documented for this endpoint (?): use --provider anthropic",
      "same host as the native API, so never inferred from the URL: choose it by name",
    ],
    sources: ["https://platform.claude.com/docs/en/api/openai-sdk"],
  },
  {
    name: "gemini-openai",
    label: "Google Gemini (OpenAI-compatible endpoint)",
    wire: "openai",
    baseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
    hosts: ["generativelanguage.googleapis.com"],
    keyEnv: "GEMINI_API_KEY",
    vendors: ["google"],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "none",
    reasoning: [],
    reasoningRequest: "reasoning_effort",
    errorShape: "gemini-array",
    completions: false,
    seed: true,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "errors come back as a JSON array of {error: {code, message, status}}",
      "a safety block can come back as finish_reason SAFETY / PROHIBITED_CONTENT (Gemini's own values) with no content",
      "429 RESOURCE_EXHAUSTED names its quota: per-day quotas stop the run, per-minute ones are waited out",
    ],
    sources: [
      "https://github.com/google-gemini/gemini-cli/issues/14438",
      "https://github.com/HKUDS/Vibe-Trading/pull/308",
      "https://ai.google.dev/gemini-api/docs/rate-limits",
    ],
  },
  {
    name: "xai",
    label: "xAI",
    wire: "openai",
    baseURL: "https://api.x.ai/v1",
    hosts: ["api.x.ai"],
    keyEnv: "XAI_API_KEY",
    vendors: ["x-ai"],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "unverified",
    reasoning: ["reasoning_content"],
    reasoningRequest: "reasoning_effort",
    errorShape: "openai",
    completions: false,
    seed: true,
    batch: true,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: ["prefill continuation is not documented (?): run afw probe first"],
    sources: ["https://docs.x.ai/docs/api-reference"],
  },
  {
    name: "openrouter",
    label: "OpenRouter",
    wire: "openai",
    baseURL: "https://openrouter.ai/api/v1",
    hosts: ["openrouter.ai"],
    keyEnv: "OPENROUTER_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "unverified",
    reasoning: ["reasoning", "reasoning_details"],
    reasoningRequest: "reasoning",
    errorShape: "openrouter",
    completions: true,
    seed: true,
    batch: false,
    upstreamField: true,
    costField: true,
    pinnable: true,
    notes: [
      "an error during generation comes back as HTTP 200 with an `error` in the body or the choice: retried, never cached",
      "402 means no credits (the run stops); 403 means the input was flagged by moderation (recorded as blocked)",
      "requests are load-balanced across upstream providers unless pinned (--provider-order, no fallbacks): the response's `provider` is recorded per sample",
      "prefill passes through to providers that support it (?): pin a provider and run afw probe",
    ],
    sources: [
      "https://openrouter.ai/docs/api/reference/errors-and-debugging",
      "https://openrouter.ai/docs/features/provider-routing",
      "https://openrouter.ai/docs/use-cases/reasoning-tokens",
      "https://openrouter.ai/docs/use-cases/usage-accounting",
    ],
  },
  {
    name: "together",
    label: "Together AI",
    wire: "openai",
    baseURL: "https://api.together.xyz/v1",
    hosts: ["api.together.xyz", "api.together.ai"],
    keyEnv: "TOGETHER_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "unverified",
    reasoning: ["reasoning", "think_tag"],
    reasoningRequest: null,
    errorShape: "openai",
    completions: true,
    seed: true,
    batch: true,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: ["open-weight models; prefill continuation depends on the model's chat template (?): run afw probe"],
    sources: ["https://docs.together.ai/reference/chat-completions-1"],
  },
  {
    name: "deepinfra",
    label: "DeepInfra",
    wire: "openai",
    baseURL: "https://api.deepinfra.com/v1/openai",
    hosts: ["api.deepinfra.com"],
    keyEnv: "DEEPINFRA_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "unverified",
    reasoning: ["reasoning_content", "think_tag"],
    reasoningRequest: "reasoning_effort",
    errorShape: "openai",
    completions: true,
    seed: true,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: ["open-weight models; prefill continuation depends on the model (?): run afw probe"],
    sources: ["https://deepinfra.com/docs/openai_api"],
  },
  {
    name: "deepseek",
    label: "DeepSeek",
    wire: "openai",
    baseURL: "https://api.deepseek.com/beta",
    hosts: ["api.deepseek.com"],
    keyEnv: "DEEPSEEK_API_KEY",
    vendors: ["deepseek"],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "prefix",
    reasoning: ["reasoning_content"],
    reasoningRequest: null,
    errorShape: "openai",
    completions: false,
    seed: false,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "prefill continuation needs the beta base URL https://api.deepseek.com/beta and prefix: true on the last assistant message",
      "deepseek-reasoner returns its reasoning in message.reasoning_content and ignores temperature",
      "402 Insufficient Balance stops the run; 422 is an invalid parameter; 503 means overloaded",
    ],
    sources: [
      "https://api-docs.deepseek.com/guides/chat_prefix_completion",
      "https://api-docs.deepseek.com/guides/reasoning_model",
      "https://api-docs.deepseek.com/quick_start/error_codes",
    ],
  },
  {
    name: "vllm",
    label: "vLLM (self-hosted)",
    wire: "openai",
    baseURL: null,
    hosts: [],
    keyEnv: "VLLM_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "continue-final-message",
    reasoning: ["reasoning", "reasoning_content", "think_tag"],
    reasoningRequest: null,
    errorShape: "flat",
    completions: true,
    seed: true,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "prefills are continued with continue_final_message: true and add_generation_prompt: false",
      "reasoning parsers return message.reasoning (reasoning_content before late 2025); without a parser the model writes <think>…</think> inline",
      "older releases answer errors with a flat body {object: \"error\", message, type, param, code}",
    ],
    sources: [
      "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
      "https://github.com/vllm-project/vllm/issues/27755",
      "https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/protocol.py",
    ],
  },
  {
    name: "llamacpp",
    label: "llama.cpp server (self-hosted)",
    wire: "openai",
    baseURL: null,
    hosts: [],
    keyEnv: "LLAMACPP_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: 1,
    prefill: "trailing-assistant",
    reasoning: ["reasoning_content", "think_tag"],
    reasoningRequest: null,
    errorShape: "openai",
    completions: true,
    seed: true,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: [
      "a trailing assistant message is continued (llama.cpp PR #13174); not together with enable_thinking",
      "one choice per request",
    ],
    sources: ["https://github.com/ggml-org/llama.cpp/pull/13174"],
  },
  {
    name: "openai-compatible",
    label: "Generic OpenAI-compatible server",
    wire: "openai",
    baseURL: null,
    hosts: [],
    keyEnv: "OPENAI_API_KEY",
    vendors: [],
    tokenParam: "max_tokens",
    temperature: { allowed: true, max: 2 },
    maxN: null,
    prefill: "unverified",
    reasoning: ["reasoning", "reasoning_content", "reasoning_details", "think_tag"],
    reasoningRequest: null,
    errorShape: "openai",
    completions: true,
    seed: true,
    batch: false,
    upstreamField: false,
    costField: false,
    pinnable: false,
    notes: ["the default: assumes nothing it cannot check; run afw probe --save to learn what the server does"],
    sources: [],
  },
] satisfies ProviderProfile[]);

/** The name of the fallback profile. */
export const DEFAULT_PROVIDER = "openai-compatible";

/** Every built-in profile, in display order. */
export function listProfiles(): readonly ProviderProfile[] {
  return PROFILES;
}

/** A built-in profile by name, or null. */
export function findProfile(name: string): ProviderProfile | null {
  return PROFILES.find((p) => p.name === name) ?? null;
}

/**
 * A built-in profile by name; a one-line AfwError naming the known ones otherwise.
 * @example getProfile("vllm").prefill // "continue-final-message"
 */
export function getProfile(name: string): ProviderProfile {
  const p = findProfile(name);
  if (!p) throw new AfwError(`unknown provider "${name}"; known: ${PROFILES.map((q) => q.name).join(", ")}`);
  return p;
}

/**
 * The profile a base URL points at, by host (and path for shared hosts);
 * the generic profile for anything else (local servers included).
 * @example inferProvider("https://openrouter.ai/api/v1").name // "openrouter"
 */
export function inferProvider(baseURL: string): ProviderProfile {
  let host = "";
  let path = "";
  try {
    const u = new URL(baseURL);
    host = u.hostname.toLowerCase();
    path = u.pathname;
  } catch {
    return getProfile(DEFAULT_PROVIDER);
  }
  for (const p of PROFILES) {
    for (const h of p.hosts) {
      const [hh, prefix] = h.split(/\/(.*)/s);
      if (host === hh && (!prefix || path.startsWith("/" + prefix))) return p;
    }
  }
  return getProfile(DEFAULT_PROVIDER);
}

/**
 * The profile to use: a profile object as given, a name, or inferred from the base URL.
 */
export function resolveProfile(provider: string | ProviderProfile | undefined | null, baseURL: string): ProviderProfile {
  if (provider && typeof provider === "object") return provider;
  if (typeof provider === "string" && provider !== "") return getProfile(provider);
  return inferProvider(baseURL);
}

const PREFILL_MODES: PrefillMode[] = ["trailing-assistant", "continue-final-message", "prefix", "unverified", "none"];
const SOURCES: ReasoningSource[] = ["reasoning_content", "reasoning", "reasoning_details", "thinking", "think_tag"];

/**
 * Check a profile read from JSON (a `--provider-file` written by `afw probe --save`).
 * Missing fields are taken from the profile named in `base` (default: the generic one).
 * Throws a one-line AfwError naming the bad field.
 */
export function parseProfile(data: unknown, where = "provider file"): ProviderProfile {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new AfwError(`${where}: expected a JSON object`);
  const d = data as Record<string, unknown>;
  const baseName = typeof d.base === "string" ? d.base : DEFAULT_PROVIDER;
  const base = findProfile(baseName);
  if (!base) throw new AfwError(`${where}: unknown base provider "${baseName}"`);
  const out: ProviderProfile = { ...base, notes: [...base.notes], sources: [...base.sources] };
  const str = (k: string) => {
    if (d[k] === undefined) return;
    if (typeof d[k] !== "string" || d[k] === "") throw new AfwError(`${where}: "${k}" must be a non-empty string`);
    (out as unknown as Record<string, unknown>)[k] = d[k];
  };
  const bool = (k: string) => {
    if (d[k] === undefined) return;
    if (typeof d[k] !== "boolean") throw new AfwError(`${where}: "${k}" must be true or false`);
    (out as unknown as Record<string, unknown>)[k] = d[k];
  };
  str("name");
  str("label");
  str("probed_at");
  if (d.wire !== undefined) {
    if (d.wire !== "openai" && d.wire !== "anthropic") throw new AfwError(`${where}: "wire" must be "openai" or "anthropic"`);
    out.wire = d.wire;
  }
  if (d.tokenParam !== undefined) {
    if (d.tokenParam !== "max_tokens" && d.tokenParam !== "max_completion_tokens") throw new AfwError(`${where}: "tokenParam" must be "max_tokens" or "max_completion_tokens"`);
    out.tokenParam = d.tokenParam;
  }
  if (d.prefill !== undefined) {
    if (!PREFILL_MODES.includes(d.prefill as PrefillMode)) throw new AfwError(`${where}: "prefill" must be one of ${PREFILL_MODES.join(", ")}`);
    out.prefill = d.prefill as PrefillMode;
  }
  if (d.maxN !== undefined) {
    if (d.maxN !== null && (!Number.isInteger(d.maxN) || (d.maxN as number) < 1)) throw new AfwError(`${where}: "maxN" must be a positive integer or null`);
    out.maxN = d.maxN as number | null;
  }
  if (d.temperature !== undefined) {
    const t = d.temperature as { allowed?: unknown; max?: unknown };
    if (typeof t !== "object" || t === null || typeof t.allowed !== "boolean" || typeof t.max !== "number") {
      throw new AfwError(`${where}: "temperature" must be {"allowed": boolean, "max": number}`);
    }
    out.temperature = { allowed: t.allowed, max: t.max };
  }
  if (d.reasoning !== undefined) {
    if (!Array.isArray(d.reasoning) || !d.reasoning.every((s) => SOURCES.includes(s as ReasoningSource))) {
      throw new AfwError(`${where}: "reasoning" must be a list of ${SOURCES.join(", ")}`);
    }
    out.reasoning = d.reasoning as ReasoningSource[];
  }
  if (d.errorShape !== undefined) {
    const shapes: ErrorShape[] = ["openai", "anthropic", "gemini-array", "flat", "openrouter"];
    if (!shapes.includes(d.errorShape as ErrorShape)) throw new AfwError(`${where}: "errorShape" must be one of ${shapes.join(", ")}`);
    out.errorShape = d.errorShape as ErrorShape;
  }
  for (const k of ["completions", "seed", "batch", "upstreamField", "costField", "pinnable"]) bool(k);
  if (d.providerOrder !== undefined) {
    if (!Array.isArray(d.providerOrder) || !d.providerOrder.length || !d.providerOrder.every((x) => typeof x === "string" && x !== "")) {
      throw new AfwError(`${where}: "providerOrder" must be a non-empty list of upstream provider names`);
    }
    if (!out.pinnable) throw new AfwError(`${where}: "providerOrder" pins the upstream of a router (openrouter), not ${out.name}`);
    out.providerOrder = [...(d.providerOrder as string[])];
  }
  if (d.notes !== undefined) {
    if (!Array.isArray(d.notes) || !d.notes.every((s) => typeof s === "string")) throw new AfwError(`${where}: "notes" must be a list of strings`);
    out.notes = d.notes as string[];
  }
  return out;
}

/** Read a profile file (JSON). Bad input: one line naming the file. */
export function loadProfileFile(path: string): ProviderProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new AfwError(`--provider-file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new AfwError(`--provider-file ${path}: not JSON (${(e as Error).message.split("\n")[0]})`);
  }
  return parseProfile(data, `--provider-file ${path}`);
}
