/**
 * Types of the model door: client options, the result of one call and the
 * retry notice. The request and usage shapes come from lib/schema.
 */
import type { ErrorKind, Outcome, Reasoning, Usage } from "../schema/index";
import type { FatalProviderError } from "./errors";
import type { ChoiceResult } from "./parse";
import type { RateControl } from "./pacer";
import type { Override, PlanCheck } from "./plan";
import type { ProviderProfile } from "./providers";

export type { ChoiceResult };

/** Options of a ModelClient. Only baseURL and apiKey are required. */
export interface ModelClientOptions {
  /** The provider's base URL, e.g. "https://api.anthropic.com/v1" or "http://127.0.0.1:8000/v1". */
  baseURL: string;
  /** Sent as a Bearer token (x-api-key for Anthropic); never written to disk, never put in a message. */
  apiKey: string;
  /**
   * Provider profile: a name ("anthropic", "vllm", …; see `afw providers`),
   * a profile object (e.g. from loadProfileFile), or omitted to infer it
   * from the base URL (anything unknown, local servers included, is the
   * generic "openai-compatible").
   */
  provider?: string | ProviderProfile;
  /** Refusals to override: send the request anyway (see plan.ts). */
  allow?: readonly Override[];
  /** OpenRouter: pin the upstream providers, in order, with no fallbacks. */
  providerOrder?: readonly string[] | null;
  /** reasoning_effort (or OpenRouter's reasoning.effort) to send, when the model takes one. */
  reasoningEffort?: string | null;
  /** Anthropic: extended thinking with this budget_tokens (≥ 1024, below max_tokens; not on Claude 4.7+, not with a prefill). Default none. */
  thinkingBudget?: number | null;
  /** Anthropic: cache the system prompt (cache_control). Default true. */
  promptCache?: boolean;
  /** anthropic-version header. Default "2023-06-01". */
  anthropicVersion?: string;
  /** Most HTTP requests in flight at once, across all callers (the ceiling when adaptive). Default 16. */
  concurrency?: number;
  /** "adaptive" (default): one shared pause and AIMD concurrency; "fixed": the earlier behaviour (each call waits alone, fixed concurrency). */
  rateControl?: RateControl;
  /** Per-attempt timeout in ms (headers and body). Default 120000. */
  timeoutMs?: number;
  /** HTTP attempts per call for errors (5xx, timeouts, malformed or upstream-error bodies), first one included. Default 6. */
  maxAttempts?: number;
  /** Extra attempts allowed for rate limits and overload (429/503/529) in adaptive mode. Default 20. */
  maxRateLimitRetries?: number;
  /** Base of the exponential backoff in ms. Default 1000. */
  retryBaseMs?: number;
  /** Ceiling of one backoff wait (and of a server's retry-after) in ms. Default 60000. */
  retryMaxMs?: number;
  /** Folder of the response cache; null or omitted means no cache. */
  cacheDir?: string | null;
  /**
   * The endpoint's part of the response-cache keys, so that two servers
   * answering under one model name (a base and a fine-tuned model on two
   * local ports) never share answers. Default: the base URL, unless it is
   * the provider's own address (then the provider's name is enough); null
   * for none (the offline organism server, whose port changes every run).
   */
  cacheScope?: string | null;
  /** Told about every retry before its wait starts (messages already redacted). */
  onRetry?: (info: RetryInfo) => void;
  /** Told once when the client stops on a fatal error (before in-flight requests are cancelled). */
  onFatal?: (err: FatalProviderError) => void;
  /** Told each distinct warning once (retiring model, unverified prefill, ignored temperature, …). */
  onWarning?: (line: string) => void;
  /** Stops the client from outside (e.g. Ctrl-C): in-flight requests are cancelled, new calls are not sent. */
  signal?: AbortSignal;
  /** Today's date for retirement checks (YYYY-MM-DD). Default: the clock's. */
  today?: string;
}

/** What onRetry hears: which call, which attempt failed, why, and how long the wait is. */
export interface RetryInfo {
  model: string;
  sampleIndex: number;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Wait before the next attempt, in ms (for a rate limit: the client-wide pause asked for). */
  delayMs: number;
  /** HTTP status when there was one, else null (timeout, connection, malformed body). */
  status: number | null;
  /** One-line reason, API key redacted. */
  reason: string;
}

/** The outcome of one call. Failures resolve with `error` set; calls never reject. */
export interface CallResult {
  /** One text per choice (n > 1 gives several); [] on error. Blocked or empty truncated choices give "". */
  texts: string[];
  usage: Usage | null;
  /** True when served from the on-disk cache (then attempts is 0). */
  cached: boolean;
  /** HTTP attempts made for this call. */
  attempts: number;
  /** Wall time of the whole call, queueing and backoff included. */
  latency_ms: number;
  /** One-line reason (status + the provider's message) when the call failed for good, else null. */
  error: string | null;
  /** finish_reason per choice, aligned with texts. */
  finish_reasons: (string | null)[];
  /** Each choice with its outcome, reasoning and refusal; [] on error. */
  choices: ChoiceResult[];
  /** The first choice's outcome, or "failed". */
  outcome: Outcome;
  /** How the failure acts (null on success): fatal stops the run, permanent is recorded, transient is retried on resume. */
  error_kind: ErrorKind | null;
  /** The call was cancelled (the client stopped, or the caller's signal aborted) before an answer: write nothing for it. */
  cancelled: boolean;
  /** Profile name the call went through. */
  provider: string;
  /** The upstream provider that served it (OpenRouter's `provider`), when said. */
  upstream_provider: string | null;
  /** The response's `model`: the exact snapshot that answered. */
  model_snapshot: string | null;
  /** The first choice's hidden reasoning, with its source. */
  reasoning: Reasoning | null;
  /** HTTP status of the last failed attempt, when there was one. */
  status: number | null;
  /** Attempts that were answered (and billed) but discarded and retried, with their summed usage. */
  discarded: { attempts: number; usage: Usage | null };
}

/** A request as the provider gets it (ModelClient.prepare): the body call() sends, or the refusal. */
export interface PreparedRequest {
  check: PlanCheck;
  /** One line: why the request cannot be sent (the plan check refused it), else null. */
  refusal: string | null;
  /** The JSON body, null when refused. */
  body: Record<string, unknown> | null;
  /** Endpoint below the base URL: "/chat/completions", "/completions" or "/messages". */
  path: string;
}
