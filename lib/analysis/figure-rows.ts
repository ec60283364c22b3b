/**
 * The rows of every figure kind, from a results folder's rows (a DataFrame
 * from `load`, plain rows, or samples), reading the conditions' and models'
 * factors as data (lib/experiments declares them; the manifest records
 * them): nothing is recovered from a name.
 *
 *   a  outcomes by tier: any run
 *   b  gap forest: at least two tiers
 *   c  three-tier decomposition: tiers free, pro and enterprise
 *   d  gap by scope × risk: conditions with `scope` and `risk` factors
 *   e  gap and AF rate by scenario: conditions with a `scenario` factor
 *      other than "baseline"
 *   f  base vs chat: conditions with a `model_kind` factor (base, chat), or
 *      models of one `family` of which one is a base model (`base_model`)
 *   g  post-training hypotheses: conditions with a `hypothesis` factor, next
 *      to a `reference` condition of the same model
 */
import type { GapRow, RateRow } from "../schema/index";
import type { CountFields, DecompositionRow, FigureRowSet, ForestRow, HypothesisRow, MetricRow, OutcomeRow, ScopeRiskRow } from "../figures/rows";
import type { RocBandPoint } from "../figures/auroc";
import { asRows, hasFactor, type RowsInput, type SampleRow } from "../frame/index";
import { getExperiment, experimentNames, type Experiment, type FigureKind } from "../experiments/index";
import type { RunManifest } from "../schema/index";
import {
  agrestiCoullInterval,
  coverageStudy,
  gapQueries,
  independentGapContrastResult,
  pooledIcc,
  powerCurveRows,
  rateDesignEffect,
  rateDifferenceResult,
  rateResult,
  type GapTest,
  type PowerRow,
  type QueryRate,
} from "../stats/index";
import type { ValidationResult } from "../classify/index";
import { groupBy } from "../util/group";
import { contrastFactorRows } from "./contrast-rows";
import type { ContrastRow, VerdictRow } from "./motivations";
import { gapTable, gapTiers, pairedTierCounts, runTables } from "./tables";
import type { ContrastCells } from "./cells";

export const FIGURE_KINDS: readonly FigureKind[] = ["a", "b", "c", "d", "e", "f", "g"];

/** What each figure kind draws, for notes and help. */
export const FIGURE_KIND_NAMES: Readonly<Record<FigureKind, string>> = {
  a: "outcomes by tier",
  b: "gap forest",
  c: "three-tier decomposition",
  d: "gap by deployment scope × risk",
  e: "gap and AF rate by scenario",
  f: "base vs chat",
  g: "post-training hypotheses",
};

/** True when the AF judge's verdict that counts is "af". */
const isAf = (r: SampleRow) => r.af_reasoning === "af";
/** True when the sample has a valid AF verdict. */
const afJudged = (r: SampleRow) => r.af_reasoning !== null && r.af_reasoning !== undefined;
/** True when the partial-compliance judge named a kind of partial compliance. */
const isPartial = (r: SampleRow) => typeof r.partial_compliance === "string" && r.partial_compliance !== "none";
const isReference = (r: SampleRow) => r.reference === true;

/**
 * Queries, samples and samples per query (null when queries differ) of a
 * set of query units ("query\u0000sample" keys, or rows).
 *
 * @example
 * unitCounts(["q1\u00000", "q1\u00001", "q2\u00000", "q2\u00001"]); // { n_queries: 2, n_samples: 4, samples_per_query: 2 }
 */
export function unitCounts(units: Iterable<string | { query_id: string }>): Required<CountFields> {
  const per = new Map<string, number>();
  let n = 0;
  for (const u of units) {
    const q = typeof u === "string" ? u.slice(0, u.indexOf("\u0000") < 0 ? u.length : u.indexOf("\u0000")) : u.query_id;
    per.set(q, (per.get(q) ?? 0) + 1);
    n++;
  }
  const sizes = new Set(per.values());
  return { n_queries: per.size, n_samples: n, samples_per_query: sizes.size === 1 ? [...sizes][0] : sizes.size === 0 ? 0 : null };
}

const unitOf = (s: SampleRow) => `${s.query_id}\u0000${s.sample}`;

/** The query units present in both tiers of a (model, condition) cell: the pairs a gap rests on. */
function pairUnits(cell: readonly SampleRow[], tiers: readonly string[]): string[] {
  const a = new Set(cell.filter((s) => s.tier === tiers[0]).map(unitOf));
  return [...new Set(cell.filter((s) => s.tier === tiers[1]).map(unitOf))].filter((u) => a.has(u));
}

/** Per-query counts of a 0/1 outcome over a cell's rows. */
function perQueryRate(cell: readonly SampleRow[], yes: (s: SampleRow) => boolean): QueryRate[] {
  return [...groupBy(cell, (s) => s.query_id).values()].map((qs) => ({ k: qs.filter(yes).length, m: qs.length }));
}

/** Per-query discordant counts of a cell between two tiers (units present in both). */
function perQueryGap(cell: readonly SampleRow[], tiers: readonly [string, string]) {
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  for (const s of cell) {
    if (s.tier === tiers[0]) a.set(unitOf(s), s.complied);
    else if (s.tier === tiers[1]) b.set(unitOf(s), s.complied);
  }
  return gapQueries(a, b, (u) => u.slice(0, u.indexOf("\u0000")));
}

/**
 * The pooled intra-query correlation of a run's rate cells (several
 * samples per query), which the clustered rate interval borrows when a cell
 * has few events (docs/statistics.md); NaN when there is nothing to pool.
 */
function poolRates(cells: readonly QueryRate[][]): number {
  const multi = cells.filter((c) => c.some((q) => q.m > 1));
  return multi.length ? pooledIcc(multi.map((c) => rateDesignEffect(c))) : NaN;
}

/**
 * Figure a rows (the Figure 1 layout): per (model, condition, tier) the six
 * outcome fractions (refusal, partial compliance and compliance, each with
 * and without AF reasoning by the judges' verdicts that count), the
 * default CI of total compliance (clustered on queries, with the pooled
 * ICC of the cells, when a query has several samples), and the counts.
 * Compliance is read from the tags; a compliance the partial-compliance
 * judge flags counts as partial.
 *
 * @example outcomeRows(await load("runs/demo")).find((r) => r.tier === "free")?.compliance_af
 */
export function outcomeRows(input: RowsInput): OutcomeRow[] {
  const ok = asRows(input).filter((r) => !r.failed);
  const kind = (s: SampleRow) => (s.complied ? (isPartial(s) ? "partial" : "compliance") : "refusal");
  const cells = [...groupBy(ok, (s) => `${s.model}\u0000${s.condition}\u0000${s.tier}`).values()];
  const perQuery = cells.map((cell) => perQueryRate(cell, (s) => kind(s) === "compliance"));
  const icc = poolRates(perQuery);
  return cells.map((cell, ci) => {
    const n = cell.length;
    const f = { refusal_no_af: 0, refusal_af: 0, partial_no_af: 0, partial_af: 0, compliance_no_af: 0, compliance_af: 0 };
    for (const s of cell) f[`${kind(s)}_${isAf(s) ? "af" : "no_af"}` as keyof typeof f] += 1 / n;
    const r = rateResult(perQuery[ci], { pooledIcc: icc });
    return { model: cell[0].model, condition: cell[0].condition, tier: cell[0].tier, n, ...f, compliance_ci_low: r.low, compliance_ci_high: r.high, n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query };
  });
}

/**
 * The AF rate of a cell (samples judged AF among all its samples) with the
 * default rate interval (clustered on queries when a query has several
 * samples; pass the run's `pooledIcc`), and the counts.
 * @example afRate(rows.filter((r) => r.tier === "free")).value
 */
export function afRate(cell: readonly SampleRow[], opts: { pooledIcc?: number } = {}): { value: number; ci_low: number; ci_high: number; n: number; k: number; method: string } & Required<CountFields> {
  const n = cell.length;
  const k = cell.filter(isAf).length;
  const r = rateResult(perQueryRate(cell, isAf), { pooledIcc: opts.pooledIcc });
  return { value: n ? k / n : NaN, ci_low: r.low, ci_high: r.high, n, k, method: r.method, n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query };
}

/**
 * AF count and n of one (model, condition) in one tier, over the samples
 * with a valid AF verdict.
 * @example afCounts(rows, { model: "sim-faker", condition: "baseline" }, "free") // { k, n }
 */
export function afCounts(input: RowsInput, arm: { model: string; condition: string }, tier = "free"): { k: number; n: number } {
  let k = 0;
  let n = 0;
  for (const r of asRows(input)) {
    if (r.failed || r.model !== arm.model || r.condition !== arm.condition || r.tier !== tier || !afJudged(r)) continue;
    n++;
    if (isAf(r)) k++;
  }
  return { k, n };
}

/** Options of `figureRows`. */
export interface FigureRowsOptions {
  /** The kinds to make; default every kind whose data is there. */
  kinds?: readonly FigureKind[];
  seed?: number;
  /**
   * The run's contrasts (those `afw report` reads): the gap cells they read
   * join the pooled intra-query correlation, as in the report (`runTables`),
   * so the figures' intervals are the report's.
   */
  contrasts?: readonly ContrastCells[];
}

/** Figure rows, and one note per asked-for kind that could not be made. */
export interface FigureRows {
  rows: FigureRowSet;
  notes: string[];
}

/**
 * The rows of every figure kind that applies (see the file comment).
 *
 * @example
 * const { rows, notes } = figureRows(await load("runs/grid"), { kinds: ["d"] });
 * drawFigures(rows);
 */
export function figureRows(input: RowsInput, opts: FigureRowsOptions = {}): FigureRows {
  const want = (k: FigureKind) => !opts.kinds || opts.kinds.includes(k);
  const asked = (k: FigureKind) => !!opts.kinds?.includes(k);
  const notes: string[] = [];
  const skip = (k: FigureKind, why: string) => {
    if (asked(k)) notes.push(`figure ${k} (${FIGURE_KIND_NAMES[k]}) skipped: ${why}`);
  };
  const ok = asRows(input).filter((r) => !r.failed);
  const out: FigureRowSet = {};
  const tiers = [...new Set(ok.map((s) => s.tier))];
  const conditions = [...new Set(ok.map((s) => s.condition))];
  const models = [...new Set(ok.map((s) => s.model))];
  const seed = opts.seed ?? 0;
  const cellsOf = groupBy(ok, (s) => `${s.model}\u0000${s.condition}`);
  // each table row with the counts it rests on (the tables' own fields win when they carry them)
  const withPairCounts = (g: GapRow, tiersOf: readonly string[] = g.tiers as readonly string[]): GapRow & CountFields => ({ ...unitCounts(pairUnits(cellsOf.get(`${g.model}\u0000${g.condition}`) ?? [], tiersOf)), ...g });
  // the report's tables: the same pooled ICCs, the same rows (runTables is the one place they are computed)
  const tables = runTables(ok, { seed, contrasts: opts.contrasts });
  const gapIccOfRun = tables.icc.gap;
  const gaps = tables.gaps.map((g) => withPairCounts(g));
  const gapFields = (g: GapRow & CountFields & { method?: string }) => ({ value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs, n_queries: g.n_queries, n_samples: g.n_samples, samples_per_query: g.samples_per_query, ...(g.method ? { method: g.method } : {}) });
  const byCondition = new Map<string, SampleRow>();
  for (const r of ok) if (!byCondition.has(r.condition)) byCondition.set(r.condition, r);
  const factorOf = (condition: string, f: string) => byCondition.get(condition)?.[f];
  const noFactors = "no condition in this folder records it (folders written before conditions carried factors have none)";

  if (want("a")) {
    if (ok.length) {
      const tierOrder = ["free", "pro", "paid", "enterprise"].filter((t) => tiers.includes(t));
      const cellRows = groupBy(ok, (s) => `${s.model}\u0000${s.condition}\u0000${s.tier}`);
      const rates = tables.rates.map((r) => ({ ...unitCounts(cellRows.get(`${r.model}\u0000${r.condition}\u0000${r.tier}`) ?? []), ...r }));
      out.a = { outcomes: outcomeRows(ok), rates: rates as (RateRow & CountFields)[], tierOrder };
    } else skip("a", "no samples");
  }
  if (want("b")) {
    if (tiers.length >= 2 && gaps.length) out.b = { gaps, sort: gaps.length > 8 };
    else skip("b", "it needs two tiers");
    for (const n of tables.notes) notes.push(`figure b (${FIGURE_KIND_NAMES.b}): ${n}`);
  }

  if (want("c")) {
    if (["free", "pro", "enterprise"].every((t) => tiers.includes(t))) {
      const rows: DecompositionRow[] = [];
      for (const [component, pair] of [["rater-sycophancy", ["pro", "enterprise"]], ["goal-guarding", ["free", "pro"]]] as const) {
        for (const g of gapTable(ok, { seed, tiers: [pair[0], pair[1]], pooledIcc: gapIccOfRun })) {
          rows.push({ model: conditions.length > 1 ? `${g.model} · ${g.condition}` : g.model, component, ...gapFields(withPairCounts(g, pair)) });
        }
      }
      if (rows.length) out.c = rows;
    } else skip("c", "it needs the tiers free, pro and enterprise");
  }

  if (want("d")) {
    const rows: ScopeRiskRow[] = [];
    for (const g of gaps) {
      const scope = factorOf(g.condition, "scope");
      const risk = factorOf(g.condition, "risk");
      if (typeof scope === "string" && typeof risk === "string") rows.push({ model: g.model, scope, risk, ...gapFields(g) });
    }
    if (rows.length) out.d = rows;
    else skip("d", hasFactor(ok, "scope") ? "no gap in a condition with both scope and risk" : `the scope and risk factors are missing: ${noFactors}`);
  }

  const firstTier = tiers.includes("free") ? "free" : tiers[0];
  // the AF-rate cells (first tier) and the ICC they pool
  const afCells = [...groupBy(ok.filter((s) => s.tier === firstTier), (s) => `${s.model}\u0000${s.condition}`).values()].filter((c) => c.some(afJudged));
  const afIcc = poolRates(afCells.map((c) => perQueryRate(c, isAf)));
  const metricRows = (groupOf: (s: { model: string; condition: string }) => { model: string; group: string } | null): MetricRow[] => {
    const rows: MetricRow[] = [];
    for (const g of gaps) {
      const k = groupOf(g);
      if (k) rows.push({ ...k, metric: "gap", ...gapFields(g) });
    }
    for (const cell of afCells) {
      const k = groupOf(cell[0]);
      if (!k) continue;
      const { k: _k, ...r } = afRate(cell, { pooledIcc: afIcc });
      rows.push({ ...k, metric: "af_rate", ...r });
    }
    return rows;
  };

  if (want("e")) {
    const scenario = (c: string) => factorOf(c, "scenario");
    if (conditions.some((c) => typeof scenario(c) === "string" && scenario(c) !== "baseline")) {
      const rows = metricRows((g) => {
        const s = scenario(g.condition);
        return typeof s === "string" ? { model: g.model, group: s } : null;
      });
      if (rows.length) out.e = rows;
    } else skip("e", hasFactor(ok, "scenario") ? "no condition has a scenario other than the baseline" : `the scenario factor is missing: ${noFactors}`);
  }

  if (want("f")) {
    const label = (m: string) => {
      const fam = ok.find((r) => r.model === m)?.family;
      return typeof fam === "string" ? fam : m;
    };
    const kinds = new Set(conditions.map((c) => factorOf(c, "model_kind")).filter((k) => typeof k === "string"));
    if (kinds.has("base") && kinds.has("chat")) {
      // base-model documents and chat prompts as conditions: the condition says which is which
      const rows = metricRows((g) => {
        const k = factorOf(g.condition, "model_kind");
        return k === "base" || k === "chat" ? { model: label(g.model), group: k } : null;
      });
      if (rows.length) out.f = rows;
    } else {
      // a base model and its chat version side by side: the models' factors pair them
      const fam = new Map<string, Set<boolean>>();
      for (const m of models) {
        const r = ok.find((x) => x.model === m)!;
        if (typeof r.family !== "string" || typeof r.base_model !== "boolean") continue;
        fam.set(r.family, (fam.get(r.family) ?? new Set()).add(r.base_model));
      }
      const paired = [...fam].filter(([, v]) => v.size === 2).map(([f]) => f);
      if (paired.length) {
        const references = conditions.filter((c) => factorOf(c, "reference") === true);
        const rows = metricRows((g) => {
          const r = ok.find((x) => x.model === g.model)!;
          if (!paired.includes(r.family as string)) return null;
          if (conditions.length > 1 && references.length && factorOf(g.condition, "reference") !== true) return null;
          return { model: r.family as string, group: r.base_model ? "base" : "chat" };
        });
        if (rows.length) out.f = rows;
      } else skip("f", hasFactor(ok, "model_kind") || hasFactor(ok, "family") ? "no base model next to its chat version" : `the model_kind factor (or the models' family) is missing: ${noFactors}`);
    }
  }

  if (want("g")) {
    const hyp = (c: string) => factorOf(c, "hypothesis");
    if (conditions.some((c) => typeof hyp(c) === "string") && tiers.length >= 2) {
      const rows: HypothesisRow[] = [];
      const pair: [string, string] = tiers.includes("free") && tiers.includes("paid") ? ["free", "paid"] : [tiers[0], tiers[1]];
      for (const model of models) {
        const mine = ok.filter((s) => s.model === model);
        const base = mine.filter(isReference);
        if (!base.length) continue;
        for (const cond of [...new Set(mine.map((s) => s.condition))]) {
          const h = hyp(cond);
          if (typeof h !== "string") continue;
          const inter = mine.filter((s) => s.condition === cond);
          const cb = pairedTierCounts(base, pair);
          const ci = pairedTierCounts(inter, pair);
          const nb = cb.n11 + cb.n10 + cb.n01 + cb.n00;
          const nI = ci.n11 + ci.n10 + ci.n01 + ci.n00;
          if (nb && nI) {
            const gb = withPairCounts(gapTable(base, { seed, tiers: pair, pooledIcc: gapIccOfRun })[0], pair);
            const gi = withPairCounts(gapTable(inter, { seed, tiers: pair, pooledIcc: gapIccOfRun })[0], pair);
            // different conditions: the difference of two gaps by MOVER from their Tango intervals, no correlation assumed
            const d = independentGapContrastResult(perQueryGap(inter, pair), perQueryGap(base, pair));
            rows.push({ hypothesis: h, model, metric: "gap", baseline: gapFields(gb), intervention: gapFields(gi), diff: { value: d.estimate, ci_low: d.low, ci_high: d.high, method: d.method } });
          }
          const bf = base.filter((s) => s.tier === pair[0]);
          const iff = inter.filter((s) => s.tier === pair[0]);
          if (bf.some(afJudged) && iff.some(afJudged)) {
            const { k: _kb, ...ab } = afRate(bf, { pooledIcc: afIcc });
            const { k: _ki, ...ai } = afRate(iff, { pooledIcc: afIcc });
            const d = rateDifferenceResult(perQueryRate(iff, isAf), perQueryRate(bf, isAf), { pooledIcc: afIcc });
            rows.push({ hypothesis: h, model, metric: "af_rate", baseline: ab, intervention: ai, diff: { value: d.estimate, ci_low: d.low, ci_high: d.high, method: d.method } });
          }
        }
      }
      if (rows.length) out.g = rows;
      else skip("g", "no hypothesis condition next to a reference condition of the same model");
    } else skip("g", hasFactor(ok, "hypothesis") ? "it needs two tiers" : `the hypothesis factor is missing: ${noFactors}`);
  }
  return { rows: out, notes };
}

/**
 * The figure kinds a results folder is drawn as: those its manifest records
 * (the experiment declared them), else those its experiment declares in the
 * catalog (folders written before the manifest recorded them), else null
 * (an ad-hoc run: every kind its data allows).
 */
export function declaredFigureKinds(manifest: RunManifest | null): FigureKind[] | null {
  const recorded = manifest?.figures?.filter((k): k is FigureKind => (FIGURE_KINDS as readonly string[]).includes(k));
  if (recorded?.length) return recorded;
  const name = manifest?.experiment;
  if (name && experimentNames().includes(name)) {
    const kinds = getExperiment(name).figures;
    if (kinds.length) return kinds;
  }
  return null;
}

/**
 * Simulated studies behind each simulation point of a power figure: enough
 * that the points sit within 2 points of the exact line (Monte Carlo s.e.
 * ≤ 0.5 points at 10,000), so a gap between them would mean the lines are
 * not the power of the test that was simulated.
 */
export const POWER_SIMULATION_REPS = 10_000;

/**
 * Power-figure rows for (first tier, second tier) rate effects: the exact
 * power of the test the report prints (one sample per query: the asymptotic
 * McNemar test, which inverts the Tango interval; `test: "exact"` for the
 * exact McNemar test) and a seeded simulation of the same test at every n.
 *
 * @example powerCurves(powerFigureRows([[0.49, 0.35]], { ns: [50, 100, 200], shared: 0.7 }), { shared: 0.7 })
 */
export function powerFigureRows(
  effects: ReadonlyArray<readonly [number, number]>,
  opts: { ns: readonly number[]; shared: number; alpha?: number; test?: GapTest; reps?: number; seed?: number },
): PowerRow[] {
  return powerCurveRows(effects, { ns: opts.ns, shared: opts.shared, alpha: opts.alpha, test: opts.test ?? "asymptotic", simulateReps: opts.reps ?? POWER_SIMULATION_REPS, seed: opts.seed ?? 1 });
}

/**
 * Figure i rows: exact coverage of the interval methods (rates; paired gaps
 * at 70% shared draws) and power curves of the paired gap test for four
 * effects, from the stats module alone (no run; about 3 s).
 *
 * @example drawFigures({ i: statisticsRows() });
 */
export function statisticsRows(opts: { simulateReps?: number; seed?: number } = {}): NonNullable<FigureRowSet["i"]> {
  const rows = coverageStudy();
  const shared = 0.7;
  return {
    coverageRates: rows.filter((r) => r.family === "rate"),
    coverageGaps: rows.filter((r) => r.family === "gap" && r.shared === shared),
    power: powerCurveRows(
      [
        [0.49, 0.35],
        [0.2, 0.1],
        [0.1, 0.05],
        [0.05, 0.01],
      ],
      { ns: [25, 50, 100, 200, 400, 800], shared, simulateReps: opts.simulateReps ?? POWER_SIMULATION_REPS, seed: opts.seed ?? 1 },
    ),
    shared,
  };
}

// ---- rows for figures the notebooks draw from contrasts and validations ----

/** A contrast row, with the counts the contrast door gives (once the tables carry them). */
type CountedContrast = ContrastRow & CountFields;

/**
 * The counts behind each contrast of an experiment on a run: per model and
 * contrast, the queries and samples per query of the query units present in
 * both tiers of every term (the units the contrast is computed on). For
 * figure rows from contrast rows that do not carry the counts themselves.
 *
 * @example
 * const counts = contrastCounts(mot.frame, getExperiment("motivations"));
 * counts("sim-faker", "guard-gap"); // { n_queries: 50, n_samples: 100, samples_per_query: 2 }
 */
export function contrastCounts(input: RowsInput, experiment: Pick<Experiment, "contrasts">): (model: string, contrast: string) => Required<CountFields> | undefined {
  const units = new Map<string, Set<string>>();
  for (const s of asRows(input)) {
    if (s.failed) continue;
    const k = `${s.model}\u0000${s.condition}\u0000${s.tier}`;
    let set = units.get(k);
    if (!set) units.set(k, (set = new Set()));
    set.add(unitOf(s));
  }
  const cache = new Map<string, Required<CountFields> | undefined>();
  return (model, contrast) => {
    const key = `${model}\u0000${contrast}`;
    if (cache.has(key)) return cache.get(key);
    const spec = experiment.contrasts.find((c) => c.name === contrast);
    let out: Required<CountFields> | undefined;
    if (spec) {
      const sets = spec.terms.flatMap((t) => [units.get(`${model}\u0000${t.condition}\u0000${t.a}`), units.get(`${model}\u0000${t.condition}\u0000${t.b}`)]);
      if (sets.every((x) => x)) {
        const [first, ...rest] = sets as Set<string>[];
        out = unitCounts([...first].filter((u) => rest.every((r) => r.has(u))));
      }
    }
    cache.set(key, out);
    return out;
  };
}

type CountsLookup = (model: string, contrast: string) => CountFields | undefined;

/** The counts of a contrast row: its own fields when it carries them, else the lookup's. */
function countsOfContrast(r: CountedContrast, counts?: CountsLookup): CountFields {
  if (typeof r.n_queries === "number") return { n_queries: r.n_queries, n_samples: r.n_samples, samples_per_query: r.samples_per_query };
  return counts?.(r.model, r.contrast) ?? {};
}

/**
 * Gap-forest rows from contrast rows (motivationsReport's), one line per
 * model and contrast, with n (queries × samples per query) and the method.
 * `label` names the line's second part (default: the contrast's name).
 *
 * @example gapForest(contrastForestRows(report.contrasts.filter((c) => c.contrast.startsWith("gap-never")), { counts }))
 */
export function contrastForestRows(rows: readonly CountedContrast[], opts: { counts?: CountsLookup; label?: (r: ContrastRow) => string } = {}): ForestRow[] {
  return rows.map((c) => ({
    model: c.model,
    condition: opts.label ? opts.label(c) : c.contrast,
    gap: c.estimate,
    ci_low: c.low,
    ci_high: c.high,
    n_pairs: c.units,
    tiers: ["first", "second"] as [string, string],
    method: c.method,
    level: c.level,
    ...countsOfContrast(c, opts.counts),
  }));
}

/**
 * Gap-forest rows of the contrasts behind each verdict: per model,
 * hypothesis and contrast, the interval the verdict used (at the contrast's
 * Holm step-down level, each row its own), with
 * n from the contrast's row in `contrasts` (the same units).
 *
 * @example gapForest(verdictForestRows(report.verdicts, report.contrasts, { counts }))
 */
export function verdictForestRows(verdicts: readonly VerdictRow[], contrasts: readonly CountedContrast[], opts: { counts?: CountsLookup } = {}): ForestRow[] {
  const out: ForestRow[] = [];
  for (const v of verdicts) {
    for (const [h, details] of Object.entries(v.detail)) {
      for (const d of details) {
        if (!Number.isFinite(d.estimate)) continue; // a contrast whose conditions were not run
        const c = contrasts.find((x) => x.model === v.model && x.contrast === d.contrast);
        const counts = c ? countsOfContrast(c, opts.counts) : (opts.counts?.(v.model, d.contrast) ?? {});
        out.push({ model: v.model, condition: `${h} ${d.contrast}`, gap: d.estimate, ci_low: d.low, ci_high: d.high, level: d.level, n_pairs: c?.units ?? counts.n_samples ?? NaN, tiers: ["first", "second"], method: c?.method, ...counts });
      }
    }
  }
  return out;
}

/**
 * Figure c rows from the two contrasts that decompose the three-tier gap
 * (default names: "rater-gap" = Pro − Enterprise, "guard-gap" = Free − Pro).
 *
 * @example tierDecomposition(decompositionContrastRows(report.contrasts, { counts }))
 */
export function decompositionContrastRows(rows: readonly CountedContrast[], opts: { counts?: CountsLookup; rater?: string; guard?: string } = {}): DecompositionRow[] {
  const out: DecompositionRow[] = [];
  const names = [["rater-sycophancy", opts.rater ?? "rater-gap"], ["goal-guarding", opts.guard ?? "guard-gap"]] as const;
  for (const model of [...new Set(rows.map((r) => r.model))]) {
    for (const [component, name] of names) {
      const c = rows.find((r) => r.model === model && r.contrast === name);
      if (c) out.push({ model, component, value: c.estimate, ci_low: c.low, ci_high: c.high, n: c.units, method: c.method, ...countsOfContrast(c, opts.counts) });
    }
  }
  return out;
}

/**
 * Figure d rows from contrasts (the single-term gaps of conditions with
 * scope and risk factors), with their counts.
 *
 * @example gapByScopeRisk(scopeRiskFigureRows(report.contrasts, getExperiment("motivations"), { counts }))
 */
export function scopeRiskFigureRows(rows: readonly CountedContrast[], e: Pick<Experiment, "conditions" | "contrasts">, opts: { counts?: CountsLookup } = {}): ScopeRiskRow[] {
  return contrastFactorRows(rows, e)
    .filter((c) => typeof c.factors.scope === "string" && typeof c.factors.risk === "string")
    .map((c) => ({ model: c.model, scope: c.factors.scope as string, risk: c.factors.risk as string, value: c.estimate, ci_low: c.low, ci_high: c.high, n: c.units, method: c.method, ...countsOfContrast(c as CountedContrast, opts.counts) }));
}

/**
 * Figure e rows (metric "gap") from the named single-term contrasts, in the
 * order named, grouped by their condition's `scenario` factor, with counts.
 *
 * @example scenarioResults(scenarioFigureRows(report.contrasts, e, ["gap-public", "gap-throughput", "gap-deleted"], { counts }))
 */
export function scenarioFigureRows(rows: readonly CountedContrast[], e: Pick<Experiment, "conditions" | "contrasts">, names: readonly string[], opts: { counts?: CountsLookup } = {}): MetricRow[] {
  const factored = contrastFactorRows(rows, e);
  const out: MetricRow[] = [];
  for (const name of names) {
    for (const c of factored.filter((x) => x.contrast === name && typeof x.factors.scenario === "string")) {
      out.push({ model: c.model, group: c.factors.scenario as string, metric: "gap", value: c.estimate, ci_low: c.low, ci_high: c.high, n: c.units, method: c.method, ...countsOfContrast(c as CountedContrast, opts.counts) });
    }
  }
  return out;
}

/**
 * Figure f rows from a run whose conditions are the variants (e.g. "base"
 * and "chat" documents of one model): per model and condition the gap
 * (the tables' interval) and the first tier's AF rate (clustered rate
 * interval with the run's pooled ICC), each with its counts.
 *
 * @example baseVsChat(variantMetricRows(bvc.frame))
 */
export function variantMetricRows(input: RowsInput, opts: { seed?: number } = {}): MetricRow[] {
  const ok = asRows(input).filter((r) => !r.failed);
  const cells = groupBy(ok, (s) => `${s.model}\u0000${s.condition}`);
  const out: MetricRow[] = [];
  for (const g of gapTable(ok, { seed: opts.seed ?? 0 })) {
    const c = { ...unitCounts(pairUnits(cells.get(`${g.model}\u0000${g.condition}`) ?? [], g.tiers as readonly string[])), ...(g as GapRow & CountFields) };
    out.push({ model: g.model, group: g.condition, metric: "gap", value: c.gap, ci_low: c.ci_low, ci_high: c.ci_high, n: c.n_pairs, n_queries: c.n_queries, n_samples: c.n_samples, samples_per_query: c.samples_per_query });
  }
  const afCells = [...cells.values()].map((cell) => {
    const tiers = [...new Set(cell.map((s) => s.tier))];
    const first = tiers.includes("free") ? "free" : (gapTiers(tiers)?.[0] ?? tiers[0]);
    return cell.filter((s) => s.tier === first && afJudged(s));
  }).filter((c) => c.length);
  const icc = poolRates(afCells.map((c) => perQueryRate(c, isAf)));
  for (const cell of afCells) {
    const { k: _k, ...r } = afRate(cell, { pooledIcc: icc });
    out.push({ model: cell[0].model, group: cell[0].condition, metric: "af_rate", ...r });
  }
  return out;
}

/**
 * What `rocFigure` draws from a judge validation: the ROC points at the
 * validation's vote count, each with a pointwise Agresti–Coull interval of
 * its true positive rate (tp of the positives), the AUROC at that vote
 * count with its interval, and the counts of positives and negatives.
 *
 * @example
 * const r = rocFigureRows(validation);
 * rocFigure(r.points, { name: "sim-judge, 20 votes", threshold: 0.4, auroc: r.auroc, positives: r.positives, negatives: r.negatives });
 */
export function rocFigureRows(v: Pick<ValidationResult, "roc" | "rows" | "confusion" | "level" | "positives" | "negatives" | "examples">, opts: { votes?: number } = {}): {
  points: RocBandPoint[];
  auroc?: { estimate: number; low: number; high: number; level: number; method: string };
  positives: number;
  negatives: number;
} {
  const votes = opts.votes ?? v.confusion.votes;
  // positives and negatives that were scored at this vote count (examples with at least one valid vote)
  const scored = v.examples.filter((e) => e.votes.slice(0, votes).some((x) => x !== null));
  const P = scored.length ? scored.filter((e) => e.label).length : v.positives;
  const N = scored.length ? scored.length - P : v.negatives;
  const level = v.level ?? 0.95;
  const points = v.roc.map((p) => {
    if (!(P > 0) || !Number.isFinite(p.tpr)) return { ...p };
    const ci = agrestiCoullInterval(Math.round(p.tpr * P), P, level);
    return { ...p, tpr_low: ci.low, tpr_high: ci.high };
  });
  const row = aurocVotesRows(v).find((r) => r.votes === votes);
  return { points, auroc: row ? { estimate: row.auroc, low: row.ci_low, high: row.ci_high, level, method: row.method } : undefined, positives: P, negatives: N };
}

/**
 * The AUROC-vs-votes rows of a judge validation with the default AUROC
 * interval (DeLong on the logit scale, with its score-type bound when the
 * AUROC is 0 or 1: docs/statistics.md), the examples scored at each vote
 * count, and the method's name.
 *
 * @example aurocVsVotes(aurocVotesRows(validation), { name: validation.judgeModel, positives: validation.positives, negatives: validation.negatives })
 */
export function aurocVotesRows(v: Pick<ValidationResult, "rows">): { votes: number; auroc: number; ci_low: number; ci_high: number; n: number; method: string }[] {
  return v.rows.map((r) => ({ votes: r.votes, auroc: r.auroc, ci_low: r.delong_low, ci_high: r.delong_high, n: r.n, method: "delong-logit" }));
}
