/**
 * Waits between attempts: exponential backoff with full jitter, the
 * server's retry-after, and the one-line reasons of failures that never
 * reached an HTTP status (timeouts, resets, refused connections).
 */
import { oneLine } from "./redact";

/** A failed attempt, classified (kept for callers of the earlier API). */
export interface AttemptFailure {
  retryable: boolean;
  status: number | null;
  /** One line, not yet redacted. */
  reason: string;
  /** Wait the server asked for (retry-after-ms / retry-after), in ms, uncapped. */
  retryAfterMs: number | null;
}

/**
 * Classify an attempt that threw before a status arrived: a timeout (the
 * client's own guard, `timedOut`), a refused or reset connection, a body cut
 * off mid-read. All are retryable except an abort by the caller.
 * @example classifyFailure(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), false, 1000).reason
 *   // "connection error (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:9"
 */
export function classifyFailure(err: unknown, timedOut: boolean, timeoutMs: number): AttemptFailure {
  if (timedOut) return { retryable: true, status: null, reason: `timeout after ${timeoutMs} ms`, retryAfterMs: null };
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e && e.name === "AbortError") return { retryable: false, status: null, reason: "aborted", retryAfterMs: null };
  const code = e && typeof e.code === "string" ? e.code : null;
  const msg = e && typeof e.message === "string" ? e.message : String(err);
  if (code) return { retryable: true, status: null, reason: oneLine(`connection error (${code}): ${msg}${describeCause(err)}`), retryAfterMs: null };
  const name = e && typeof e.name === "string" ? e.name : "Error";
  return { retryable: true, status: null, reason: oneLine(`${name}: ${msg}${describeCause(err)}`), retryAfterMs: null };
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
  return retryAfterWait(headers)?.ms ?? null;
}

/** A server's wait and whether it is precise (milliseconds, or fractional seconds) or whole seconds (rounded up by the server). */
export interface Wait {
  ms: number;
  precise: boolean;
}

/**
 * The wait a server asked for, with its precision: `retry-after-ms` and a
 * fractional `retry-after` are precise; a whole-second `retry-after` or an
 * HTTP date are not (the true wait may be up to a second shorter).
 * @example retryAfterWait(new Headers({ "retry-after": "1" })) // { ms: 1000, precise: false }
 */
export function retryAfterWait(headers: { get(name: string): string | null } | undefined | null): Wait | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms != null) {
    const v = parseFloat(ms);
    if (Number.isFinite(v) && v >= 0) return { ms: v, precise: true };
  }
  const ra = headers.get("retry-after");
  if (ra != null) {
    const t = ra.trim();
    const secs = Number(t);
    if (t !== "" && Number.isFinite(secs) && secs >= 0) return { ms: secs * 1000, precise: !Number.isInteger(secs) };
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return { ms: Math.max(0, at - Date.now()), precise: false };
  }
  return null;
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
