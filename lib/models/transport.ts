/**
 * HTTP for the model door, on node:http(s) with keep-alive agents.
 *
 * Node's built-in fetch (undici, WHATWG streams) costs about 1 ms of CPU per
 * request, most of the harness's budget. postJson() sends one JSON request
 * with http.request and reads the whole body into one buffer; the client
 * uses it for every provider. createNodeFetch() wraps the same thing as a
 * minimal fetch (status, ok, url, headers, body, json(), text()) for code
 * that wants one. Measured in bench/harness.bench.ts. Streaming responses
 * are not supported (the harness never streams).
 */
import http from "node:http";
import https from "node:https";

type Init = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null };

/** The part of a fetch Response the openai SDK uses. */
class BufferedResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly body = null;
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly type = "basic";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly buf: Buffer,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = http.STATUS_CODES[status] ?? "";
  }
  async text(): Promise<string> {
    return this.buf.toString("utf8");
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.buf.toString("utf8"));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.buf.buffer.slice(this.buf.byteOffset, this.buf.byteOffset + this.buf.byteLength) as ArrayBuffer;
  }
}

function flatHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (typeof (h as Headers).forEach === "function" && !Array.isArray(h)) {
    (h as Headers).forEach((v, k) => (out[k] = v));
  } else if (Array.isArray(h)) {
    for (const [k, v] of h as [string, string][]) out[k.toLowerCase()] = v;
  } else {
    for (const [k, v] of Object.entries(h as Record<string, string>)) if (v != null) out[k.toLowerCase()] = String(v);
  }
  return out;
}

function abortError(): Error {
  const e = new Error("This operation was aborted");
  e.name = "AbortError";
  return e;
}

/** Make a fetch whose sockets are kept alive, at most `maxSockets` per host. */
export function createNodeFetch(maxSockets: number): typeof fetch {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
  };
  const nodeFetch = (input: unknown, init: Init = {}): Promise<BufferedResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : (input as { url: string }).url);
      const mod = url.protocol === "https:" ? https : http;
      const agent = agents[url.protocol as "http:" | "https:"];
      if (!agent) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const signal = init.signal ?? null;
      if (signal?.aborted) return reject(abortError());
      const body = init.body == null ? null : typeof init.body === "string" ? init.body : Buffer.from(init.body as ArrayBuffer);
      const headers = flatHeaders(init.headers);
      if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
      const req = mod.request(url, { method: init.method ?? "GET", headers, agent });
      const onAbort = () => req.destroy(abortError());
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const h = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) h.append(raw[i], raw[i + 1]);
          resolve(new BufferedResponse(res.statusCode ?? 0, h, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), url.href));
        });
        res.on("error", (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        });
      });
      req.on("error", (e) => {
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      });
      req.end(body ?? undefined);
    });
  return nodeFetch as unknown as typeof fetch;
}

/** A whole HTTP response. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Keep-alive agents for one client: at most `maxSockets` per host. */
export function createAgents(maxSockets: number): { "http:": http.Agent; "https:": https.Agent } {
  return {
    "http:": new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
  };
}

/**
 * POST a JSON body and read the whole answer. Rejects on a network error
 * or when `signal` aborts (an Error named "AbortError").
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal | null,
  agents: { "http:": http.Agent; "https:": https.Agent },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return reject(new TypeError(`bad URL ${url}`));
    }
    const mod = u.protocol === "https:" ? https : http;
    const agent = agents[u.protocol as "http:" | "https:"];
    if (!agent) return reject(new TypeError(`unsupported protocol ${u.protocol}`));
    if (signal?.aborted) return reject(abortError());
    const payload = JSON.stringify(body);
    const h: Record<string, string> = { "content-type": "application/json", accept: "application/json", ...headers, "content-length": String(Buffer.byteLength(payload)) };
    const req = mod.request(u, { method: "POST", headers: h, agent });
    const onAbort = () => req.destroy(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        done();
        const hh = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) hh.append(raw[i], raw[i + 1]);
        resolve({ status: res.statusCode ?? 0, headers: hh, text: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8") });
      });
      res.on("error", (e) => {
        done();
        reject(e);
      });
      res.on("aborted", () => {
        done();
        reject(Object.assign(new Error("response aborted"), { code: "ECONNRESET" }));
      });
    });
    req.on("error", (e) => {
      done();
      reject(e);
    });
    req.end(payload);
  });
}
