import { facetGrid, panelTitle, unique } from "./facets";
import { nLabel, nMeaning, titleText } from "./labels";
import type { CountFields, IntervalFields } from "./rows";
import { baseLayout, finishFigure, OKABE_ITO } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

/** One line of the wording forest: a wording's gap, or the pooled gap over wordings. Fractions, as every row type. */
export interface WordingForestRow extends CountFields, IntervalFields {
  model: string;
  condition: string;
  /** The wording's id ("w03"), "reference", or the pooled line's label. */
  label: string;
  kind: "reference" | "paraphrase" | "pooled";
  gap: number;
  ci_low: number;
  ci_high: number;
  /** Pairs behind the row's gap; with `n_queries` and `samples_per_query` the label reads "n=50×4" (queries × samples per query). */
  n: number;
  /** The n label to print instead (the pooled line: "n=50 queries × 8 wordings × 4 samples"). */
  nText?: string;
  /** Extra hover text (the pooled line's spread). */
  note?: string;
}

export interface WordingForestOptions {
  title?: string;
  /** Confidence level of the intervals, for the title; default 0.95. */
  level?: number;
  /** The tiers of the gap, for the title; default ["free", "paid"]. */
  tiers?: [string, string];
}

const STYLE = {
  reference: { name: "reference wording", color: OKABE_ITO.vermillion, symbol: "square" },
  paraphrase: { name: "paraphrase", color: OKABE_ITO.blue, symbol: "circle" },
  pooled: { name: "pooled over paraphrases", color: OKABE_ITO.black, symbol: "diamond" },
} as const;

/**
 * Does the gap survive rewording? One panel per model (and condition, when
 * there are several): the reference wording (vermillion square), every
 * paraphrase wording (blue circles), and the gap pooled over the
 * paraphrases (black diamond, with its crossed wordings × queries interval
 * drawn as a grey band across the panel, so wordings outside it stand out).
 * Gaps in percentage points, whiskers are each row's own interval, a dotted
 * line marks zero.
 *
 * @example
 * wordingForest([
 *   { model: "m", condition: "baseline", label: "reference", kind: "reference", gap: 0, ci_low: -0.07, ci_high: 0.07, n: 200, n_queries: 50, samples_per_query: 4 },
 *   { model: "m", condition: "baseline", label: "w00", kind: "paraphrase", gap: 0.2, ci_low: 0.1, ci_high: 0.32, n: 200, n_queries: 50, samples_per_query: 4 },
 *   { model: "m", condition: "baseline", label: "pooled (8 wordings)", kind: "pooled", gap: 0.19, ci_low: 0.12, ci_high: 0.26, n: 1600, nText: "n=50 queries × 8 wordings × 4 samples" },
 * ]);
 */
export function wordingForest(rows: readonly WordingForestRow[], opts: WordingForestOptions = {}): Figure {
  const withCondition = unique(rows.map((r) => r.condition)).length > 1;
  const panelKey = (r: WordingForestRow) => (withCondition ? `${r.model} · ${r.condition}` : r.model);
  const panels = unique(rows.map(panelKey));
  const cols = Math.min(3, Math.max(1, panels.length));
  const nRows = Math.ceil(panels.length / cols);
  const order = (mine: readonly WordingForestRow[]) => [...mine.filter((r) => r.kind === "reference"), ...mine.filter((r) => r.kind === "paraphrase"), ...mine.filter((r) => r.kind === "pooled")];
  const labelsOf = (panel: string) => unique(order(rows.filter((r) => panelKey(r) === panel)).map((r) => r.label));
  // Panels listing the same wordings share the first column's tick labels; otherwise each panel needs room for its own.
  const shared = panels.every((p) => labelsOf(p).join("\u0000") === labelsOf(panels[0]).join("\u0000"));
  const grid = facetGrid(nRows, cols, shared ? 0.04 : 0.24, 0.12);
  const data: Record<string, unknown>[] = [];
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  let maxLines = 1;
  panels.forEach((panel, i) => {
    const cell = grid[i];
    const mine = rows.filter((r) => panelKey(r) === panel);
    const ordered = order(mine);
    const labels = unique(ordered.map((r) => r.label));
    maxLines = Math.max(maxLines, labels.length);
    for (const kind of ["reference", "paraphrase", "pooled"] as const) {
      const sel = ordered.filter((r) => r.kind === kind);
      if (!sel.length) continue;
      const st = STYLE[kind];
      data.push(
        estimateTrace({
          name: st.name,
          at: sel.map((r) => labels.indexOf(r.label)),
          estimates: sel.map((r) => ({ value: r.gap, ci_low: r.ci_low, ci_high: r.ci_high, n: r.n, n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query, fixed: r.fixed, method: r.method })),
          color: st.color,
          symbol: st.symbol,
          unit: "pp",
          horizontal: true,
          xaxis: cell.xaxis,
          yaxis: cell.yaxis,
          showlegend: i === 0,
          legendgroup: kind,
          hoverExtra: sel.map((r) => `${panel} · ${r.label}${r.note ? ` · ${r.note}` : ""}`),
          nTexts: sel.map((r) => r.nText),
        }),
      );
    }
    const pooled = mine.find((r) => r.kind === "pooled");
    if (pooled && Number.isFinite(pooled.ci_low) && Number.isFinite(pooled.ci_high)) {
      shapes.push({
        type: "rect",
        xref: cell.xaxis,
        yref: `${cell.yaxis} domain`,
        x0: pooled.ci_low * 100,
        x1: pooled.ci_high * 100,
        y0: 0,
        y1: 1,
        fillcolor: "#9e9e9e",
        opacity: 0.18,
        line: { width: 0 },
        layer: "below",
      });
    }
    shapes.push(zeroLine(true, cell.xaxis, cell.yaxis));
    extra[cell.xkey] = { domain: cell.xdomain, anchor: cell.yaxis, title: { text: "gap (pp)" }, zeroline: false, showline: true, linecolor: "#333333", ticks: "outside", gridcolor: "#e6e6e6" };
    extra[cell.ykey] = {
      domain: cell.ydomain,
      anchor: cell.xaxis,
      tickmode: "array",
      tickvals: labels.map((_, k) => k),
      ticktext: labels.map((l) => {
        const r = ordered.find((x) => x.label === l)!;
        // On the axis the pooled n is compact ("n=50×8×4"); the subtitle says what the factors are, the hover says it in words.
        const n = r.nText ? r.nText.replace(/ (?:queries|query|wordings?|samples?)\b/g, "").replace(/ × /g, "×") : nLabel(r);
        return r.kind === "pooled" ? `<b>${l}</b> (${n})` : `${l} (${n})`;
      }),
      showticklabels: !shared || i % cols === 0,
      range: [labels.length - 0.5, -0.5],
      zeroline: false,
      showline: true,
      linecolor: "#333333",
      gridcolor: "#f2f2f2",
      automargin: true,
    };
    annotations.push(panelTitle(cell, panel));
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const [a, b] = opts.tiers ?? ["free", "paid"];
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        `Does the gap survive rewording? Compliance gap ${a} − ${b} per wording`,
        `percentage points · whiskers: each wording's ${levelPct}% CI · diamond and grey band: mean over paraphrases with its ${levelPct}% CI across wordings × queries · ${nMeaning(rows.filter((r) => r.kind !== "pooled"), "query pairs")}${rows.some((r) => r.kind === "pooled" && r.nText) ? "; pooled: queries × wordings × samples" : ""}`,
      ),
    },
    ...extra,
    annotations,
    shapes,
    height: Math.max(340, 170 + nRows * (60 + 24 * maxLines)),
    width: Math.max(640, 420 * cols),
    margin: { l: 150 },
  });
  return finishFigure(data, layout);
}
