import { join, resolve } from "node:path";
import {
  buildParaphraseSet,
  damagedSetFiles,
  readParaphraseManifest,
  crossExperiment,
  formatParaphrasePlan,
  loadParaphraseSet,
  openParaphraseEndpoint,
  paraphraseSetsOf,
  planParaphraseSet,
  validateParaphraseSet,
  wordingForestRows,
  wordingReport,
  type WordingAnalysis,
} from "../../paraphrase/index";
import { adhocExperiment } from "../../experiments/index";
import { loadQueries, shippedQueries, SHIPPED_QUERIES_PATH } from "../../queries/index";
import { loadScenario } from "../../scenario/index";
import { AfwError } from "../../util/errors";
import { writeFileAtomic } from "../../util/fsx";
import { projectRoot } from "../../util/paths";
import { CLIENT_FLAGS, clientSettings, intFlag, listFlag, numFlag, parseFlags, redactUrl } from "../args";
import type { Command, Io } from "../command";

const HELP = `afw paraphrase — paraphrase sets: does the gap survive rewording?

  afw paraphrase SCENARIO --k K --out DIR [--model M]    make a set of K wordings
  afw paraphrase check DIR                               re-check a set's files (also: validate DIR)
  afw paraphrase run DIR --out RUN [--model M …]         run every wording on the same queries
  afw paraphrase report RUN                              gaps per wording, pooled, spread; figure

Making a set (SCENARIO is a variant: baseline, three-tiers, predeploy-public+reorder …):
  --k K                wordings wanted (default 8)
  --out DIR            the set's folder (required); rerun the same command to resume
  --model M            the model that rewords (offline default: sim-paraphraser;
                       sim-paraphraser@bad=0.2 makes a share of malformed replies)
  --parts LIST         what to reword: system-sections (every section but the worked
                       examples), suffix, or section names (identity, format, examples,
                       strategy, criteria, training, closing); default system-sections,suffix
  --cot / --no-cot     the scenario with the scratchpad (default) or without
  --system-file F      reword this system prompt file instead (split at blank lines)
  --suffix-file F      reword this suffix file instead
  --max-draws N        give up after N draws (default 3·K)
  --strict             reject on warnings too (drift, facts read differently)
  --min-length-ratio R, --max-length-ratio R   accepted length range (default 0.5, 2)
  --seed N             generator seed (draw k sends seed + k); default 0
  --temperature T      default 1 (so draws differ); --max-tokens N default 2000
  --dry-run            print requests, tokens and cost; send nothing
  --quiet              no per-draw lines

Running the wordings (run DIR):
  --out RUN            results folder (required); rerun to resume
  --model M            repeat for several (offline default: sim-eval-aware, sim-faker)
  --queries FILE       .jsonl or .csv; default the shipped set; --limit N
  --samples K          samples per (model, tier, query, wording); default 1
  --wordings A,B       only these wordings of the set; --no-reference skips the reference
  --seed N             run seed; default 0
  --figure FILE        where the forest figure goes (default RUN/figures/w_wording_forest.html,
                       the name afw figures and afw report give it)
  --png                also write PNG and SVG (needs Chromium)

Endpoint (make and run): --offline (default without an endpoint or key),
--base-url URL, --api-key KEY (or OPENAI_BASE_URL / OPENAI_API_KEY; the key is
never written anywhere), --concurrency N, --timeout S, --max-attempts N,
--no-cache, --cache-dir DIR.

The run's manifest records every wording as a factor of its condition
(condition_specs: condition, wording, wording_kind, paraphrase_set), which
report (and afw report) read. To cross a paper experiment's conditions:
  afw run EXPERIMENT --paraphrases DIR

A set is DIR/manifest.json (source hash, generator, prompts, every wording and
every rejection with its reasons), DIR/reference/ and one folder per accepted
wording (DIR/wNN/system.txt, suffix.txt), usable as byte-exact overrides:
  afw run --system-file DIR/w03/system.txt --suffix-file DIR/w03/suffix.txt
See docs/paraphrase.md.`;

const MAKE_FLAGS = {
  ...CLIENT_FLAGS,
  model: { type: "string" },
  k: { type: "string" },
  out: { type: "string" },
  parts: { type: "string" },
  cot: { type: "boolean" },
  "no-cot": { type: "boolean" },
  "system-file": { type: "string" },
  "suffix-file": { type: "string" },
  "max-draws": { type: "string" },
  strict: { type: "boolean" },
  "min-length-ratio": { type: "string" },
  "max-length-ratio": { type: "string" },
  seed: { type: "string" },
  temperature: { type: "string" },
  "max-tokens": { type: "string" },
  "dry-run": { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

const RUN_FLAGS = {
  ...CLIENT_FLAGS,
  model: { type: "string", multiple: true },
  models: { type: "string" },
  out: { type: "string" },
  queries: { type: "string" },
  limit: { type: "string" },
  samples: { type: "string" },
  wordings: { type: "string" },
  "no-reference": { type: "boolean" },
  seed: { type: "string" },
  figure: { type: "string" },
  png: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

const REPORT_FLAGS = { figure: { type: "string" }, png: { type: "boolean" }, json: { type: "boolean" }, seed: { type: "string" } } as const;

interface Endpoint {
  offline: boolean;
  baseURL: string | null;
  apiKey: string | undefined;
}

function endpointOf(v: { offline?: boolean; "base-url"?: string; "api-key"?: string }, env: NodeJS.ProcessEnv): Endpoint {
  const base = v["base-url"] ?? env.OPENAI_BASE_URL;
  const apiKey = v["api-key"] ?? env.OPENAI_API_KEY;
  const offline = !!v.offline || (!base && !apiKey);
  return { offline, baseURL: offline ? null : (base ?? "https://api.openai.com/v1"), apiKey };
}

/** Ctrl-C stops after the requests in flight; a second one quits. */
function interruptible(log: (s: string) => void): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  let n = 0;
  const on = () => {
    n++;
    if (n === 1) {
      log("afw paraphrase: stopping after the requests in flight (press Ctrl-C again to quit now)");
      controller.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  return {
    signal: controller.signal,
    done: () => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
    },
  };
}

async function make(variant: string, argv: string[], io: Io): Promise<number> {
  const { values: v } = parseFlags("paraphrase", argv, MAKE_FLAGS, 0);
  if (v.cot && v["no-cot"]) throw new AfwError("afw paraphrase: --cot and --no-cot contradict each other");
  const ep = endpointOf(v, io.env);
  const model = v.model ?? (ep.offline ? "sim-paraphraser" : undefined);
  if (!model) throw new AfwError("afw paraphrase: --model is required with an endpoint (the model that writes the paraphrases)");
  const k = intFlag("paraphrase", "k", v.k, 8, 1, 1000);
  const maxDraws = intFlag("paraphrase", "max-draws", v["max-draws"], 3 * k, k, 100_000);
  const seed = intFlag("paraphrase", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const temperature = numFlag("paraphrase", "temperature", v.temperature, undefined, 0, 2);
  const maxTokens = v["max-tokens"] === undefined ? undefined : intFlag("paraphrase", "max-tokens", v["max-tokens"], 0, 1, 1_000_000);
  const minRatio = numFlag("paraphrase", "min-length-ratio", v["min-length-ratio"], 0.5, 0, 100)!;
  const maxRatio = numFlag("paraphrase", "max-length-ratio", v["max-length-ratio"], 2, 0, 100)!;
  if (minRatio >= maxRatio) throw new AfwError(`afw paraphrase: --min-length-ratio (${minRatio}) must be below --max-length-ratio (${maxRatio})`);
  const parts = listFlag(v.parts, ["system-sections", "suffix"]);
  const settings = clientSettings("paraphrase", v, io.env);
  const scenario = loadScenario({
    variant,
    cot: !v["no-cot"],
    overrides: { system: v["system-file"] ? resolve(v["system-file"]) : undefined, suffix: v["suffix-file"] ? resolve(v["suffix-file"]) : undefined },
  });
  const params: Record<string, number> = {};
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) params.max_tokens = maxTokens;
  const plan = planParaphraseSet({ scenario, parts, model, k, maxDraws, seed });
  if (v["dry-run"]) {
    io.out(formatParaphrasePlan(plan));
    return 0;
  }
  if (!v.out) throw new AfwError("afw paraphrase: --out DIR is required (the set's folder)");
  const out = resolve(v.out);
  const stop = interruptible(io.log);
  const endpoint = await openParaphraseEndpoint({ offline: ep.offline, baseURL: ep.baseURL, apiKey: ep.apiKey, ...settings });
  try {
    const r = await buildParaphraseSet({
      onStart: () => io.log(`afw paraphrase: ${k} wording(s) of ${scenario.spec.variant} (${scenario.spec.cot ? "cot" : "no-cot"}; ${plan.units.map((u) => u.name).join(", ")}) from ${model} → ${out}${ep.offline ? " (offline)" : ""}`),
      scenario,
      parts,
      model,
      k,
      maxDraws,
      out,
      client: endpoint.client,
      baseURL: ep.baseURL ? redactUrl(ep.baseURL) : null,
      offline: ep.offline,
      seed,
      params,
      strict: !!v.strict,
      limits: { minLengthRatio: minRatio, maxLengthRatio: maxRatio },
      concurrency: Math.max(1, Math.min(8, Math.floor(settings.concurrency / Math.max(1, plan.units.length)) || 1)),
      signal: stop.signal,
      log: v.quiet ? undefined : io.log,
    });
    const m = r.manifest;
    const reasons = new Map<string, number>();
    for (const rej of m.rejected) for (const x of rej.reasons) reasons.set(x.check, (reasons.get(x.check) ?? 0) + 1);
    io.out(
      `${m.status}: ${m.wordings.length}/${m.k} wording(s) accepted, ${m.rejected.length} draw(s) rejected${reasons.size ? ` (${[...reasons].map(([c, n]) => `${c} ×${n}`).join(", ")})` : ""}; ${r.drawsSent} draw(s) sent, ${r.drawsResumed} resumed → ${out}`,
    );
    if (m.wordings.length) io.out(`mean chrF per wording: ${m.wordings.map((w) => `${w.id} ${w.mean_chrf.toFixed(2)}`).join(", ")}`);
    if (m.status !== "complete") io.log(stop.signal.aborted ? "afw paraphrase: interrupted; run the same command again to resume" : `afw paraphrase: only ${m.wordings.length} of ${m.k} wordings passed in ${m.max_draws} draws; see the rejections in ${join(out, "manifest.json")} (raise --max-draws, or rerun to retry failed requests)`);
    return m.status === "complete" ? 0 : stop.signal.aborted ? 130 : 1;
  } finally {
    stop.done();
    await endpoint.close();
  }
}

async function check(argv: string[], io: Io): Promise<number> {
  const { positionals } = parseFlags("paraphrase check", argv, {}, 2);
  if (!positionals[1]) throw new AfwError("afw paraphrase check: give the set's folder (afw paraphrase check DIR)");
  // Every damaged file, one line each (loading stops at the first).
  const { dir, path, manifest } = readParaphraseManifest(positionals[1]);
  const damaged = damagedSetFiles(dir, path, manifest);
  if (damaged.length) {
    for (const d of damaged) io.log(`afw paraphrase check: ${d}`);
    return 2;
  }
  const set = loadParaphraseSet(positionals[1]);
  const results = validateParaphraseSet(set);
  const m = set.manifest;
  io.out(`${set.dir}: ${m.status}, ${set.wordings.length}/${m.k} wording(s) of ${m.scenario.variant} (${m.scenario.cot ? "cot" : "no-cot"}) by ${m.generator.model}; every file matches its sha256`);
  for (const r of results) io.out(`  ${r.id}  ${r.ok ? "ok" : "PROBLEMS: " + r.problems.join("; ")}  (mean chrF ${set.wordings.find((w) => w.id === r.id)!.meanChrf.toFixed(2)})`);
  for (const rej of m.rejected) io.out(`  rejected draw ${rej.draw}: ${rej.reasons.map((x) => `${x.unit}: ${x.detail}`).join("; ")}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

/** The forest to `file`, or to RUN/figures/ under the name every command gives it. */
async function writeFigure(a: WordingAnalysis, file: string | undefined, runDir: string, png: boolean, io: Io): Promise<void> {
  // Loaded here, not at the top: making or checking a set should not pay for the figure code.
  const { createExporter, htmlDocument, wordingForest, FIGURE_FILES } = await import("../../figures/index");
  file = resolve(file ?? join(runDir, "figures", `${FIGURE_FILES.wordingForest}.html`));
  const fig = wordingForest(wordingForestRows(a), { level: a.level, tiers: a.tiers });
  const html = file.endsWith(".html") ? file : `${file}.html`;
  writeFileAtomic(html, htmlDocument(fig));
  io.log(`afw paraphrase: figure → ${html}`);
  if (png) {
    const ex = createExporter();
    try {
      const files = await ex.export(fig, html.slice(0, -".html".length), ["png", "svg"]);
      io.log(`afw paraphrase: figure → ${files.join(", ")}`);
    } finally {
      await ex.close();
    }
  }
}

async function report(runDir: string, v: { figure?: string; png?: boolean; json?: boolean; seed?: string }, io: Io): Promise<WordingAnalysis> {
  const { readManifest, readSlimSamples } = await import("../../store/index");
  const manifest = readManifest(runDir);
  if (!manifest) throw new AfwError(`${runDir}: no manifest.json here (not a results folder)`);
  const w = wordingReport({ manifest, samples: await readSlimSamples(runDir) }, { seed: intFlag("paraphrase report", "seed", v.seed, 0, 0, 2 ** 31 - 1) });
  if (!w) throw new AfwError(`${join(runDir, "manifest.json")}: no condition of this run has a wording factor (run it crossed with a paraphrase set: afw paraphrase run SET, or afw run … --paraphrases SET)`);
  io.out(v.json ? JSON.stringify(w.analysis, null, 2) : w.text);
  await writeFigure(w.analysis, v.figure, runDir, !!v.png, io);
  return w.analysis;
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFlags("paraphrase run", argv, RUN_FLAGS, 2);
  if (!positionals[1]) throw new AfwError("afw paraphrase run: give the set's folder (afw paraphrase run DIR --out RUN)");
  if (!v.out) throw new AfwError("afw paraphrase run: --out RUN is required (the results folder)");
  const set = loadParaphraseSet(positionals[1]);
  const m = set.manifest;
  const ep = endpointOf(v, io.env);
  const models = [...(v.model ?? []), ...listFlag(v.models, [])];
  if (!models.length && !ep.offline) throw new AfwError("afw paraphrase run: --model is required with an endpoint");
  if (!models.length) models.push("sim-eval-aware", "sim-faker");
  const limit = v.limit === undefined ? undefined : intFlag("paraphrase run", "limit", v.limit, 0, 1);
  const samples = intFlag("paraphrase run", "samples", v.samples, 1, 1, 10_000);
  const seed = intFlag("paraphrase run", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const settings = clientSettings("paraphrase run", v, io.env);
  const queriesPath = v.queries ? resolve(v.queries) : null;
  const queries = queriesPath ? loadQueries(queriesPath, { limit }) : shippedQueries(projectRoot(), { limit });
  // The set's own scenario as a one-condition ad-hoc experiment, crossed with the set: every wording on the same queries.
  const adhoc = adhocExperiment({
    experiment: "paraphrase",
    condition: "baseline",
    variant: m.scenario.variant,
    cot: m.scenario.cot,
    overrides: { system: m.scenario.system_file ?? undefined, suffix: m.scenario.suffix_file ?? undefined },
    models,
    queries: queries.length,
    samples,
  });
  const { experiment } = crossExperiment(adhoc, set, { includeReference: !v["no-reference"], wordings: v.wordings === undefined ? undefined : listFlag(v.wordings, []) });
  const out = resolve(v.out);
  const { readManifest } = await import("../../store/index");
  const prevSets = paraphraseSetsOf(readManifest(out));
  if (prevSets.length && !prevSets.includes(m.source.hash.slice(0, 16))) throw new AfwError(`--out ${out} holds a run of another paraphrase set (${prevSets.join(", ")}); use a new --out`);
  const { evaluate } = await import("../../pipeline/index");
  const stop = interruptible(io.log);
  const endpoint = await openParaphraseEndpoint({ offline: ep.offline, baseURL: ep.baseURL, apiKey: ep.apiKey, ...settings });
  try {
    const tiers = loadScenario({ variant: m.scenario.variant, cot: m.scenario.cot }).spec.tiers.length;
    io.log(`afw paraphrase run: ${experiment.conditions.length} wording(s) × ${models.length} model(s) × ${tiers} tier(s) × ${queries.length} queries × ${samples} sample(s) → ${out}${ep.offline ? " (offline)" : ""}`);
    const r = await evaluate(experiment, endpoint.endpoint, {
      out,
      queries,
      querySource: queriesPath ?? SHIPPED_QUERIES_PATH,
      seed,
      concurrency: settings.concurrency,
      judges: [],
      progress: !v.quiet,
      signal: stop.signal,
      load: false,
      args: { paraphrase_set: set.dir, set_hash: m.source.hash, set_config_hash: m.config_hash, samples, seed, limit: limit ?? null, models, cache: !v["no-cache"] },
    });
    const summary = r.run!;
    io.log(`afw paraphrase run: ${summary.written} written, ${summary.skipped} already done, ${summary.errors} failed in ${summary.seconds.toFixed(1)} s → ${out}`);
    if (summary.status !== "complete") {
      io.log("afw paraphrase run: incomplete; run the same command again to finish, then afw paraphrase report");
      return summary.errors ? 1 : 130;
    }
  } finally {
    stop.done();
    await endpoint.close();
  }
  await report(out, { figure: v.figure, png: v.png, seed: String(seed) }, io);
  return 0;
}

export const command: Command = {
  summary: "paraphrase sets: reword a scenario K times, run every wording, pool the gap over wordings",
  help: HELP,
  async run(argv, io) {
    const sub = argv[0];
    if (sub === undefined || sub.startsWith("-")) throw new AfwError("afw paraphrase: give a scenario variant (afw paraphrase baseline --k 8 --out DIR) or check / run / report (see afw paraphrase --help)");
    // "validate" as afw finetune calls it.
    if (sub === "check" || sub === "validate") return check(argv, io);
    if (sub === "run") return run(argv, io);
    if (sub === "report") {
      const { values: v, positionals } = parseFlags("paraphrase report", argv, REPORT_FLAGS, 2);
      if (!positionals[1]) throw new AfwError("afw paraphrase report: give the results folder (afw paraphrase report RUN)");
      await report(resolve(positionals[1]), v, io);
      return 0;
    }
    return make(sub, argv.slice(1), io);
  },
};
