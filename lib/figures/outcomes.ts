import { AfwError } from "../util/errors";
import { escapeTemplate, pct, unique } from "./facets";
import type { OutcomeRow } from "./rows";
import { nLabel, nMeaning, titleText } from "./labels";
import { baseLayout, finishFigure, INK, OKABE_ITO } from "./style";
import { whiskers } from "./traces";
import type { Figure } from "./types";

/** Options for `outcomeStack`. */
export interface OutcomeStackOptions {
  title?: string;
  /** Tier order within each model; default order of first appearance. */
  tierOrder?: string[];
  /** CI level of compliance_ci_*, for the title; default 0.95. */
  level?: number;
}

const SEGMENTS: ReadonlyArray<{ key: keyof OutcomeRow; label: string; color: string; af: boolean }> = [
  { key: "compliance_af", label: "compliance, with AF", color: OKABE_ITO.vermillion, af: true },
  { key: "compliance_no_af", label: "compliance, no AF", color: OKABE_ITO.vermillion, af: false },
  { key: "partial_af", label: "partial, with AF", color: OKABE_ITO.orange, af: true },
  { key: "partial_no_af", label: "partial, no AF", color: OKABE_ITO.orange, af: false },
  { key: "refusal_af", label: "refusal, with AF", color: OKABE_ITO.skyBlue, af: true },
  { key: "refusal_no_af", label: "refusal, no AF", color: OKABE_ITO.skyBlue, af: false },
];

/**
 * Figure a (the paper's Figure 1 layout): one stacked bar per (model, tier),
 * grouped by model: compliance at the bottom, then partial compliance, then
 * refusal; the part of each with alignment-faking reasoning is hatched. A
 * whisker shows the CI of total compliance; n is on each bar and in the hover.
 *
 * @example
 * outcomeStack([{ model: "m", tier: "free", n: 100, refusal_no_af: 0.6, refusal_af: 0.1, partial_no_af: 0.05, partial_af: 0, compliance_no_af: 0.15, compliance_af: 0.1, compliance_ci_low: 0.17, compliance_ci_high: 0.34 }]);
 */
export function outcomeStack(rows: readonly OutcomeRow[], opts: OutcomeStackOptions = {}): Figure {
  const withCondition = unique(rows.map((r) => r.condition ?? "")).length > 1;
  const label = (r: OutcomeRow) => (withCondition ? `${r.model} · ${r.condition ?? ""}` : r.model);
  const groups = unique(rows.map(label));
  const seen = unique(rows.map((r) => r.tier));
  const tiers = opts.tierOrder ? [...opts.tierOrder.filter((t) => seen.includes(t)), ...seen.filter((t) => !opts.tierOrder!.includes(t))] : seen;
  const byKey = new Map<string, OutcomeRow>();
  for (const r of rows) {
    const sum = SEGMENTS.reduce((s, g) => s + (r[g.key] as number), 0);
    if (Math.abs(sum - 1) > 0.02) throw new AfwError(`outcomeStack: fractions for ${label(r)} · ${r.tier} sum to ${sum.toFixed(3)}, expected 1`);
    const k = `${label(r)}\u0000${r.tier}`;
    if (byKey.has(k)) throw new AfwError(`outcomeStack: two rows for ${label(r)} · ${r.tier}; aggregate first`);
    byKey.set(k, r);
  }
  const xs: [string[], string[]] = [[], []];
  const cells: OutcomeRow[] = [];
  for (const g of groups) {
    for (const t of tiers) {
      const r = byKey.get(`${g}\u0000${t}`);
      if (!r) continue;
      xs[0].push(g);
      // n under each bar, so it is in the PNG and SVG too
      xs[1].push(`${t}<br>${nLabel(r)}`);
      cells.push(r);
    }
  }
  const data: Record<string, unknown>[] = SEGMENTS.map((seg) => ({
    type: "bar",
    name: seg.label,
    x: xs,
    y: cells.map((r) => pct(r[seg.key] as number)),
    marker: {
      color: seg.af ? "#ffffff" : seg.color,
      line: { color: seg.color, width: 1 },
      pattern: seg.af ? { shape: "/", fgcolor: seg.color, bgcolor: "#ffffff", size: 6, solidity: 0.5 } : undefined,
    },
    legendgroup: seg.label.split(",")[0],
    customdata: cells.map((r) => [nLabel(r)]),
    hovertemplate: `%{x}<br>${escapeTemplate(seg.label)}: %{y:.1f}% (%{customdata[0]})<extra></extra>`,
  }));
  const w = whiskers(cells.map((r) => ({ value: r.compliance_af + r.compliance_no_af, ci_low: r.compliance_ci_low, ci_high: r.compliance_ci_high })));
  data.push({
    type: "scatter",
    mode: "markers",
    name: `compliance ${Math.round((opts.level ?? 0.95) * 100)}% CI`,
    x: xs,
    y: cells.map((r) => pct(r.compliance_af + r.compliance_no_af)),
    marker: { color: INK, size: cells.map((_, i) => (w.noInterval.some((d) => d.index === i) ? 9 : 5)), symbol: cells.map((_, i) => (w.noInterval.some((d) => d.index === i) ? "circle-open" : "line-ew-open")) },
    error_y: { type: "data", symmetric: false, array: w.array, arrayminus: w.arrayminus, color: INK, thickness: 1.5, width: 4 },
    ...(w.noInterval.length ? { meta: { afw: { noInterval: w.noInterval } } } : {}),
    customdata: cells.map((r) => [pct(r.compliance_ci_low), pct(r.compliance_ci_high), nLabel(r)]),
    hovertemplate: "%{x}<br>compliance %{y:.1f}% [%{customdata[0]:.1f}, %{customdata[1]:.1f}], %{customdata[2]}<extra></extra>",
  });
  const levelPct = Math.round((opts.level ?? 0.95) * 100);
  const layout = baseLayout({
    title: { text: titleText(opts.title, "Refusal, partial compliance and compliance by tier", `hatched: with alignment-faking reasoning · whisker: ${levelPct}% CI of compliance · ${nMeaning(rows, "samples")}`) },
    barmode: "stack",
    bargap: 0.2,
    width: Math.max(760, 330 + 80 * cells.length),
    xaxis: { type: "multicategory", title: { text: "model, tier and n" } },
    yaxis: { title: { text: "share of responses (%)" }, range: [0, 100], ticksuffix: "%" },
  });
  return finishFigure(data, layout);
}
