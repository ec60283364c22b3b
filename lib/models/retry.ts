/**
 * Which failures are worth another attempt, and how long to wait first:
 * exponential backoff with full jitter, or the server's retry-after.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { MalformedResponseError } from "./extract";
import { oneLine } from "./redact";

/** A failed attempt, classified. */
export interface AttemptFailure {
  retryable: boolean;
  status: number | null;
  /** One line, not yet redacted. */
  reason: string;
  /** Wait the server asked for (retry-after-ms / retry-after), in ms, uncapped. */
  retryAfterMs: number | null;
}

/**
 * Classify what an attempt threw. Retried: 408, 409, 429, 5xx, timeouts,
 * connection errors/resets, malformed 200 bodies and other unexpected errors
 * (e.g. a body cut off mid-read). Not retried: other 4xx.
 * `timedOut` says the client's own per-attempt guard fired.
 */
export function classifyFailure(err: unknown, timedOut: boolean, timeoutMs: number): AttemptFailure {
  if (timedOut || err instanceof APIConnectionTimeoutError) {
    return { retryable: true, status: null, reason: `timeout after ${timeoutMs} ms`, retryAfterMs: null };
  }
  if (err instanceof MalformedResponseError) {
    return { retryable: true, status: null, reason: err.message, retryAfterMs: null };
  }
  if (err instanceof APIConnectionError) {
    return { retryable: true, status: null, reason: oneLine(`connection error${describeCause(err)}`), retryAfterMs: null };
  }
  if (err instanceof APIUserAbortError) {
    return { retryable: false, status: null, reason: "aborted", retryAfterMs: null };
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const s = err.status;
    const retryable = s === 408 || s === 409 || s === 429 || s >= 500;
    return { retryable, status: s, reason: statusReason(err), retryAfterMs: retryable ? retryAfter(err.headers) : null };
  }
  if (err instanceof SyntaxError) {
    return { retryable: true, status: null, reason: "malformed response: body is not JSON", retryAfterMs: null };
  }
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { retryable: true, status: null, reason: oneLine(`${msg}${describeCause(err)}`), retryAfterMs: null };
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(maxMs, baseMs * 2^(attempt-1))].
 * @example backoffMs(3, 1000, 60000, () => 0.5) // 2000
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * Math.pow(2, Math.max(0, attempt - 1)));
  return Math.floor(random() * ceiling);
}

/**
 * The wait a server asked for, in ms: `retry-after-ms`, else `retry-after`
 * as seconds or as an HTTP date. Null when absent or unreadable.
 */
export function retryAfter(headers: { get(name: string): string | null } | undefined | null): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms != null) {
    const v = parseFloat(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get("retry-after");
  if (ra != null) {
    const secs = Number(ra.trim());
    if (ra.trim() !== "" && Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  return null;
}

function statusReason(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  let text: string;
  if (body && typeof body.message === "string") text = body.message;
  else {
    // APIError messages start with the status already; drop it to avoid "429 429 …".
    text = err.message.startsWith(String(err.status)) ? err.message.slice(String(err.status).length) : err.message;
  }
  text = oneLine(text, 160);
  return text ? `${err.status} ${text}` : `${err.status} (no body)`;
}

/** " (CODE): deepest message" from an error's cause chain ("" when there is nothing to add). */
function describeCause(err: unknown): string {
  let code: string | null = null;
  let deepest: string | null = null;
  let c: unknown = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  for (let depth = 0; depth < 4 && c && typeof c === "object"; depth++) {
    const e = c as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === null && typeof e.code === "string") code = e.code;
    if (typeof e.message === "string" && e.message) deepest = e.message;
    c = e.cause;
  }
  if (!code && !deepest) return "";
  return `${code ? ` (${code})` : ""}: ${deepest ?? ""}`.replace(/: $/, "");
}
