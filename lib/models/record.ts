/**
 * What the pipeline writes of a call: the Sample fields that come from the
 * model door, and a tally that prints the first message of each error kind
 * once (the rest are counted).
 */
import type { ErrorKind, Sample } from "../schema/index";
import type { CallResult } from "./types";

/** The fields of a Sample that come from one call. */
export type CallFields = Pick<
  Sample,
  "output_text" | "usage" | "error" | "error_kind" | "outcome" | "finish_reason" | "provider" | "upstream_provider" | "model_snapshot" | "reasoning" | "attempts" | "cached" | "latency_ms"
>;

/**
 * The Sample fields of a call's first choice. A blocked reply keeps its
 * (usually empty) text; a failed one has output_text null. Do not write a
 * sample for a call with `cancelled: true` or `error_kind: "fatal"`: the run
 * stops and a resume redoes it.
 * @example sampleFields(await client.call(model, request, i)) // spread into the Sample record
 */
export function sampleFields(r: CallResult): CallFields {
  const c = r.choices[0] ?? null;
  return {
    output_text: r.error !== null || !c ? null : c.text,
    usage: r.usage,
    error: r.error,
    error_kind: r.error !== null ? r.error_kind : null,
    outcome: r.outcome,
    finish_reason: c?.finish_reason ?? null,
    provider: r.provider,
    upstream_provider: r.upstream_provider,
    model_snapshot: r.model_snapshot,
    reasoning: c?.reasoning ?? null,
    attempts: r.attempts,
    cached: r.cached,
    latency_ms: r.latency_ms,
  };
}

/**
 * Counts failures and blocked replies by kind and says which message is the
 * first of its kind (to print once, on one line).
 * @example
 * const tally = new ErrorTally();
 * const line = tally.add(result); if (line) log(line);
 * tally.counts() // { transient: 2, permanent: 0, fatal: 0, blocked: 5, cancelled: 0 }
 */
export class ErrorTally {
  private readonly n: Record<ErrorKind | "blocked" | "cancelled", number> = { transient: 0, permanent: 0, fatal: 0, blocked: 0, cancelled: 0 };
  private readonly seen = new Set<string>();

  /** Count a call; returns a line to print when it is the first of its kind, else null. */
  add(r: CallResult): string | null {
    let kind: ErrorKind | "blocked" | "cancelled" | null = null;
    let msg = "";
    if (r.cancelled) kind = "cancelled";
    else if (r.error !== null) {
      kind = r.error_kind ?? "transient";
      msg = r.error;
    } else if (r.outcome === "blocked") {
      kind = "blocked";
      msg = `blocked by the provider (${r.choices[0]?.finish_reason ?? "no reason given"})`;
    }
    if (!kind) return null;
    this.n[kind]++;
    if (kind === "cancelled" || this.seen.has(kind)) return null;
    this.seen.add(kind);
    const label = kind === "blocked" ? "first blocked reply" : `first ${kind} error`;
    return `${label} (${r.provider}): ${msg}`;
  }

  counts(): Record<ErrorKind | "blocked" | "cancelled", number> {
    return { ...this.n };
  }
}
