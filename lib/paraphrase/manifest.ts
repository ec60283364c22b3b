import { z } from "zod";

/**
 * The contract of a paraphrase set on disk:
 *
 *   DIR/manifest.json       this schema (written last, atomically)
 *   DIR/draws.jsonl         the journal: the generator's raw replies, one line per finished draw
 *   DIR/reference/system.txt, suffix.txt   the source texts
 *   DIR/wNN/system.txt, suffix.txt         one accepted wording (NN = its draw)
 *
 * Every wording folder holds a whole system prompt and a whole suffix, so
 * `--system-file DIR/w03/system.txt --suffix-file DIR/w03/suffix.txt`
 * renders that wording byte-exact through the scenario's override mechanism.
 */

const Check = z.enum(["call", "format", "tag", "new-tag", "placeholder", "label", "name", "term", "length", "copy", "duplicate", "drift", "facts", "render"]);

export const ReasonSchema = z.object({ unit: z.string(), check: Check, detail: z.string() });

export const UnitMetricsSchema = z.object({ unit: z.string(), chrf: z.number(), jaccard: z.number(), length_ratio: z.number() });

export const WordingEntry = z.object({
  /** "w" + the draw number, zero-padded: stable across resumes. */
  id: z.string().regex(/^w\d+$/),
  draw: z.number().int().nonnegative(),
  system_file: z.string(),
  suffix_file: z.string(),
  system_sha256: z.string(),
  suffix_sha256: z.string(),
  units: z.array(UnitMetricsSchema),
  /** Mean chrF over the reworded units. */
  mean_chrf: z.number(),
  warnings: z.array(ReasonSchema),
});
export type WordingEntry = z.infer<typeof WordingEntry>;

export const RejectedDraw = z.object({
  draw: z.number().int().nonnegative(),
  reasons: z.array(ReasonSchema).min(1),
  warnings: z.array(ReasonSchema).default([]),
});
export type RejectedDraw = z.infer<typeof RejectedDraw>;

export const SourceUnit = z.object({
  name: z.string(),
  part: z.enum(["system", "suffix"]),
  sha256: z.string(),
  chars: z.number().int().nonnegative(),
  frozen: z.boolean(),
  /** Reworded in this set. */
  selected: z.boolean(),
});

export const ParaphraseManifest = z.object({
  kind: z.literal("afw-paraphrase-set"),
  version: z.literal(1),
  afw_version: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  /** complete: K wordings accepted; incomplete: fewer (too many rejections, call failures, or interrupted). */
  status: z.enum(["running", "complete", "incomplete"]),
  scenario: z.object({
    name: z.string(),
    variant: z.string(),
    cot: z.boolean(),
    /** The user's own prompt files the set was made from, if any (paths as given). */
    system_file: z.string().nullable(),
    suffix_file: z.string().nullable(),
  }),
  source: z.object({
    /** sha256 of the source system prompt and suffix, and of both together (the set's identity). */
    system_sha256: z.string(),
    suffix_sha256: z.string(),
    hash: z.string(),
    split: z.enum(["sections", "paragraphs"]),
    units: z.array(SourceUnit),
    reference_system_file: z.string(),
    reference_suffix_file: z.string(),
  }),
  parts: z.array(z.string()).min(1),
  generator: z.object({
    model: z.string(),
    /** Redacted URL, null offline. */
    base_url: z.string().nullable(),
    offline: z.boolean(),
    params: z.record(z.string(), z.unknown()),
    seed: z.number().int(),
  }),
  prompts: z.object({ version: z.number().int(), hash: z.string(), system: z.string(), user: z.string() }),
  k: z.number().int().positive(),
  max_draws: z.number().int().positive(),
  strict: z.boolean(),
  limits: z.object({ minLengthRatio: z.number(), maxLengthRatio: z.number(), driftChrf: z.number() }),
  /** Hash of everything that must match to resume into this folder. */
  config_hash: z.string(),
  draws_done: z.number().int().nonnegative(),
  wordings: z.array(WordingEntry),
  rejected: z.array(RejectedDraw),
  usage: z.object({ requests: z.number().int(), cached: z.number().int(), errors: z.number().int(), prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
});
export type ParaphraseManifest = z.infer<typeof ParaphraseManifest>;

/** One journal line: every unit's raw reply for one draw (only draws whose calls all returned). */
export const DrawRecord = z.object({
  draw: z.number().int().nonnegative(),
  config_hash: z.string(),
  replies: z.record(z.string(), z.string()),
});
export type DrawRecord = z.infer<typeof DrawRecord>;
