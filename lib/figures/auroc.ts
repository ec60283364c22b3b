/**
 * Figure kind h: how well a voting judge separates labelled scratchpads.
 * `aurocVsVotes` draws the AUROC against the number of votes with a shaded
 * CI band; `rocFigure` draws the ROC curve at one vote count.
 */
import { baseConfig, baseLayout, INK, OKABE_ITO } from "./style";
import type { Figure } from "./types";

/** One point of the AUROC-vs-votes curve. */
export interface AurocVotesRow {
  votes: number;
  auroc: number;
  ci_low: number;
  ci_high: number;
}

/** Options of `aurocVsVotes`. */
export interface AurocVsVotesOptions {
  title?: string;
  /** Confidence level of the band, for the title; default 0.95. */
  level?: number;
  /** Series name (e.g. the judge model); default "judge". */
  name?: string;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * AUROC against the number of votes (log x axis), a line with markers over a
 * shaded CI band, and a dotted line at 0.5 (chance).
 *
 * @example
 * aurocVsVotes([{ votes: 1, auroc: 0.7, ci_low: 0.6, ci_high: 0.8 }, { votes: 20, auroc: 0.92, ci_low: 0.87, ci_high: 0.96 }]);
 */
export function aurocVsVotes(rows: readonly AurocVotesRow[], opts: AurocVsVotesOptions = {}): Figure {
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const x = rows.map((r) => r.votes);
  const band = OKABE_ITO.blue;
  const data = [
    { type: "scatter", mode: "lines", x, y: rows.map((r) => fin(r.ci_low)), line: { width: 0, color: band }, hoverinfo: "skip", showlegend: false },
    {
      type: "scatter",
      mode: "lines",
      x,
      y: rows.map((r) => fin(r.ci_high)),
      fill: "tonexty",
      fillcolor: "rgba(0, 114, 178, 0.18)",
      line: { width: 0, color: band },
      name: `${levelPct}% CI`,
      hoverinfo: "skip",
    },
    {
      type: "scatter",
      mode: "lines+markers",
      x,
      y: rows.map((r) => fin(r.auroc)),
      name: opts.name ?? "judge",
      line: { color: band, width: 2 },
      marker: { color: band, size: 8 },
      customdata: rows.map((r) => [fin(r.ci_low), fin(r.ci_high)]),
      hovertemplate: "%{x} votes: AUROC %{y:.3f}<br>CI %{customdata[0]:.3f} to %{customdata[1]:.3f}<extra></extra>",
    },
  ];
  const layout = baseLayout({
    title: { text: opts.title ?? `AUROC of the AF judge against the number of votes (band: ${levelPct}% CI)` },
    xaxis: { type: "log", title: { text: "votes per scratchpad" }, tickvals: x, ticktext: x.map(String) },
    yaxis: { title: { text: "AUROC" }, range: [0.45, 1.01] },
    shapes: [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: { color: INK, width: 1, dash: "dot" } }],
  });
  return { data, layout, config: baseConfig() };
}

/** Options of `rocFigure`. */
export interface RocFigureOptions {
  title?: string;
  /** Legend name of the curve. */
  name?: string;
  /** Mark the point at this threshold (e.g. 0.4). */
  threshold?: number;
}

/**
 * The ROC curve (false positive rate against true positive rate), with the
 * chance diagonal and, optionally, the operating point at a threshold.
 *
 * @example
 * rocFigure([{ threshold: Infinity, tpr: 0, fpr: 0 }, { threshold: 0.5, tpr: 0.8, fpr: 0.1 }, { threshold: 0, tpr: 1, fpr: 1 }], { threshold: 0.5 });
 */
export function rocFigure(points: readonly { threshold: number; tpr: number; fpr: number }[], opts: RocFigureOptions = {}): Figure {
  const data: any[] = [
    {
      type: "scatter",
      mode: "lines",
      x: points.map((p) => p.fpr),
      y: points.map((p) => p.tpr),
      name: opts.name ?? "ROC",
      line: { color: OKABE_ITO.vermillion, width: 2, shape: "linear" },
      customdata: points.map((p) => (Number.isFinite(p.threshold) ? p.threshold : null)),
      hovertemplate: "FPR %{x:.3f}, TPR %{y:.3f}<br>threshold %{customdata}<extra></extra>",
    },
  ];
  if (opts.threshold !== undefined) {
    const op = points.filter((p) => p.threshold >= opts.threshold!).pop();
    if (op) {
      data.push({
        type: "scatter",
        mode: "markers",
        x: [op.fpr],
        y: [op.tpr],
        name: `threshold ${opts.threshold}`,
        marker: { color: INK, size: 10, symbol: "diamond" },
      });
    }
  }
  const layout = baseLayout({
    title: { text: opts.title ?? "ROC curve of the AF judge" },
    xaxis: { title: { text: "false positive rate" }, range: [-0.01, 1.01], gridcolor: "#e6e6e6", zeroline: false },
    yaxis: { title: { text: "true positive rate" }, range: [-0.01, 1.01], zeroline: false },
    shapes: [{ type: "line", xref: "x", yref: "y", x0: 0, y0: 0, x1: 1, y1: 1, line: { color: INK, width: 1, dash: "dot" } }],
    width: 620,
    height: 600,
  });
  return { data, layout, config: baseConfig() };
}
