/**
 * The door through which fine-tuning builds reach a generator model: the
 * pipeline's openEndpoint() (offline, the organism server on 127.0.0.1,
 * where `sim-writer` writes the recipe parts; online, the given endpoint),
 * seen through the narrow interface a build needs.
 */
import type { CallResult } from "../models/index";
import type { Request, UsageTotals } from "../schema/index";
import { openEndpoint } from "../pipeline/index";
import { AfwError } from "../util/errors";
import { redactUrl } from "../util/url";

export interface GeneratorEndpointOptions {
  offline: boolean;
  /** Required online: any OpenAI-compatible base URL. */
  baseURL?: string;
  /** Online: sent as a Bearer token, never written anywhere. */
  apiKey?: string;
  /** Response cache folder, or null for none (offline builds use none). */
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
  if (!o.offline && !o.baseURL) throw new AfwError("openGenerator: baseURL is required online");
  const ep = await openEndpoint({
    offline: o.offline,
    baseURL: o.baseURL,
    apiKey: o.apiKey,
    cacheDir: o.offline ? null : o.cacheDir,
    concurrency: o.concurrency,
    timeoutMs: o.timeoutMs,
    maxAttempts: o.maxAttempts,
    retryBaseMs: o.retryBaseMs,
  });
  return {
    label: ep.offline ? "offline" : safeUrl(o.baseURL!),
    offline: ep.offline,
    concurrency: ep.concurrency,
    call: (m, r, i) => ep.client.call(m, r, i),
    totals: () => ep.client.totals(),
    close: () => ep.close(),
  };
}

/** A URL safe to record: no user info, query or fragment. */
export function safeUrl(url: string): string {
  return redactUrl(url);
}
