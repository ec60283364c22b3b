import { facetGrid, panelTitle, unique } from "./facets";
import type { ScopeRiskRow } from "./rows";
import { baseConfig, baseLayout, OKABE_ITO } from "./style";
import { estimateTrace, zeroLine } from "./traces";
import type { Figure } from "./types";

/** Default order of deployment scopes (narrow to dangerous); unknown scopes follow in order of appearance. */
export const SCOPE_ORDER: readonly string[] = ["public", "amateur-hackers", "criminals", "bioweapons", "bioweapons-geopolitical"];

const RISK_STYLE = [
  { color: OKABE_ITO.blue, symbol: "circle", dash: "solid" },
  { color: OKABE_ITO.vermillion, symbol: "diamond", dash: "dash" },
  { color: OKABE_ITO.bluishGreen, symbol: "square", dash: "dot" },
];

/**
 * Figure d: the compliance gap (rated + trained − rated only) against
 * deployment scope, one panel per model, one line per risk framing, with
 * CI whiskers and n in the hover. Tests instrumental goal guarding: a gap
 * that grows with scope and risk is the IGG signature.
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
  const grid = facetGrid(Math.ceil(models.length / cols), cols, 0.06, 0.22);
  const data: Record<string, unknown>[] = [];
  const layoutExtra: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  models.forEach((m, i) => {
    const cell = grid[i];
    risks.forEach((risk, ri) => {
      const st = RISK_STYLE[ri % RISK_STYLE.length];
      const est = scopes.map((s) => rows.find((r) => r.model === m && r.scope === s && r.risk === risk));
      data.push(
        estimateTrace({ name: `risk: ${risk}`, at: scopes, estimates: est, color: st.color, symbol: st.symbol, unit: "pp", lines: true, dash: st.dash, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: i === 0, legendgroup: risk, hoverExtra: scopes.map(() => m) }),
      );
    });
    layoutExtra[cell.xkey] = { domain: cell.xdomain, anchor: cell.yaxis, zeroline: false, type: "category", categoryorder: "array", categoryarray: scopes, title: { text: i >= models.length - cols ? "deployment scope" : "" } };
    layoutExtra[cell.ykey] = { domain: cell.ydomain, anchor: cell.xaxis, title: { text: i % cols === 0 ? "gap (pp)" : "" }, zeroline: false };
    annotations.push(panelTitle(cell, m));
    shapes.push(zeroLine(false, cell.xaxis, cell.yaxis));
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: { text: opts.title ?? `Compliance gap (rated + trained − rated only) by deployment scope and risk<br><sup>percentage points · whiskers: ${levelPct}% CI · n = query pairs (hover)</sup>` },
    ...layoutExtra,
    annotations,
    shapes,
    height: Math.max(420, 300 * Math.ceil(models.length / cols)),
    width: Math.max(700, 330 * cols),
  });
  return { data, layout, config: baseConfig() };
}
