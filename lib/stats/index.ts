/**
 * lib/stats: confidence intervals for rates, gaps and contrasts.
 * Defaults (chosen by the coverage study, docs/statistics.md):
 * `rateInterval` → modified Wilson, `gapInterval` → Tango score.
 * Also: exact bootstrap paths (B = ∞) for binary outcomes, Wilson,
 * Clopper–Pearson, Wald, cluster bootstraps for several samples per query,
 * a generic seeded bootstrap with BCa, exact McNemar p-values, Holm/BH,
 * power and sample size, and the coverage study itself.
 */
export type { Interval, LevelOption } from "./types";
export { makeRng, randomIndex } from "./rng";
export { normalCdf, normalQuantile } from "./normal";
export { binomialPmf, binomialPmfArray, binomialPmfInto, binomialCdf } from "./binomial";
export { pmfQuantile, inverseEcdf, CDF_TOLERANCE } from "./quantile";
export { regularizedIncompleteBeta, betaQuantile } from "./incompleteBeta";
export { wilsonInterval } from "./wilson";
export { clopperPearsonInterval } from "./clopperPearson";
export { exactBootstrapRateInterval, PMF_CUTOFF } from "./exactBootstrapRate";
export { rateInterval, RATE_METHODS, type RateMethod, type RateIntervalOptions } from "./rateInterval";
export { waldInterval, standardErrorInterval, ONE_SIGMA_LEVEL } from "./wald";
export { modifiedWilsonInterval, gammaQuantileInt } from "./modifiedWilson";
export { pairedGapInterval, pairedGapPmf, pairedCounts, checkPaired, GAP_M_CUTOFF, type PairedCounts } from "./pairedGap";
export { gapInterval, GAP_METHODS, type GapMethod, type GapIntervalOptions } from "./gapInterval";
export { tangoGapInterval, tangoScore } from "./tango";
export { waldGapInterval, standardErrorGapInterval, bonettPriceGapInterval, agrestiMinGapInterval } from "./gapWald";
export { pairedGapPValue, signTestPValue } from "./mcnemar";
export { holm, benjaminiHochberg } from "./adjust";
export {
  independentContrastInterval,
  pairedContrastInterval,
  pairedContrastPmf,
  clusterContrastBootstrap,
  rateDifferenceInterval,
  type ContrastOptions,
  type ContrastQuad,
  type ContrastCluster,
} from "./contrast";
export {
  discordantFromRates,
  gapPower,
  gapSampleSize,
  simulateGapPower,
  powerCurveRows,
  type Discordant,
  type SimulatePowerOptions,
  type PowerRow,
} from "./power";
export {
  rateCoverage,
  gapCoverage,
  gapCoverageMonteCarlo,
  coverageStudy,
  summariseCoverage,
  COVERAGE_P,
  COVERAGE_N,
  COVERAGE_GAP_PAIRS,
  COVERAGE_SHARED,
  COVERAGE_TARGET,
  type CoverageRow,
  type CoverageStudyOptions,
  type CoverageSummary,
} from "./coverage";
export {
  clusterBootstrapGap,
  clusterBootstrapRate,
  type ClusterBootstrapOptions,
  type ClusterInterval,
  type ClusterPair,
  type ClusterSamples,
} from "./clusterBootstrap";
export { bootstrap, jackknifeAcceleration, type BootstrapOptions, type BootstrapResult } from "./bootstrap";
export { auroc, aurocBootstrap, aurocDelong, delongVariance, rocCurve, type AurocBootstrapOptions, type RocPoint } from "./auroc";
export { publishedInterval } from "./publishedInterval";
export { cohenKappa } from "./cohenKappa";
export { clusterReplicates, linearContrastBootstrap } from "./clusterReplicates";
export { bootstrapPValue } from "./bootstrapPValue";
