/**
 * lib/figures: plotly figure specs from tidy rows, one shared style, inline
 * notebook display, and static PNG/SVG/HTML export.
 */
export type { Figure, ExportFormat } from "./types";
export { figureTitle } from "./types";
export { OKABE_ITO, PALETTE, TIER_COLORS, FONT, INK, seriesColors, baseLayout, baseConfig, mergeDeep } from "./style";
export { complianceByTier, cellLabel, type ComplianceByTierOptions } from "./complianceByTier";
export { gapForest, type GapForestOptions } from "./gapForest";
export { figureSummary } from "./summary";
export {
  createExporter,
  sharedExporter,
  closeSharedExporter,
  chromiumAvailable,
  chromiumPath,
  htmlDocument,
  plotlyBundlePath,
  CHROMIUM_ARGS,
  CHROMIUM_HINT,
  type Exporter,
  type ExporterOptions,
} from "./export";
export { displayFigure, show, type DisplayData, type DisplayOptions } from "./display";
export { aurocVsVotes, rocFigure, type AurocVotesRow, type AurocVsVotesOptions, type RocFigureOptions } from "./auroc";
export type { OutcomeRow, DecompositionRow, ScopeRiskRow, MetricRow, HypothesisRow, ForestRow, EstimateFields, FigureRowSet } from "./rows";
export { outcomeStack, type OutcomeStackOptions } from "./outcomes";
export { tierDecomposition } from "./decomposition";
export { gapByScopeRisk, SCOPE_ORDER } from "./scopeRisk";
export { scenarioResults, baseVsChat, SCENARIO_ORDER } from "./grouped";
export { hypothesisPanels } from "./hypotheses";
export { coverageHeatmap, powerCurves } from "./coverage";
export { estimateTrace, zeroLine, type EstimateTraceOptions } from "./traces";
export { facetGrid, panelTitle, type FacetCell } from "./facets";
export { wordingForest, type WordingForestRow, type WordingForestOptions } from "./wordingForest";
export { drawFigures } from "./kinds";
