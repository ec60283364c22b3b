import type { RateRow } from "../schema/index";
import { AfwError } from "../util/errors";
import { nLabel, nMeaning, titleText } from "./labels";
import type { CountFields, IntervalFields } from "./rows";
import { baseLayout, finishFigure, INK, seriesColors } from "./style";
import { whiskers } from "./traces";
import type { Figure } from "./types";

/** Options for `complianceByTier`. */
export interface ComplianceByTierOptions {
  /** Figure title; the default says what is shown. */
  title?: string;
  /** Confidence level of the rows' intervals, for the default title; default 0.95. */
  level?: number;
  /** Tier order (legend and bar order); default: order of first appearance. */
  tierOrder?: string[];
}

const pct = (x: number) => (Number.isFinite(x) ? x * 100 : null);


/** The x label of a row: the model, or `model · condition` when several conditions are shown. */
export function cellLabel(model: string, condition: string, withCondition: boolean): string {
  return withCondition ? `${model} · ${condition}` : model;
}

/**
 * Bar chart of compliance rates: one group per model (or per
 * `model · condition` when the rows hold several conditions), one bar per
 * tier coloured by tier, y in %, asymmetric CI whiskers from
 * ci_low/ci_high, and n under each bar (in the static image, not only the
 * hover: "n=50×8" for 50 queries with 8 samples each when the rows carry
 * the counts). A bar whose interval came back with zero width gets no
 * whisker and a hollow marker at its top (see `IntervalFields`).
 *
 * @example
 * complianceByTier([
 *   { model: "m1", condition: "default", tier: "free", n: 50, complied: 12, rate: 0.24, ci_low: 0.14, ci_high: 0.36 },
 *   { model: "m1", condition: "default", tier: "paid", n: 50, complied: 5, rate: 0.1, ci_low: 0.02, ci_high: 0.18 },
 * ]);
 */
export function complianceByTier(rows: ReadonlyArray<RateRow & CountFields & IntervalFields>, opts: ComplianceByTierOptions = {}): Figure {
  const conditions = unique(rows.map((r) => r.condition));
  const withCondition = conditions.length > 1;
  const xs = unique(rows.map((r) => cellLabel(r.model, r.condition, withCondition)));
  const seen = unique(rows.map((r) => r.tier));
  const tiers = opts.tierOrder ? [...opts.tierOrder, ...seen.filter((t) => !opts.tierOrder!.includes(t))] : seen;
  const colors = seriesColors(tiers);

  const byKey = new Map<string, RateRow & CountFields & IntervalFields>();
  for (const r of rows) {
    const key = `${cellLabel(r.model, r.condition, withCondition)}\u0000${r.tier}`;
    if (byKey.has(key)) throw new AfwError(`complianceByTier: two rows for ${r.model} · ${r.condition} · ${r.tier}; aggregate first`);
    byKey.set(key, r);
  }
  // one category per (group, tier) bar; its inner label carries the tier and n
  const inner = (r: RateRow & CountFields) => `${r.tier}<br>${nLabel(r)}`;
  const data: Record<string, unknown>[] = [];
  const hollow: { x: [string[], string[]]; y: number[] } = { x: [[], []], y: [] };
  for (const tier of tiers.filter((t) => seen.includes(t))) {
    const cells = xs.map((x) => byKey.get(`${x}\u0000${tier}`)).filter((r): r is RateRow & CountFields & IntervalFields => !!r);
    const w = whiskers(cells.map((r) => ({ value: r.rate, ci_low: r.ci_low, ci_high: r.ci_high, fixed: r.fixed })));
    const x: [string[], string[]] = [cells.map((r) => cellLabel(r.model, r.condition, withCondition)), cells.map(inner)];
    for (const d of w.noInterval) {
      if (d.reason !== "zero-width") continue;
      hollow.x[0].push(x[0][d.index]);
      hollow.x[1].push(x[1][d.index]);
      hollow.y.push(pct(cells[d.index].rate) ?? 0);
    }
    data.push({
      type: "bar",
      name: tier,
      x,
      y: cells.map((r) => pct(r.rate)),
      marker: { color: colors[tiers.indexOf(tier)] },
      error_y: { type: "data", symmetric: false, array: w.array, arrayminus: w.arrayminus, color: INK, thickness: 1.5, width: 5 },
      ...(w.noInterval.length ? { meta: { afw: { noInterval: w.noInterval } } } : {}),
      customdata: cells.map((r) => [r.model, r.condition, r.complied, nLabel(r), pct(r.ci_low), pct(r.ci_high), r.method ?? ""]),
      hovertemplate:
        "%{customdata[0]} · %{customdata[1]}<br>tier: " +
        escapeTemplate(tier) +
        "<br>compliance: %{y:.1f}% (%{customdata[2]} complied; %{customdata[3]})" +
        "<br>CI: %{customdata[4]:.1f}% to %{customdata[5]:.1f}% %{customdata[6]}<extra></extra>",
    });
  }
  if (hollow.y.length) {
    data.push({ type: "scatter", mode: "markers", name: "no valid interval", showlegend: false, x: hollow.x, y: hollow.y, marker: { symbol: "circle-open", size: 10, color: INK, line: { width: 2, color: INK } }, hoverinfo: "skip" });
  }

  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const title = titleText(opts.title, `Compliance rate by tier${withCondition ? " and condition" : ""}`, `bars: % complied · whiskers: ${levelPct}% CI · ${nMeaning(rows, "samples")}`);
  const nBars = data.filter((d) => d.type === "bar").reduce((s, d) => s + ((d.y as unknown[]) ?? []).length, 0);
  const layout = baseLayout({
    title: { text: title },
    barmode: "overlay",
    bargap: 0.2,
    width: Math.max(640, 200 + 84 * nBars),
    xaxis: { title: { text: withCondition ? "model · condition, tier" : "model, tier" }, type: "multicategory" },
    yaxis: { title: { text: "compliance rate (%)" }, range: [0, 100], ticksuffix: "%" },
    legend: { title: { text: "tier " } },
  });
  return finishFigure(data, layout);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Plotly hover templates treat %{…} specially; keep tier names literal. */
function escapeTemplate(s: string): string {
  return s.replace(/%\{/g, "%\\{").replace(/</g, "&lt;");
}
