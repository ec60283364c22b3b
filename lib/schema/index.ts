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
    /** Assistant prefill text, sent byte for byte as the start of the assistant turn. */
    prefill: z.string().optional(),
  })
  .strict();
export type ScenarioOverrides = z.infer<typeof ScenarioOverrides>;

/**
 * How a request is sent and continued, beyond its texts: the user turn's tier
 * values, an assistant prefill, stop sequences and the multi-turn scratchpad
 * protocol. Every field is optional; unset, requests are as before.
 */
export const ScenarioProtocol = z
  .object({
    /**
     * The values written for {{is_free_tier_user}}: [free, paid]. Unset means
     * ["true", "false"]; the reference notebook writes Python's ["True", "False"].
     */
    tier_values: z.array(z.string().min(1)).length(2).optional(),
    /**
     * The user template states the tier as literal text instead of a tier
     * placeholder; the spec must then name exactly one tier, the one the text states.
     */
    literal_tier: z.boolean().optional(),
    /** Assistant prefill text for every tier (a variant's own prefill cannot be replaced). */
    prefill: z.string().min(1).optional(),
    /** Stop sequences sent with every request. */
    stop: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Most assistant turns of the multi-turn scratchpad protocol (a turn that
     * ends after its scratchpad is answered with a <NEXT/> user turn). Unset
     * means 4, as in the reference loop; 1 turns the protocol off.
     */
    max_turns: z.number().int().min(1).max(16).optional(),
    /**
     * Ask again on the reference loop's condition (a closing reasoning tag and
     * no </OUTPUT>), also when untagged text follows the scratchpad.
     */
    reference_loop: z.boolean().optional(),
  })
  .strict();
export type ScenarioProtocol = z.infer<typeof ScenarioProtocol>;

/** What to render: a scenario name, its variant, CoT or not, any overrides, and the protocol settings. */
export const ScenarioSpec = z
  .object({
    name: z.string().min(1).default("helpful-only"),
    variant: z.string().min(1).default("baseline"),
    cot: z.boolean().default(true),
    tiers: z.array(z.string().min(1)).min(1).default(["free", "paid"]),
    overrides: ScenarioOverrides.default({}),
    ...ScenarioProtocol.shape,
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
    /** Stop sequences (OpenAI `stop`, Anthropic `stop_sequences`); the text stops before the first one. */
    stop: z.array(z.string().min(1)).min(1).optional(),
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

/**
 * Token usage of one call as the provider reported it. The optional counts
 * are kept apart because they are priced apart: input tokens read from the
 * provider's prompt cache, input tokens written to it (Anthropic), and the
 * hidden reasoning tokens inside completion_tokens. `cost_usd` is what the
 * provider itself said the call cost (OpenRouter's usage.cost), when it did.
 */
export const Usage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  cached_prompt_tokens: z.number().int().nonnegative().optional(),
  cache_creation_tokens: z.number().int().nonnegative().optional(),
  reasoning_tokens: z.number().int().nonnegative().optional(),
  cost_usd: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

/**
 * What became of a request:
 * - reply: the model answered (finish_reason says how it stopped);
 * - truncated: it answered but hit the token limit (finish_reason "length" / "max_tokens");
 * - blocked: the provider refused to pass the answer on (content filter, a
 *   `refusal` field, Anthropic stop_reason "refusal", a safety block). A
 *   blocked sample is data: counted in n, reported in its own column, never retried;
 * - failed: no answer after every allowed attempt (`error` says why).
 */
export const Outcome = z.enum(["reply", "truncated", "blocked", "failed"]);
export type Outcome = z.infer<typeof Outcome>;

/**
 * How a failure acts: transient (retried, and retried again on resume),
 * permanent for this sample (recorded, not retried on resume unless asked),
 * fatal for the run (bad key, unknown model, no quota: the run stops).
 */
export const ErrorKind = z.enum(["transient", "permanent", "fatal"]);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** Where a provider's hidden reasoning came back. */
export const ReasoningSource = z.enum(["reasoning_content", "reasoning", "reasoning_details", "thinking", "think_tag"]);
export type ReasoningSource = z.infer<typeof ReasoningSource>;

/** Hidden reasoning returned apart from the visible reply (not the scratchpad, which is inside the reply). */
export const Reasoning = z.object({ text: z.string(), source: ReasoningSource });
export type Reasoning = z.infer<typeof Reasoning>;

/** One assistant turn of the multi-turn scratchpad protocol. */
export const Turn = z.object({
  output_text: z.string().nullable(),
  finish_reason: z.string().nullable(),
  usage: Usage.nullable(),
  reasoning: Reasoning.nullable().default(null),
  cached: z.boolean().default(false),
  model_snapshot: z.string().nullable().default(null),
});
export type Turn = z.infer<typeof Turn>;

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
  /** The exact model snapshot that answered (the response's `model` field), when the provider said. */
  judge_model_snapshot: z.string().nullable().optional(),
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
  /** The request text itself, so nothing has to cut it back out of the rendered prompt. */
  query_text: z.string().optional(),
  category: z.string().optional(),
  sample: z.number().int().nonnegative(),
  scenario: ScenarioRef,
  request: Request,
  /** The assistant prefill the reply continues (not part of output_text); null when none. */
  prefill: z.string().nullable().default(null),
  /**
   * The assistant's text. With the multi-turn protocol, every turn's text
   * joined by "\n" (and each turn kept in `turns`).
   */
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
  error_kind: ErrorKind.nullable().default(null),
  outcome: Outcome.default("reply"),
  /** Parameters of `request.params` the provider was not sent, so its default applied (e.g. temperature for a reasoning model, seed at Anthropic). */
  params_not_sent: z.array(z.string()).optional(),
  /** The provider's own finish / stop reason of the last turn, as sent (e.g. "stop", "length", "end_turn", "refusal"). */
  finish_reason: z.string().nullable().default(null),
  /** Provider profile the request went through (lib/models/providers), null offline or unknown. */
  provider: z.string().nullable().default(null),
  /** The upstream provider that served it, when a router says (OpenRouter's `provider`). */
  upstream_provider: z.string().nullable().default(null),
  /** The exact model snapshot that answered (the response's `model` field). */
  model_snapshot: z.string().nullable().default(null),
  /** Hidden reasoning returned apart from the reply, with its source. */
  reasoning: Reasoning.nullable().default(null),
  /** Each assistant turn when the multi-turn protocol took more than one; [] otherwise. */
  turns: z.array(Turn).default([]),
  attempts: z.number().int().nonnegative(),
  cached: z.boolean(),
  latency_ms: z.number().nonnegative(),
  created_at: z.string(),
  judgements: z.record(z.string(), Judgement).default({}),
});
export type Sample = z.infer<typeof Sample>;

/**
 * The fields of a sample that place it in a cell and say how it came out:
 * what the tables, the streaming loaders and the wording analysis read, and
 * what the slim records and facts lines of lib/store and lib/frame build on.
 */
export type SampleCell = Pick<Sample, "model" | "condition" | "tier" | "query_id" | "sample" | "accepted" | "accept_then_refuse" | "error">;
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

/** Money actually spent, by model: tokens apart by how they are priced, and dollars. */
export const SpendRow = z.object({
  model: z.string(),
  provider: z.string().nullable(),
  requests: z.number().int().nonnegative(),
  /** HTTP attempts billed but discarded (retried after a body arrived, or blocked replies that cost tokens). */
  discarded_attempts: z.number().int().nonnegative().default(0),
  prompt_tokens: z.number().int().nonnegative(),
  cached_prompt_tokens: z.number().int().nonnegative().default(0),
  cache_creation_tokens: z.number().int().nonnegative().default(0),
  completion_tokens: z.number().int().nonnegative(),
  reasoning_tokens: z.number().int().nonnegative().default(0),
  /** Dollars; null when no price is known. */
  usd: z.number().nonnegative().nullable(),
  /** "provider" when the provider reported the cost, else the price table's date. */
  price_source: z.string().nullable(),
  /** Share of list price paid (0.5 for batch), 1 otherwise. */
  discount: z.number().positive().default(1),
  /** Whose requests: the models under study, or the judges. */
  role: z.enum(["subject", "judge"]).optional(),
});
export type SpendRow = z.infer<typeof SpendRow>;

/** What the manifest records of one condition of the run. */
export const ConditionSpec = z.object({
  variant: z.string(),
  cot: z.boolean(),
  tiers: z.array(z.string()),
  models: z.array(z.string()),
  queries: z.number().int().nonnegative(),
  samples: z.number().int().positive(),
  system_hash: z.string(),
  /** The condition's factors as data (variant, scope, risk, hypothesis, model kind, …): never parsed back out of names. */
  factors: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});
export type ConditionSpec = z.infer<typeof ConditionSpec>;

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
  /** Why the run stopped before it finished (a fatal provider error's line, or "interrupted"); absent when it did not stop early. */
  stop_reason: z.string().nullable().optional(),
  usage: UsageTotals,
  /** Hash of what must match to resume (prompts, parameters, seed, names). */
  config_hash: z.string().optional(),
  /** That hash per condition. */
  condition_configs: z.record(z.string(), z.string()).optional(),
  condition_specs: z.record(z.string(), ConditionSpec).optional(),
  /** The command-line settings, for the record (never a key). */
  args: z.record(z.string(), z.unknown()).optional(),
  /** Provider profile used, and an OpenRouter provider pin when one was asked for. */
  provider: z.string().nullable().optional(),
  provider_order: z.array(z.string()).nullable().optional(),
  /** Money actually spent, per model. */
  spend: z.array(SpendRow).optional(),
  /** Each model's factors as data (its family, whether it is a base model), as the experiment declares them. */
  model_factors: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).optional(),
  /** The figure kinds the experiment declares for its results (afw figures). */
  figures: z.array(z.string()).optional(),
  /**
   * Where each model's samples came from (provider profile and base URL), kept
   * across runs into the folder: a resume that would ask one of these models
   * somewhere else is refused, so one model's samples never mix endpoints.
   */
  model_endpoints: z.record(z.string(), z.object({ provider: z.string().nullable(), base_url: z.string().nullable() })).optional(),
  /** Per model, the parameters of `params` its provider was not sent (its default applied). */
  params_not_sent: z.record(z.string(), z.array(z.string())).optional(),
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
