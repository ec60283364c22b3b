import { parseArgs, type ParseArgsConfig } from "node:util";
import { resolve as resolvePath } from "node:path";
import { AfwError } from "../util/errors";
import { fromRoot } from "../util/paths";
import { DEFAULT_BASE_URL, redactUrl } from "../util/url";
import type { EndpointOptions } from "../pipeline/endpoint";
import { BATCH_PROVIDERS, findProfile, inferProvider, listProfiles, loadProfileFile, OVERRIDES, type Override, type ProviderProfile, type RateControl } from "../models/index";

export { redactUrl };

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parse a command's flags strictly. An unknown flag, a flag missing its value
 * or a stray value becomes a one-line AfwError naming the flag.
 */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T, positionals = 0) {
  try {
    const r = parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: false });
    if (r.positionals.length > positionals) {
      throw new AfwError(`afw ${command}: unexpected argument "${r.positionals[positionals]}" (see afw ${command} --help)`);
    }
    return r;
  } catch (e) {
    if (e instanceof AfwError) throw e;
    const err = e as Error & { code?: string };
    const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
    switch (err.code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        throw new AfwError(`afw ${command}: unknown flag ${flag ?? err.message} (see afw ${command} --help)`);
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
        throw new AfwError(`afw ${command}: ${flag ?? "a flag"} ${/argument missing|ambiguous/.test(err.message) ? "needs a value" : "got a bad value"} (see afw ${command} --help)`);
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        throw new AfwError(`afw ${command}: unexpected argument (see afw ${command} --help)`);
      default:
        throw new AfwError(`afw ${command}: ${err.message.split("\n")[0]}`);
    }
  }
}

/** An integer flag within bounds, or a one-line error naming the flag. */
export function intFlag(command: string, flag: string, value: string | undefined, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return dflt;
  if (!/^-?\d+$/.test(value.trim())) throw new AfwError(`afw ${command}: --${flag} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new AfwError(`afw ${command}: --${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A number flag within bounds. */
export function numFlag(command: string, flag: string, value: string | undefined, dflt: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new AfwError(`afw ${command}: --${flag} must be a number, got "${value}"`);
  if (n < min || n > max) throw new AfwError(`afw ${command}: --${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A comma list flag ("free,paid"), trimmed, no empties. */
export function listFlag(value: string | undefined, dflt: string[]): string[] {
  if (value === undefined) return dflt;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The flags every command that talks to a model shares: the endpoint, the
 * key, and the client's concurrency, timeout, retries and cache.
 */
export const CLIENT_FLAGS = {
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  offline: { type: "boolean" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  "max-attempts": { type: "string" },
  "retry-base-ms": { type: "string" },
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
} as const;

/** The values of CLIENT_FLAGS a command read. */
export interface ClientFlagValues {
  concurrency?: string;
  timeout?: string;
  "max-attempts"?: string;
  "retry-base-ms"?: string;
  "no-cache"?: boolean;
  "cache-dir"?: string;
}

/** The client's settings from the shared flags, checked now so a bad value fails before anything runs. */
export interface ClientSettings {
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** The response cache folder; null with --no-cache. */
  cacheDir: string | null;
}

export function clientSettings(command: string, v: ClientFlagValues, env: NodeJS.ProcessEnv): ClientSettings {
  return {
    concurrency: intFlag(command, "concurrency", v.concurrency, 16, 1, 1024),
    timeoutMs: Math.round(numFlag(command, "timeout", v.timeout, 120, 0.001, 86_400)! * 1000),
    maxAttempts: intFlag(command, "max-attempts", v["max-attempts"], 6, 1, 100),
    retryBaseMs: intFlag(command, "retry-base-ms", v["retry-base-ms"], 1000, 0, 600_000),
    cacheDir: v["no-cache"] ? null : resolvePath(v["cache-dir"] ?? env.AFW_CACHE_DIR ?? fromRoot(".afw-cache", "responses")),
  };
}

/**
 * The provider flags of every command that talks to a model through a
 * provider profile (afw run, judge, validate-judge): which profile, an
 * OpenRouter pin, overrides of the plan check, reasoning settings, pace.
 */
export const PROVIDER_FLAGS = {
  provider: { type: "string" },
  "provider-file": { type: "string" },
  "provider-order": { type: "string" },
  allow: { type: "string", multiple: true },
  "reasoning-effort": { type: "string" },
  "thinking-budget": { type: "string" },
  "no-prompt-cache": { type: "boolean" },
  "rate-control": { type: "string" },
} as const;

/** The --help lines of PROVIDER_FLAGS (commands paste them into their help). */
export const PROVIDER_HELP = `  --provider NAME      provider profile (afw providers): openai, anthropic, gemini-openai,
                       openrouter, together, deepinfra, deepseek, xai, vllm, llamacpp, …;
                       default: inferred from --base-url. Sets the default base URL and
                       the key's variable (e.g. ANTHROPIC_API_KEY); catalogue models are
                       asked for under that provider's ids
  --provider-file F    a profile written by afw probe --save
  --provider-order A,B OpenRouter: pin the upstream providers, in order, no fallbacks
                       (recorded in the manifest; default: the pin of a --provider-file
                       written by afw probe --provider-order)
  --allow WHAT         send a request the plan check refuses: prefill, temperature (sends
                       none: the default applies), retired, completions; repeat or comma list
  --reasoning-effort E reasoning_effort for reasoning models (none, minimal, low, medium, high, xhigh)
  --thinking-budget N  Anthropic extended thinking with budget_tokens N (≥ 1024, below the request's max tokens)
  --no-prompt-cache    Anthropic: do not cache the system prompt (cache_control)
  --rate-control M     adaptive (default: a rate learnt from 429s) or fixed (the earlier pace)`;

/** The endpoint flags: a base URL and key (flags, else the profile's variables) or --offline. */
export interface EndpointFlagValues extends ClientFlagValues {
  "base-url"?: string;
  "api-key"?: string;
  offline?: boolean;
  provider?: string;
  "provider-file"?: string;
  "provider-order"?: string;
  allow?: string[];
  "reasoning-effort"?: string;
  "thinking-budget"?: string;
  "no-prompt-cache"?: boolean;
  "rate-control"?: string;
}

const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"];

/** What a command's endpoint flags resolve to, besides the EndpointOptions: for printing and recording. */
export interface ResolvedEndpoint extends EndpointOptions {
  offline: boolean;
  concurrency: number;
  /** The profile (null offline). */
  profile: ProviderProfile | null;
  /** The settings to record in the manifest (never the key). */
  record: Record<string, unknown>;
}

/**
 * What to open: offline when --offline is given, or when no provider, base
 * URL or key is configured; else the provider profile (--provider,
 * --provider-file, or inferred from the base URL), its base URL (the flag,
 * else the profile's own, else OPENAI_BASE_URL, else the OpenAI API) and
 * its key (--api-key, else the profile's variable: ANTHROPIC_API_KEY for
 * anthropic, OPENAI_API_KEY for the generic profile, …), with the client
 * settings. Checked now, so a bad value fails before anything runs.
 */
export function endpointOptions(command: string, v: EndpointFlagValues, env: NodeJS.ProcessEnv, o: { needKey?: boolean } = {}): ResolvedEndpoint {
  const nonEmpty = (x: string | undefined) => (x === undefined || x === "" ? undefined : x);
  if (v.provider !== undefined && v["provider-file"] !== undefined) throw new AfwError(`afw ${command}: give --provider or --provider-file, not both`);
  let profile: ProviderProfile | null = null;
  if (v["provider-file"] !== undefined) profile = loadProfileFile(resolvePath(v["provider-file"]));
  else if (v.provider !== undefined) {
    profile = findProfile(v.provider);
    if (!profile) throw new AfwError(`afw ${command}: --provider: unknown provider "${v.provider}"; known: ${listProfiles().map((p) => p.name).join(", ")}`);
  }
  const providerFlags = (["provider-order", "allow", "reasoning-effort", "thinking-budget", "no-prompt-cache"] as const).filter((k) => v[k] !== undefined);
  if (v.offline && (profile || providerFlags.length)) throw new AfwError(`afw ${command}: --offline talks to the simulated organisms; drop --${profile ? (v.provider !== undefined ? "provider" : "provider-file") : providerFlags[0]}`);

  const urlFlag = nonEmpty(v["base-url"]);
  if (urlFlag !== undefined && !/^https?:\/\//i.test(urlFlag)) throw new AfwError(`afw ${command}: --base-url must start with http:// or https://, got "${urlFlag}"`);
  const baseURL = urlFlag ?? (profile ? (profile.baseURL ?? nonEmpty(env.OPENAI_BASE_URL)) : nonEmpty(env.OPENAI_BASE_URL));
  if (profile && !baseURL) throw new AfwError(`afw ${command}: ${profile.name} has no default address; give --base-url (e.g. http://127.0.0.1:8000/v1)`);
  const keyProfile = profile ?? inferProvider(baseURL ?? DEFAULT_BASE_URL);
  const apiKey = nonEmpty(v["api-key"]) ?? nonEmpty(env[keyProfile.keyEnv]);
  const offline = !!v.offline || (!profile && !baseURL && !apiKey);
  const settings = clientSettings(command, v, env);
  if (offline) return { offline, ...settings, profile: null, record: {} };

  const url = baseURL ?? DEFAULT_BASE_URL;
  const resolved = profile ?? inferProvider(url);
  // A hosted provider (a profile with its own public address) needs its key whatever URL it is reached at
  // (a keyless proxy in front of it takes --api-key with any value); self-hosted profiles (vllm, llamacpp,
  // the generic one) may take none.
  if (o.needKey !== false && !apiKey && resolved.baseURL !== null) {
    throw new AfwError(`afw ${command}: no API key for ${resolved.name}: set ${resolved.keyEnv} or pass --api-key (it is never written anywhere)`);
  }
  // The flag, else the pin a probed profile was learnt under (afw probe --provider-order --save).
  const order = v["provider-order"] === undefined ? (resolved.providerOrder ? [...resolved.providerOrder] : null) : listFlag(v["provider-order"], []);
  if (order !== null && !order.length) throw new AfwError(`afw ${command}: --provider-order needs at least one provider name (e.g. --provider-order DeepInfra,Together)`);
  if (order && !resolved.pinnable) throw new AfwError(`afw ${command}: --provider-order pins the upstream of a router (openrouter), not ${resolved.name}`);
  const allow: Override[] = [];
  for (const a of (v.allow ?? []).flatMap((x) => listFlag(x, []))) {
    if (!OVERRIDES.includes(a as Override)) throw new AfwError(`afw ${command}: --allow: unknown "${a}" (known: ${OVERRIDES.join(", ")})`);
    if (!allow.includes(a as Override)) allow.push(a as Override);
  }
  const effort = v["reasoning-effort"];
  if (effort !== undefined && !EFFORTS.includes(effort)) throw new AfwError(`afw ${command}: --reasoning-effort must be one of ${EFFORTS.join(", ")}, got "${effort}"`);
  const thinking = v["thinking-budget"] === undefined ? null : intFlag(command, "thinking-budget", v["thinking-budget"], 0, 1024, 1_000_000);
  if (thinking !== null && resolved.wire !== "anthropic") throw new AfwError(`afw ${command}: --thinking-budget is for Anthropic's Messages API (--provider anthropic), not ${resolved.name}; use --reasoning-effort`);
  const rc = v["rate-control"];
  if (rc !== undefined && rc !== "adaptive" && rc !== "fixed") throw new AfwError(`afw ${command}: --rate-control must be adaptive or fixed, got "${rc}"`);
  return {
    offline,
    baseURL: url,
    apiKey: apiKey ?? "",
    provider: resolved,
    providerOrder: order,
    allow,
    reasoningEffort: effort ?? null,
    thinkingBudget: thinking,
    promptCache: !v["no-prompt-cache"],
    ...(rc ? { rateControl: rc as RateControl } : {}),
    // Retirement checks against a fixed day (tests, reproducible dry runs): AFW_TODAY=YYYY-MM-DD.
    ...(env.AFW_TODAY && /^\d{4}-\d\d-\d\d$/.test(env.AFW_TODAY) ? { today: env.AFW_TODAY } : {}),
    ...settings,
    profile: resolved,
    record: {
      provider: resolved.name,
      ...(v["provider-file"] !== undefined ? { provider_file: v["provider-file"] } : {}),
      ...(order ? { provider_order: order } : {}),
      ...(allow.length ? { allow } : {}),
      ...(effort ? { reasoning_effort: effort } : {}),
      ...(thinking !== null ? { thinking_budget: thinking } : {}),
      ...(v["no-prompt-cache"] ? { prompt_cache: false } : {}),
      ...(rc ? { rate_control: rc } : {}),
    },
  };
}

/** The batch flags of afw run and afw judge (docs/batch.md). */
export const BATCH_FLAGS = {
  batch: { type: "boolean" },
  "batch-then-sync": { type: "boolean" },
  "batch-size": { type: "string" },
  "batch-poll": { type: "string" },
} as const;

/** The --help lines of BATCH_FLAGS. */
export const BATCH_HELP = `  --batch              send the requests through the provider's batch API (openai,
                       anthropic): half the price, answers within 24 hours; the same
                       command resumes a killed run without submitting anything twice
                       (docs/batch.md); afw batches DIR shows where the batches stand
  --batch-then-sync    as --batch, but rows a batch did not answer (expired, cancelled,
                       errored) are sent synchronously at once instead of in a new batch
  --batch-size N       at most N requests a batch (default: the provider's limit,
                       50,000 at OpenAI, 100,000 at Anthropic)
  --batch-poll S       seconds between polls of a running batch; default 30`;

/** The values of BATCH_FLAGS a command read. */
export interface BatchFlagValues {
  batch?: boolean;
  "batch-then-sync"?: boolean;
  "batch-size"?: string;
  "batch-poll"?: string;
}

/** What the batch flags ask for: null without --batch (or --batch-then-sync); checked now, before anything runs. */
export function batchFlags(command: string, v: BatchFlagValues): { thenSync: boolean; pollMs: number; limits?: { maxRequests: number } } | null {
  const on = !!v.batch || !!v["batch-then-sync"];
  if (!on) {
    const stray = (["batch-size", "batch-poll"] as const).find((k) => v[k] !== undefined);
    if (stray) throw new AfwError(`afw ${command}: --${stray} applies to --batch; add --batch`);
    return null;
  }
  const size = v["batch-size"] === undefined ? undefined : intFlag(command, "batch-size", v["batch-size"], 0, 1, 100_000);
  const poll = numFlag(command, "batch-poll", v["batch-poll"], 30, 0.01, 86_400)!;
  return { thenSync: !!v["batch-then-sync"], pollMs: Math.round(poll * 1000), ...(size !== undefined ? { limits: { maxRequests: size } } : {}) };
}

/** --batch refused before anything runs (exit 2): offline, a provider without a batch API here, or without the response cache. */
export function checkBatch(command: string, ep: ResolvedEndpoint, v: { "no-cache"?: boolean }): void {
  if (ep.offline || !ep.profile) throw new AfwError(`afw ${command}: --batch sends to a provider's batch API (--provider ${BATCH_PROVIDERS.join(" or --provider ")}); the simulated organisms answer at once`);
  if (!(BATCH_PROVIDERS as readonly string[]).includes(ep.profile.name)) {
    const has = ep.profile.batch ? `${ep.profile.name} has a batch API, but the workbench drives batches only at ${BATCH_PROVIDERS.join(" and ")}` : `no batch API for provider "${ep.profile.name}" here (batches run at ${BATCH_PROVIDERS.join(" and ")})`;
    throw new AfwError(`afw ${command}: --batch: ${has}; run without --batch`);
  }
  if (v["no-cache"]) throw new AfwError(`afw ${command}: --batch keeps every answer in the response cache (a resumed run finds there what the batches returned); drop --no-cache`);
}
