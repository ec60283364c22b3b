import { complianceByTier } from "./complianceByTier";
import { coverageHeatmap, powerCurves } from "./coverage";
import { tierDecomposition } from "./decomposition";
import { gapForest } from "./gapForest";
import { baseVsChat, scenarioResults } from "./grouped";
import { hypothesisPanels } from "./hypotheses";
import { outcomeStack } from "./outcomes";
import type { FigureRowSet } from "./rows";
import { gapByScopeRisk } from "./scopeRisk";
import type { Figure } from "./types";
import { wordingForest } from "./wordingForest";

/**
 * The file name of each figure, whichever command writes it (afw figures,
 * afw report, afw paraphrase, afw demo): one name per figure, so a folder
 * never holds the same figure twice under different names.
 */
export const FIGURE_FILES = {
  outcomes: "a_outcomes_by_tier",
  compliance: "a_compliance_by_tier",
  gapForest: "b_gap_forest",
  wordingForest: "w_wording_forest",
} as const;

/**
 * Every figure of a row set, keyed by file name (prefixed with the kind's
 * letter): a outcomes and compliance by tier, b gap forest, c three-tier
 * decomposition, d gap by scope × risk, e scenarios, f base vs chat,
 * g post-training hypotheses, w the wording forest, i coverage and power.
 *
 * @example
 * drawFigures(figureRows(rows, { kinds: ["a", "b"] }).rows); // { a_outcomes_by_tier, a_compliance_by_tier, b_gap_forest }
 */
export function drawFigures(set: FigureRowSet): Record<string, Figure> {
  const figs: Record<string, Figure> = {};
  if (set.a) {
    figs[FIGURE_FILES.outcomes] = outcomeStack(set.a.outcomes, { tierOrder: set.a.tierOrder });
    figs[FIGURE_FILES.compliance] = complianceByTier(set.a.rates, { tierOrder: set.a.tierOrder });
  }
  if (set.b) figs[FIGURE_FILES.gapForest] = gapForest(set.b.gaps, { sort: set.b.sort });
  if (set.c) figs["c_three_tier_decomposition"] = tierDecomposition(set.c);
  if (set.d) figs["d_gap_by_scope_risk"] = gapByScopeRisk(set.d);
  if (set.e) figs["e_scenarios"] = scenarioResults(set.e);
  if (set.f) figs["f_base_vs_chat"] = baseVsChat(set.f);
  if (set.g) figs["g_hypotheses"] = hypothesisPanels(set.g);
  if (set.w) figs[FIGURE_FILES.wordingForest] = wordingForest(set.w.rows, { level: set.w.level, tiers: set.w.tiers });
  if (set.i) {
    figs["i_coverage_rates"] = coverageHeatmap(set.i.coverageRates);
    figs["i_coverage_gaps"] = coverageHeatmap(set.i.coverageGaps);
    figs["i_power_curves"] = powerCurves(set.i.power, { shared: set.i.shared });
  }
  return figs;
}
