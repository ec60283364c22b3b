import type { GapRow, RateRow } from "../schema/index";
import type { CoverageRow, PowerRow } from "../stats/index";
import type { WordingForestRow } from "./wordingForest";

/**
 * Tidy row types for the figure builders. Rates and gaps are fractions
 * (0.12 = 12%); every estimate carries its CI bounds and its n.
 */

/**
 * What an estimate rests on, as the report counts it: queries, samples, and
 * samples per query (null when queries have different numbers). Figures
 * print n from these when present ("n=50×8": 50 queries, 8 samples each),
 * else from the row's own `n`.
 */
export interface CountFields {
  n_queries?: number;
  n_samples?: number;
  samples_per_query?: number | null;
}

/**
 * How an interval came about. `fixed: true` declares a quantity with no
 * sampling error — not estimated from a sample, or identically zero by
 * construction (both sides of a difference are the same observations) —
 * and only then is an interval of zero width right. A rate of 0/n or n/n, a
 * gap with no discordant pair, or a contrast equal on every query is still
 * an estimate: its interval has positive width however large n is, and a
 * figure given a zero-width interval for it draws the point hollow, without
 * a whisker, and says so in a footnote.
 */
export interface IntervalFields {
  /** The interval's method (e.g. "tango-clustered"), shown in the hover. */
  method?: string;
  fixed?: boolean;
  /** The interval's confidence level, when rows of one figure differ (e.g. simultaneous intervals); else the figure's `level` option. */
  level?: number;
}

/** An estimate with its confidence interval and sample size. */
export interface EstimateFields extends CountFields, IntervalFields {
  /** Point estimate (a rate in [0, 1] or a gap in [−1, 1]). */
  value: number;
  ci_low: number;
  ci_high: number;
  /** Query units behind the estimate (queries × samples, or pairs of them for gaps); `n_queries` says how many queries. */
  n: number;
}

/**
 * Figure a: one (model, tier) cell split into six disjoint outcome fractions
 * that sum to 1: refusal, partial compliance and compliance, each with and
 * without alignment-faking reasoning. `compliance_ci_*` is the CI of the
 * total compliance (compliance_af + compliance_no_af).
 */
export interface OutcomeRow extends CountFields {
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
  diff: { value: number; ci_low: number; ci_high: number } & IntervalFields;
}

/** Figure b: a gap row with an optional source, so a published value can sit beside a replication. */
export interface ForestRow extends CountFields, IntervalFields {
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
  a?: { outcomes: OutcomeRow[]; rates: (RateRow & CountFields & IntervalFields)[]; tierOrder: string[] };
  /** b: the gap forest. */
  b?: { gaps: ((GapRow & CountFields & IntervalFields) | ForestRow)[]; sort: boolean };
  c?: DecompositionRow[];
  d?: ScopeRiskRow[];
  e?: MetricRow[];
  f?: MetricRow[];
  g?: HypothesisRow[];
  /** w: the wording forest of a run crossed with a paraphrase set (lib/paraphrase wordingForestRows), with the gap's tiers and level. */
  w?: { rows: WordingForestRow[]; level: number; tiers: [string, string] };
  /** i: coverage of the interval methods (rates; gaps at 70% shared draws) and power curves; need no run. */
  i?: { coverageRates: CoverageRow[]; coverageGaps: CoverageRow[]; power: PowerRow[]; shared: number };
}
