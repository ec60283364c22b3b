/**
 * Contrast rows with the facts of the condition each is computed in: a
 * single-term contrast (one gap in one condition) takes its condition's
 * factors from the experiment, so figures d and e can be drawn from the
 * motivations contrasts without reading anything out of a contrast's name.
 */
import type { MetricRow, ScopeRiskRow } from "../figures/rows";
import type { Experiment, Factors } from "../experiments/index";
import type { ContrastRow } from "./motivations";

/** A contrast row, the one condition it is computed in, and that condition's factors. */
export type FactoredContrastRow = ContrastRow & { condition: string; factors: Factors };

/**
 * The single-term contrast rows (one gap in one condition), each with its
 * condition and the condition's factors, in report order.
 *
 * @example contrastFactorRows(report.contrasts, getExperiment("motivations")).filter((c) => c.factors.scenario === "throughput")
 */
export function contrastFactorRows(rows: readonly ContrastRow[], e: Pick<Experiment, "conditions" | "contrasts">): FactoredContrastRow[] {
  const out: FactoredContrastRow[] = [];
  for (const r of rows) {
    const spec = e.contrasts.find((c) => c.name === r.contrast);
    if (!spec || spec.terms.length !== 1) continue;
    const condition = spec.terms[0].condition;
    out.push({ ...r, condition, factors: e.conditions.find((c) => c.name === condition)?.factors ?? {} });
  }
  return out;
}

/**
 * Figure d rows from contrasts: each single-term gap in a condition with
 * scope and risk factors (the deployment grid).
 * @example gapByScopeRisk(scopeRiskContrastRows(report.contrasts, getExperiment("motivations")))
 */
export function scopeRiskContrastRows(rows: readonly ContrastRow[], e: Pick<Experiment, "conditions" | "contrasts">): ScopeRiskRow[] {
  return contrastFactorRows(rows, e)
    .filter((c) => typeof c.factors.scope === "string" && typeof c.factors.risk === "string")
    .map((c) => ({ model: c.model, scope: c.factors.scope as string, risk: c.factors.risk as string, value: c.estimate, ci_low: c.low, ci_high: c.high, n: c.n_queries }));
}

/**
 * Figure e rows (metric "gap") from the named single-term contrasts, in the
 * order named, grouped by their condition's `scenario` factor.
 * @example scenarioResults(scenarioContrastRows(report.contrasts, e, ["gap-public", "gap-throughput", "gap-deleted"]))
 */
export function scenarioContrastRows(rows: readonly ContrastRow[], e: Pick<Experiment, "conditions" | "contrasts">, contrasts: readonly string[]): MetricRow[] {
  const factored = contrastFactorRows(rows, e);
  const out: MetricRow[] = [];
  for (const name of contrasts) {
    for (const c of factored.filter((x) => x.contrast === name && typeof x.factors.scenario === "string")) {
      out.push({ model: c.model, group: c.factors.scenario as string, metric: "gap", value: c.estimate, ci_low: c.low, ci_high: c.high, n: c.n_queries });
    }
  }
  return out;
}
