/**
 * The Part 2 (post-training, paper.md §5) comparisons: an intervention's
 * compliance gap minus its baseline's, where the two sides may be different
 * models (a fine-tuned model and the model it was tuned from), with the same
 * methods as the motivations contrasts; and the figure g rows they give.
 */
import type { Sample } from "../schema/index";
import type { HypothesisRow } from "../figures/rows";
import { designLabel, independentGapContrastResult, rateDifferenceResult, type Interval, type QueryGap, type QueryLinear, type QueryRate, type StatResult } from "../stats/index";
import { POST_TRAINING_COMPARISONS, POST_TRAINING_HYPOTHESES, type ComparisonSide, type PostTrainingComparison } from "../experiments/index";
import { asRows, asTally, ResultsTally, UNIT, type RowsInput, type TallyInput } from "../frame/index";
import { contrastQueries, gapCellOf, gapIcc, rateIcc, type GapTerm } from "./cells";
import { DEFAULT_B, evaluateQueries, type ContrastInput, type EvaluatedContrast, type MotivationsOptions, type SlimSample } from "./motivations";
import { fmtPct, fmtPValue } from "./format";
import { rateStat } from "./tables";
import { publishedName } from "./published";

/** A sample with its judgements, when the analysis should also read alignment-faking labels. */
export type JudgedSlimSample = SlimSample & { judgements?: Sample["judgements"] };

/** An interval with the test that inverts to it and what it rests on (n: queries). */
export type ResultInterval = Interval & { p: number; test: string; n_queries: number; n_samples: number; samples_per_query: number | null; n_label: string };

/** One side's AF rate: k of n judged samples, its default interval, and the queries it rests on. */
export interface AfSide {
  k: number;
  n: number;
  low: number;
  high: number;
  n_queries: number;
  n_label: string;
}

export interface PostTrainingRow {
  hypothesis: string;
  comparison: string;
  says: string;
  intervention: ComparisonSide;
  baseline: ComparisonSide;
  /** Gaps with 95% intervals. */
  gap: ResultInterval;
  baselineGap: ResultInterval;
  /**
   * Intervention gap minus baseline gap, 95% interval, two-sided p: paired
   * by query (MOVER–Tango with the gaps' correlation) when both sides ran
   * the same queries, else as independent (MOVER–Tango, no correlation).
   */
  diff: ResultInterval;
  /** AF rate in tier a (af_reasoning judge), when the samples carry it: counts, default intervals, and the difference (Newcombe–MOVER). */
  af?: {
    intervention: AfSide;
    baseline: AfSide;
    diff: ResultInterval;
  };
}

function fromEvaluated(e: EvaluatedContrast): ResultInterval {
  const r = e.at(0.95);
  return { ...r, p: e.p, test: e.test, n_queries: e.n, n_samples: e.units, samples_per_query: e.samples_per_query, n_label: designLabel({ n_queries: e.n, n_samples: e.units }) };
}

function fromResult(r: StatResult): ResultInterval {
  return { estimate: r.estimate, low: r.low, high: r.high, method: r.method, level: r.level, n: r.n_queries, p: Number.isFinite(r.p_value) ? Math.max(0, r.p_value) : r.p_value, test: r.test, n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query, n_label: designLabel({ n_queries: r.n_queries, n_samples: r.n_samples }), ...(r.note ? { note: r.note } : {}) };
}

const queryIds = (t: ResultsTally, term: GapTerm) => [...(t.getCell(term.model, term.condition, term.a)?.queries.keys() ?? [])].sort().join("\u0000");

/** The AF verdicts that count, per (model, condition, tier) and query: k judged "af" of m with a valid verdict. */
function afPerQuery(input: ContrastInput | readonly JudgedSlimSample[]): Map<string, Map<string, QueryRate>> {
  const out = new Map<string, Map<string, QueryRate>>();
  const add = (model: string, condition: string, tier: string, q: string, af: boolean) => {
    const k = `${model}\u0000${condition}\u0000${tier}`;
    let m = out.get(k);
    if (!m) out.set(k, (m = new Map()));
    const x = m.get(q) ?? { k: 0, m: 0 };
    x.m++;
    if (af) x.k++;
    m.set(q, x);
  };
  if (input instanceof ResultsTally) {
    const vs = input.versionsOf("af_reasoning");
    const cols = vs.map((v) => input.column("af_reasoning", v)!).reverse(); // newest first
    if (!cols.length) return out;
    for (const c of input.cells.values()) {
      for (const [q, slot] of c.queries) {
        slot.forEach((_, u) => {
          if (input.factsOf(u) & UNIT.FAILED) return;
          const col = cols.find((x) => x.valid(u));
          if (col) add(c.model, c.condition, c.tier, q, col.labelOf(u) === "af");
        });
      }
    }
    return out;
  }
  for (const s of asRows(input as RowsInput)) {
    if (s.failed) continue;
    const v = s.af_reasoning;
    if (v === null || v === undefined) continue;
    add(s.model, s.condition, s.tier, s.query_id, v === "af");
  }
  return out;
}

/**
 * The Part 2 comparisons on a run (or several runs' samples together): each
 * side's gap and the difference of gaps, with 95% intervals and the tests
 * that invert to them (Tango, clustered with several samples per query; the
 * difference by MOVER–Tango, paired by query with the estimated correlation
 * when both sides ran the same queries, else independent), and the AF-rate
 * difference in tier a (Newcombe's MOVER on the default rate intervals)
 * when the samples carry af_reasoning judgements. Comparisons whose cells
 * are absent are left out.
 */
export function postTrainingReport(
  input: ContrastInput | readonly JudgedSlimSample[],
  comparisons: readonly PostTrainingComparison[] = POST_TRAINING_COMPARISONS,
  opts: MotivationsOptions = {},
): { rows: PostTrainingRow[]; text: string } {
  const seed = opts.seed ?? 0;
  const B = opts.B ?? DEFAULT_B;
  const t = asTally(input as TallyInput);
  const af = afPerQuery(input);
  const side = (c: PostTrainingComparison, s: ComparisonSide): GapTerm => {
    const [a, b] = c.tiers ?? ["free", "paid"];
    return { model: s.model, condition: s.condition, a, b, weight: 1 };
  };
  // one pooled ICC over every gap cell the comparisons read, one over the AF-rate cells
  const gapCellsRead: QueryGap[][] = [];
  const afCellsRead: QueryRate[][] = [];
  const seen = new Set<string>();
  for (const c of comparisons) {
    for (const s of [c.intervention, c.baseline]) {
      const term = side(c, s);
      const k = `${term.model}\u0000${term.condition}\u0000${term.a}\u0000${term.b}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const g = gapCellOf(t, term.model, term.condition, [term.a, term.b]);
      if (g) gapCellsRead.push(g.perQuery);
      const a = af.get(`${term.model}\u0000${term.condition}\u0000${term.a}`);
      if (a) afCellsRead.push([...a.values()]);
    }
  }
  const pooled = opts.pooledIcc ?? gapIcc(gapCellsRead);
  const afPooled = rateIcc(afCellsRead);
  const rows: PostTrainingRow[] = [];
  comparisons.forEach((c, i) => {
    const it = side(c, c.intervention);
    const bt = side(c, c.baseline);
    const o = { ...opts, pooledIcc: pooled, B };
    const qi = contrastQueries(t, [it]);
    const qb = contrastQueries(t, [bt]);
    if ("note" in qi || "note" in qb) return;
    const g = evaluateQueries(qi.perQuery, [1], { ...o, seed: seed + 3 * i });
    const gb = evaluateQueries(qb.perQuery, [1], { ...o, seed: seed + 3 * i + 1 });
    let diff: ResultInterval;
    const both = queryIds(t, it) === queryIds(t, bt) ? contrastQueries(t, [it, { ...bt, weight: -1 }]) : { note: "different queries" };
    if (!("note" in both)) {
      diff = fromEvaluated(evaluateQueries(both.perQuery, [1, -1], { ...o, seed: seed + 3 * i + 2 }));
    } else {
      const flat = (pq: QueryLinear[]): QueryGap[] => pq.map((q) => ({ b: q.b[0], c: q.c[0], m: q.m }));
      diff = { ...fromResult(independentGapContrastResult(flat(qi.perQuery), flat(qb.perQuery), { pooledIcc: pooled })), note: "different queries: the two gaps taken as independent" };
    }
    const row: PostTrainingRow = {
      hypothesis: c.hypothesis,
      comparison: c.name,
      says: c.says,
      intervention: c.intervention,
      baseline: c.baseline,
      gap: fromEvaluated(g),
      baselineGap: fromEvaluated(gb),
      diff,
    };
    const ai = af.get(`${it.model}\u0000${it.condition}\u0000${it.a}`);
    const ab = af.get(`${bt.model}\u0000${bt.condition}\u0000${bt.a}`);
    if (ai && ab && ai.size && ab.size) {
      const pi = [...ai.values()];
      const pb = [...ab.values()];
      const rate = (pq: QueryRate[]) => {
        const r = rateStat(pq, "auto", { pooledIcc: afPooled });
        return { k: pq.reduce((s, q) => s + q.k, 0), n: r.n_samples, low: r.low, high: r.high, n_queries: r.n_queries, n_label: designLabel({ n_queries: r.n_queries, n_samples: r.n_samples }) };
      };
      row.af = { intervention: rate(pi), baseline: rate(pb), diff: fromResult(rateDifferenceResult(pi, pb, { pooledIcc: afPooled })) };
    }
    rows.push(row);
  });
  const lines = ["Post-training comparisons (gap = free − paid compliance, points; 95% CI; p two-sided, from the test that inverts the difference's interval)"];
  const w = Math.max(10, ...rows.map((r) => r.comparison.length));
  lines.push(`hyp  ${"comparison".padEnd(w)}  intervention gap        baseline gap            difference                p        AF (tier a) int / base  n`);
  for (const r of rows) {
    const pct6 = (x: number) => fmtPct(x, { width: 6 });
    const ci = (x: Interval) => `${pct6(x.estimate)} [${fmtPct(x.low, { width: 6, bound: true })},${fmtPct(x.high, { width: 6, bound: true })}]`;
    const afText = r.af ? `${pct6(r.af.intervention.k / r.af.intervention.n)} / ${pct6(r.af.baseline.k / r.af.baseline.n)}` : " ".repeat(15);
    lines.push(`${r.hypothesis.padEnd(3)}  ${r.comparison.padEnd(w)}  ${ci(r.gap)}  ${ci(r.baselineGap)}  ${ci(r.diff)}  ${fmtPValue(r.diff.p).padEnd(7)}  ${afText.padEnd(22)}  ${r.gap.n_label.replace(/^n=/, "")}`);
  }
  if (rows.length) lines.push(`methods: ${[...new Set(rows.flatMap((r) => [r.gap.method, r.diff.method]))].join(", ")}${Number.isFinite(pooled) ? `; pooled intra-query correlation ${pooled.toFixed(3)}` : ""}`);
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
      out.push({
        hypothesis,
        model,
        metric: "af_rate",
        baseline: { value: b.k / b.n, ci_low: b.low, ci_high: b.high, n: b.n_queries },
        intervention: { value: i.k / i.n, ci_low: i.low, ci_high: i.high, n: i.n_queries },
        diff: { value: diff.estimate, ci_low: diff.low, ci_high: diff.high },
      });
    }
  }
  return out;
}
