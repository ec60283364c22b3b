/**
 * lib/models: the one door to models. Public API of the room.
 */
export { ModelClient } from "./client";
export type { CallResult, ChoiceResult, ModelClientOptions, PreparedRequest, RetryInfo } from "./types";
export { ResponseCache, requestCacheKey, keyInput, type CacheEntry } from "./cache";
export { createProgress, type Progress, type ProgressOptions } from "./progress";
export { extractCompletion, type Extracted } from "./extract";
export { MalformedResponseError, UpstreamError, parseOpenAIBody, parseAnthropicBody, readUsage, readAnthropicUsage, outcomeOf, type ProviderReply } from "./parse";
export { messageReasoning, splitThink } from "./reasoning";
export { backoffMs, classifyFailure, retryAfter, retryAfterWait, type AttemptFailure, type Wait } from "./retry";
export { redact, oneLine } from "./redact";
export { Semaphore } from "./semaphore";
export { Pacer, rateBetweenLimits, type RateControl } from "./pacer";
export {
  listProfiles,
  findProfile,
  getProfile,
  inferProvider,
  resolveProfile,
  parseProfile,
  loadProfileFile,
  DEFAULT_PROVIDER,
  type ProviderProfile,
  type PrefillMode,
  type TokenParam,
  type ErrorShape,
} from "./providers";
export { MODEL_RULES, RETIREMENTS, modelTraits, retirementOf, normaliseModelId, todayIso, type ModelTraits, type Retirement, type RetirementStatus } from "./model-rules";
export { checkRequest, trailingPrefill, buildOpenAIBody, buildAnthropicBody, OVERRIDES, type Override, type PlanCheck, type CheckOptions } from "./plan";
export { FatalProviderError, EXIT_FATAL_PROVIDER, readErrorBody, classifyHttpError, type ErrorBody, type Classified, type FatalReason } from "./errors";
export { callVotes, nSupportOf, resetVotesMemory, type VotesHost, type VotesOptions, type VotesResult } from "./votes";
export { PRICE_TABLE, PRICE_TABLE_DATE, priceFor, costOf, type Price, type PriceRow } from "./prices";
export { Spend, mergeSpend, spendSince, withRole } from "./spend";
export { MODEL_CATALOGUE, catalogueEntry, modelIdAt, reachability, servedBy, type CatalogueEntry, type Reachability } from "./catalogue";
export { probeEndpoint, type ProbeOptions, type ProbeReport, type ProbeFinding } from "./probe";
export { sampleFields, ErrorTally, type CallFields } from "./record";
// Provider batch APIs (issue 13): lib/models/batch holds the rest.
export {
  runBatches,
  openBatchBackend,
  customIdFor,
  readJournal as readBatchJournal,
  estimateSweepCost,
  formatEstimate,
  BATCH_PROVIDERS,
  batchSupport,
  batchClause,
  type BatchBackend,
  type BatchRequest,
  type BatchResult,
  type BatchEvent,
  type BatchRunSummary,
  type RunBatchesOptions,
  type BatchBackendOptions,
  type CostEstimate,
  type EstimateRequest,
  type ModelCost,
  batchSavingLine,
} from "./batch/index";
