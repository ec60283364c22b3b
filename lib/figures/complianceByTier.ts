import type { RateRow } from "../schema/index";
import { AfwError } from "../util/errors";
import { baseConfig, baseLayout, INK, seriesColors } from "./style";
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
 * Grouped bar chart of compliance rates: one bar group per model (or per
 * `model · condition` when the rows hold several conditions), one bar per
 * tier coloured by tier, y in %, asymmetric CI whiskers from ci_low/ci_high,
 * and "n=…" on each bar and in the hover.
 *
 * @example
 * complianceByTier([
 *   { model: "m1", condition: "default", tier: "free", n: 50, complied: 12, rate: 0.24, ci_low: 0.14, ci_high: 0.36 },
 *   { model: "m1", condition: "default", tier: "paid", n: 50, complied: 5, rate: 0.1, ci_low: 0.02, ci_high: 0.18 },
 * ]);
 */
export function complianceByTier(rows: readonly RateRow[], opts: ComplianceByTierOptions = {}): Figure {
  const conditions = unique(rows.map((r) => r.condition));
  const withCondition = conditions.length > 1;
  const xs = unique(rows.map((r) => cellLabel(r.model, r.condition, withCondition)));
  const seen = unique(rows.map((r) => r.tier));
  const tiers = opts.tierOrder ? [...opts.tierOrder, ...seen.filter((t) => !opts.tierOrder!.includes(t))] : seen;
  const colors = seriesColors(tiers);

  const byKey = new Map<string, RateRow>();
  for (const r of rows) {
    const key = `${cellLabel(r.model, r.condition, withCondition)}\u0000${r.tier}`;
    if (byKey.has(key)) throw new AfwError(`complianceByTier: two rows for ${r.model} · ${r.condition} · ${r.tier}; aggregate first`);
    byKey.set(key, r);
  }

  const data = tiers
    .filter((t) => seen.includes(t))
    .map((tier) => {
      const cells = xs.map((x) => byKey.get(`${x}\u0000${tier}`));
      const rate = cells.map((r) => (r ? pct(r.rate) : null));
      return {
        type: "bar",
        name: tier,
        x: xs,
        y: rate,
        marker: { color: colors[tiers.indexOf(tier)] },
        error_y: {
          type: "data",
          symmetric: false,
          array: cells.map((r) => (r ? pct(r.ci_high - r.rate) : null)),
          arrayminus: cells.map((r) => (r ? pct(r.rate - r.ci_low) : null)),
          color: INK,
          thickness: 1.5,
          width: 5,
        },
        text: cells.map((r) => (r ? `n=${r.n}` : "")),
        textposition: "inside",
        insidetextanchor: "start",
        textfont: { size: 11 },
        cliponaxis: false,
        customdata: cells.map((r) => (r ? [r.model, r.condition, r.complied, r.n, pct(r.ci_low), pct(r.ci_high)] : null)),
        hovertemplate:
          "%{customdata[0]} · %{customdata[1]}<br>tier: " +
          escapeTemplate(tier) +
          "<br>compliance: %{y:.1f}% (%{customdata[2]} of n=%{customdata[3]})" +
          "<br>CI: %{customdata[4]:.1f}% to %{customdata[5]:.1f}%<extra></extra>",
      };
    });

  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const title = opts.title ?? `Compliance rate by tier${withCondition ? " and condition" : ""} (bars: % complied; whiskers: ${levelPct}% CI)`;
  const layout = baseLayout({
    title: { text: title },
    barmode: "group",
    bargap: 0.25,
    bargroupgap: 0.05,
    xaxis: { title: { text: withCondition ? "model · condition" : "model" }, type: "category" },
    yaxis: { title: { text: "compliance rate (%)" }, range: [0, 100], ticksuffix: "%" },
    legend: { title: { text: "tier " } },
  });
  return { data, layout, config: baseConfig() };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Plotly hover templates treat %{…} specially; keep tier names literal. */
function escapeTemplate(s: string): string {
  return s.replace(/%\{/g, "%\\{").replace(/</g, "&lt;");
}
