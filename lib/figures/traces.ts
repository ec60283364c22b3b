import { escapeTemplate, pct } from "./facets";
import type { EstimateFields } from "./rows";
import { INK } from "./style";

/** Options for `estimateTrace`. */
export interface EstimateTraceOptions {
  /** Legend name. */
  name: string;
  /** Category (or number) positions, one per estimate. */
  at: ReadonlyArray<string | number>;
  estimates: ReadonlyArray<EstimateFields | undefined>;
  color: string;
  /** "%" for rates, "pp" for gaps (percentage points). */
  unit: "%" | "pp";
  /** Estimates along x with categories on y (forest style); default false (vertical). */
  horizontal?: boolean;
  symbol?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  /** Extra hover line per point (plain text). */
  hoverExtra?: ReadonlyArray<string>;
  /** Draw lines between points too. */
  lines?: boolean;
  dash?: string;
}

/**
 * A scatter trace of estimates with asymmetric CI whiskers (in % or pp)
 * and "n=…" in the hover: the building block of every point figure.
 *
 * @example
 * estimateTrace({ name: "free", at: ["m1"], estimates: [{ value: 0.2, ci_low: 0.1, ci_high: 0.3, n: 100 }], color: "#E69F00", unit: "%" });
 */
export function estimateTrace(o: EstimateTraceOptions): Record<string, unknown> {
  const vals = o.estimates.map((e) => (e ? pct(e.value) : null));
  const err = {
    type: "data",
    symmetric: false,
    array: o.estimates.map((e) => (e ? pct(e.ci_high - e.value) : null)),
    arrayminus: o.estimates.map((e) => (e ? pct(e.value - e.ci_low) : null)),
    color: INK,
    thickness: 1.5,
    width: 4,
  };
  const axis = o.horizontal ? "x" : "y";
  const trace: Record<string, unknown> = {
    type: "scatter",
    mode: o.lines ? "lines+markers" : "markers",
    name: o.name,
    x: o.horizontal ? vals : [...o.at],
    y: o.horizontal ? [...o.at] : vals,
    marker: { color: o.color, size: 9, symbol: o.symbol ?? "circle", line: { color: "#ffffff", width: 1 } },
    line: o.lines ? { color: o.color, width: 1.5, dash: o.dash ?? "solid" } : undefined,
    [o.horizontal ? "error_x" : "error_y"]: err,
    customdata: o.estimates.map((e, i) => (e ? [pct(e.ci_low), pct(e.ci_high), e.n, o.hoverExtra?.[i] ?? ""] : null)),
    hovertemplate:
      `${escapeTemplate(o.name)}<br>%{${o.horizontal ? "y" : "x"}}: %{${axis}:.1f}${o.unit === "%" ? "%" : " pp"}` +
      ` [%{customdata[0]:.1f}, %{customdata[1]:.1f}]<br>n=%{customdata[2]}<br>%{customdata[3]}<extra></extra>`,
    showlegend: o.showlegend ?? true,
  };
  if (o.xaxis) trace.xaxis = o.xaxis;
  if (o.yaxis) trace.yaxis = o.yaxis;
  if (o.legendgroup) trace.legendgroup = o.legendgroup;
  if (!o.lines) delete trace.line;
  return trace;
}

/** A dotted zero reference line across one axis pair (x = 0 for horizontal, y = 0 otherwise). */
export function zeroLine(horizontal: boolean, xaxis = "x", yaxis = "y"): Record<string, unknown> {
  const xref = xaxis;
  const yref = yaxis;
  return horizontal
    ? { type: "line", xref, yref: `${yref} domain`, x0: 0, x1: 0, y0: 0, y1: 1, line: { color: INK, width: 1, dash: "dot" } }
    : { type: "line", xref: `${xref} domain`, yref, x0: 0, x1: 1, y0: 0, y1: 0, line: { color: INK, width: 1, dash: "dot" } };
}
