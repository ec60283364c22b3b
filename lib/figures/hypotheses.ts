import { facetGrid, panelTitle, pct, unique } from "./facets";
import type { HypothesisRow } from "./rows";
import { baseConfig, baseLayout, OKABE_ITO } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

const sign = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${x.toFixed(1)}`);

/**
 * Figure g: small multiples, one column per post-training hypothesis and one
 * row per metric (AF rate, compliance gap). In each panel every model shows
 * its baseline (grey circle) and intervention (coloured diamond) with CIs;
 * the difference (intervention − baseline) and its CI are printed under
 * the model name and in the hover.
 *
 * @example
 * hypothesisPanels([{ hypothesis: "H7 anti-refusal", model: "gpt-4o", metric: "af_rate",
 *   baseline: { value: 0, ci_low: 0, ci_high: 0.04, n: 100 }, intervention: { value: 0.2, ci_low: 0.13, ci_high: 0.29, n: 100 },
 *   diff: { value: 0.2, ci_low: 0.12, ci_high: 0.28 } }]);
 */
export function hypothesisPanels(rows: readonly HypothesisRow[], opts: { title?: string; level?: number } = {}): Figure {
  const hyps = unique(rows.map((r) => r.hypothesis));
  const metrics = (["af_rate", "gap"] as const).filter((m) => rows.some((r) => r.metric === m));
  const grid = facetGrid(metrics.length, hyps.length, 0.07, 0.2);
  const data: Record<string, unknown>[] = [];
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const unit = (m: string) => (m === "gap" ? "pp" : "pp of rate");
  metrics.forEach((metric, mi) => {
    hyps.forEach((h, hi) => {
      const cell = grid[mi * hyps.length + hi];
      const mine = rows.filter((r) => r.hypothesis === h && r.metric === metric);
      const models = unique(mine.map((r) => r.model));
      const get = (m: string) => mine.find((r) => r.model === m)!;
      const diffText = models.map((m) => {
        const d = get(m).diff;
        return `Δ ${sign(pct(d.value))} [${sign(pct(d.ci_low))}, ${sign(pct(d.ci_high))}] ${unit(metric)}`;
      });
      const first = mi === 0 && hi === 0;
      data.push(
        estimateTrace({ name: "baseline", at: models.map((_, k) => k - 0.12), estimates: models.map((m) => get(m).baseline), color: "#8c8c8c", unit: metric === "gap" ? "pp" : "%", xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: first, legendgroup: "baseline", hoverExtra: models.map((m, k) => `${m} · ${diffText[k]}`) }),
        estimateTrace({ name: "intervention", at: models.map((_, k) => k + 0.12), estimates: models.map((m) => get(m).intervention), color: OKABE_ITO.vermillion, symbol: "diamond", unit: metric === "gap" ? "pp" : "%", xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: first, legendgroup: "intervention", hoverExtra: models.map((m, k) => `${m} · ${diffText[k]}`) }),
      );
      extra[cell.xkey] = { domain: cell.xdomain, anchor: cell.yaxis, zeroline: false, tickmode: "array", tickvals: models.map((_, k) => k), ticktext: models.map((m, k) => (models.length <= 4 ? `${m}<br>${diffText[k]}` : m)), tickangle: models.length <= 4 ? 0 : -40, range: [-0.6, models.length - 0.4], tickfont: { size: 10 }, automargin: true };
      extra[cell.ykey] = { domain: cell.ydomain, anchor: cell.xaxis, title: { text: hi === 0 ? (metric === "gap" ? "compliance gap (pp)" : "AF rate (%)") : "" }, zeroline: false };
      annotations.push(panelTitle(cell, mi === 0 ? h : ""));
      if (metric === "gap") shapes.push(zeroLine(false, cell.xaxis, cell.yaxis));
    });
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: { text: opts.title ?? `Post-training hypotheses: baseline vs intervention<br><sup>whiskers: ${levelPct}% CI · Δ = intervention − baseline with its ${levelPct}% CI (under each model, or in hover when there are many) · n in hover</sup>` },
    ...extra,
    annotations: annotations.filter((a) => a.text),
    shapes,
    height: 260 + 300 * metrics.length,
    width: Math.max(700, 360 * hyps.length),
    margin: { b: 110 },
  });
  return { data, layout, config: baseConfig() };
}
