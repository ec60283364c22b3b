import { escapeTemplate, pct, unique } from "./facets";
import type { DecompositionRow } from "./rows";
import { nLabel, nMeaning, titleText } from "./labels";
import { baseLayout, finishFigure, INK, PALETTE, SYMBOLS } from "./style";
import { whiskers } from "./traces";
import type { Figure } from "./types";

/**
 * Figure c, the three-tier decomposition: for each model a point at
 * (rater-sycophancy gap = Pro − Enterprise, goal-guarding gap = Free − Pro),
 * in percentage points, with CI whiskers on both axes, dotted zero lines
 * and the diagonal y = x. Each model has its own colour and symbol and is
 * named, with its n, in the legend (no labels on the points: models with
 * the same gaps would print their names over each other; open symbols
 * keep coinciding points visible). Models missing a component are left
 * out; an interval of zero width gets no whisker (see `IntervalFields`).
 *
 * @example
 * tierDecomposition([
 *   { model: "m", component: "rater-sycophancy", value: 0.01, ci_low: -0.02, ci_high: 0.04, n: 400 },
 *   { model: "m", component: "goal-guarding", value: 0.12, ci_low: 0.08, ci_high: 0.16, n: 400 },
 * ]);
 */
export function tierDecomposition(rows: readonly DecompositionRow[], opts: { title?: string; level?: number } = {}): Figure {
  const models = unique(rows.map((r) => r.model));
  const pick = (m: string, c: DecompositionRow["component"]) => rows.find((r) => r.model === m && r.component === c);
  const complete = models.filter((m) => pick(m, "rater-sycophancy") && pick(m, "goal-guarding"));
  const data = complete.map((m, i) => {
    const rs = pick(m, "rater-sycophancy")!;
    const gg = pick(m, "goal-guarding")!;
    const wx = whiskers([rs]);
    const wy = whiskers([gg]);
    const flagged = [...wx.noInterval, ...wy.noInterval];
    const color = PALETTE[i % PALETTE.length];
    const symbol = SYMBOLS[i % SYMBOLS.length];
    const nText = unique([nLabel(rs), nLabel(gg)]).join(" / ");
    const trace: Record<string, unknown> = {
      type: "scatter",
      mode: "markers",
      name: `${m} (${nText})`,
      x: [pct(rs.value)],
      y: [pct(gg.value)],
      marker: { color, size: 11, symbol: `${symbol}-open`, line: { color, width: 2.5 } },
      error_x: { type: "data", symmetric: false, array: wx.array, arrayminus: wx.arrayminus, color, thickness: 1.3, width: 3 },
      error_y: { type: "data", symmetric: false, array: wy.array, arrayminus: wy.arrayminus, color, thickness: 1.3, width: 3 },
      customdata: [[pct(rs.ci_low), pct(rs.ci_high), nLabel(rs), pct(gg.ci_low), pct(gg.ci_high), nLabel(gg)]],
      hovertemplate:
        `${escapeTemplate(m)}<br>rater sycophancy (Pro − Enterprise): %{x:.1f} pp [%{customdata[0]:.1f}, %{customdata[1]:.1f}], %{customdata[2]}` +
        "<br>goal guarding (Free − Pro): %{y:.1f} pp [%{customdata[3]:.1f}, %{customdata[4]:.1f}], %{customdata[5]}<extra></extra>",
    };
    if (flagged.length) trace.meta = { afw: { noInterval: [...wx.noInterval.map((d) => ({ ...d, axis: "x" })), ...wy.noInterval.map((d) => ({ ...d, axis: "y" }))] } };
    return trace;
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const dot = { color: INK, width: 1, dash: "dot" };
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        "Three-tier decomposition: goal-guarding gap vs rater-sycophancy gap",
        `percentage points · whiskers: ${levelPct}% CI · ${nMeaning(rows, "query pairs")} · dashed: y = x`,
      ),
    },
    xaxis: { title: { text: "rater-sycophancy gap, Pro − Enterprise (pp)" }, zeroline: false, gridcolor: "#e6e6e6" },
    yaxis: { title: { text: "goal-guarding gap, Free − Pro (pp)" }, zeroline: false },
    shapes: [
      { type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: dot },
      { type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 0, y1: 0, line: dot },
      { type: "line", xref: "x", yref: "y", x0: -100, x1: 100, y0: -100, y1: 100, line: { color: "#999999", width: 1, dash: "dash" } },
    ],
    showlegend: true,
    legend: { title: { text: "model (n)" } },
    width: 900,
    height: 560,
  });
  // keep the diagonal from stretching the view
  const vals = rows.flatMap((r) => [r.value, r.ci_low, r.ci_high]).filter(Number.isFinite).map((v) => v * 100);
  if (vals.length) {
    const lo = Math.min(0, ...vals) - 3;
    const hi = Math.max(0, ...vals) + 3;
    (layout.xaxis as Record<string, unknown>).range = [lo, hi];
    (layout.yaxis as Record<string, unknown>).range = [lo, hi];
  }
  return finishFigure(data, layout);
}
