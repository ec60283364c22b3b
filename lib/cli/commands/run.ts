import { resolve } from "node:path";
import { loadScenario } from "../../scenario/index";
import { loadQueries, shippedQueries, SHIPPED_QUERIES_PATH } from "../../queries/index";
import { isDeliberatorModel, OrganismError, organismNames, resolveDeliberator, resolveOrganism } from "../../organisms/index";
import { motiveOrganism } from "../../organisms/motives";
import { evaluate, openEndpoint, preflightRun, providerReport, type BatchTotals, type RunSummary } from "../../pipeline/index";
import { readSlimSamples } from "../../store/index";
import { adhocExperiment, defaultPlacement, experiments, formatPlan, getExperiment, isFinetuneRef, placementAt, planEstimateRequests, planExperiment, type Experiment, type Plan } from "../../experiments/index";
import { motivationsReport } from "../../analysis/motivations";
import type { Query } from "../../schema/index";
import { AfwError } from "../../util/errors";
import { canonicalJson, sha256 } from "../../util/hash";
import { projectRoot } from "../../util/paths";
import { batchFlags, checkBatch, endpointOptions, intFlag, listFlag, numFlag, parseFlags, redactUrl, BATCH_FLAGS, BATCH_HELP, CLIENT_FLAGS, PROVIDER_FLAGS, PROVIDER_HELP } from "../args";
import { EXIT_FATAL_PROVIDER, batchSavingLine, estimateSweepCost, findProfile, formatEstimate, servedBy } from "../../models/index";
import { batchEventPrinter, batchStopLine, batchTotalsLine } from "../batch-lines";
import { spendLine } from "../../analysis/spend";
import type { Command } from "../command";
import { protocolOf, SCENARIO_FLAGS, SCENARIO_FLAGS_HELP, scenarioSpecFromFlags } from "../scenario-flags";

const HELP_TEXT = `afw run [EXPERIMENT] — generate samples: every model × tier × query × sample

With EXPERIMENT (see --list), runs every condition of that paper experiment
into one results folder (offline on the simulated organisms by default),
then prints its contrasts (and, for motivations, the verdict table).

  --list               list the experiments and exit
  --dry-run            print requests, estimated tokens and cost (synchronous, with prompt
                       caching, as batches; from the dated price table); send nothing
  --models A,B         replace the experiment's models (comma list; --model works too)
  --n N                replace the paper's n (queries × samples per tier and condition)
  --conditions A,B     run only these conditions of the experiment
  --variant V          (without EXPERIMENT) scenario variant, e.g. three-tiers or
                       predeploy-public+reorder (see afw scenario list)

  --base-url URL       the provider's endpoint (default: the profile's own; or OPENAI_BASE_URL)
  --api-key KEY        API key (default: the profile's variable, e.g. OPENAI_API_KEY,
                       ANTHROPIC_API_KEY); never written anywhere
__PROVIDER_HELP__
__BATCH_HELP__
  --retry-permanent    also redo samples that failed with a permanent error (context too
                       long, an invalid request); by default a resume keeps them
  --offline            use the built-in simulated organisms (the default when no
                       endpoint or key is configured)
  --model M            model id; repeat for several (offline default:
                       sim-faker, sim-refuser)
  --queries FILE       .jsonl or .csv (AdvBench goal / LLM-LAT prompt /
                       HarmBench Behavior); default: the shipped set
  --limit N            use the first N queries
  --samples K          samples per (model, tier, query); default 1
  --cot / --no-cot     hidden scratchpad (default) or none
  --temperature T      default 0 (as in the paper)
  --max-tokens N       default 4000 with CoT, 1000 without
  --concurrency N      requests in flight; default 16
  --timeout S          seconds per request; default 120
  --max-attempts N     tries per request (retries on 429/5xx/timeouts); default 6
  --seed N             run seed; default 0
  --out DIR            results folder; default runs/run-<hash of the command>
  --no-cache           do not read or write the response cache
  --cache-dir DIR      response cache; default .afw-cache/responses
  --experiment NAME    label recorded in every sample; default adhoc
  --condition NAME     label recorded in every sample; default baseline
  --quiet              no progress output
  --paraphrases DIR    cross the run's conditions whose texts a paraphrase set rewords
                       with every wording of the set (and the reference), on the same
                       queries; the wording is recorded as a factor of each condition
                       (afw paraphrase makes a set; afw report shows the analysis)

A model may be a trained fine-tuning folder, ft-dir:PATH (afw finetune build / train):
offline it runs as its stand-in organism under its fine-tuned id, online as the
fine-tuned id at the endpoint it was trained on; the model it was tuned from runs
beside it (docs/finetune.md).

The request and its protocol (without EXPERIMENT; afw scenario show takes
the same flags and prints what is sent):
${SCENARIO_FLAGS_HELP}

Writes DIR/samples.jsonl (one line per sample, appended as they finish) and
DIR/manifest.json (with the provider, any pin, and the money spent). Run the
same command again to resume: finished samples are skipped, failed ones
retried (permanent failures only with --retry-permanent).

With --batch the requests go out as provider batches, in rounds: the first
turns together, then the further turns of the multi-turn protocol that
samples need (a round waits for its batches). The records, the response
cache and resuming are as without it; DIR/batches/<provider>.jsonl is the
journal that makes a killed run resume without submitting anything twice.

A request the provider cannot serve (a prefill it cannot continue, temperature 0
on a reasoning model, a retired model, a model it does not serve) is refused
before anything is sent: one line, exit 2. --dry-run lists what can be reached.

Exit codes: 0 done; 1 some samples failed (recorded; rerun to retry); 2 bad input
or a refused plan (nothing sent); 3 stopped by a fatal provider error (bad key, no
permission, unknown model, no credit or quota; in-flight requests cancelled,
nothing written for them; fix the cause and rerun); 130 interrupted.`;

const HELP = HELP_TEXT.replace("__PROVIDER_HELP__", PROVIDER_HELP).replace("__BATCH_HELP__", BATCH_HELP);

const RUN_FLAGS = {
  ...CLIENT_FLAGS,
  model: { type: "string", multiple: true },
  queries: { type: "string" },
  limit: { type: "string" },
  samples: { type: "string" },
  cot: { type: "boolean" },
  "no-cot": { type: "boolean" },
  // The request and its protocol (tiers, override files, tier values, prefill, stop, turns): shared with afw scenario.
  ...SCENARIO_FLAGS,
  temperature: { type: "string" },
  "max-tokens": { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  experiment: { type: "string" },
  condition: { type: "string" },
  quiet: { type: "boolean" },
  list: { type: "boolean" },
  "dry-run": { type: "boolean" },
  models: { type: "string" },
  n: { type: "string" },
  conditions: { type: "string" },
  variant: { type: "string" },
  paraphrases: { type: "string" },
  // Providers (issue 10): the profile, a pin, overrides, reasoning, pace; permanent failures.
  ...PROVIDER_FLAGS,
  "retry-permanent": { type: "boolean" },
  // Provider batch APIs (issue 13)
  ...BATCH_FLAGS,
} as const;

export const OFFLINE_MODELS = ["sim-faker", "sim-refuser"];

export interface RunCommandResult {
  summary: RunSummary;
  out: string;
  /** What went through the batch door (--batch), or null. */
  batch?: BatchTotals | null;
  /** Text printed after an experiment run (contrasts / verdicts). */
  report?: string;
}

/**
 * Check an offline model name: a built-in organism (with parameters), a
 * motive organism or the deliberator. `inferred`: offline because no
 * provider, base URL or key was found (not --offline), so a model that is
 * no organism is most likely a real model the user meant to reach.
 */
function checkOfflineModel(m: string, inferred: boolean): void {
  if (motiveOrganism(m) || isFinetuneRef(m)) return; // a fine-tuning folder is checked when the plan resolves it
  if (isDeliberatorModel(m)) {
    try {
      resolveDeliberator(m);
      return;
    } catch (e) {
      throw new AfwError(`afw run: --model ${m}: ${(e as Error).message}`);
    }
  }
  try {
    resolveOrganism(m);
  } catch (e) {
    // Bad parameters on an organism's name (400): the organism's own message.
    if (e instanceof OrganismError && e.status !== 404) throw new AfwError(`afw run: --model ${m}: ${e.message.split("\n")[0]}`);
    const known = `Organisms: ${organismNames().join(", ")} (the first three take rates, e.g. sim-faker@free=0.5,paid=0.1).`;
    if (!inferred) throw new AfwError(`afw run: --model ${m}: not a simulated organism, and --offline runs only those. ${known}`);
    const p = findProfile(exampleProvider(m))!;
    throw new AfwError(
      `afw run: --model ${m} is not a simulated organism, and no provider, base URL or API key was found, so this run would be offline; ` +
        `to reach ${m}, name its provider (e.g. --provider ${p.name} with ${p.keyEnv} set; afw providers lists them) or give --base-url. ${known}`,
    );
  }
}

/** The provider to suggest for a model: its vendor's own when the catalogue knows it, else OpenRouter's for a vendor/model id, else OpenAI. */
function exampleProvider(model: string): string {
  const served = servedBy(model).filter((p) => p !== "vllm" && p !== "openrouter");
  if (served.length) return served[0];
  return model.includes("/") ? "openrouter" : "openai";
}

/** The experiment list for --list. */
export function formatExperimentList(): string {
  const es = experiments();
  const w = Math.max(...es.map((e) => e.name.length));
  const lines = es.map((e) => `${e.name.padEnd(w)}  n=${String(e.n).padEnd(3)}  ${String(e.conditions.length).padStart(2)} cond  ${e.title}`);
  return ["experiments (afw run NAME; --dry-run first to see the cost):", ...lines].join("\n");
}

/** Where a run goes when --out is not given: stable per command, so a rerun resumes. */
export function defaultOut(parts: Record<string, unknown>): string {
  return resolve("runs", `run-${sha256(canonicalJson(parts)).slice(0, 10)}`);
}

/**
 * `afw run`. Everything is checked before anything is written: a bad flag,
 * a missing file or a bad template exits 2 with no output folder.
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, log: (s: string) => void = (s) => process.stderr.write(s + "\n")): Promise<RunCommandResult> {
  const r = await runAny(argv, env, log);
  if (!r) throw new AfwError("afw run: --list and --dry-run print only; use runAny for them");
  return r;
}

/**
 * \`afw run\` with everything: --list and --dry-run print to \`out_\` and
 * return null; an EXPERIMENT runs every condition; otherwise one ad-hoc run.
 * Both go through lib/pipeline \`evaluate()\`.
 */
export async function runAny(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  log: (s: string) => void = (s) => process.stderr.write(s + "\n"),
  out_: (s: string) => void = (s) => process.stdout.write(s + "\n"),
): Promise<RunCommandResult | null> {
  const { values: v, positionals } = parseFlags("run", argv, RUN_FLAGS, 1);
  if (v.list) {
    out_(formatExperimentList());
    return null;
  }
  const expName = positionals[0];
  if (!expName && (v["dry-run"] || v.models || v.n || v.conditions)) {
    throw new AfwError(`afw run: --dry-run, --models, --n and --conditions need an experiment (afw run --list)`);
  }
  if (v.cot && v["no-cot"]) throw new AfwError("afw run: --cot and --no-cot contradict each other");
  const cot = !v["no-cot"];
  const ep = endpointOptions("run", v, env, { needKey: !v["dry-run"] });
  ep.onWarning = (line) => log(`afw run: warning: ${line}`);
  const offline = ep.offline;
  const batch = batchFlags("run", v);
  if (batch && !v["dry-run"]) checkBatch("run", ep, v);
  const modelFlags = [...(v.model ?? []), ...listFlag(v.models, [])];
  if (expName) return experimentRun(expName, v, modelFlags, ep, { log, out: out_, batch });
  const models = modelFlags.length ? modelFlags : offline ? OFFLINE_MODELS : [];
  if (!models.length) throw new AfwError("afw run: --model is required with an endpoint (repeat it for several models)");

  const limit = v.limit === undefined ? undefined : intFlag("run", "limit", v.limit, 0);
  const samples = intFlag("run", "samples", v.samples, 1, 1, 10_000);
  const seed = intFlag("run", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const params = sampling(v);
  const tiers = listFlag(v.tiers, ["free", "paid"]);
  if (!tiers.length) throw new AfwError("afw run: --tiers needs at least one tier");

  const queriesPath = v.queries ? resolve(v.queries) : null;
  const queries = queriesPath ? loadQueries(queriesPath, { limit }) : shippedQueries(projectRoot(), { limit });
  const ownTiers = v.tiers === undefined && v.variant;
  // The request's shape and protocol: the flags shared with afw scenario show.
  const flagSpec = scenarioSpecFromFlags(v, "run", { cot });
  const overrides = flagSpec.overrides ?? {};
  const protocol = protocolOf(flagSpec);
  const scenario = loadScenario({ cot, ...(ownTiers ? {} : { tiers }), variant: v.variant ?? "baseline", overrides, ...protocol });
  for (const t of scenario.spec.tiers) scenario.render(queries[0], t); // unknown tier → error now, not mid-run
  if (v.variant) tiers.splice(0, tiers.length, ...scenario.spec.tiers);

  if (offline) for (const m of models) checkOfflineModel(m, !v.offline);
  const experimentLabel = v.experiment ?? "adhoc";
  const condition = v.condition ?? "baseline";
  const recorded = offline ? null : redactUrl(ep.baseURL!);
  const out = v.out
    ? resolve(v.out)
    : defaultOut({ models, tiers, cot, queries: queriesPath ?? SHIPPED_QUERIES_PATH, limit, samples, seed, params, experiment: experimentLabel, condition, base: recorded ?? "offline", sys: v["system-file"], user: v["user-template"], suffix: v["suffix-file"], ...(v.variant ? { variant: v.variant } : {}), ...(v["prefill-file"] ? { prefill_file: v["prefill-file"] } : {}), ...(Object.keys(protocol).length ? { protocol } : {}), ...(v.paraphrases ? { paraphrases: resolve(v.paraphrases) } : {}), ...providerParts(v) });
  const adhoc = adhocExperiment({ experiment: experimentLabel, condition, variant: v.variant ?? "baseline", cot, tiers: ownTiers ? undefined : tiers, overrides, protocol, models, queries: queries.length, samples });
  const { experiment } = await paraphrased(adhoc, v.paraphrases, undefined, log, { variant: v.variant ?? "baseline", cot });
  return interruptible(log, async (signal) => {
    const endpoint = await openEndpoint(ep);
    try {
      // Refused before anything is sent or written: one line, exit 2.
      preflightRun(endpoint, planExperiment(experiment, { queries, offline }).conditions, params);
      log(`afw run: ${models.length} model(s) × ${tiers.length} tier(s) × ${queries.length} queries × ${samples} sample(s) → ${out}${offline ? " (offline: simulated organisms)" : ""}`);
      const r = await evaluate(experiment, endpoint, {
        out,
        queries,
        querySource: queriesPath ?? SHIPPED_QUERIES_PATH,
        seed,
        params,
        judges: [],
        progress: !v.quiet,
        signal,
        load: false,
        log: (line) => log(`afw ${line}`),
        retryPermanent: !!v["retry-permanent"],
        args: { cot, limit: limit ?? null, samples, tiers, concurrency: ep.concurrency, seed, cache: !v["no-cache"], system_file: v["system-file"] ?? null, user_template: v["user-template"] ?? null, suffix_file: v["suffix-file"] ?? null, ...(v["prefill-file"] ? { prefill_file: v["prefill-file"] } : {}), ...protocol, ...ep.record },
        ...(batch ? { batch: { ...batch, onEvent: batchEventPrinter("afw run", log, !!v.quiet) } } : {}),
      });
      return { summary: r.run!, out, batch: r.batch.run, report: await wordingText(v.paraphrases, r.run!, out, seed) };
    } finally {
      await endpoint.close();
    }
  });
}

type RunFlags = ReturnType<typeof parseFlags<typeof RUN_FLAGS>>["values"];


/** What of the provider flags goes into the default results folder's name (only when given: offline and inferred runs keep their folders). */
function providerParts(v: RunFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (v.provider !== undefined) out.provider = v.provider;
  if (v["provider-file"] !== undefined) out.provider_file = resolve(v["provider-file"]);
  if (v["provider-order"] !== undefined) out.provider_order = v["provider-order"];
  if (v["reasoning-effort"] !== undefined) out.reasoning_effort = v["reasoning-effort"];
  if (v["thinking-budget"] !== undefined) out.thinking_budget = v["thinking-budget"];
  return out;
}

/** --temperature and --max-tokens as request parameters (only those given). */
function sampling(v: RunFlags): Record<string, number> {
  const temperature = numFlag("run", "temperature", v.temperature, undefined, 0, 2);
  const maxTokens = v["max-tokens"] === undefined ? undefined : intFlag("run", "max-tokens", v["max-tokens"], 0, 1, 1_000_000);
  const params: Record<string, number> = {};
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) params.max_tokens = maxTokens;
  return params;
}

/**
 * Run `fn` with Ctrl-C (or SIGTERM) wired to an abort signal: the first
 * stops scheduling new requests (those in flight finish and are written),
 * the second quits at once.
 */
async function interruptible<T>(log: (s: string) => void, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      log("afw run: stopping after the requests in flight (press Ctrl-C again to quit now)");
      controller.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

interface ExpContext {
  log: (s: string) => void;
  out: (s: string) => void;
  batch: ReturnType<typeof batchFlags>;
}

/**
 * \`afw run EXPERIMENT\`: plan every condition (the same plan drives
 * --dry-run), run them into one folder, then print the contrasts.
 */
async function experimentRun(name: string, v: RunFlags, modelFlags: string[], ep: ReturnType<typeof endpointOptions>, ctx: ExpContext): Promise<RunCommandResult | null> {
  const catalogued = getExperiment(name);
  for (const flag of ["cot", "no-cot", ...(Object.keys(SCENARIO_FLAGS) as (keyof typeof SCENARIO_FLAGS)[]), "experiment", "condition", "variant", "samples", "limit"] as const) {
    if (v[flag] !== undefined) throw new AfwError(`afw run ${name}: --${flag} does not apply to an experiment (its conditions fix it; use --n, --models, --conditions)`);
  }
  const n = v.n === undefined ? undefined : intFlag("run", "n", v.n, 1, 1, 100_000);
  const seed = intFlag("run", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const params = sampling(v);
  const queriesPath = v.queries ? resolve(v.queries) : null;
  const queries: Query[] = queriesPath ? loadQueries(queriesPath) : shippedQueries(projectRoot());
  const picked = v.conditions === undefined ? undefined : listFlag(v.conditions, []);
  const { experiment: e, only } = await paraphrased(catalogued, v.paraphrases, picked, ctx.log);
  if (ep.offline) for (const m of modelFlags) checkOfflineModel(m, !v.offline);
  const models = modelFlags.length ? modelFlags : undefined;
  const plan: Plan = planExperiment(e, { queries, offline: ep.offline, models, n, only });
  if (v["dry-run"]) {
    ctx.out(formatPlan(plan));
    if (!ep.offline && ep.profile) {
      const r = providerReport(ep.profile, plan.conditions, params, { baseURL: redactUrl(ep.baseURL!), allow: ep.allow, reasoningEffort: ep.reasoningEffort, thinkingBudget: ep.thinkingBudget, today: ep.today });
      ctx.out("");
      for (const l of r.lines) ctx.out(l);
    }
    ctx.out("");
    for (const l of await costLines(e, plan, ep, { queries, models, n, only, params, batch: !!ctx.batch })) ctx.out(l);
    return null;
  }
  const recorded = ep.offline ? null : redactUrl(ep.baseURL!);
  const out = v.out
    ? resolve(v.out)
    : defaultOut({ experiment: name, models: plan.models, n: n ?? null, only: picked ?? null, seed, params, queries: queriesPath ?? SHIPPED_QUERIES_PATH, base: recorded ?? "offline", ...(v.paraphrases ? { paraphrases: resolve(v.paraphrases) } : {}), ...providerParts(v) });
  return interruptible(ctx.log, async (signal) => {
    const endpoint = await openEndpoint(ep);
    try {
      preflightRun(endpoint, plan.conditions, params);
      ctx.log(`afw run ${name}: ${plan.requests} requests, ${plan.conditions.length} condition(s), ${plan.models.length} model(s) → ${out}${ep.offline ? " (offline: simulated organisms)" : ""}`);
      const r = await evaluate(e, endpoint, {
        out,
        queries,
        querySource: queriesPath ?? SHIPPED_QUERIES_PATH,
        n,
        models,
        conditions: only,
        seed,
        params,
        judges: [],
        progress: !v.quiet,
        signal,
        load: false,
        log: (line) => ctx.log(`afw ${line}`),
        retryPermanent: !!v["retry-permanent"],
        args: { experiment: name, n: n ?? null, models: plan.models, conditions: picked ?? null, seed, concurrency: ep.concurrency, cache: !v["no-cache"], ...(v.paraphrases ? { paraphrases: resolve(v.paraphrases) } : {}), ...ep.record },
        ...(ctx.batch ? { batch: { ...ctx.batch, onEvent: batchEventPrinter("afw run", ctx.log, !!v.quiet) } } : {}),
      });
      const summary = r.run!;
      let report: string | undefined;
      if (e.contrasts.length && summary.status === "complete") report = motivationsReport(await readSlimSamples(out), e.contrasts, { seed }).text;
      const wording = await wordingText(v.paraphrases, summary, out, seed);
      if (wording) report = report ? `${report}\n\n${wording}` : wording;
      return { summary, out, report, batch: r.batch.run };
    } finally {
      await endpoint.close();
    }
  });
}

// --paraphrases DIR (docs/paraphrase.md): wording as a factor of the run's conditions.
/**
 * Cross the experiment (a catalogued or an ad-hoc one) with the paraphrase
 * set in DIR: each condition whose texts the set rewords becomes one
 * condition per wording plus the reference, with the wording in its factors
 * (lib/paraphrase crossExperiment); the others run as they are. `only` (the
 * --conditions asked for) is applied before crossing, so the crossed
 * experiment is run whole. Without DIR, the experiment as it is.
 */
async function paraphrased(e: Experiment, dir: string | undefined, only: string[] | undefined, log: (s: string) => void, adhoc?: { variant: string; cot: boolean }): Promise<{ experiment: Experiment; only: string[] | undefined }> {
  if (dir === undefined) return { experiment: e, only };
  const { adhocRemedy, crossExperiment, loadParaphraseSet } = await import("../../paraphrase/index");
  const set = loadParaphraseSet(resolve(dir));
  // An ad-hoc run of another variant than the set's: say which flag makes them match.
  const remedy = adhoc ? adhocRemedy(set.manifest.scenario, adhoc) : null;
  const c = crossExperiment(e, set, { only, ...(remedy ? { remedy } : {}) });
  log(`afw run: --paraphrases ${dir}: ${c.crossed.join(", ")} × (${set.wordings.length} wording(s) + the reference)${c.unchanged.length ? `; not reworded by this set, run as they are: ${c.unchanged.join(", ")}` : ""}`);
  return { experiment: c.experiment, only: undefined };
}

/** After a crossed run that finished: the wording analysis (per wording, pooled, spread), from the folder's manifest. */
async function wordingText(dir: string | undefined, s: RunSummary, out: string, seed: number): Promise<string | undefined> {
  if (dir === undefined || s.status !== "complete") return undefined;
  const { wordingReport } = await import("../../paraphrase/index");
  const { readManifest } = await import("../../store/index");
  const w = wordingReport({ manifest: readManifest(out), samples: await readSlimSamples(out) }, { seed });
  return w ? `${w.text}\n(afw report ${out} also draws the wording forest)` : undefined;
}

/**
 * The dry run's cost: the plan's requests priced four ways (synchronous,
 * with prompt caching, as batches, as batches with caching) from the dated
 * price table, prompts counted with OpenAI's tokenizer for OpenAI models.
 * At a chosen provider, under its ids; otherwise (offline) the paper's
 * models (or --models) where each would run.
 */
async function costLines(e: Experiment, plan: Plan, ep: ReturnType<typeof endpointOptions>, o: { queries: Query[]; models?: string[]; n?: number; only?: string[]; params: Record<string, number>; batch: boolean }): Promise<string[]> {
  const at = !ep.offline && ep.profile ? ep.profile.name : null;
  // Offline with models named: organisms (or folders trained offline), which cost nothing.
  if (!at && o.models?.length) return ["estimated cost: the simulated organisms cost nothing; give --provider and the models to run for the cost at a provider"];
  // Offline, the plan runs the organisms: price the experiment's own models, where each would run.
  let real: Plan;
  try {
    real = at ? plan : planExperiment(e, { queries: o.queries, offline: false, n: o.n, only: o.only });
  } catch (err) {
    if (!(err instanceof AfwError)) throw err;
    return [`estimated cost: not available offline for ${e.name} (${err.message}); give --provider for the cost at a provider`];
  }
  const est = await estimateSweepCost(planEstimateRequests(real, at ? placementAt(at) : defaultPlacement, o.params));
  const lines = [`estimated cost${at ? ` at ${at}` : " (each model where it would run: the first of anthropic, openai, xai, gemini-openai, together, deepinfra, openrouter that serves it)"}:`, formatEstimate(est)];
  if (o.batch) {
    const line = batchSavingLine(est, at);
    if (line) lines.push(line);
  }
  return lines;
}

/**
 * Exit 0 when every sample finished, 1 when some failed for good (now, or
 * kept from before as permanent failures), 3 when a fatal provider error
 * stopped the run, 130 when interrupted.
 */
export function summarize(r: RunCommandResult, log: (s: string) => void): number {
  const s = r.summary;
  const blocked = s.outcomes?.blocked ?? 0;
  log(`afw run: ${s.written} written, ${s.skipped} already done, ${s.errors} failed${blocked ? `, ${blocked} blocked by the provider (recorded)` : ""}, ${s.usage.retries} retries, ${s.usage.prompt_tokens + s.usage.completion_tokens} tokens; ${s.usage.cached} answer(s) from the response cache; ${s.seconds.toFixed(1)} s → ${r.out}`);
  if (s.spend?.length) log(`afw run: ${spendLine(s.spend)}`);
  const ns = Object.entries(s.paramsNotSent ?? {});
  if (ns.length) log(`afw run: not sent to the provider, so its default applied: ${ns.map(([m, ps]) => `${m}: ${ps.join(", ")}`).join("; ")} (each sample records what was asked and, in params_not_sent, what was left out)`);
  const bl = batchTotalsLine("afw run", r.batch);
  if (bl) log(bl);
  if (s.repairedBytes) log(`afw run: cut a torn last line (${s.repairedBytes} bytes) left by an earlier kill`);
  if (s.fatal) {
    log(`afw run: stopped: ${s.fatal}`);
    return EXIT_FATAL_PROVIDER;
  }
  const transient = s.errors - (s.errorsPermanent ?? 0);
  if (transient) log(`afw run: ${transient} sample(s) failed after every retry (rate limits, server errors, timeouts); recorded as failed, and the same command tries them again`);
  if (s.errorsPermanent) log(`afw run: ${s.errorsPermanent} sample(s) failed with a permanent error (context too long, an invalid request); recorded, not retried by a plain rerun; --retry-permanent redoes them`);
  if (s.keptPermanent) log(`afw run: ${s.keptPermanent} sample(s) kept as failed with a permanent error (context too long, invalid request); --retry-permanent redoes them`);
  const stop = batchStopLine("afw run", r.batch);
  if (stop) log(stop);
  if (s.status === "complete") return 0;
  return s.errors || s.keptPermanent ? 1 : 130;
}

export const command: Command = {
  summary: "generate samples against an endpoint or the offline organisms",
  help: HELP,
  async run(argv, io) {
    const r = await runAny(argv, io.env, io.log, io.out);
    if (!r) return 0;
    const code = summarize(r, io.log);
    if (r.report) io.out(r.report);
    return code;
  },
};
