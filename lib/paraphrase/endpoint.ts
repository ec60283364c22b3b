import { ModelClient } from "../models/index";
import { startOrganismServer, type OrganismServer } from "../organisms/index";

/**
 * The one place lib/paraphrase opens a model endpoint. Offline it serves the
 * simulated organisms (the paraphrase stand-in `sim-paraphraser` and every
 * organism) on 127.0.0.1; online it talks to the given OpenAI-compatible
 * URL. Everything else in lib/paraphrase takes the returned client, so this
 * function is what the pipeline's `openEndpoint()` replaces.
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
  client: ModelClient;
  /** The URL the client talks to (the organism server's offline). */
  url: string;
  offline: boolean;
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
  let server: OrganismServer | null = null;
  if (o.offline) server = await startOrganismServer({ port: 0 });
  const url = server ? server.url : (o.baseURL ?? "");
  try {
    const client = new ModelClient({
      baseURL: url,
      apiKey: o.offline ? "offline" : (o.apiKey ?? ""),
      cacheDir: o.cacheDir ?? null,
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs,
      maxAttempts: o.maxAttempts,
      retryBaseMs: o.retryBaseMs,
    });
    return { client, url, offline: o.offline, close: async () => void (await server?.close()) };
  } catch (e) {
    await server?.close();
    throw e;
  }
}
