/**
 * The one door through which fine-tuning builds reach a generator model.
 * Offline it starts the organism server on 127.0.0.1 (where `sim-writer`
 * writes the recipe parts) and points a ModelClient at it; online it points a
 * ModelClient at the given OpenAI-compatible endpoint. When the pipeline's
 * openEndpoint() lands, this function becomes a thin call to it.
 */
import { ModelClient } from "../models/index";
import type { CallResult } from "../models/index";
import type { Request, UsageTotals } from "../schema/index";
import { startOrganismServer } from "../organisms/index";

export interface GeneratorEndpointOptions {
  offline: boolean;
  /** Required online: any OpenAI-compatible base URL. */
  baseURL?: string;
  /** Online: sent as a Bearer token, never written anywhere. */
  apiKey?: string;
  /** Response cache folder, or null for none. */
  cacheDir: string | null;
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
}

export interface GeneratorEndpoint {
  /** "offline" or the base URL without credentials or query. */
  label: string;
  offline: boolean;
  concurrency: number;
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult>;
  totals(): UsageTotals;
  close(): Promise<void>;
}

/** Open the generator endpoint (see the file comment). Close it when done. */
export async function openGenerator(o: GeneratorEndpointOptions): Promise<GeneratorEndpoint> {
  const concurrency = o.concurrency ?? 16;
  const common = { concurrency, timeoutMs: o.timeoutMs, maxAttempts: o.maxAttempts, retryBaseMs: o.retryBaseMs, cacheDir: o.cacheDir };
  if (o.offline) {
    const server = await startOrganismServer({ port: 0 });
    const client = new ModelClient({ ...common, baseURL: server.url, apiKey: "offline", cacheDir: null });
    return { label: "offline", offline: true, concurrency, call: (m, r, i) => client.call(m, r, i), totals: () => client.totals(), close: () => server.close() };
  }
  if (!o.baseURL) throw new Error("openGenerator: baseURL is required online");
  const client = new ModelClient({ ...common, baseURL: o.baseURL, apiKey: o.apiKey ?? "" });
  return { label: safeUrl(o.baseURL), offline: false, concurrency, call: (m, r, i) => client.call(m, r, i), totals: () => client.totals(), close: async () => {} };
}

/** A URL safe to record: no user info, query or fragment. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}
