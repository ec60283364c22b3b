import type { CoverageRow, PowerRow } from "../stats/index";
import { facetGrid, panelTitle, unique } from "./facets";
import { titleText } from "./labels";
import { baseLayout, finishFigure, INK, PALETTE } from "./style";
import type { Figure } from "./types";

/** Half-width of the colour domain, in points of coverage around the nominal level: beyond ±10 the end colours hold. */
export const COVERAGE_SPAN = 10;

/**
 * The coverage colour scale, on coverage − nominal (points) over
 * [−COVERAGE_SPAN, +COVERAGE_SPAN]: white at the nominal level,
 * under-coverage (intervals too narrow: the claim is not kept) in
 * deepening vermillion, over-coverage (too wide: safe, but wasteful) in a
 * light blue that stays paler than the same miss below, so over-coverage
 * does not look as alarming as under-coverage.
 */
export const COVERAGE_COLORSCALE: [number, string][] = [
  [0, "#8f2d00"],
  [0.25, "#d55e00"],
  [0.42, "#f3c4a3"],
  [0.5, "#ffffff"],
  [0.62, "#e3eef7"],
  [0.8, "#b9d5ea"],
  [1, "#86b6dc"],
];

/** A cell's label as tick text: "0.05 vs 0.025" on two lines. */
const cellTick = (c: string) => c.replace(/ vs /, "<br>vs ");

/**
 * Figure i (left): heatmaps of exact coverage, one panel per interval
 * method, cells × n, coverage printed in each cell. The colour is the
 * distance from the method's own nominal level (95%, or 68% for ±1 SE), on
 * one diverging scale centred there (`COVERAGE_COLORSCALE`), with its colour
 * bar. Pass the rows of one family (and, for gaps, one shared fraction).
 *
 * @example
 * coverageHeatmap(coverageStudy({ gapMethods: [] }).filter((r) => r.family === "rate"));
 */
export function coverageHeatmap(rows: readonly CoverageRow[], opts: { title?: string } = {}): Figure {
  const methods = unique(rows.map((r) => r.method));
  const cells = unique(rows.map((r) => r.cell));
  const ns = unique(rows.map((r) => r.n)).sort((a, b) => a - b);
  const panelPx = Math.max(300, 46 * cells.length);
  const cols = Math.max(1, Math.min(methods.length, 3, Math.floor(1500 / (panelPx + 70))));
  const nRows = Math.ceil(methods.length / cols);
  const grid = facetGrid(nRows, cols, 70 / (cols * panelPx + (cols - 1) * 70), 0.2);
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const data = methods.map((m, i) => {
    const cell = grid[i];
    const cov = ns.map((n) => cells.map((c) => rows.find((r) => r.method === m && r.n === n && r.cell === c)?.coverage ?? null));
    const nominal = rows.find((r) => r.method === m)?.nominal ?? 0.95;
    extra[cell.xkey] = { domain: cell.xdomain, anchor: cell.yaxis, type: "category", showline: false, ticks: "", tickmode: "array", tickvals: cells, ticktext: cells.map(cellTick), tickangle: 0, tickfont: { size: 9 }, title: { text: i >= methods.length - cols ? (rows[0]?.family === "gap" ? "first tier vs second tier rate" : "true rate") : "" } };
    extra[cell.ykey] = { domain: cell.ydomain, anchor: cell.xaxis, type: "category", showline: false, ticks: "", gridcolor: "rgba(0,0,0,0)", title: { text: i % cols === 0 ? "n" : "" } };
    annotations.push(panelTitle(cell, Math.abs(nominal - 0.95) > 1e-9 ? `${m} (nominal ${(nominal * 100).toFixed(0)}%)` : m));
    return {
      type: "heatmap",
      name: m,
      x: cells,
      y: ns.map(String),
      z: cov.map((row) => row.map((v) => (v === null ? null : 100 * (v - nominal)))),
      coloraxis: "coloraxis",
      text: cov.map((row) => row.map((v) => (v === null ? "" : (v * 100).toFixed(1)))),
      texttemplate: "%{text}",
      textfont: { size: 9 },
      xgap: 1,
      ygap: 1,
      xaxis: cell.xaxis,
      yaxis: cell.yaxis,
      hovertemplate: `${m}<br>%{x}, n=%{y}<br>coverage %{text}% (nominal ${(nominal * 100).toFixed(0)}%)<extra></extra>`,
    };
  });
  const family = rows[0]?.family ?? "rate";
  const shared = rows[0]?.shared;
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        `Exact coverage of nominal 95% intervals, ${family === "rate" ? "single rates" : `paired gaps (shared draws ${shared ?? "?"})`}`,
        `cells: coverage % · colour: coverage − the method's nominal level, white at nominal; red: too narrow, blue: too wide; ±${COVERAGE_SPAN} points or more at full colour · rows: n`,
      ),
    },
    ...extra,
    annotations,
    coloraxis: {
      colorscale: COVERAGE_COLORSCALE,
      cmin: -COVERAGE_SPAN,
      cmax: COVERAGE_SPAN,
      colorbar: {
        title: { text: "coverage − nominal (points)", side: "right" },
        tickvals: [-COVERAGE_SPAN, -5, 0, 5, COVERAGE_SPAN],
        ticktext: [`≤ −${COVERAGE_SPAN}`, "−5", "0 (nominal)", "+5", `≥ +${COVERAGE_SPAN}`],
        len: 0.8,
        thickness: 16,
      },
    },
    height: 150 + 250 * nRows,
    width: 150 + cols * panelPx + (cols - 1) * 70 + 170,
  });
  return finishFigure(data, layout);
}

/** The test a power row is for, in words. */
const TEST_NAME: Record<string, string> = {
  asymptotic: "asymptotic McNemar test (Tango's score test at 0, the test the report prints beside the Tango interval)",
  exact: "exact McNemar (sign) test",
};

/**
 * Figure i (right): power of the reported test of "no gap" against the
 * number of query pairs (one sample per query; log axis labelled at each
 * n drawn), one colour per effect: the exact power as lines, a seeded
 * simulation of the same test as open circles; dotted line at 80%.
 *
 * @example
 * powerCurves(powerCurveRows([[0.49, 0.35]], { ns: [50, 100, 200, 400], shared: 0.7, simulateReps: 500, seed: 1 }));
 */
export function powerCurves(rows: readonly PowerRow[], opts: { title?: string; shared?: number; alpha?: number } = {}): Figure {
  const labels = unique(rows.map((r) => r.label));
  const data = labels.flatMap((l, i) => {
    const color = PALETTE[i % PALETTE.length];
    const cf = rows.filter((r) => r.label === l && r.method !== "simulation").sort((a, b) => a.n - b.n);
    const sim = rows.filter((r) => r.label === l && r.method === "simulation").sort((a, b) => a.n - b.n);
    const out: Record<string, unknown>[] = [
      { type: "scatter", mode: "lines", name: l, legendgroup: l, x: cf.map((r) => r.n), y: cf.map((r) => r.power * 100), line: { color, width: 2 }, hovertemplate: `${l}<br>n=%{x} pairs<br>power (${cf[0]?.method === "exact" ? "exact" : "closed form"}) %{y:.1f}%<extra></extra>` },
    ];
    if (sim.length) {
      out.push({ type: "scatter", mode: "markers", name: `${l} (simulated)`, legendgroup: l, showlegend: false, x: sim.map((r) => r.n), y: sim.map((r) => r.power * 100), marker: { color, symbol: "circle-open", size: 10, line: { width: 2 } }, hovertemplate: `${l}<br>n=%{x} pairs<br>power (simulation) %{y:.1f}%<extra></extra>` });
    }
    return out;
  });
  const ns = unique(rows.map((r) => r.n)).sort((a, b) => a - b);
  const tests = unique(rows.map((r) => r.test ?? "asymptotic"));
  const curve = rows.some((r) => r.method === "exact") ? "exact power" : "closed form (Connor)";
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        `Power to detect a compliance gap (two-sided α = ${opts.alpha ?? 0.05})`,
        `the ${tests.map((t) => TEST_NAME[t] ?? t).join(" / ")} · lines: ${curve} · open circles: seeded simulation of the same test${opts.shared !== undefined ? ` · shared draws ${opts.shared}` : ""} · dotted: 80%`,
      ),
    },
    xaxis: { title: { text: "n (query pairs per tier, one sample per query)" }, type: "log", tickmode: "array", tickvals: ns, ticktext: ns.map(String), minor: { showgrid: false, ticks: "" }, range: ns.length ? [Math.log10(ns[0] / 1.25), Math.log10(ns[ns.length - 1] * 1.25)] : undefined },
    yaxis: { title: { text: "power (%)" }, range: [0, 102], ticksuffix: "%" },
    legend: { title: { text: "effect (free vs paid)" } },
    shapes: [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 80, y1: 80, line: { color: INK, width: 1, dash: "dot" } }],
    width: 900,
    height: 540,
  });
  return finishFigure(data, layout);
}
