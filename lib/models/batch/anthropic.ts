/**
 * Anthropic's Message Batches API:
 * - POST /v1/messages/batches {requests: [{custom_id, params}]}, params being
 *   the Messages API body; "limited to either 100,000 Message requests or
 *   256 MB in size, whichever is reached first"; custom_id 1–64 characters
 *   of [a-zA-Z0-9_-] (https://platform.claude.com/docs/en/build-with-claude/batch-processing,
 *   https://platform.claude.com/docs/en/api/csharp/messages/batches/create).
 * - GET /v1/messages/batches/{id}: processing_status in_progress | canceling |
 *   ended; request_counts {processing, succeeded, errored, canceled,
 *   expired}, which stay at processing until the whole batch ends;
 *   results_url once it has ended; created_at, ended_at, expires_at
 *   (24 hours after creation) as RFC 3339 strings
 *   (https://platform.claude.com/docs/en/api/kotlin/messages/batches,
 *   github.com/anthropics/anthropic-sdk-typescript src/resources/messages/batches.ts).
 * - GET {results_url}: JSONL, one line {custom_id, result} with result
 *   {type: "succeeded", message} | {type: "errored", error: {type: "error",
 *   error: {type, message}}} | {type: "canceled"} | {type: "expired"}, not in
 *   request order; the URL is read from the batch, never assumed
 *   (https://platform.claude.com/docs/en/api/csharp/messages/batches/results).
 * - GET /v1/messages/batches?limit&after_id: newest first, {data, has_more,
 *   first_id, last_id} (no metadata on batches: a batch is recognised after a
 *   kill by its creation time and request count, and checked against its
 *   custom_ids when its results are read).
 * - POST /v1/messages/batches/{id}/cancel: canceling, then ended with the
 *   unprocessed rows canceled.
 * Errors: {type: "error", error: {type, message}}
 * (https://platform.claude.com/docs/en/api/errors).
 */
import { oneLine } from "../redact";
import { backendHttp, BatchApiError, type BatchBackendHttpOptions, type BatchHttp } from "./http";
import type { BatchBackend, BatchLine, BatchSpec, BatchStatus, Found, RawRow, SubmitHooks } from "./types";

export interface AnthropicBatchOptions extends BatchBackendHttpOptions {
  anthropicVersion?: string;
  limits?: Partial<BatchBackend["limits"]>;
}

interface MessageBatch {
  id: string;
  type?: string;
  processing_status: string;
  request_counts?: { processing?: number; succeeded?: number; errored?: number; canceled?: number; expired?: number } | null;
  created_at?: string | null;
  ended_at?: string | null;
  expires_at?: string | null;
  results_url?: string | null;
  cancel_initiated_at?: string | null;
}

/** How far back a list check looks before the submission started (clock skew). */
const LIST_SLACK_MS = 120_000;

/** The HTTP status each documented error type stands for (https://platform.claude.com/docs/en/api/errors). */
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const ms = (s: string | null | undefined): number | null => {
  if (typeof s !== "string") return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
};

export class AnthropicBatchBackend implements BatchBackend {
  readonly provider: string;
  readonly label: string;
  readonly limits;
  readonly discount = 0.5;
  readonly uploadsFiles = false;
  private readonly base: string;
  private readonly http: BatchHttp;

  constructor(o: AnthropicBatchOptions) {
    this.base = o.baseURL.replace(/\/+$/, "");
    this.provider = o.provider ?? "anthropic";
    this.label = o.label ?? "Anthropic Message Batches API";
    // 256 MB is the documented cap; keep a margin ("MB" may mean 10^6).
    this.limits = { maxRequests: 100_000, maxBytes: 250_000_000, ...(o.limits ?? {}) };
    this.http = backendHttp(o, this.provider, this.label, { "x-api-key": o.apiKey, "anthropic-version": o.anthropicVersion ?? "2023-06-01" });
  }

  lineText(line: BatchLine): string {
    return JSON.stringify({ custom_id: line.custom_id, params: line.body });
  }

  batchBytes(lineBytes: number, lines: number): number {
    return lineBytes + Math.max(0, lines - 1) + '{"requests":[]}'.length;
  }

  async submit(spec: BatchSpec, _known: Found, hooks: SubmitHooks, signal: AbortSignal): Promise<{ batchId: string; fileId: string | null }> {
    hooks.onCreating?.();
    const body = `{"requests":[${spec.lines.join(",")}]}`;
    const b = await this.http.json<MessageBatch>("POST", `${this.base}/messages/batches`, body, { retry: false, signal });
    if (typeof b?.id !== "string") throw new BatchApiError("POST /messages/batches: the answer has no batch id", "transient", 200, true);
    return { batchId: b.id, fileId: null };
  }

  async find(spec: Pick<BatchSpec, "tag" | "seq" | "startedAt"> & { count: number; claimed: ReadonlySet<string> }, signal: AbortSignal): Promise<Found> {
    const since = spec.startedAt - LIST_SLACK_MS;
    const candidates: MessageBatch[] = [];
    let after: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const q: string = `limit=100${after ? `&after_id=${encodeURIComponent(after)}` : ""}`;
      const p: { data?: MessageBatch[]; has_more?: boolean; last_id?: string | null } = await this.http.json<{ data?: MessageBatch[]; has_more?: boolean; last_id?: string | null }>("GET", `${this.base}/messages/batches?${q}`, null, { retry: true, signal });
      const data = Array.isArray(p?.data) ? p.data : [];
      let older = false;
      for (const b of data) {
        const t = ms(b.created_at);
        if (t !== null && t < since) {
          older = true;
          continue;
        }
        const c = b.request_counts ?? {};
        const n = (c.processing ?? 0) + (c.succeeded ?? 0) + (c.errored ?? 0) + (c.canceled ?? 0) + (c.expired ?? 0);
        if (n === spec.count && !spec.claimed.has(b.id)) candidates.push(b);
      }
      if (older || !p?.has_more || data.length === 0) break;
      after = p.last_id ?? data[data.length - 1].id;
    }
    if (!candidates.length) return { fileId: null, batchId: null };
    // The one created closest after the submission started (the run checks its custom_ids when its results arrive).
    candidates.sort((x, y) => Math.abs((ms(x.created_at) ?? 0) - spec.startedAt) - Math.abs((ms(y.created_at) ?? 0) - spec.startedAt));
    return { fileId: null, batchId: candidates[0].id };
  }

  async poll(batchId: string, signal: AbortSignal): Promise<BatchStatus> {
    const b = await this.http.json<MessageBatch>("GET", `${this.base}/messages/batches/${encodeURIComponent(batchId)}`, null, { retry: true, signal });
    return this.status(b, batchId);
  }

  async cancel(batchId: string, signal: AbortSignal): Promise<BatchStatus> {
    const b = await this.http.json<MessageBatch>("POST", `${this.base}/messages/batches/${encodeURIComponent(batchId)}/cancel`, null, { retry: true, signal });
    return this.status(b, batchId);
  }

  private status(b: MessageBatch, id: string): BatchStatus {
    if (!b || typeof b.processing_status !== "string") throw new BatchApiError(`GET /messages/batches/${id}: the answer has no processing_status`, "transient", 200, true);
    const c = b.request_counts ?? {};
    const counts = {
      processing: c.processing ?? 0,
      succeeded: c.succeeded ?? 0,
      errored: c.errored ?? 0,
      canceled: c.canceled ?? 0,
      expired: c.expired ?? 0,
      total: 0,
    };
    counts.total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
    const phase: BatchStatus["phase"] = b.processing_status === "ended" ? "ended" : b.processing_status === "canceling" ? "cancelling" : "in_progress";
    return {
      id: b.id ?? id,
      phase,
      status: b.processing_status,
      terminal: phase === "ended",
      cancelled: b.processing_status === "canceling" || !!b.cancel_initiated_at,
      counts,
      createdAt: ms(b.created_at),
      endedAt: ms(b.ended_at),
      expiresAt: ms(b.expires_at),
      error: null,
      resultsUrl: b.results_url ?? null,
    };
  }

  async *results(status: BatchStatus, signal: AbortSignal): AsyncIterable<RawRow> {
    if (!status.resultsUrl) throw new BatchApiError(`batch ${status.id} has ended but has no results_url`, "transient", null, true);
    for await (const line of this.http.lines(status.resultsUrl, signal, { accept: "application/binary" })) yield readAnthropicRow(line);
  }

  close(): void {
    this.http.close();
  }
}

/** One line of a results stream, read. */
export function readAnthropicRow(line: string): RawRow {
  let o: { custom_id?: unknown; result?: { type?: unknown; message?: unknown; error?: unknown } };
  try {
    o = JSON.parse(line);
  } catch {
    throw new BatchApiError(`a results line is not JSON: ${oneLine(line, 80)}`, "transient", null, true);
  }
  if (typeof o?.custom_id !== "string") throw new BatchApiError(`a results line has no custom_id: ${oneLine(line, 80)}`, "transient", null, true);
  const r = o.result ?? {};
  switch (r.type) {
    case "succeeded":
      return { custom_id: o.custom_id, kind: "succeeded", body: r.message, status: 200, errorText: null };
    case "expired":
      return { custom_id: o.custom_id, kind: "expired", body: null, status: null, errorText: null };
    case "canceled":
      return { custom_id: o.custom_id, kind: "canceled", body: null, status: null, errorText: null };
    default: {
      const err = (r.error ?? null) as { error?: { type?: unknown } } | null;
      const type = typeof err?.error?.type === "string" ? err.error.type : "";
      return { custom_id: o.custom_id, kind: "errored", body: null, status: ERROR_STATUS[type] ?? null, errorText: JSON.stringify(err ?? { error: { message: `unknown result type ${String(r.type)}` } }) };
    }
  }
}
