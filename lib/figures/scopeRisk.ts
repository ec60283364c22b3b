import { facetGrid, panelTitle, unique } from "./facets";
import type { ScopeRiskRow } from "./rows";
import { nLabel, nMeaning, titleText } from "./labels";
import { AXIS_STYLE, baseLayout, finishFigure, OKABE_ITO } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

/** Default order of deployment scopes (narrow to dangerous); unknown scopes follow in order of appearance. */
export const SCOPE_ORDER: readonly string[] = ["public", "amateur-hackers", "criminals", "bioweapons", "bioweapons-geopolitical"];

const RISK_STYLE = [
  { color: OKABE_ITO.blue, symbol: "circle", dash: "solid" },
  { color: OKABE_ITO.vermillion, symbol: "diamond", dash: "dash" },
  { color: OKABE_ITO.bluishGreen, symbol: "square", dash: "dot" },
  { color: OKABE_ITO.reddishPurple, symbol: "triangle-up", dash: "dashdot" },
  { color: OKABE_ITO.orange, symbol: "x", dash: "longdash" },
];

/** A scope name as a tick label: hyphenated words on lines of their own, so labels stay level and short. */
const scopeTick = (s: string) => s.replace(/-/g, "-<br>");

/**
 * Figure d: the compliance gap (rated + trained − rated only) against
 * deployment scope, one panel per model, one line per risk framing, with
 * CI whiskers. n is printed in each panel's title when every point of the
 * panel rests on the same counts, else beside each point. Tests
 * instrumental goal guarding: a gap that grows with scope and risk is the
 * IGG signature.
 *
 * @example
 * gapByScopeRisk([{ model: "m", scope: "public", risk: "suspected", value: 0.05, ci_low: 0.01, ci_high: 0.09, n: 400 }]);
 */
export function gapByScopeRisk(rows: readonly ScopeRiskRow[], opts: { title?: string; level?: number; scopeOrder?: string[] } = {}): Figure {
  const models = unique(rows.map((r) => r.model));
  const order = opts.scopeOrder ?? [...SCOPE_ORDER];
  const seen = unique(rows.map((r) => r.scope));
  const scopes = [...order.filter((s) => seen.includes(s)), ...seen.filter((s) => !order.includes(s))];
  const risks = unique(rows.map((r) => r.risk));
  const cols = Math.min(models.length, 3);
  const nRows = Math.ceil(models.length / cols);
  const grid = facetGrid(nRows, cols, 0.08, nRows > 1 ? 0.24 : 0.1);
  const data: Record<string, unknown>[] = [];
  const layoutExtra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  models.forEach((m, i) => {
    const cell = grid[i];
    const mine = rows.filter((r) => r.model === m);
    const ns = unique(mine.map((r) => nLabel(r)));
    risks.forEach((risk, ri) => {
      const st = RISK_STYLE[ri % RISK_STYLE.length];
      const est = scopes.map((s) => mine.find((r) => r.scope === s && r.risk === risk));
      // risks side by side at each scope, so their whiskers do not sit on each other
      const at = scopes.map((_, k) => k + (ri - (risks.length - 1) / 2) * 0.14);
      const t = estimateTrace({ name: `risk: ${risk}`, at, estimates: est, whiskerColor: st.color, color: st.color, symbol: st.symbol, unit: "pp", lines: true, dash: st.dash, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: i === 0, legendgroup: risk, hoverExtra: scopes.map(() => m) });
      if (ns.length > 1) Object.assign(t, { mode: "lines+markers+text", text: est.map((e) => (e ? nLabel(e) : "")), textposition: ri % 2 ? "bottom center" : "top center", textfont: { size: 9, color: st.color } });
      data.push(t);
    });
    const bottom = i + cols >= models.length;
    layoutExtra[cell.xkey] = { ...AXIS_STYLE, domain: cell.xdomain, anchor: cell.yaxis, zeroline: false, range: [-0.5, scopes.length - 0.5], tickmode: "array", tickvals: scopes.map((_, k) => k), ticktext: scopes.map(scopeTick), tickangle: 0, tickfont: { size: 11 }, title: { text: bottom ? "deployment scope" : "" } };
    layoutExtra[cell.ykey] = { ...AXIS_STYLE, gridcolor: "#e6e6e6", domain: cell.ydomain, anchor: cell.xaxis, title: { text: i % cols === 0 ? "gap (pp)" : "" }, zeroline: false };
    annotations.push(panelTitle(cell, ns.length === 1 ? `${m} · ${ns[0]} per point` : m));
    shapes.push(zeroLine(false, cell.xaxis, cell.yaxis));
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: {
      text: titleText(
        opts.title,
        "Compliance gap (rated + trained − rated only) by deployment scope and risk",
        `percentage points · whiskers: ${levelPct}% CI · ${nMeaning(rows, "query pairs")}`,
      ),
    },
    ...layoutExtra,
    annotations,
    shapes,
    height: 140 + 300 * nRows,
    width: 200 + 360 * cols,
  });
  return finishFigure(data, layout);
}
