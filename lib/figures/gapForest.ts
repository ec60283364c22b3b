import type { GapRow } from "../schema";
import { cellLabel } from "./complianceByTier";
import { baseConfig, baseLayout, INK, OKABE_ITO } from "./style";
import type { Figure } from "./types";

/** Options for `gapForest`. */
export interface GapForestOptions {
  title?: string;
  /** Confidence level of the rows' intervals, for the default title; default 0.95. */
  level?: number;
}

const pp = (x: number) => (Number.isFinite(x) ? x * 100 : null);

/**
 * Forest plot of compliance gaps (first tier minus second, in percentage
 * points): one row per model (or `model · condition`), a point at the gap,
 * horizontal CI whiskers, and a dotted zero line.
 *
 * @example
 * gapForest([{ model: "m1", condition: "default", gap: 0.14, ci_low: 0.02, ci_high: 0.26, n_pairs: 50, tiers: ["free", "paid"] }]);
 */
export function gapForest(rows: readonly GapRow[], opts: GapForestOptions = {}): Figure {
  const withCondition = new Set(rows.map((r) => r.condition)).size > 1;
  const labels = rows.map((r) => cellLabel(r.model, r.condition, withCondition));
  const tierPairs = [...new Set(rows.map((r) => `${r.tiers[0]} − ${r.tiers[1]}`))];
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const what = tierPairs.length === 1 ? tierPairs[0] : "first tier − second tier";
  const title = opts.title ?? `Compliance gap, ${what} (percentage points; whiskers: ${levelPct}% CI)`;
  const trace = {
    type: "scatter",
    mode: "markers",
    name: "gap",
    showlegend: false,
    x: rows.map((r) => pp(r.gap)),
    y: labels,
    marker: { color: OKABE_ITO.vermillion, size: 9, symbol: "square" },
    error_x: {
      type: "data",
      symmetric: false,
      array: rows.map((r) => pp(r.ci_high - r.gap)),
      arrayminus: rows.map((r) => pp(r.gap - r.ci_low)),
      color: INK,
      thickness: 1.5,
      width: 5,
    },
    customdata: rows.map((r) => [r.tiers[0], r.tiers[1], r.n_pairs, pp(r.ci_low), pp(r.ci_high)]),
    hovertemplate:
      "%{y}<br>gap %{customdata[0]} − %{customdata[1]}: %{x:.1f} pp" +
      "<br>CI: %{customdata[3]:.1f} to %{customdata[4]:.1f} pp<br>n=%{customdata[2]} pairs<extra></extra>",
  };
  const layout = baseLayout({
    title: { text: title },
    height: Math.max(260, 140 + 34 * rows.length),
    xaxis: { title: { text: "gap (percentage points)" }, zeroline: false, gridcolor: "#e6e6e6" },
    yaxis: { type: "category", autorange: "reversed", gridcolor: "#f2f2f2" },
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: { color: INK, width: 1, dash: "dot" } }],
    margin: { l: 160 },
  });
  return { data: [trace], layout, config: baseConfig() };
}
