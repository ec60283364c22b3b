import { z } from "zod";
import { ScenarioOverrides, ScenarioProtocol } from "../schema/index";

/**
 * An experiment as data (design.md: "an experiment is queries + scenario
 * conditions + models + judges, all data"): named conditions, each a
 * scenario variant in CoT or no-CoT with its tiers; the paper's models; the
 * paper's n; and the contrasts that define its result.
 */

/** One model of the paper: provider id where one exists, and the organism that stands in offline. */
export const ModelRef = z.strictObject({
  /** The paper's name for it. */
  label: z.string().min(1),
  /** OpenRouter-style provider id, or null when no public endpoint serves it. */
  id: z.string().min(1).nullable(),
  /** "base" models are sent documents through the completions API. */
  kind: z.enum(["chat", "base"]).default("chat"),
  /** The model family a base model and its chat version share (figure f pairs them). */
  family: z.string().min(1).optional(),
});
export type ModelRef = z.infer<typeof ModelRef>;

/** A factor's value: what a condition (or model) is, as data. */
export const FactorValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type FactorValue = z.infer<typeof FactorValue>;
export const Factors = z.record(z.string(), FactorValue);
export type Factors = z.infer<typeof Factors>;

export const Condition = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
  /** A catalog variant or a "+" composition. */
  variant: z.string().min(1),
  cot: z.boolean().default(true),
  /** Tiers to run; default: the variant's own. */
  tiers: z.array(z.string().min(1)).min(1).optional(),
  /** This condition's n when it differs from the experiment's. */
  n: z.number().int().positive().optional(),
  /** User files replacing built-in scenario parts (an ad-hoc run's --system-file, --user-template, --suffix-file, --prefill-file). */
  overrides: ScenarioOverrides.optional(),
  /** How requests are sent and continued: tier values, prefill, stop sequences, turns (an ad-hoc run's --tier-values, --prefill, --stop, --max-turns, …). */
  protocol: ScenarioProtocol.optional(),
  /** What the condition is, as data: scope, risk, scenario, hypothesis, reference, model_kind, … (the plan adds variant and cot). */
  factors: Factors.default({}),
});
export type Condition = z.infer<typeof Condition>;

/** One term of a contrast: weight × (compliance in tier a − compliance in tier b) in a condition. */
export const ContrastTerm = z.strictObject({
  condition: z.string().min(1),
  a: z.string().min(1),
  b: z.string().min(1),
  weight: z.number().default(1),
});

/**
 * A contrast: a weighted sum of within-condition gaps, computed per query
 * unit (query × sample) and so paired across tiers and conditions. One term
 * is a compliance gap; two terms with weights +1 / −1 a difference of gaps.
 */
export const Contrast = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** What a positive value means. */
  says: z.string().min(1),
  terms: z.array(ContrastTerm).min(1),
});
export type Contrast = z.infer<typeof Contrast>;

/**
 * A judge an experiment declares beyond the built-in names: a value with a
 * name, a version, a prompt, a parser and an aggregate (lib/classify `Judge`,
 * like Inspect's scorers). Typed loosely here: experiments hold it, the
 * pipeline runs it.
 */
export interface JudgeValue {
  readonly name: string;
  version(judgeModel: string): string;
  prompt(input: never): unknown;
  parse(text: string): unknown;
  aggregate(votes: never): unknown;
  applies(...args: never[]): boolean;
}

const isJudgeValue = (v: unknown): v is JudgeValue =>
  !!v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string" && ["version", "prompt", "parse", "aggregate", "applies"].every((k) => typeof (v as Record<string, unknown>)[k] === "function");

/**
 * The figure kinds of `afw figures`: a outcomes by tier, b gap forest,
 * c three-tier decomposition, d gap by deployment scope × risk,
 * e gap and AF rate by scenario, f base vs chat, g post-training hypotheses.
 */
export const FigureKind = z.enum(["a", "b", "c", "d", "e", "f", "g"]);
export type FigureKind = z.infer<typeof FigureKind>;

export const Experiment = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  /** Where paper.md describes it. */
  paper: z.string().min(1),
  /** Queries per tier and condition in the paper. */
  n: z.number().int().positive(),
  conditions: z.array(Condition).min(1),
  /** The paper's models for it. */
  models: z.array(ModelRef).min(1),
  /** Simulated organisms run offline (the default without an endpoint). */
  offline: z.array(z.string().min(1)).min(1),
  /** Factors of the offline organisms, by name (e.g. the family a base organism and its chat version share). */
  modelFactors: z.record(z.string(), Factors).default({}),
  contrasts: z.array(Contrast).default([]),
  /** What the result bears on (hypotheses, in words). */
  bearsOn: z.string().default(""),
  /** The judges its results need: built-in names (compliance, partial_compliance, af_reasoning, motives) or judge values. */
  judges: z.array(z.union([z.string().min(1), z.custom<JudgeValue>(isJudgeValue, "a judge: a built-in name, or { name, version, prompt, parse, aggregate, applies }")])).default([]),
  /** The figure kinds its results are drawn as (afw figures, afw demo). */
  figures: z.array(FigureKind).default([]),
});
export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;
