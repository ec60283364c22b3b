/**
 * lib/stats: confidence intervals for rates, gaps and contrasts, each with
 * the test that inverts to it. The report's door is `rateResult`,
 * `gapResult`, `gapContrastResult` (one sample per query → the single-sample
 * defaults; several → the clustered ones). Defaults (chosen by the coverage
 * study, docs/statistics.md): rates → Agresti–Coull (clustered: on the
 * effective counts), gaps → Tango score (clustered: on design-effect-scaled
 * counts), contrasts → MOVER from Tango intervals.
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
export { wilsonInterval, wilsonBounds } from "./wilson";
export { agrestiCoullInterval, agrestiCoullBounds } from "./agrestiCoull";
export { regularizedLowerGamma, gammaQuantile } from "./incompleteGamma";
export { clopperPearsonInterval } from "./clopperPearson";
export { exactBootstrapRateInterval, PMF_CUTOFF } from "./exactBootstrapRate";
export { rateInterval, RATE_METHODS, type RateMethod, type RateIntervalOptions } from "./rateInterval";
export { waldInterval, standardErrorInterval, ONE_SIGMA_LEVEL } from "./wald";
export { modifiedWilsonInterval, modifiedWilsonBounds, gammaQuantileInt } from "./modifiedWilson";
export { pairedGapInterval, pairedGapPmf, pairedCounts, checkPaired, GAP_M_CUTOFF, type PairedCounts } from "./pairedGap";
export { gapInterval, GAP_METHODS, type GapMethod, type GapIntervalOptions } from "./gapInterval";
export { tangoGapInterval, tangoScore, tangoScoreCounts, tangoBounds, tangoTestPValue } from "./tango";
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
  gapPowerNormal,
  gapSampleSize,
  simulateGapPower,
  powerCurveRows,
  type Discordant,
  type GapTest,
  type SimulatePowerOptions,
  type PowerRow,
} from "./power";
export { clusteredGapPower, simulateClusteredGapPower } from "./clusteredPower";
export { planGapStudy, type GapPlan, type PlanRow } from "./planGapStudy";
export {
  rateDesignEffect,
  gapDesignEffect,
  pooledIcc,
  type QueryRate,
  type QueryGap,
  type DesignEffect,
  type DesignEffectOptions,
} from "./designEffect";
export { clusteredRateInterval, clusteredRateBounds, type ClusteredInterval, type ClusteredRateOptions } from "./clusteredRate";
export { clusteredGapInterval, clusteredMcNemarTest, type ClusteredTest } from "./clusteredGap";
export { durkalskiTest, obuchowskiTest, type ChiSquareTest } from "./clusteredMcNemar";
export { moverLinear, type MoverTerm } from "./mover";
export { gapContrastInterval, prepareGapContrast, type QueryLinear, type GapContrastOptions, type GapContrastInterval } from "./gapContrast";
export { independentGapContrastInterval, prepareIndependentGapContrast } from "./independentGapContrast";
export { dualPValue } from "./dualPValue";
export { percentilePValue } from "./percentilePValue";
export {
  rateResult,
  gapResult,
  gapContrastResult,
  independentGapContrastResult,
  rateDifferenceResult,
  contrastPValue,
  type StatResult,
  type ResultOptions,
  type RateResultMethod,
  type GapResultMethod,
  type ContrastResultMethod,
} from "./result";
export { designOf, designLabel, type Design } from "./labels";
export { rateQueries, gapQueries, linearGapQueries } from "./perQuery";
export { simulateCoverage, pooledIccDraws, type McCoverage } from "./clusterCoverage";
export { clusterSumPmf, exactClusterBootstrapInterval } from "./exactClusterBootstrap";
export {
  clusterRateStudy,
  clusterGapStudy,
  clusterContrastStudy,
  contrastConfigs,
  CLUSTER_RATE_P,
  CLUSTER_GAP_P,
  CLUSTER_ICC,
  CLUSTER_DESIGNS,
  MIN_STUDIED_QUERIES,
  COMPANION_RATES,
  COMPANION_GAPS,
  CONTRAST_P,
  CLUSTER_RATE_METHODS,
  CLUSTER_GAP_METHODS,
  CLUSTER_CONTRAST_METHODS,
  type ClusterCoverageRow,
  type ClusterStudyOptions,
} from "./clusterStudy";
export {
  gammaVariate,
  betaVariate,
  queryRateVariate,
  simulateRateQueries,
  simulateGapQueries,
  simulateContrastQueries,
  discordantFromModel,
  gapDesignEffectModel,
  type ClusterDesign,
  type GapModel,
} from "./clusterModel";
export {
  rateCoverage,
  gapCoverage,
  gapCoverageMonteCarlo,
  coverageStudy,
  summariseCoverage,
  COVERAGE_P,
  COVERAGE_P_FINE,
  COVERAGE_GAP_P_FINE,
  COVERAGE_GAP_PAIRS_FINE,
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
export { auroc, aurocBootstrap, aurocDelong, aurocScoreBounds, delongVariance, rocCurve, type AurocBootstrapOptions, type RocPoint } from "./auroc";
export * from "./crossed";
export { publishedInterval } from "./publishedInterval";
export { cohenKappa } from "./cohenKappa";
export { clusterReplicates, linearContrastBootstrap } from "./clusterReplicates";
export { bootstrapPValue } from "./bootstrapPValue";
