import type { GapRow } from "../schema/index";
import { cellLabel } from "./complianceByTier";
import { escapeTemplate, unique } from "./facets";
import { nLabel, nMeaning, titleText } from "./labels";
import type { CountFields, ForestRow, IntervalFields } from "./rows";
import { baseLayout, finishFigure, INK, OKABE_ITO, PALETTE, SYMBOLS } from "./style";
import { whiskers } from "./traces";
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

type Row = (GapRow & CountFields & IntervalFields) | ForestRow;

/** "95% CI", or the range of levels when rows differ ("CIs at 99.38–99.75%, each row's own level"). */
function levelText(levels: readonly number[]): string {
  const pct = (x: number) => `${+(100 * x).toFixed(2)}`;
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  if (!levels.length || Math.abs(hi - lo) < 1e-12) return `${pct(levels[0] ?? 0.95)}% CI`;
  return `CIs at ${pct(lo)}–${pct(hi)}%, each row's own level`;
}

/**
 * Forest plot of compliance gaps (first tier minus second, in percentage
 * points): one line per model (or `model · condition`), a point at the gap,
 * horizontal CI whiskers, a dotted zero line, n in the line's label (from
 * the rows' counts: "n=50×8" is 50 queries with 8 samples each) and hover.
 * Rows may carry `source` ("replication" default, "published", …): each
 * source is its own trace in its own colour and symbol, drawn slightly
 * offset on the same line, so a published value sits beside our
 * replication. A row whose interval has zero width (see `IntervalFields`)
 * is drawn hollow without a whisker. Height grows with the number of
 * lines, so 25+ models stay readable.
 *
 * @example
 * gapForest([{ model: "m1", condition: "default", gap: 0.14, ci_low: 0.02, ci_high: 0.26, n_pairs: 50, tiers: ["free", "paid"] }]);
 */
export function gapForest(rows: ReadonlyArray<Row>, opts: GapForestOptions = {}): Figure {
  const withCondition = new Set(rows.map((r) => r.condition)).size > 1;
  const lab = (r: Row) => cellLabel(r.model, r.condition, withCondition);
  const ordered = [...rows];
  if (opts.sort) ordered.sort((a, b) => (Number.isFinite(b.gap) ? b.gap : -Infinity) - (Number.isFinite(a.gap) ? a.gap : -Infinity));
  const labels = unique(ordered.map(lab));
  const srcOf = (r: Row) => ("source" in r && r.source) || "replication";
  const sources = unique(ordered.map(srcOf));
  const counts = (r: Row) => ({ n: r.n_pairs, n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query });
  const nBy = new Map<string, string[]>();
  for (const r of ordered) nBy.set(lab(r), [...(nBy.get(lab(r)) ?? []), nLabel(counts(r)).slice(2)]);
  const ticktext = labels.map((l) => `${l} (n=${unique(nBy.get(l) ?? []).join(" / ")})`);
  const tierPairs = unique(rows.map((r) => `${r.tiers[0]} − ${r.tiers[1]}`));
  const what = tierPairs.length === 1 ? tierPairs[0] : "first tier − second tier";
  const title = titleText(
    opts.title,
    `Compliance gap, ${what}, per ${withCondition ? "model · condition" : "model"}`,
    `percentage points · whiskers: ${levelText(ordered.map((r) => r.level ?? opts.level ?? 0.95))} · ${nMeaning(ordered, "query pairs")}${sources.length > 1 ? ` (${sources.map((s) => `${s}`).join(" / ")})` : ""}`,
  );
  // sources beyond the two named ones take the palette's colours (minus those two) and symbols in turn
  const free = PALETTE.filter((c) => c !== SOURCE_STYLE.replication.color && c !== SOURCE_STYLE.published.color);
  const freeSymbols = SYMBOLS.filter((x) => x !== "square" && x !== "diamond");
  let other = 0;
  const styles = sources.map((src) => SOURCE_STYLE[src] ?? { color: free[other % free.length], symbol: freeSymbols[other++ % freeSymbols.length] });
  const step = sources.length > 1 ? Math.min(0.18, 0.6 / sources.length) : 0;
  const data = sources.map((src, si) => {
    const mine = ordered.filter((r) => srcOf(r) === src);
    const style = styles[si];
    const offset = sources.length > 1 ? (si - (sources.length - 1) / 2) * step : 0;
    const w = whiskers(mine.map((r) => ({ value: r.gap, ci_low: r.ci_low, ci_high: r.ci_high, fixed: r.fixed })));
    const hollow = new Set(w.noInterval.filter((d) => d.reason === "zero-width").map((d) => d.index));
    return {
      type: "scatter",
      mode: "markers",
      name: src,
      showlegend: sources.length > 1,
      x: mine.map((r) => pp(r.gap)),
      y: mine.map((r) => labels.indexOf(lab(r)) + offset),
      marker: {
        color: style.color,
        size: 9,
        symbol: hollow.size ? mine.map((_, i) => (hollow.has(i) ? `${style.symbol}-open` : style.symbol)) : style.symbol,
        line: hollow.size ? { color: style.color, width: 2 } : undefined,
      },
      error_x: { type: "data", symmetric: false, array: w.array, arrayminus: w.arrayminus, color: INK, thickness: 1.5, width: 4 },
      ...(w.noInterval.length ? { meta: { afw: { noInterval: w.noInterval } } } : {}),
      customdata: mine.map((r) => [lab(r), r.tiers[0], r.tiers[1], nLabel(counts(r)), pp(r.ci_low), pp(r.ci_high), r.method ?? ""]),
      hovertemplate:
        `${escapeTemplate(src)}<br>%{customdata[0]}<br>gap %{customdata[1]} − %{customdata[2]}: %{x:.1f} pp` +
        "<br>CI: %{customdata[4]:.1f} to %{customdata[5]:.1f} pp %{customdata[6]}<br>%{customdata[3]}<extra></extra>",
    };
  });
  const layout = baseLayout({
    title: { text: title },
    height: Math.max(320, 170 + (sources.length > 2 ? 34 : 26) * labels.length),
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
    width: sources.length > 1 ? 1000 : 800,
  });
  return finishFigure(data, layout);
}
