import { openEndpoint, type Endpoint, type EndpointClient } from "../pipeline/index";

/**
 * How lib/paraphrase reaches a model: the pipeline's openEndpoint(). Offline
 * it serves the simulated organisms (the paraphrase stand-in `sim-paraphraser`
 * and every organism) on 127.0.0.1; online it talks to the given
 * OpenAI-compatible URL. Everything else in lib/paraphrase takes the
 * returned client.
 */

export interface ParaphraseEndpointOptions {
  offline: boolean;
  /** Required online. */
  baseURL?: string | null;
  /** Sent as a bearer token; never written anywhere. */
  apiKey?: string | null;
  /** Response cache folder; null for none. */
  cacheDir?: string | null;
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
}

export interface ParaphraseEndpoint {
  client: EndpointClient;
  /** The recorded base URL, or "offline". */
  url: string;
  offline: boolean;
  /** The pipeline endpoint itself, for evaluate() (crossed runs). */
  endpoint: Endpoint;
  close(): Promise<void>;
}

/**
 * Open an endpoint for paraphrase generation and for crossed runs.
 *
 * @example
 * const ep = await openParaphraseEndpoint({ offline: true, cacheDir: null });
 * try { await ep.client.call("sim-paraphraser", request, 0); } finally { await ep.close(); }
 */
export async function openParaphraseEndpoint(o: ParaphraseEndpointOptions): Promise<ParaphraseEndpoint> {
  const ep = await openEndpoint({
    offline: o.offline,
    baseURL: o.baseURL ?? undefined,
    apiKey: o.apiKey ?? undefined,
    cacheDir: o.cacheDir ?? null,
    concurrency: o.concurrency,
    timeoutMs: o.timeoutMs,
    maxAttempts: o.maxAttempts,
    retryBaseMs: o.retryBaseMs,
  });
  return { client: ep.client, url: ep.baseURL ?? "offline", offline: ep.offline, endpoint: ep, close: () => ep.close() };
}
