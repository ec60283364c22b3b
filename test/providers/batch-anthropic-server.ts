/**
 * A mock of Anthropic's Message Batches API, as documented:
 * - POST /v1/messages/batches {requests: [{custom_id, params}]}, 1 to
 *   100,000 requests, 256 MB at most; custom_id 1–64 characters of
 *   [a-zA-Z0-9_-], unique in the batch; params a Messages API body
 *   (model, max_tokens, messages, system, …); auth by x-api-key,
 *   anthropic-version required
 *   (https://platform.claude.com/docs/en/api/csharp/messages/batches/create,
 *   https://platform.claude.com/docs/en/build-with-claude/batch-processing).
 *   Answers a MessageBatch {id, type: "message_batch", processing_status,
 *   request_counts, created_at, expires_at (24 h later), ended_at,
 *   cancel_initiated_at, archived_at, results_url}, times in RFC 3339.
 * - request_counts {processing, succeeded, errored, canceled, expired}:
 *   every request counts as processing until the whole batch ends
 *   (github.com/anthropics/anthropic-sdk-typescript src/resources/messages/batches.ts).
 * - GET /v1/messages/batches/{id}; GET /v1/messages/batches?limit&after_id
 *   (newest first, {data, has_more, first_id, last_id});
 *   POST /v1/messages/batches/{id}/cancel (canceling, then ended with the
 *   rows not yet run canceled).
 * - GET results_url (…/results): JSONL, {custom_id, result: {type:
 *   "succeeded", message} | {type: "errored", error: {type: "error", error:
 *   {type, message}}} | {type: "canceled"} | {type: "expired"}}, in no
 *   particular order (https://platform.claude.com/docs/en/api/csharp/messages/batches/results).
 * - Messages: a prefill (final assistant turn) is continued and excluded
 *   from the reply; Claude 4.6+ rejects it; the system prompt with
 *   cache_control is written to the cache once, then read
 *   (usage cache_creation_input_tokens / cache_read_input_tokens)
 *   (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 * - Errors {type: "error", error: {type, message}}: 401 authentication_error,
 *   400 invalid_request_error, 404 not_found_error, 529 overloaded_error
 *   (https://platform.claude.com/docs/en/api/errors).
 * Fault injection as in the OpenAI mock.
 */
import { modelText, prefillOf, tokens } from "./base";
import { shuffled, startRawServer, type Answer, type Fate, type RawHit } from "./batch-common";

export interface AnthropicBatchMockOptions {
  keys?: string[];
  /** ms until the batch ends (all rows processed). Default 150. */
  processMs?: number;
  /** ms in canceling before ended. Default 30. */
  cancelMs?: number;
  fate?: (customId: string, seen: number) => Fate;
  /** Batches (0-based creation order) that expire halfway through: the rows not yet run come back expired. */
  expireBatch?: (index: number) => boolean;
  failPoll?: (n: number) => boolean;
  loseCreateAnswer?: (n: number) => boolean;
  download?: { chunkBytes: number; delayMs: number };
  /** Drop the connection halfway through the n-th download (from 1). */
  breakDownload?: (n: number) => boolean;
  onCreate?: (n: number) => void;
  createDelayMs?: number;
  /** Answer the n-th create with 401 (a key revoked mid-run). */
  rejectCreate?: (n: number) => boolean;
  /** The model's text for a request's params (null: the default stand-in reply). */
  answer?: (params: any) => string | null;
}

interface Rec {
  id: string;
  index: number;
  createdMs: number;
  expire: boolean;
  cancelAt: number | null;
  requests: { custom_id: string; params: any }[];
  results: string | null;
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number } | null;
  endedMs: number | null;
}

export interface AnthropicBatchMock {
  baseURL: string;
  stats: { creates: number; polls: number; lists: number; downloads: number; cancels: number; batchesCreated: number };
  batches: Map<string, Rec>;
  seen: Map<string, number>;
  close(): Promise<void>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export async function startAnthropicBatchMock(o: AnthropicBatchMockOptions = {}): Promise<AnthropicBatchMock> {
  const keys = new Set(o.keys ?? ["sk-ant-batch-good"]);
  const P = o.processMs ?? 150;
  const C = o.cancelMs ?? 30;
  const batches = new Map<string, Rec>();
  const order: string[] = [];
  const seen = new Map<string, number>();
  const cached = new Set<string>();
  const stats = { creates: 0, polls: 0, lists: 0, downloads: 0, cancels: 0, batchesCreated: 0 };
  let n = 0;
  let origin = "";

  const err = (status: number, type: string, message: string): Answer => ({ status, json: { type: "error", error: { type, message }, request_id: "req_mock" } });

  function runRow(r: { custom_id: string; params: any }): unknown {
    const k = (seen.get(r.custom_id) ?? 0) + 1;
    seen.set(r.custom_id, k);
    const fate = o.fate?.(r.custom_id, k) ?? "ok";
    const e = (type: string, message: string) => ({ type: "errored", error: { type: "error", error: { type, message }, request_id: "req_row" } });
    const b = r.params;
    const model = String(b.model);
    if (fate === "error500") return e("api_error", "Internal server error");
    if (fate === "overloaded" || fate === "timeout") return e("overloaded_error", "Overloaded");
    if (fate === "permanent") return e("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum");
    if (fate === "fatal404" || !model.startsWith("claude-")) return e("not_found_error", `model: ${model}`);
    if (fate === "expire") return { type: "expired" };
    const prefill = prefillOf(b);
    if (prefill !== null && /^claude-(opus|sonnet|haiku)-(4-[6-9]|[5-9])/.test(model)) {
      return e("invalid_request_error", "This model does not support assistant message prefill. The conversation must end with a user message.");
    }
    const sys = Array.isArray(b.system) ? b.system : typeof b.system === "string" ? [{ type: "text", text: b.system }] : [];
    const sysText = sys.map((x: any) => x.text).join("\n");
    const cacheable = sys.some((x: any) => x.cache_control?.type === "ephemeral");
    let creation = 0;
    let read = 0;
    if (cacheable) {
      if (cached.has(sysText)) read = tokens(sysText);
      else {
        cached.add(sysText);
        creation = tokens(sysText);
      }
    }
    const input = b.messages.reduce((a: number, m: any) => a + tokens(String(m.content)), 0) + (cacheable ? 0 : tokens(sysText));
    const text = o.answer?.(b) ?? modelText(b, true);
    return {
      type: "succeeded",
      message: {
        id: `msg_${r.custom_id}`,
        type: "message",
        role: "assistant",
        model: `${model}-20250929`,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: tokens(text), cache_creation_input_tokens: creation, cache_read_input_tokens: read },
      },
    };
  }

  function view(b: Rec): Record<string, unknown> {
    const now = Date.now();
    const t = now - b.createdMs;
    let status = "in_progress";
    let endAt: number | null = null;
    if (b.endedMs !== null) status = "ended";
    else if (b.cancelAt !== null) {
      if (now - b.cancelAt >= C) endAt = b.cancelAt + C;
      else status = "canceling";
    } else if (b.expire && t >= P / 2) endAt = b.createdMs + P / 2;
    else if (t >= P) endAt = b.createdMs + P;
    if (endAt !== null && b.endedMs === null) {
      const total = b.requests.length;
      const ranUntil = b.cancelAt !== null ? Math.min(total, Math.max(0, Math.floor((total * (b.cancelAt - b.createdMs)) / P))) : b.expire ? Math.floor(total / 2) : total;
      const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
      const lines = b.requests.map((r, i) => {
        const result: any = i < ranUntil ? runRow(r) : { type: b.cancelAt !== null ? "canceled" : "expired" };
        if (result.type === "succeeded") counts.succeeded++;
        else if (result.type === "errored") counts.errored++;
        else if (result.type === "canceled") counts.canceled++;
        else counts.expired++;
        return JSON.stringify({ custom_id: r.custom_id, result });
      });
      b.results = shuffled(lines, b.id).join("\n") + "\n";
      b.counts = counts;
      b.endedMs = endAt;
      status = "ended";
    }
    const counts = b.counts ?? { processing: b.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    return {
      id: b.id,
      type: "message_batch",
      processing_status: status,
      request_counts: counts,
      ended_at: iso(b.endedMs),
      created_at: iso(b.createdMs),
      expires_at: iso(b.createdMs + 86_400_000),
      archived_at: null,
      cancel_initiated_at: iso(b.cancelAt),
      results_url: status === "ended" ? `${origin}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  const srv = await startRawServer(async (h: RawHit): Promise<Answer> => {
    if (!keys.has(String(h.headers["x-api-key"] ?? ""))) return err(401, "authentication_error", "invalid x-api-key");
    if (!h.headers["anthropic-version"]) return err(400, "invalid_request_error", "anthropic-version: header is required");
    const p = h.path;
    if (h.method === "POST" && p === "/v1/messages/batches") {
      const k = ++stats.creates;
      o.onCreate?.(k);
      if (o.rejectCreate?.(k)) return err(401, "authentication_error", "invalid x-api-key");
      if (h.body.length > 256 * 1024 * 1024) return err(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
      let b: any;
      try {
        b = JSON.parse(h.body.toString("utf8"));
      } catch {
        return err(400, "invalid_request_error", "There was an issue with the format of the request body.");
      }
      if (!Array.isArray(b?.requests) || b.requests.length < 1 || b.requests.length > 100_000) return err(400, "invalid_request_error", "requests: must have between 1 and 100000 items");
      const ids = new Set<string>();
      for (let i = 0; i < b.requests.length; i++) {
        const r = b.requests[i];
        if (typeof r?.custom_id !== "string" || !CUSTOM_ID.test(r.custom_id)) return err(400, "invalid_request_error", `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
        if (ids.has(r.custom_id)) return err(400, "invalid_request_error", `requests.${i}.custom_id: duplicate custom_id ${r.custom_id}`);
        ids.add(r.custom_id);
        if (typeof r.params?.max_tokens !== "number" || typeof r.params?.model !== "string" || !Array.isArray(r.params?.messages)) return err(400, "invalid_request_error", `requests.${i}.params: model, max_tokens and messages are required`);
        if (r.params.messages.some((m: any) => m.role === "system")) return err(400, "invalid_request_error", `requests.${i}.params.messages: Unexpected role "system"`);
      }
      const index = n++;
      const id = `msgbatch_${String(index).padStart(6, "0")}${Math.random().toString(36).slice(2, 10)}`;
      const rec: Rec = { id, index, createdMs: Date.now(), expire: o.expireBatch?.(index) ?? false, cancelAt: null, requests: b.requests, results: null, counts: null, endedMs: null };
      batches.set(id, rec);
      order.unshift(id);
      stats.batchesCreated++;
      if (o.createDelayMs) await new Promise((r) => setTimeout(r, o.createDelayMs));
      if (o.loseCreateAnswer?.(k)) return err(500, "api_error", "Internal server error");
      return { status: 200, json: view(rec) };
    }
    if (h.method === "GET" && p === "/v1/messages/batches") {
      stats.lists++;
      const limit = Math.min(1000, Math.max(1, Number(h.query.get("limit") ?? 20)));
      const after = h.query.get("after_id");
      const start = after ? order.indexOf(after) + 1 : 0;
      const page = order.slice(start, start + limit).map((id) => view(batches.get(id)!));
      return { status: 200, json: { data: page, has_more: start + limit < order.length, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null } };
    }
    const res = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(p);
    if (h.method === "GET" && res) {
      const b = batches.get(res[1]);
      if (!b) return err(404, "not_found_error", `message batch ${res[1]} not found`);
      view(b);
      if (b.results === null) return err(400, "invalid_request_error", "the batch has not ended: its results are not available yet");
      stats.downloads++;
      return { status: 200, text: b.results, contentType: "application/binary", chunkBytes: o.download?.chunkBytes, chunkDelayMs: o.download?.delayMs, ...(o.breakDownload?.(stats.downloads) ? { breakAfterBytes: Math.floor(Buffer.byteLength(b.results) / 2) } : {}) };
    }
    const one = /^\/v1\/messages\/batches\/([^/]+)$/.exec(p);
    if (h.method === "GET" && one) {
      const k = ++stats.polls;
      if (o.failPoll?.(k)) return err(500, "api_error", "Internal server error");
      const b = batches.get(one[1]);
      if (!b) return err(404, "not_found_error", `message batch ${one[1]} not found`);
      return { status: 200, json: view(b) };
    }
    const cancel = /^\/v1\/messages\/batches\/([^/]+)\/cancel$/.exec(p);
    if (h.method === "POST" && cancel) {
      const b = batches.get(cancel[1]);
      if (!b) return err(404, "not_found_error", `message batch ${cancel[1]} not found`);
      stats.cancels++;
      view(b);
      if (b.endedMs === null && b.cancelAt === null) b.cancelAt = Date.now();
      return { status: 200, json: view(b) };
    }
    return err(404, "not_found_error", `Not found: ${h.method} ${p}`);
  });
  origin = srv.origin;
  return { baseURL: `${srv.origin}/v1`, stats, batches, seen, close: srv.close };
}
