/**
 * lib/paraphrase: paraphrase sweeps. A paraphrase set is a folder of
 * reworded scenario texts with a manifest (build.ts); crossing an
 * experiment's conditions with it makes wording a factor (cross.ts); the
 * analysis reports the gap per wording, pooled over wordings with a crossed
 * interval, and the spread (analysis.ts). docs/paraphrase.md.
 */
export { openParaphraseEndpoint, type ParaphraseEndpoint, type ParaphraseEndpointOptions } from "./endpoint";
export { scenarioUnits, selectUnits, assembleWording, allUnits, DEFAULT_PARTS, type Unit, type ScenarioUnits } from "./units";
export { chrF, tokenJaccard, lengthRatio, wordTokens } from "./similarity";
export { markersOf, tagsOf, placeholdersIn, listLabels } from "./markers";
export { checkUnit, KEY_TERMS, DEFAULT_LIMITS, type Reason, type UnitCheck, type UnitMetrics, type CheckLimits } from "./checks";
export { PARAPHRASE_SYSTEM, PARAPHRASE_USER, PARAPHRASE_PARAMS, PROMPT_VERSION, paraphraseRequest, extractParaphrase, promptsHash } from "./prompts";
export { ParaphraseManifest, DrawRecord, WordingEntry, RejectedDraw } from "./manifest";
export { buildParaphraseSet, planParaphraseSet, formatParaphrasePlan, setConfigHash, type BuildOptions, type BuildResult, type ParaphrasePlan } from "./build";
export { damagedSetFiles, loadParaphraseSet, readParaphraseManifest, validateParaphraseSet, type ParaphraseSet, type SetWording, type WordingValidation } from "./load";
export { adhocRemedy, crossWithWordings, crossExperiment, wordingConditionName, type CrossableCondition, type CrossOptions, type CrossedExperiment, type WordingFactors } from "./cross";
export { wordingConditions, wordingReport, paraphraseSetsOf, referenceContrasts } from "./report";
export {
  analyseWordings,
  formatWordingAnalysis,
  wordingForestRows,
  type WordingSample,
  type WordingSampleRecord,
  type WordingSampleRow,
  type WordingCondition,
  type WordingGapRow,
  type PooledGapRow,
  type WordingAnalysis,
  type WordingAnalysisOptions,
} from "./analysis";
