import { facetGrid, panelTitle, unique } from "./facets";
import type { MetricRow } from "./rows";
import { nLabel, nMeaning, titleText, wrapLabel } from "./labels";
import { AXIS_STYLE, baseLayout, finishFigure, PALETTE, SYMBOLS } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

const METRIC_LABEL: Record<MetricRow["metric"], string> = { gap: "compliance gap (pp)", af_rate: "alignment-faking rate (%)" };

/** Above this many models the panels turn on their side: models down the y axis, where long names read level. */
export const MAX_MODELS_ACROSS = 6;

/**
 * Two panels (compliance gap, AF rate), one series per group in its own
 * colour and symbol, CI whiskers, and n printed with each model (in the
 * static image: once when every group rests on the same counts, else per
 * group). Models run along x; above MAX_MODELS_ACROSS they run down y
 * instead, a forest per metric. Shared by figures e and f.
 */
function groupedMetricPanels(rows: readonly MetricRow[], title: string, groupOrder: string[], groupWord: string): Figure {
  const models = unique(rows.map((r) => r.model));
  const seen = unique(rows.map((r) => r.group));
  const groups = [...groupOrder.filter((g) => seen.includes(g)), ...seen.filter((g) => !groupOrder.includes(g))];
  const metrics = (["gap", "af_rate"] as const).filter((m) => rows.some((r) => r.metric === m));
  const down = models.length > MAX_MODELS_ACROSS;
  const data: Record<string, unknown>[] = [];
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  let maxLines = 1;
  // n per model and metric: one label when the groups agree, else one per group
  const nText = (m: string, metric: string, sep: string) => {
    const per = groups.flatMap((g) => {
      const r = rows.find((x) => x.model === m && x.group === g && x.metric === metric);
      return r ? [[g, nLabel(r)] as const] : [];
    });
    const ns = unique(per.map((p) => p[1]));
    return ns.length === 1 ? ns : per.map(([g, n]) => `${g}: ${n}`);
  };
  const longestName = Math.max(...models.map((m) => m.length), 8);
  const grid = facetGrid(1, metrics.length, down ? 0.06 + Math.min(0.3, (7 * (longestName + 12)) / 1400) : 0.12);
  metrics.forEach((metric, mi) => {
    const cell = grid[mi];
    const step = down ? 0.5 / Math.max(1, groups.length) : 0.6 / Math.max(1, groups.length);
    groups.forEach((g, gi) => {
      // groups side by side within a model, so their whiskers do not overlap
      const at = models.map((_, k) => k + (gi - (groups.length - 1) / 2) * step);
      data.push(
        estimateTrace({
          name: `${groupWord}: ${g}`,
          at,
          estimates: models.map((m) => rows.find((r) => r.model === m && r.group === g && r.metric === metric)),
          color: PALETTE[gi % PALETTE.length],
          symbol: SYMBOLS[gi % SYMBOLS.length],
          unit: metric === "gap" ? "pp" : "%",
          horizontal: down,
          whiskerColor: groups.length > 1 ? PALETTE[gi % PALETTE.length] : undefined,
          xaxis: cell.xaxis,
          yaxis: cell.yaxis,
          showlegend: mi === 0,
          legendgroup: g,
          hoverExtra: models,
        }),
      );
    });
    const ticks = { tickmode: "array", tickvals: models.map((_, k) => k), tickfont: { size: 11 } };
    const valueAxis = { ...AXIS_STYLE, gridcolor: "#e6e6e6", title: { text: METRIC_LABEL[metric] }, zeroline: false };
    if (down) {
      const ticktext = models.map((m) => `${m} (${nText(m, metric, " ").join("; ")})`);
      extra[cell.ykey] = { ...AXIS_STYLE, ...ticks, ticktext, domain: cell.ydomain, anchor: cell.xaxis, range: [models.length - 0.5, -0.5], gridcolor: "#f2f2f2" };
      extra[cell.xkey] = { ...valueAxis, domain: cell.xdomain, anchor: cell.yaxis };
    } else {
      const ticktext = models.map((m) => {
        const lines = [wrapLabel(m, 14), ...nText(m, metric, "<br>")];
        maxLines = Math.max(maxLines, lines.length);
        return lines.join("<br>");
      });
      extra[cell.xkey] = { ...AXIS_STYLE, ...ticks, ticktext, domain: cell.xdomain, anchor: cell.yaxis, zeroline: false, range: [-0.6, models.length - 0.4] };
      extra[cell.ykey] = { ...valueAxis, domain: cell.ydomain, anchor: cell.xaxis };
    }
    annotations.push(panelTitle(cell, metric === "gap" ? "Compliance gap" : "Alignment-faking reasoning"));
    if (metric === "gap") shapes.push(zeroLine(down, cell.xaxis, cell.yaxis));
  });
  let size: { width: number; height: number };
  if (down) {
    size = { width: Math.max(900, 300 + metrics.length * (320 + 7 * (longestName + 12))), height: 200 + models.length * Math.max(30, 14 * groups.length) };
  } else {
    const longest = Math.max(...models.map((m) => wrapLabel(m, 14).split("<br>").reduce((a, l) => Math.max(a, l.length), 0)), 10);
    const perModel = Math.max(100, 7 * longest + 24);
    size = { width: Math.max(820, 380 + perModel * models.length * metrics.length), height: 460 + 14 * maxLines };
  }
  const layout = baseLayout({ title: { text: title }, ...extra, annotations, shapes, ...size });
  return finishFigure(data, layout);
}

/** Default scenario order for figure e. */
export const SCENARIO_ORDER: readonly string[] = ["baseline", "throughput", "deleted-weights"];

/**
 * Figure e, terminal goal guarding: the compliance gap and the AF rate per
 * model under each scenario (e.g. baseline, throughput testing, deleted
 * weights), with CIs and n in the hover.
 *
 * @example
 * scenarioResults([{ model: "m", group: "throughput", metric: "af_rate", value: 0.12, ci_low: 0.09, ci_high: 0.16, n: 400 }]);
 */
export function scenarioResults(rows: readonly MetricRow[], opts: { title?: string; level?: number } = {}): Figure {
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  return groupedMetricPanels(
    rows,
    titleText(opts.title, "Terminal goal guarding: gap and AF rate by scenario", `whiskers: ${levelPct}% CI · ${nMeaning(rows, "query pairs (gap), samples (AF rate)")}`),
    [...SCENARIO_ORDER],
    "scenario",
  );
}

/**
 * Figure f: base vs chat model per family — AF rate and compliance gap, one
 * point per variant, CIs and n in the hover. `model` holds the family name,
 * `group` the variant ("base", "chat").
 *
 * @example
 * baseVsChat([{ model: "llama-3.1-405b", group: "base", metric: "af_rate", value: 0.08, ci_low: 0.04, ci_high: 0.15, n: 100 }]);
 */
export function baseVsChat(rows: readonly MetricRow[], opts: { title?: string; level?: number } = {}): Figure {
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  return groupedMetricPanels(
    rows,
    titleText(opts.title, "Base vs chat model per family: AF rate and compliance gap", `whiskers: ${levelPct}% CI · ${nMeaning(rows, "query pairs (gap), samples (AF rate)")}`),
    ["base", "chat"],
    "variant",
  );
}
