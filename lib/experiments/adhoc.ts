import type { ScenarioOverrides, ScenarioProtocol } from "../schema/index";
import type { Experiment } from "./schema";

/** What an ad-hoc run (afw run without an experiment) asks for. */
export interface AdhocOptions {
  /** The label recorded in every sample; default "adhoc". */
  experiment?: string;
  /** The one condition's name; default "baseline". */
  condition?: string;
  variant?: string;
  cot?: boolean;
  /** Tiers; default the variant's own. */
  tiers?: string[];
  overrides?: ScenarioOverrides;
  /** Tier values, prefill, stop sequences, turns. */
  protocol?: ScenarioProtocol;
  models: string[];
  /** Queries (after any limit) and samples per query: the run is every query × every sample. */
  queries: number;
  samples?: number;
}

/**
 * An ad-hoc run as an experiment value: one condition, the given models, and
 * an n that the plan realises as every query × `samples` (see `unitsFor`),
 * so it goes through the same plan, run and results as the catalog's
 * experiments. Labels are taken as given (the catalog's naming rule is for
 * the catalog).
 *
 * @example
 * const e = adhocExperiment({ models: ["sim-faker"], queries: 50 });
 * planExperiment(e, { queries, offline: true }).requests; // 100: 50 queries × free, paid
 */
export function adhocExperiment(o: AdhocOptions): Experiment {
  const samples = o.samples ?? 1;
  return {
    name: o.experiment ?? "adhoc",
    title: "ad-hoc run",
    paper: "none",
    n: Math.max(1, o.queries * samples),
    conditions: [{ name: o.condition ?? "baseline", variant: o.variant ?? "baseline", cot: o.cot ?? true, ...(o.tiers ? { tiers: o.tiers } : {}), ...(o.overrides ? { overrides: o.overrides } : {}), ...(o.protocol && Object.keys(o.protocol).length ? { protocol: o.protocol } : {}), factors: {} }],
    models: o.models.map((m) => ({ label: m, id: m, kind: "chat" as const })),
    offline: o.models,
    modelFactors: {},
    contrasts: [],
    bearsOn: "",
    judges: [],
    figures: [],
  };
}
