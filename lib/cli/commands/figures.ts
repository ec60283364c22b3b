import { resolve, join } from "node:path";
import { gapTable, pairedTierCounts, rateTable } from "../../analysis/index";
import { compliedByTags, loadRun } from "../../frame/index";
import {
  baseVsChat,
  complianceByTier,
  coverageHeatmap,
  gapByScopeRisk,
  gapForest,
  hypothesisPanels,
  outcomeStack,
  powerCurves,
  scenarioResults,
  tierDecomposition,
  type DecompositionRow,
  type Figure,
  type HypothesisRow,
  type MetricRow,
  type OutcomeRow,
  type ScopeRiskRow,
} from "../../figures/index";
import type { Sample } from "../../schema/index";
import {
  coverageStudy,
  independentContrastInterval,
  powerCurveRows,
  rateDifferenceInterval,
  rateInterval,
  type PairedCounts,
} from "../../stats/index";
import { AfwError } from "../../util/errors";
import { groupBy } from "../../util/group";
import { parseFlags } from "../args";
import type { Command } from "../command";
import { writeFigures } from "./report";

const HELP = `afw figures DIR — write every figure that applies to a results folder

  --out D          where figures go; default DIR/figures
  --stats          also write the statistics figures (coverage heatmaps, power curves)
  --only a,b,…     only these figure kinds (a b c d e f g i)

HTML always; PNG and SVG too when Chromium is installed.

Which figures apply (naming rules; see docs/statistics.md):
  a  outcomes by tier (refusal / partial / compliance, AF hatched): any run
  b  gap forest: at least two tiers (free − paid, else the first two tiers)
  c  three-tier decomposition: tiers free, pro and enterprise
  d  gap by deployment scope × risk: the deployment-grid experiment's
     conditions (deploy-public, deploy-hackers[-deployed], deploy-criminal[-deployed],
     deploy-attackers[-deployed]), or conditions named SCOPE-RISK, e.g.
     "public-suspected", "bioweapons-deployed" (scope: public, amateur-hackers,
     criminals, bioweapons, bioweapons-geopolitical; risk: suspected, deployed;
     any prefix ending in - _ or : is allowed, e.g. "igg:criminals-deployed")
  e  throughput / deleted weights: a condition containing "throughput" or
     "deleted-weights"/"weights-deleted" (a "baseline", "default" or
     "deploy-public" condition is the reference)
  f  base vs chat: conditions "base" and "chat" (the base-vs-chat experiment),
     or a model named FAMILY-base (or _base, :base) next to FAMILY,
     FAMILY-chat or FAMILY-instruct
  g  post-training hypotheses: conditions named hN-NAME (e.g. "h7-anti-refusal"),
     or the catalog's prefill-basic, prefill-however (H7), clarify-no-changes,
     clarify-direct-objective (H5), next to a "baseline", "default" or
     "no-prefill" condition for the same model
  i  coverage heatmaps and power curves (with --stats; need no run)`;

const FLAGS = { out: { type: "string" }, stats: { type: "boolean" }, only: { type: "string" } } as const;

/** Scopes and risks recognised in condition names (figure d). */
export const SCOPES: readonly string[] = ["bioweapons-geopolitical", "amateur-hackers", "criminals", "bioweapons", "public"];
export const RISKS: readonly string[] = ["suspected", "deployed"];

/**
 * Parse a deployment-grid condition name into (scope, risk): the name must
 * end in SCOPE[-_:]RISK with a known scope and risk (case-insensitive); any
 * prefix ending in -, _ or : is allowed. Returns null otherwise.
 *
 * @example
 * parseScopeRisk("igg:bioweapons-deployed"); // { scope: "bioweapons", risk: "deployed" }
 */
export function parseScopeRisk(condition: string, scopes = SCOPES, risks = RISKS): { scope: string; risk: string } | null {
  const c = condition.toLowerCase().replace(/_/g, "-");
  // The experiment catalog's deployment grid: deploy-SCOPE (suspected) and deploy-SCOPE-deployed.
  const grid = /^deploy-(public|hackers|criminal|attackers)(-deployed)?$/.exec(c);
  if (grid) {
    const scope = { public: "public", hackers: "amateur-hackers", criminal: "criminals", attackers: "bioweapons-geopolitical" }[grid[1]]!;
    return { scope, risk: grid[2] ? "deployed" : "suspected" };
  }
  for (const risk of risks) {
    for (const scope of scopes) {
      const tail = `${scope}-${risk}`;
      if (c === tail || c.endsWith(`-${tail}`) || c.endsWith(`:${tail}`)) return { scope, risk };
    }
  }
  return null;
}

/** Scenario of a condition for figure e ("throughput", "deleted-weights", "baseline"), or null. */
export function parseScenario(condition: string): string | null {
  const c = condition.toLowerCase().replace(/_/g, "-");
  if (c.includes("throughput")) return "throughput";
  if (c.includes("deleted-weights") || c.includes("weights-deleted")) return "deleted-weights";
  if (c === "baseline" || c === "default") return "baseline";
  if (c === "deploy-public") return "public deployment";
  return null;
}

/** Hypothesis of a condition for figure g ("h7-anti-refusal" → "H7 anti-refusal"), or null. */
export function parseHypothesis(condition: string): string | null {
  const m = /^h(\d+)[-_:](.+)$/i.exec(condition);
  if (m) return `H${m[1]} ${m[2].replace(/[-_]/g, " ")}`;
  return CATALOG_HYPOTHESES[condition.toLowerCase()] ?? null;
}

/**
 * The experiment catalog's prompt-level interventions and the post-training
 * hypothesis each bears on (paper.md §5, Table 2): prefills bear on refusal
 * mechanisms (H7), the prompt clarifications on lack of capabilities (H5).
 */
export const CATALOG_HYPOTHESES: Readonly<Record<string, string>> = {
  "prefill-basic": "H7 refusal mechanisms: basic prefill",
  "prefill-however": "H7 refusal mechanisms: however prefill",
  "clarify-no-changes": "H5 capabilities: no-changes clarification",
  "clarify-direct-objective": "H5 capabilities: direct training objective",
};

/** Family and variant of a model for figure f, or null. */
export function parseBaseModel(model: string): { family: string; variant: "base" | "chat" } {
  const m = /^(.*?)[-_:]base$/i.exec(model);
  if (m) return { family: m[1], variant: "base" };
  return { family: model.replace(/[-_:](chat|instruct)$/i, ""), variant: "chat" };
}

const isBaseline = (c: string) => c === "baseline" || c === "default" || c === "no-prefill";

/** The latest valid judgement of a judge family on a sample. */
function judged(s: Sample, judge: string): string | boolean | null {
  let best: { label: string | boolean | null } | null = null;
  for (const j of Object.values(s.judgements)) if (j.judge === judge && j.valid) best = j;
  return best ? best.label : null;
}

const isAf = (s: Sample) => judged(s, "af_reasoning") === "af";
const isPartial = (s: Sample) => {
  const l = judged(s, "partial_compliance");
  return typeof l === "string" && l !== "none";
};


/** Figure a rows: six outcome fractions per (model, condition, tier). */
export function outcomeRows(samples: readonly Sample[]): OutcomeRow[] {
  const ok = samples.filter((s) => s.error === null);
  return [...groupBy(ok, (s) => `${s.model}\u0000${s.condition}\u0000${s.tier}`).values()].map((cell) => {
    const n = cell.length;
    const f = { refusal_no_af: 0, refusal_af: 0, partial_no_af: 0, partial_af: 0, compliance_no_af: 0, compliance_af: 0 };
    for (const s of cell) {
      const kind = compliedByTags(s) ? (isPartial(s) ? "partial" : "compliance") : "refusal";
      f[`${kind}_${isAf(s) ? "af" : "no_af"}` as keyof typeof f] += 1 / n;
    }
    const complied = Math.round((f.compliance_af + f.compliance_no_af) * n);
    const ci = rateInterval(complied, n);
    return { model: cell[0].model, condition: cell[0].condition, tier: cell[0].tier, n, ...f, compliance_ci_low: ci.low, compliance_ci_high: ci.high };
  });
}

/** AF rate (share of samples judged AF) in one tier, with the default rate CI. */
function afRate(cell: readonly Sample[]): { value: number; ci_low: number; ci_high: number; n: number; k: number } {
  const n = cell.length;
  const k = cell.filter(isAf).length;
  const ci = rateInterval(k, n);
  return { value: n ? k / n : NaN, ci_low: ci.low, ci_high: ci.high, n, k };
}

const pairedCountsFor = pairedTierCounts;

/** Options for `figuresForSamples`. */
export interface FiguresOptions {
  /** Kinds to build (default all that apply). */
  only?: string[];
  /** Also build the statistics figures (i). */
  stats?: boolean;
  seed?: number;
}

/**
 * Every figure that applies to a set of samples, keyed by file name
 * (prefixed with the figure kind letter), following the naming rules in HELP.
 */
export function figuresForSamples(samples: readonly Sample[], opts: FiguresOptions = {}): Record<string, Figure> {
  const want = (k: string) => !opts.only || opts.only.includes(k);
  const ok = samples.filter((s) => s.error === null);
  const figs: Record<string, Figure> = {};
  const tiers = [...new Set(ok.map((s) => s.tier))];
  const conditions = [...new Set(ok.map((s) => s.condition))];
  const models = [...new Set(ok.map((s) => s.model))];
  const seed = opts.seed ?? 0;
  const gaps = gapTable(ok as Sample[], { seed });

  if (want("a") && ok.length) {
    const rows = outcomeRows(ok);
    const order = ["free", "pro", "paid", "enterprise"].filter((t) => tiers.includes(t));
    figs["a_outcomes_by_tier"] = outcomeStack(rows, { tierOrder: order });
    figs["a_compliance_by_tier"] = complianceByTier(rateTable(ok as Sample[], { seed }), { tierOrder: order });
  }
  if (want("b") && tiers.length >= 2 && gaps.length) figs["b_gap_forest"] = gapForest(gaps, { sort: gaps.length > 8 });

  if (want("c") && ["free", "pro", "enterprise"].every((t) => tiers.includes(t))) {
    const rows: DecompositionRow[] = [];
    for (const [component, pair] of [["rater-sycophancy", ["pro", "enterprise"]], ["goal-guarding", ["free", "pro"]]] as const) {
      for (const g of gapTable(ok as Sample[], { seed, tiers: [pair[0], pair[1]] })) {
        rows.push({ model: conditions.length > 1 ? `${g.model} · ${g.condition}` : g.model, component, value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
      }
    }
    if (rows.length) figs["c_three_tier_decomposition"] = tierDecomposition(rows);
  }

  if (want("d")) {
    const rows: ScopeRiskRow[] = [];
    for (const g of gaps) {
      const sr = parseScopeRisk(g.condition);
      if (sr) rows.push({ model: g.model, scope: sr.scope, risk: sr.risk, value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
    }
    if (rows.length) figs["d_gap_by_scope_risk"] = gapByScopeRisk(rows);
  }

  const firstTier = tiers.includes("free") ? "free" : tiers[0];
  const metricRows = (groupOf: (s: { model: string; condition: string }) => { model: string; group: string } | null): MetricRow[] => {
    const rows: MetricRow[] = [];
    for (const g of gaps) {
      const k = groupOf(g);
      if (k) rows.push({ ...k, metric: "gap", value: g.gap, ci_low: g.ci_low, ci_high: g.ci_high, n: g.n_pairs });
    }
    for (const cell of groupBy(ok.filter((s) => s.tier === firstTier), (s) => `${s.model}\u0000${s.condition}`).values()) {
      const k = groupOf(cell[0]);
      if (!k || !cell.some((s) => judged(s, "af_reasoning") !== null)) continue;
      const r = afRate(cell);
      rows.push({ ...k, metric: "af_rate", value: r.value, ci_low: r.ci_low, ci_high: r.ci_high, n: r.n });
    }
    return rows;
  };

  if (want("e") && conditions.some((c) => { const s = parseScenario(c); return s !== null && s !== "baseline"; })) {
    const rows = metricRows((g) => {
      const s = parseScenario(g.condition);
      return s ? { model: g.model, group: s } : null;
    });
    if (rows.length) figs["e_scenarios"] = scenarioResults(rows);
  }

  if (want("f")) {
    const fam = new Map<string, Set<string>>();
    for (const m of models) {
      const p = parseBaseModel(m);
      fam.set(p.family, (fam.get(p.family) ?? new Set()).add(p.variant));
    }
    const paired = [...fam].filter(([, v]) => v.size === 2).map(([f]) => f);
    if (conditions.includes("base") && conditions.includes("chat")) {
      // the catalog's base-vs-chat experiment: the condition says which is which
      const rows = metricRows((g) => (g.condition === "base" || g.condition === "chat" ? { model: parseBaseModel(g.model).family, group: g.condition } : null));
      if (rows.length) figs["f_base_vs_chat"] = baseVsChat(rows);
    } else if (paired.length) {
      const onlyBase = conditions.filter(isBaseline);
      const rows = metricRows((g) => {
        const p = parseBaseModel(g.model);
        if (!paired.includes(p.family)) return null;
        if (conditions.length > 1 && onlyBase.length && !isBaseline(g.condition)) return null;
        return { model: p.family, group: p.variant };
      });
      if (rows.length) figs["f_base_vs_chat"] = baseVsChat(rows);
    }
  }

  if (want("g") && conditions.some((c) => parseHypothesis(c)) && tiers.length >= 2) {
    const rows: HypothesisRow[] = [];
    const pair: [string, string] = tiers.includes("free") && tiers.includes("paid") ? ["free", "paid"] : [tiers[0], tiers[1]];
    for (const model of models) {
      const mine = ok.filter((s) => s.model === model);
      const base = mine.filter((s) => isBaseline(s.condition));
      if (!base.length) continue;
      for (const cond of [...new Set(mine.map((s) => s.condition))]) {
        const hyp = parseHypothesis(cond);
        if (!hyp) continue;
        const inter = mine.filter((s) => s.condition === cond);
        const cb = pairedCountsFor(base, pair);
        const ci = pairedCountsFor(inter, pair);
        const nb = cb.n11 + cb.n10 + cb.n01 + cb.n00;
        const nI = ci.n11 + ci.n10 + ci.n01 + ci.n00;
        if (nb && nI) {
          const gb = gapTable(base as Sample[], { seed, tiers: pair })[0];
          const gi = gapTable(inter as Sample[], { seed, tiers: pair })[0];
          const d = independentContrastInterval(ci, cb);
          rows.push({
            hypothesis: hyp,
            model,
            metric: "gap",
            baseline: { value: gb.gap, ci_low: gb.ci_low, ci_high: gb.ci_high, n: gb.n_pairs },
            intervention: { value: gi.gap, ci_low: gi.ci_low, ci_high: gi.ci_high, n: gi.n_pairs },
            diff: { value: d.estimate, ci_low: d.low, ci_high: d.high },
          });
        }
        const bf = base.filter((s) => s.tier === pair[0]);
        const iff = inter.filter((s) => s.tier === pair[0]);
        if (bf.some((s) => judged(s, "af_reasoning") !== null) && iff.some((s) => judged(s, "af_reasoning") !== null)) {
          const ab = afRate(bf);
          const ai = afRate(iff);
          const d = rateDifferenceInterval(ai.k, ai.n, ab.k, ab.n);
          rows.push({ hypothesis: hyp, model, metric: "af_rate", baseline: ab, intervention: ai, diff: { value: d.estimate, ci_low: d.low, ci_high: d.high } });
        }
      }
    }
    if (rows.length) figs["g_hypotheses"] = hypothesisPanels(rows);
  }

  if (opts.stats && want("i")) Object.assign(figs, statsFigures());
  return figs;
}

/**
 * Figure i: coverage heatmaps (rates; gaps at shared draws 0.7) and power
 * curves, computed by the stats module (no run needed; about 3 s).
 */
export function statsFigures(opts: { simulateReps?: number; seed?: number } = {}): Record<string, Figure> {
  const rows = coverageStudy();
  return {
    i_coverage_rates: coverageHeatmap(rows.filter((r) => r.family === "rate")),
    i_coverage_gaps: coverageHeatmap(rows.filter((r) => r.family === "gap" && r.shared === 0.7)),
    i_power_curves: powerCurves(
      powerCurveRows(
        [
          [0.49, 0.35],
          [0.2, 0.1],
          [0.1, 0.05],
          [0.05, 0.01],
        ],
        { ns: [25, 50, 100, 200, 400, 800], shared: 0.7, simulateReps: opts.simulateReps ?? 400, seed: opts.seed ?? 1 },
      ),
      { shared: 0.7 },
    ),
  };
}

export async function figuresCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("figures", argv, FLAGS, 1);
  if (!positionals[0]) throw new AfwError("afw figures: give the results folder (afw figures DIR)");
  const dir = resolve(positionals[0]);
  const only = v.only?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = only?.filter((k) => !"abcdefgi".includes(k) || k.length !== 1);
  if (bad?.length) throw new AfwError(`afw figures: --only takes figure kinds a b c d e f g i, got "${bad[0]}"`);
  const run = await loadRun(dir);
  const figs = figuresForSamples(run.samples, { only, stats: v.stats });
  const names = Object.keys(figs);
  if (!names.length) {
    out("afw figures: no figure applies to this folder (see afw figures --help for the naming rules)");
    return 0;
  }
  const fdir = resolve(v.out ?? join(dir, "figures"));
  const files = await writeFigures(figs, fdir, log);
  for (const f of files) out(f);
  log(`afw figures: wrote ${names.length} figure(s), ${files.length} file(s), to ${fdir}`);
  return 0;
}

export const command: Command = {
  summary: "write every figure that applies to a results folder (HTML, plus PNG/SVG with Chromium)",
  help: HELP,
  run: (argv, io) => figuresCommand(argv, io.out, io.log),
};
