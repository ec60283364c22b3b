/**
 * A mock of OpenAI's Files and Batch APIs, as documented:
 * - POST /v1/files: multipart/form-data with `purpose` ("batch") and `file`;
 *   answers a File object {id, object: "file", bytes, created_at, filename, purpose}
 *   (https://platform.openai.com/docs/api-reference/files/create);
 *   GET /v1/files?purpose=batch lists them {object: "list", data}; GET
 *   /v1/files/{id}/content returns the bytes.
 * - The input file is JSONL, one request a line {custom_id, method: "POST",
 *   url, body}; custom_ids unique in the file; every url the batch's
 *   endpoint; at most 50,000 lines and 200 MB
 *   (https://developers.openai.com/api/reference/cli/resources/batches/methods/create).
 *   A file that breaks these rules makes the batch `failed` with
 *   errors.data [{code, message, line}] (https://docs.rs/openai_api_rs/7.0.0/src/openai_api_rs/v1/batch.rs.html).
 * - POST /v1/batches {input_file_id, endpoint, completion_window: "24h",
 *   metadata}: a Batch object; status goes validating → in_progress →
 *   finalizing → completed (or expired, or cancelling → cancelled);
 *   request_counts {total, completed, failed}; output_file_id and
 *   error_file_id once it ends; created_at, in_progress_at, expires_at, …
 *   as Unix seconds (https://raw.githubusercontent.com/wompRS/openai-python/main/src/openai/types/batch.py).
 * - GET /v1/batches?limit&after: newest first, {object: "list", data,
 *   first_id, last_id, has_more} (https://learn.microsoft.com/en-us/azure/foundry/reference/rest/batches-list-batches).
 * - Output and error files: one line a request {id, custom_id, response:
 *   {status_code, request_id, body} | null, error: {code, message} | null},
 *   in no particular order; rows that failed with an HTTP error are in the
 *   error file with their status and error body; rows never run carry
 *   error.code batch_expired or batch_cancelled; request_timeout when the
 *   model call timed out (https://docs.rs/crate/openai-client-base/0.8.1/source/docs/BatchRequestOutputError.md).
 * - POST /v1/batches/{id}/cancel: cancelling, then cancelled with the rows
 *   finished so far in the output file (https://hexdocs.pm/oapi_open_ai/OpenAi.Batch.html).
 * - Errors: {error: {message, type, param, code}}; 401 invalid_api_key.
 * Fault injection: 500 on some polls, slow (trickled) downloads, a delay
 * before answering create (to kill a client in that window), batches that
 * expire, rows that error (500 transient, 400 context length, 404 model)
 * or expire. Time runs for real, scaled by `speed`.
 */
import { modelText, promptTokens, tokens } from "./base";
import { parseMultipart, shuffled, startRawServer, type Answer, type Fate, type RawHit } from "./batch-common";

export interface OpenAIBatchMockOptions {
  /** Keys accepted (Bearer). Default ["sk-batch-good"]. */
  keys?: string[];
  /** ms in validating, in progress, finalizing. Defaults 20, 150, 20. */
  validateMs?: number;
  processMs?: number;
  /** ms in progress of the batch created index-th (0-based), instead of processMs. */
  processMsOf?: (index: number) => number;
  finalizeMs?: number;
  /** ms in cancelling before cancelled. Default 30. */
  cancelMs?: number;
  /** What becomes of a row the n-th time the server sees its custom_id (from 1). Default always "ok". */
  fate?: (customId: string, seen: number) => Fate;
  /** Batches (0-based creation order) that expire halfway through. */
  expireBatch?: (index: number) => boolean;
  /** Answer 500 to this GET /v1/batches/{id} (n counts every poll, from 1). */
  failPoll?: (n: number) => boolean;
  /** Answer 500 to the n-th create (from 1) after creating the batch (the answer is lost, the batch exists). */
  loseCreateAnswer?: (n: number) => boolean;
  /** Trickle file downloads: bytes a chunk and ms between chunks. */
  download?: { chunkBytes: number; delayMs: number };
  /** Drop the connection halfway through the n-th download (from 1). */
  breakDownload?: (n: number) => boolean;
  /** Called when a create arrives, before it is answered; the answer waits createDelayMs. */
  onCreate?: (n: number) => void;
  createDelayMs?: number;
  /** Answer 500 to the n-th upload (from 1) after storing the file (the answer is lost, the file exists). */
  loseUploadAnswer?: (n: number) => boolean;
  /** Called when an upload arrives, before it is answered; the answer waits uploadDelayMs. */
  onUpload?: (n: number) => void;
  uploadDelayMs?: number;
  /** Fail the batch (0-based creation order) in validation with this error, e.g. {code: "token_limit_exceeded", …}. */
  failBatch?: (index: number) => { code: string; message: string } | null;
  /** Prompt tokens (words) from which a repeated system prompt is a cache hit. Default 20. */
  cacheMinTokens?: number;
  /** The model's text for choice i of a request body (null: the default stand-in reply). */
  answer?: (body: any, choice: number) => string | null;
}

interface FileRec {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  created_at: number;
  text: string;
}

interface BatchRec {
  id: string;
  index: number;
  input_file_id: string;
  endpoint: string;
  metadata: Record<string, string> | null;
  createdMs: number;
  expire: boolean;
  cancelAt: number | null;
  lines: { custom_id: string; body: any }[];
  invalid: { code: string; message: string; line: number } | null;
  output_file_id: string | null;
  error_file_id: string | null;
  final: { status: string; completed: number; failed: number; at: number } | null;
}

export interface OpenAIBatchMock {
  baseURL: string;
  stats: { uploads: number; creates: number; polls: number; lists: number; downloads: number; cancels: number; batchesCreated: number; syncCalls: number };
  batches: Map<string, BatchRec>;
  files: Map<string, FileRec>;
  /** Times each custom_id was processed. */
  seen: Map<string, number>;
  close(): Promise<void>;
}

const sec = (ms: number) => Math.floor(ms / 1000);

export async function startOpenAIBatchMock(o: OpenAIBatchMockOptions = {}): Promise<OpenAIBatchMock> {
  const keys = new Set(o.keys ?? ["sk-batch-good"]);
  const V = o.validateMs ?? 20;
  const P0 = o.processMs ?? 150;
  const F = o.finalizeMs ?? 20;
  const C = o.cancelMs ?? 30;
  const files = new Map<string, FileRec>();
  const batches = new Map<string, BatchRec>();
  const order: string[] = [];
  const seen = new Map<string, number>();
  const cachedPrefixes = new Set<string>();
  const stats = { uploads: 0, creates: 0, polls: 0, lists: 0, downloads: 0, cancels: 0, batchesCreated: 0, syncCalls: 0 };
  let fileN = 0;
  let batchN = 0;

  const err = (status: number, message: string, type: string, code: string | null = null): Answer => ({ status, json: { error: { message, type, param: null, code } } });

  /** One row processed: the line for the output or the error file. */
  function processRow(b: BatchRec, l: { custom_id: string; body: any }, k: number, sync = false): { out: boolean; line: unknown } {
    const n = (seen.get(l.custom_id) ?? 0) + 1;
    if (!sync) seen.set(l.custom_id, n);
    const fate = sync ? "ok" : (o.fate?.(l.custom_id, n) ?? "ok");
    const id = `batch_req_${b.index}_${k}`;
    const request_id = `req_${b.index}_${k}`;
    const model = String(l.body?.model ?? "");
    if (fate === "error500") return { out: false, line: { id, custom_id: l.custom_id, response: { status_code: 500, request_id, body: { error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } } }, error: null } };
    if (fate === "timeout") return { out: false, line: { id, custom_id: l.custom_id, response: null, error: { code: "request_timeout", message: "The request timed out." } } };
    if (fate === "permanent") {
      return { out: false, line: { id, custom_id: l.custom_id, response: { status_code: 400, request_id, body: { error: { message: "This model's maximum context length is 128000 tokens.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } } }, error: null } };
    }
    if (fate === "fatal404" || model.startsWith("missing-")) {
      return { out: false, line: { id, custom_id: l.custom_id, response: { status_code: 404, request_id, body: { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } } }, error: null } };
    }
    if (fate === "expire") return { out: false, line: { id, custom_id: l.custom_id, response: null, error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." } } };
    const body = l.body;
    const nChoices = typeof body.n === "number" && body.n > 1 ? body.n : 1;
    const choices = [];
    let completion = 0;
    for (let i = 0; i < nChoices; i++) {
      const text = o.answer?.(body, i) ?? modelText(body, false) + (nChoices > 1 ? ` #${i}` : "");
      completion += tokens(text);
      choices.push({ index: i, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null });
    }
    const prompt = promptTokens(body);
    // Automatic prompt caching: a repeated system prompt of enough tokens is read from the cache.
    const sys = (body.messages ?? []).filter((m: any) => m.role === "system").map((m: any) => String(m.content)).join("\n");
    let cachedTok = 0;
    if (sys && tokens(sys) >= (o.cacheMinTokens ?? 20)) {
      if (cachedPrefixes.has(sys)) cachedTok = tokens(sys);
      else cachedPrefixes.add(sys);
    }
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cachedTok }, completion_tokens_details: { reasoning_tokens: 0 } };
    return { out: true, line: { id, custom_id: l.custom_id, response: { status_code: 200, request_id, body: { id: `chatcmpl-${b.index}-${k}`, object: "chat.completion", created: sec(Date.now()), model: `${model}-2024-08-06`, choices, usage } }, error: null } };
  }

  /** Status now (and the files, made once, when it ends). */
  function view(b: BatchRec): Record<string, unknown> {
    const P = o.processMsOf?.(b.index) ?? P0;
    const now = Date.now();
    const t = now - b.createdMs;
    const total = b.lines.length;
    let status: string;
    let done = 0;
    if (b.invalid) status = t < V ? "validating" : "failed";
    else if (b.final) status = b.final.status;
    else if (b.cancelAt !== null) status = now - b.cancelAt < C ? "cancelling" : "cancelled";
    else if (b.expire && t >= V + P / 2) status = "expired";
    else if (t < V) status = "validating";
    else if (t < V + P) {
      status = "in_progress";
      done = Math.floor((total * (t - V)) / P);
    } else if (t < V + P + F) {
      status = "finalizing";
      done = total;
    } else status = "completed";
    if (!b.final && (status === "completed" || status === "expired" || status === "cancelled")) {
      // How many rows ran before the end (the rest never did).
      const ranUntil = status === "completed" ? total : status === "expired" ? Math.floor(total / 2) : Math.min(total, Math.max(0, Math.floor((total * (b.cancelAt! - b.createdMs - V)) / P)));
      const outLines: unknown[] = [];
      const errLines: unknown[] = [];
      let completed = 0;
      let failed = 0;
      b.lines.forEach((l, k) => {
        if (k < ranUntil) {
          const r = processRow(b, l, k);
          (r.out ? outLines : errLines).push(r.line);
          if (r.out) completed++;
          else failed++;
        } else {
          const code = status === "expired" ? "batch_expired" : "batch_cancelled";
          errLines.push({ id: `batch_req_${b.index}_${k}`, custom_id: l.custom_id, response: null, error: { code, message: code === "batch_expired" ? "This request could not be executed before the completion window expired." : "This request was cancelled before it ran." } });
          failed++;
        }
      });
      const mk = (lines: unknown[], kind: string): string | null => {
        if (!lines.length) return null;
        const id = `file-${kind}-${++fileN}`;
        const text = shuffled(lines, `${b.id}:${kind}`).map((x) => JSON.stringify(x)).join("\n") + "\n";
        files.set(id, { id, filename: `${b.id}_${kind}.jsonl`, purpose: `batch_${kind}`, bytes: Buffer.byteLength(text), created_at: sec(now), text });
        return id;
      };
      b.output_file_id = mk(outLines, "output");
      b.error_file_id = mk(errLines, "error");
      b.final = { status, completed, failed, at: now };
    }
    const fin = b.final;
    return {
      id: b.id,
      object: "batch",
      endpoint: b.endpoint,
      errors: b.invalid && status === "failed" ? { object: "list", data: [b.invalid] } : null,
      input_file_id: b.input_file_id,
      completion_window: "24h",
      status,
      output_file_id: b.output_file_id,
      error_file_id: b.error_file_id,
      created_at: sec(b.createdMs),
      in_progress_at: t >= V ? sec(b.createdMs + V) : null,
      expires_at: sec(b.createdMs) + 86_400,
      finalizing_at: null,
      completed_at: status === "completed" ? sec(fin?.at ?? now) : null,
      failed_at: status === "failed" ? sec(now) : null,
      expired_at: status === "expired" ? sec(fin?.at ?? now) : null,
      cancelling_at: b.cancelAt !== null ? sec(b.cancelAt) : null,
      cancelled_at: status === "cancelled" ? sec(fin?.at ?? now) : null,
      request_counts: { total, completed: fin ? fin.completed : Math.min(done, total), failed: fin ? fin.failed : 0 },
      metadata: b.metadata,
    };
  }

  const srv = await startRawServer(async (h: RawHit): Promise<Answer> => {
    const auth = String(h.headers.authorization ?? "");
    if (!auth.startsWith("Bearer ") || !keys.has(auth.slice(7))) return err(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    const p = h.path;
    if (h.method === "POST" && p === "/v1/chat/completions") {
      // The synchronous endpoint, for rows sent again synchronously (thenSync): the same answers as a batch row.
      stats.syncCalls++;
      const body = JSON.parse(h.body.toString("utf8"));
      const r = processRow({ index: -1 } as BatchRec, { custom_id: `sync-${stats.syncCalls}`, body }, stats.syncCalls, true) as { out: boolean; line: any };
      return { status: 200, json: r.line.response.body };
    }
    if (h.method === "POST" && p === "/v1/files") {
      const n = ++stats.uploads;
      o.onUpload?.(n);
      const form = parseMultipart(h.body, String(h.headers["content-type"] ?? ""));
      const purpose = form.get("purpose")?.data.toString("utf8");
      const file = form.get("file");
      if (!file || !purpose) return err(400, "Both 'file' and 'purpose' are required.", "invalid_request_error");
      if (purpose !== "batch") return err(400, `Invalid purpose ${purpose}.`, "invalid_request_error");
      if (file.data.length > 200 * 1024 * 1024) return err(400, "File exceeds 200 MB.", "invalid_request_error");
      const id = `file-in-${++fileN}`;
      const rec: FileRec = { id, filename: file.filename ?? "upload.jsonl", purpose, bytes: file.data.length, created_at: sec(Date.now()), text: file.data.toString("utf8") };
      files.set(id, rec);
      if (o.uploadDelayMs) await new Promise((r) => setTimeout(r, o.uploadDelayMs));
      if (o.loseUploadAnswer?.(n)) return err(500, "The server had an error while processing your request.", "server_error");
      const { text: _t, ...obj } = rec;
      return { status: 200, json: { object: "file", status: "processed", ...obj } };
    }
    if (h.method === "GET" && p === "/v1/files") {
      stats.lists++;
      const purpose = h.query.get("purpose");
      const data = [...files.values()].filter((f) => !purpose || f.purpose === purpose).map(({ text: _t, ...f }) => ({ object: "file", ...f }));
      return { status: 200, json: { object: "list", data, has_more: false } };
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(p);
    if (h.method === "GET" && content) {
      const f = files.get(content[1]);
      if (!f) return err(404, `No such File object: ${content[1]}`, "invalid_request_error");
      stats.downloads++;
      return { status: 200, text: f.text, contentType: "application/octet-stream", chunkBytes: o.download?.chunkBytes, chunkDelayMs: o.download?.delayMs, ...(o.breakDownload?.(stats.downloads) ? { breakAfterBytes: Math.floor(Buffer.byteLength(f.text) / 2) } : {}) };
    }
    if (h.method === "POST" && p === "/v1/batches") {
      const n = ++stats.creates;
      o.onCreate?.(n);
      let b: any;
      try {
        b = JSON.parse(h.body.toString("utf8"));
      } catch {
        return err(400, "We could not parse the JSON body of your request.", "invalid_request_error");
      }
      if (b?.completion_window !== "24h") return err(400, "completion_window must be 24h", "invalid_request_error");
      if (!["/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings"].includes(b?.endpoint)) return err(400, `Invalid endpoint ${b?.endpoint}`, "invalid_request_error");
      const f = files.get(String(b?.input_file_id));
      if (!f || f.purpose !== "batch") return err(400, `Invalid input_file_id ${b?.input_file_id}`, "invalid_request_error");
      if (b.metadata && (Object.keys(b.metadata).length > 16 || Object.entries(b.metadata).some(([k, v]) => k.length > 64 || typeof v !== "string" || v.length > 512))) {
        return err(400, "Invalid metadata", "invalid_request_error");
      }
      const lines: BatchRec["lines"] = [];
      let invalid: BatchRec["invalid"] = null;
      const ids = new Set<string>();
      f.text.split("\n").forEach((raw, i) => {
        if (!raw.trim() || invalid) return;
        let l: any;
        try {
          l = JSON.parse(raw);
        } catch {
          invalid = { code: "invalid_json_line", message: "This line is not parseable as valid JSON.", line: i + 1 };
          return;
        }
        if (typeof l.custom_id !== "string" || ids.has(l.custom_id)) invalid = { code: "duplicate_custom_id", message: "The custom_id for this request is a duplicate of another request.", line: i + 1 };
        else if (l.method !== "POST" || l.url !== b.endpoint) invalid = { code: "mismatched_endpoint", message: `The url for this request does not match the batch endpoint ${b.endpoint}.`, line: i + 1 };
        else if (typeof l.body?.model !== "string") invalid = { code: "missing_required_parameter", message: "model is required", line: i + 1 };
        else {
          ids.add(l.custom_id);
          lines.push({ custom_id: l.custom_id, body: l.body });
        }
      });
      if (!invalid && lines.length > 50_000) invalid = { code: "too_many_requests", message: "The input file has more than 50,000 requests.", line: 50_001 };
      const index = batchN++;
      const forced = o.failBatch?.(index) ?? null;
      if (forced && !invalid) invalid = { ...forced, line: null as unknown as number };
      const id = `batch_${String(index).padStart(6, "0")}${Math.random().toString(16).slice(2, 8)}`;
      const rec: BatchRec = { id, index, input_file_id: f.id, endpoint: b.endpoint, metadata: b.metadata ?? null, createdMs: Date.now(), expire: o.expireBatch?.(index) ?? false, cancelAt: null, lines, invalid, output_file_id: null, error_file_id: null, final: null };
      batches.set(id, rec);
      order.unshift(id);
      stats.batchesCreated++;
      if (o.createDelayMs) await new Promise((r) => setTimeout(r, o.createDelayMs));
      if (o.loseCreateAnswer?.(n)) return err(500, "The server had an error while processing your request.", "server_error");
      return { status: 200, json: view(rec) };
    }
    if (h.method === "GET" && p === "/v1/batches") {
      stats.lists++;
      const limit = Math.min(100, Math.max(1, Number(h.query.get("limit") ?? 20)));
      const after = h.query.get("after");
      let start = 0;
      if (after) start = order.indexOf(after) + 1;
      const page = order.slice(start, start + limit).map((id) => view(batches.get(id)!));
      return { status: 200, json: { object: "list", data: page, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null, has_more: start + limit < order.length } };
    }
    const one = /^\/v1\/batches\/([^/]+)$/.exec(p);
    if (h.method === "GET" && one) {
      const n = ++stats.polls;
      if (o.failPoll?.(n)) return err(500, "The server had an error while processing your request.", "server_error");
      const b = batches.get(one[1]);
      if (!b) return err(404, `No batch found with id '${one[1]}'.`, "invalid_request_error");
      return { status: 200, json: view(b) };
    }
    const cancel = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(p);
    if (h.method === "POST" && cancel) {
      const b = batches.get(cancel[1]);
      if (!b) return err(404, `No batch found with id '${cancel[1]}'.`, "invalid_request_error");
      stats.cancels++;
      const v = view(b);
      if (["completed", "failed", "expired", "cancelled"].includes(String(v.status))) return err(400, `Cannot cancel a batch with status ${v.status}.`, "invalid_request_error");
      if (b.cancelAt === null) b.cancelAt = Date.now();
      return { status: 200, json: view(b) };
    }
    return err(404, `Unknown request URL: ${h.method} ${p}`, "invalid_request_error");
  });
  return { baseURL: `${srv.origin}/v1`, stats, batches, files, seen, close: srv.close };
}
