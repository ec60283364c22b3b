/**
 * A results folder as tidy rows: one row per sample, with what the tags
 * say, each judge's verdict that counts (its latest valid judgement), and
 * the condition's and model's factors from the manifest as columns. The
 * source of truth for every table and figure; a danfojs DataFrame
 * (frame.ts) is these rows as columns.
 */
import type { Outcome, RunManifest, Sample } from "../schema/index";
import { latestJudgement } from "../store/index";
import { compliedByTags } from "./facts";

/** A factor's value, as the manifest records it. */
type FactorValue = string | number | boolean | null;

/** The columns every row has; judges and factors add their own. */
export interface BaseRow {
  key: string;
  experiment: string;
  model: string;
  condition: string;
  tier: string;
  query_id: string;
  /** The request (null for folders written before it was stored). */
  query_text: string | null;
  category: string;
  sample: number;
  /** 1 when the tags say the model complied (and the body did not refuse), else 0. */
  complied: number;
  /** 1 when neither tag appeared (a reply without a verdict). */
  invalid: number;
  /** 1 when the accept tag was followed by a refusal. */
  accept_then_refuse: number;
  /** 1 when the request failed for good (left out of every rate). */
  failed: number;
  outcome: Outcome;
  scratchpad: string | null;
  final_output: string | null;
}

/**
 * One sample as a row. Besides BaseRow: for every judge family present, a
 * column named after it with its verdict's label (`af_reasoning`: "af" …,
 * `partial_compliance`, `compliance`, `motives`) and `<judge>_score`; and
 * one column per factor of the sample's condition (`variant`, `cot`,
 * `scope`, `risk`, `scenario`, `hypothesis`, `model_kind`, `reference` …)
 * and of its model (`family`, `base_model`), null where not recorded.
 */
export interface SampleRow extends BaseRow {
  [column: string]: unknown;
}

const BASE: readonly string[] = ["key", "experiment", "model", "condition", "tier", "query_id", "query_text", "category", "sample", "complied", "invalid", "accept_then_refuse", "failed", "outcome", "scratchpad", "final_output"];

/** The fixed columns of a row, in order. */
export function baseColumns(): string[] {
  return [...BASE];
}

/** The factors a manifest records: per condition and per model. Empty for folders written before factors were recorded. */
export function manifestFactors(m: RunManifest | null | undefined): { conditions: Record<string, Record<string, FactorValue>>; models: Record<string, Record<string, FactorValue>> } {
  const conditions: Record<string, Record<string, FactorValue>> = {};
  for (const [name, spec] of Object.entries(m?.condition_specs ?? {})) if (spec.factors && Object.keys(spec.factors).length) conditions[name] = spec.factors;
  const models = (m as { model_factors?: Record<string, Record<string, FactorValue>> } | null | undefined)?.model_factors ?? {};
  return { conditions, models };
}

/**
 * Samples as rows (the manifest supplies the factors; without one, rows
 * carry no factor columns). Every row has the same columns.
 *
 * @example
 * const { samples, manifest } = await loadRun("runs/demo");
 * sampleRows(samples, manifest).filter((r) => r.af_reasoning === "af").length;
 */
export function sampleRows(samples: readonly Sample[], manifest?: RunManifest | null): SampleRow[] {
  const { conditions, models } = manifestFactors(manifest);
  const judges = new Set<string>();
  for (const s of samples) for (const j of Object.values(s.judgements ?? {})) judges.add(j.judge);
  const factorKeys = new Set<string>();
  for (const f of Object.values(conditions)) for (const k of Object.keys(f)) if (!BASE.includes(k)) factorKeys.add(k);
  for (const f of Object.values(models)) for (const k of Object.keys(f)) if (!BASE.includes(k)) factorKeys.add(k);
  const judgeCols = [...judges].filter((j) => !BASE.includes(j) && !factorKeys.has(j));
  return samples.map((s) => {
    const row: SampleRow = {
      key: s.key,
      experiment: s.experiment,
      model: s.model,
      condition: s.condition,
      tier: s.tier,
      query_id: s.query_id,
      query_text: s.query_text ?? null,
      category: s.category ?? "",
      sample: s.sample,
      complied: compliedByTags(s) ? 1 : 0,
      invalid: s.error === null && s.accepted === null ? 1 : 0,
      accept_then_refuse: s.accept_then_refuse ? 1 : 0,
      failed: s.error === null ? 0 : 1,
      outcome: s.outcome,
      scratchpad: s.scratchpad,
      final_output: s.final_output,
    };
    for (const j of judgeCols) {
      const v = latestJudgement(s, j);
      row[j] = v ? v.label : null;
      row[`${j}_score`] = v ? v.score : null;
    }
    const cf = conditions[s.condition] ?? {};
    const mf = models[s.model] ?? {};
    for (const k of factorKeys) row[k] = k in cf ? cf[k] : k in mf ? mf[k] : null;
    return row;
  });
}

/** The columns of rows (the first row's; every row has the same). */
export function rowColumns(rows: readonly SampleRow[]): string[] {
  return rows.length ? Object.keys(rows[0]) : baseColumns();
}

/** Whether the rows carry a factor (a column with at least one value that is not null). */
export function hasFactor(rows: readonly Record<string, unknown>[], factor: string): boolean {
  return rows.some((r) => r[factor] !== null && r[factor] !== undefined);
}

/** The parts of a danfojs DataFrame the rows are read back from (no danfojs import needed). */
export interface FrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
  shape: number[];
}

/** What tables and figure rows accept: a DataFrame from `load`, rows, or samples. */
export type RowsInput = FrameLike | readonly SampleRow[] | readonly Sample[];

/** True for a danfojs DataFrame (or anything with its columns and values). */
export function isFrame(x: unknown): x is FrameLike {
  return !!x && !Array.isArray(x) && typeof x === "object" && Array.isArray((x as FrameLike).columns) && Array.isArray((x as FrameLike).shape) && "values" in (x as object);
}

/** A DataFrame's rows as plain objects, column by column. */
export function frameRows(df: FrameLike): SampleRow[] {
  if (!df.shape[0]) return [];
  const cols = df.columns;
  return (df.values as unknown[][]).map((vals) => {
    const row: Record<string, unknown> = {};
    cols.forEach((c, i) => (row[c] = vals[i] ?? null));
    return row as SampleRow;
  });
}

/**
 * Rows from whatever the caller has: a DataFrame, rows, or samples (whose
 * factors are then unknown).
 */
export function asRows(input: RowsInput): SampleRow[] {
  if (isFrame(input)) return frameRows(input);
  const list = input as readonly (SampleRow | Sample)[];
  if (!list.length) return [];
  if ("complied" in list[0] && "failed" in list[0]) return list as SampleRow[];
  return sampleRows(list as readonly Sample[]);
}
