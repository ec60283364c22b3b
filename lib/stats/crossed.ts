/** The crossed-design (wordings × queries) statistics, re-exported for lib/stats/index.ts. */
export { tCdf, tQuantile } from "./studentT";
export { crossedVarianceComponents, crossedMeanInterval, checkMatrix, type CrossedComponents, type CrossedInterval, type CrossedIntervalOptions } from "./crossedMean";
export { pigeonholeBootstrap, type PigeonholeInterval } from "./pigeonhole";
export {
  crossedCoverageCell,
  crossedCoverageStudy,
  crossedCoverageGrid,
  summariseCrossedCoverage,
  expectedDiscordant,
  CROSSED_METHODS,
  type CrossedCell,
  type CrossedMethod,
  type CrossedCoverageRow,
  type CrossedCoverageOptions,
} from "./crossedCoverage";
