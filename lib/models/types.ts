/**
 * Types of the model door: client options, the result of one call and the
 * retry notice. The request and usage shapes come from lib/schema.
 */
import type { Usage } from "../schema/index";

/** Options of a ModelClient. Only baseURL and apiKey are required. */
export interface ModelClientOptions {
  /** Any OpenAI-compatible base URL, e.g. "http://127.0.0.1:8000/v1". */
  baseURL: string;
  /** Sent as a Bearer token; never written to disk, never put in a message. */
  apiKey: string;
  /** Most HTTP requests in flight at once, across all callers. Default 16. */
  concurrency?: number;
  /** Per-attempt timeout in ms (headers and body). Default 120000. */
  timeoutMs?: number;
  /** Total HTTP attempts per call, first one included. Default 6. */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms. Default 1000. */
  retryBaseMs?: number;
  /** Ceiling of one backoff wait (and of a server's retry-after) in ms. Default 60000. */
  retryMaxMs?: number;
  /** Folder of the response cache; null or omitted means no cache. */
  cacheDir?: string | null;
  /** Told about every retry before its wait starts (messages already redacted). */
  onRetry?: (info: RetryInfo) => void;
}

/** What onRetry hears: which call, which attempt failed, why, and how long the wait is. */
export interface RetryInfo {
  model: string;
  sampleIndex: number;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Wait before the next attempt, in ms. */
  delayMs: number;
  /** HTTP status when there was one, else null (timeout, connection, malformed body). */
  status: number | null;
  /** One-line reason, API key redacted. */
  reason: string;
}

/** The outcome of one call. Failures resolve with `error` set; calls never reject. */
export interface CallResult {
  /** One text per choice, in choice order (n > 1 gives several); [] on error. */
  texts: string[];
  usage: Usage | null;
  /** True when served from the on-disk cache (then attempts is 0). */
  cached: boolean;
  /** HTTP attempts made for this call. */
  attempts: number;
  /** Wall time of the whole call, queueing and backoff included. */
  latency_ms: number;
  /** One-line reason (status + short text) when the call failed for good, else null. */
  error: string | null;
  /** finish_reason per choice, aligned with texts. */
  finish_reasons: (string | null)[];
}
