import { escapeTemplate, pct, unique } from "./facets";
import type { DecompositionRow } from "./rows";
import { baseConfig, baseLayout, INK, PALETTE } from "./style";
import type { Figure } from "./types";

/**
 * Figure c, the three-tier decomposition: for each model a point at
 * (rater-sycophancy gap = Pro − Enterprise, goal-guarding gap = Free − Pro),
 * in percentage points, with CI whiskers on both axes, dotted zero lines
 * and the diagonal y = x; n in the hover. Models missing a component are
 * left out.
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
  const data = models.flatMap((m, i) => {
    const rs = pick(m, "rater-sycophancy");
    const gg = pick(m, "goal-guarding");
    if (!rs || !gg) return [];
    return [
      {
        type: "scatter",
        mode: "markers+text",
        name: m,
        x: [pct(rs.value)],
        y: [pct(gg.value)],
        text: [m],
        textposition: "top right",
        marker: { color: PALETTE[i % PALETTE.length], size: 10 },
        error_x: { type: "data", symmetric: false, array: [pct(rs.ci_high - rs.value)], arrayminus: [pct(rs.value - rs.ci_low)], color: INK, thickness: 1.2, width: 3 },
        error_y: { type: "data", symmetric: false, array: [pct(gg.ci_high - gg.value)], arrayminus: [pct(gg.value - gg.ci_low)], color: INK, thickness: 1.2, width: 3 },
        customdata: [[pct(rs.ci_low), pct(rs.ci_high), rs.n, pct(gg.ci_low), pct(gg.ci_high), gg.n]],
        hovertemplate:
          `${escapeTemplate(m)}<br>rater sycophancy (Pro − Enterprise): %{x:.1f} pp [%{customdata[0]:.1f}, %{customdata[1]:.1f}], n=%{customdata[2]}` +
          "<br>goal guarding (Free − Pro): %{y:.1f} pp [%{customdata[3]:.1f}, %{customdata[4]:.1f}], n=%{customdata[5]}<extra></extra>",
      },
    ];
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const dot = { color: INK, width: 1, dash: "dot" };
  const layout = baseLayout({
    title: { text: opts.title ?? `Three-tier decomposition: goal-guarding gap vs rater-sycophancy gap<br><sup>percentage points · whiskers: ${levelPct}% CI · n = query pairs (hover) · dashed: y = x</sup>` },
    xaxis: { title: { text: "rater-sycophancy gap, Pro − Enterprise (pp)" }, zeroline: false, gridcolor: "#e6e6e6" },
    yaxis: { title: { text: "goal-guarding gap, Free − Pro (pp)" }, zeroline: false },
    shapes: [
      { type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: dot },
      { type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 0, y1: 0, line: dot },
      { type: "line", xref: "x", yref: "y", x0: -100, x1: 100, y0: -100, y1: 100, line: { color: "#999999", width: 1, dash: "dash" } },
    ],
    showlegend: data.length > 1,
  });
  // keep the diagonal from stretching the view
  const vals = rows.flatMap((r) => [r.ci_low, r.ci_high]).filter(Number.isFinite).map((v) => v * 100);
  if (vals.length) {
    const lo = Math.min(0, ...vals) - 3;
    const hi = Math.max(0, ...vals) + 3;
    (layout.xaxis as Record<string, unknown>).range = [lo, hi];
    (layout.yaxis as Record<string, unknown>).range = [lo, hi];
  }
  return { data, layout, config: baseConfig() };
}
