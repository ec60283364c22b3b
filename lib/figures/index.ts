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
