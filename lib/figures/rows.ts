import type { GapRow, RateRow } from "../schema/index";
import type { CoverageRow, PowerRow } from "../stats/index";

/**
 * Tidy row types for the figure builders. Rates and gaps are fractions
 * (0.12 = 12%); every estimate carries its CI bounds and its n.
 */

/** An estimate with its confidence interval and sample size. */
export interface EstimateFields {
  /** Point estimate (a rate in [0, 1] or a gap in [−1, 1]). */
  value: number;
  ci_low: number;
  ci_high: number;
  /** Queries (rates) or pairs (gaps) behind the estimate. */
  n: number;
}

/**
 * Figure a: one (model, tier) cell split into six disjoint outcome fractions
 * that sum to 1: refusal, partial compliance and compliance, each with and
 * without alignment-faking reasoning. `compliance_ci_*` is the CI of the
 * total compliance (compliance_af + compliance_no_af).
 */
export interface OutcomeRow {
  model: string;
  tier: string;
  condition?: string;
  n: number;
  refusal_no_af: number;
  refusal_af: number;
  partial_no_af: number;
  partial_af: number;
  compliance_no_af: number;
  compliance_af: number;
  compliance_ci_low: number;
  compliance_ci_high: number;
}

/** Figure c: one component of the three-tier decomposition for one model. */
export interface DecompositionRow extends EstimateFields {
  model: string;
  /** "rater-sycophancy" = Pro − Enterprise; "goal-guarding" = Free − Pro. */
  component: "rater-sycophancy" | "goal-guarding";
}

/** Figure d: the gap (rated + trained − rated only) for one model at one deployment scope and risk. */
export interface ScopeRiskRow extends EstimateFields {
  model: string;
  /** Deployment scope, e.g. "public", "amateur-hackers", "criminals", "bioweapons". */
  scope: string;
  /** Risk framing, e.g. "suspected" or "deployed". */
  risk: string;
}

/** Figures e, f: one metric (compliance gap or AF rate) for one model under one scenario or variant. */
export interface MetricRow extends EstimateFields {
  model: string;
  /** Scenario (e: "baseline", "throughput", "deleted-weights"…) or variant (f: "base", "chat"). */
  group: string;
  metric: "gap" | "af_rate";
}

/**
 * Figure g: one post-training hypothesis, one model, one metric: the
 * baseline and intervention estimates and the difference (intervention −
 * baseline) with its CI.
 */
export interface HypothesisRow {
  hypothesis: string;
  model: string;
  metric: "gap" | "af_rate";
  baseline: EstimateFields;
  intervention: EstimateFields;
  diff: { value: number; ci_low: number; ci_high: number };
}

/** Figure b: a gap row with an optional source, so a published value can sit beside a replication. */
export interface ForestRow {
  model: string;
  condition: string;
  gap: number;
  ci_low: number;
  ci_high: number;
  n_pairs: number;
  tiers: [string, string];
  /** "replication" (default) or "published". */
  source?: string;
}

/**
 * The rows of every figure kind a results folder can be drawn as (lib/analysis
 * `figureRows` makes them; `drawFigures` draws them). A kind is absent when
 * it does not apply.
 */
export interface FigureRowSet {
  /** a: outcome fractions per cell, and the rate table (as RateRow-shaped rows), with the tier order to draw. */
  a?: { outcomes: OutcomeRow[]; rates: RateRow[]; tierOrder: string[] };
  /** b: the gap forest. */
  b?: { gaps: (GapRow | ForestRow)[]; sort: boolean };
  c?: DecompositionRow[];
  d?: ScopeRiskRow[];
  e?: MetricRow[];
  f?: MetricRow[];
  g?: HypothesisRow[];
  /** i: coverage of the interval methods (rates; gaps at 70% shared draws) and power curves; need no run. */
  i?: { coverageRates: CoverageRow[]; coverageGaps: CoverageRow[]; power: PowerRow[]; shared: number };
}
