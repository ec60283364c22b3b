/**
 * lib/figures: plotly figure specs from tidy rows, one shared style, inline
 * notebook display, and static PNG/SVG/HTML export.
 */
export type { Figure, ExportFormat } from "./types";
export { figureTitle } from "./types";
export { OKABE_ITO, PALETTE, SYMBOLS, TIER_COLORS, FONT, INK, seriesColors, baseLayout, baseConfig, mergeDeep, finishFigure, DEFAULT_SIZE } from "./style";
export { nLabel, nMeaning, intervalStatus, wrapText, titleText, plainText, ZERO_WIDTH_NOTE, FIXED_NOTE, type IntervalStatus } from "./labels";
export { agreementHeatmap, type AgreementTable, type AgreementHeatmapOptions } from "./agreement";
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
export { aurocVsVotes, rocFigure, type AurocVotesRow, type AurocVsVotesOptions, type RocFigureOptions, type RocBandPoint } from "./auroc";
export type { OutcomeRow, DecompositionRow, ScopeRiskRow, MetricRow, HypothesisRow, ForestRow, EstimateFields, CountFields, IntervalFields, FigureRowSet } from "./rows";
export { outcomeStack, type OutcomeStackOptions } from "./outcomes";
export { tierDecomposition } from "./decomposition";
export { gapByScopeRisk, SCOPE_ORDER } from "./scopeRisk";
export { scenarioResults, baseVsChat, SCENARIO_ORDER } from "./grouped";
export { hypothesisPanels } from "./hypotheses";
export { coverageHeatmap, powerCurves, COVERAGE_COLORSCALE, COVERAGE_SPAN } from "./coverage";
export { estimateTrace, zeroLine, whiskers, type EstimateTraceOptions } from "./traces";
export { facetGrid, panelTitle, type FacetCell } from "./facets";
export { wordingForest, type WordingForestRow, type WordingForestOptions } from "./wordingForest";
export { drawFigures, FIGURE_FILES } from "./kinds";
