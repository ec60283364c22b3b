import type { Query } from "../schema/index";
import { loadScenario, type Scenario } from "../scenario/index";
import { motiveOrganism } from "../organisms/motives";
import { AfwError } from "../util/errors";
import { finetuneFactors, isFinetuneRef, resolveFinetuneRef, type ResolvedFinetune } from "./finetuned";
import type { Experiment, Factors } from "./schema";

/** Options for planning an experiment run. */
export interface PlanOptions {
  /** The query pool (the shipped set or a user file). */
  queries: Query[];
  /** Offline runs use the experiment's organisms; online runs its provider ids. */
  offline: boolean;
  /** Replace the experiment's models. */
  models?: string[];
  /** Replace the paper's n (for every condition). */
  n?: number;
  /** Run only these conditions. */
  only?: string[];
  /** Online: the run's endpoint, checked against where a fine-tuning folder (ft-dir:PATH) was trained. */
  baseURL?: string | null;
}

/** One condition, ready for the runner (lib/pipeline). */
export interface PlannedCondition {
  name: string;
  variant: string;
  cot: boolean;
  scenario: Scenario;
  tiers: string[];
  /** The n asked for, and the (query × sample) units that realise it. */
  n: number;
  queries: Query[];
  samples: number;
  models: string[];
  api: "chat" | "completions";
  /** Requests this condition sends: models × tiers × queries × samples. */
  requests: number;
  /** Estimated prompt tokens per model (characters / 4, the organisms' own rule). */
  promptTokensPerModel: number;
  /** What the condition is, as data: its variant and cot, and the factors the experiment declares. */
  factors: Factors;
}

export interface ModelEstimate {
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

export interface Plan {
  experiment: Experiment;
  conditions: PlannedCondition[];
  models: string[];
  requests: number;
  perModel: ModelEstimate[];
  /** Paper models skipped because no provider id exists (online runs). */
  skipped: string[];
  /** Each model's factors: whether it is a base model, and its family when declared. */
  modelFactors: Record<string, Factors>;
  /** The fine-tuning folders (ft-dir:PATH) the models named, resolved; their models are in `models` under `name`, with their baselines. */
  finetunes: ResolvedFinetune[];
  /** Model names sent to the endpoint under another name (offline: a fine-tuned id answered by its stand-in organism). */
  callAs: Record<string, string>;
}

/** Rough completion length per request, for estimates only. */
export const COMPLETION_TOKENS_ESTIMATE = { cot: 700, noCot: 60 } as const;

/**
 * Units for an n: n ≤ the pool → the first n queries, one sample each;
 * otherwise every query, ceil(n / pool) samples each (so the shipped 50
 * queries give n = 400 as 50 × 8).
 */
export function unitsFor(n: number, pool: Query[]): { queries: Query[]; samples: number } {
  if (!pool.length) throw new AfwError("no queries to run");
  if (n <= pool.length) return { queries: pool.slice(0, n), samples: 1 };
  return { queries: pool, samples: Math.ceil(n / pool.length) };
}

function isBaseModel(e: Experiment, model: string, offline: boolean): boolean {
  const m = motiveOrganism(model);
  if (m) return m.completionsOnly;
  if (offline) return false;
  return e.models.some((r) => r.id === model && r.kind === "base");
}

/**
 * Plan a run: which models run which conditions with which queries. The
 * same plan drives `--dry-run` and the real run, so the counts agree.
 * A completions (base-document) condition runs the base models; chat
 * conditions run the rest. With --models, every model runs every condition,
 * except that a completions-only organism skips chat conditions.
 */
export function planExperiment(e: Experiment, o: PlanOptions): Plan {
  const skipped: string[] = [];
  let models: string[];
  if (o.models?.length) models = o.models;
  else if (o.offline) models = e.offline;
  else {
    models = [];
    for (const m of e.models) {
      if (m.id) {
        if (!models.includes(m.id)) models.push(m.id);
      } else skipped.push(m.label);
    }
  }
  if (!models.length) throw new AfwError(`experiment ${e.name}: no models to run`);
  const { models: resolvedModels, finetunes } = resolveFinetunes(models, o);
  models = resolvedModels;
  const callAs: Record<string, string> = {};
  for (const f of finetunes) if (f.callAs !== f.name) callAs[f.name] = f.callAs;
  const only = o.only;
  if (only) {
    const names = e.conditions.map((c) => c.name);
    for (const c of only) if (!names.includes(c)) throw new AfwError(`experiment ${e.name} has no condition "${c}"; conditions: ${names.join(", ")}`);
  }
  const conditions: PlannedCondition[] = [];
  for (const c of e.conditions) {
    if (only && !only.includes(c.name)) continue;
    const scenario = loadScenario({ variant: c.variant, cot: c.cot, ...(c.tiers ? { tiers: c.tiers } : {}), ...(c.overrides ? { overrides: c.overrides } : {}), ...(c.protocol ?? {}) });
    const n = o.n ?? c.n ?? e.n;
    const { queries, samples } = unitsFor(n, o.queries);
    const base = scenario.api === "completions";
    const condModels = models.filter((m) => {
      const isBase = isBaseModel(e, m, o.offline);
      if (o.models?.length) return base || !isBase;
      return base ? isBase : !isBase;
    });
    let chars = 0;
    for (const t of scenario.spec.tiers) {
      for (const q of queries) {
        const r = scenario.render(q, t).request;
        chars += r.api === "chat" ? (r.messages ?? []).reduce((a, m) => a + m.content.length, 0) : (r.prompt ?? "").length;
      }
    }
    conditions.push({
      name: c.name,
      variant: scenario.spec.variant,
      cot: c.cot,
      scenario,
      tiers: scenario.spec.tiers,
      n,
      queries,
      samples,
      models: condModels,
      api: scenario.api,
      requests: condModels.length * scenario.spec.tiers.length * queries.length * samples,
      promptTokensPerModel: Math.ceil(chars / 4) * samples,
      factors: { variant: scenario.spec.variant, cot: c.cot, ...c.factors },
    });
  }
  const perModel: ModelEstimate[] = models.map((model) => {
    let requests = 0;
    let promptTokens = 0;
    let completionTokens = 0;
    for (const c of conditions) {
      if (!c.models.includes(model)) continue;
      const r = c.tiers.length * c.queries.length * c.samples;
      requests += r;
      promptTokens += c.promptTokensPerModel;
      completionTokens += r * (c.cot ? COMPLETION_TOKENS_ESTIMATE.cot : COMPLETION_TOKENS_ESTIMATE.noCot);
    }
    return { model, requests, promptTokens, completionTokens };
  });
  const modelFactors: Record<string, Factors> = {};
  for (const model of models) {
    const ref = o.offline ? undefined : e.models.find((r) => r.id === model);
    const family = ref?.family ?? e.modelFactors[model]?.family;
    modelFactors[model] = { base_model: isBaseModel(e, model, o.offline), ...(family !== undefined ? { family } : {}), ...(o.offline ? e.modelFactors[model] : {}) };
  }
  for (const f of finetunes) modelFactors[f.name] = { ...modelFactors[f.name], ...finetuneFactors(f) };
  return { experiment: e, conditions, models, requests: conditions.reduce((a, c) => a + c.requests, 0), perModel, skipped, modelFactors, finetunes, callAs };
}

/**
 * Replace every `ft-dir:PATH` model by the model of that folder (see
 * finetuned.ts), keeping the order, and add each folder's baseline model
 * (the model it was tuned from) after the others when it is not listed.
 * The same folder named twice counts once; two folders that resolve to one
 * model id are an error.
 */
function resolveFinetunes(models: string[], o: PlanOptions): { models: string[]; finetunes: ResolvedFinetune[] } {
  if (!models.some(isFinetuneRef)) return { models, finetunes: [] };
  const out: string[] = [];
  const finetunes: ResolvedFinetune[] = [];
  for (const m of models) {
    if (!isFinetuneRef(m)) {
      if (!out.includes(m)) out.push(m);
      continue;
    }
    const r = resolveFinetuneRef(m, { offline: o.offline, baseURL: o.baseURL });
    const twin = finetunes.find((f) => f.name === r.name);
    if (twin) {
      if (twin.dir !== r.dir) throw new AfwError(`models ${twin.ref} and ${r.ref} are the same fine-tuned model ${r.name}; name one of the folders`);
      continue;
    }
    finetunes.push(r);
    if (!out.includes(r.name)) out.push(r.name);
  }
  for (const f of finetunes) if (f.baseline && !out.includes(f.baseline)) out.push(f.baseline);
  return { models: out, finetunes };
}

const fmtInt = (n: number) => n.toLocaleString("en-US");

/** The dry-run report: requests, estimated tokens and cost per model, then per condition. */
export function formatPlan(p: Plan): string {
  const lines: string[] = [];
  const e = p.experiment;
  lines.push(`${e.name}: ${e.title} (${e.paper}); paper n = ${e.n}`);
  lines.push(`${fmtInt(p.requests)} requests over ${p.conditions.length} condition(s) and ${p.models.length} model(s)`);
  if (p.skipped.length) lines.push(`skipped (no public provider id): ${p.skipped.join(", ")}`);
  for (const f of p.finetunes) {
    lines.push(
      `fine-tuning folder ${f.dir}: ${f.recipe ?? "(no recipe)"} → ${f.name}${f.offline ? ` (offline: answered by ${f.callAs})` : ` at ${f.baseURL}`}${f.baseline ? `; compared with ${f.baseline}` : ""}${f.recipeHash ? `; recipe hash ${f.recipeHash.slice(0, 12)}` : ""}`,
    );
  }
  lines.push("");
  // Requests only: what they cost is priced once, by the dry run's cost table
  // (lib/models/estimate: provider ids, tokenizer, caching, batch), so two
  // estimates of one sweep never disagree on the screen.
  const w = Math.max(5, ...p.perModel.map((m) => m.model.length));
  lines.push(`${"model".padEnd(w)}  ${"requests".padStart(9)}`);
  for (const m of p.perModel) lines.push(`${m.model.padEnd(w)}  ${fmtInt(m.requests).padStart(9)}`);
  lines.push("");
  const cw = Math.max(9, ...p.conditions.map((c) => c.name.length));
  lines.push(`${"condition".padEnd(cw)}  variant (cot)  tiers  n = queries × samples  models  requests`);
  for (const c of p.conditions) {
    lines.push(`${c.name.padEnd(cw)}  ${c.variant}${c.cot ? "" : " (no-cot)"}  [${c.tiers.join(",")}]  ${c.n} = ${c.queries.length} × ${c.samples}  ${c.models.length}  ${fmtInt(c.requests)}`);
  }
  return lines.join("\n");
}
