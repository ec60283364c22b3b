/**
 * OpenAI's Batch API (and servers that copy it):
 * - POST /files, multipart with purpose=batch and the JSONL file; each line
 *   {custom_id, method: "POST", url: "/v1/chat/completions", body}
 *   (https://developers.openai.com/api/reference/cli/resources/batches/methods/create:
 *   "up to 50,000 requests, and can be up to 200 MB in size");
 *   GET /files?purpose=batch lists uploaded files (to find one after a kill).
 * - POST /batches {input_file_id, endpoint, completion_window: "24h", metadata}
 *   (metadata: 16 pairs, keys ≤ 64 characters, values ≤ 512; https://v03.api.js.langchain.com/interfaces/_langchain_openai.OpenAIClient.Batches.BatchCreateParams.html).
 * - GET /batches/{id}: status validating | failed | in_progress | finalizing |
 *   completed | expired | cancelling | cancelled, request_counts {total,
 *   completed, failed}, output_file_id, error_file_id, errors
 *   (https://developers.openai.com/api/reference/go/resources/batches/methods/list).
 * - GET /batches?limit&after: newest first, {data, has_more, last_id}
 *   (https://learn.microsoft.com/en-us/azure/foundry/reference/rest/batches-list-batches).
 * - GET /files/{id}/content: output and error files, lines {id, custom_id,
 *   response: {status_code, request_id, body} | null, error: {code, message} | null};
 *   error codes batch_expired, batch_cancelled, request_timeout
 *   (https://docs.rs/crate/openai-client-base/0.8.1/source/docs/BatchRequestOutputError.md,
 *   https://docs.rs/openai-struct/latest/src/openai_struct/models/batch_request_output.rs.html).
 *   Output order is not the input order.
 * - POST /batches/{id}/cancel: cancelling for up to 10 minutes, then
 *   cancelled with the finished rows in the output file
 *   (https://hexdocs.pm/oapi_open_ai/OpenAi.Batch.html).
 */
import { oneLine } from "../redact";
import { backendHttp, BatchApiError, type BatchBackendHttpOptions, type BatchHttp } from "./http";
import type { BatchBackend, BatchLine, BatchSpec, BatchStatus, Found, RawRow, SubmitHooks } from "./types";

export interface OpenAIBatchOptions extends BatchBackendHttpOptions {
  /** Override the provider's limits (tests). */
  limits?: Partial<BatchBackend["limits"]>;
}

interface OpenAIBatch {
  id: string;
  status: string;
  created_at?: number;
  completed_at?: number | null;
  failed_at?: number | null;
  expired_at?: number | null;
  cancelled_at?: number | null;
  expires_at?: number | null;
  output_file_id?: string | null;
  error_file_id?: string | null;
  request_counts?: { total?: number; completed?: number; failed?: number } | null;
  errors?: { data?: { code?: string; message?: string; line?: number | null }[] } | null;
  metadata?: Record<string, string> | null;
}

interface ListPage<T> {
  data: T[];
  has_more?: boolean;
  last_id?: string | null;
}

/** How far back a list check looks before the submission started (clock skew). */
const LIST_SLACK_S = 600;

/** The name of a batch's input file: the job tag and the batch's number. */
export function inputFileName(tag: string, seq: number): string {
  return `afw-${tag}-${seq}.jsonl`;
}

export class OpenAIBatchBackend implements BatchBackend {
  readonly provider: string;
  readonly label: string;
  readonly limits;
  readonly discount = 0.5;
  readonly uploadsFiles = true;
  private readonly base: string;
  private readonly http: BatchHttp;

  constructor(o: OpenAIBatchOptions) {
    this.base = o.baseURL.replace(/\/+$/, "");
    this.provider = o.provider ?? "openai";
    this.label = o.label ?? "OpenAI Batch API";
    // 200 MB is the documented cap; keep a margin for the multipart envelope and for "MB" meaning 10^6.
    this.limits = { maxRequests: 50_000, maxBytes: 190_000_000, ...(o.limits ?? {}) };
    this.http = backendHttp(o, this.provider, this.label, { authorization: `Bearer ${o.apiKey}` });
  }

  lineText(line: BatchLine, path: string): string {
    return JSON.stringify({ custom_id: line.custom_id, method: "POST", url: `/v1${path}`, body: line.body });
  }

  batchBytes(lineBytes: number, lines: number): number {
    return lineBytes + lines; // one newline per line
  }

  async submit(spec: BatchSpec, known: Found, hooks: SubmitHooks, signal: AbortSignal): Promise<{ batchId: string; fileId: string | null }> {
    let fileId = known.fileId;
    if (!fileId) {
      fileId = await this.upload(spec, signal);
      hooks.onFile?.(fileId);
    }
    hooks.onCreating?.();
    const body = JSON.stringify({
      input_file_id: fileId,
      endpoint: `/v1${spec.path}`,
      completion_window: "24h",
      metadata: { afw_job: spec.tag, afw_seq: String(spec.seq) },
    });
    const b = await this.http.json<OpenAIBatch>("POST", `${this.base}/batches`, body, { retry: false, signal });
    if (typeof b?.id !== "string") throw new BatchApiError("POST /batches: the answer has no batch id", "transient", 200, true);
    return { batchId: b.id, fileId };
  }

  private async upload(spec: BatchSpec, signal: AbortSignal): Promise<string> {
    const boundary = `afw${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    const head =
      `--${boundary}\r\ncontent-disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${inputFileName(spec.tag, spec.seq)}"\r\ncontent-type: application/jsonl\r\n\r\n`;
    const parts: Buffer[] = [Buffer.from(head, "utf8")];
    for (const l of spec.lines) parts.push(Buffer.from(l + "\n", "utf8"));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`, "utf8"));
    const f = await this.http.json<{ id?: string }>("POST", `${this.base}/files`, Buffer.concat(parts), {
      retry: false,
      signal,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    if (typeof f?.id !== "string") throw new BatchApiError("POST /files: the answer has no file id", "transient", 200, true);
    return f.id;
  }

  async find(spec: Pick<BatchSpec, "tag" | "seq" | "startedAt"> & { count: number; claimed: ReadonlySet<string> }, signal: AbortSignal): Promise<Found> {
    const since = Math.floor(spec.startedAt / 1000) - LIST_SLACK_S;
    let batchId: string | null = null;
    let fileId: string | null = null;
    let after: string | null = null;
    for (let page = 0; page < 1000 && !batchId; page++) {
      const q: string = `limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`;
      const p: ListPage<OpenAIBatch> = await this.http.json<ListPage<OpenAIBatch>>("GET", `${this.base}/batches?${q}`, null, { retry: true, signal });
      const data = Array.isArray(p?.data) ? p.data : [];
      let older = false;
      for (const b of data) {
        if (typeof b.created_at === "number" && b.created_at < since) older = true;
        if (b.metadata?.afw_job === spec.tag && b.metadata?.afw_seq === String(spec.seq) && !spec.claimed.has(b.id)) {
          batchId = b.id;
          fileId = (b as { input_file_id?: string }).input_file_id ?? null;
          break;
        }
      }
      if (batchId || older || !p?.has_more || data.length === 0) break;
      after = p.last_id ?? data[data.length - 1].id;
    }
    if (!fileId) {
      const name = inputFileName(spec.tag, spec.seq);
      const files = await this.http.json<ListPage<{ id: string; filename?: string; purpose?: string }>>("GET", `${this.base}/files?purpose=batch&limit=10000`, null, { retry: true, signal });
      const hit = (Array.isArray(files?.data) ? files.data : []).find((f) => f.filename === name);
      if (hit) fileId = hit.id;
    }
    return { fileId, batchId };
  }

  async poll(batchId: string, signal: AbortSignal): Promise<BatchStatus> {
    const b = await this.http.json<OpenAIBatch>("GET", `${this.base}/batches/${encodeURIComponent(batchId)}`, null, { retry: true, signal });
    return this.status(b, batchId);
  }

  async cancel(batchId: string, signal: AbortSignal): Promise<BatchStatus> {
    const b = await this.http.json<OpenAIBatch>("POST", `${this.base}/batches/${encodeURIComponent(batchId)}/cancel`, "{}", { retry: true, signal });
    return this.status(b, batchId);
  }

  private status(b: OpenAIBatch, id: string): BatchStatus {
    if (!b || typeof b.status !== "string") throw new BatchApiError(`GET /batches/${id}: the answer has no status`, "transient", 200, true);
    const rc = b.request_counts ?? {};
    const total = rc.total ?? 0;
    const completed = rc.completed ?? 0;
    const failed = rc.failed ?? 0;
    const phase: BatchStatus["phase"] =
      b.status === "completed" || b.status === "expired" || b.status === "cancelled"
        ? "ended"
        : b.status === "failed"
          ? "failed"
          : b.status === "cancelling"
            ? "cancelling"
            : b.status === "finalizing"
              ? "finalizing"
              : b.status === "validating"
                ? "validating"
                : "in_progress";
    const errs = b.errors?.data ?? [];
    const s = (x: number | null | undefined) => (typeof x === "number" ? x * 1000 : null);
    return {
      id: b.id ?? id,
      phase,
      status: b.status,
      terminal: phase === "ended" || phase === "failed",
      cancelled: b.status === "cancelling" || b.status === "cancelled",
      counts: { total, processing: Math.max(0, total - completed - failed), succeeded: completed, errored: failed, expired: 0, canceled: 0 },
      createdAt: s(b.created_at),
      endedAt: s(b.completed_at ?? b.expired_at ?? b.cancelled_at ?? b.failed_at),
      expiresAt: s(b.expires_at),
      error: errs.length ? oneLine(errs.map((e) => `${e.code ?? "error"}${e.line != null ? ` (line ${e.line})` : ""}: ${e.message ?? ""}`).join("; "), 300) : null,
      errorCodes: errs.map((e) => e.code ?? "").filter(Boolean),
      outputFileId: b.output_file_id ?? null,
      errorFileId: b.error_file_id ?? null,
    };
  }

  async *results(status: BatchStatus, signal: AbortSignal): AsyncIterable<RawRow> {
    for (const fid of [status.outputFileId, status.errorFileId]) {
      if (!fid) continue;
      for await (const line of this.http.lines(`${this.base}/files/${encodeURIComponent(fid)}/content`, signal)) {
        yield readOpenAIRow(line);
      }
    }
  }

  close(): void {
    this.http.close();
  }
}

/** One line of an output or error file, read. */
export function readOpenAIRow(line: string): RawRow {
  let o: { custom_id?: unknown; response?: { status_code?: unknown; body?: unknown } | null; error?: { code?: unknown; message?: unknown } | null };
  try {
    o = JSON.parse(line);
  } catch {
    throw new BatchApiError(`a results line is not JSON: ${oneLine(line, 80)}`, "transient", null, true);
  }
  if (typeof o?.custom_id !== "string") throw new BatchApiError(`a results line has no custom_id: ${oneLine(line, 80)}`, "transient", null, true);
  const r = o.response;
  if (r && typeof r.status_code === "number") {
    if (r.status_code >= 200 && r.status_code < 300) return { custom_id: o.custom_id, kind: "succeeded", body: r.body, status: r.status_code, errorText: null };
    return { custom_id: o.custom_id, kind: "errored", body: null, status: r.status_code, errorText: JSON.stringify(r.body ?? null) };
  }
  const code = typeof o.error?.code === "string" ? o.error.code : "";
  if (code === "batch_expired") return { custom_id: o.custom_id, kind: "expired", body: null, status: null, errorText: null };
  if (code === "batch_cancelled") return { custom_id: o.custom_id, kind: "canceled", body: null, status: null, errorText: null };
  if (code === "request_timeout") return { custom_id: o.custom_id, kind: "timeout", body: null, status: null, errorText: JSON.stringify({ error: o.error }) };
  return { custom_id: o.custom_id, kind: "errored", body: null, status: null, errorText: JSON.stringify({ error: o.error ?? { message: "no response and no error" } }) };
}

