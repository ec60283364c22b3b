/**
 * Figure kind h: how well a voting judge separates labelled scratchpads.
 * `aurocVsVotes` draws the AUROC against the number of votes with a shaded
 * CI band; `rocFigure` draws the ROC curve at one vote count.
 */
import { intervalStatus, titleText } from "./labels";
import { baseLayout, finishFigure, INK, OKABE_ITO } from "./style";
import type { Figure } from "./types";

/** One point of the AUROC-vs-votes curve. */
export interface AurocVotesRow {
  votes: number;
  auroc: number;
  ci_low: number;
  ci_high: number;
  /** Labelled examples scored at this vote count (printed in the image). */
  n?: number;
}

/** Options of `aurocVsVotes`. */
export interface AurocVsVotesOptions {
  title?: string;
  /** Confidence level of the band, for the title; default 0.95. */
  level?: number;
  /** Series name (e.g. the judge model); default "judge". */
  name?: string;
  /** Labelled positives (alignment faking) and negatives, for the subtitle. */
  positives?: number;
  negatives?: number;
  /** The interval's method, for the subtitle (e.g. "delong-logit"). */
  method?: string;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");

/** "n = 300 labelled scratchpads (150 AF, 150 not)", or "" when nothing is known. */
function countsText(n: number | undefined, positives?: number, negatives?: number): string {
  const pn = positives !== undefined && negatives !== undefined ? ` (${positives} AF, ${negatives} not AF)` : "";
  const total = n ?? (positives !== undefined && negatives !== undefined ? positives + negatives : undefined);
  return total === undefined ? "" : `n = ${total} labelled scratchpads${pn}`;
}

/**
 * AUROC against the number of votes (log x axis labelled at each vote
 * count), a line with markers over a shaded CI band, a dotted line at 0.5
 * (chance), and the number of labelled examples in the subtitle (or at
 * each point, when it differs between vote counts). A point whose interval
 * has zero width is drawn hollow and the band broken there.
 *
 * @example
 * aurocVsVotes([{ votes: 1, auroc: 0.7, ci_low: 0.6, ci_high: 0.8, n: 300 }, { votes: 20, auroc: 0.92, ci_low: 0.87, ci_high: 0.96, n: 300 }]);
 */
export function aurocVsVotes(rows: readonly AurocVotesRow[], opts: AurocVsVotesOptions = {}): Figure {
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const x = rows.map((r) => r.votes);
  const band = OKABE_ITO.blue;
  const st = rows.map((r) => intervalStatus({ value: r.auroc, ci_low: r.ci_low, ci_high: r.ci_high }));
  const ok = (i: number) => st[i] === "ok";
  const noInterval = rows.flatMap((r, i) => (!ok(i) && Number.isFinite(r.auroc) ? [{ index: i, reason: "zero-width" }] : []));
  const ns = [...new Set(rows.map((r) => r.n).filter((v): v is number => typeof v === "number"))];
  const perPoint = ns.length > 1;
  const main: Record<string, unknown> = {
    type: "scatter",
    mode: perPoint ? "lines+markers+text" : "lines+markers",
    x,
    y: rows.map((r) => fin(r.auroc)),
    name: opts.name ?? "judge",
    line: { color: band, width: 2 },
    marker: { color: band, size: 8, symbol: rows.map((_, i) => (ok(i) ? "circle" : "circle-open")), line: { color: band, width: 2 } },
    customdata: rows.map((r) => [fin(r.ci_low), fin(r.ci_high), r.n ?? ""]),
    hovertemplate: "%{x} votes: AUROC %{y:.3f}<br>CI %{customdata[0]:.3f} to %{customdata[1]:.3f}<br>n=%{customdata[2]}<extra></extra>",
  };
  if (perPoint) Object.assign(main, { text: rows.map((r) => (r.n === undefined ? "" : `n=${r.n}`)), textposition: "bottom center", textfont: { size: 10 } });
  if (noInterval.length) main.meta = { afw: { noInterval } };
  const data = [
    { type: "scatter", mode: "lines", x, y: rows.map((r, i) => (ok(i) ? fin(r.ci_low) : null)), line: { width: 0, color: band }, hoverinfo: "skip", showlegend: false },
    {
      type: "scatter",
      mode: "lines",
      x,
      y: rows.map((r, i) => (ok(i) ? fin(r.ci_high) : null)),
      fill: "tonexty",
      fillcolor: "rgba(0, 114, 178, 0.18)",
      line: { width: 0, color: band },
      name: `${levelPct}% CI`,
      hoverinfo: "skip",
    },
    main,
  ];
  const lows = rows.map((r) => r.ci_low).filter(Number.isFinite);
  const counts = perPoint ? "n at each point" : countsText(ns[0], opts.positives, opts.negatives);
  const layout = baseLayout({
    title: { text: titleText(opts.title, "AUROC of the AF judge against the number of votes", `band: ${levelPct}% CI${opts.method ? ` (${opts.method})` : ""}${counts ? ` · ${counts}` : ""} · dotted: chance (0.5)`) },
    xaxis: { type: "log", title: { text: "votes per scratchpad" }, tickmode: "array", tickvals: x, ticktext: x.map(String), range: x.length ? [Math.log10(Math.min(...x) / 1.3), Math.log10(Math.max(...x) * 1.3)] : undefined },
    yaxis: { title: { text: "AUROC" }, range: [Math.min(0.45, ...lows.map((v) => v - 0.02)), 1.01] },
    shapes: [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: { color: INK, width: 1, dash: "dot" } }],
    width: 860,
    height: 520,
  });
  return finishFigure(data, layout);
}

/** One ROC point, optionally with a confidence interval of its true positive rate. */
export interface RocBandPoint {
  threshold: number;
  tpr: number;
  fpr: number;
  tpr_low?: number;
  tpr_high?: number;
}

/** Options of `rocFigure`. */
export interface RocFigureOptions {
  title?: string;
  /** Legend name of the curve. */
  name?: string;
  /** Mark the point at this threshold (e.g. 0.4). */
  threshold?: number;
  /** The AUROC with its interval, printed on the figure. */
  auroc?: { estimate: number; low: number; high: number; level?: number; method?: string };
  /** Labelled positives (alignment faking) and negatives, printed on the figure. */
  positives?: number;
  negatives?: number;
  /** What the band is, for the subtitle; default "pointwise 95% CI of the true positive rate". */
  bandLabel?: string;
}

/**
 * The ROC curve (false positive rate against true positive rate), with the
 * chance diagonal, a shaded band from the points' `tpr_low`/`tpr_high`
 * (lib/analysis `rocFigureRows` gives a pointwise Agresti–Coull interval of
 * each TPR), the AUROC with its interval and the counts of positives and
 * negatives printed in the plot, and, optionally, the operating point at a
 * threshold.
 *
 * @example
 * rocFigure([{ threshold: Infinity, tpr: 0, fpr: 0 }, { threshold: 0.5, tpr: 0.8, fpr: 0.1 }, { threshold: 0, tpr: 1, fpr: 1 }], { threshold: 0.5, positives: 10, negatives: 10 });
 */
export function rocFigure(points: readonly RocBandPoint[], opts: RocFigureOptions = {}): Figure {
  const color = OKABE_ITO.vermillion;
  const data: any[] = [];
  const banded = points.length > 0 && points.every((p) => typeof p.tpr_low === "number" && typeof p.tpr_high === "number");
  if (banded) {
    data.push(
      { type: "scatter", mode: "lines", x: points.map((p) => p.fpr), y: points.map((p) => p.tpr_low), line: { width: 0, color }, hoverinfo: "skip", showlegend: false },
      { type: "scatter", mode: "lines", x: points.map((p) => p.fpr), y: points.map((p) => p.tpr_high), fill: "tonexty", fillcolor: "rgba(213, 94, 0, 0.16)", line: { width: 0, color }, name: "CI of TPR", hoverinfo: "skip" },
    );
  }
  const a = opts.auroc;
  const aText = a ? `AUROC ${f3(a.estimate)} [${f3(a.low)}, ${f3(a.high)}]` : "";
  data.push({
    type: "scatter",
    mode: "lines",
    x: points.map((p) => p.fpr),
    y: points.map((p) => p.tpr),
    name: opts.name ?? "ROC",
    line: { color, width: 2, shape: "linear" },
    customdata: points.map((p) => (Number.isFinite(p.threshold) ? p.threshold : null)),
    hovertemplate: "FPR %{x:.3f}, TPR %{y:.3f}<br>threshold %{customdata}<extra></extra>",
  });
  if (opts.threshold !== undefined) {
    const op = points.filter((p) => p.threshold >= opts.threshold!).pop();
    if (op) {
      data.push({ type: "scatter", mode: "markers", x: [op.fpr], y: [op.tpr], name: `threshold ${opts.threshold}`, marker: { color: INK, size: 10, symbol: "diamond" } });
    }
  }
  const counts = countsText(undefined, opts.positives, opts.negatives);
  const boxLines = [aText, counts.replace(/^n = (\d+) labelled scratchpads \((.*)\)$/, "$2 (n = $1)")].filter(Boolean);
  const levelPct = Math.round((a?.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        "ROC curve of the AF judge",
        [banded ? `band: ${opts.bandLabel ?? `pointwise ${levelPct}% CI of the true positive rate`}` : "", a ? `AUROC with its ${levelPct}% CI${a.method ? ` (${a.method})` : ""}` : "", counts, "dotted: chance"].filter(Boolean).join(" · "),
      ),
    },
    xaxis: { title: { text: "false positive rate" }, range: [-0.01, 1.01], gridcolor: "#e6e6e6", zeroline: false },
    yaxis: { title: { text: "true positive rate" }, range: [-0.01, 1.01], zeroline: false },
    shapes: [{ type: "line", xref: "x", yref: "y", x0: 0, y0: 0, x1: 1, y1: 1, line: { color: INK, width: 1, dash: "dot" } }],
    annotations: boxLines.length
      ? [{ xref: "x", yref: "y", x: 0.98, y: 0.04, xanchor: "right", yanchor: "bottom", align: "right", showarrow: false, text: boxLines.join("<br>"), font: { size: 13 }, bgcolor: "rgba(255,255,255,0.9)", bordercolor: "#bbbbbb", borderwidth: 1, borderpad: 4 }]
      : [],
    width: 860,
    height: 640,
  });
  return finishFigure(data, layout);
}
