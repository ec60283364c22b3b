/**
 * lib/pipeline: the one path through the workbench. `openEndpoint()` makes
 * the model client (the only place one is made); `evaluate()` plans, runs,
 * judges and loads, writing through lib/store.
 */
export * from "./endpoint";
export * from "./evaluate";
export * from "./run";
export * from "./judge";
export { sampleRecord, produceSample, type SampleItem, type SampleContext, type SampleOutcome } from "./sample";
export * from "./preflight";
export { BatchCaller, openBatch, type BatchOptions, type BatchTotals, type OpenBatch } from "./batch";
export { InProcessOrganisms } from "./in-process";
