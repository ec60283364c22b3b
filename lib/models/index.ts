/**
 * lib/models: the one door to models. Public API of the room.
 */
export { ModelClient } from "./client";
export type { CallResult, ModelClientOptions, RetryInfo } from "./types";
export { ResponseCache, requestCacheKey, keyInput, type CacheEntry } from "./cache";
export { createProgress, type Progress, type ProgressOptions } from "./progress";
export { extractCompletion, MalformedResponseError, readUsage, type Extracted } from "./extract";
export { backoffMs, classifyFailure, retryAfter, type AttemptFailure } from "./retry";
export { redact, oneLine } from "./redact";
export { Semaphore } from "./semaphore";
