import { escapeTemplate, pct } from "./facets";
import { intervalStatus, nLabel } from "./labels";
import type { EstimateFields, IntervalFields } from "./rows";
import { INK } from "./style";

/**
 * The whisker length of a point drawn without one. plotly reads error
 * arrays with unary plus and skips a bar only when both sides are NaN; a
 * null would read as 0 and draw a bar of zero width, so the arrays carry
 * a string (+"none" is NaN, and a string survives JSON, unlike NaN).
 */
export const NO_WHISKER = "none";

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
  /** The n text per point, where it is not `nLabel` of the estimate (e.g. a pooled line over several wordings). */
  nTexts?: ReadonlyArray<string | undefined>;
  /** Draw lines between points too. */
  lines?: boolean;
  dash?: string;
  /** Whisker colour; default INK (dark grey). Use the series colour where several series' whiskers sit close. */
  whiskerColor?: string;
}

/**
 * A scatter trace of estimates with asymmetric CI whiskers (in % or pp)
 * and n in the hover: the building block of every point figure. A whisker
 * is drawn only for an interval of positive width; a point whose interval
 * is a declared fixed quantity has none, and a point whose method returned
 * zero width (or no interval) is drawn hollow without one. Both are listed
 * in the trace's `meta.afw.noInterval`, from which `finishFigure` writes
 * the footnote.
 *
 * @example
 * estimateTrace({ name: "free", at: ["m1"], estimates: [{ value: 0.2, ci_low: 0.1, ci_high: 0.3, n: 100 }], color: "#E69F00", unit: "%" });
 */
export function estimateTrace(o: EstimateTraceOptions): Record<string, unknown> {
  const vals = o.estimates.map((e) => (e ? pct(e.value) : null));
  const status = o.estimates.map((e) => (e ? intervalStatus(e) : "missing"));
  const drawn = (i: number) => status[i] === "ok";
  const err = {
    type: "data",
    symmetric: false,
    array: o.estimates.map((e, i) => (e && drawn(i) ? pct(e.ci_high - e.value) : NO_WHISKER)),
    arrayminus: o.estimates.map((e, i) => (e && drawn(i) ? pct(e.value - e.ci_low) : NO_WHISKER)),
    color: o.whiskerColor ?? INK,
    thickness: 1.5,
    width: 4,
  };
  const noInterval = o.estimates.flatMap((e, i) => (e && vals[i] !== null && !drawn(i) ? [{ index: i, reason: status[i] === "fixed" ? "fixed" : "zero-width" }] : []));
  const symbol = o.symbol ?? "circle";
  const symbols = o.estimates.map((_, i) => (noInterval.some((d) => d.index === i && d.reason === "zero-width") ? `${symbol}-open` : symbol));
  const axis = o.horizontal ? "x" : "y";
  const ciText = (e: EstimateFields, i: number) =>
    status[i] === "ok" ? `[${fmt(pct(e.ci_low))}, ${fmt(pct(e.ci_high))}]` : status[i] === "fixed" ? "(no sampling error)" : "(no valid interval: the method gave zero width)";
  const trace: Record<string, unknown> = {
    type: "scatter",
    mode: o.lines ? "lines+markers" : "markers",
    name: o.name,
    x: o.horizontal ? vals : [...o.at],
    y: o.horizontal ? [...o.at] : vals,
    marker: {
      color: o.color,
      size: 9,
      symbol: symbols.some((s) => s !== symbol) ? symbols : symbol,
      line: { color: symbols.some((s) => s !== symbol) ? o.color : "#ffffff", width: symbols.some((s) => s !== symbol) ? 2 : 1 },
    },
    line: o.lines ? { color: o.color, width: 1.5, dash: o.dash ?? "solid" } : undefined,
    [o.horizontal ? "error_x" : "error_y"]: err,
    customdata: o.estimates.map((e, i) => (e ? [ciText(e, i), o.nTexts?.[i] ?? nLabel(e), o.hoverExtra?.[i] ?? "", e.method ?? ""] : null)),
    hovertemplate:
      `${escapeTemplate(o.name)}<br>%{${o.horizontal ? "y" : "x"}}: %{${axis}:.1f}${o.unit === "%" ? "%" : " pp"}` +
      ` %{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>`,
    showlegend: o.showlegend ?? true,
  };
  if (noInterval.length) trace.meta = { afw: { noInterval } };
  if (o.xaxis) trace.xaxis = o.xaxis;
  if (o.yaxis) trace.yaxis = o.yaxis;
  if (o.legendgroup) trace.legendgroup = o.legendgroup;
  if (!o.lines) delete trace.line;
  return trace;
}

const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(1));

/** A dotted zero reference line across one axis pair (x = 0 for horizontal, y = 0 otherwise). */
export function zeroLine(horizontal: boolean, xaxis = "x", yaxis = "y"): Record<string, unknown> {
  const xref = xaxis;
  const yref = yaxis;
  return horizontal
    ? { type: "line", xref, yref: `${yref} domain`, x0: 0, x1: 0, y0: 0, y1: 1, line: { color: INK, width: 1, dash: "dot" } }
    : { type: "line", xref: `${xref} domain`, yref, x0: 0, x1: 1, y0: 0, y1: 0, line: { color: INK, width: 1, dash: "dot" } };
}

/**
 * Whisker arrays (in % or pp) for estimates, with the points drawn without
 * one (see `estimateTrace`): for figures that build their own traces.
 *
 * @example
 * whiskers([{ value: 0.1, ci_low: 0.05, ci_high: 0.2 }]).array; // [10]
 */
export function whiskers(items: ReadonlyArray<({ value: number; ci_low: number; ci_high: number } & IntervalFields) | undefined>): {
  array: (number | null | typeof NO_WHISKER)[];
  arrayminus: (number | null | typeof NO_WHISKER)[];
  noInterval: { index: number; reason: "fixed" | "zero-width" }[];
} {
  const st = items.map((e) => (e ? intervalStatus(e) : "missing"));
  return {
    array: items.map((e, i) => (e && st[i] === "ok" ? pct(e.ci_high - e.value) : NO_WHISKER)),
    arrayminus: items.map((e, i) => (e && st[i] === "ok" ? pct(e.value - e.ci_low) : NO_WHISKER)),
    noInterval: items.flatMap((e, i) => (e && Number.isFinite(e.value) && st[i] !== "ok" ? [{ index: i, reason: st[i] === "fixed" ? ("fixed" as const) : ("zero-width" as const) }] : [])),
  };
}
