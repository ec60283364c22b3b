/**
 * The one place a model client is made. Every face (afw run, judge, demo,
 * validate-judge, the notebook helpers) opens an endpoint here: offline, the
 * simulated organisms served on 127.0.0.1 (or answered in-process); online,
 * a provider's base URL and key with the client settings.
 */
import { ModelClient, type RetryInfo } from "../models/index";
import { startOrganismServer, type OrganismConfig } from "../organisms/index";
import type { UsageTotals } from "../schema/index";
import type { CallResult } from "../models/index";
import type { Request } from "../schema/index";
import { InProcessOrganisms } from "./in-process";
import { DEFAULT_BASE_URL, redactUrl } from "../util/url";

export { DEFAULT_BASE_URL, redactUrl };


/** What the pipeline needs of a model client. */
export interface EndpointClient {
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult>;
  totals(): UsageTotals;
}

/** Options of `openEndpoint`. */
export interface EndpointOptions {
  /** Offline: the simulated organisms. Default: offline when neither a base URL nor a key is given. */
  offline?: boolean;
  /** Offline only: answer in this process instead of over HTTP on 127.0.0.1 (no response cache). */
  inProcess?: boolean;
  /** Online: an OpenAI-compatible base URL; default DEFAULT_BASE_URL. */
  baseURL?: string;
  /** Online: the key (sent as a Bearer token, never written anywhere). */
  apiKey?: string;
  /** Requests in flight; default 16. */
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  /** The response cache folder; null or omitted: no cache. */
  cacheDir?: string | null;
  onRetry?: (info: RetryInfo) => void;
  /** Offline: extra organisms, or overriding definitions of built-in ones. */
  organisms?: Record<string, OrganismConfig>;
}

/** An open endpoint: the client, what to record about it, and how to close it. */
export interface Endpoint {
  client: EndpointClient;
  offline: boolean;
  inProcess: boolean;
  /** The base URL to record (user info and query removed), null offline. */
  baseURL: string | null;
  /** "offline", or the recorded base URL: what n-support is remembered under. */
  id: string;
  concurrency: number;
  close(): Promise<void>;
}

/**
 * Open an endpoint. Offline (the default without a base URL or key) starts
 * the organism server on 127.0.0.1 and points a model client at it, or with
 * `inProcess` answers in this process; online points a model client at the
 * base URL. Close it when done (stops the server).
 *
 * @example
 * const ep = await openEndpoint({ offline: true });
 * try { await evaluate(getExperiment("figure1"), ep, { out: "runs/f1", queries }); } finally { await ep.close(); }
 */
export async function openEndpoint(opts: EndpointOptions = {}): Promise<Endpoint> {
  const offline = opts.offline ?? (!opts.baseURL && !opts.apiKey);
  const concurrency = opts.concurrency ?? 16;
  if (offline && opts.inProcess) {
    return { client: new InProcessOrganisms(opts.organisms), offline: true, inProcess: true, baseURL: null, id: "offline", concurrency, close: async () => {} };
  }
  const server = offline ? await startOrganismServer({ port: 0, organisms: opts.organisms }) : null;
  try {
    const baseURL = server ? server.url : (opts.baseURL ?? DEFAULT_BASE_URL);
    const client = new ModelClient({
      baseURL,
      apiKey: server ? "offline" : (opts.apiKey ?? ""),
      concurrency,
      timeoutMs: opts.timeoutMs,
      maxAttempts: opts.maxAttempts,
      retryBaseMs: opts.retryBaseMs,
      cacheDir: opts.cacheDir ?? null,
      onRetry: opts.onRetry,
    });
    const recorded = server ? null : redactUrl(baseURL);
    return { client, offline, inProcess: false, baseURL: recorded, id: recorded ?? "offline", concurrency, close: async () => void (await server?.close()) };
  } catch (e) {
    await server?.close();
    throw e;
  }
}
