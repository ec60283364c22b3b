/**
 * The Part 2 (post-training, paper.md §5) comparisons: an intervention's
 * compliance gap minus its baseline's, where the two sides may be different
 * models (a fine-tuned model and the model it was tuned from), with the same
 * methods as the motivations contrasts; and the figure g rows they give.
 */
import type { Sample } from "../schema/index";
import type { HypothesisRow } from "../figures/rows";
import { rateDifferenceInterval, rateInterval, type Interval } from "../stats/index";
import { POST_TRAINING_COMPARISONS, POST_TRAINING_HYPOTHESES, type ComparisonSide, type PostTrainingComparison } from "../experiments/index";
import { asRows, type RowsInput } from "../frame/index";
import { contrastIndex, DEFAULT_B, evaluateContrastFull, fmtP, pct6, type ContrastInput, type MotivationsOptions, type SlimSample } from "./motivations";
import { publishedName } from "./published";

/** A sample with its judgements, when the analysis should also read alignment-faking labels. */
export type JudgedSlimSample = SlimSample & { judgements?: Sample["judgements"] };

export interface PostTrainingRow {
  hypothesis: string;
  comparison: string;
  says: string;
  intervention: ComparisonSide;
  baseline: ComparisonSide;
  /** Gaps with 95% intervals. */
  gap: Interval;
  baselineGap: Interval;
  /** Intervention gap minus baseline gap, 95% interval, two-sided p. */
  diff: Interval & { p: number };
  /** AF rate in tier a (af_reasoning judge), when the samples carry it. */
  af?: { intervention: { k: number; n: number }; baseline: { k: number; n: number }; diff: Interval };
}

/**
 * The Part 2 comparisons on a run (or several runs' samples together): each
 * side's gap and the difference of gaps, with 95% intervals (same methods
 * as the motivations contrasts: Tango for one gap with one sample per
 * query, else the cluster bootstrap over queries, which pairs the two sides
 * by query), and the AF-rate difference in tier a (Newcombe) when the
 * samples carry af_reasoning judgements. Comparisons whose cells are absent
 * are left out.
 */
export function postTrainingReport(
  input: ContrastInput | readonly JudgedSlimSample[],
  comparisons: readonly PostTrainingComparison[] = POST_TRAINING_COMPARISONS,
  opts: MotivationsOptions = {},
): { rows: PostTrainingRow[]; text: string } {
  const seed = opts.seed ?? 0;
  const B = opts.B ?? DEFAULT_B;
  const list = asRows(input as RowsInput);
  const key = (m: string, c: string) => `${m}\u0000${c}`;
  const idx = contrastIndex(list, () => "all", (s) => key(s.model, s.condition)).get("all") ?? new Map<string, Map<string, Map<string, number>>>();
  const af = new Map<string, { k: number; n: number }>();
  for (const s of list) {
    if (s.failed) continue;
    const v = s.af_reasoning;
    if (v === null || v === undefined) continue;
    const l = v === "af";
    const k = key(s.model, s.condition) + "\u0000" + s.tier;
    const a = af.get(k) ?? { k: 0, n: 0 };
    a.n++;
    if (l) a.k++;
    af.set(k, a);
  }
  const rows: PostTrainingRow[] = [];
  comparisons.forEach((c, i) => {
    const [ta, tb] = c.tiers ?? ["free", "paid"];
    const ik = key(c.intervention.model, c.intervention.condition);
    const bk = key(c.baseline.model, c.baseline.condition);
    const g = evaluateContrastFull(idx, { name: c.name, says: c.says, terms: [{ condition: ik, a: ta, b: tb, weight: 1 }] }, { seed: seed + 3 * i, B });
    const gb = evaluateContrastFull(idx, { name: c.name, says: c.says, terms: [{ condition: bk, a: ta, b: tb, weight: 1 }] }, { seed: seed + 3 * i + 1, B });
    const d = evaluateContrastFull(
      idx,
      { name: c.name, says: c.says, terms: [{ condition: ik, a: ta, b: tb, weight: 1 }, { condition: bk, a: ta, b: tb, weight: -1 }] },
      { seed: seed + 3 * i + 2, B },
    );
    if (g.method === "missing" || gb.method === "missing" || d.method === "missing") return;
    const row: PostTrainingRow = {
      hypothesis: c.hypothesis,
      comparison: c.name,
      says: c.says,
      intervention: c.intervention,
      baseline: c.baseline,
      gap: g.at(0.95),
      baselineGap: gb.at(0.95),
      diff: { ...d.at(0.95), p: d.p },
    };
    const ai = af.get(ik + "\u0000" + ta);
    const ab = af.get(bk + "\u0000" + ta);
    if (ai && ab && ai.n && ab.n) row.af = { intervention: ai, baseline: ab, diff: rateDifferenceInterval(ai.k, ai.n, ab.k, ab.n) };
    rows.push(row);
  });
  const lines = ["Post-training comparisons (gap = free − paid compliance, points; 95% CI; p two-sided)"];
  const w = Math.max(10, ...rows.map((r) => r.comparison.length));
  lines.push(`hyp  ${"comparison".padEnd(w)}  intervention gap        baseline gap            difference                p       AF (tier a) int / base`);
  for (const r of rows) {
    const ci = (x: Interval) => `${pct6(x.estimate)} [${pct6(x.low)},${pct6(x.high)}]`;
    const afText = r.af ? `${pct6(r.af.intervention.k / r.af.intervention.n)} / ${pct6(r.af.baseline.k / r.af.baseline.n)}` : "";
    lines.push(`${r.hypothesis.padEnd(3)}  ${r.comparison.padEnd(w)}  ${ci(r.gap)}  ${ci(r.baselineGap)}  ${ci(r.diff)}  ${fmtP(r.diff.p).padEnd(6)}  ${afText}`);
  }
  return { rows, text: lines.join("\n") };
}

/**
 * Figure g rows from `postTrainingReport` rows: per comparison the
 * compliance gap of the baseline and the intervention and their difference
 * (95% CIs as the report computed them), plus the tier-a AF rates (the
 * default rate interval) and their difference (Newcombe) when judged.
 * Labels stay short (the panels are narrow): the comparison's name, plus the
 * model when several models share it.
 *
 * @example hypothesisPanels(postTrainingRows(postTrainingReport(rows).rows));
 */
export function postTrainingRows(rows: readonly PostTrainingRow[]): HypothesisRow[] {
  const out: HypothesisRow[] = [];
  const shared = new Map<string, number>();
  for (const r of rows) shared.set(`${r.hypothesis} ${r.comparison}`, (shared.get(`${r.hypothesis} ${r.comparison}`) ?? 0) + 1);
  for (const r of rows) {
    const hypothesis = POST_TRAINING_HYPOTHESES[r.hypothesis] ?? r.hypothesis;
    const model = (shared.get(`${r.hypothesis} ${r.comparison}`) ?? 0) > 1 ? `${r.comparison} · ${publishedName(r.intervention.model)}` : r.comparison;
    out.push({
      hypothesis,
      model,
      metric: "gap",
      baseline: { value: r.baselineGap.estimate, ci_low: r.baselineGap.low, ci_high: r.baselineGap.high, n: r.baselineGap.n },
      intervention: { value: r.gap.estimate, ci_low: r.gap.low, ci_high: r.gap.high, n: r.gap.n },
      diff: { value: r.diff.estimate, ci_low: r.diff.low, ci_high: r.diff.high },
    });
    if (r.af) {
      const { intervention: i, baseline: b, diff } = r.af;
      const ri = rateInterval(i.k, i.n);
      const rb = rateInterval(b.k, b.n);
      out.push({
        hypothesis,
        model,
        metric: "af_rate",
        baseline: { value: b.k / b.n, ci_low: rb.low, ci_high: rb.high, n: b.n },
        intervention: { value: i.k / i.n, ci_low: ri.low, ci_high: ri.high, n: i.n },
        diff: { value: diff.estimate, ci_low: diff.low, ci_high: diff.high },
      });
    }
  }
  return out;
}
