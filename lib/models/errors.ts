/**
 * The error taxonomy of the model door. Every failed attempt is one of:
 * - fatal: the run cannot succeed as configured (bad key, no permission,
 *   unknown model, no credit / quota / spend limit, a request shape the
 *   API refuses for every sample). The client stops sending at once.
 * - permanent: this sample cannot succeed (context too long, an invalid
 *   request). Recorded, not retried.
 * - transient: worth another attempt (429 rate limits, 5xx, 529, timeouts,
 *   resets, a 200 that carries an upstream error or a malformed body).
 *
 * Error bodies are read whatever their shape: OpenAI's {error: {message,
 * type, code}}, Anthropic's {type: "error", error: {type, message}},
 * Gemini's JSON array [{error: {code, message, status, details}}], vLLM's
 * flat {object: "error", message, type, code}, OpenRouter's {error: {code (a number),
 * message, metadata?}}, a bare string, or plain text.
 */
import type { ErrorKind } from "../schema/index";
import { AfwError } from "../util/errors";
import { oneLine } from "./redact";

/** Exit code of a run stopped by a fatal provider error (1: some samples failed, 2: bad input, 130: interrupted). */
export const EXIT_FATAL_PROVIDER = 3;

/**
 * Thrown (or held in `client.fatal`) when the provider refuses the whole run.
 * Its message is one line: the provider's own words plus what to do.
 */
export class FatalProviderError extends AfwError {
  /** auth | model | quota | refused (request shape) | plan (refused before sending). */
  readonly reason: FatalReason;
  readonly status: number | null;
  readonly provider: string;
  constructor(message: string, reason: FatalReason, provider: string, status: number | null = null) {
    super(message, EXIT_FATAL_PROVIDER);
    this.name = "FatalProviderError";
    this.reason = reason;
    this.status = status;
    this.provider = provider;
  }
}

export type FatalReason = "auth" | "model" | "quota" | "refused" | "plan";

/** An error body, read. */
export interface ErrorBody {
  message: string;
  /** error.type, or Gemini's status ("RESOURCE_EXHAUSTED"). */
  type: string | null;
  /** error.code as a string ("insufficient_quota", "400", …). */
  code: string | null;
  shape: "openai" | "anthropic" | "gemini-array" | "flat" | "openrouter" | "string" | "text" | "empty";
  /** Anything else worth looking at (details, metadata), raw. */
  details: unknown;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

/**
 * OpenRouter documents its errors as {error: {code: number, message,
 * metadata?}} (https://openrouter.ai/docs/api/reference/errors-and-debugging):
 * the numeric code (the HTTP status) is the mark, `metadata` being optional.
 * OpenAI's code is a string or null; Gemini's numeric code comes with a
 * `status` and servers that nest a numeric code beside a `type` (OpenAI-style
 * {message, type, param, code}) are not OpenRouter either.
 */
function isOpenRouterError(e: Record<string, unknown>): boolean {
  if (e.metadata !== undefined && e.metadata !== null) return true;
  return typeof e.code === "number" && e.type === undefined && e.status === undefined;
}

/**
 * Read an error body of any known shape.
 * @example readErrorBody('[{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}]').type // "RESOURCE_EXHAUSTED"
 */
export function readErrorBody(text: string): ErrorBody {
  const trimmed = text.trim();
  if (trimmed === "") return { message: "", type: null, code: null, shape: "empty", details: null };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return { message: oneLine(trimmed.replace(/<[^>]+>/g, " "), 300), type: null, code: null, shape: "text", details: null };
  }
  let shape: ErrorBody["shape"] = "openai";
  if (Array.isArray(data)) {
    shape = "gemini-array";
    data = data.find((x) => x && typeof x === "object") ?? {};
  }
  if (typeof data === "string") return { message: data, type: null, code: null, shape: "string", details: null };
  if (typeof data !== "object" || data === null) return { message: oneLine(trimmed, 300), type: null, code: null, shape: "text", details: null };
  const d = data as Record<string, unknown>;
  const e = d.error;
  if (typeof e === "string") {
    return { message: e, type: str(d.type), code: str(d.code), shape: shape === "gemini-array" ? shape : "string", details: null };
  }
  if (e && typeof e === "object") {
    const eo = e as Record<string, unknown>;
    if (shape !== "gemini-array") {
      if (d.type === "error") shape = "anthropic";
      else if (isOpenRouterError(eo)) shape = "openrouter";
    }
    return {
      message: str(eo.message) ?? "",
      type: str(eo.type) ?? str(eo.status),
      code: str(eo.code),
      shape,
      details: eo.details ?? eo.metadata ?? null,
    };
  }
  if (typeof d.message === "string") {
    return { message: d.message, type: str(d.type), code: str(d.code), shape: "flat", details: d.details ?? null };
  }
  if (typeof d.detail === "string") return { message: d.detail, type: null, code: null, shape: "flat", details: null };
  return { message: oneLine(trimmed, 300), type: null, code: null, shape: "text", details: null };
}

/** How one failed HTTP attempt acts. */
export interface Classified {
  kind: ErrorKind;
  /** For fatal errors: what kind of fatal. */
  fatal: FatalReason | null;
  /** A rate limit or overload: every request should wait (shared pause) and fewer run at once. */
  congestion: boolean;
  /** The provider's block of the input itself (OpenRouter moderation 403): a blocked outcome, not an error. */
  blocked: boolean;
  /** One line: status, the provider's message and, for fatal errors, what to do. */
  reason: string;
}

const CONTEXT_RE = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|input is too long|exceeds the (maximum|context)|reduce the length/i;
const QUOTA_RE = /insufficient[ _]quota|exceeded your current quota|billing|credit balance|insufficient (balance|credits?)|out of credits|spend(ing)? (limit|cap)|payment required|budget/i;
const MODEL_RE = /model[^.]{0,80}(does not exist|not found|not available|no access|do not have access|is not supported|unknown)|no such model|model_not_found|invalid model/i;
const SHAPE_CODES = new Set(["unsupported_parameter", "unsupported_value"]);
const PREFILL_RE = /does not support assistant message prefill|prefill is (not supported|incompatible)|final assistant content cannot end with trailing whitespace/i;

/** Details of a Gemini quota error name per-day or per-minute quotas. */
function geminiQuotaIds(details: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth > 5 || x === null || typeof x !== "object") return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y, depth + 1);
      return;
    }
    const o = x as Record<string, unknown>;
    if (typeof o.quotaId === "string") out.push(o.quotaId);
    if (typeof o.quotaMetric === "string") out.push(o.quotaMetric);
    for (const v of Object.values(o)) walk(v, depth + 1);
  };
  walk(details, 0);
  return out;
}

function detailsText(d: unknown): string {
  if (d === null || d === undefined) return "";
  try {
    return JSON.stringify(d).slice(0, 2000);
  } catch {
    return "";
  }
}

/** Anthropic's tier spend cap: a 429 whose details carry error_code enforced_spend_limit_reached. */
function detailCode(details: unknown): string | null {
  if (details && typeof details === "object" && !Array.isArray(details)) {
    const c = (details as Record<string, unknown>).error_code;
    if (typeof c === "string") return c;
  }
  return null;
}

/**
 * Classify an HTTP error response. `provider` is the profile name (some
 * statuses mean different things at different providers).
 * @example classifyHttpError(429, readErrorBody('{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}'), "openai").kind // "fatal"
 */
export function classifyHttpError(status: number, body: ErrorBody, provider: string): Classified {
  const msg = oneLine(body.message || "(no message)", 200);
  const line = `${status} ${msg}`;
  const all = `${body.type ?? ""} ${body.code ?? ""} ${body.message}`;
  const fatal = (why: FatalReason, hint: string): Classified => ({ kind: "fatal", fatal: why, congestion: false, blocked: false, reason: `${line} — ${hint}` });
  const transient = (congestion: boolean): Classified => ({ kind: "transient", fatal: null, congestion, blocked: false, reason: line });
  const permanent = (): Classified => ({ kind: "permanent", fatal: null, congestion: false, blocked: false, reason: line });

  if (status === 401) return fatal("auth", "check the API key for this provider");
  if (status === 402) return fatal("quota", "the account has no credit left; top up, then resume");
  if (status === 403) {
    if (provider === "openrouter" && /flagged|moderation|guardrail/i.test(all)) {
      return { kind: "permanent", fatal: null, congestion: false, blocked: true, reason: line };
    }
    return fatal("auth", "the key has no permission for this model or region");
  }
  if (status === 404) return fatal("model", "unknown model or wrong base URL; check --model and --base-url");
  if (status === 429) {
    const ids = geminiQuotaIds(body.details);
    if (detailCode(body.details) === "enforced_spend_limit_reached") return fatal("quota", "the monthly spend cap is reached; no retry will succeed until it resets");
    if (ids.some((q) => /PerDay|per_day/i.test(q))) return fatal("quota", "a per-day quota is used up; resume tomorrow or raise the quota");
    if (ids.some((q) => /PerMinute|per_minute/i.test(q))) return transient(true);
    if (body.type === "insufficient_quota" || body.code === "insufficient_quota" || (provider !== "gemini-openai" && QUOTA_RE.test(all))) {
      return fatal("quota", "no quota or credit left; a retry will not help");
    }
    return transient(true);
  }
  if (status === 400 || status === 422) {
    // Gemini answers a bad key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID (https://github.com/cequence-io/openai-scala-client/issues/109).
    if (/api key not valid|invalid api[ _-]?key|API_KEY_INVALID/i.test(`${body.message} ${detailsText(body.details)}`)) return fatal("auth", "check the API key for this provider");
    if (CONTEXT_RE.test(all)) return permanent();
    if (/spend limit|spend cap|credit balance is too low/i.test(all)) return fatal("quota", "a spend limit is reached; raise it, then resume");
    if (MODEL_RE.test(all) && /model/i.test(`${body.code ?? ""} ${body.message}`)) return fatal("model", "unknown model; check --model");
    if (PREFILL_RE.test(all)) return fatal("refused", "this model does not continue prefills; run without prefill or use a model/provider that does");
    if (body.code && SHAPE_CODES.has(body.code)) return fatal("refused", "every request of the run would be refused; fix the parameter (see afw providers)");
    return permanent();
  }
  if (status === 408 || status === 409 || status === 425) return transient(false);
  if (status === 413) return permanent();
  if (status === 529) return transient(true);
  if (status >= 500) return transient(false);
  return permanent();
}
