/**
 * The shapes of the batch door: one interface over the providers' batch
 * APIs (OpenAI Batch, Anthropic Message Batches), what a poll says, and one
 * row of a batch's results before it is read into a CallResult.
 *
 * A backend knows HTTP and the provider's wire shapes only. What goes into
 * a batch (the request bodies, built by the same code as the synchronous
 * path), how results are read, the journal, retries and the cache live in
 * run.ts.
 */

/** Requests and bytes one batch may hold. */
export interface BatchLimits {
  maxRequests: number;
  maxBytes: number;
}

/** One line of a batch: its custom_id and the request body the synchronous path would send. */
export interface BatchLine {
  custom_id: string;
  body: Record<string, unknown>;
}

/** What a batch is submitted with. */
export interface BatchSpec {
  /** The job's tag (journal), carried in batch metadata where the API has metadata. */
  tag: string;
  /** The batch's sequence number within the job. */
  seq: number;
  /** The request endpoint below the base URL ("/chat/completions", "/completions", "/messages"). */
  path: string;
  /** The serialised lines (one JSON text each), as the backend's lineText() made them. */
  lines: string[];
  /** When the submission started (ms since the epoch), for the list check after a kill. */
  startedAt: number;
}

/** Ids learnt while submitting, to journal as soon as they are known. */
export interface SubmitHooks {
  /** An input file was uploaded (OpenAI). */
  onFile?(fileId: string): void;
  /** The create request is about to be sent. */
  onCreating?(): void;
}

/** Where a submission stands after a kill, found with the provider's list endpoints. */
export interface Found {
  fileId: string | null;
  batchId: string | null;
}

/** Request counts of a batch, in one vocabulary for both providers. */
export interface BatchCounts {
  total: number;
  /** Still to be processed (Anthropic's processing; OpenAI's total − completed − failed). */
  processing: number;
  succeeded: number;
  /** Rows that failed (OpenAI's failed, which includes expired and cancelled rows; Anthropic's errored). */
  errored: number;
  expired: number;
  canceled: number;
}

/** The normalised state of a batch. */
export type BatchPhase = "validating" | "in_progress" | "finalizing" | "cancelling" | "ended" | "failed";

/** What a poll says. */
export interface BatchStatus {
  id: string;
  phase: BatchPhase;
  /** The provider's own status word (completed, expired, cancelled, ended, …). */
  status: string;
  /** No more change will come: results can be read (or the batch failed as a whole). */
  terminal: boolean;
  /** Someone cancelled it (the run itself never cancels a batch: afw batches --cancel, or the provider's console). */
  cancelled: boolean;
  counts: BatchCounts;
  /** ms since the epoch. */
  createdAt: number | null;
  endedAt: number | null;
  expiresAt: number | null;
  /** Why the batch failed as a whole (OpenAI validation errors), one line; else null. */
  error: string | null;
  /** The provider's codes for a failed batch (OpenAI's errors.data[].code, e.g. token_limit_exceeded). */
  errorCodes?: string[];
  /** Where the results are: OpenAI's output and error file ids, Anthropic's results_url. */
  outputFileId?: string | null;
  errorFileId?: string | null;
  resultsUrl?: string | null;
}

/**
 * One row of a batch's results:
 * - succeeded: `body` is the provider's response body (what the synchronous call would have got with a 200);
 * - errored: `status` (HTTP status, or the one the error type stands for) and `errorText` (the error body as JSON text);
 * - expired / canceled: never run (the batch expired or was cancelled first);
 * - timeout: the provider's own call timed out (OpenAI's request_timeout).
 */
export interface RawRow {
  custom_id: string;
  kind: "succeeded" | "errored" | "expired" | "canceled" | "timeout";
  body: unknown;
  status: number | null;
  errorText: string | null;
}

/**
 * A provider's batch API.
 * @example
 * const backend = openBatchBackend({ provider: "openai", baseURL, apiKey });
 * const { batchId } = await backend.submit(spec, {}, signal);
 * const s = await backend.poll(batchId, signal);
 * if (s.terminal) for await (const row of backend.results(s, signal)) handle(row);
 */
export interface BatchBackend {
  /** The profile name it serves ("openai", "anthropic"). */
  readonly provider: string;
  readonly label: string;
  readonly limits: BatchLimits;
  /** Share of list price a batch pays (0.5). */
  readonly discount: number;
  /** Requests go up as an uploaded file first (OpenAI), so a kill can leave a file without a batch. */
  readonly uploadsFiles: boolean;
  /** The text of one line, as it goes into the batch (one JSON object, no newline). */
  lineText(line: BatchLine, path: string): string;
  /** Bytes a batch of these line texts takes on the wire, envelope included. */
  batchBytes(lineBytes: number, lines: number): number;
  /** Upload (OpenAI) and create the batch; returns its id. A fatal refusal throws FatalProviderError. */
  submit(spec: BatchSpec, known: Found, hooks: SubmitHooks, signal: AbortSignal): Promise<{ batchId: string; fileId: string | null }>;
  /** After a kill: the file and batch of this spec, if the provider already has them. */
  find(spec: Pick<BatchSpec, "tag" | "seq" | "startedAt"> & { count: number; claimed: ReadonlySet<string> }, signal: AbortSignal): Promise<Found>;
  poll(batchId: string, signal: AbortSignal): Promise<BatchStatus>;
  /** Every row of an ended batch, in the provider's order (not the input order). */
  results(status: BatchStatus, signal: AbortSignal): AsyncIterable<RawRow>;
  cancel(batchId: string, signal: AbortSignal): Promise<BatchStatus>;
}
