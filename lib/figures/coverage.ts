import type { CoverageRow, PowerRow } from "../stats/index";
import { facetGrid, panelTitle, unique } from "./facets";
import { baseConfig, baseLayout, INK, PALETTE } from "./style";
import type { Figure } from "./types";

/**
 * Figure i (left): heatmaps of exact coverage, one panel per interval
 * method, cells × n, colour diverging around the nominal 95% (blue: too
 * narrow; red: too wide), coverage printed in each cell. Pass the rows of
 * one family (and, for gaps, one shared fraction).
 *
 * @example
 * coverageHeatmap(coverageStudy({ gapMethods: [] }).filter((r) => r.family === "rate"));
 */
export function coverageHeatmap(rows: readonly CoverageRow[], opts: { title?: string } = {}): Figure {
  const methods = unique(rows.map((r) => r.method));
  const cells = unique(rows.map((r) => r.cell));
  const ns = unique(rows.map((r) => r.n)).sort((a, b) => a - b);
  const cols = Math.min(3, methods.length);
  const grid = facetGrid(Math.ceil(methods.length / cols), cols, 0.08, 0.16);
  const extra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const data = methods.map((m, i) => {
    const cell = grid[i];
    const z = ns.map((n) => cells.map((c) => rows.find((r) => r.method === m && r.n === n && r.cell === c)?.coverage ?? null));
    extra[cell.xkey] = { domain: cell.xdomain, anchor: cell.yaxis, type: "category", tickangle: -35, tickfont: { size: 9 } };
    extra[cell.ykey] = { domain: cell.ydomain, anchor: cell.xaxis, type: "category", title: { text: i % cols === 0 ? "n" : "" } };
    const nominal = rows.find((r) => r.method === m)?.nominal ?? 0.95;
    annotations.push(panelTitle(cell, Math.abs(nominal - 0.95) > 1e-9 ? `${m} (nominal ${(nominal * 100).toFixed(0)}%)` : m));
    return {
      type: "heatmap",
      name: m,
      x: cells,
      y: ns.map(String),
      z: z.map((row) => row.map((v) => (v === null ? null : v * 100))),
      zmin: 80,
      zmax: 100,
      zmid: 95,
      colorscale: [
        [0, "#0072B2"],
        [0.65, "#d9ecf7"],
        [0.75, "#ffffff"],
        [0.85, "#f6d7c3"],
        [1, "#D55E00"],
      ],
      showscale: i === 0,
      colorbar: { title: { text: "coverage %" }, len: 0.6 },
      text: z.map((row) => row.map((v) => (v === null ? "" : (v * 100).toFixed(1)))),
      texttemplate: "%{text}",
      textfont: { size: 9 },
      xaxis: cell.xaxis,
      yaxis: cell.yaxis,
      hovertemplate: `${m}<br>%{x}, n=%{y}<br>coverage %{z:.2f}%<extra></extra>`,
    };
  });
  const family = rows[0]?.family ?? "rate";
  const shared = rows[0]?.shared;
  const layout = baseLayout({
    title: {
      text:
        opts.title ??
        `Exact coverage of nominal 95% intervals, ${family === "rate" ? "single rates" : `paired gaps (shared draws ${shared ?? "?"})`}<br><sup>colour centred on 95% · below 80% shown as darkest blue · cells: ${family === "rate" ? "true rate" : "first-tier vs second-tier rate"} × n</sup>`,
    },
    ...extra,
    annotations,
    height: 180 + 260 * Math.ceil(methods.length / cols),
    width: Math.max(800, 380 * cols),
  });
  return { data, layout, config: baseConfig() };
}

/**
 * Figure i (right): power of the McNemar test against the number of query
 * pairs, one colour per effect; closed form as lines, seeded simulation as
 * open markers; dotted line at 80%.
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
      out.push({ type: "scatter", mode: "markers", name: `${l} (simulated)`, legendgroup: l, showlegend: false, x: sim.map((r) => r.n), y: sim.map((r) => r.power * 100), marker: { color, symbol: "circle-open", size: 9 }, hovertemplate: `${l}<br>n=%{x} pairs<br>power (simulation) %{y:.1f}%<extra></extra>` });
    }
    return out;
  });
  const layout = baseLayout({
    title: {
      text:
        opts.title ??
        `Power to detect a compliance gap (McNemar test, two-sided α = ${opts.alpha ?? 0.05})<br><sup>lines: ${rows.some((r) => r.method === "exact") ? "exact power of the reported test" : "closed form"} · open circles: seeded simulation${opts.shared !== undefined ? ` · shared draws ${opts.shared}` : ""} · dotted: 80%</sup>`,
    },
    xaxis: { title: { text: "n (query pairs per tier)" }, type: "log" },
    yaxis: { title: { text: "power (%)" }, range: [0, 100], ticksuffix: "%" },
    shapes: [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 80, y1: 80, line: { color: INK, width: 1, dash: "dot" } }],
  });
  return { data, layout, config: baseConfig() };
}
