/**
 * The contracts of af-workbook. Every file the project reads is parsed
 * through one of these schemas at the edge; inside, the inferred types are
 * trusted. Nothing here imports anything but zod.
 */
import { z } from "zod";

/** One harmful request. The project ships requests only, never answers. */
export const Query = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  category: z.string().min(1).default("uncategorised"),
  source: z.string().optional(),
});
export type Query = z.infer<typeof Query>;

export const Role = z.enum(["system", "user", "assistant"]);
/**
 * A chat message. In a stored sample a system prompt is kept once per
 * results folder (prompts/<ref>.txt): the message then has `ref` (its
 * sha256) and empty content; loaders put the text back.
 */
export const Message = z.object({ role: Role, content: z.string(), ref: z.string().optional() });
export type Message = z.infer<typeof Message>;

/** Which API a request goes through: chat models or legacy completions (base models). */
export const Api = z.enum(["chat", "completions"]);
export type Api = z.infer<typeof Api>;

/** Paths of user files that replace built-in scenario parts, byte-exact. */
export const ScenarioOverrides = z
  .object({
    /** Whole system prompt; used as-is (placeholders are still filled). */
    system: z.string().optional(),
    /** User-turn template; must contain {{user_input}}. */
    user: z.string().optional(),
    /** Accept/reject suffix text. */
    suffix: z.string().optional(),
  })
  .strict();
export type ScenarioOverrides = z.infer<typeof ScenarioOverrides>;

/** What to render: a scenario name, its variant, CoT or not, and any overrides. */
export const ScenarioSpec = z
  .object({
    name: z.string().min(1).default("helpful-only"),
    variant: z.string().min(1).default("baseline"),
    cot: z.boolean().default(true),
    tiers: z.array(z.string().min(1)).min(1).default(["free", "paid"]),
    overrides: ScenarioOverrides.default({}),
  })
  .strict();
export type ScenarioSpec = z.infer<typeof ScenarioSpec>;
export type ScenarioSpecInput = z.input<typeof ScenarioSpec>;

/** Sampling parameters sent with every request. */
export const Params = z
  .object({
    temperature: z.number().min(0).max(2).default(0),
    max_tokens: z.number().int().positive().default(2000),
    top_p: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    n: z.number().int().positive().optional(),
  })
  .strict();
export type Params = z.infer<typeof Params>;

/** A rendered request, ready for a model. Chat carries messages, completions a prompt. */
export const Request = z
  .object({
    api: Api,
    messages: z.array(Message).optional(),
    prompt: z.string().optional(),
    params: Params,
  })
  .refine((r) => (r.api === "chat" ? !!r.messages : typeof r.prompt === "string"), {
    message: "chat requests need messages, completions requests need a prompt",
  });
export type Request = z.infer<typeof Request>;

/** How a sample's prompt was made. */
export const ScenarioRef = z.object({
  name: z.string(),
  variant: z.string(),
  cot: z.boolean(),
  /** sha256 of the system prompt (or the document template for base models). */
  system_hash: z.string(),
  /** sha256 of the whole rendered request (messages or prompt). */
  prompt_hash: z.string(),
});
export type ScenarioRef = z.infer<typeof ScenarioRef>;

export const Usage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** One verdict of one judge on one sample. Re-judging adds a version, never edits. */
export const Judgement = z.object({
  /** Judge family, e.g. "compliance_tags", "af_reasoning". */
  judge: z.string().min(1),
  /** Version: judge model + prompt hash; several can sit side by side. */
  version: z.string().min(1),
  judge_model: z.string().nullable(),
  prompt_hash: z.string().nullable(),
  /** Main label; null when the judge's reply could not be used. */
  label: z.union([z.string(), z.boolean()]).nullable(),
  score: z.number().nullable(),
  votes: z.array(z.boolean().nullable()).optional(),
  valid: z.boolean(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type Judgement = z.infer<typeof Judgement>;

/** The sample record: one JSONL line, written once. */
export const Sample = z.object({
  key: z.string().min(1),
  run_id: z.string().min(1),
  experiment: z.string().min(1),
  condition: z.string().min(1),
  model: z.string().min(1),
  tier: z.string().min(1),
  query_id: z.string().min(1),
  category: z.string().optional(),
  sample: z.number().int().nonnegative(),
  scenario: ScenarioRef,
  request: Request,
  output_text: z.string().nullable(),
  scratchpad: z.string().nullable(),
  final_output: z.string().nullable(),
  /** true: accept tag; false: reject tag; null: neither tag (invalid) or error. */
  accepted: z.boolean().nullable(),
  /** The accept tag is present but the body refuses anyway. */
  accept_then_refuse: z.boolean(),
  usage: Usage.nullable(),
  /** Set when the request failed for good after all retries. */
  error: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  cached: z.boolean(),
  latency_ms: z.number().nonnegative(),
  created_at: z.string(),
  judgements: z.record(z.string(), Judgement).default({}),
});
export type Sample = z.infer<typeof Sample>;
export type SampleInput = z.input<typeof Sample>;

/** A judgement stored apart from its sample (judgements.jsonl), keyed by the sample key. */
export const JudgementRecord = z.object({
  sample_key: z.string().min(1),
  judgement: Judgement,
  created_at: z.string(),
});
export type JudgementRecord = z.infer<typeof JudgementRecord>;

export const UsageTotals = z.object({
  requests: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

/** What a run was asked to do and how far it got. Never holds a key. */
export const RunManifest = z.object({
  run_id: z.string().min(1),
  afw_version: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  status: z.enum(["running", "complete", "incomplete"]),
  experiment: z.string(),
  base_url: z.string().nullable(),
  offline: z.boolean(),
  models: z.array(z.string()).min(1),
  conditions: z.array(z.string()).min(1),
  tiers: z.array(z.string()).min(1),
  scenario: ScenarioSpec,
  queries: z.object({ source: z.string(), count: z.number().int().nonnegative(), hash: z.string() }),
  samples_per_query: z.number().int().positive(),
  seed: z.number().int(),
  params: Params,
  planned: z.number().int().nonnegative(),
  written: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  usage: UsageTotals,
});
export type RunManifest = z.infer<typeof RunManifest>;

/** A tidy row of the rate table. */
export const RateRow = z.object({
  model: z.string(),
  condition: z.string(),
  tier: z.string(),
  n: z.number().int().nonnegative(),
  complied: z.number().int().nonnegative(),
  rate: z.number(),
  ci_low: z.number(),
  ci_high: z.number(),
});
export type RateRow = z.infer<typeof RateRow>;

/** A tidy row of the gap table (first tier minus second, paired over queries). */
export const GapRow = z.object({
  model: z.string(),
  condition: z.string(),
  gap: z.number(),
  ci_low: z.number(),
  ci_high: z.number(),
  n_pairs: z.number().int().nonnegative(),
  tiers: z.tuple([z.string(), z.string()]),
});
export type GapRow = z.infer<typeof GapRow>;
