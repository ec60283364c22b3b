/**
 * af-workbook's public entry, for notebooks and scripts:
 *   import * as afw from "./lib/index";
 * Stages follow the flow: schema → scenario, queries → models (organisms
 * offline) → pipeline (run, judge) → store → frame → analysis, stats → figures.
 */
export * from "./schema/index";
export * from "./scenario/index";
export * from "./queries/index";
export * from "./models/index";
export * from "./organisms/index";
export * from "./classify/index";
export * from "./store/index";
export * from "./pipeline/index";
export * from "./experiments/index";
export * from "./frame/index";
export * from "./analysis/index";
export * from "./stats/index";
export * from "./figures/index";
export * from "./paraphrase/index";
export { AfwError } from "./util/errors";
export { sha256, canonicalJson } from "./util/hash";
export { projectRoot, fromRoot } from "./util/paths";
// Inspect AI logs: a results folder as an EvalLog, and logs read back (issue 14)
export { inspectLog, writeInspectLog } from "./interop/inspect-export";
export { importInspectLogs, readInspectLog } from "./interop/inspect-import";
export type { InspectLog, InspectSample, InspectScore } from "./interop/inspect-types";
export { importOsafFiles, formatOsafComparison, modelFromFileName, type OsafImport, type OsafComparison } from "./interop/osaf";
// Money spent, as the manifest records it (issue 10)
export { formatSpend, spendLine, spendTotals, type SpendTotals } from "./analysis/spend";
