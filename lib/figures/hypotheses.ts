import { panelTitle, pct, unique } from "./facets";
import { intervalStatus, nLabel, nMeaning, titleText, wrapLabel } from "./labels";
import type { HypothesisRow } from "./rows";
import { AXIS_STYLE, baseLayout, finishFigure, OKABE_ITO } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

const sign = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${x.toFixed(1)}`);

/** Pixels per model in a panel: room for the longest of its tick lines. */
const PER_MODEL = 150;
/** Above this many models in one hypothesis the figure becomes a forest (models down the y axis). */
export const MAX_MODELS_ACROSS = 4;

/** The difference's text, and whether it lacks a valid interval. */
function diffLabel(d: HypothesisRow["diff"], metric: string, sep: string): { text: string; flagged: boolean } {
  const st = intervalStatus(d);
  const ci = st === "ok" ? `[${sign(pct(d.ci_low))}, ${sign(pct(d.ci_high))}]` : st === "fixed" ? "(exact)" : "(no valid CI)";
  return { text: `Δ ${sign(pct(d.value))} ${metric === "gap" ? "pp" : "pp of rate"}${sep}${ci}`, flagged: st === "zero-width" || st === "missing" };
}

/**
 * Figure g with many models per hypothesis: one row of panels per
 * hypothesis, a column per metric, models down the y axis with the
 * difference, its CI and n in each label; baseline and intervention side
 * by side on each model's line.
 */
function hypothesisForest(rows: readonly HypothesisRow[], opts: { title?: string; level?: number }): Figure {
  const hyps = unique(rows.map((r) => r.hypothesis));
  const metrics = (["af_rate", "gap"] as const).filter((m) => rows.some((r) => r.metric === m));
  const modelsOf = (h: string) => unique(rows.filter((r) => r.hypothesis === h).map((r) => r.model));
  const heights = hyps.map((h) => 40 + 34 * modelsOf(h).length);
  const gapPx = 90;
  const plotH = heights.reduce((a, b) => a + b, 0) + gapPx * (hyps.length - 1);
  const longest = Math.max(...rows.map((r) => r.model.length), 10);
  const labelPx = 7 * (longest + 34);
  const colGap = Math.min(0.45, labelPx / (metrics.length * 420 + labelPx));
  const colW = (1 - colGap * (metrics.length - 1)) / metrics.length;
  const data: Record<string, unknown>[] = [];
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  let flagged = false;
  let k = 0;
  let y1px = 0;
  hyps.forEach((h, hi) => {
    const ydomain: [number, number] = [1 - (y1px + heights[hi]) / plotH, 1 - y1px / plotH];
    y1px += heights[hi] + gapPx;
    metrics.forEach((metric, mi) => {
      k++;
      const xaxis = k === 1 ? "x" : `x${k}`;
      const yaxis = k === 1 ? "y" : `y${k}`;
      const xdomain: [number, number] = [mi * (colW + colGap), mi * (colW + colGap) + colW];
      const mine = rows.filter((r) => r.hypothesis === h && r.metric === metric);
      const models = unique(mine.map((r) => r.model));
      const get = (m: string) => mine.find((r) => r.model === m)!;
      const labels = models.map((m) => {
        const r = get(m);
        const d = diffLabel(r.diff, metric, " ");
        if (d.flagged) flagged = true;
        return `${m}: ${d.text}, ${nLabel(r.baseline)} / ${nLabel(r.intervention).slice(2)}`;
      });
      const first = hi === 0 && mi === 0;
      const unitOf = metric === "gap" ? "pp" : "%";
      data.push(
        estimateTrace({ name: "baseline", at: models.map((_, j) => j - 0.14), estimates: models.map((m) => get(m).baseline), color: "#6f6f6f", unit: unitOf, horizontal: true, xaxis, yaxis, showlegend: first, legendgroup: "baseline", hoverExtra: labels }),
        estimateTrace({ name: "intervention", at: models.map((_, j) => j + 0.14), estimates: models.map((m) => get(m).intervention), color: OKABE_ITO.vermillion, symbol: "diamond", unit: unitOf, horizontal: true, xaxis, yaxis, showlegend: first, legendgroup: "intervention", hoverExtra: labels }),
      );
      extra[k === 1 ? "yaxis" : `yaxis${k}`] = { ...AXIS_STYLE, domain: ydomain, anchor: xaxis, tickmode: "array", tickvals: models.map((_, j) => j), ticktext: labels, tickfont: { size: 10 }, range: [models.length - 0.5, -0.5], gridcolor: "#f2f2f2" };
      extra[k === 1 ? "xaxis" : `xaxis${k}`] = { ...AXIS_STYLE, domain: xdomain, anchor: yaxis, gridcolor: "#e6e6e6", zeroline: false, title: { text: hi === hyps.length - 1 ? (metric === "gap" ? "compliance gap (pp)" : "AF rate (%)") : "" } };
      annotations.push(panelTitle({ xaxis, yaxis, xkey: "", ykey: "", xdomain, ydomain }, `${h} · ${metric === "gap" ? "compliance gap" : "AF rate"}`));
      if (metric === "gap") shapes.push(zeroLine(true, xaxis, yaxis));
    });
  });
  if (flagged) footnoteDifference(data);
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        "Post-training hypotheses: baseline vs intervention",
        `whiskers: ${levelPct}% CI · beside each model: Δ = intervention − baseline with its ${levelPct}% CI, and ${nMeaning(rows.flatMap((r) => [r.baseline, r.intervention]), "samples")} (baseline / intervention)`,
      ),
    },
    ...extra,
    annotations,
    shapes,
    height: 150 + plotH,
    width: 260 + metrics.length * 420 + labelPx * metrics.length,
  });
  return finishFigure(data, layout);
}

/**
 * Figure g: small multiples, one column per post-training hypothesis and one
 * row per metric (AF rate, compliance gap). In each panel every model shows
 * its baseline (grey circle) and intervention (coloured diamond) with CIs;
 * under the model name the tick label prints the difference (intervention −
 * baseline) with its CI and the n of both arms, so the static image carries
 * them. Columns are as wide as their number of models needs.
 *
 * @example
 * hypothesisPanels([{ hypothesis: "H7 anti-refusal", model: "gpt-4o", metric: "af_rate",
 *   baseline: { value: 0, ci_low: 0, ci_high: 0.04, n: 100 }, intervention: { value: 0.2, ci_low: 0.13, ci_high: 0.29, n: 100 },
 *   diff: { value: 0.2, ci_low: 0.12, ci_high: 0.28 } }]);
 */
export function hypothesisPanels(rows: readonly HypothesisRow[], opts: { title?: string; level?: number } = {}): Figure {
  const hyps = unique(rows.map((r) => r.hypothesis));
  if (hyps.some((h) => unique(rows.filter((r) => r.hypothesis === h).map((r) => r.model)).length > MAX_MODELS_ACROSS)) return hypothesisForest(rows, opts);
  const metrics = (["af_rate", "gap"] as const).filter((m) => rows.some((r) => r.metric === m));
  const modelsOf = (h: string) => unique(rows.filter((r) => r.hypothesis === h).map((r) => r.model));
  const widths = hyps.map((h) => Math.max(1, modelsOf(h).length) * PER_MODEL);
  const gapPx = 80;
  const plotW = widths.reduce((a, b) => a + b, 0) + gapPx * (hyps.length - 1);
  const rowGap = 0.2;
  const rowH = (1 - rowGap * (metrics.length - 1)) / metrics.length;
  const data: Record<string, unknown>[] = [];
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  let k = 0;
  let diffFlag = false;
  metrics.forEach((metric, mi) => {
    let x0 = 0;
    hyps.forEach((h, hi) => {
      k++;
      const xaxis = k === 1 ? "x" : `x${k}`;
      const yaxis = k === 1 ? "y" : `y${k}`;
      const xdomain: [number, number] = [x0 / plotW, (x0 + widths[hi]) / plotW];
      x0 += widths[hi] + gapPx;
      const y1 = 1 - mi * (rowH + rowGap);
      const ydomain: [number, number] = [Math.max(0, y1 - rowH), y1];
      const cell = { xaxis, yaxis, xkey: k === 1 ? "xaxis" : `xaxis${k}`, ykey: k === 1 ? "yaxis" : `yaxis${k}`, xdomain, ydomain };
      const mine = rows.filter((r) => r.hypothesis === h && r.metric === metric);
      const models = unique(mine.map((r) => r.model));
      const get = (m: string) => mine.find((r) => r.model === m)!;
      const diffText = models.map((m) => {
        const d = diffLabel(get(m).diff, metric, "<br>");
        if (d.flagged) diffFlag = true;
        return d.text;
      });
      const nText = models.map((m) => {
        const r = get(m);
        return `${nLabel(r.baseline)} / ${nLabel(r.intervention).slice(2)}`;
      });
      const first = mi === 0 && hi === 0;
      const hover = models.map((m, j) => `${m} · ${diffText[j].replace("<br>", " ")}`);
      data.push(
        estimateTrace({ name: "baseline", at: models.map((_, j) => j - 0.12), estimates: models.map((m) => get(m).baseline), color: "#6f6f6f", unit: metric === "gap" ? "pp" : "%", xaxis, yaxis, showlegend: first, legendgroup: "baseline", hoverExtra: hover }),
        estimateTrace({ name: "intervention", at: models.map((_, j) => j + 0.12), estimates: models.map((m) => get(m).intervention), color: OKABE_ITO.vermillion, symbol: "diamond", unit: metric === "gap" ? "pp" : "%", xaxis, yaxis, showlegend: first, legendgroup: "intervention", hoverExtra: hover }),
      );
      extra[cell.xkey] = {
        ...AXIS_STYLE,
        domain: xdomain,
        anchor: yaxis,
        zeroline: false,
        tickmode: "array",
        tickvals: models.map((_, j) => j),
        ticktext: models.map((m, j) => `${wrapLabel(m, 20)}<br>${diffText[j]}<br>${nText[j]}`),
        tickangle: 0,
        range: [-0.6, models.length - 0.4],
        tickfont: { size: 10 },
        automargin: true,
      };
      extra[cell.ykey] = { ...AXIS_STYLE, gridcolor: "#e6e6e6", domain: ydomain, anchor: xaxis, title: { text: hi === 0 ? (metric === "gap" ? "compliance gap (pp)" : "AF rate (%)") : "" }, zeroline: false };
      if (mi === 0) annotations.push(panelTitle(cell, h));
      if (metric === "gap") shapes.push(zeroLine(false, xaxis, yaxis));
    });
  });
  // a difference printed without its interval is footnoted like a point drawn without one
  if (diffFlag) footnoteDifference(data);
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        "Post-training hypotheses: baseline vs intervention",
        `whiskers: ${levelPct}% CI · under each model: Δ = intervention − baseline with its ${levelPct}% CI, and ${nMeaning(rows.flatMap((r) => [r.baseline, r.intervention]), "samples")} (baseline / intervention)`,
      ),
    },
    ...extra,
    annotations,
    shapes,
    height: 200 + 330 * metrics.length,
    width: Math.max(720, 110 + plotW + 170),
  });
  return finishFigure(data, layout);
}

/** Footnote a difference printed without its interval, as a point drawn without one is footnoted (on the last trace's meta). */
function footnoteDifference(data: Record<string, unknown>[]): void {
  const last = data[data.length - 1];
  if (!last) return;
  const prior = (last.meta as { afw?: { noInterval?: unknown[] } } | undefined)?.afw?.noInterval ?? [];
  last.meta = { afw: { noInterval: [...prior, { index: -1, reason: "zero-width" }] } };
}
