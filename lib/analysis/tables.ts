import type { GapRow, RateRow } from "../schema/index";
import { asRows, type RowsInput, type TallyInput } from "../frame/index";
import {
  designLabel,
  designOf,
  gapInterval,
  gapResult,
  normalCdf,
  rateInterval,
  rateResult,
  dualPValue,
  MIN_STUDIED_QUERIES,
  type GapMethod,
  type PairedCounts,
  type QueryGap,
  type QueryRate,
  type RateMethod,
  type StatResult,
} from "../stats/index";
import { AfwError } from "../util/errors";
import { gapCells, gapCellsAndUnpaired, gapIcc, rateCells, rateIcc, runIcc, type ContrastCells, type GapCell, type RateCell, type UnpairedArm } from "./cells";
import { fmtPct, fmtPValue } from "./format";

export { gapTiers } from "./cells";

/**
 * Rate intervals a table can be asked for. "auto" (default): Agresti–Coull
 * with one sample per query, modified Wilson on the effective counts with
 * several (the coverage studies' choices, docs/statistics.md).
 * "agresti-coull", "wilson-modified", "wilson" also work clustered;
 * "clopper-pearson", "wald", "wald-1se" and "bootstrap" (the exact binomial
 * bootstrap, reported as "bootstrap-exact") need one sample per query, except
 * that "bootstrap" with several is the cluster bootstrap over queries
 * (reported as "cluster-bootstrap"; also asked for by that name).
 */
export type RateCi = "auto" | RateMethod | "cluster-bootstrap";
/** Every rate interval name `rateTable` (and `afw report --rate-ci`) takes. */
export const RATE_CIS: readonly RateCi[] = ["auto", "agresti-coull", "wilson-modified", "wilson", "clopper-pearson", "bootstrap", "cluster-bootstrap", "wald", "wald-1se"];

/**
 * Gap intervals a table can be asked for. "auto" (default) and "tango":
 * Tango's score interval with one sample per query, on design-effect-scaled
 * counts with several (with the clustered McNemar test). "bootstrap": the
 * exact paired bootstrap with one sample per query ("bootstrap-exact"), the
 * cluster bootstrap over queries with several ("cluster-bootstrap"; also by
 * that name). "bonett-price", "agresti-min", "wald", "wald-1se": one sample
 * per query only.
 */
export type GapCi = "auto" | GapMethod | "tango-clustered" | "bootstrap-exact" | "cluster-bootstrap";
/** Every gap interval name `gapTable` (and `afw report --gap-ci`) takes. */
export const GAP_CIS: readonly GapCi[] = ["auto", "tango", "tango-clustered", "bootstrap", "bootstrap-exact", "cluster-bootstrap", "bonett-price", "agresti-min", "wald", "wald-1se"];

export interface TableOptions {
  /** Seed of the cluster bootstrap (only when asked for); default 0. */
  seed?: number;
  level?: number;
  /** Resamples of the cluster bootstrap; default 10000. */
  B?: number;
  /** Rate interval; default "auto". */
  rateMethod?: RateCi;
  /** Gap interval; default "auto". */
  gapMethod?: GapCi;
  /**
   * The run's intra-query correlation for the clustered intervals
   * (`runIcc(…).rate` for rates, `.gap` for gaps). Default: pooled once
   * over the cells of the input (`pooledIcc` of their design effects), so
   * a filtered input pools over what is left: pass the run's to keep one.
   */
  pooledIcc?: number;
}

/** Interval, test and design fields every interval row carries. */
export interface RowStatFields {
  level: number;
  /** The interval's method, e.g. "agresti-coull", "wilson-modified-clustered", "tango-clustered", "cluster-bootstrap". */
  method: string;
  /** The test that inverts to the interval, e.g. "mcnemar-clustered". */
  test: string;
  /** Two-sided p-value of `test` (gaps: that the gap is 0; rates: NaN, there is no null rate). */
  p_value: number;
  /** Queries with at least one counted sample (pair). */
  n_queries: number;
  /** Samples (pairs) counted. */
  n_samples: number;
  /** Samples per query when every query has the same number, else null. */
  samples_per_query: number | null;
  /** n as printed: "n=50", "n=50 queries × 8", "n=50 queries, 396 samples (7–8 each)". */
  n_label: string;
  /** Design effect the interval used (1 with one sample per query; NaN for the bootstraps). */
  design_effect: number;
  /** The pooled intra-query correlation the design effect borrowed from (NaN when none). */
  pooled_icc: number;
  note?: string;
}

/**
 * A rate row: `RateRow` (model, condition, tier, n = samples counted,
 * complied, rate, ci_low, ci_high) plus the interval's fields and what else
 * the cell's samples were.
 */
export interface RateRowX extends RateRow, RowStatFields {
  invalid: number;
  accept_then_refuse: number;
  /** Outcome "blocked" (provider refused to pass the answer on): counted in n, never complied. */
  blocked: number;
  /** Outcome "truncated" (token limit): counted in n as its tags say. */
  truncated: number;
  /** Failed for good: left out of n. */
  failed: number;
}

/**
 * A gap row: `GapRow` (model, condition, gap, ci_low, ci_high, n_pairs =
 * pairs counted, tiers) plus the interval's fields and the discordant
 * counts.
 */
export interface GapRowX extends GapRow, RowStatFields {
  /** Pairs that complied in the first tier only, in the second only. */
  first_only: number;
  second_only: number;
}

function fields(r: StatResult, pooled: number): RowStatFields {
  const out: RowStatFields = {
    level: r.level,
    method: r.method,
    test: r.test,
    // clamp: normalCdf's absolute error near z = −8 can make a dual p-value a hair below 0
    p_value: Number.isFinite(r.p_value) ? Math.max(0, r.p_value) : r.p_value,
    n_queries: r.n_queries,
    n_samples: r.n_samples,
    samples_per_query: r.samples_per_query,
    n_label: designLabel({ n_queries: r.n_queries, n_samples: r.n_samples, ...minMax(r) }),
    design_effect: r.de,
    pooled_icc: r.method.includes("-clustered") ? pooled : NaN,
  };
  const few = fewQueries(r) && r.n_queries > 1 ? `${r.n_queries} queries with several samples each: the coverage study of the clustered intervals covered ${MIN_STUDIED_QUERIES} queries or more (docs/statistics.md), so this interval's coverage is not known` : "";
  const note = [r.note, few].filter(Boolean).join("; ");
  if (note) out.note = note;
  return out;
}

/** Several samples on some query, and fewer queries than the clustered intervals' coverage study covered. */
function fewQueries(r: { n_queries: number; n_samples: number }): boolean {
  return r.n_queries > 0 && r.n_samples > r.n_queries && r.n_queries < MIN_STUDIED_QUERIES;
}

function minMax(r: StatResult & { samples_min?: number; samples_max?: number }): { samples_min?: number; samples_max?: number } {
  return r.samples_min !== undefined ? { samples_min: r.samples_min, samples_max: r.samples_max } : {};
}

/** Several samples on some query. */
const multi = (pq: readonly { m: number }[]) => pq.some((q) => q.m > 1);

function designExtra(pq: readonly { m: number }[]): { samples_min: number; samples_max: number } {
  const d = designOf(pq);
  return { samples_min: d.samples_min, samples_max: d.samples_max };
}

/**
 * One rate cell's interval and test by the method asked for (see `RateCi`).
 *
 * @example rateStat([{ k: 2, m: 8 }, { k: 0, m: 8 }], "auto", { pooledIcc: 0.05 })
 */
export function rateStat(pq: readonly QueryRate[], method: RateCi = "auto", o: TableOptions = {}): StatResult {
  const level = o.level ?? 0.95;
  const several = multi(pq);
  const common = { level, pooledIcc: o.pooledIcc, seed: o.seed ?? 0, B: o.B ?? 10_000 };
  let r: StatResult;
  switch (method) {
    case "auto":
    case "agresti-coull":
    case "wilson-modified":
    case "wilson":
      r = rateResult(pq, { ...common, method });
      break;
    case "cluster-bootstrap":
      r = rateResult(pq, { ...common, method: "cluster-bootstrap" });
      break;
    case "bootstrap":
      if (several) {
        r = rateResult(pq, { ...common, method: "cluster-bootstrap" });
        break;
      }
    // falls through: one sample per query
    case "clopper-pearson":
    case "wald":
    case "wald-1se": {
      if (several) throw new AfwError(`rate interval ${method} needs one sample per query; with several use auto, agresti-coull, wilson-modified, wilson or bootstrap (the cluster bootstrap)`);
      if (method === "clopper-pearson") {
        r = rateResult(pq, { ...common, method: "clopper-pearson" });
        break;
      }
      const d = designOf(pq);
      let k = 0;
      for (const q of pq) k += q.k;
      const iv = rateInterval(k, d.n_samples, { method, level });
      r = { estimate: iv.estimate, low: iv.low, high: iv.high, level: iv.level, method: iv.method, test: `${iv.method}-inverted`, p_value: NaN, n_queries: d.n_queries, n_samples: d.n_samples, samples_per_query: d.samples_per_query, de: 1, ...(iv.note ? { note: iv.note } : {}) };
      break;
    }
    default:
      throw new AfwError(`unknown rate interval "${String(method)}"; one of ${RATE_CIS.join(", ")}`);
  }
  return { ...r, ...designExtra(pq) } as StatResult;
}

const levelOfZ = (z: number) => Math.min(1 - 1e-15, Math.max(1e-15, 1 - 2 * normalCdf(-z)));

/**
 * One gap cell's interval and test by the method asked for (see `GapCi`);
 * `both` is the number of pairs that complied in both tiers (only the
 * Wald-type intervals read it).
 *
 * @example gapStat([{ b: 3, c: 0, m: 8 }, { b: 0, c: 1, m: 8 }], "auto", { pooledIcc: 0.1 })
 */
export function gapStat(pq: readonly QueryGap[], method: GapCi = "auto", o: TableOptions & { both?: number } = {}): StatResult {
  const level = o.level ?? 0.95;
  const several = multi(pq);
  const common = { level, pooledIcc: o.pooledIcc, seed: o.seed ?? 0, B: o.B ?? 10_000 };
  let r: StatResult;
  switch (method) {
    case "auto":
    case "tango":
      r = gapResult(pq, { ...common, method: "auto" });
      break;
    case "tango-clustered":
    case "cluster-bootstrap":
    case "bootstrap-exact":
      if (method === "bootstrap-exact" && several) throw new AfwError("gap interval bootstrap-exact needs one sample per query; with several use auto, tango or bootstrap (the cluster bootstrap)");
      r = gapResult(pq, { ...common, method });
      break;
    case "bootstrap":
      r = gapResult(pq, { ...common, method: several ? "cluster-bootstrap" : "bootstrap-exact" });
      break;
    case "bonett-price":
    case "agresti-min":
    case "wald":
    case "wald-1se": {
      if (several) throw new AfwError(`gap interval ${method} needs one sample per query; with several use auto, tango or bootstrap (the cluster bootstrap)`);
      const d = designOf(pq);
      let b = 0;
      let c = 0;
      for (const q of pq) {
        b += q.b;
        c += q.c;
      }
      const n11 = o.both ?? 0;
      const counts: PairedCounts = { n11, n10: b, n01: c, n00: d.n_samples - n11 - b - c };
      const iv = gapInterval(counts, { method, level });
      // the test that inverts the family (wald-1se is the Wald interval at z = 1)
      const family = method === "wald-1se" ? "wald" : method;
      const p = d.n_samples > 0 ? dualPValue((z) => {
        const x = gapInterval(counts, { method: family, level: levelOfZ(z) });
        return [x.low, x.high];
      }, 0) : NaN;
      r = { estimate: iv.estimate, low: iv.low, high: iv.high, level: iv.level, method: iv.method, test: `${family}-inverted`, p_value: p, n_queries: d.n_queries, n_samples: d.n_samples, samples_per_query: d.samples_per_query, de: 1, ...(iv.note ? { note: iv.note } : {}) };
      break;
    }
    default:
      throw new AfwError(`unknown gap interval "${String(method)}"; one of ${GAP_CIS.join(", ")}`);
  }
  return { ...r, ...designExtra(pq) } as StatResult;
}

/**
 * Paired compliance counts between two tiers: each (query, sample index)
 * present in both tiers is one pair, classified by whether the tags say it
 * complied in the first tier and in the second. Failed samples are skipped.
 * Takes a DataFrame from `load`, rows, or samples.
 */
export function pairedTierCounts(input: RowsInput, tiers: [string, string]): PairedCounts {
  const a = new Map<string, boolean>();
  const b = new Map<string, boolean>();
  for (const s of asRows(input)) {
    if (s.failed) continue;
    const k = `${s.query_id}\u0000${s.sample}`;
    if (s.tier === tiers[0]) a.set(k, s.complied === 1);
    else if (s.tier === tiers[1]) b.set(k, s.complied === 1);
  }
  const c = { n11: 0, n10: 0, n01: 0, n00: 0 };
  for (const [k, x] of a) {
    const y = b.get(k);
    if (y === undefined) continue;
    if (x && y) c.n11++;
    else if (x) c.n10++;
    else if (y) c.n01++;
    else c.n00++;
  }
  return c;
}

/** One arm of a comparison: a model under a condition. */
export interface Arm {
  model: string;
  condition: string;
}

/**
 * Paired (first tier, second tier) compliance counts of one arm, over the
 * queries × samples present in both tiers.
 * @example pairedGapPValue(armCounts(await load(dir), { model: "sim-faker", condition: "baseline" }))
 */
export function armCounts(input: RowsInput, arm: Arm, tiers: [string, string] = ["free", "paid"]): PairedCounts {
  return pairedTierCounts(
    asRows(input).filter((s) => s.model === arm.model && s.condition === arm.condition),
    tiers,
  );
}

/**
 * The rate rows of rate cells (`rateCells`), each with its interval and
 * test; the pooled ICC is computed once over the cells given unless passed.
 *
 * @example rateRows(rateCells(tally), { pooledIcc: runIcc(tally).rate })
 */
export function rateRows(cells: readonly RateCell[], opts: TableOptions = {}): RateRowX[] {
  const pooled = opts.pooledIcc ?? rateIcc(cells.map((c) => c.perQuery));
  return cells.map((c) => {
    const r = rateStat(c.perQuery, opts.rateMethod, { ...opts, pooledIcc: pooled });
    return {
      model: c.model,
      condition: c.condition,
      tier: c.tier,
      n: c.n,
      complied: c.complied,
      rate: c.n ? c.complied / c.n : NaN,
      ci_low: r.low,
      ci_high: r.high,
      ...fields(r, pooled),
      invalid: c.invalid,
      accept_then_refuse: c.accept_then_refuse,
      blocked: c.blocked,
      truncated: c.truncated,
      failed: c.failed,
    };
  });
}

/**
 * Compliance rate per (model, condition, tier) with its interval, over the
 * samples that did not fail (a blocked sample counts, never complied). One
 * sample per query: Agresti–Coull; several: modified Wilson on the
 * effective counts, the design effect shrunk towards one intra-query
 * correlation pooled over the run's rate cells (docs/statistics.md has the
 * coverage behind both). Takes a tally (`tallyFolder`), a DataFrame from
 * `load` (filter it first to narrow the table), rows, or samples.
 *
 * @example
 * const df = await load("runs/demo");
 * rateTable(df.query(df["model"].eq("sim-faker")));
 */
export function rateTable(input: TallyInput, opts: TableOptions = {}): RateRowX[] {
  return rateRows(rateCells(input), opts);
}

/**
 * The gap rows of gap cells (`gapCells`), each with its interval and the
 * test that inverts to it; the pooled ICC is computed once over the cells
 * given unless passed.
 */
export function gapRows(cells: readonly GapCell[], opts: TableOptions = {}): GapRowX[] {
  const pooled = opts.pooledIcc ?? gapIcc(cells.map((c) => c.perQuery));
  return cells.map((g) => {
    const r = gapStat(g.perQuery, opts.gapMethod, { ...opts, pooledIcc: pooled, both: g.both });
    let b = 0;
    let c = 0;
    for (const q of g.perQuery) {
      b += q.b;
      c += q.c;
    }
    return { model: g.model, condition: g.condition, gap: r.estimate, ci_low: r.low, ci_high: r.high, n_pairs: r.n_samples, tiers: g.tiers, ...fields(r, pooled), first_only: b, second_only: c };
  });
}

/**
 * The compliance gap (first tier − second) per (model, condition), paired
 * over queries: the same query and sample index in both tiers form a pair.
 * One sample per query: Tango's score interval with the asymptotic McNemar
 * test; several: Tango on design-effect-scaled counts with the clustered
 * McNemar test (Rao–Scott), the design effect shrunk towards one
 * intra-query correlation pooled over the run's gap cells. The p-value is
 * always that of the test which inverts to the interval printed. Takes a
 * tally, a DataFrame, rows, or samples.
 */
export function gapTable(input: TallyInput, opts: TableOptions & { tiers?: [string, string] } = {}): GapRowX[] {
  return gapRows(gapCells(input, { tiers: opts.tiers }), opts);
}

/** The rate and gap tables of a run, with the pooled ICCs they used and what they left out. */
export interface RunTables {
  rates: RateRowX[];
  gaps: GapRowX[];
  /** The run's pooled intra-query correlations (`runIcc`; NaN: nothing to pool). */
  icc: { rate: number; gap: number };
  rateCells: RateCell[];
  gapCells: GapCell[];
  /** Arms whose two tiers were both run but share no pair: no gap row. */
  unpaired: UnpairedArm[];
  /** One line per thing to tell the reader: arms with no gap row. */
  notes: string[];
}

/**
 * The run's rate and gap tables as `afw report` prints them and `afw
 * figures` draws them: one intra-query correlation pooled over every rate
 * cell, one over the gap table's cells and every cell a contrast reads
 * (pass the run's `contrasts`), and each row's interval with those. The
 * one place those pooled ICCs and rows are computed, so the report, its
 * --json and the figures show the same intervals.
 *
 * @example
 * const t = runTables(await tallyFolder(dir), { contrasts: getExperiment("three-tiers").contrasts });
 * console.log(formatTables(t.rates, t.gaps, t.notes));
 */
export function runTables(input: TallyInput, opts: TableOptions & { contrasts?: readonly ContrastCells[]; tiers?: [string, string] } = {}): RunTables {
  const rc = rateCells(input);
  const { cells: gc, unpaired } = gapCellsAndUnpaired(input, { tiers: opts.tiers });
  const icc = runIcc(input, { rates: rc, gaps: gc, contrasts: opts.contrasts });
  const { pooledIcc: _ignored, ...rest } = opts;
  const rates = rateRows(rc, { ...rest, pooledIcc: icc.rate });
  const gaps = gapRows(gc, { ...rest, pooledIcc: icc.gap });
  const notes = unpaired.map((a) => `no gap for ${a.model} ${a.condition} (${a.tiers[0]} − ${a.tiers[1]}): no query and sample index was run, and did not fail, in both tiers, so there is no pair to compare`);
  return { rates, gaps, icc, rateCells: rc, gapCells: gc, unpaired, notes };
}

const pct = (x: number) => fmtPct(x);
/** An interval's end: never printed as 0.0 unless it is 0. */
const end = (x: number) => fmtPct(x, { bound: true });

/** n as a table prints it: queries, and samples per query when more than one. */
export function nText(r: Pick<RowStatFields, "n_label">): string {
  return r.n_label.replace(/^n=/, "");
}

const pad = (s: string, w: number) => s.padEnd(w);

function methodsLine(rows: readonly RowStatFields[], what: string): string {
  const methods = [...new Set(rows.map((r) => r.method))];
  const tests = [...new Set(rows.map((r) => r.test))];
  const icc = rows.find((r) => Number.isFinite(r.pooled_icc))?.pooled_icc;
  const parts = [`${what}: ${methods.join(", ")}`];
  if (what === "rates") parts.push("n counts queries (× samples per query); blocked count in n, never as compliance; failed samples are left out");
  if (what === "gaps") parts.push(`p: ${tests.join(", ")} (the test that inverts the interval)`);
  if (icc !== undefined) parts.push(`pooled intra-query correlation ${icc.toFixed(3)}`);
  return parts.join("; ");
}

/** The warning line when rows with several samples per query rest on fewer queries than the coverage study covered; null when none do. */
export function fewQueriesWarning(rows: readonly Pick<RowStatFields, "n_queries" | "n_samples">[]): string | null {
  const few = rows.filter(fewQueries);
  if (!few.length) return null;
  const one = few.some((r) => r.n_queries === 1);
  return `warning: ${few.length} row(s) with several samples per query rest on fewer than ${MIN_STUDIED_QUERIES} queries (fewest ${Math.min(...few.map((r) => r.n_queries))}); the coverage study of the clustered intervals covered ${MIN_STUDIED_QUERIES} or more (docs/statistics.md), so their coverage is not known${one ? "; with 1 query the samples are not independent evidence about queries and the interval speaks only of that query" : ""}`;
}

/**
 * The report as plain text: the rate table, then the gap table. n counts
 * queries ("50 queries × 8" with eight samples each); each table ends with
 * the methods it used, then a warning when rows with several samples per
 * query rest on fewer queries than the coverage study covered, then the
 * `notes` (e.g. `runTables`' arms with no pair).
 */
export function formatTables(rates: readonly RateRowX[], gaps: readonly GapRowX[], notes: readonly string[] = []): string {
  const lines: string[] = [];
  const w = Math.max(5, ...rates.map((r) => r.model.length), ...gaps.map((g) => g.model.length));
  const cw = Math.max(9, ...rates.map((r) => r.condition.length), ...gaps.map((g) => g.condition.length));
  const tw = Math.max(6, ...rates.map((r) => r.tier.length));
  const nw = Math.max(4, ...rates.map((r) => nText(r).length), ...gaps.map((g) => nText(g).length));
  const lvl = (rows: readonly RowStatFields[]) => `${Math.round(100 * (rows[0]?.level ?? 0.95))}%`;
  lines.push(`Compliance by tier (tags; ${lvl(rates)} CI)`);
  lines.push(`${pad("model", w)}  ${pad("condition", cw)}  ${pad("tier", tw)}  ${pad("n", nw)}  complied   rate%  [${lvl(rates)} CI]        blocked  truncated  invalid  accept-then-refuse`);
  for (const r of rates) {
    lines.push(
      `${pad(r.model, w)}  ${pad(r.condition, cw)}  ${pad(r.tier, tw)}  ${pad(nText(r), nw)}  ${String(r.complied).padStart(8)}  ${pct(r.rate)}  [${end(r.ci_low)}, ${end(r.ci_high)}]  ${String(r.blocked).padStart(7)}  ${String(r.truncated).padStart(9)}  ${String(r.invalid).padStart(7)}  ${String(r.accept_then_refuse).padStart(18)}`,
    );
  }
  if (rates.length) lines.push(methodsLine(rates, "rates"));
  if (gaps.length) {
    lines.push("");
    lines.push(`Compliance gap, paired over queries (percentage points; ${lvl(gaps)} CI; p two-sided, from the test that inverts the interval)`);
    lines.push(`${pad("model", w)}  ${pad("condition", cw)}  gap      [${lvl(gaps)} CI]          p        ${pad("n", nw)}  tiers`);
    for (const g of gaps) {
      lines.push(`${pad(g.model, w)}  ${pad(g.condition, cw)}  ${pct(g.gap)}  [${end(g.ci_low)}, ${end(g.ci_high)}]  ${fmtPValue(g.p_value).padEnd(7)}  ${pad(nText(g), nw)}  ${g.tiers[0]} − ${g.tiers[1]}`);
    }
    lines.push(methodsLine(gaps, "gaps"));
  }
  const warn = fewQueriesWarning([...rates, ...gaps]);
  if (warn) lines.push(warn);
  for (const n of notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}
