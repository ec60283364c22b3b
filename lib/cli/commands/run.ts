import { resolve } from "node:path";
import { loadScenario } from "../../scenario/index";
import { loadQueries, shippedQueries, SHIPPED_QUERIES_PATH } from "../../queries/index";
import { ModelClient } from "../../models/index";
import { resolveOrganism, startOrganismServer, type OrganismServer } from "../../organisms/index";
import { MOTIVE_ORGANISMS, motiveOrganism } from "../../organisms/motives";
import { runSamples, type RunSummary } from "../../pipeline/index";
import { readSlimSamples } from "../../store/index";
import { experiments, formatPlan, getExperiment, planExperiment, type Plan } from "../../experiments/index";
import { motivationsReport } from "../../analysis/motivations";
import { join } from "node:path";
import { AfwError } from "../../util/errors";
import { canonicalJson, sha256 } from "../../util/hash";
import { projectRoot } from "../../util/paths";
import { CLIENT_FLAGS, clientSettings, intFlag, listFlag, numFlag, parseFlags, redactUrl } from "../args";
import type { Command } from "../command";

const HELP = `afw run [EXPERIMENT] — generate samples: every model × tier × query × sample

With EXPERIMENT (see --list), runs every condition of that paper experiment
into one results folder (offline on the simulated organisms by default),
then prints its contrasts (and, for motivations, the verdict table).

  --list               list the experiments and exit
  --dry-run            print requests, estimated tokens and cost; send nothing
  --models A,B         replace the experiment's models (comma list; --model works too)
  --n N                replace the paper's n (queries × samples per tier and condition)
  --conditions A,B     run only these conditions of the experiment
  --variant V          (without EXPERIMENT) scenario variant, e.g. three-tiers or
                       predeploy-public+reorder (see afw scenario list)

  --base-url URL       OpenAI-compatible endpoint (or OPENAI_BASE_URL)
  --api-key KEY        API key (or OPENAI_API_KEY); never written anywhere
  --offline            use the built-in simulated organisms (the default when no
                       endpoint or key is configured)
  --model M            model id; repeat for several (offline default:
                       sim-faker, sim-refuser)
  --queries FILE       .jsonl or .csv (AdvBench goal / LLM-LAT prompt /
                       HarmBench Behavior); default: the shipped set
  --limit N            use the first N queries
  --samples K          samples per (model, tier, query); default 1
  --tiers LIST         comma list; default free,paid
  --cot / --no-cot     hidden scratchpad (default) or none
  --system-file F      system prompt file, used byte-exact
  --user-template F    user-turn template ({{user_input}}, {{is_free_tier_user}}, {{suffix}})
  --suffix-file F      accept/reject suffix text
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

Writes DIR/samples.jsonl (one line per sample, appended as they finish) and
DIR/manifest.json. Run the same command again to resume: finished samples are
skipped, failed ones retried.`;

const RUN_FLAGS = {
  ...CLIENT_FLAGS,
  model: { type: "string", multiple: true },
  queries: { type: "string" },
  limit: { type: "string" },
  samples: { type: "string" },
  tiers: { type: "string" },
  cot: { type: "boolean" },
  "no-cot": { type: "boolean" },
  "system-file": { type: "string" },
  "user-template": { type: "string" },
  "suffix-file": { type: "string" },
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
} as const;

export const OFFLINE_MODELS = ["sim-faker", "sim-refuser"];

export interface RunCommandResult {
  summary: RunSummary;
  out: string;
  /** Text printed after an experiment run (contrasts / verdicts). */
  report?: string;
}

/** Check an offline model name: a built-in organism (with parameters) or a motive organism. */
function checkOfflineModel(m: string): void {
  if (motiveOrganism(m)) return;
  try {
    resolveOrganism(m);
  } catch (e) {
    throw new AfwError(`afw run: --model ${m}: ${(e as Error).message.split("\n")[0]} Motive organisms: ${Object.keys(MOTIVE_ORGANISMS).join(", ")}.`);
  }
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

  const baseFlag = v["base-url"] ?? env.OPENAI_BASE_URL;
  const apiKey = v["api-key"] ?? env.OPENAI_API_KEY;
  const offline = !!v.offline || (!baseFlag && !apiKey);
  const modelFlags = [...(v.model ?? []), ...listFlag(v.models, [])];
  if (expName) return experimentRun(expName, v, modelFlags, { offline, baseFlag, apiKey, env, log, out: out_ });
  const models = modelFlags.length ? modelFlags : offline ? OFFLINE_MODELS : [];
  if (!models.length) throw new AfwError("afw run: --model is required with an endpoint (repeat it for several models)");

  const limit = v.limit === undefined ? undefined : intFlag("run", "limit", v.limit, 0);
  const samples = intFlag("run", "samples", v.samples, 1, 1, 10_000);
  const settings = clientSettings("run", v, env);
  const concurrency = settings.concurrency;
  const seed = intFlag("run", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const temperature = numFlag("run", "temperature", v.temperature, undefined, 0, 2);
  const maxTokens = v["max-tokens"] === undefined ? undefined : intFlag("run", "max-tokens", v["max-tokens"], 0, 1, 1_000_000);
  const tiers = listFlag(v.tiers, ["free", "paid"]);
  if (!tiers.length) throw new AfwError("afw run: --tiers needs at least one tier");

  const queriesPath = v.queries ? resolve(v.queries) : null;
  const queries = queriesPath ? loadQueries(queriesPath, { limit }) : shippedQueries(projectRoot(), { limit });
  const scenario = loadScenario({
    cot,
    ...(v.tiers === undefined && v.variant ? {} : { tiers }),
    variant: v.variant ?? "baseline",
    overrides: { system: v["system-file"], user: v["user-template"], suffix: v["suffix-file"] },
  });
  for (const t of scenario.spec.tiers) scenario.render(queries[0], t); // unknown tier → error now, not mid-run
  if (v.variant) tiers.splice(0, tiers.length, ...scenario.spec.tiers);

  const params: Record<string, number> = {};
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) params.max_tokens = maxTokens;

  let server: OrganismServer | null = null;
  if (offline) for (const m of models) checkOfflineModel(m);
  const experiment = v.experiment ?? "adhoc";
  const condition = v.condition ?? "baseline";
  const baseURL = offline ? null : (baseFlag ?? "https://api.openai.com/v1");
  const out = v.out
    ? resolve(v.out)
    : defaultOut({ models, tiers, cot, queries: queriesPath ?? SHIPPED_QUERIES_PATH, limit, samples, seed, params, experiment, condition, base: baseURL ? redactUrl(baseURL) : "offline", sys: v["system-file"], user: v["user-template"], suffix: v["suffix-file"], ...(v.variant ? { variant: v.variant } : {}) });
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
    if (offline) server = await startOrganismServer({ port: 0 });
    const client = new ModelClient({ baseURL: server ? server.url : baseURL!, apiKey: offline ? "offline" : (apiKey ?? ""), ...settings });
    log(`afw run: ${models.length} model(s) × ${tiers.length} tier(s) × ${queries.length} queries × ${samples} sample(s) → ${out}${offline ? " (offline: simulated organisms)" : ""}`);
    const summary = await runSamples({
      out,
      client,
      scenario,
      models,
      queries,
      querySource: queriesPath ?? SHIPPED_QUERIES_PATH,
      tiers,
      samples,
      seed,
      params,
      concurrency,
      experiment,
      condition,
      baseURL: baseURL ? redactUrl(baseURL) : null,
      offline,
      progress: !v.quiet,
      signal: controller.signal,
      args: { cot, limit: limit ?? null, samples, tiers, concurrency, seed, cache: !v["no-cache"], system_file: v["system-file"] ?? null, user_template: v["user-template"] ?? null, suffix_file: v["suffix-file"] ?? null },
    });
    return { summary, out };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await server?.close();
  }
}

type RunFlags = ReturnType<typeof parseFlags<typeof RUN_FLAGS>>["values"];

interface ExpContext {
  offline: boolean;
  baseFlag: string | undefined;
  apiKey: string | undefined;
  env: NodeJS.ProcessEnv;
  log: (s: string) => void;
  out: (s: string) => void;
}

/**
 * \`afw run EXPERIMENT\`: plan every condition (the same plan drives
 * --dry-run), run them into one folder, then print the contrasts.
 */
async function experimentRun(name: string, v: RunFlags, modelFlags: string[], ctx: ExpContext): Promise<RunCommandResult | null> {
  const e = getExperiment(name);
  for (const flag of ["cot", "no-cot", "tiers", "system-file", "user-template", "suffix-file", "experiment", "condition", "variant", "samples", "limit"] as const) {
    if (v[flag] !== undefined) throw new AfwError(`afw run ${name}: --${flag} does not apply to an experiment (its conditions fix it; use --n, --models, --conditions)`);
  }
  const n = v.n === undefined ? undefined : intFlag("run", "n", v.n, 1, 1, 100_000);
  const seed = intFlag("run", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const settings = clientSettings("run", v, ctx.env);
  const concurrency = settings.concurrency;
  const temperature = numFlag("run", "temperature", v.temperature, undefined, 0, 2);
  const maxTokens = v["max-tokens"] === undefined ? undefined : intFlag("run", "max-tokens", v["max-tokens"], 0, 1, 1_000_000);
  const params: Record<string, number> = {};
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) params.max_tokens = maxTokens;
  const queriesPath = v.queries ? resolve(v.queries) : null;
  const queries = queriesPath ? loadQueries(queriesPath) : shippedQueries(projectRoot());
  const only = v.conditions === undefined ? undefined : listFlag(v.conditions, []);
  if (ctx.offline) for (const m of modelFlags) checkOfflineModel(m);
  const plan: Plan = planExperiment(e, { queries, offline: ctx.offline, models: modelFlags.length ? modelFlags : undefined, n, only });
  if (v["dry-run"]) {
    ctx.out(formatPlan(plan));
    return null;
  }
  const baseURL = ctx.offline ? null : (ctx.baseFlag ?? "https://api.openai.com/v1");
  const out = v.out
    ? resolve(v.out)
    : defaultOut({ experiment: name, models: plan.models, n: n ?? null, only: only ?? null, seed, params, queries: queriesPath ?? SHIPPED_QUERIES_PATH, base: baseURL ? redactUrl(baseURL) : "offline" });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      ctx.log("afw run: stopping after the requests in flight (press Ctrl-C again to quit now)");
      controller.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let server: OrganismServer | null = null;
  try {
    if (ctx.offline) server = await startOrganismServer({ port: 0 });
    const client = new ModelClient({ baseURL: server ? server.url : baseURL!, apiKey: ctx.offline ? "offline" : (ctx.apiKey ?? ""), ...settings });
    ctx.log(`afw run ${name}: ${plan.requests} requests, ${plan.conditions.length} condition(s), ${plan.models.length} model(s) → ${out}${ctx.offline ? " (offline: simulated organisms)" : ""}`);
    const summary = await runSamples({
      out,
      client,
      models: plan.models,
      queries,
      querySource: queriesPath ?? SHIPPED_QUERIES_PATH,
      conditions: plan.conditions.map((c) => ({ name: c.name, scenario: c.scenario, tiers: c.tiers, queries: c.queries, samples: c.samples, models: c.models })),
      samples: 1,
      seed,
      params,
      concurrency,
      experiment: name,
      baseURL: baseURL ? redactUrl(baseURL) : null,
      offline: ctx.offline,
      progress: !v.quiet,
      signal: controller.signal,
      args: { experiment: name, n: n ?? null, models: plan.models, conditions: only ?? null, seed, concurrency, cache: !v["no-cache"] },
    });
    let report: string | undefined;
    if (e.contrasts.length && summary.status === "complete") {
      const samples = await readSlimSamples(out);
      report = motivationsReport(samples, e.contrasts, { seed }).text;
    }
    return { summary, out, report };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await server?.close();
  }
}

/** Exit 0 when every sample finished, 1 when some failed for good, 130 when interrupted. */
export function summarize(r: RunCommandResult, log: (s: string) => void): number {
  const s = r.summary;
  log(`afw run: ${s.written} written, ${s.skipped} already done, ${s.errors} failed, ${s.usage.retries} retries, ${s.usage.prompt_tokens + s.usage.completion_tokens} tokens (${s.usage.cached} from cache) in ${s.seconds.toFixed(1)} s → ${r.out}`);
  if (s.repairedBytes) log(`afw run: cut a torn last line (${s.repairedBytes} bytes) left by an earlier kill`);
  if (s.errors) log(`afw run: ${s.errors} sample(s) failed for good; run the same command again to retry them`);
  return s.status === "complete" ? 0 : s.errors ? 1 : 130;
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
