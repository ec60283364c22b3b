import { existsSync } from "node:fs";
import { z } from "zod";
import type { GapRow, RateRow } from "../schema/index";
import { publishedInterval } from "../stats/index";
import { AfwError } from "../util/errors";
import { firstIssue, forEachJsonLineSync } from "../util/jsonl";

/** One published number (data/paper/published.jsonl). Values are fractions. */
export const PublishedNumber = z
  .object({
    /** Source key, described in data/paper/sources.json (G, P, R, ARENA, SEC). */
    source: z.string().min(1),
    /** Where in the source, e.g. "G Table 1 (default prompt)". */
    ref: z.string().min(1),
    model: z.string().min(1),
    condition: z.string().min(1),
    metric: z.enum(["compliance", "refusal", "gap", "af_rate", "auroc", "compliance_diff"]),
    /** The tier of a rate (null for gaps and AUROC). */
    tier: z.string().nullable(),
    /** The two tiers of a gap, first minus second (null for rates). */
    tiers: z.tuple([z.string(), z.string()]).nullable(),
    value: z.number().min(-1).max(1),
    /** Published ±1 standard error, when given. */
    se: z.number().nonnegative().nullable(),
    /** Sample size (queries per tier, or labelled examples); null when the source does not give it. */
    n: z.number().int().positive().nullable(),
    /** Where n comes from, or why it is unknown. */
    n_note: z.string().nullable(),
    cot: z.boolean().nullable(),
    note: z.string().nullable(),
  })
  .strict()
  .refine((r) => r.n !== null || (r.n_note !== null && r.n_note.length > 0), { message: "a number without n needs an n_note" });
export type PublishedNumber = z.infer<typeof PublishedNumber>;

/** Rows that came from a paper, marked so figures can set them beside replications. */
export type PublishedRateRow = RateRow & { source: "published"; ref: string; metric: "compliance" | "refusal" | "af_rate"; ci_method: string };
export type PublishedGapRow = GapRow & { source: "published"; ref: string; ci_method: string };

/** The published numbers shipped with the project, relative to the checkout. */
export const PUBLISHED_PATH = "data/paper/published.jsonl";

/**
 * Read and validate a file of published numbers (the project ships
 * data/paper/published.jsonl, PUBLISHED_PATH). A bad line is a one-line
 * AfwError naming the file and line.
 *
 * @example
 * loadPublished("data/paper/published.jsonl").filter((r) => r.metric === "gap").length; // 23
 */
export function loadPublished(path: string): PublishedNumber[] {
  if (!existsSync(path)) throw new AfwError(`published numbers: ${path} not found`);
  const out: PublishedNumber[] = [];
  forEachJsonLineSync(path, (raw, n) => {
    const r = PublishedNumber.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: ${firstIssue(r.error)}`);
    out.push(r.data);
  });
  return out;
}

/**
 * Published rates (compliance, refusal, AF rate) as rate rows with
 * `source: "published"`, so a figure can draw them beside our own.
 *
 * intervals: lib/stats `publishedInterval`.
 *
 * @example
 * publishedRateRows(loadPublished(path), { model: "llama-3.1-405b" }); // ARENA's expected 49% free / 35% paid
 */
export function publishedRateRows(rows: readonly PublishedNumber[], filter: { model?: string; condition?: string; metric?: PublishedRateRow["metric"] } = {}): PublishedRateRow[] {
  return rows
    .filter((r) => (r.metric === "compliance" || r.metric === "refusal" || r.metric === "af_rate") && r.tier !== null)
    .filter((r) => (!filter.model || r.model === filter.model) && (!filter.condition || r.condition === filter.condition) && (!filter.metric || r.metric === filter.metric))
    .map((r) => {
      const ci = publishedInterval(r.value, r.se, r.n, "rate");
      return {
        model: r.model,
        condition: r.condition,
        tier: r.tier!,
        n: r.n ?? 0,
        complied: r.n === null ? 0 : Math.round(r.value * r.n),
        rate: r.value,
        ci_low: ci.low,
        ci_high: ci.high,
        source: "published" as const,
        ref: r.ref,
        metric: r.metric as PublishedRateRow["metric"],
        ci_method: ci.method,
      };
    });
}

/**
 * Published compliance gaps as gap rows with `source: "published"`
 * (n_pairs = n, or 0 when unknown).
 *
 * @example
 * gapForest([...ourGaps, ...publishedGapRows(loadPublished(path), { model: "llama-3.1-405b" })]);
 */
export function publishedGapRows(rows: readonly PublishedNumber[], filter: { model?: string; condition?: string } = {}): PublishedGapRow[] {
  return rows
    .filter((r) => r.metric === "gap" && r.tiers !== null)
    .filter((r) => (!filter.model || r.model === filter.model) && (!filter.condition || r.condition === filter.condition))
    .map((r) => {
      const ci = publishedInterval(r.value, r.se, r.n, "gap");
      return { model: r.model, condition: r.condition, gap: r.value, ci_low: ci.low, ci_high: ci.high, n_pairs: r.n ?? 0, tiers: r.tiers!, source: "published" as const, ref: r.ref, ci_method: ci.method };
    });
}

/**
 * The name data/paper/published.jsonl uses for a provider id, so a live
 * replication lines up with the published numbers:
 * "meta-llama/llama-3.1-405b-instruct" → "llama-3.1-405b".
 */
export function publishedName(model: string): string {
  return model
    .replace(/^.*\//, "")
    .replace(/-(instruct|chat)$/i, "")
    .replace(/-\d{8}$/, "");
}
