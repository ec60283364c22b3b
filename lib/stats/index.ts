/**
 * lib/stats: confidence intervals for rates and gaps.
 * Exact bootstrap paths (B = ∞) for binary outcomes, Wilson and
 * Clopper–Pearson closed forms, cluster bootstraps for several samples per
 * query, and a generic seeded bootstrap with BCa.
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
export { rateInterval, type RateMethod, type RateIntervalOptions } from "./rateInterval";
export { pairedGapInterval, pairedGapPmf, pairedCounts, GAP_M_CUTOFF, type PairedCounts } from "./pairedGap";
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
