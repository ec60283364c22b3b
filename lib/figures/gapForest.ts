import type { GapRow } from "../schema/index";
import { cellLabel } from "./complianceByTier";
import { escapeTemplate, unique } from "./facets";
import type { ForestRow } from "./rows";
import { baseConfig, baseLayout, INK, OKABE_ITO } from "./style";
import type { Figure } from "./types";

/** Options for `gapForest`. */
export interface GapForestOptions {
  title?: string;
  /** Confidence level of the rows' intervals, for the default title; default 0.95. */
  level?: number;
  /** Sort rows by gap (largest first) instead of input order. */
  sort?: boolean;
}

const pp = (x: number) => (Number.isFinite(x) ? x * 100 : null);
const SOURCE_STYLE: Record<string, { color: string; symbol: string }> = {
  replication: { color: OKABE_ITO.vermillion, symbol: "square" },
  published: { color: OKABE_ITO.blue, symbol: "diamond" },
};
const OTHER = [OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple, OKABE_ITO.orange];

/**
 * Forest plot of compliance gaps (first tier minus second, in percentage
 * points): one line per model (or `model · condition`), a point at the gap,
 * horizontal CI whiskers, a dotted zero line, n in the label and hover.
 * Rows may carry `source` ("replication" default, "published", …): each
 * source is its own trace, drawn slightly offset on the same line, so a
 * published value sits beside our replication. Height grows with the number
 * of lines, so 25+ models stay readable.
 *
 * @example
 * gapForest([{ model: "m1", condition: "default", gap: 0.14, ci_low: 0.02, ci_high: 0.26, n_pairs: 50, tiers: ["free", "paid"] }]);
 */
export function gapForest(rows: ReadonlyArray<GapRow | ForestRow>, opts: GapForestOptions = {}): Figure {
  const withCondition = new Set(rows.map((r) => r.condition)).size > 1;
  const lab = (r: GapRow | ForestRow) => cellLabel(r.model, r.condition, withCondition);
  let ordered = [...rows];
  if (opts.sort) ordered.sort((a, b) => (Number.isFinite(b.gap) ? b.gap : -Infinity) - (Number.isFinite(a.gap) ? a.gap : -Infinity));
  const labels = unique(ordered.map(lab));
  const sources = unique(ordered.map((r) => ("source" in r && r.source) || "replication"));
  const nBy = new Map<string, number[]>();
  for (const r of ordered) nBy.set(lab(r), [...(nBy.get(lab(r)) ?? []), r.n_pairs]);
  const ticktext = labels.map((l) => `${l} (n=${unique(nBy.get(l) ?? []).join("/")})`);
  const tierPairs = unique(rows.map((r) => `${r.tiers[0]} − ${r.tiers[1]}`));
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const what = tierPairs.length === 1 ? tierPairs[0] : "first tier − second tier";
  const title =
    opts.title ??
    `Compliance gap, ${what}, per ${withCondition ? "model · condition" : "model"}<br><sup>percentage points · whiskers: ${levelPct}% CI · n = query pairs${sources.length > 1 ? " · " + sources.join(" vs ") : ""}</sup>`;
  const step = sources.length > 1 ? 0.5 / sources.length : 0;
  const data = sources.map((src, si) => {
    const mine = ordered.filter((r) => (("source" in r && r.source) || "replication") === src);
    const style = SOURCE_STYLE[src] ?? { color: OTHER[si % OTHER.length], symbol: "circle" };
    const offset = sources.length > 1 ? (si - (sources.length - 1) / 2) * step : 0;
    return {
      type: "scatter",
      mode: "markers",
      name: src,
      showlegend: sources.length > 1,
      x: mine.map((r) => pp(r.gap)),
      y: mine.map((r) => labels.indexOf(lab(r)) + offset),
      marker: { color: style.color, size: 9, symbol: style.symbol },
      error_x: {
        type: "data",
        symmetric: false,
        array: mine.map((r) => pp(r.ci_high - r.gap)),
        arrayminus: mine.map((r) => pp(r.gap - r.ci_low)),
        color: INK,
        thickness: 1.5,
        width: 4,
      },
      customdata: mine.map((r) => [lab(r), r.tiers[0], r.tiers[1], r.n_pairs, pp(r.ci_low), pp(r.ci_high)]),
      hovertemplate:
        `${escapeTemplate(src)}<br>%{customdata[0]}<br>gap %{customdata[1]} − %{customdata[2]}: %{x:.1f} pp` +
        "<br>CI: %{customdata[4]:.1f} to %{customdata[5]:.1f} pp<br>n=%{customdata[3]} pairs<extra></extra>",
    };
  });
  const layout = baseLayout({
    title: { text: title },
    height: Math.max(300, 160 + 26 * labels.length),
    xaxis: { title: { text: "gap (percentage points)" }, zeroline: false, gridcolor: "#e6e6e6" },
    yaxis: {
      tickmode: "array",
      tickvals: labels.map((_, i) => i),
      ticktext,
      range: [labels.length - 0.5, -0.5],
      gridcolor: "#f2f2f2",
      automargin: true,
    },
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: { color: INK, width: 1, dash: "dot" } }],
    margin: { l: 160 },
    legend: { orientation: "h", x: 0, y: -0.12, yanchor: "top" },
  });
  return { data, layout, config: baseConfig() };
}
