/**
 * Two judge versions' verdicts on the same samples as a confusion matrix.
 */
import { escapeTemplate } from "./facets";
import { titleText } from "./labels";
import { baseLayout, finishFigure } from "./style";
import type { Figure } from "./types";

/** What `agreementHeatmap` draws: `counts[i][j]` samples that version A labelled `labels[i]` and version B `labels[j]`. */
export interface AgreementTable {
  labels: string[];
  counts: number[][];
}

/** Options of `agreementHeatmap`. */
export interface AgreementHeatmapOptions {
  title?: string;
  /** Names of the two judge versions (rows: A, columns: B). */
  a?: string;
  b?: string;
  /** Cohen's κ with its interval, for the title. */
  kappa?: { estimate: number; low: number; high: number; level?: number };
}

/** Sequential blues for a share of samples (0% white, 100% dark blue), readable under black or white cell text. */
const BLUES: [number, string][] = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

/**
 * Agreement of two judge versions: rows are version A's label, columns
 * version B's, each cell the number of samples and its share of all
 * samples judged by both, coloured by that share on a sequential scale
 * with its colour bar; n and Cohen's κ (with its CI, when given) in the
 * title, which wraps to the figure's width.
 *
 * @example
 * agreementHeatmap({ labels: ["af", "not_af"], counts: [[21, 3], [14, 262]] }, { a: "sim-judge", b: "sim-judge@noise=0.3", kappa: { estimate: 0.68, low: 0.52, high: 0.8 } });
 */
export function agreementHeatmap(t: AgreementTable, opts: AgreementHeatmapOptions = {}): Figure {
  const a = opts.a ?? "A";
  const b = opts.b ?? "B";
  const total = t.counts.flat().reduce((s, x) => s + x, 0);
  const share = t.counts.map((r) => r.map((x) => (total ? (100 * x) / total : 0)));
  const agree = t.labels.reduce((s, _, i) => s + (t.counts[i]?.[i] ?? 0), 0);
  const k = opts.kappa;
  const levelPct = Math.round((k?.level ?? 0.95) * 100);
  const data = [
    {
      type: "heatmap",
      name: "agreement",
      z: share,
      x: t.labels.map((l) => `B: ${l}`),
      y: t.labels.map((l) => `A: ${l}`),
      zmin: 0,
      zmax: 100,
      colorscale: BLUES,
      showscale: true,
      colorbar: { title: { text: "share of samples (%)", side: "right" }, ticksuffix: "%", thickness: 16, len: 0.9 },
      text: t.counts.map((r, i) => r.map((x, j) => `${x}<br>(${share[i][j].toFixed(1)}%)`)),
      texttemplate: "%{text}",
      textfont: { size: 15 },
      xgap: 2,
      ygap: 2,
      hovertemplate: `${escapeTemplate(a)} said %{y}, ${escapeTemplate(b)} said %{x}: %{text}<extra></extra>`,
    },
  ];
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        `AF judge agreement: ${a} (A, rows) vs ${b} (B, columns)`,
        `n = ${total} samples judged by both · agree on ${agree} (${total ? ((100 * agree) / total).toFixed(1) : "n/a"}%)${k ? ` · Cohen's κ = ${f2(k.estimate)} [${f2(k.low)}, ${f2(k.high)}] (${levelPct}% CI)` : ""} · colour: share of all samples`,
      ),
    },
    xaxis: { title: { text: `version B: ${b}` }, side: "bottom", showline: false, ticks: "" },
    yaxis: { title: { text: `version A: ${a}` }, autorange: "reversed", showline: false, ticks: "", gridcolor: "rgba(0,0,0,0)" },
    width: 700,
    height: 560,
  });
  return finishFigure(data, layout);
}
