/**
 * HTTP for the batch backends, on node:http(s) with keep-alive agents (as
 * the synchronous client's transport.ts): whole JSON answers, a multipart
 * upload, and a JSONL download read line by line as it arrives (a results
 * file can be hundreds of megabytes).
 *
 * A failed answer is classified with the synchronous path's taxonomy
 * (errors.ts): fatal (401, 403, 404, quota, …) throws FatalProviderError
 * with the provider's own message; anything else throws BatchApiError,
 * transient or permanent. Reads (GET, list) are retried on transient
 * errors with backoff (the server's retry-after wins). Writes are not
 * retried here: the caller checks with a list call whether a write it did
 * not hear back from happened.
 */
import http from "node:http";
import https from "node:https";
import { createInterface } from "node:readline";
import { classifyHttpError, FatalProviderError, readErrorBody } from "../errors";
import { oneLine, redact } from "../redact";
import { backoffMs, classifyFailure, retryAfter } from "../retry";
import { createAgents } from "../transport";

/** A batch API call that failed without being fatal. */
export class BatchApiError extends Error {
  constructor(
    message: string,
    readonly kind: "transient" | "permanent",
    readonly status: number | null,
    /** False when no answer came back (the request may or may not have reached the server). */
    readonly answered: boolean,
  ) {
    super(message);
    this.name = "BatchApiError";
  }
}

export interface BatchHttpOptions {
  provider: string;
  label: string;
  apiKey: string;
  headers: Record<string, string>;
  /** Per-request timeout (headers and body) for JSON calls; idle timeout for downloads. Default 120 s. */
  timeoutMs?: number;
  /** Attempts for reads. Default 8. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The options every batch backend takes for its HTTP (the provider's own options add to them). */
export interface BatchBackendHttpOptions {
  baseURL: string;
  apiKey: string;
  provider?: string;
  label?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** A backend's HTTP: its provider name, label and auth headers, with the caller's timeout and retry settings. */
export function backendHttp(o: BatchBackendHttpOptions, provider: string, label: string, headers: Record<string, string>): BatchHttp {
  return new BatchHttp({ provider, label, apiKey: o.apiKey, headers: { ...headers, "user-agent": "af-workbook" }, timeoutMs: o.timeoutMs, maxAttempts: o.maxAttempts, retryBaseMs: o.retryBaseMs, retryMaxMs: o.retryMaxMs });
}

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

function abortError(): Error {
  const e = new Error("This operation was aborted");
  e.name = "AbortError";
  return e;
}

/** Sleep; false when the signal aborted first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function toHeaders(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i < raw.length; i += 2) {
    try {
      h.append(raw[i], raw[i + 1]);
    } catch {
      /* a header value fetch's Headers refuses: not needed */
    }
  }
  return h;
}

/** The HTTP client of one batch backend. */
export class BatchHttp {
  private readonly agents = createAgents(8);
  readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly o: BatchHttpOptions) {
    this.timeoutMs = o.timeoutMs ?? 120_000;
    this.maxAttempts = o.maxAttempts ?? 8;
    this.retryBaseMs = o.retryBaseMs ?? 1000;
    this.retryMaxMs = o.retryMaxMs ?? 60_000;
  }

  /** One request, whole answer. Rejects on a network error, a timeout or an abort. */
  private once(method: string, url: string, body: Buffer | string | null, extra: Record<string, string>, signal: AbortSignal): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === "https:" ? https : http;
      const agent = this.agents[u.protocol as "http:" | "https:"];
      if (!agent) return reject(new TypeError(`unsupported protocol ${u.protocol}`));
      if (signal.aborted) return reject(abortError());
      const headers: Record<string, string> = { accept: "application/json", ...this.o.headers, ...extra };
      if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
      const req = mod.request(u, { method, headers, agent });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(Object.assign(new Error(`timeout after ${this.timeoutMs} ms`), { code: "ETIMEDOUT" }));
      }, this.timeoutMs);
      const onAbort = () => req.destroy(abortError());
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          done();
          resolve({ status: res.statusCode ?? 0, headers: toHeaders(res.rawHeaders), text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (e) => {
          done();
          reject(e);
        });
        res.on("aborted", () => {
          done();
          reject(Object.assign(new Error(timedOut ? `timeout after ${this.timeoutMs} ms` : "response aborted"), { code: "ECONNRESET" }));
        });
      });
      req.on("error", (e) => {
        done();
        reject(e);
      });
      req.end(body ?? undefined);
    });
  }

  /** Throw the classified error of a non-2xx answer. */
  fail(method: string, path: string, status: number, text: string): never {
    const cls = classifyHttpError(status, readErrorBody(text), this.o.provider);
    const reason = redact(`${method} ${path}: ${cls.reason}`, this.o.apiKey);
    if (cls.kind === "fatal") throw new FatalProviderError(`${this.o.label}: ${reason}`, cls.fatal ?? "refused", this.o.provider, status);
    throw new BatchApiError(reason, cls.kind === "transient" ? "transient" : "permanent", status, true);
  }

  /**
   * A JSON call. With `retry`, transient failures (no answer, 408/409/429/5xx)
   * are tried again up to maxAttempts with backoff; without it, the first
   * failure throws (BatchApiError with answered=false when nothing came back).
   */
  async json<T>(method: "GET" | "POST", url: string, body: string | Buffer | null, opts: { retry: boolean; signal: AbortSignal; headers?: Record<string, string> }): Promise<T> {
    const path = new URL(url).pathname;
    const extra = { ...(typeof body === "string" ? { "content-type": "application/json" } : {}), ...(opts.headers ?? {}) };
    for (let attempt = 1; ; attempt++) {
      let raw: Raw;
      try {
        raw = await this.once(method, url, body, extra, opts.signal);
      } catch (e) {
        if (opts.signal.aborted) throw abortError();
        const f = classifyFailure(e, false, this.timeoutMs);
        const err = new BatchApiError(redact(`${method} ${path}: no answer (${f.reason})`, this.o.apiKey), "transient", null, false);
        if (!opts.retry || attempt >= this.maxAttempts) throw err;
        if (!(await sleep(backoffMs(attempt, this.retryBaseMs, this.retryMaxMs), opts.signal))) throw abortError();
        continue;
      }
      if (raw.status >= 200 && raw.status < 300) {
        try {
          return JSON.parse(raw.text) as T;
        } catch {
          const err = new BatchApiError(`${method} ${path}: the answer is not JSON`, "transient", raw.status, true);
          if (!opts.retry || attempt >= this.maxAttempts) throw err;
          if (!(await sleep(backoffMs(attempt, this.retryBaseMs, this.retryMaxMs), opts.signal))) throw abortError();
          continue;
        }
      }
      try {
        this.fail(method, path, raw.status, raw.text);
      } catch (e) {
        if (!(e instanceof BatchApiError) || e.kind !== "transient" || !opts.retry || attempt >= this.maxAttempts) throw e;
        const wait = Math.min(retryAfter(raw.headers) ?? backoffMs(attempt, this.retryBaseMs, this.retryMaxMs), this.retryMaxMs);
        if (!(await sleep(wait, opts.signal))) throw abortError();
      }
    }
  }

  /**
   * GET a JSONL body and yield its non-blank lines as they arrive. A
   * non-2xx answer throws as json() does (retried first when transient); a
   * connection that breaks or stalls for timeoutMs mid-body throws a
   * transient BatchApiError (the caller reads the file again and skips the
   * rows it already has).
   */
  async *lines(url: string, signal: AbortSignal, headers: Record<string, string> = {}): AsyncGenerator<string> {
    const u = new URL(url);
    const path = u.pathname;
    let res: http.IncomingMessage | null = null;
    let req: http.ClientRequest | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.openStream(u, headers, signal);
        req = r.req;
        if ((r.res.statusCode ?? 0) >= 200 && (r.res.statusCode ?? 0) < 300) {
          res = r.res;
          break;
        }
        const chunks: Buffer[] = [];
        for await (const c of r.res) chunks.push(c as Buffer);
        this.fail("GET", path, r.res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"));
      } catch (e) {
        if (signal.aborted) throw abortError();
        if (e instanceof FatalProviderError || (e instanceof BatchApiError && e.kind === "permanent")) throw e;
        if (attempt >= this.maxAttempts) throw e instanceof BatchApiError ? e : new BatchApiError(`GET ${path}: no answer (${oneLine(String((e as Error).message))})`, "transient", null, false);
        if (!(await sleep(backoffMs(attempt, this.retryBaseMs, this.retryMaxMs), signal))) throw abortError();
      }
    }
    const stream = res!;
    const onAbort = () => stream.destroy(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    // An idle body (no bytes for timeoutMs) is a broken download.
    req!.setTimeout(this.timeoutMs, () => stream.destroy(Object.assign(new Error(`download stalled for ${this.timeoutMs} ms`), { code: "ETIMEDOUT" })));
    let ended = false;
    stream.on("end", () => (ended = true));
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const line of rl) if (line.trim()) yield line;
      if (!ended && !stream.complete) throw new BatchApiError(`GET ${path}: the download broke off`, "transient", null, false);
    } catch (e) {
      if (signal.aborted) throw abortError();
      if (e instanceof BatchApiError) throw e;
      throw new BatchApiError(`GET ${path}: the download broke off (${oneLine(String((e as Error).message))})`, "transient", null, false);
    } finally {
      signal.removeEventListener("abort", onAbort);
      rl.close();
      if (!stream.destroyed) stream.destroy();
    }
  }

  private openStream(u: URL, headers: Record<string, string>, signal: AbortSignal): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const mod = u.protocol === "https:" ? https : http;
      const agent = this.agents[u.protocol as "http:" | "https:"];
      if (!agent) return reject(new TypeError(`unsupported protocol ${u.protocol}`));
      if (signal.aborted) return reject(abortError());
      const req = mod.request(u, { method: "GET", headers: { ...this.o.headers, ...headers }, agent });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timeout after ${this.timeoutMs} ms`), { code: "ETIMEDOUT" })), this.timeoutMs);
      const onAbort = () => req.destroy(abortError());
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("response", (res) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve({ req, res });
      });
      req.on("error", (e) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        reject(e);
      });
      req.end();
    });
  }

  /** Close the keep-alive sockets. */
  close(): void {
    this.agents["http:"].destroy();
    this.agents["https:"].destroy();
  }
}
