/**
 * lib/models/batch: the providers' batch APIs behind one interface, and
 * runBatches, the kill-safe, resumable way to send a sweep through them.
 */
import { AfwError } from "../../util/errors";
import { AnthropicBatchBackend } from "./anthropic";
import { OpenAIBatchBackend } from "./openai";
import type { BatchBackend, BatchLimits } from "./types";

export type { BatchBackend, BatchLimits, BatchLine, BatchSpec, BatchStatus, BatchCounts, BatchPhase, RawRow, Found, SubmitHooks } from "./types";
export { OpenAIBatchBackend, readOpenAIRow, inputFileName, type OpenAIBatchOptions } from "./openai";
export { AnthropicBatchBackend, readAnthropicRow, type AnthropicBatchOptions } from "./anthropic";
export { BatchApiError } from "./http";
export { customIdFor, CUSTOM_ID_RE } from "./custom-id";
export { splitRows, type Sized } from "./split";
export { readJournal, foldJournal, JournalWriter, JournalRecord, cutTornTail, safeBaseUrl, type JournalBatch, type JournalState, type RowKinds } from "./journal";
export { runBatches, replyResult, failedResult, type BatchRequest, type BatchResult, type BatchEvent, type RunBatchesOptions, type BatchRunSummary } from "./run";
export { estimateSweepCost, formatEstimate, batchSavingLine, openaiEncodingOf, type CostEstimate, type EstimateRequest, type EstimateOptions, type ModelCost } from "./estimate";

/** Providers with a batch backend here. */
export const BATCH_PROVIDERS = ["openai", "anthropic"] as const;

/**
 * Where a provider stands on batches: "driven" when `--batch` sends to its
 * batch API here; "provider-only" when the provider has one (the profile's
 * `batch`) that the workbench does not drive; "none" when it has none.
 * @example batchSupport({ name: "xai", batch: true }) // "provider-only"
 */
export function batchSupport(p: { name: string; batch: boolean }): "driven" | "provider-only" | "none" {
  if ((BATCH_PROVIDERS as readonly string[]).includes(p.name)) return "driven";
  return p.batch ? "provider-only" : "none";
}

/** One clause on a provider's batches, for listings and refusals. */
export function batchClause(p: { name: string; label?: string; batch: boolean }): string {
  const s = batchSupport(p);
  if (s === "driven") return "yes (about half price); afw run and afw judge --batch use it";
  if (s === "provider-only") return `${p.label ?? p.name} has one (about half price), but the workbench drives batches only at ${BATCH_PROVIDERS.join(" and ")}: --batch is refused here`;
  return "no";
}

/** Options of openBatchBackend. */
export interface BatchBackendOptions {
  /** The profile name: "openai" or "anthropic". */
  provider: string;
  baseURL: string;
  apiKey: string;
  anthropicVersion?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Smaller limits than the provider's (tests, or to keep batches small). */
  limits?: Partial<BatchLimits>;
}

/**
 * The batch backend of a provider. Throws a one-line AfwError for a
 * provider without one here.
 * @example const backend = openBatchBackend({ provider: client.profile.name, baseURL: client.baseURL, apiKey });
 */
export function openBatchBackend(o: BatchBackendOptions): BatchBackend & { close(): void } {
  if (!o || typeof o.baseURL !== "string" || !/^https?:\/\//i.test(o.baseURL)) throw new AfwError(`batch base URL must start with http:// or https://, got ${JSON.stringify(o?.baseURL)}`);
  if (o.provider === "openai") return new OpenAIBatchBackend(o);
  if (o.provider === "anthropic") return new AnthropicBatchBackend(o);
  throw new AfwError(`--batch: no batch API for provider "${o.provider}" here (batches run at ${BATCH_PROVIDERS.join(" and ")}); run without --batch`);
}
