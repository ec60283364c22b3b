/**
 * A small client for OpenAI's Files and Fine-tuning APIs (and any provider
 * that serves the same shapes):
 * - POST /files, multipart with `purpose=fine-tune` and `file`
 *   (https://platform.openai.com/docs/api-reference/files/create);
 *   GET /files?purpose=fine-tune (list).
 * - POST /fine_tuning/jobs {model, training_file, method, suffix, metadata}
 *   (https://platform.openai.com/docs/api-reference/fine-tuning/create);
 *   GET /fine_tuning/jobs/{id}; GET /fine_tuning/jobs?limit&after&metadata[k]=v;
 *   GET /fine_tuning/jobs/{id}/events?limit&after (newest first);
 *   POST /fine_tuning/jobs/{id}/cancel.
 * Errors come back as {"error": {"message", "type", "param", "code"}}.
 *
 * Reads (GET) are retried on 408/409/429/5xx and connection failures with
 * backoff. Writes are retried only when the server answered 429 or 5xx
 * before doing anything; a write that failed without an answer is not
 * repeated here: the caller checks whether it happened (train.ts lists the
 * files and jobs before trying again). The API key goes only into the
 * Authorization header and is cut out of every message.
 */
import { readFileSync } from "node:fs";

/** A file object (the fields used here). */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status?: string;
}

/** A fine-tuning job object (the fields used here). */
export interface FineTuningJob {
  id: string;
  object: "fine_tuning.job";
  model: string;
  status: "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
  fine_tuned_model: string | null;
  training_file: string;
  created_at: number;
  finished_at: number | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  hyperparameters?: Record<string, unknown>;
  metadata?: Record<string, string> | null;
  suffix?: string | null;
}

/** A job event. */
export interface JobEvent {
  id: string;
  object: "fine_tuning.job.event";
  created_at: number;
  level: "info" | "warn" | "error";
  message: string;
  type?: string;
  data?: unknown;
}

export interface ListPage<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

/** A failed API call: the HTTP status (null without an answer) and the provider's error fields. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null = null,
    /** True when the request may have reached the server (no answer came back). */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export interface FineTuneApiOptions {
  baseURL: string;
  apiKey: string;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
}

export const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

/** The client (see the file comment). */
export class FineTuneApi {
  private readonly base: string;
  private readonly key: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(o: FineTuneApiOptions) {
    this.base = o.baseURL.replace(/\/+$/, "");
    this.key = o.apiKey;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.retryBaseMs = o.retryBaseMs ?? 500;
  }

  uploadFile(path: string, filename: string): Promise<FileObject> {
    const bytes = readFileSync(path);
    return this.send<FileObject>("POST", "/files", () => {
      const form = new FormData();
      form.append("purpose", "fine-tune");
      form.append("file", new Blob([bytes], { type: "application/jsonl" }), filename);
      return form;
    });
  }

  listFiles(): Promise<ListPage<FileObject>> {
    return this.send("GET", "/files?purpose=fine-tune&limit=10000");
  }

  createJob(body: Record<string, unknown>): Promise<FineTuningJob> {
    return this.send("POST", "/fine_tuning/jobs", () => JSON.stringify(body));
  }

  retrieveJob(id: string): Promise<FineTuningJob> {
    return this.send("GET", `/fine_tuning/jobs/${encodeURIComponent(id)}`);
  }

  listJobs(q: { limit?: number; after?: string; metadata?: Record<string, string> } = {}): Promise<ListPage<FineTuningJob>> {
    const p = new URLSearchParams();
    if (q.limit) p.set("limit", String(q.limit));
    if (q.after) p.set("after", q.after);
    for (const [k, v] of Object.entries(q.metadata ?? {})) p.set(`metadata[${k}]`, v);
    const qs = p.toString();
    return this.send("GET", `/fine_tuning/jobs${qs ? `?${qs}` : ""}`);
  }

  listEvents(id: string, limit = 50): Promise<ListPage<JobEvent>> {
    return this.send("GET", `/fine_tuning/jobs/${encodeURIComponent(id)}/events?limit=${limit}`);
  }

  cancelJob(id: string): Promise<FineTuningJob> {
    return this.send("POST", `/fine_tuning/jobs/${encodeURIComponent(id)}/cancel`, () => "{}");
  }

  private async send<T>(method: "GET" | "POST", path: string, body?: () => string | FormData): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        const b = body?.();
        res = await fetch(this.base + path, {
          method,
          headers: { authorization: `Bearer ${this.key}`, ...(typeof b === "string" ? { "content-type": "application/json" } : {}) },
          body: b,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        const why = this.clean(`${method} ${path.split("?")[0]}: no answer (${(e as Error).name === "TimeoutError" ? `timeout after ${this.timeoutMs} ms` : ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`);
        if (method === "GET" && attempt < this.maxAttempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new ProviderError(why, null, null, method !== "GET");
      }
      const text = await res.text().catch(() => "");
      if (res.ok) {
        try {
          return JSON.parse(text) as T;
        } catch {
          if (method === "GET" && attempt < this.maxAttempts) {
            await sleep(this.backoff(attempt));
            continue;
          }
          throw new ProviderError(`${method} ${path.split("?")[0]}: the answer is not JSON`, res.status, null, method !== "GET");
        }
      }
      let message = text.slice(0, 300);
      let code: string | null = null;
      try {
        const e = (JSON.parse(text) as { error?: { message?: string; code?: string | null; type?: string } }).error;
        if (e?.message) message = e.message;
        code = e?.code ?? e?.type ?? null;
      } catch {
        /* not JSON: keep the text */
      }
      const retryable = res.status === 429 || res.status >= 500 || (method === "GET" && (res.status === 408 || res.status === 409));
      if (retryable && attempt < this.maxAttempts) {
        const ra = Number(res.headers.get("retry-after"));
        await sleep(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 60_000) : this.backoff(attempt));
        continue;
      }
      throw new ProviderError(this.clean(`${method} ${path.split("?")[0]}: HTTP ${res.status}${code ? ` ${code}` : ""}: ${message}`), res.status, code);
    }
  }

  private backoff(attempt: number): number {
    return Math.floor(Math.random() * this.retryBaseMs * 2 ** (attempt - 1));
  }

  private clean(s: string): string {
    const one = s.replace(/\s+/g, " ").trim();
    return this.key ? one.split(this.key).join("[key]") : one;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
